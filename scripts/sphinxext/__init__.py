"""What runs inside Sphinx for every edition: per-language configuration, interface-string
fallback, SVG conversion, and the site's templates. One `setup` wires the submodules."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config

from scripts.sphinxext import (
    catalog_gate,
    draft,
    editions,
    images,
    interface,
    longlines,
    metadata,
    parameters,
    progress,
    progress_chart,
    sanitize,
    search,
    site_context,
)

HERE = Path(__file__).resolve().parent
SUBMODULES = (editions, interface, images, progress, search, site_context, sanitize, catalog_gate, longlines, metadata,
              draft, progress_chart, parameters)


def _add_theme_files(app: Sphinx, config: Config) -> None:
    # Our templates and static files come first so they can extend the theme's ("!page.html").
    config.templates_path = [str(HERE / "templates"), *config.templates_path]
    config.html_static_path = [str(HERE / "static"), *config.html_static_path]


def setup(app: Sphinx) -> dict[str, Any]:
    for module in SUBMODULES:
        module.setup(app)
    app.connect("config-inited", _add_theme_files, priority=150)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
