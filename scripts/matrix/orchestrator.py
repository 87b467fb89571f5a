"""The build matrix: every registered language x every format of scripts.formats.

Each language runs in its own worker process (`python -m scripts build-edition`); languages run
in parallel up to the core count. An edition that is up to date starts no worker at all, and
when a single edition is to be built (a translator's change) it is built in this process: no
interpreter to start and no module to load a second time, 0.3 s of the 3 s that change takes
(set POLICY_BUILD_IN_WORKERS=1 to build it in a worker all the same). Sphinx keeps interface
translations in module globals, so two languages never share a process. A failing edition never
stops the others; its failure is in its result and in the summary.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from scripts.atomic import write_atomic
from scripts.matrix.fingerprint import plan_edition
from scripts.matrix.matrixview import MatrixView, ProgressFile, progress_path
from scripts.matrix.results import BuildOptions, EditionResult, FormatResult
from scripts.project import PACKAGE_ROOT, Project, sphinx_environment

IN_WORKERS_ENV = "POLICY_BUILD_IN_WORKERS"
# Set once this process has run Sphinx for an edition (scripts/__main__.py then ends it without
# the interpreter's teardown, as a worker ends: ~1 s of freeing Sphinx's objects one by one).
built_here = False


def result_path(project: Project, tag: str) -> Path:
    return project.builddir / "logs" / f"{tag}.result.json"


def _build_here(project: Project, tag: str, options: BuildOptions, early_pdf: bool) -> EditionResult:
    """A worker's work, in this process: the worker's environment set for the build (and put back
    after it), what the build prints in the edition's log, its result written where a worker's is."""
    global built_here  # noqa: PLW0603 - what this process has done, for its exit
    from scripts.matrix import texearly  # noqa: PLC0415
    from scripts.matrix.worker import build_or_report  # noqa: PLC0415

    log_path = project.builddir / "logs" / f"{tag}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    saved = dict(os.environ)
    started = time.monotonic()
    built_here = True
    try:
        os.environ.update(sphinx_environment(project))
        with log_path.open("w", encoding="utf-8") as log, contextlib.redirect_stdout(log), \
                contextlib.redirect_stderr(log):
            if early_pdf:
                texearly.start_ahead(project.builddir / "work" / tag, tag)
            try:
                result = build_or_report(project, tag, options)
            except Exception as exc:  # noqa: BLE001 - reported as a failed worker's would be
                traceback.print_exc()  # into the edition's log, as a worker's would be
                result = EditionResult(tag, [FormatResult(f, "failed", details=[f"{type(exc).__name__}: {exc}"])
                                             for f in options.formats])
    finally:
        os.environ.clear()
        os.environ.update(saved)
    result.seconds = result.seconds or time.monotonic() - started
    result.log = str(log_path)
    write_atomic(result_path(project, tag), json.dumps(result.as_dict(), indent=2).encode())
    return result


def _run_worker(project: Project, tag: str, options: BuildOptions, early_pdf: bool = False) -> EditionResult:
    log_dir = project.builddir / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    result_file = result_path(project, tag)
    result_file.unlink(missing_ok=True)
    command = [sys.executable, "-m", "scripts", "--root", str(project.root), "build-edition", tag,
               "--formats", ",".join(options.formats), "--result", str(result_file)]
    if options.force:
        command.append("--force")
    if options.outdir:
        command += ["--outdir", str(options.outdir)]
    if options.background_first:
        command.append("--background-first")
        if early_pdf:  # the plan found the PDF to build: its pass starts as the worker starts
            command.append("--early-pdf")
    log_path = log_dir / f"{tag}.log"
    started = time.monotonic()
    with log_path.open("wb") as log:
        done = subprocess.run(command, cwd=PACKAGE_ROOT, env=sphinx_environment(project), stdout=log,
                              stderr=subprocess.STDOUT, check=False)
    try:
        return EditionResult.from_dict(json.loads(result_file.read_text(encoding="utf-8")), log=str(log_path))
    except (OSError, ValueError, KeyError, TypeError):
        tail = log_path.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-20:]
        return EditionResult(tag=tag, seconds=time.monotonic() - started, log=str(log_path), formats=[
            FormatResult(fmt, "failed", details=[f"worker exited with status {done.returncode}", *tail])
            for fmt in options.formats])


def build_matrix(project: Project, options: BuildOptions,
                 progress: Callable[[str, EditionResult | None], None] | None = None,
                 digests: dict[str, bytes] | None = None,
                 while_building: Callable[[], None] | None = None) -> list[EditionResult]:
    """Build every requested edition; returns one result per language, in registry order.
    `digests` receives each language's inputs digest as planned (fingerprint.site_key reuses it);
    `while_building` runs on a thread of its own once an edition is to be built."""
    registry = project.registry()
    tags = list(options.tags) or registry.tags
    for tag in tags:
        registry.get(tag)  # unknown tag: PipelineError naming the registered ones
    jobs = options.jobs or os.cpu_count() or 1
    for tag in tags:
        progress_path(project, tag).unlink(missing_ok=True)

    # Decided here, before any pool: from file metadata and stored digests, in milliseconds.
    results: dict[str, EditionResult] = {}
    stale = []
    building: dict[str, set[str]] = {}  # the formats each stale edition builds
    for tag in tags:
        skipped, todo = plan_edition(project, tag, options, digests=digests)
        if todo:
            stale.append(tag)
            building[tag] = {fmt for fmt, _ in todo}
            continue
        # nothing to do: no worker, no Sphinx import
        res = results[tag] = EditionResult(tag, [FormatResult(fmt, "skipped", output=out) for fmt, out in skipped])
        write_atomic(result_path(project, tag), json.dumps(res.as_dict(), indent=2).encode())
        ProgressFile(progress_path(project, tag)).set_all([fmt for fmt, _ in skipped], "skipped")
        if progress:
            progress(tag, None)
            progress(tag, res)

    def one(tag: str) -> EditionResult:
        if progress:
            progress(tag, None)
        if len(stale) == 1 and os.environ.get(IN_WORKERS_ENV) != "1":  # in this thread: Ctrl-C stops it
            res = _build_here(project, tag, options, early_pdf="pdf" in building[tag])
        else:
            res = _run_worker(project, tag, options, early_pdf="pdf" in building[tag])
        if progress:
            progress(tag, res)
        return res

    if stale:
        if while_building is not None:
            threading.Thread(target=while_building, name="while building", daemon=True).start()
        if len(stale) < jobs:  # a core would be idle: each worker's xelatex gets one while it writes the rest
            options = dataclasses.replace(options, background_first=True)
        if len(stale) == 1:
            results[stale[0]] = one(stale[0])
        else:
            with ThreadPoolExecutor(max_workers=min(jobs, len(stale))) as pool:
                results.update(zip(stale, pool.map(one, stale), strict=True))
    return [results[tag] for tag in tags]


def run_with_view(project: Project, options: BuildOptions, digests: dict[str, bytes] | None = None,
                  while_building: Callable[[], None] | None = None) -> list[EditionResult]:
    """build_matrix with the live view of MatrixView refreshed beside it."""
    tags = list(options.tags) or project.registry().tags
    view = MatrixView(project, tags, options.formats)
    stop = threading.Event()

    def refresh() -> None:
        while not stop.wait(0.25 if view.live else 0.5):
            view.update()

    thread = threading.Thread(target=refresh, daemon=True)
    thread.start()
    try:
        return build_matrix(project, options, digests=digests, while_building=while_building)
    finally:
        stop.set()
        thread.join()
        view.update()
