"""``{progress-chart}``: the site's chart of translation progress per language, on a page.

The chart is drawn by scripts/site.py when it assembles the site (``site/progreso.svg``), from
the catalogs as they are at that moment, so it is never stale and never an input of an edition
(a translation in one language must not rebuild every other edition). The directive's content is
the caption and the image's alternative text, translated like any paragraph. The chart belongs
to the website: PDF and EPUB editions leave it out.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

CHART_NAME = "progreso.svg"


class progress_chart(nodes.General, nodes.Element):  # noqa: N801 - docutils naming
    pass


class ProgressChart(SphinxDirective):
    has_content = True

    def run(self) -> list[nodes.Node]:
        node = progress_chart()
        self.state.nested_parse(self.content, self.content_offset, node)
        return [node]


def visit_html(self: Any, node: progress_chart) -> None:
    depth = self.builder.current_docname.count("/") + 1
    src = "../" * depth + CHART_NAME
    alt = node.astext().strip()
    self.body.append(f'<figure class="policy-progress-chart"><img src="{src}" alt="{self.encode(alt)}">'
                     "<figcaption>")


def depart_html(self: Any, node: progress_chart) -> None:
    self.body.append("</figcaption></figure>\n")


def skip(self: Any, node: progress_chart) -> None:
    raise nodes.SkipNode


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_node(progress_chart, html=(visit_html, depart_html), latex=(skip, None), text=(skip, None),
                 man=(skip, None), texinfo=(skip, None), epub=(skip, None))
    app.add_directive("progress-chart", ProgressChart)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
