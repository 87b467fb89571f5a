"""Assembling build/site: what no single edition owns.

Editions are written to ``site/<tag>/`` by the build matrix, each with an ``edition.json``
manifest (scripts/sphinxext/site_context.py: pages, title, translation progress). This module
adds, from the registry and those manifests:

- ``site/index.html``: the language chooser, every edition by its autonym with its progress and
  downloads; ``chooser.js`` moves the edition of the browser's preferred language to the top;
- ``site/descargas/``: this version's PDF and EPUB files;
- the download sizes on every page: the HTML is written before the PDF exists, so each page
  carries empty ``policy-size`` placeholders that are filled here (and a link to a file that
  was not built is hidden); filling is idempotent, so it runs on every assembly;
- ``site/sitemap.xml`` with hreflang alternates, when the site's URL is known
  (``policy_site_url`` in conf.py; a sitemap needs absolute URLs);
- ``site/404.html``, for hosts that serve one.

Nothing is rewritten when it has not changed, so a second `make` costs nothing here.
"""

from __future__ import annotations

import functools
import html
import json
import os
import re
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from xml.sax.saxutils import quoteattr

from babel.numbers import format_decimal, format_percent

from scripts import formats
from scripts.atomic import copy_atomic, write_atomic
from scripts.csp import content_security_policy, meta_element
from scripts.languages import Language, Registry
from scripts.project import Project, dist_filename
from scripts.site_layout import BILINGUAL_DIR, BILINGUAL_INDEX, DOWNLOADS_DIR, MANIFEST, babel_locale_for

SIZE_RE = re.compile(r'(<span class="policy-size" data-policy-file="([^"]*)">)[^<]*(</span>)')
STATUS_RE = re.compile(r'(<span class="policy-status" lang="es" data-policy-file="([^"]*)">)[^<]*(</span>)')
ITEM_RE = re.compile(r'<li class="policy-download" data-policy-file="([^"]*)"(?: hidden)?>')
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"


# ---------------------------------------------------------------- small helpers


def number_locale(lang: Language, registry: Registry) -> str:
    """The Babel locale an edition formats numbers with (its date locale's fallback chain)."""
    return babel_locale_for(lang, registry)


@functools.lru_cache(maxsize=1024)
def format_size(size: int, locale: str) -> str:
    """A file size for readers: "850 kB", "1,2 MB" (decimal units, the locale's separator).

    Remembered: every page of every edition shows the same few sizes (Babel: ~1,400 calls a build)."""
    if size < 1000 * 1000:
        return f"{format_decimal(max(1, round(size / 1000)), locale=locale)}\u00a0kB"
    return f"{format_decimal(round(size / 1_000_000, 1), format='#,##0.0', locale=locale)}\u00a0MB"


def load_manifests(site: Path, registry: Registry) -> dict[str, dict[str, Any]]:
    """Each built edition's manifest, in registry order; an edition without one is skipped."""
    found = {}
    for lang in registry.languages:
        path = site / lang.tag / MANIFEST
        if not (site / lang.tag / "index.html").is_file() or not path.is_file():
            continue
        try:
            found[lang.tag] = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            continue
    return found


def site_url_of(manifests: dict[str, dict[str, Any]]) -> str:
    return next((m["site_url"] for m in manifests.values() if m.get("site_url")), "")


# ---------------------------------------------------------------- download sizes on every page


def fill_download_sizes(text: str, sizes: dict[str, int], locale: str) -> str:
    """Fill each size placeholder of one page; hide the links to files that do not exist."""
    def size(match: re.Match[str]) -> str:
        known = sizes.get(match.group(2))
        return match.group(1) + (f"({format_size(known, locale)})" if known is not None else "") + match.group(3)

    def item(match: re.Match[str]) -> str:
        hidden = "" if match.group(1) in sizes else " hidden"
        return f'<li class="policy-download" data-policy-file="{match.group(1)}"{hidden}>'

    return ITEM_RE.sub(item, SIZE_RE.sub(size, text))


def translation_status(lang: Language, manifest: dict[str, Any], locale: str) -> str:
    """How a partial edition is labelled wherever it is offered: "en traducción, 25 %", or
    "borrador, 25 %" under the registry's draft_below; "" for the source and complete editions."""
    if lang.source:
        return ""
    percent = int(manifest.get("progress", {}).get("percent", 0))
    if percent >= 100:
        return ""
    shown = format_percent(percent / 100, locale=locale)
    return f"borrador, {shown}" if lang.is_draft(percent) else f"en traducción, {shown}"


