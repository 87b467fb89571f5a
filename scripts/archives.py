"""Zip files whose bytes depend only on their contents: same input, same archive.

Sphinx's EPUB carries each file's mtime, so two builds of one commit differ. Repacking with a
fixed date, sorted entries and ``mimetype`` first and stored (as EPUB requires) makes EPUBs and
the site archive byte-identical across runs and machines.
"""

from __future__ import annotations

import io
import re
import time
import zipfile
from pathlib import Path

from scripts.atomic import write_atomic

ZIP_EPOCH = 315532800  # 1980-01-01, the earliest date a zip entry can carry


def zip_date(epoch: int | None) -> tuple[int, int, int, int, int, int]:
    stamp = max(epoch if epoch is not None else ZIP_EPOCH, ZIP_EPOCH)
    return time.gmtime(stamp)[:6]


def _entry(name: str, date: tuple[int, int, int, int, int, int], stored: bool) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=date)
    info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    info.create_system = 3  # unix, so the permission bits below are honoured everywhere
    info.external_attr = 0o644 << 16
    return info


def write_deterministic_zip(dest: Path, files: dict[str, bytes], epoch: int | None, first: str | None = None) -> None:
    """Write `files` (archive name -> bytes) to `dest` atomically; `first` is stored first, uncompressed."""
    date = zip_date(epoch)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        names = sorted(files)
        if first is not None and first in files:
            names.remove(first)
            archive.writestr(_entry(first, date, stored=True), files[first])
        for name in names:
            archive.writestr(_entry(name, date, stored=False), files[name], compresslevel=9)
    write_atomic(dest, buffer.getvalue())


# An element's language in an XHTML content document: docutils' HTML5 writer gives `lang` only
# (untranslated passages: lang="es"); EPUB reading systems that follow XML read `xml:lang`.
_LANG_ONLY = re.compile(rb'(<[A-Za-z][\w:-]*(?:\s(?![^>]*\bxml:lang=)[^<>]*?)?\s)lang="([^"<>]*)"')


def with_xml_lang(xhtml: bytes) -> bytes:
    """Every element that says `lang="x"` also says `xml:lang="x"` (EPUB 3 content documents are
    XML; the two must agree where both are present)."""
    return _LANG_ONLY.sub(lambda m: m.group(1) + b'lang="' + m.group(2) + b'" xml:lang="' + m.group(2) + b'"', xhtml)


def repack_epub(source: Path, dest: Path, epoch: int | None) -> None:
    with zipfile.ZipFile(source) as archive:
        files = {info.filename: archive.read(info) for info in archive.infolist() if not info.is_dir()}
    files = {name: with_xml_lang(data) if name.endswith(".xhtml") else data for name, data in files.items()}
    write_deterministic_zip(dest, files, epoch, first="mimetype")
