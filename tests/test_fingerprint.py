"""When an edition is rebuilt: a commit that changes no input rebuilds nothing; a new TeX Live
rebuilds the PDFs and nothing else; a no-op decision hashes nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from scripts import formats
from scripts.matrix import fingerprint, statcache
from scripts.matrix.results import BuildOptions
from scripts.project import Project, edition_commit
from tests.conftest import REPO


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args], cwd=root, check=True,
                   capture_output=True)


def _local_env() -> dict[str, str]:
    """A person's environment: no release's POLICY_VERSION or SOURCE_DATE_EPOCH."""
    return {k: v for k, v in os.environ.items() if k not in {"POLICY_VERSION", "SOURCE_DATE_EPOCH"}}


def _build(root: Path, *args: str) -> dict[str, dict[str, str]]:
    done = subprocess.run([sys.executable, "-m", "scripts", "--root", str(root), "build", *args], cwd=REPO,
                          env=_local_env(), capture_output=True, text=True, timeout=900, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    statuses = {}
    for result in sorted((root / "build" / "logs").glob("*.result.json")):
        data = json.loads(result.read_text(encoding="utf-8"))
        statuses[data["tag"]] = {f["format"]: f["status"] for f in data["formats"]}
    return statuses


@pytest.mark.slow
def test_a_readme_only_commit_rebuilds_no_edition(basic_project: Project) -> None:
    root = basic_project.root
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "policy")
    first = _build(root, "--formats", "html")
    assert first and all(s == {"html": "built"} for s in first.values())
    stamped = next(root.glob("build/site/en/*.html")).read_text(encoding="utf-8")

    (root / "README.md").write_text("# a README\n", encoding="utf-8")
    (root / "tests").mkdir()
    (root / "tests" / "test_x.py").write_text("", encoding="utf-8")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "README and tests only")
    second = _build(root, "--formats", "html")
    assert all(s == {"html": "skipped"} for s in second.values()), second
    assert next(root.glob("build/site/en/*.html")).read_text(encoding="utf-8") == stamped

    # A commit that does change an input gives a new version, and rebuilds.
    conf = root / "conf.py"
    conf.write_text(conf.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    _git(root, "commit", "-qam", "conf.py changed")
    third = _build(root, "--formats", "html")
    assert all(s == {"html": "built"} for s in third.values()), third


def test_the_version_of_a_local_build_names_the_last_commit_of_an_input(basic_project: Project,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    root = basic_project.root
    monkeypatch.delenv("POLICY_VERSION", raising=False)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "policy")
    policy = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True).stdout.strip()
    (root / "README.md").write_text("x\n", encoding="utf-8")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "README")
    edition_commit.cache_clear()
    assert edition_commit(root) == policy
    assert Project(root).version.endswith(f"-g{policy[:7]}")


def _fake_tool(directory: Path, name: str, version: str) -> None:
    tool = directory / name
    tool.write_text(f"#!/bin/sh\necho '{version}'\n", encoding="utf-8")
    tool.chmod(0o755)


def test_a_new_tex_live_rebuilds_the_pdf_and_nothing_else(basic_project: Project, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    tools = tmp_path / "bin"
    tools.mkdir()
    _fake_tool(tools, "xelatex", "XeTeX 3.141592653-2.6-0.999995 (TeX Live 2023/Debian)")
    monkeypatch.setenv("PATH", f"{tools}{os.pathsep}{os.environ['PATH']}")
    project = basic_project
    options = BuildOptions()
    state: dict[str, dict[str, str]] = {}
    output = tmp_path / "out"
    output.write_text("", encoding="utf-8")
    _, todo = fingerprint.plan_edition(project, "en", options, state)
    state = {fmt: {"fingerprint": key, "output": str(output)} for fmt, key in todo}
    assert fingerprint.plan_edition(project, "en", options, state)[1] == []

    _fake_tool(tools, "xelatex", "XeTeX 3.141592653-2.6-0.999996 (TeX Live 2025/Debian) upgraded")
    rebuilt = [fmt for fmt, _ in fingerprint.plan_edition(project, "en", options, state)[1]]
    # every PDF the matrix plans (the edition's own and the bilingual one), and nothing else
    pdfs = [name for name in formats.in_table_order(options.formats) if formats.get(name).suffix.endswith("pdf")]
    assert rebuilt == pdfs == ["pdf", "bilingual"], "TeX Live shapes every PDF, and only the PDFs"


def test_nothing_changed_hashes_nothing(basic_project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    project = basic_project
    first = fingerprint.inputs_digest(project, "en")
    statcache._OPEN.clear()  # a new process: the cache is read from build/state/files.json

    read_bytes = Path.read_bytes

    def refuse(self: Path) -> bytes:
        if self == project.registry_path:  # parsed to know the language's fallbacks, not hashed
            return read_bytes(self)
        raise AssertionError(f"{self} was read although it did not change")

    with monkeypatch.context() as patch:
        patch.setattr(Path, "read_bytes", refuse)
        assert fingerprint.inputs_digest(project, "en") == first
    po = next(project.catalogdir("en").rglob("*.po"))
    po.write_text(po.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert fingerprint.inputs_digest(project, "en") != first