def download_statuses(registry: Registry, version: str, manifests: dict[str, dict[str, Any]]) -> dict[str, str]:
    """The status label of every download file of a partial edition (file name -> label)."""
    locale = number_locale(registry.source, registry)
    statuses = {}
    for lang in registry.languages:
        label = translation_status(lang, manifests[lang.tag], locale) if lang.tag in manifests else ""
        if label:
            statuses.update({dist_filename(version, lang.tag, fmt.suffix): f"({label})" for fmt in formats.published()})
    return statuses


def fill_download_status(text: str, statuses: dict[str, str]) -> str:
    return STATUS_RE.sub(lambda m: m.group(1) + html.escape(statuses.get(m.group(2), "")) + m.group(3), text)


def fill_edition_pages(edition_dir: Path, sizes: dict[str, int], locale: str,
                       statuses: dict[str, str] | None = None) -> int:
    """Fill the sizes (and status labels) on every page of one edition; returns how many files changed."""
    changed = 0
    for page in sorted(edition_dir.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        if "policy-size" not in text:
            continue
        filled = fill_download_status(fill_download_sizes(text, sizes, locale), statuses or {})
        if filled != text:
            write_atomic(page, filled.encode("utf-8"))
            changed += 1
    return changed


# ---------------------------------------------------------------- chooser, sitemap, 404


def chooser_html(registry: Registry, version: str, manifests: dict[str, dict[str, Any]],
                 sizes: dict[str, int], example: str = "", bilingual_html: set[str] | None = None) -> str:
    """The root page: every built edition by its autonym, with its progress and downloads."""
    source = registry.source
    locale = number_locale(source, registry)
    source_title = manifests.get(source.tag, {}).get("title", "Política modelo de datos abiertos")
    items = []
    for lang in registry.languages:
        manifest = manifests.get(lang.tag)
        if manifest is None:
            continue
        parts = [f'<a class="autonym" href="{lang.tag}/index.html" hreflang="{lang.tag}" lang="{lang.tag}">'
                 f"{html.escape(lang.autonym)}</a>"]
        if lang.autonym != lang.name_es:
            parts.append(f'<span class="name">{html.escape(lang.name_es)}</span>')
        title = manifest.get("title", "")
        if title and title != source_title:
            parts.append(f'<span class="title" lang="{lang.tag}">{html.escape(title)}</span>')
        status = translation_status(lang, manifest, locale)
        if lang.source:
            parts.append('<span class="progress">Texto original</span>')
        else:
            percent = int(manifest.get("progress", {}).get("percent", 0))
            parts.append(f'<span class="progress"><progress max="100" value="{percent}" aria-hidden="true">'
                         f"</progress> {html.escape(status or 'traducción completa')}</span>")
        links = []
        for fmt in formats.published():
            name = dist_filename(version, lang.tag, fmt.suffix)
            if name in sizes:
                draft = " (borrador)" if status.startswith("borrador") else ""
                links.append(f'<a href="{DOWNLOADS_DIR}/{html.escape(name)}" type="{fmt.mime}" download>{fmt.label}'
                             f'{draft}</a> <span class="size">({format_size(sizes[name], locale)})</span>')
        if bilingual_html and lang.tag in bilingual_html:
            links.append(f'<a href="{BILINGUAL_DIR}/{lang.tag}/{BILINGUAL_INDEX}">Edición bilingüe (HTML)</a>')
        if links:
            parts.append('<span class="downloads">' + " · ".join(links) + "</span>")
        items.append(f'    <li data-tag="{lang.tag}">\n      ' + "\n      ".join(parts) + "\n    </li>")
    return f"""<!DOCTYPE html>
<html lang="{source.tag}">
<head>
<meta charset="utf-8">
{_csp_meta()}<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(source_title)}</title>
<meta name="description" content="{html.escape(source_title)}: elija su lengua.">
<link rel="stylesheet" href="site.css">
{_alternates(registry, manifests)}
<script src="chooser.js" defer></script>
</head>
<body>
<main>
  <h1>{html.escape(source_title)}</h1>
  <p>Versión {html.escape(version)}. Elija la lengua en la que quiere leerla.
    <span lang="en">Choose the language you want to read it in.</span></p>
  <ul class="editions" data-suggested="Sugerida por su navegador">
{chr(10).join(items)}
  </ul>
{_example_link(example)}</main>
</body>
</html>
"""


def _alternates(registry: Registry, manifests: dict[str, dict[str, Any]]) -> str:
    return "\n".join(f'<link rel="alternate" hreflang="{lang.tag}" href="{lang.tag}/index.html">'
                     for lang in registry.languages if lang.tag in manifests)


CHOOSER_JS = """// The edition in the browser's preferred language, if there is one, is offered first.
(function () {
  "use strict";
  var list = document.querySelector("ul.editions");
  if (!list) return;
  var items = Array.prototype.slice.call(list.querySelectorAll("li[data-tag]"));
  var preferred = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || ""];
  for (var i = 0; i < preferred.length; i++) {
    var wanted = String(preferred[i]).toLowerCase();
    var primary = wanted.split("-")[0];
    var hit = items.filter(function (li) { return li.dataset.tag === wanted; })[0] ||
              items.filter(function (li) { return li.dataset.tag === primary; })[0];
    if (hit) {
      list.insertBefore(hit, list.firstChild);
      hit.classList.add("preferred");
      var note = document.createElement("span");
      note.className = "suggested";
      note.textContent = list.dataset.suggested || "";
      hit.appendChild(note);
      return;
    }
  }
})();
"""

SITE_CSS = """body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;max-width:44rem;
margin:2.5rem auto;padding:0 1rem;line-height:1.5;color:#1a1a1a;background:#fff}
h1{font-size:1.8rem;line-height:1.2}a{color:#0b5394}
ul.editions{list-style:none;padding:0}
ul.editions li{margin:0 0 1rem;padding:.75rem 1rem;border:1px solid #d0d7de;border-radius:.4rem;
display:flex;flex-wrap:wrap;gap:.25rem .75rem;align-items:baseline}
ul.editions li.preferred{border-color:#0b5394;border-width:2px}
.autonym{font-size:1.35rem;font-weight:600}.name,.size{color:#444}
.title{flex-basis:100%;font-style:italic}.progress,.downloads{flex-basis:100%;font-size:.95rem}
.progress progress{width:8rem;vertical-align:middle}
.suggested{flex-basis:100%;font-size:.9rem;color:#0b5394;font-weight:600}
@media (prefers-color-scheme:dark){body{color:#e6e6e6;background:#131416}a,.suggested{color:#8ab4f8}
.name,.size{color:#b8b8b8}ul.editions li{border-color:#3a3f44}ul.editions li.preferred{border-color:#8ab4f8}}
"""


def sitemap_xml(registry: Registry, manifests: dict[str, dict[str, Any]], base: str) -> str:
    """Every page of every edition, each with its alternates in the other editions."""
    tags = [lang.tag for lang in registry.languages if lang.tag in manifests]
    pages = sorted({page for tag in tags for page in manifests[tag].get("pages", [])})
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             f'<urlset xmlns="{SITEMAP_NS}" xmlns:xhtml="{XHTML_NS}">',
             f"  <url><loc>{html.escape(base)}</loc></url>"]
    for page in pages:
        having = [tag for tag in tags if page in manifests[tag].get("pages", [])]
        alternates = [f'    <xhtml:link rel="alternate" hreflang="{tag}" href={quoteattr(base + tag + "/" + page)}/>'
                      for tag in having]
        alternates.append(f'    <xhtml:link rel="alternate" hreflang="x-default" href={quoteattr(base)}/>')
        for tag in having:
            lines.append(f"  <url>\n    <loc>{html.escape(base + tag + '/' + page)}</loc>")
            lines.extend(alternates)
            lines.append("  </url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def not_found_html(registry: Registry, manifests: dict[str, dict[str, Any]], base: str) -> str:
    """The page hosts serve for a missing path, at any depth. With the site's URL known, links
    are root-relative (its path), so they work wherever the page is shown and never send the
    reader to another host; without it, they are relative to the site's root."""
    root = html.escape(urlsplit(base).path or "/") if base else ""
    items = "\n".join(
        f'    <li><a href="{root}{lang.tag}/index.html" hreflang="{lang.tag}" lang="{lang.tag}">'
        f"{html.escape(lang.autonym)}</a>"
        + (f' <span class="name">{html.escape(lang.name_es)}</span>' if lang.autonym != lang.name_es else "")
        + "</li>"
        for lang in registry.languages if lang.tag in manifests)
    return f"""<!DOCTYPE html>
<html lang="{registry.source.tag}">
<head>
<meta charset="utf-8">
{_csp_meta()}<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Página no encontrada</title>
<link rel="stylesheet" href="{root}site.css">
</head>
<body>
<main>
  <h1>Página no encontrada</h1>
  <p>La página que buscaba no existe o cambió de lugar. <span lang="en">Page not found.</span></p>
  <p><a href="{root}index.html">Ir al inicio</a>, o elegir una edición:</p>
  <ul class="editions">
{items}
  </ul>
</main>
</body>
</html>
"""


def _example_link(example: str) -> str:
    """A link to the example adoption's site (build/site/adopciones/SLUG/), when it was built."""
    if not example:
        return ""
    return (f'  <p class="example"><a href="{html.escape(example)}/index.html">Ejemplo de adopción</a>: '
            "la política adoptada por un municipio ficticio, en sus lenguas y formatos.</p>\n")


def _csp_meta() -> str:
    """The editions' Content-Security-Policy (scripts/csp.py); these pages have no inline script at all."""
    return meta_element(content_security_policy([]))


# ---------------------------------------------------------------- assembly


def _copy_downloads(project: Project, registry: Registry, downloads: Path) -> dict[str, int]:
    """Copy this version's dist files into the site; returns name -> size of what is there."""
    downloads.mkdir(parents=True, exist_ok=True)
    wanted: dict[str, Path] = {}
    for lang in registry.languages:
        for fmt in formats.published():
            name = dist_filename(project.version, lang.tag, fmt.suffix)
            if (project.distdir / name).is_file():
                wanted[name] = project.distdir / name
    for name, source in wanted.items():
        dest = downloads / name
        if not dest.is_file() or os.path.getmtime(dest) < os.path.getmtime(source) \
                or dest.stat().st_size != source.stat().st_size:
            copy_atomic(source, dest)
    for stale in downloads.iterdir():
        if stale.name not in wanted:
            if stale.is_dir():
                shutil.rmtree(stale)
            else:
                stale.unlink()
    return {name: (downloads / name).stat().st_size for name in sorted(wanted)}


PROGRESS_CHART = "progreso.svg"  # shown by the {progress-chart} directive (scripts/sphinxext/progress_chart.py)


def assemble_site(project: Project) -> dict[str, Any]:
    """Write the chooser, downloads, sizes, sitemap and 404 page; returns what was done."""
    registry = project.registry()
    site = project.sitedir
    site.mkdir(parents=True, exist_ok=True)
    manifests = load_manifests(site, registry)
    sizes = _copy_downloads(project, registry, site / DOWNLOADS_DIR)

    pages_filled = 0
    statuses = download_statuses(registry, project.version, manifests)
    for tag in manifests:
        lang = registry.get(tag)
        pages_filled += fill_edition_pages(site / tag, sizes, number_locale(lang, registry), statuses)

    base = site_url_of(manifests)
    written = []
    from scripts.adoption_build import example_site  # noqa: PLC0415

    example = example_site(project, site)
    outputs: list[tuple[str, str]] = [
        ("index.html", chooser_html(registry, project.version, manifests, sizes, example,
                                    {tag for tag in manifests if (site / BILINGUAL_DIR / tag / BILINGUAL_INDEX).is_file()})),
        ("chooser.js", CHOOSER_JS),
        ("site.css", SITE_CSS),
        ("404.html", not_found_html(registry, manifests, base)),
    ]
    from scripts.matrix.statcache import cache_for  # noqa: PLC0415
    from scripts.status import project_status, render_svg  # noqa: PLC0415

    cache = cache_for(project.builddir)
    outputs.append((PROGRESS_CHART, render_svg(project_status(project, cache))))
    cache.save()
    if base:
        outputs.append(("sitemap.xml", sitemap_xml(registry, manifests, base)))
    else:
        (site / "sitemap.xml").unlink(missing_ok=True)
    for name, text in outputs:
        if write_atomic(site / name, text.encode("utf-8")):
            written.append(name)
    return {
        "editions": list(manifests),
        "downloads": sorted(sizes),
        "pages_filled": pages_filled,
        "written": written,
        "sitemap": bool(base),
    }
