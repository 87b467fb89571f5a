"""Interface strings: every word of the theme in the edition's language, or in Spanish, never English.

Sphinx looks for interface translations of ``config.language`` only; for nhe, yua or tzo it finds
none and shows English ("Next", "Search"). Here every language of the registry's interface chain
(the edition's language, then its ``interface_fallback``) contributes, in order: the project's
``locale/<tag>/LC_MESSAGES/sphinx.po`` (translators may write one for their language), the
catalog this extension ships for its templates and furo's (``scripts/sphinxext/locale``), and
Sphinx's own. The same chain gives the ``translations.js`` the search page uses, which
scripts.sphinxext.translations_js writes.

furo also hard-codes some English (aria-labels, SVG titles). A Jinja preprocessor wraps those in
``_()`` before the templates compile, so they go through the same catalogs instead of being
copied and edited by hand.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import sphinx.locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from jinja2.ext import Extension
from sphinx import package_dir
from sphinx.application import Sphinx
from sphinx.config import Config

from scripts.atomic import write_atomic
from scripts.sphinxext import translations_js
from scripts.sphinxext.editions import edition_of

UI_CATALOG = "sphinx"
EXTENSION_LOCALE = Path(__file__).resolve().parent / "locale"

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


def _read_catalog(po_path: Path) -> Any | None:
    """Babel's reader, not scripts.pofile's: Babel's write_mo compiles what it reads into the .mo
    Sphinx loads, and the two must agree on every message (plural forms, contexts, fuzziness)."""
    if not po_path.is_file():
        return None
    try:
        with po_path.open("rb") as handle:
            return read_po(handle)
    except Exception:  # reported by `check`; a broken UI catalog must not stop the edition
        return None


def compile_private(catalog: Any, mo_path: Path) -> None:
    """Compile an interface catalog into this edition's private directory (rewritten only on change)."""
    import io  # noqa: PLC0415

    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    write_atomic(mo_path, buffer.getvalue())


def interface_catalog_paths(project: Any, tag: str) -> list[tuple[str, Path]]:
    """A language's interface catalogs, most preferred first: the project's own (translators may
    add one for their language) and the one this extension ships for its templates."""
    return [("project", project.catalogdir(tag) / f"{UI_CATALOG}.po"),
            ("extension", EXTENSION_LOCALE / tag / "LC_MESSAGES" / f"{UI_CATALOG}.po")]


def apply_interface_chain(app: Sphinx, config: Config) -> None:
    """Put every catalog of the edition's interface chain behind what Sphinx loaded itself."""
    edition = edition_of(app)
    project, lang = edition.project, edition.language
    private = translations_js.private_locale(app)
    chain = lang.interface_chain
    catalogs: list[tuple[str, Any]] = []
    for position, tag in enumerate(chain):
        dirs: list[Path] = []
        for kind, po_path in interface_catalog_paths(project, tag):
            catalog = _read_catalog(po_path)
            catalogs.append((tag, catalog))
            if catalog is None or (position == 0 and kind == "project"):
                continue  # absent, or loaded by Sphinx itself from locale_dirs already
            compile_private(catalog, private / kind / tag / "LC_MESSAGES" / f"{UI_CATALOG}.mo")
            dirs.append(private / kind)
        if position > 0:
            dirs.append(Path(package_dir, "locale"))
        if dirs:
            # Sphinx's init is reentrant: it appends these catalogs as fallbacks of the current ones.
            translator, _ = sphinx.locale.init(dirs, tag)
            app.translator = translator
    js_dir = translations_js.write_for_edition(private, lang.tag, chain, catalogs, lang.plural_forms)
    if js_dir is not None:
        config.locale_dirs = [*config.locale_dirs, str(js_dir)]


def install_preprocessor(app: Sphinx) -> None:
    templates = getattr(app.builder, "templates", None)
    environment = getattr(templates, "environment", None)
    if environment is not None:
        environment.add_extension(HardcodedEnglish)


def setup(app: Sphinx) -> dict[str, Any]:
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
                messages = list(env.extract_translations(source))  # type: ignore[attr-defined]  # jinja2.ext.i18n
            except Exception:  # noqa: S112 - a template Jinja cannot parse alone has no strings for us
                continue
            for lineno, _function, message in messages:
                for msgid in message if isinstance(message, tuple) else (message,):
                    if msgid:
                        found.setdefault(msgid, []).append(f"{path.name}:{lineno}")
    return found
