"""The output formats of an edition: the one table every module reads.

Each row says what a format is called on the command line, which Sphinx builder writes it, the
suffix of its file in dist/, how readers see it named on the site, its MIME type, whether it is
published as a download, and which function produces it (``module:function``, resolved when a
build needs it, the way Sphinx finds a builder registered under a name). The build, the site's
downloads, the release and the benchmark read this table (the editions name their files with
project.edition_basename and dist_filename); a test fails if any other module lists formats.
Adding a format (an editable DOCX, say) is one row here and one producer function in
scripts/matrix/produce.py.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class OutputFormat:
    name: str  # on the command line (--formats) and in build state, results and manifests
    builder: str  # the Sphinx builder that writes it
    suffix: str  # of its file in dist/ ("" when it is not a file: the site)
    label: str  # for readers, on the site's download links
    mime: str
    published: bool  # a download (dist/, the site's links, the release's files)
    producer: str  # "module:function" that turns one Sphinx read into the output
    make_target: str  # what a plain Sphinx user runs for it: `sphinx-build -M <make_target>`
    # Build order, which is also the order readers are offered the downloads: the site first
    # (its read of the sources is pickled and reused by the others), then the PDF (xelatex runs
    # in the background while the rest is written; the download most readers want), then EPUB.
    # (PDF first was measured: as fast for a full build and more memory at once, as xelatex then
    # overlaps the site's write too. When an edition builds alone, see build_order.)
    rank: int
    # Published only for adoptions (adopciones/SLUG): the editable DOCX is for officials who
    # circulate a filled-in text before it reaches the cabildo or the gazette. The model has no
    # DOCX: a hand-edited copy of the model is the fork that loses every translation.
    adoption_only: bool = False
    # A registry key (an attribute of scripts.languages.Language) that must be true for an edition
    # to have this format, as `bilingual`; "" for a format every edition has.
    only_for: str = ""
    # Its producer leaves a program running (xelatex) while the edition's other formats are written.
    background: bool = False

    def applies_to(self, lang: Any) -> bool:
        return not self.only_for or bool(getattr(lang, self.only_for, False))

    def produce(self) -> Callable[..., Any]:
        module, _, function = self.producer.partition(":")
        return getattr(importlib.import_module(module), function)


# In the order people see them: --formats, the live matrix view, the build summary.
TABLE: tuple[OutputFormat, ...] = (
    OutputFormat("html", "html", "", "HTML", "text/html", False, "scripts.matrix.produce:produce_html", "html", 0),
    OutputFormat("epub", "epub", "epub", "EPUB", "application/epub+zip", True,
                 "scripts.matrix.produce:produce_epub", "epub", 2),
    OutputFormat("pdf", "latex", "pdf", "PDF", "application/pdf", True,
                 "scripts.matrix.produce:produce_pdf", "latexpdf", 1, background=True),
    OutputFormat("docx", "singlehtml", "docx", "DOCX",
                 "application/vnd.openxmlformats-officedocument.wordprocessingml.document", True,
                 "scripts.matrix.produce:produce_docx", "singlehtml", 3, adoption_only=True),
    # Spanish beside the translation (scripts/sphinxext/bilingual.py): the PDF is the download, the
    # HTML goes to site/bilingue/<tag>/; only for languages whose registry entry has bilingual = true.
    OutputFormat("bilingual", "bilingual", "bilingue.pdf", "PDF bilingüe", "application/pdf", True,
                 "scripts.matrix.bilingual:produce_bilingual", "bilingual", 4, only_for="bilingual",
                 background=True),
)
BY_NAME: dict[str, OutputFormat] = {fmt.name: fmt for fmt in TABLE}
NAMES: tuple[str, ...] = tuple(BY_NAME)
SITE = "html"  # the format whose output is the website (build/site/<tag>/), not a download


def get(name: str) -> OutputFormat:
    return BY_NAME[name]


def build_order(names: tuple[str, ...] | list[str], background_first: bool = False) -> list[OutputFormat]:
    """The requested formats, in the order one edition builds them.

    `background_first`: the formats that leave xelatex running come first, so that it typesets
    on a core of its own while the site and the EPUB are written; for an edition that builds
    while a core would otherwise be idle (one changed message: 5.2 s instead of 6.0 s, six
    alternated rounds, every round faster). Not for a full matrix, where every core is busy and
    xelatex overlapping the site's write only raises the memory of each worker."""
    return sorted((BY_NAME[name] for name in names),
                  key=lambda fmt: (not (background_first and fmt.background), fmt.rank))


ADOPTION_ENV = "POLICY_ADOPTION"  # set by `build --adoption` for its workers (scripts/adoption_build.py)


def _adoption(adoption: bool | None) -> bool:
    return bool(os.environ.get(ADOPTION_ENV)) if adoption is None else adoption


def published(adoption: bool | None = None) -> list[OutputFormat]:
    """The downloads of an edition, in the order readers are offered them (PDF, then EPUB).

    `adoption` None: whether this process builds an adoption (its environment says so)."""
    return sorted((fmt for fmt in TABLE if fmt.published and (_adoption(adoption) or not fmt.adoption_only)),
                  key=lambda fmt: fmt.rank)


def for_edition(adoption: bool | None = None) -> tuple[str, ...]:
    """The formats an edition of the model (or of an adoption) is built in by default."""
    return tuple(fmt.name for fmt in TABLE if _adoption(adoption) or not fmt.adoption_only)


def published_for(lang: Any) -> list[OutputFormat]:
    """The downloads one language's edition has (the bilingual PDF only where the registry asks)."""
    return [fmt for fmt in published() if fmt.applies_to(lang)]


def in_table_order(names: tuple[str, ...] | list[str]) -> list[str]:
    """`names` in the table's order (duplicates and unknown names dropped)."""
    return [fmt.name for fmt in TABLE if fmt.name in names]
