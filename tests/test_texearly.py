"""The one pass of an incremental build, started before the LaTeX is written
(scripts/matrix/texearly.py): the same files, byte for byte, as the pass texrun runs on the new
.tex; the early pass is given up, and texrun's own pass runs, whenever it read anything a pass
started now would not read."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from scripts.matrix import texearly, texrun
from scripts.matrix.bilingual import bilingual_commands

# Three "documents" as Sphinx writes them into one .tex: each opens with a \sphinxstepscope line
# and a <docname>::doc label.
DOCUMENT = r"""\documentclass{article}
\usepackage{makeidx}
\makeindex
\usepackage{hyperref}
\newcommand\sphinxstepscope{}
\begin{document}
\tableofcontents

\sphinxstepscope

\section{First}
\label{\detokenize{first::doc}}\label{one}
Some words\index{word} in a paragraph.
\input{shared.sty}

\sphinxstepscope

\section{Second}
\label{\detokenize{second::doc}}
See section~\ref{one} on page~\pageref{one}.

\sphinxstepscope

\section{Third}
\label{\detokenize{third::doc}}
The third part, in words of its own.
\printindex
\end{document}
"""


@pytest.fixture
def document(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> texrun.Commands:
    """The document typeset once by latexmk, its run on record."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    monkeypatch.setenv("FORCE_SOURCE_DATE", "1")
    directory = tmp_path / "doc"
    directory.mkdir()
    (directory / "doc.tex").write_text(DOCUMENT, encoding="utf-8")
    (directory / "shared.sty").write_text("A sentence from a file beside the document.\n", encoding="utf-8")
    commands = bilingual_commands(directory / "doc")
    assert texrun.typeset(commands).returncode == 0
    return commands


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


PASS_FILES = (".pdf", ".aux", ".toc", ".out", ".idx", ".fls", ".xdv")


def _files(commands: texrun.Commands) -> dict[str, bytes]:
    return {suffix: commands.stem.with_suffix(suffix).read_bytes() for suffix in PASS_FILES}


def _started(commands: texrun.Commands, read: list[str]) -> texearly.EarlyPass:
    early = texearly.EarlyPass.start(commands.stem, commands.xelatex)
    assert early is not None
    early.documents_read(read)
    return early


def _compare(commands: texrun.Commands, early: texearly.EarlyPass, tmp_path: Path,
             change: tuple[str, str]) -> texrun.Outcome:
    """Change the .tex as Sphinx would, typeset with the early pass, then from the same files with
    texrun's own pass; the files each way must be the same."""
    tex = commands.stem.with_suffix(".tex")
    _edit(tex, *change)
    saved = tmp_path / "saved"
    shutil.copytree(commands.cwd, saved)
    outcome = texrun.typeset(commands, early)
    assert outcome.returncode == 0, outcome.output
    with_early = _files(commands)
    shutil.rmtree(commands.cwd)
    shutil.copytree(saved, commands.cwd)
    alone = texrun.typeset(commands)
    assert alone.returncode == 0 and not alone.handed_over and alone.beside == 0
    assert with_early == _files(commands)
    assert not early.shadow.exists() and early.process.poll() is not None
    return outcome


def test_the_pass_started_early_makes_the_files_of_texruns_own_pass(
        document: texrun.Commands, tmp_path: Path) -> None:
    early = _started(document, ["third"])
    assert early.previous[:early.fed].endswith(b"Second}\n\\label{\\detokenize{second::doc}}\n"
                                              b"See section~\\ref{one} on page~\\pageref{one}.\n\n")
    time.sleep(1)  # the preamble and the first two parts typeset while "Sphinx" works
    outcome = _compare(document, early, tmp_path, ("The third part", "The changed third part"))
    assert outcome.beside > 0 and not outcome.handed_over
    assert [step for step, _ in outcome.steps] == ["xelatex pass 1", "xdvipdfmx"]
    fls = document.stem.with_suffix(".fls").read_text(encoding="utf-8")
    assert f"PWD {document.cwd.resolve()}" in fls and texearly.EARLY_SUFFIX not in fls


