"""The editable edition of an adoption: the whole policy and the adoption instrument alone, as DOCX.

Officials edit and circulate Word files before a policy reaches the cabildo or the gazette.
pandoc (Debian's, a maintained converter) writes the DOCX from Sphinx's single-page HTML of
the edition; this module only cuts that page down to what a document holds (the article, or the
instrument's section), with Beautiful Soup (a dependency of the theme). Nothing here writes a
document format by hand. The page is the edition's own output, whose values are already plain
text; every image that is not a file of the built page is dropped, so pandoc never fetches.
"""

from __future__ import annotations

import html
import subprocess
from pathlib import Path

from bs4 import BeautifulSoup, Tag

INSTRUMENT_ID = "anx-acuerdo"  # the label of Anexo E, the adoption instrument (source/anexos.md)
PANDOC_TIMEOUT = 300


class ConversionError(Exception):
    """pandoc or the page failed; the message says which and why."""


def _article(page: Path) -> tuple[BeautifulSoup, Tag, str]:
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    article = soup.select_one("article, [role=main]") or soup.body
    if not isinstance(article, Tag):
        raise ConversionError(f"{page}: no article in the single-page HTML")
    title = soup.title.get_text(strip=True) if soup.title else ""
    return soup, article, title


def _clean(fragment: Tag, base: Path) -> None:
    """Drop what is chrome, script or remote: permalinks, scripts, styles, outside images."""
    for element in fragment.find_all(["script", "style", "noscript", "iframe", "object", "embed", "form"]):
        element.decompose()
    for link in fragment.select("a.headerlink"):
        link.decompose()
    for image in fragment.find_all("img"):
        src = str(image.get("src", ""))
        local = (base / src).resolve() if src and "://" not in src and not src.startswith(("/", "data:")) else None
        if local is None or not local.is_file() or not local.is_relative_to(base.resolve()):
            image.decompose()


def document_html(page: Path, lang: str, instrument_only: bool) -> str:
    """A minimal HTML document: the edition's article, or its instrument section alone."""
    soup, article, title = _article(page)
    fragment = article
    if instrument_only:
        found = soup.find(id=INSTRUMENT_ID)
        if not isinstance(found, Tag):
            raise ConversionError(f"{page}: no section #{INSTRUMENT_ID} (the adoption instrument)")
        fragment = found if found.name == "section" else (found.find_parent("section") or found)
        heading = fragment.find(["h1", "h2", "h3"])
        title = heading.get_text(" ", strip=True).rstrip("#¶ ") if isinstance(heading, Tag) else title
    _clean(fragment, page.parent)
    return (f'<!DOCTYPE html>\n<html lang="{html.escape(lang)}">\n<head><meta charset="utf-8">'
            f"<title>{html.escape(title)}</title></head>\n<body>\n{fragment}\n</body>\n</html>\n")


def html_to_docx(source_html: str, workdir: Path, name: str, resources: Path) -> Path:
    """Run pandoc on one document; raise ConversionError with what it said."""
    workdir.mkdir(parents=True, exist_ok=True)
    staged = workdir / f"{name}.html"
    staged.write_text(source_html, encoding="utf-8")
    out = workdir / f"{name}.docx"
    try:
        done = subprocess.run(["pandoc", "--from=html", "--to=docx", f"--resource-path={resources}",
                               f"--output={out}", str(staged)],
                              capture_output=True, text=True, check=False, timeout=PANDOC_TIMEOUT)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ConversionError(f"pandoc could not run: {exc}") from None
    if done.returncode != 0 or not out.is_file():
        raise ConversionError(f"pandoc failed (exit status {done.returncode}): {done.stderr.strip()[-500:]}")
    return out
