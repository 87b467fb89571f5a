"""Assembling build/site: the language chooser at the root and the downloads every page links to.

Editions are written to ``site/<tag>/`` by the build matrix; this module adds what no single
edition owns: ``site/index.html`` and ``site/descargas/`` with this version's PDF and EPUB files.
Nothing is rewritten when it has not changed, so a second `make` costs nothing here.
"""

from __future__ import annotations

import html
import json
import os
import shutil
from pathlib import Path

from scripts.build import copy_atomic, write_atomic
from scripts.languages import Registry
from scripts.project import Project
from scripts.sphinxext.site_context import DOWNLOADS_DIR, dist_filename


def chooser_html(registry: Registry, version: str, available: set[str]) -> str:
    """The root page: every edition by its autonym, in the registry's order."""
    source = registry.source
    items = []
    for lang in registry.languages:
        if lang.tag not in available:
            continue
        name = "" if lang.autonym == lang.name_es else (
            f' <span class="name" lang="{source.tag}">{html.escape(lang.name_es)}</span>')
        items.append(f'    <li><a href="{lang.tag}/index.html" hreflang="{lang.tag}" lang="{lang.tag}">'
                     f"{html.escape(lang.autonym)}</a>{name}</li>")
    tags = json.dumps(sorted(available))
    return f"""<!DOCTYPE html>
<html lang="{source.tag}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Política modelo de datos abiertos — elija su lengua</title>
<link rel="stylesheet" href="chooser.css">
</head>
<body>
<main>
  <h1>Política modelo de datos abiertos</h1>
  <p>Versión {html.escape(version)}. Elija la lengua en la que quiere leerla:</p>
  <ul class="editions" data-tags='{html.escape(tags)}'>
{chr(10).join(items)}
  </ul>
</main>
</body>
</html>
"""


CHOOSER_CSS = """body{font-family:FreeSerif,Georgia,serif;max-width:40rem;margin:3rem auto;padding:0 1rem;
line-height:1.5;color:#1a1a1a;background:#fff}
h1{font-size:1.8rem}ul.editions{list-style:none;padding:0}
ul.editions li{margin:.6rem 0;font-size:1.3rem}ul.editions a{color:#0b5394}
.name{color:#444;font-size:1rem;margin-left:.4rem}
"""


def _write_if_changed(path: Path, data: bytes) -> None:
    if path.is_file() and path.read_bytes() == data:
        return
    write_atomic(path, data)


def assemble_site(project: Project) -> dict[str, list[str]]:
    """Write the chooser and the downloads folder; returns what was linked."""
    registry = project.registry()
    site = project.sitedir
    available = {lang.tag for lang in registry.languages if (site / lang.tag / "index.html").is_file()}
    site.mkdir(parents=True, exist_ok=True)
    _write_if_changed(site / "index.html", chooser_html(registry, project.version, available).encode())
    _write_if_changed(site / "chooser.css", CHOOSER_CSS.encode())

    downloads = site / DOWNLOADS_DIR
    downloads.mkdir(exist_ok=True)
    wanted = {}
    for lang in registry.languages:
        for suffix in ("pdf", "epub"):
            name = dist_filename(project.version, lang.tag, suffix)
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
    return {"editions": sorted(available), "downloads": sorted(wanted)}
