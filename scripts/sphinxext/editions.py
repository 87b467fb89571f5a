"""Per-edition configuration, applied in config-inited from the language registry.

conf.py is evaluated before Sphinx applies ``-D language=...``, so nothing that depends on the
language can live there. This module reads the registry entry of ``config.language`` and sets
what differs between editions: titles (translated through the catalogs, like any other text),
dates (formatted with a locale Babel knows), LaTeX language, EPUB identity, file names.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from babel.dates import format_date
from sphinx.application import Sphinx
from sphinx.builders.latex import LaTeXBuilder
from sphinx.builders.latex.util import ExtBabel
from sphinx.config import Config
from sphinx.errors import ConfigError
from sphinx.util import logging

from scripts import pofile
from scripts.diagnostics import PipelineError
from scripts.languages import Language, Registry
from scripts.project import Project, commit_timestamp, edition_basename
from scripts.site_layout import babel_locale_for

logger = logging.getLogger(__name__)

# Conf values whose Spanish text each edition shows translated (title page, EPUB metadata,
# HTML <title>). Their translation is looked up by msgid in the edition's root-document catalog.
TRANSLATED_CONF_VALUES = ("project", "policy_subtitle")


@dataclass(frozen=True)
class Edition:
    """What one Sphinx run builds: a project, its registry, and the registry's entry of the language."""

    project: Project
    registry: Registry
    language: Language


def resolve_edition(app: Sphinx, config: Config) -> Edition:
    """Read the registry once per Sphinx run and keep the edition on the application (as MyST
    keeps its configuration on the environment); every handler reads it with `edition_of`."""
    project = Project(Path(app.confdir))
    try:
        registry = project.registry()
        edition = Edition(project, registry, registry.get(config.language or registry.source.tag))
    except PipelineError as exc:
        raise ConfigError(str(exc)) from None
    app.policy_edition = edition  # type: ignore[attr-defined]
    return edition


def edition_of(app: Sphinx) -> Edition:
    """The edition this run builds (resolved by the first config-inited step)."""
    edition = getattr(app, "policy_edition", None)
    return edition if edition is not None else resolve_edition(app, app.config)


def catalog_translations(catalog_dir: Path, docname: str, msgids: list[str], allow_fuzzy: bool) -> dict[str, str]:
    """Translations of `msgids` found in one document's catalog (missing -> not in the result)."""
    po_path = catalog_dir / f"{docname}.po"
    if not po_path.is_file():
        return {}
    try:
        catalog = pofile.read(po_path)
    except pofile.PoSyntaxError:  # reported by `check` and the catalog gate; the title stays Spanish
        return {}
    wanted = set(msgids)
    return {entry.msgid: entry.msgstr for entry in catalog.entries
            if entry.msgid in wanted and entry.msgctxt is None and entry.msgid_plural is None
            and not entry.obsolete and entry.msgstr and (allow_fuzzy or not entry.fuzzy)}


def edition_date(root: Path) -> dt.date:
    stamp = commit_timestamp(root)
    return dt.datetime.fromtimestamp(stamp if stamp is not None else time.time(), dt.UTC).date()


