"""What runs inside Sphinx for every edition: per-language configuration, interface-string
fallback, SVG conversion, the site's templates, and the defences. One `setup` wires the
submodules, and runs the edition's configuration in one ordered list (CONFIGURATION)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import texescape

from scripts.sphinxext import (
    adopted,
    audit,
    bilingual,
    catalog_gate,
    csp,
    draft,
    editions,
    honesty,
    images,
    interface,
    interface_safety,
    longlines,
    metadata,
    navigation,
    parameters,
    problems,
    progress,
    progress_chart,
    sanitize,
    search,
    search_index,
    site_context,
    translations_js,
)

HERE = Path(__file__).resolve().parent
SUBMODULES = (editions, interface, images, progress, search, site_context, problems, sanitize, interface_safety,
              translations_js, csp, audit, catalog_gate, longlines, metadata, draft, progress_chart,
              parameters, adopted, honesty, bilingual, navigation, search_index)


def add_theme_files(app: Sphinx, config: Config) -> None:
    # Our templates and static files come first so they can extend the theme's ("!page.html").
    config.templates_path = [str(HERE / "templates"), *config.templates_path]
    config.html_static_path = [str(HERE / "static"), *config.html_static_path]


class SphinxOwnHandlers:
    """Marks where Sphinx's own config-inited handlers run (priorities 790-800: the copyright's
    year, numfig formats in the edition's language, the checks of the paths set above)."""


# The edition's configuration, in order: each step sees what the steps before it set. The first
# resolves the edition (registry entry, language) once for the whole run.
CONFIGURATION: tuple[Any, ...] = (
    editions.apply_edition_config,  # language, titles, dates, LaTeX and EPUB identity
    adopted.apply_adopted_title,  # an adoption's title where the model's was (before the PDF metadata)
    adopted.apply_adoption_config,  # guide or front matter; an adoption's logo
    progress.configure,
    search.register,  # a search language for tags Sphinx does not know
    add_theme_files,
    interface.apply_interface_chain,  # interface catalogs of the fallback chain, translations.js
    metadata.apply_pdf_metadata,
    site_context.keep_out_of_epub,
    interface_safety.harden_interface,  # after the chain is loaded: drop strings that add markup
    catalog_gate.check_catalogs,
    parameters.load_parameters,  # the schema and an adoption's values (a project on its own: its conf.py)
    SphinxOwnHandlers,
    editions.apply_rights,  # needs the copyright with its year and the translated labels
)
_SPLIT = CONFIGURATION.index(SphinxOwnHandlers)


def _configure_before_sphinx(app: Sphinx, config: Config) -> None:
    for step in CONFIGURATION[:_SPLIT]:
        step(app, config)


def _configure_after_sphinx(app: Sphinx, config: Config) -> None:
    for step in CONFIGURATION[_SPLIT + 1:]:
        step(app, config)


def setup(app: Sphinx) -> dict[str, Any]:
    # Sphinx fills texescape's tables when a LaTeX builder starts, after config-inited: until
    # then escape() returns its text unchanged, and the titles and PDF metadata the steps below
    # escape (an adoption's government name among them) would reach \title{} as raw LaTeX.
    texescape.init()
    for module in SUBMODULES:
        module.setup(app)
    # The digest of the inputs Sphinx does not track (the pipeline's code, an adoption's file...),
    # set by the build's worker (scripts/matrix/fingerprint.pipeline_digest): when it changes,
    # Sphinx reads and writes every document again, as for any changed "env" value.
    app.add_config_value("policy_pipeline", "", "env", types=[str])
    app.connect("config-inited", _configure_before_sphinx, priority=100)
    app.connect("config-inited", _configure_after_sphinx, priority=900)
    # env_version: the doctrees keep each message's source text (bilingual.RememberSource).
    return {"version": "1", "env_version": 3, "parallel_read_safe": True, "parallel_write_safe": True}
