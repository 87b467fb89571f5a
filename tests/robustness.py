"""Helpers for the reliability and security tests: a good build to start from, its outputs'
fingerprints, and the `path:line: [code] what — how to fix` shape every problem must have.

A good build is made once per test module (`good_build`) and copied for each bad input, so a
test costs one build, not two. Builds are HTML only unless the format is the point.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path
from typing import Any

from scripts.project import Project
from tests.conftest import copy_root, run_cli

TAGS = ("es", "en", "yua")
VERSION = "1.2.3"  # conftest.run_cli sets POLICY_VERSION

# path:line: [code] what — how to fix   (line 0 is written without ":0" by Diagnostic)
DIAGNOSTIC_RE = re.compile(
    r"^(?P<path>[^\s:][^:]*?)(?::(?P<line>\d+))?: \[(?P<code>[\w.-]+)\] (?P<message>.+?) — (?P<hint>\S.*)$")


def build_fixture(dest: Path, *args: str) -> Project:
    """tests/roots/basic copied to `dest` and built (HTML unless `args` say otherwise)."""
    project = copy_root("basic", dest)
    done = run_cli("build", *(args or ("--formats", "html")), root=project.root)
    assert done.returncode == 0, f"good build failed:\n{done.stdout}\n{done.stderr}"
    return project


def clone(project: Project, dest: Path) -> Project:
    """A copy of a built project, outputs included (symlinks kept as they are), without the
    previous build's result files, so that every result read afterwards is the new build's."""
    shutil.copytree(project.root, dest, symlinks=True)
    for stale in (dest / "build" / "logs").glob("*.result.json"):
        stale.unlink()
    return Project(dest)


def results(project: Project) -> dict[str, dict[str, Any]]:
    """tag -> {format -> {status, problems...}} from the workers' result files. An edition that
    was up to date starts no worker and writes no result file."""
    found = {}
    for path in sorted((project.builddir / "logs").glob("*.result.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        found[data["tag"]] = {f["format"]: f for f in data["formats"]}
    return found


def status(project: Project, tag: str, fmt: str = "html") -> str:
    """built, failed or skipped (no worker ran for the edition: it was up to date)."""
    found = results(project).get(tag)
    return found[fmt]["status"] if found else "skipped"


def problems(project: Project, tag: str, fmt: str = "html") -> list[str]:
    return list(results(project)[tag][fmt]["problems"])


def diagnostics(lines: list[str] | str) -> list[dict[str, str]]:
    """The lines that have the diagnostic shape, parsed; others are ignored."""
    if isinstance(lines, str):
        lines = lines.splitlines()
    found = []
    for line in lines:
        match = DIAGNOSTIC_RE.match(line.strip())
        if match:
            found.append(match.groupdict())
    return found


def assert_reported(lines: list[str] | str, path: str, code: str) -> dict[str, str]:
    """One diagnostic at `path` with `code`, with a message and a hint. A path may be absolute
    when the command ran outside the project (the tests pass --root)."""
    found = diagnostics(lines)
    for item in found:
        if (item["path"] == path or item["path"].endswith("/" + path)) and item["code"] == code:
            assert item["message"].strip() and item["hint"].strip()
            return item
    shown = "\n".join(lines if isinstance(lines, list) else [lines])
    raise AssertionError(f"no `{path}:LINE: [{code}] ... — ...` among:\n{shown}")


def fingerprint_tree(directory: Path) -> dict[str, str]:
    """relative path -> sha256 of every file under `directory` (empty if it does not exist)."""
    if not directory.is_dir():
        return {}
    return {p.relative_to(directory).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(directory.rglob("*")) if p.is_file()}


def edition_outputs(project: Project, tag: str) -> dict[str, str]:
    """Fingerprints of everything published for one edition: its site and its downloads."""
    found = {f"site/{k}": v for k, v in fingerprint_tree(project.sitedir / tag).items()}
    for path in sorted(project.distdir.glob(f"*-{tag}.*")) if project.distdir.is_dir() else []:
        found[f"dist/{path.name}"] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found
