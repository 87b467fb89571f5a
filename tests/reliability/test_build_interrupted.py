"""A build killed with SIGKILL at any moment leaves every edition's previous good output whole,
and the next build finishes the job.

Every published edition must stay complete after a kill: the same files as before, each page a
whole HTML document (the old one or the new one, never a mix or a truncated file).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from scripts.project import Project
from tests.conftest import REPO, run_cli
from tests.robustness import TAGS, build_fixture, clone

pytestmark = pytest.mark.slow

DELAYS = (0.4, 1.5, 3.0, 5.0)  # seconds after the start; a --force build of three editions takes longer


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> Project:
    return build_fixture(tmp_path_factory.mktemp("good") / "basic")


def published(project: Project) -> dict[str, set[str]]:
    """tag -> the pages and assets of its edition (Sphinx's .buildinfo bookkeeping aside)."""
    return {tag: {p.relative_to(project.sitedir / tag).as_posix() for p in (project.sitedir / tag).rglob("*")
                  if p.is_file() and not p.name.startswith(".")} for tag in TAGS}


def assert_whole(project: Project, expected: dict[str, set[str]]) -> None:
    assert published(project) == expected
    for tag in TAGS:
        for page in (project.sitedir / tag).rglob("*.html"):
            text = page.read_text(encoding="utf-8")
            assert text.rstrip().endswith("</html>"), f"{page} is truncated"
            assert f'lang="{tag}"' in text


def test_killed_builds_leave_the_previous_outputs_whole(good: Project, tmp_path: Path) -> None:
    project = clone(good, tmp_path / "basic")
    expected = published(project)
    catalog = project.catalogdir("en") / "capitulo.po"
    catalog.write_text(catalog.read_text(encoding="utf-8").replace('msgstr "Data chapter"',
                                                                   'msgstr "Data chapter, revised"'),
                       encoding="utf-8")
    env = {**os.environ, "POLICY_VERSION": "1.2.3", "SOURCE_DATE_EPOCH": "1767225600"}
    command = [sys.executable, "-m", "scripts", "--root", str(project.root), "build", "--formats", "html", "--force"]
    for delay in DELAYS:
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            process.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # the build and every worker it started
            process.wait()
        assert_whole(project, expected)

    done = run_cli("build", "--formats", "html", root=project.root)

    assert done.returncode == 0, done.stdout + done.stderr
    assert_whole(project, expected)
    assert "Data chapter, revised" in (project.sitedir / "en" / "capitulo.html").read_text(encoding="utf-8")
