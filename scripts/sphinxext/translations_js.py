"""translations.js, the interface strings of the search page: one module writes it, clean.

Sphinx copies the first ``sphinx.js`` it finds for the edition's language into
``_static/translations.js``. This module writes that file for every edition, from the edition's
interface chain (scripts.sphinxext.interface reads the catalogs), into a private locale
directory Sphinx finds first, already in the form the Content-Security-Policy allows: no
``new Function`` (doctools.js evaluates Sphinx's plural expression as a string), no interface
string that adds markup (sphinx_highlight.js writes one into the page as HTML), empty
translations left out so the source text shows instead of a blank.

After an HTML build it makes sure the file served is that one: a ``sphinx.js`` a translator put
among the catalogs is never served, and any other file Sphinx copied is rewritten in the same form.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from sphinx import package_dir
from sphinx.application import Sphinx

from scripts import pofile
from scripts.atomic import write_atomic
from scripts.sphinxext.interface_safety import markup_of
from scripts.sphinxext.problems import warn

PRIVATE_DIR = "js"


def private_locale(app: Sphinx) -> Path:
    """Where an edition's own interface files go (compiled catalogs, this sphinx.js): beside its
    doctrees, never in locale/, so nothing a build writes is mistaken for a translator's file."""
    return Path(app.doctreedir) / "interface-locale"
_PLURAL_EXPR = re.compile(r"^[n0-9\s()!=<>&|?:%+*/-]+$")


def _builtin_js(tag: str) -> dict[str, Any] | None:
    path = Path(package_dir, "locale", tag, "LC_MESSAGES", "sphinx.js")
    if not path.is_file():
        return None
    return _parse(path.read_text(encoding="utf-8"))


def _parse(text: str) -> dict[str, Any] | None:
    """The data of a file in Sphinx's form, `Documentation.addTranslations({...});`."""
    try:
        data = json.loads(text[text.index("(") + 1: text.rindex(")")])
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _plural_expression(plural_forms: str) -> str:
    match = re.search(r"plural\s*=\s*(.+?);?\s*$", plural_forms)
    return match.group(1) if match else "(n != 1)"


def render(data: dict[str, Any]) -> str | None:
    """translations.js in the CSP's form, without any message that adds markup to its msgid and
    with a plural rule that is arithmetic only. None if `data` is not Sphinx's shape."""
    try:
        messages = dict(data["messages"])
    except (KeyError, TypeError, ValueError):
        return None
    safe = {}
    for msgid, value in messages.items():
        forms = value if isinstance(value, list) else [value]
        if all(isinstance(f, str) and (not f or markup_of(f) == markup_of(msgid)) for f in forms):
            safe[msgid] = value
    expr = str(data.get("plural_expr", "(n != 1)"))
    if not _PLURAL_EXPR.match(expr):
        expr = "(n != 1)"
    return (
        "// Interface translations (written by scripts/sphinxext/translations_js.py; no eval, for the CSP).\n"
        f"Object.assign(Documentation.TRANSLATIONS, {json.dumps(safe, indent=1, sort_keys=True)});\n"
        f"Documentation.PLURAL_EXPR = (n) => +({expr});\n"
        f"Documentation.LOCALE = {json.dumps(str(data.get('locale', '')))};\n"
    )


def translations_script(text: str) -> str | None:
    """A file in Sphinx's form, rewritten by `render`; None if it is not Sphinx's form."""
    data = _parse(text)
    return render(data) if data is not None else None


def edition_messages(tag: str, chain: list[str], catalogs: list[tuple[str, Any]],
                     plural_forms: str) -> dict[str, Any] | None:
    """Sphinx's JS message list of the first language of `chain` that has one, every message
    taken from the most preferred catalog (Babel's) that translates it, with the edition's own
    plural rule. None where no language of the chain has JS messages (English needs none)."""
    base = next((b for b in (_builtin_js(link) for link in chain) if b is not None), None)
    if base is None:
        return None
    forms = pofile.nplurals(plural_forms)
    messages: dict[str, Any] = {}
    for msgid, value in base["messages"].items():
        if isinstance(value, list):
            if len(value) == forms and all(value):
                messages[msgid] = value
        elif value:
            messages[msgid] = value
    for _link, catalog in reversed(catalogs):  # least preferred first; preferred ones overwrite
        if catalog is None:
            continue
        for msgid in base["messages"]:
            message = catalog.get(msgid)
            if message is None or message.fuzzy:
                continue
            if isinstance(message.string, (tuple, list)):
                if len(message.string) == forms and all(message.string):
                    messages[msgid] = list(message.string)
            elif message.string:
                messages[msgid] = message.string
    return {"locale": tag, "messages": messages, "plural_expr": _plural_expression(plural_forms)}


def write_for_edition(private: Path, tag: str, chain: list[str], catalogs: list[tuple[str, Any]],
                      plural_forms: str) -> Path | None:
    """Write the edition's sphinx.js under `private`; returns the locale directory to give
    Sphinx (None: the edition has no JS messages)."""
    data = edition_messages(tag, chain, catalogs, plural_forms)
    script = render(data) if data is not None else None
    if script is None:
        return None
    write_atomic(private / PRIVATE_DIR / tag / "LC_MESSAGES" / "sphinx.js", script.encode("utf-8"))
    return private / PRIVATE_DIR


def serve_only_ours(app: Sphinx, exception: Exception | None) -> None:
    """After an HTML build: the translations.js served is the one written here, or none."""
    if exception is not None or app.builder.format != "html":  # the site and the EPUB
        return
    target = Path(app.outdir) / "_static" / "translations.js"
    if not target.is_file():
        return
    source = app.builder._get_translations_js() if hasattr(app.builder, "_get_translations_js") else None
    ours = private_locale(app) / PRIVATE_DIR
    if source and Path(source).resolve().is_relative_to(ours.resolve()):
        return
    localedir = Path(app.confdir) / "locale"
    if source and Path(source).resolve().is_relative_to(localedir.resolve()):
        target.unlink()  # a translator's sphinx.js: reported by interface_safety when the build starts
        return
    rewritten = translations_script(target.read_text(encoding="utf-8"))
    if rewritten is None:
        warn("translations.js is not in Sphinx's form and is not served",
             "report this: the pipeline writes it from sphinx.po", "unsafe-script", f"{target}:1")
        target.unlink()
    else:
        target.write_text(rewritten, encoding="utf-8")


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("build-finished", serve_only_ours, priority=400)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
