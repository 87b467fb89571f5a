"""Interface strings (sphinx.po) cannot put markup in front of a reader.

The theme writes interface strings into pages as HTML, so a translation that adds a tag, an
entity or a quote to its msgid could inject markup: such a translation is reported and dropped
from every translator Sphinx loaded. A sphinx.js among the catalogs (Sphinx would serve it as
translations.js, scripts.sphinxext.translations_js makes sure it never is) is reported, and the
titles taken from catalogs are escaped in the templates.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from pathlib import Path
from typing import Any

from markupsafe import Markup
from sphinx.application import Sphinx
from sphinx.config import Config

from scripts import pofile
from scripts.sphinxext.problems import snippet, warn

_MARKUP = re.compile(r"<[^<>]*>|&#?\w+;|[<>\"&`]")


def markup_of(text: str) -> Counter[str]:
    """Tags, entities and the characters that end an attribute or start markup, with counts."""
    return Counter(_MARKUP.findall(text))


def _unsafe_interface_strings(catalogs: list[Path]) -> dict[str, str]:
    """msgid -> msgstr of every interface translation that adds markup; each is reported."""
    unsafe: dict[str, str] = {}
    for po_path in catalogs:
        if not po_path.is_file():
            continue
        try:
            catalog = pofile.read(po_path)
        except pofile.PoSyntaxError:
            continue  # reported by the catalog check
        for entry in catalog.entries:
            if entry.obsolete or entry.msgid_plural is not None:
                continue
            if entry.msgstr and markup_of(entry.msgstr) != markup_of(entry.msgid):
                unsafe[entry.msgid] = entry.msgstr
                warn(f"the interface string {snippet(entry.msgid, 40)} adds markup ({snippet(entry.msgstr, 40)}) "
                     "and is not used", "keep the msgid's HTML, quotes and & exactly; translate only the words",
                     "unsafe-html", f"{po_path}:{entry.msgstr_line}")
    return unsafe


def _drop_from_translators(translator: Any, unsafe: dict[str, str]) -> None:
    seen = set()
    while translator is not None and id(translator) not in seen:
        seen.add(id(translator))
        catalog = getattr(translator, "_catalog", None)
        if isinstance(catalog, dict):
            for msgid, msgstr in unsafe.items():
                if catalog.get(msgid) == msgstr:
                    del catalog[msgid]
        translator = getattr(translator, "_fallback", None)


def harden_interface(app: Sphinx, config: Config) -> None:
    """config-inited, after the interface chain is loaded (scripts.sphinxext.interface)."""
    from scripts.sphinxext.editions import edition_of  # noqa: PLC0415

    edition = edition_of(app)
    catalogs = [edition.project.catalogdir(tag) / "sphinx.po" for tag in edition.language.interface_chain]
    unsafe = _unsafe_interface_strings(catalogs)
    if unsafe:
        import sphinx.locale  # noqa: PLC0415

        for translator in {id(t): t for t in (app.translator, *sphinx.locale.translators.values())}.values():
            _drop_from_translators(translator, unsafe)
    for po_path in catalogs:
        script = po_path.with_suffix(".js")
        if script.is_file():
            warn("a sphinx.js among the catalogs would run in every page and is not served",
                 "delete it: interface strings come from sphinx.po only", "unsafe-script", f"{script}:1")


def escape_titles(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    """The edition's title comes from a catalog (scripts.sphinxext.editions), and furo writes
    `docstitle` and `project` without escaping them."""
    for key in ("docstitle", "shorttitle", "project"):
        value = context.get(key)
        if isinstance(value, str) and not isinstance(value, Markup):
            context[key] = Markup(html.escape(value, quote=True))


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("html-page-context", escape_titles, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