def apply_edition_config(app: Sphinx, config: Config) -> None:
    edition = resolve_edition(app, config)
    project, registry, lang = edition.project, edition.registry, edition.language
    tag = lang.tag
    config.language = tag

    # Absolute locale dirs: Sphinx resolves them against srcdir for catalogs but against the
    # current directory for translations.js.
    srcdir = Path(app.srcdir)
    config.locale_dirs = [str((srcdir / d).resolve()) for d in config.locale_dirs]

    if not config.version:
        config.version = project.version
    if not config.release:
        config.release = config.version

    spanish: dict[str, str] = {name: getattr(config, name) for name in TRANSLATED_CONF_VALUES}
    translated = spanish
    if not lang.source:
        found = catalog_translations(
            project.catalogdir(tag), config.root_doc, list(spanish.values()),
            bool(config.gettext_allow_fuzzy_translations))
        translated = {name: found.get(text, text) for name, text in spanish.items()}
    title = translated["project"]
    config.project = title
    config.policy_subtitle = translated["policy_subtitle"]

    date_locale = babel_locale_for(lang, registry)
    config.policy_date_locale = date_locale
    config.today = format_date(edition_date(project.root), format="long", locale=date_locale)

    config.html_title = title
    config.html_short_title = title

    basename = edition_basename(tag)
    config.latex_documents = [(config.root_doc, f"{basename}.tex", title, config.author, "manual")]
    config.policy_latex_language = lang.latex_language
    elements: dict[str, Any] = dict(config.latex_elements)
    elements.setdefault("preamble", "")
    # Log every glyph the fonts lack ("Missing character"); the build matrix turns that into a
    # failure, because a missing glyph otherwise vanishes silently from the PDF.
    elements["preamble"] = "\\tracinglostchars=2\n" + elements["preamble"]
    elements.setdefault("papersize", "letterpaper")
    elements.setdefault("pointsize", "11pt")
    config.latex_elements = elements

    config.epub_basename = basename
    config.epub_title = title
    config.epub_author = config.author
    config.epub_publisher = config.policy_publisher or config.author
    config.epub_language = tag
    config.epub_description = translated["policy_subtitle"]
    # epub_uid is an XML id and the toc.ncx dtb:uid; epubcheck wants it equal to dc:identifier.
    config.epub_uid = basename
    config.epub_identifier = basename

    config.html_context = {
        **config.html_context,
        "policy_language": lang,
        "policy_registry": registry,
        "policy_version": config.version,
        "policy_subtitle": translated["policy_subtitle"],
        "policy_license": config.policy_license,
        "policy_license_url": config.policy_license_url,
        "policy_date": config.today,
    }


class EditionLaTeXBuilder(LaTeXBuilder):
    """LaTeX builder that hyphenates and labels in the registry's LaTeX language.

    Sphinx asks Babel about ``config.language`` itself; for nhe, yua or tzo it knows nothing,
    falls back to English and warns. The registry says which language LaTeX should use instead
    (Spanish for the Indigenous editions), so that is what Babel/polyglossia are told.
    """

    def init_babel(self) -> None:
        code = self.config.policy_latex_language or self.config.language
        self.babel = ExtBabel(code, not self.context["babel"])
        if not self.babel.is_supported_language():
            logger.warning("LaTeX knows no language %r (latex_language in languages.toml)", code,
                           type="policy", subtype="latex_language")


def apply_rights(app: Sphinx, config: Config) -> None:
    """Copyright and licence in the EPUB metadata and on the verso of the PDF's title page, in
    the edition's interface language. Runs after the interface fallback (so the labels are
    translated) and after Sphinx has replaced %Y in `copyright` (priority 800)."""
    from sphinx.util.texescape import escape  # noqa: PLC0415

    if config.policy_license:
        config.epub_copyright = f"{config.copyright}. {config.policy_license} {config.policy_license_url}"
    else:
        config.epub_copyright = config.copyright
    _ = app.translator.gettext
    lines = [escape(f"© {config.copyright}")]
    if config.policy_license:
        lines.append(escape(f"{_('Text licensed under')} {config.policy_license}") + " \\\\ "
                     + "\\url{" + config.policy_license_url + "}")
    lines.append(escape(f"{_('Version')} {config.version} · {config.today}"))
    page = " \\\\[1ex]\n".join(lines)
    elements = dict(config.latex_elements)
    elements["maketitle"] = (
        "\\sphinxmaketitle\n\\thispagestyle{empty}\\null\\vfill\n"
        "\\begin{flushleft}\\small\n" + page + "\n\\end{flushleft}\n\\clearpage\n")
    config.latex_elements = elements


def setup(app: Sphinx) -> dict[str, Any]:
    for name, default in (("policy_subtitle", ""), ("policy_publisher", ""), ("policy_license", ""),
                          ("policy_license_url", ""), ("policy_repository", ""),
                          ("policy_latex_language", ""), ("policy_date_locale", "")):
        app.add_config_value(name, default, "env")
    app.add_builder(EditionLaTeXBuilder, override=True)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
