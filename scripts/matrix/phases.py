"""Where a worker's time goes: one record per phase of one edition (Sphinx set-up, read, each
builder's write, each xelatex pass and the index, installing the outputs).

The worker writes its records to build/logs/<tag>.phases.json; `make bench` adds them up over
the languages of a full build, so that the work itself (not only the wall clock) can be cut
where it is spent. Wall time is from time.perf_counter; CPU time is this process's own
(time.process_time) for in-process phases and latexmk's own report for TeX's.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from scripts.atomic import write_atomic

RECORDS: list[dict[str, Any]] = []


def record(name: str, wall: float, cpu: float | None = None) -> None:
    RECORDS.append({"phase": name, "wall": round(wall, 3), "cpu": None if cpu is None else round(cpu, 3)})


@contextmanager
def timed(name: str) -> Iterator[None]:
    """Record the block's wall and CPU time under `name` (also when it raises)."""
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        yield
    finally:
        record(name, time.perf_counter() - wall, time.process_time() - cpu)


def phases_path(builddir: Path, tag: str) -> Path:
    return builddir / "logs" / f"{tag}.phases.json"


def save(builddir: Path, tag: str) -> None:
    write_atomic(phases_path(builddir, tag), json.dumps(RECORDS, indent=1).encode())


def load(builddir: Path, tag: str) -> list[dict[str, Any]]:
    try:
        return list(json.loads(phases_path(builddir, tag).read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return []


def latexmk_rules(output: str, fmt: str, passes_before: int = 0) -> None:
    """Record each rule latexmk ran, from its `-time` report (`'xelatex': time = 1.99`), its
    xelatex passes numbered after the `passes_before` run without it (scripts.matrix.texrun)."""
    passes = passes_before
    for line in output.splitlines():
        name, sep, seconds = line.strip().partition("': time = ")
        if not sep or not name.startswith("'"):
            continue
        name = name[1:]
        if name in {"xelatex", "pdflatex", "latex"}:
            passes += 1
            name = f"xelatex pass {passes}"
        elif name.startswith("makeindex"):
            name = "index (xindy)"
        try:
            record(f"{fmt}: {name}", float(seconds), float(seconds))
        except ValueError:
            continue


def summary(records: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """{phase: {"wall": s, "cpu": s, "count": n}} added up over every record given."""
    total: dict[str, dict[str, float]] = {}
    for rec in records:
        entry = total.setdefault(rec["phase"], {"wall": 0.0, "cpu": 0.0, "count": 0})
        entry["wall"] += rec["wall"]
        entry["cpu"] += rec["cpu"] or 0.0
        entry["count"] += 1
    return total
