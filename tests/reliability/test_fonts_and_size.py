"""Text the PDF cannot show fails the PDF, by name; an enormous paragraph is published in every
format.

A character no font of the edition has would vanish silently from a PDF; the build reads
xelatex's "Missing character" lines and fails that PDF with [pdf-missing-glyph], keeping the
previous good PDF and building the other editions. A paragraph of a quarter of a megabyte (a
chapter pasted into one msgstr) is published: the HTML and EPUB as they are, and the LaTeX with
its lines broken at spaces so that TeX's 200,000-byte line buffer is never reached.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from scripts.project import Project
from tests.conftest import REPO, copy_root, run_cli
from tests.robustness import VERSION, build_fixture, diagnostics, problems, status

pytestmark = pytest.mark.slow

CATALOG = "locale/en/LC_MESSAGES/capitulo.po"
NO_FONT_HAS_IT = "\ue000"  # private use: no font of any edition covers it


def test_a_character_no_font_has_fails_the_pdf_and_keeps_the_good_one(tmp_path: Path) -> None:
    project = build_fixture(tmp_path / "basic", "--lang", "en", "--formats", "pdf")
    pdf = project.distdir / f"politica-datos-abiertos-{VERSION}-en.pdf"
    good = hashlib.sha256(pdf.read_bytes()).hexdigest()
    catalog = project.root / CATALOG
    text = catalog.read_text(encoding="utf-8")
    catalog.write_text(text.replace('msgstr "Data chapter"', f'msgstr "Data {NO_FONT_HAS_IT} chapter"'),
                       encoding="utf-8")

    done = run_cli("build", "--lang", "en", "--lang", "yua", "--formats", "pdf", root=project.root)

    assert done.returncode == 1, done.stdout + done.stderr
    assert status(project, "en", "pdf") == "failed"
    found = [d for d in diagnostics(problems(project, "en", "pdf")) if d["code"] == "pdf-missing-glyph"]
    assert found and all("U+E000" in d["message"] for d in found), problems(project, "en", "pdf")
    assert status(project, "yua", "pdf") == "built"
    assert hashlib.sha256(pdf.read_bytes()).hexdigest() == good, "the good PDF was replaced"


def _enormous(project: Project) -> int:
    sentence = "Open data is published in open formats by every state and municipality. "
    paragraph = (sentence * 3500).strip()
    catalog = project.root / CATALOG
    text = catalog.read_text(encoding="utf-8")
    catalog.write_text(text.replace('msgstr "Open data is published in open formats."',
                                    f'msgstr "{paragraph}"'), encoding="utf-8")
    return len(paragraph)


def test_an_enormous_paragraph_is_published_in_html_and_epub(tmp_path: Path) -> None:
    project = copy_root("basic", tmp_path / "basic")
    size = _enormous(project)
    assert size > 200_000

    done = run_cli("build", "--lang", "en", "--formats", "html,epub", root=project.root)

    assert done.returncode == 0, done.stdout + done.stderr
    page = (project.sitedir / "en" / "capitulo.html").read_text(encoding="utf-8")
    assert page.count("by every state and municipality.") == 3500
    assert (project.distdir / f"politica-datos-abiertos-{VERSION}-en.epub").is_file()


def test_an_enormous_paragraph_fits_in_texs_line_buffer(tmp_path: Path) -> None:
    project = copy_root("basic", tmp_path / "basic")
    _enormous(project)
    out = tmp_path / "latex"
    env = {**os.environ, "PYTHONPATH": str(REPO), "POLICY_VERSION": "1.2.3", "SOURCE_DATE_EPOCH": "1767225600"}
    done = subprocess.run([sys.executable, "-m", "sphinx", "-q", "-b", "latex", "-D", "language=en",
                           "-c", str(project.root), "-d", str(tmp_path / "doctrees"), str(project.srcdir), str(out)],
                          env=env, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    tex = next(out.glob("*.tex")).read_bytes()
    assert tex.replace(b"\n", b" ").count(b"by every state and municipality.") == 3500
    longest = max(len(line) for line in tex.split(b"\n"))
    assert longest < 20_000, f"a .tex line of {longest} bytes (TeX reads at most 200,000)"
