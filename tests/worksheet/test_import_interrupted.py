"""`worksheet import` killed at any moment loses nothing and leaves no catalog half-written.

A project of 24 documents (480 paragraphs) has a translation in every third entry already; the
worksheet fills the rest. An import is killed with SIGKILL after a delay chosen by hypothesis (a
fraction of a full run); every catalog must still parse (ours and Babel's reader), keep every
translation it had, and hold for each entry either its old text or the worksheet's, never a mix.
The next import is not blocked by the killed one's lock and ends with the same bytes as an
import that was never interrupted.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scripts import catalogs, pofile
from scripts.project import Project
from tests.conftest import REPO, run_cli
from tests.reliability.test_update_interrupted import _env, holding_the_lock, kill_after
from tests.translator_fixtures import make_project
from tests.worksheet.conftest import edit_xlsx, export_xlsx, fill

pytestmark = pytest.mark.slow

DOCUMENTS = 24
PARAGRAPHS = 20


def _docs() -> dict[str, str]:
    names = [f"parte{i:02d}" for i in range(DOCUMENTS)]
    docs = {"index.md": "# Índice\n\n```{toctree}\n" + "\n".join(names) + "\n```\n"}
    for name in names:
        body = "\n\n".join(f"Párrafo {j} de {name}: los {{term}}`datos abiertos` se publican[^n{j}]."
                           for j in range(PARAGRAPHS))
        notes = "\n\n".join(f"[^n{j}]: Nota {j}." for j in range(PARAGRAPHS))
        docs[f"{name}.md"] = f"# Documento {name}\n\n{body}\n\n{notes}\n"
    return docs


def texts(project: Project) -> dict[str, dict[str, str]]:
    """catalog -> msgid -> msgstr, after checking that the file is whole."""
    found = {}
    for path in sorted(project.catalogdir("yua").glob("*.po")):
        with path.open("rb") as handle:
            read_po(handle, abort_invalid=True)
        found[path.name] = {e.msgid: e.msgstr for e in pofile.read(path).entries}
    return found


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> tuple[Project, Path, dict[str, dict[str, str]],
                                                                dict[str, bytes], float]:
    """The project, its filled worksheet, its translations, the result of an uninterrupted import,
    and how long that import took."""
    base = tmp_path_factory.mktemp("interrupted")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "1767225600")
        project = make_project(base, _docs())
        catalogs.update(project, ["yua"])
    for path in project.catalogdir("yua").glob("*.po"):
        catalog = pofile.read(path)
        for number, entry in enumerate(catalog.active):
            if number % 3 == 0:
                entry.msgstr = fill(entry.msgid).replace("FIXTURE:", "FIXTURE before:")
        path.write_text(pofile.dumps(catalog), encoding="utf-8")
    sheet = export_xlsx(project, base / "out")
    edit_xlsx(sheet, lambda row, cells: setattr(cells["Su traducción"], "value", fill(row["Español"])))
    before = texts(project)
    trial = base / "trial"
    shutil.copytree(project.root, trial)
    started = time.monotonic()
    run_cli("worksheet", "import", str(sheet), root=trial, check=True)
    duration = time.monotonic() - started
    expected = {p.name: p.read_bytes() for p in (trial / "locale" / "yua" / "LC_MESSAGES").glob("*.po")}
    return project, sheet, before, expected, duration


def _command(root: Path, sheet: Path) -> list[str]:
    return [sys.executable, "-m", "scripts", "--root", str(root), "worksheet", "import", str(sheet)]


def _assert_intact_then_finish(project: Project, sheet: Path, before: dict[str, dict[str, str]],
                               expected: dict[str, bytes]) -> None:
    imported = {name: {e.msgid: e.msgstr for e in pofile.parse(raw.decode("utf-8")).entries}
                for name, raw in expected.items()}
    after = texts(project)
    for name, entries in before.items():
        for msgid, old in entries.items():
            now = after[name].get(msgid)
            if old:
                assert now == old, f"{name}: lost {old!r}"
            else:
                assert now in ("", imported[name][msgid]), f"{name}: half-written {now!r}"
    done = run_cli("worksheet", "import", "--wait", "10", str(sheet), root=project.root)
    assert done.returncode == 0, done.stdout + done.stderr
    final = {p.name: p.read_bytes() for p in project.catalogdir("yua").glob("*.po")}
    assert final == expected


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fraction=st.floats(min_value=0.3, max_value=1.1))
def test_import_killed_at_any_moment_loses_nothing(prepared: tuple, fraction: float) -> None:
    template, sheet, before, expected, duration = prepared
    with tempfile.TemporaryDirectory(dir=template.root.parent) as scratch:
        project = Project(Path(scratch) / "proyecto")
        shutil.copytree(template.root, project.root)
        kill_after(_command(project.root, sheet), fraction * duration)
        _assert_intact_then_finish(project, sheet, before, expected)


def test_import_killed_between_two_catalogs_loses_nothing(prepared: tuple, tmp_path: Path) -> None:
    """Killed the moment the first catalog is replaced: the others are still as they were."""
    template, sheet, before, expected, _ = prepared
    project = Project(tmp_path / "proyecto")
    shutil.copytree(template.root, project.root)
    files = sorted(project.catalogdir("yua").glob("*.po"))
    inodes = {path: path.stat().st_ino for path in files}
    process = subprocess.Popen(_command(project.root, sheet), cwd=REPO, env=_env(), stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    while process.poll() is None:
        if any(path.stat().st_ino != inodes[path] for path in files):  # write_atomic renamed one in
            os.killpg(process.pid, signal.SIGKILL)
            break
    process.wait()
    replaced = sum(path.stat().st_ino != inodes[path] for path in files)
    assert replaced >= 1
    _assert_intact_then_finish(project, sheet, before, expected)


def test_import_waits_for_update_and_then_refuses(prepared: tuple, tmp_path: Path) -> None:
    template, sheet, _, _, _ = prepared
    root = tmp_path / "proyecto"
    shutil.copytree(template.root, root)
    project = Project(root)
    snapshot = {p: p.read_bytes() for p in project.catalogdir("yua").glob("*.po")}
    with holding_the_lock(project):
        done = subprocess.run([*_command(root, sheet)[:-2], "import", "--wait", "0.5", str(sheet)], cwd=REPO,
                              env=_env(), capture_output=True, text=True, check=False)
    assert done.returncode == 1 and "[catalogs-locked]" in done.stderr
    assert {p: p.read_bytes() for p in snapshot} == snapshot
