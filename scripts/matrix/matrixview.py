"""The live view of the build matrix: each edition and format, its state and elapsed time.

Workers are separate processes; each writes what it is doing to a small JSON file
(build/logs/<tag>.progress.json) that the view reads.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from scripts import formats
from scripts.atomic import write_atomic
from scripts.project import Project


def progress_path(project: Project, tag: str) -> Path:
    return project.builddir / "logs" / f"{tag}.progress.json"


class ProgressFile:
    """Where a worker says what it is doing, for the live view (one small JSON file per language)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.states: dict[str, dict[str, Any]] = {}

    def set(self, fmt: str, state: str) -> None:
        self.set_all([fmt], state)

    def set_all(self, fmts: list[str], state: str) -> None:
        """Several formats in one write (an edition's skipped ones); not flushed to disk: the
        file only shows the live view what is happening now."""
        now = time.time()
        for fmt in fmts:
            entry = self.states.setdefault(fmt, {})
            if state == "building":
                entry["started"] = now
            entry["state"] = state
            entry["changed"] = now
        write_atomic(self.path, json.dumps(self.states).encode(), durable=False)


def read_progress(path: Path) -> dict[str, dict[str, Any]]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


class MatrixView:
    """Each edition and format: waiting, building, done, skipped, failed, with elapsed time.

    On a terminal the table is redrawn in place; elsewhere (CI, a pipe) one plain line is printed
    per change, so logs stay readable.
    """

    def __init__(self, project: Project, tags: list[str], wanted: tuple[str, ...], stream: Any = None) -> None:
        self.project = project
        self.tags = tags
        self.formats = formats.in_table_order(wanted)
        self.stream = stream or sys.stdout
        self.live = self.stream.isatty() and not os.environ.get("CI") and os.environ.get("TERM") != "dumb"
        self.started = time.monotonic()
        self.seen: dict[tuple[str, str], str] = {}
        self.drawn = 0

    def _snapshot(self) -> dict[tuple[str, str], tuple[str, float]]:
        snap = {}
        for tag in self.tags:
            states = read_progress(progress_path(self.project, tag))
            for fmt in self.formats:
                entry = states.get(fmt, {})
                state = entry.get("state", "waiting")
                started = entry.get("started")
                elapsed = (entry.get("changed", time.time()) if state != "building" else time.time()) - started \
                    if started else 0.0
                snap[(tag, fmt)] = (state, elapsed)
        return snap

    def update(self) -> None:
        snap = self._snapshot()
        if self.live:
            self._draw(snap)
            return
        for key, (state, elapsed) in snap.items():
            if self.seen.get(key) != state and state != "waiting":
                self.seen[key] = state
                timing = f" ({elapsed:.1f}s)" if state in {"done", "failed"} else ""
                print(f"[{time.monotonic() - self.started:6.1f}s] {key[0]} {key[1]}: {state}{timing}",
                      file=self.stream, flush=True)

    def _draw(self, snap: dict[tuple[str, str], tuple[str, float]]) -> None:
        marks = {"waiting": "·", "building": "…", "done": "✓", "skipped": "=", "failed": "✗"}
        lines = [f"{'':8}" + "".join(f"{fmt:<16}" for fmt in self.formats)]
        for tag in self.tags:
            cells = []
            for fmt in self.formats:
                state, elapsed = snap[(tag, fmt)]
                text = f"{marks.get(state, '?')} {state}" + (f" {elapsed:4.1f}s" if state in {"building", "done", "failed"} else "")
                cells.append(f"{text:<16}")
            lines.append(f"{tag:<8}" + "".join(cells))
        lines.append(f"elapsed {time.monotonic() - self.started:.1f}s")
        out = ("\x1b[F" * self.drawn) + "".join(f"\x1b[2K{line}\n" for line in lines)
        self.stream.write(out)
        self.stream.flush()
        self.drawn = len(lines)
