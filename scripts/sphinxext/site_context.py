"""Template context shared by every page: the editions (for the language switcher) and the
downloads of this edition, all derived from the registry and the output contract.

Site layout (scripts/site.py assembles it): ``site/<tag>/`` per edition and
``site/descargas/`` with the PDF and EPUB files, so every link here is relative and the site
works from any directory or host.
"""

from __future__ import annotations

import posixpath
from typing import Any

from sphinx.application import Sphinx

from scripts.project import DIST_STEM
from scripts.sphinxext.editions import edition_language, registry_of

DOWNLOADS_DIR = "descargas"


def dist_filename(version: str, tag: str, suffix: str) -> str:
    return f"{DIST_STEM}-{version}-{tag}.{suffix}"


def page_context(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    _, registry = registry_of(app)
    lang = edition_language(app, app.config)
    # pathto(root_doc) is relative to this page; its directory is the edition's root.
    to_root = posixpath.dirname(context["pathto"](app.config.root_doc)) or "."
    to_site = posixpath.normpath(posixpath.join(to_root, ".."))
    page = pagename + ".html" if app.builder.name != "dirhtml" else pagename + "/"
    context["policy_editions"] = [
        {
            "tag": other.tag,
            "autonym": other.autonym,
            "name_es": other.name_es,
            "href": posixpath.join(to_site, other.tag, page),
            "current": other.tag == lang.tag,
        }
        for other in registry.languages
    ]
    version = app.config.version
    context["policy_downloads"] = [
        {"format": fmt, "label": fmt.upper(),
         "href": posixpath.join(to_site, DOWNLOADS_DIR, dist_filename(version, lang.tag, fmt))}
        for fmt in ("pdf", "epub")
    ]
    context["policy_edition_root"] = to_root


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("html-page-context", page_context)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
