"""Draft previews: `python -m scripts preview LANG` builds with the Sphinx tag ``draft`` and fuzzy
translations allowed. Every page then says so at its top, in the edition's interface language, and
asks search engines not to index it, so a draft can never pass for the published edition."""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx


def is_draft(app: Sphinx) -> bool:
    return app.tags.has("draft")


def mark_draft(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    if not is_draft(app):
        return
    _ = app.translator.gettext
    notice = nodes.admonition(classes=["policy-draft", "warning"])
    notice += nodes.title(text=_("Draft"))
    notice += nodes.paragraph(text=_("This is a translator's preview: it includes fuzzy translations that "
                                     "nobody has reviewed yet. It is not the published edition."))
    insert_under_title(doctree, notice)


def insert_under_title(doctree: nodes.document, notice: nodes.Element) -> None:
    """Put a notice right under the document's title (first, if it has none)."""
    sections = list(doctree.findall(nodes.section))
    if sections:
        title_index = next((i for i, child in enumerate(sections[0].children) if isinstance(child, nodes.title)), -1)
        sections[0].insert(title_index + 1, notice)
    else:
        doctree.insert(0, notice)


def noindex(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    if is_draft(app):
        context["metatags"] = context.get("metatags", "") + '\n<meta name="robots" content="noindex, nofollow">'


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("doctree-resolved", mark_draft)
    app.connect("html-page-context", noindex)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
