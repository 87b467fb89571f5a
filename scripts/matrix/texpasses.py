"""Two xelatex passes instead of three on a fresh build, with the same PDF byte for byte.

latexmk reruns xelatex until the files a pass reads (.aux, .toc, .out, .ind) stop changing. On a
fresh build of a Sphinx manual that takes three passes, and the third exists only because of the
index: pass 1 finds no .ind, so the index chapter is missing from the table of contents and the
bookmarks; xindy then writes the .ind, pass 2 adds the chapter, and pass 3 reads what pass 2
wrote. Two things remove that third pass:

- before a fresh build an empty index (the environment Sphinx's index style writes, without
  entries) is put where xindy's output goes, so pass 1 already writes the index chapter's line in
  the .toc and .out. The chapter starts on the page after the text whatever its length, so the
  line is the one the real index gets;
- latexmk is told (``$hash_calc_ignore_pattern``, latexmk's own setting for this) to ignore the
  one .aux line that still differs, ``\\gdef \\@abspage@last{N}``: the page count, which LaTeX
  records for ``\\PreviousTotalPages`` and which only packages that print "page X of Y" read.
  When the document or its Sphinx style files name such a package, the setting is left out and
  latexmk runs its usual passes.

tests/test_texpasses.py builds the project's Spanish PDF both ways and compares the bytes. An
incremental build keeps the previous .aux/.ind in the work directory and needs one pass when the
structure did not change, as before. Nothing here is written when an .ind already exists.
"""

from __future__ import annotations

import re
from pathlib import Path

from scripts.atomic import write_atomic

RC_FILE = Path(__file__).with_name("latexmk-page-count.rc")
# The line that file tells latexmk to ignore, as scripts.matrix.texrun compares an .aux the same way.
PAGE_COUNT_LINE = re.compile(rb"^\\gdef \\@abspage@last\{.*\n?", re.MULTILINE)
# Sphinx's xindy and makeindex styles (sphinx.xdy, python.ist) open the index with this environment.
INDEX_ENVIRONMENT = "sphinxtheindex"
EMPTY_INDEX = f"\\begin{{{INDEX_ENVIRONMENT}}}\n\\end{{{INDEX_ENVIRONMENT}}}\n"
# What reads the page count of the previous pass: LaTeX's own commands and the packages that
# print "page X of Y" (TeX Live's packages reading \@abspage@last are acro and pdfmanagement).
# Any of these in the document or its local style files keeps latexmk's usual passes.
PAGE_COUNT_READERS = re.compile(
    r"PreviousTotalPages|abspage@last|DocumentMetadata"
    r"|\\(?:usepackage|RequirePackage)\s*(?:\[[^\]]*\])?\s*\{[^}]*"
    r"\b(?:lastpage|totpages|zref-totpages|acro|pdfmanagement-testphase)\b")


def _texts(tex: Path) -> list[str]:
    """The document and the style and class files beside it (Sphinx copies its own there)."""
    paths = [tex, *sorted(tex.parent.glob("*.sty")), *sorted(tex.parent.glob("*.cls"))]
    return [p.read_text(encoding="utf-8", errors="replace") for p in paths if p.is_file()]


def reads_page_count(tex: Path) -> bool:
    return any(PAGE_COUNT_READERS.search(text) for text in _texts(tex))


def prepare(tex: Path) -> list[str]:
    """Seed the empty index of a fresh build; return the latexmk options for the ignored line."""
    text = tex.read_text(encoding="utf-8", errors="replace")
    index = tex.with_suffix(".ind")
    if "\\printindex" in text and not index.exists():
        styles = [tex.parent / "sphinx.xdy", tex.parent / "python.ist"]
        if any(INDEX_ENVIRONMENT in s.read_text(encoding="utf-8", errors="replace") for s in styles if s.is_file()):
            write_atomic(index, EMPTY_INDEX.encode())
    if reads_page_count(tex):
        return []
    return ["-r", str(RC_FILE)]
