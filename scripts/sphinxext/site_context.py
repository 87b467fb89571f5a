"""Template context shared by every page of the site, and the edition manifest.

Every value here is derived from the registry, the configuration and the output contract:
the language switcher (the same page in every edition), ``<link rel="alternate" hreflang>``,
OpenGraph metadata, the downloads (this edition's and the other languages'), the translation
progress banner and the "Translate this page" link.

Site layout (scripts/site.py assembles it): ``site/<tag>/`` per edition and ``site/descargas/``
with the PDF and EPUB files, so every link here is relative and the site works from any
directory or host. Absolute URLs (canonical, og:url, sitemap) need ``policy_site_url``.

Download sizes are not known when the HTML is written (the PDF is built after it, and another
language's files may not exist yet), so each one is an empty ``<span class="policy-size"
data-policy-file="...">`` that scripts/site.py fills when it assembles the site.

At the end of an HTML build, ``edition.json`` records what the site needs to know about the
edition without running Sphinx again: its pages, title and translation progress.
"""

from __future__ import annotations

import json
import posixpath
from pathlib import Path
from typing import Any
from urllib.parse import quote

from babel.numbers import format_percent
from sphinx.application import Sphinx

from scripts import formats
from scripts.languages import Language
from scripts.project import dist_filename
from scripts.site_layout import BILINGUAL_DIR, BILINGUAL_INDEX, DOWNLOADS_DIR, MANIFEST
from scripts.sphinxext import progress
from scripts.sphinxext.editions import edition_of

SITE_BUILDERS = ("html", "dirhtml")
STYLESHEET = "policy.css"
DEFAULT_TRANSLATE_URL = "{repository}/blob/HEAD/locale/{language}/LC_MESSAGES/{docname}.po"


def downloads_of(version: str, lang: Language, to_site: str) -> list[dict[str, str]]:
    tag = lang.tag
    return [{"format": fmt.name, "label": fmt.label, "type": fmt.mime, "file": dist_filename(version, tag, fmt.suffix),
             "href": posixpath.join(to_site, DOWNLOADS_DIR, dist_filename(version, tag, fmt.suffix))}
            for fmt in formats.published_for(lang)]


def og_locale(lang: Language) -> str:
    return (lang.date_locale or lang.tag).replace("-", "_")


def site_url(app: Sphinx) -> str:
    url = (app.config.policy_site_url or "").strip()
    return url if not url or url.endswith("/") else url + "/"


def interface_language(app: Sphinx, lang: Language) -> str:
    """The language the interface strings are in: the edition's own if it has an interface
    catalog, else its fallback's (Spanish for the Indigenous editions). Marked with lang= on
    the site's own interface blocks, so screen readers do not read Spanish with a Maya voice."""
    project = edition_of(app).project
    if not lang.interface_fallback or (project.catalogdir(lang.tag) / "sphinx.po").is_file():
        return lang.tag
    return lang.interface_fallback


def translate_href(app: Sphinx, lang: Language, pagename: str, pathto: Any) -> str:
    """Where "Translate this page" goes: the page's catalog in the repository, else the
    translators' page of the site, else nowhere (empty)."""
    repository = (app.config.policy_repository or "").rstrip("/")
    if repository and not lang.source and pagename in app.env.all_docs:
        return app.config.policy_translate_url.format(repository=repository, language=lang.tag, docname=pagename)
    return translators_href(app, pathto)


def translators_href(app: Sphinx, pathto: Any) -> str:
    page = app.config.policy_translators_page
    if page and page in app.env.all_docs:
        return pathto(page)
    repository = (app.config.policy_repository or "").rstrip("/")
    return repository


def page_context(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    if app.builder.name not in SITE_BUILDERS:
        return
    current = edition_of(app)
    registry, lang = current.registry, current.language
    pathto = context["pathto"]
    # pathto(root_doc) is relative to this page; its directory is the edition's root.
    to_root = posixpath.dirname(pathto(app.config.root_doc)) or "."
    to_site = posixpath.normpath(posixpath.join(to_root, ".."))
    page = app.builder.get_target_uri(pagename)
    base = site_url(app)
    version = app.config.version

    editions = []
    for other in registry.languages:
        relative = posixpath.join(to_site, other.tag, page)
        editions.append({
            "tag": other.tag, "autonym": other.autonym, "name_es": other.name_es,
            "href": relative, "url": f"{base}{other.tag}/{page}" if base else relative,
            "current": other.tag == lang.tag,
        })
    context["policy_editions"] = editions
    context["policy_source_tag"] = registry.source.tag
    context["policy_interface_lang"] = interface_language(app, lang)
    context["policy_home_url"] = base or posixpath.join(to_site, "index.html")
    context["policy_canonical_url"] = f"{base}{lang.tag}/{page}" if base else ""

    context["policy_downloads"] = downloads_of(version, lang, to_site)
    context["policy_other_downloads"] = [
        {"tag": other.tag, "autonym": other.autonym, "name_es": other.name_es,
         "files": downloads_of(version, other, to_site)}
        for other in registry.languages if other.tag != lang.tag
    ]
    context["policy_edition_root"] = to_root
    # The bilingual edition's HTML (built after this page; the build fails if it cannot be).
    context["policy_bilingual_href"] = (posixpath.join(to_site, BILINGUAL_DIR, lang.tag, BILINGUAL_INDEX)
                                        if lang.bilingual else "")

    context["policy_og"] = {
        "site_name": app.config.project,
        "title": context.get("title") or app.config.project,
        "description": app.config.policy_subtitle or app.config.project,
        "locale": og_locale(lang),
        "locale_alternates": [og_locale(o) for o in registry.languages if o.tag != lang.tag],
    }

    edition = progress.edition_progress(app.env)
    context["policy_progress"] = None
    if edition is not None and not edition.complete:
        this_page = progress.document_progress(app.env, pagename) if pagename in app.env.all_docs else None
        locale = app.config.policy_date_locale or registry.source.tag
        context["policy_progress"] = {
            "percent": edition.percent,
            "text": format_percent(edition.percent / 100, locale=locale),
            "page_complete": this_page is None or this_page.complete,
        }
    context["policy_translators_href"] = translators_href(app, pathto)
    context["policy_translate_href"] = translate_href(app, lang, pagename, pathto)


def write_manifest(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.name not in SITE_BUILDERS:
        return
    lang = edition_of(app).language
    edition = progress.edition_progress(app.env)
    data = {
        "tag": lang.tag,
        "version": app.config.version,
        "title": app.config.project,
        "subtitle": app.config.policy_subtitle,
        "site_url": site_url(app),
        "pages": sorted(quote(app.builder.get_target_uri(name), safe="/") for name in app.env.found_docs),
        "progress": (edition or progress.Progress(1, 1)).as_dict(),
    }
    path = Path(app.outdir) / MANIFEST
    text = json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def add_assets(app: Sphinx) -> None:
    if app.builder.name in SITE_BUILDERS:
        app.add_css_file(STYLESHEET)


def keep_out_of_epub(app: Sphinx, config: Any) -> None:
    """The static folder is shared with the EPUB builder, whose pages do not use the site's CSS."""
    excluded = f"_static/{STYLESHEET}"
    if excluded not in config.epub_exclude_files:
        config.epub_exclude_files = [*config.epub_exclude_files, excluded]


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("policy_site_url", "", "html", str)
    app.add_config_value("policy_translators_page", "traducir", "html", str)
    app.add_config_value("policy_translate_url", DEFAULT_TRANSLATE_URL, "html", str)
    app.connect("builder-inited", add_assets)
    app.connect("html-page-context", page_context)
    app.connect("build-finished", write_manifest)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
