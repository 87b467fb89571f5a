"""Interface strings: every word of the theme in the edition's language, or in Spanish, never English.

Sphinx looks for interface translations of ``config.language`` only; for nhe, yua or tzo it finds
none and shows English ("Next", "Search"). Here the registry's ``interface_fallback`` chain is
added behind the language's own catalog: the project's ``locale/<tag>/LC_MESSAGES/sphinx.po``,
then the fallback's project catalog, then Sphinx's own catalog of the fallback. The same chain
produces the ``translations.js`` the search page uses.

furo also hard-codes some English (aria-labels, SVG titles). A Jinja preprocessor wraps those in
``_()`` before the templates compile, so they go through the same catalogs instead of being
copied and edited by hand.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

import sphinx.locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from jinja2.ext import Extension
from sphinx import package_dir
from sphinx.application import Sphinx
from sphinx.config import Config

from scripts.sphinxext.editions import edition_language, registry_of

UI_CATALOG = "sphinx"

# Attribute values and SVG titles that themes write in English without gettext.
_HARDCODED = [
    re.compile(r'(aria-label=")([A-Z][A-Za-z /,\']+)(")'),
    re.compile(r"(<title>)([A-Z][A-Za-z /,']+)(</title>)"),
]


class HardcodedEnglish(Extension):
    """Wrap theme-hardcoded English strings in gettext calls before compiling templates."""

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        for pattern in _HARDCODED:
            source = pattern.sub(lambda m: f"{m.group(1)}{{{{ _({json.dumps(m.group(2))}) }}}}{m.group(3)}", source)
        return source


def _write_atomic(path: Path, data: bytes) -> None:
    if path.is_file() and path.read_bytes() == data:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(tmp, path)


def _read_catalog(po_path: Path) -> Any | None:
    if not po_path.is_file():
        return None
    try:
        with po_path.open("rb") as handle:
            return read_po(handle)
    except Exception:  # reported by `check`; a broken UI catalog must not stop the edition
        return None


def compile_private(po_path: Path, mo_path: Path) -> bool:
    """Compile a project UI catalog into this edition's private directory; True if it exists."""
    catalog = _read_catalog(po_path)
    if catalog is None:
        return False
    import io  # noqa: PLC0415

    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    _write_atomic(mo_path, buffer.getvalue())
    return True


def _builtin_js(tag: str) -> dict[str, Any] | None:
    path = Path(package_dir, "locale", tag, "LC_MESSAGES", "sphinx.js")
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8")
    body = text[text.index("(") + 1: text.rindex(")")]
    return json.loads(body)


def translations_js(tag: str, chain: list[str], project_catalogs: dict[str, Any]) -> str | None:
    """translations.js for `tag`: the first language of `chain` with a Sphinx JS catalog gives
    the message list, and every catalog in the chain may override a message."""
    base = None
    for link in chain:
        base = _builtin_js(link)
        if base is not None:
            break
    if base is None:
        return None
    messages = dict(base["messages"])
    for link in reversed(chain):
        catalog = project_catalogs.get(link)
        if catalog is None:
            continue
        for msgid in list(messages):
            message = catalog.get(msgid)
            if message is not None and message.string and not message.fuzzy:
                messages[msgid] = message.string
    data = {"locale": tag, "messages": messages, "plural_expr": base.get("plural_expr", "(n != 1)")}
    return "Documentation.addTranslations(" + json.dumps(data, indent=4, sort_keys=True) + ");\n"


def apply_interface_fallback(app: Sphinx, config: Config) -> None:
    project, _ = registry_of(app)
    lang = edition_language(app, config)
    if not lang.interface_fallback:
        return
    private = Path(app.doctreedir) / "interface-locale"
    dirs: list[Path | None] = []
    catalogs: dict[str, Any] = {}
    for tag in lang.interface_chain:
        po_path = project.catalogdir(tag) / f"{UI_CATALOG}.po"
        catalogs[tag] = _read_catalog(po_path)
        if tag != lang.tag and compile_private(po_path, private / tag / "LC_MESSAGES" / f"{UI_CATALOG}.mo"):
            dirs.append(private)
        if tag != lang.tag:
            dirs.append(Path(package_dir, "locale"))
            # Appends the fallback's catalogs behind the edition's own (Sphinx's init is reentrant).
            translator, _ = sphinx.locale.init(dirs, tag)
            app.translator = translator
            dirs = []
    js = translations_js(lang.tag, lang.interface_chain, catalogs)
    if js is not None:
        _write_atomic(private / lang.tag / "LC_MESSAGES" / "sphinx.js", js.encode("utf-8"))
        config.locale_dirs = [*config.locale_dirs, str(private)]


def install_preprocessor(app: Sphinx) -> None:
    templates = getattr(app.builder, "templates", None)
    environment = getattr(templates, "environment", None)
    if environment is not None:
        environment.add_extension(HardcodedEnglish)


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("config-inited", apply_interface_fallback, priority=200)
    app.connect("builder-inited", install_preprocessor)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


def theme_template_dirs() -> list[Path]:
    """Template directories whose strings an edition shows: ours, furo's, Sphinx's basic theme."""
    import furo  # noqa: PLC0415

    return [Path(__file__).resolve().parent / "templates",
            Path(furo.__file__).resolve().parent / "theme" / "furo",
            Path(package_dir, "themes", "basic")]


def extract_interface_messages(template_dirs: list[Path] | None = None) -> dict[str, list[str]]:
    """Every gettext message of the templates, after wrapping hard-coded English: msgid ->
    locations. This is what a language's sphinx.po has to translate (plus Sphinx's own)."""
    from jinja2 import Environment  # noqa: PLC0415

    env = Environment(extensions=["jinja2.ext.i18n", HardcodedEnglish])
    found: dict[str, list[str]] = {}
    for base in template_dirs or theme_template_dirs():
        for path in sorted(base.rglob("*.html")):
            source = path.read_text(encoding="utf-8")
            try:
                messages = list(env.extract_translations(source))
            except Exception:  # noqa: S112 - a template Jinja cannot parse alone has no strings for us
                continue
            for lineno, _function, message in messages:
                for msgid in message if isinstance(message, tuple) else (message,):
                    if msgid:
                        found.setdefault(msgid, []).append(f"{path.name}:{lineno}")
    return found
