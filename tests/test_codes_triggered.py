"""Each diagnostic code of the commands, made to happen as a person would make it happen.

tests/test_diagnostic_codes.py proves every code the program can print is in the one table and
documented; the fixtures of tests/po/bad trigger every code of `check`, and the build, release,
registry, worksheet and adoption tests trigger theirs. These are the codes no other test
provokes: each test here does what a person would do wrong and asserts the code, its
`path: [code] what — how` line and the non-zero exit.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from scripts import system_deps
from scripts.matrix import produce
from scripts.project import Project
from tests.conftest import run_cli


def _says(done: subprocess.CompletedProcess[str], code: str) -> str:
    assert done.returncode != 0, f"exit 0 although {code} was expected:\n{done.stdout}{done.stderr}"
    lines = [line for line in done.stderr.splitlines() if f"[{code}]" in line]
    assert lines, f"no [{code}] line in:\n{done.stderr}"
    assert " — " in lines[0], "a diagnostic says how to fix it"
    return lines[0]


def test_status_of_a_path_that_does_not_exist(tmp_path: Path) -> None:
    _says(run_cli("status", str(tmp_path / "no-such-dir")), "status-no-path")


def test_update_of_the_source_language(basic_project: Project) -> None:
    line = _says(run_cli("update", "--language", "es", root=basic_project.root), "update-source-language")
    assert line.startswith("locale/languages.toml:")


def test_update_without_templates(basic_project: Project) -> None:
    _says(run_cli("update", "--no-extract", root=basic_project.root), "update-no-templates")


def test_update_without_msgmerge(basic_project: Project, tmp_path: Path) -> None:
    assert run_cli("extract", root=basic_project.root).returncode == 0
    catalogs = {p: p.read_bytes() for p in basic_project.localedir.rglob("*.po")}
    bare = tmp_path / "bin"  # a PATH where gettext's programs are not
    bare.mkdir()
    for tool in ("git",):
        if found := shutil.which(tool):
            (bare / tool).symlink_to(found)
    done = run_cli("update", "--no-extract", root=basic_project.root, env={"PATH": str(bare)})
    _says(done, "update-msgmerge")
    assert {p: p.read_bytes() for p in basic_project.localedir.rglob("*.po")} == catalogs, "a catalog changed"


def test_extraction_that_fails(basic_project: Project) -> None:
    conf = basic_project.confdir / "conf.py"
    conf.write_text(conf.read_text(encoding="utf-8") + "\nraise RuntimeError('broken conf')\n", encoding="utf-8")
    _says(run_cli("update", root=basic_project.root), "extract-failed")


def test_preview_that_fails(basic_project: Project) -> None:
    conf = basic_project.confdir / "conf.py"
    conf.write_text(conf.read_text(encoding="utf-8") + "\nraise RuntimeError('broken conf')\n", encoding="utf-8")
    _says(run_cli("preview", "yua", root=basic_project.root), "preview-failed")


def test_worksheet_in_a_format_it_does_not_write(basic_project: Project) -> None:
    _says(run_cli("worksheet", "export", "yua", "--formats", "pdf", root=basic_project.root), "worksheet-format")


def test_malformed_terminology_table(basic_project: Project) -> None:
    table = basic_project.localedir / "yua" / "terminologia.csv"
    table.write_text("spanish,maya\ndatos,?\n", encoding="utf-8")
    line = _says(run_cli("check", root=basic_project.root), "term-table")
    assert "terminologia.csv:1:" in line


def test_release_outside_git(basic_project: Project) -> None:
    _says(run_cli("release", root=basic_project.root), "release-no-git")


def test_release_of_a_commit_with_two_version_tags(basic_project: Project) -> None:
    root = basic_project.root
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "fixture"], ["tag", "v1.0.0"], ["tag", "v1.0.1"]):
        subprocess.run(["git", *command], cwd=root, env=env, check=True)
    line = _says(run_cli("release", root=root), "release-several-tags")
    assert "v1.0.0" in line or "1.0.0" in line


def test_xelatex_that_wrote_no_log(basic_project: Project, tmp_path: Path) -> None:
    problems = produce.latex_problems(basic_project, "es", tmp_path / "politica.log")
    assert [d.code for d in problems] == ["pdf-no-log"] and problems[0].hint


def test_system_deps_for_a_target_it_does_not_know(capsys: pytest.CaptureFixture[str]) -> None:
    assert system_deps.main(["no-such-target"]) == 2
    assert "[system-unknown-target]" in capsys.readouterr().err
