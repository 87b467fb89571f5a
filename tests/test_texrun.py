"""One xelatex pass without latexmk when the document needs no other (scripts/matrix/texrun.py):
the same PDF, byte for byte, as latexmk makes from the same files; latexmk takes over whenever the
pass changes what a next pass would read, when it fails, and when the last run is not on record."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from scripts.matrix import texrun
from scripts.matrix.bilingual import bilingual_commands
from scripts.matrix.produce import pdf_commands
from scripts.project import edition_basename
from tests.conftest import copy_root, run_cli

DOCUMENT = r"""\documentclass{article}
\usepackage{makeidx}
\makeindex
\usepackage{hyperref}
\begin{document}
\tableofcontents
\section{First}\label{one}
Some words\index{word} in a paragraph.
\section{Second}
See section~\ref{one} on page~\pageref{one}.
\printindex
\end{document}
"""


@pytest.fixture
def document(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> texrun.Commands:
    """A small document with everything a pass reads back (.aux, .toc, .out, .idx/.ind), typeset
    once by latexmk: latexmk's default commands, as the bilingual edition runs them."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    directory = tmp_path / "doc"
    directory.mkdir()
    (directory / "doc.tex").write_text(DOCUMENT, encoding="utf-8")
    commands = bilingual_commands(directory / "doc")
    first = texrun.typeset(commands)
    assert first.returncode == 0, first.output
    assert first.handed_over, "nothing on record yet: latexmk's run"
    assert texrun.settled_path(commands.stem).is_file()
    return commands


def _edit(commands: texrun.Commands, old: str, new: str) -> None:
    tex = commands.stem.with_suffix(".tex")
    text = tex.read_text(encoding="utf-8")
    assert old in text
    tex.write_text(text.replace(old, new), encoding="utf-8")


def _both_ways(commands: texrun.Commands, tmp_path: Path) -> tuple[texrun.Outcome, bytes, bytes]:
    """Typeset the current files as texrun does, then the same files by latexmk alone (its
    record removed), in the same directory (xdvipdfmx's /ID may depend on the path)."""
    saved = tmp_path / "saved"
    shutil.rmtree(saved, ignore_errors=True)
    shutil.copytree(commands.cwd, saved)
    outcome = texrun.typeset(commands)
    assert outcome.returncode == 0, outcome.output
    direct = commands.stem.with_suffix(".pdf").read_bytes()
    shutil.rmtree(commands.cwd)
    shutil.copytree(saved, commands.cwd)
    texrun.settled_path(commands.stem).unlink()
    alone = texrun.typeset(commands)
    assert alone.returncode == 0 and alone.handed_over and not alone.steps, alone.output
    return outcome, direct, commands.stem.with_suffix(".pdf").read_bytes()


@pytest.mark.parametrize(("old", "new"), [
    ("Some words", "Some other words"),
    # one more page, and nothing refers to it: only the .aux's page count changes, which latexmk
    # is told to ignore (scripts/matrix/texpasses.py)
    ("See section", "\\clearpage\nSee section"),
], ids=["words", "page-count"])
def test_a_change_that_moves_nothing_takes_one_direct_pass_and_makes_latexmks_pdf(
        document: texrun.Commands, tmp_path: Path, old: str, new: str) -> None:
    _edit(document, old, new)
    outcome, direct, alone = _both_ways(document, tmp_path)
    assert not outcome.handed_over and outcome.output == ""
    assert [step for step, _ in outcome.steps] == ["xelatex pass 1", "xdvipdfmx"]
    assert direct == alone
    assert texrun.settled_path(document.stem).is_file(), "the next build may take the direct pass again"


def test_when_nothing_it_reads_changed_nothing_is_typeset(document: texrun.Commands) -> None:
    """The worker typesets again when anything of the edition changed, also when the LaTeX did
    not (a catalog of a chapter the edition leaves out): then nothing runs, as latexmk would
    have found (its own database is not current after a direct pass, so it would typeset)."""
    _edit(document, "Some words", "Some other words")
    assert not texrun.typeset(document).handed_over
    pdf = document.stem.with_suffix(".pdf")
    before = pdf.stat().st_mtime_ns
    outcome = texrun.typeset(document)
    assert outcome == texrun.Outcome(0)
    assert pdf.stat().st_mtime_ns == before
    assert texrun.settled_path(document.stem).is_file()


