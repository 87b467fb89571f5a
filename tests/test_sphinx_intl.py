"""The usual Sphinx translation guide, followed on this project, ends where `make update-po` does.

A translator who knows Sphinx runs `make gettext`, then `sphinx-intl update -p build/gettext -l
xx`, then `make wrap`. sphinx-intl merges through Babel, which writes its own header, guesses
`python-brace-format` from MyST's `{role}` braces and keeps no previous msgid (`#|`) for a fuzzy
entry. `wrap` puts back the project's header and drops the guessed flags, so the catalogs are
byte-identical to `update`'s — except the `#|` lines Babel discarded, which nothing can restore
(CONTRIBUTING says so and recommends `make update-po`).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from scripts.project import Project
from tests.conftest import copy_root, run_cli

TAGS = ("en", "yua")


def _edit_sources(project: Project, *, change_a_paragraph: bool) -> None:
    page = project.srcdir / "capitulo.md"
    text = page.read_text(encoding="utf-8")
    edited = text.replace("(cap-seccion)=", "Un párrafo nuevo que nadie ha traducido todavía.\n\n(cap-seccion)=")
    edited = edited.replace(":::{note}\nUna nota para los lectores.\n:::\n", "")  # its translation: obsolete
    if change_a_paragraph:
        edited = edited.replace("se publican en formatos abiertos", "se publican siempre en formatos abiertos")
    assert edited.count("\n") != text.count("\n"), "the fixture changed: adapt these edits"
    page.write_text(edited, encoding="utf-8")


def _catalogs(project: Project) -> dict[str, str]:
    return {p.relative_to(project.localedir).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted(project.localedir.rglob("*.po"))}


def _two_ways(tmp_path: Path, *, change_a_paragraph: bool) -> tuple[dict[str, str], dict[str, str]]:
    ours = copy_root("basic", tmp_path / "ours")
    assert run_cli("update", root=ours.root).returncode == 0  # the catalogs as the project keeps them
    _edit_sources(ours, change_a_paragraph=change_a_paragraph)
    theirs = tmp_path / "theirs"
    shutil.copytree(ours.root, theirs)
    assert run_cli("update", root=ours.root).returncode == 0

    guide = Project(theirs)
    assert run_cli("extract", root=theirs).returncode == 0  # make gettext
    done = subprocess.run([sys.executable, "-m", "sphinx_intl", "update", "-p", str(guide.potdir),
                           "-d", str(guide.localedir), *(f"-l{tag}" for tag in TAGS)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert run_cli("wrap", root=theirs).returncode == 0
    return _catalogs(ours), _catalogs(guide)


def _without_previous(text: str) -> str:
    return re.sub(r"^#\| .*\n", "", text, flags=re.M)


@pytest.mark.slow
def test_sphinx_intl_then_wrap_equals_update_po(tmp_path: Path) -> None:
    ours, theirs = _two_ways(tmp_path, change_a_paragraph=False)
    assert sorted(theirs) == sorted(ours), "sphinx-intl created or left out a catalog"
    for name in ours:
        assert theirs[name] == ours[name], name


@pytest.mark.slow
def test_a_changed_paragraph_differs_only_by_the_previous_msgid(tmp_path: Path) -> None:
    ours, theirs = _two_ways(tmp_path, change_a_paragraph=True)
    assert sorted(theirs) == sorted(ours)
    previous = [name for name in ours if "#| msgid" in ours[name]]
    assert previous, "update keeps the previous msgid of the changed paragraph (#|)"
    for name in ours:
        assert "#| " not in theirs[name], "Babel keeps no previous msgid"
        assert theirs[name] == _without_previous(ours[name]), name
