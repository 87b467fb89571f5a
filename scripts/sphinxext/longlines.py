"""An enormous paragraph still makes a PDF.

Sphinx writes each paragraph on one line of the .tex file, and TeX refuses a line longer than its
buffer (200,000 bytes: "Unable to read an entire line---bufsize=200000"), so one paragraph pasted
whole into a msgstr would fail the PDF with an error that names neither the catalog nor the text.
For the LaTeX builder, long runs of text are broken into lines at spaces, which TeX reads as the
spaces they were; literal blocks keep their lines.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform

LINE_CHARS = 1000  # escaped LaTeX is at most a few times longer than the text


def break_lines(text: str, width: int = LINE_CHARS) -> str:
    """`text` with a newline instead of a space wherever a line would exceed `width`."""
    if len(text) <= width:
        return text
    line_start = 0
    last_space = -1
    chars = list(text)
    for i, ch in enumerate(chars):
        if ch == "\n":
            line_start, last_space = i + 1, -1
        elif ch == " ":
            last_space = i
        if i - line_start >= width and last_space > line_start:
            chars[last_space] = "\n"
            line_start, last_space = last_space + 1, -1
    return "".join(chars)


class BreakLongLines(SphinxPostTransform):
    default_priority = 900
    builders = ("latex",)

    def run(self, **kwargs: Any) -> None:
        for node in list(self.document.findall(nodes.Text)):
            if len(node) <= LINE_CHARS or node.parent is None:
                continue
            if any(isinstance(a, nodes.FixedTextElement | nodes.literal | nodes.raw | nodes.math)
                   for a in _ancestors(node)):
                continue
            broken = break_lines(str(node))
            if broken != str(node):
                node.parent.replace(node, nodes.Text(broken))


def _ancestors(node: nodes.Node) -> list[nodes.Node]:
    found = []
    current = node.parent
    while current is not None:
        found.append(current)
        current = current.parent
    return found


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_post_transform(BreakLongLines)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