def test_a_file_read_from_elsewhere_that_changed_is_typeset_again(
        document: texrun.Commands, tmp_path: Path) -> None:
    """TeX's own files and the fonts are compared by size and mtime, as latexmk first does: an
    updated package reaches the PDF even when the document's directory did not change."""
    package = tmp_path / "texmf" / "words.tex"
    package.parent.mkdir()
    package.write_text("\\def\\extraword{first}\n", encoding="utf-8")
    _edit(document, "Some words", f"Some \\input{{{package}}}\\extraword{{}} words")
    assert texrun.typeset(document).returncode == 0
    assert texrun.typeset(document) == texrun.Outcome(0)

    package.write_text("\\def\\extraword{second}\n", encoding="utf-8")
    outcome, direct, alone = _both_ways(document, tmp_path)
    assert not outcome.handed_over and [step for step, _ in outcome.steps] == ["xelatex pass 1", "xdvipdfmx"]
    assert direct == alone


@pytest.mark.parametrize(("old", "new", "what"), [
    ("\\section{Second}", "\\section{Second, renamed}", "the table of contents and the bookmarks"),
    ("in a paragraph.", "in a paragraph\\index{paragraph}.", "the index"),
    ("\\section{First}", "\\clearpage\n\\section{First}", "a page number another page refers to"),
])
def test_a_change_a_next_pass_would_read_hands_over_to_latexmk(
        document: texrun.Commands, tmp_path: Path, old: str, new: str, what: str) -> None:
    _edit(document, old, new)
    outcome, direct, alone = _both_ways(document, tmp_path)
    assert outcome.handed_over, f"{what} changed: latexmk must run the passes that follow"
    assert [step for step, _ in outcome.steps] == ["xelatex pass 1"]
    assert "'xelatex': time =" in outcome.output
    assert direct == alone


def test_a_failed_pass_is_reported_by_latexmk_and_leaves_no_record(document: texrun.Commands) -> None:
    _edit(document, "Some words", "Some \\undefinedcommand words")
    outcome = texrun.typeset(document)
    assert outcome.returncode != 0 and outcome.handed_over
    assert "Undefined control sequence" in document.stem.with_suffix(".log").read_text(encoding="utf-8")
    assert not texrun.settled_path(document.stem).exists()

    _edit(document, "Some \\undefinedcommand words", "Some words")
    again = texrun.typeset(document)
    assert again.returncode == 0 and again.handed_over and not again.steps, "no record: latexmk's run"
    assert texrun.settled_path(document.stem).is_file()


@pytest.mark.parametrize("tamper", [
    lambda c: c.stem.with_suffix(".aux").write_text("\\relax\n", encoding="utf-8"),
    lambda c: c.stem.with_suffix(".ind").unlink(),
    lambda c: texrun.settled_path(c.stem).write_text("not json", encoding="utf-8"),
    lambda c: texrun.settled_path(c.stem).write_text(json.dumps({"files": {}}), encoding="utf-8"),
], ids=["aux-edited", "ind-missing", "record-broken", "record-empty"])
def test_files_that_are_not_the_recorded_ones_go_to_latexmk(
        document: texrun.Commands, tamper: Callable[[texrun.Commands], None]) -> None:
    _edit(document, "Some words", "Some other words")
    tamper(document)
    outcome = texrun.typeset(document)
    assert outcome.returncode == 0, outcome.output
    assert outcome.handed_over and not outcome.steps


