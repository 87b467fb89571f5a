"""Two xelatex passes on a fresh build make the same PDF, byte for byte, as latexmk's three
(scripts/matrix/texpasses.py); a document that prints the page count keeps the usual passes."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from scripts.matrix import texpasses
from scripts.matrix.produce import LATEX_OPTIONS, LATEXMK_OPTIONS
from scripts.project import Project, edition_basename, sphinx_environment
from tests.conftest import REPO

DOCUMENT = "\\documentclass{article}\n%s\\begin{document}\nText\\index{text}\n\\printindex\n\\end{document}\n"


@pytest.mark.parametrize(("preamble", "reads"), [
    ("", False),
    ("\\usepackage{lastpage}\n", True),
    ("\\usepackage[final]{hyperref,totpages}\n", True),
    ("\\RequirePackage{acro}\n", True),
    ("\\usepackage{acronym}\n", False),  # a different package: no page count
    ("\\newcommand\\total{\\PreviousTotalPages}\n", True),
    ("\\newcommand\\macro{acro}\n", False),  # a word, not a package
])
def test_what_reads_the_page_count(tmp_path: Path, preamble: str, reads: bool) -> None:
    tex = tmp_path / "doc.tex"
    tex.write_text(DOCUMENT % preamble, encoding="utf-8")
    assert texpasses.reads_page_count(tex) is reads
    assert texpasses.prepare(tex) == ([] if reads else ["-r", str(texpasses.RC_FILE)])


def test_the_empty_index_is_seeded_only_on_a_fresh_build(tmp_path: Path) -> None:
    tex = tmp_path / "doc.tex"
    tex.write_text(DOCUMENT % "", encoding="utf-8")
    texpasses.prepare(tex)
    assert not tex.with_suffix(".ind").exists(), "no Sphinx index style here: nothing to imitate"

    (tmp_path / "sphinx.xdy").write_text('(markup-index :open "\\\\begin{sphinxtheindex}")\n', encoding="utf-8")
    texpasses.prepare(tex)
    assert tex.with_suffix(".ind").read_text(encoding="utf-8") == texpasses.EMPTY_INDEX

    tex.with_suffix(".ind").write_text("the previous run's index\n", encoding="utf-8")
    texpasses.prepare(tex)
    assert tex.with_suffix(".ind").read_text(encoding="utf-8") == "the previous run's index\n"


def _latexmk(latex: Path, options: list[str], env: dict[str, str]) -> tuple[bytes, int]:
    done = subprocess.run(
        ["make", "-C", str(latex), "all-pdf", f"LATEXMKOPTS={' '.join([LATEXMK_OPTIONS, *options])}",
         f"LATEXOPTS={LATEX_OPTIONS}"], env=env, capture_output=True, text=True, check=False, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:]
    passes = sum(1 for line in done.stdout.splitlines() if line.startswith("'xelatex': time ="))
    return (latex / f"{edition_basename('es')}.pdf").read_bytes(), passes


@pytest.mark.slow
def test_two_passes_make_the_pdf_latexmk_makes_in_three(tmp_path: Path) -> None:
    """The project's own Spanish PDF (its index, its table of contents, its bookmarks)."""
    env = {**sphinx_environment(Project(REPO)), "SOURCE_DATE_EPOCH": "1767225600", "POLICY_VERSION": "1.2.3"}
    written = tmp_path / "written"
    subprocess.run([sys.executable, "-m", "sphinx", "-q", "-b", "latex", "-d", str(tmp_path / "doctrees"),
                    "-c", str(REPO), "-D", "language=es", str(REPO / "source"), str(written)],
                   env=env, check=True, capture_output=True, timeout=600)
    latex = tmp_path / "latex"  # the same path both times: xdvipdfmx derives the PDF's /ID from it

    shutil.copytree(written, latex)
    plain, plain_passes = _latexmk(latex, [], env)
    shutil.rmtree(latex)
    shutil.copytree(written, latex)
    options = texpasses.prepare(latex / f"{edition_basename('es')}.tex")
    assert options, "the project's PDF prints no page count: the ignored line must apply"
    fewer, fewer_passes = _latexmk(latex, options, env)

    assert (plain_passes, fewer_passes) == (3, 2)
    assert fewer == plain
