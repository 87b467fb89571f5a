"""`update` killed at any moment, or run twice at once, loses no translation and leaves no catalog
half-written.

The sources of tests/roots/basic are changed first (a paragraph edited, one added, one removed)
so that `update` rewrites every catalog. A run is then killed with SIGKILL after a delay chosen
by hypothesis (a fraction of a full run, with or without extraction), and every catalog must
still parse, with every translation it had still in it (active, fuzzy or obsolete).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scripts import pofile
from scripts.project import Project
from tests.conftest import REPO, copy_root, run_cli

pytestmark = pytest.mark.slow


def change_sources(project: Project) -> None:
    chapter = project.srcdir / "capitulo.md"
    text = chapter.read_text(encoding="utf-8")
    text = text.replace("Los datos abiertos se publican en formatos abiertos.",
                        "Los datos abiertos se publican siempre en formatos abiertos.")
    text = text.replace("Una nota para los lectores.", "Una nota nueva para quien lee.\n\nOtro párrafo nuevo.")
    chapter.write_text(text, encoding="utf-8")


def translations(project: Project) -> dict[str, set[str]]:
    """catalog path -> every non-empty msgstr in it (whatever the entry's state)."""
    found = {}
    for path in sorted(project.localedir.glob("*/LC_MESSAGES/*.po")):
        catalog = pofile.read(path)
        found[path.relative_to(project.root).as_posix()] = {
            text for entry in catalog.entries for text in entry.translations if text}
    return found


def assert_intact(project: Project, before: dict[str, set[str]]) -> None:
    for path in sorted(project.localedir.glob("*/LC_MESSAGES/*.po")):
        pofile.read(path)  # raises PoSyntaxError on a half-written catalog
        with path.open("rb") as handle:
            read_po(handle, abort_invalid=True)  # and Babel (what Sphinx uses) agrees
    after = translations(project)
    for path, texts in before.items():
        assert path in after, f"{path} disappeared"
        lost = texts - after[path]
        assert not lost, f"{path} lost {sorted(lost)}"


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> tuple[Project, dict[str, set[str]], float]:
    """A changed project with its .pot already extracted, its translations, and how long a full
    `update` takes on it."""
    project = copy_root("basic", tmp_path_factory.mktemp("update") / "basic")
    change_sources(project)
    before = translations(project)
    run_cli("extract", root=project.root, check=True)
    trial = Path(tempfile.mkdtemp(dir=project.root.parent))
    shutil.copytree(project.root, trial / "basic")
    started = time.monotonic()
    run_cli("update", root=trial / "basic", check=True)
    duration = time.monotonic() - started
    shutil.rmtree(trial)
    return project, before, duration


def _command(root: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "scripts", "--root", str(root), "update", *args]


def _env() -> dict[str, str]:
    return {**os.environ, "POLICY_VERSION": "1.2.3", "SOURCE_DATE_EPOCH": "1767225600"}


def kill_after(command: list[str], delay: float) -> int | None:
    """Run `command` in its own process group and SIGKILL the group after `delay` seconds;
    None if it finished first, else the signal's return code."""
    process = subprocess.Popen(command, cwd=REPO, env=_env(), stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        process.wait(timeout=delay)
        return None
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        return process.wait()


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fraction=st.floats(min_value=0.0, max_value=1.2), extract=st.booleans())
def test_update_killed_at_any_moment_loses_nothing(prepared: tuple[Project, dict[str, set[str]], float],
                                                   fraction: float, extract: bool) -> None:
    template, before, duration = prepared
    with tempfile.TemporaryDirectory(dir=template.root.parent) as scratch:
        project = Project(Path(scratch) / "basic")
        shutil.copytree(template.root, project.root)
        args = () if extract else ("--no-extract",)
        # --no-extract spends its time merging and writing, where a kill hurts most.
        kill_after(_command(project.root, *args), fraction * (duration if extract else duration / 3))
        assert_intact(project, before)
        # The next run is not blocked by the killed one's lock, and finishes the job.
        started = time.monotonic()
        done = run_cli("update", "--wait", "10", root=project.root)
        assert done.returncode == 0, done.stdout + done.stderr
        assert time.monotonic() - started < 10
        assert_intact(project, before)


def test_two_updates_at_once_both_finish_and_agree(prepared: tuple[Project, dict[str, set[str]], float],
                                                   tmp_path: Path) -> None:
    template, before, _ = prepared
    alone = tmp_path / "alone"
    shutil.copytree(template.root, alone)
    run_cli("update", root=alone, check=True)
    racing = tmp_path / "racing"
    shutil.copytree(template.root, racing)

    processes = [subprocess.Popen(_command(racing), cwd=REPO, env=_env(), stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [p.communicate(timeout=300) for p in processes]

    assert [p.returncode for p in processes] == [0, 0], outputs
    assert_intact(Project(racing), before)
    for path in sorted(alone.glob("locale/*/LC_MESSAGES/*.po")):
        assert (racing / path.relative_to(alone)).read_bytes() == path.read_bytes(), path


@contextlib.contextmanager
def holding_the_lock(project: Project) -> Iterator[None]:
    with open(project.localedir / ".update.lock", "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def test_update_refuses_while_another_holds_the_catalogs(prepared: tuple[Project, dict[str, set[str]], float],
                                                         tmp_path: Path) -> None:
    template, _, _ = prepared
    root = tmp_path / "basic"
    shutil.copytree(template.root, root)
    project = Project(root)
    snapshot = {p: p.read_bytes() for p in root.glob("locale/*/LC_MESSAGES/*.po")}
    with holding_the_lock(project):
        done = run_cli("update", "--wait", "0.5", root=root)
    assert done.returncode == 1
    assert "[catalogs-locked]" in done.stderr and " — " in done.stderr
    assert {p: p.read_bytes() for p in snapshot} == snapshot, "a refused update wrote a catalog"