def test_a_source_of_another_latexmk_rule_that_changed_goes_to_latexmk(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A bibliography: bibtex is a rule of latexmk's, with the .bib as its source. A changed entry
    must reach the PDF even though the document's own files did not change."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    directory = tmp_path / "doc"
    directory.mkdir()
    (directory / "doc.tex").write_text(
        "\\documentclass{article}\n\\begin{document}\nAs shown~\\cite{one}.\n"
        "\\bibliographystyle{plain}\n\\bibliography{refs}\n\\end{document}\n", encoding="utf-8")
    bib = directory / "refs.bib"
    bib.write_text("@book{one, title={First Title}, author={A. Author}, year={2020}}\n", encoding="utf-8")
    commands = bilingual_commands(directory / "doc")
    assert texrun.typeset(commands).returncode == 0
    assert texrun.other_rules_current(commands)

    bib.write_text("@book{one, title={Second Title}, author={A. Author}, year={2020}}\n", encoding="utf-8")
    assert not texrun.other_rules_current(commands)
    outcome = texrun.typeset(commands)
    assert outcome.returncode == 0 and outcome.handed_over and not outcome.steps, outcome.output
    assert "Second Title" in directory.joinpath("doc.bbl").read_text(encoding="utf-8")


def _pdf_steps(project_root: Path, tag: str) -> dict[str, list[str]]:
    records = json.loads((project_root / "build" / "logs" / f"{tag}.phases.json").read_text(encoding="utf-8"))
    steps: dict[str, list[str]] = {}
    for record in records:
        fmt, _, step = record["phase"].partition(": ")
        if fmt in {"pdf", "bilingual", "pdf (beside Sphinx)"}:
            steps.setdefault(fmt, []).append(step)
    return steps


@pytest.mark.slow
def test_the_editions_pdfs_typeset_directly_are_latexmks(tmp_path: Path) -> None:
    """The command lines texrun runs for the PDF (Sphinx's latexmkrc, through make) and for the
    bilingual PDF (latexmk's defaults) are latexmk's own: after a changed translation, the files
    are the same when the records are removed and latexmk typesets them. The PDF's pass is the
    one started beside Sphinx (scripts/matrix/texearly.py), so this compares that pass, in the
    edition's own document, with latexmk's."""
    ways = ("direct", "latexmk")
    projects = {way: copy_root("basic", tmp_path / way) for way in ways}

    def build() -> dict[str, dict[str, bytes]]:
        for way in ways:
            # one edition on two cores: the PDF's pass starts beside Sphinx when the last run is on record
            run_cli("build", "--lang", "yua", "--formats", "pdf,bilingual", "--jobs", "2", root=projects[way].root,
                    check=True)
        return {way: {p.name: p.read_bytes() for p in sorted(projects[way].distdir.glob("*.pdf"))} for way in ways}

    def change(old: str, new: str) -> None:
        for way, project in projects.items():
            catalog = project.catalogdir("yua") / "capitulo.po"
            catalog.write_text(catalog.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
            if way == "latexmk":
                for record in project.builddir.rglob(f"*{texrun.SETTLED_SUFFIX}"):
                    record.unlink()

    full = build()
    assert len(full["direct"]) == 2 and full["direct"] == full["latexmk"]

    change('e̱ ɨ́ end."', 'e̱ ɨ́ end, once more."')  # a paragraph: nothing moves
    again = build()
    assert again["direct"] != full["direct"]
    assert again["direct"] == again["latexmk"]
    assert _pdf_steps(projects["direct"].root, "yua") == {
        "pdf": ["xelatex pass 1", "xdvipdfmx"], "bilingual": ["xelatex pass 1", "xdvipdfmx"],
        "pdf (beside Sphinx)": ["xelatex pass 1 before the LaTeX was written"]}
    assert "xelatex pass 1" in _pdf_steps(projects["latexmk"].root, "yua")["pdf"]
    assert "pdf (beside Sphinx)" not in _pdf_steps(projects["latexmk"].root, "yua"), "no record: nothing starts early"

    change('msgid "Sección con referencias"\nmsgstr ""', 'msgid "Sección con referencias"\nmsgstr "FIXTURE-YUA xook"')
    third = build()  # a heading: the table of contents and the bookmarks change
    assert third["direct"] == third["latexmk"]
    assert _pdf_steps(projects["direct"].root, "yua")["pdf"][:2] == ["xelatex pass 1", "xelatex pass 2"]

    # A pass that fails hands over to latexmk told to process everything again (make passes -g on).
    commands = pdf_commands(projects["direct"].builddir / "work" / "yua" / "latex" / edition_basename("yua"))
    tex = commands.stem.with_suffix(".tex")
    text = tex.read_text(encoding="utf-8")
    tex.write_text(text.replace("\\begin{document}", "\\begin{document}\n\\undefinedcommand", 1), encoding="utf-8")
    failed = texrun.typeset(commands)
    assert failed.returncode != 0 and failed.handed_over
    assert [step for step, _ in failed.steps] == ["xelatex pass 1"]
    assert "'xelatex': time =" in failed.output and "invalid option" not in failed.output, failed.output
    assert not texrun.settled_path(commands.stem).exists()
