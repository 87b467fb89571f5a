"""The system tools and fonts a PDF edition is made with, as part of its fingerprint.

A TeX Live, librsvg or font upgrade changes the PDF (hyphenation, kerning, glyph outlines, the
converted figures) while no file of the project changes, so the PDF's fingerprint must name them;
the HTML and EPUB are written by Python packages alone and do not depend on them. Asking each
tool for its version costs a process per tool, so the answer is remembered against the identity
(size, mtime) of the tool's executable in the build's StatCache: a no-op build starts no process,
and an upgraded binary is asked again. Fonts are named by their files' identity (path, size,
mtime_ns): the families Sphinx's xelatex set-up loads (FreeSerif, FreeSans, FreeMono from
fonts-freefont-otf), each located once with fontconfig's fc-match.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

from scripts.matrix.statcache import StatCache

# (executable, its arguments that print the version); the first line of the output is kept.
PDF_TOOLS = (("xelatex", "--version"), ("xdvipdfmx", "--version"), ("latexmk", "-v"), ("xindy", "--version"),
             ("rsvg-convert", "--version"))
PDF_FONT_FAMILIES = ("FreeSerif", "FreeSans", "FreeMono")


def _first_line(command: list[str]) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"unavailable: {type(exc).__name__}"
    lines = [line.strip() for line in (done.stdout or done.stderr).splitlines() if line.strip()]
    return lines[0] if lines else f"exit status {done.returncode}"


def tool_version(cache: StatCache, name: str, args: str) -> str:
    """`name`'s version line, asked again only when its executable changed (or moved)."""
    found = shutil.which(name)
    if not found:
        return "absent"
    real = Path(os.path.realpath(found))
    return str(cache.derived(real, f"version {args}", lambda _path: _first_line([found, args])))


@functools.lru_cache(maxsize=8)
def _font_file(family: str) -> str:
    if not shutil.which("fc-match"):
        return ""
    done = subprocess.run(["fc-match", "--format=%{file}", family], capture_output=True, text=True, check=False)
    return done.stdout.strip() if done.returncode == 0 else ""


def font_files(cache: StatCache, family: str) -> list[list[Any]]:
    """[path, size, mtime_ns] of every file of `family` (all its styles) beside its regular face.

    fc-match runs once per family and build directory; the answer is kept in the cache until its
    file disappears (a font moved by an upgrade is looked up again)."""
    key = f"font {family}"
    located = cache.entries.get(key, {}).get("file", "")
    if not located or not Path(located).is_file():
        located = _font_file(family)
        cache.entries[key] = {"file": located}
        cache.changed = True
    if not located:
        return [["absent", family]]
    regular = Path(located)
    files = sorted(regular.parent.glob(f"{family}*")) or [regular]
    identity = []
    for path in files:
        info = path.stat()
        identity.append([str(path), info.st_size, info.st_mtime_ns])
    return identity


def pdf_toolchain(cache: StatCache) -> dict[str, Any]:
    """What a PDF depends on outside the project: tool versions and font files."""
    return {"tools": {name: tool_version(cache, name, args) for name, args in PDF_TOOLS},
            "fonts": {family: font_files(cache, family) for family in PDF_FONT_FAMILIES}}


def docx_toolchain(cache: StatCache) -> dict[str, Any]:
    """What a DOCX depends on outside the project: pandoc, which writes it from the HTML."""
    return {"tools": {"pandoc": tool_version(cache, "pandoc", "--version")}}


def format_toolchain(fmt: Any) -> Callable[[StatCache], dict[str, Any]] | None:
    """The system tools whose version shapes `fmt`'s file: xelatex's for the LaTeX PDF and the
    bilingual PDF, pandoc's for the DOCX; None for the formats only Sphinx writes."""
    if fmt.suffix.endswith("pdf"):
        return pdf_toolchain
    if fmt.suffix == "docx":
        return docx_toolchain
    return None