def test_without_a_named_document_only_the_preamble_is_fed(document: texrun.Commands, tmp_path: Path) -> None:
    early = _started(document, ["not-in-this-document"])
    assert early.previous[:early.fed].endswith(b"\\begin{document}\n")
    outcome = _compare(document, early, tmp_path, ("Some words", "Some other words"))
    assert outcome.beside > 0


@pytest.mark.parametrize("what", ["text-before-the-cut", "file-beside", "new-file", "aux"])
def test_an_early_pass_that_read_something_else_is_given_up(
        document: texrun.Commands, tmp_path: Path, what: str) -> None:
    """What was fed is not the start of the new .tex; a file the pass reads was rewritten; a file
    appeared that the pass might have looked for; the .aux it read is not the one on record.
    Each way, texrun's own pass (or latexmk) makes the files, and the early pass leaves nothing."""
    early = _started(document, ["third"])
    time.sleep(0.5)
    if what == "text-before-the-cut":
        change = ("Some words", "Some changed words")
    else:
        change = ("The third part", "The changed third part")
        if what == "file-beside":
            _edit(document.cwd / "shared.sty", "A sentence", "Another sentence")
        elif what == "new-file":
            (document.cwd / "figure.txt").write_text("new\n", encoding="utf-8")
        else:
            _edit(document.stem.with_suffix(".aux"), "\\relax", "\\relax ")
    if what == "aux":  # the record no longer matches: latexmk, as before
        _edit(document.stem.with_suffix(".tex"), *change)
        outcome = texrun.typeset(document, early)
        assert outcome.returncode == 0 and outcome.handed_over
        assert not early.shadow.exists() and early.process.poll() is not None
        return
    outcome = _compare(document, early, tmp_path, change)
    assert outcome.beside == 0


def test_a_failing_pass_started_early_hands_over_as_texruns_own(document: texrun.Commands) -> None:
    early = _started(document, ["third"])
    _edit(document.stem.with_suffix(".tex"), "The third part", "\\undefinedcommand The third part")
    outcome = texrun.typeset(document, early)
    assert outcome.returncode != 0 and outcome.handed_over
    assert [step for step, _ in outcome.steps] == ["xelatex pass 1"] and outcome.beside > 0
    assert "Undefined control sequence" in document.stem.with_suffix(".log").read_text(encoding="utf-8")
    assert not texrun.settled_path(document.stem).exists()
    assert not early.shadow.exists()


def test_no_early_pass_without_a_complete_run_on_record(document: texrun.Commands) -> None:
    texrun.settled_path(document.stem).unlink()
    assert texearly.EarlyPass.start(document.stem, document.xelatex) is None
    assert not document.cwd.with_name(document.cwd.name + texearly.EARLY_SUFFIX).exists()


def test_a_cancelled_early_pass_leaves_nothing_running(document: texrun.Commands) -> None:
    early = _started(document, ["second"])
    early.cancel()
    early.cancel()  # twice: nothing happens
    assert early.process.poll() is not None and not early.shadow.exists()


def test_an_early_pass_that_writes_in_a_subdirectory_is_given_up(document: texrun.Commands, tmp_path: Path) -> None:
    """Only the files a pass writes beside the document are moved in; one written in a
    subdirectory would stay as the last pass left it, so texrun's own pass runs instead."""
    (document.cwd / "sub").mkdir()
    _edit(document.stem.with_suffix(".tex"), "\\begin{document}",
          "\\newwrite\\extra\\immediate\\openout\\extra=sub/extra.txt\\immediate\\write\\extra{x}"
          "\\immediate\\closeout\\extra\n\\begin{document}")
    assert texrun.typeset(document).returncode == 0
    early = _started(document, ["third"])
    outcome = _compare(document, early, tmp_path, ("The third part", "The changed third part"))
    assert outcome.beside == 0 and (document.cwd / "sub" / "extra.txt").is_file()


def test_no_early_pass_when_its_directory_cannot_be_made(document: texrun.Commands) -> None:
    """Setting the early pass up is never a reason for the build to fail."""
    blocker = document.cwd.with_name(document.cwd.name + texearly.EARLY_SUFFIX)
    blocker.write_text("a file where the copy would go\n", encoding="utf-8")
    assert texearly.EarlyPass.start(document.stem, document.xelatex) is None
    _edit(document.stem.with_suffix(".tex"), "Some words", "Some other words")
    assert texrun.typeset(document).returncode == 0
