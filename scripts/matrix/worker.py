"""One language's editions, built inside one worker process.

Sphinx keeps interface translations in module globals, so two languages never share a process.
The worker reads the sources once, into the language's own doctree directory, and hands that
read to each format's producer (scripts.formats says which function produces which format), in
the table's build order; a producer that waits on a background tool (xelatex) is finished last.
"""

from __future__ import annotations

import argparse
import functools
import io
import os
import shlex
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scripts import formats
from scripts.diagnostics import Diagnostic, PipelineError
from scripts.matrix import phases, texearly
from scripts.matrix.fingerprint import load_state, pipeline_digest, plan_edition, save_state
from scripts.matrix.matrixview import ProgressFile, progress_path
from scripts.matrix.results import BuildOptions, EditionResult, FormatResult
from scripts.project import Project


class FormatFailed(Exception):
    """A format could not be produced: the problems a person must fix, and what the tool printed."""

    def __init__(self, problems: list[Diagnostic], details: list[str] | None = None) -> None:
        self.problems = problems
        self.details = details or []
        super().__init__("\n".join([*(str(d) for d in problems), *self.details]))


def sphinx_options() -> argparse.Namespace:
    """SPHINXOPTS (as in Sphinx's own Makefile), read with sphinx-build's own parser.

    What the pipeline decides stays its own: the builder, the directories, the edition's language
    and warnings as errors. What a person adds (-D name=value, -A, -t tag, -n, -j, -E, -v) applies
    to every builder of every edition, and is part of each edition's fingerprint.
    """
    from sphinx.cmd.build import get_parser  # noqa: PLC0415

    return get_parser().parse_args([*shlex.split(os.environ.get("SPHINXOPTS", "")), "_src", "_out"])


def _edition_values(project: Project, tag: str) -> dict[str, str]:
    """The configuration values the pipeline sets for every builder of an edition."""
    values = {"language": tag}
    if adoption := os.environ.get(formats.ADOPTION_ENV):  # `build --adoption` (scripts/adoption_build.py)
        values["policy_adoption"] = adoption
    values["policy_pipeline"] = pipeline_digest(project, tag)  # what Sphinx does not track (fingerprint.py)
    return values


def _sphinx_argv(project: Project, tag: str, builder: str, outdir: Path, freshenv: bool,
                 warnfile: Path) -> list[str]:
    argv = ["-b", builder, "-c", str(project.confdir), "-d", str(project.doctreedir(tag)),
            "-W", "-q", "-w", str(warnfile), *shlex.split(os.environ.get("SPHINXOPTS", ""))]
    for name, value in _edition_values(project, tag).items():
        argv += ["-D", f"{name}={value}"]
    if freshenv:
        argv.append("-E")
    return [*argv, str(project.srcdir), str(outdir)]


class _PhaseClock:
    """Times one in-process Sphinx run: set-up, read (when there is one) and write."""

    def __init__(self, builder: str) -> None:
        self.builder = builder
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def lap(self, name: str) -> None:
        wall, cpu = time.perf_counter(), time.process_time()
        phases.record(f"sphinx {self.builder}: {name}", wall - self.wall, cpu - self.cpu)
        self.wall, self.cpu = wall, cpu

    def before_read(self, *_args: Any) -> None:
        self.lap("set-up")  # Sphinx's own start (environment, outdated files) up to the read

    def after_read(self, *_args: Any) -> None:
        self.lap("read")


def run_sphinx(project: Project, tag: str, builder: str, outdir: Path, freshenv: bool,
               on_read: Callable[[list[str]], None] | None = None) -> tuple[list[Diagnostic], list[str]]:
    """One Sphinx builder; returns its warnings (none: success) and, when it failed without a
    warning, the reason. In this process, unless SPHINXBUILD names another sphinx-build to run.
    `on_read` is told which documents Sphinx is about to read (in this process only)."""
    from scripts.sphinx_warnings import sphinx_diagnostics  # noqa: PLC0415

    if command := os.environ.get("SPHINXBUILD", "").strip():
        warnfile = project.builddir / "work" / tag / f"{builder}-warnings.txt"
        warnfile.parent.mkdir(parents=True, exist_ok=True)
        with phases.timed(f"sphinx {builder}: SPHINXBUILD"):  # CPU time is the child's, not counted here
            done = subprocess.run([*shlex.split(command), *_sphinx_argv(project, tag, builder, outdir, freshenv,
                                                                        warnfile)],
                                  capture_output=True, text=True, check=False)
        warned = warnfile.read_text(encoding="utf-8") if warnfile.is_file() else ""
        problems = sphinx_diagnostics(warned, project.root, tag)
        if done.returncode and not problems:
            return [], [f"{command} -b {builder} failed (exit status {done.returncode})",
                        *done.stderr.strip().splitlines()[-10:]]
        return problems, []

    from scripts.matrix import speedups  # noqa: PLC0415

    speedups.install(builder, cache_dir=project.builddir / "cache")
    from sphinx.application import Sphinx  # noqa: PLC0415
    from sphinx.util.console import nocolor  # noqa: PLC0415
    from sphinx.util.docutils import docutils_namespace, patch_docutils  # noqa: PLC0415

    extra = sphinx_options()
    overrides: dict[str, Any] = {}
    for definition in extra.define:
        key, _, value = definition.partition("=")
        overrides[key] = value
    for definition in extra.htmldefine:
        key, _, value = definition.partition("=")
        overrides[f"html_context.{key}"] = int(value) if value.isdigit() else value
    if extra.nitpicky:
        overrides["nitpicky"] = True
    overrides.update(_edition_values(project, tag))
    nocolor()
    warnings = io.StringIO()
    status = io.StringIO()
    clock = _PhaseClock(builder)
    with patch_docutils(project.confdir), docutils_namespace():
        app = Sphinx(project.srcdir, project.confdir, outdir, project.doctreedir(tag), builder,
                     confoverrides=overrides, status=status, warning=warnings,
                     freshenv=freshenv or extra.freshenv, warningiserror=True, tags=extra.tags,
                     verbosity=extra.verbosity, parallel=extra.jobs)
        clock.lap("set-up")
        app.connect("env-before-read-docs", clock.before_read)
        app.connect("env-updated", clock.after_read)
        if on_read is not None:  # after every other handler, which may add documents to read
            app.connect("env-before-read-docs", lambda _app, _env, docnames: on_read(list(docnames)), priority=900)
        try:
            app.build()
        finally:
            clock.lap("write")
    problems = sphinx_diagnostics(warnings.getvalue(), project.root, tag)
    if app.statuscode and not problems:
        return [], [f"sphinx {builder} builder failed (exit status {app.statuscode})"]
    return problems, []


@dataclass
class EditionJob:
    """What a producer needs: where things go, and the one Sphinx read the builders share."""

    project: Project
    tag: str
    options: BuildOptions
    freshenv: bool
    work: Path  # build/work/<tag>: staging, never published as it is
    site: Path  # where the HTML edition goes
    dist: Path
    epoch: int | None = field(default=None)

    def sphinx(self, builder: str, outdir: Path, on_read: Callable[[list[str]], None] | None = None) -> None:
        """Run one builder; FormatFailed if it warned. Only the first builder may start afresh."""
        problems, details = run_sphinx(self.project, self.tag, builder, outdir, self.freshenv, on_read)
        self.freshenv = False
        if problems or details:
            raise FormatFailed(problems, details)


# A producer returns the path of its output, or a function that waits for its background step
# and then returns that path; it raises FormatFailed when the format cannot be produced.
Produced = str | Callable[[], str]


def _produce(job: EditionJob, fmt: formats.OutputFormat) -> Produced:
    return fmt.produce()(job, fmt)


def build_or_report(project: Project, tag: str, options: BuildOptions) -> EditionResult:
    """build_edition, with a PipelineError reported as every format failing; a PDF pass started
    ahead that no producer took is stopped (scripts.matrix.texearly). What a worker runs, and the
    main process for a single edition (scripts.matrix.orchestrator)."""
    try:
        return build_edition(project, tag, options)
    except PipelineError as exc:
        return EditionResult(tag, [FormatResult(fmt, "failed", problems=exc.diagnostics) for fmt in options.formats])
    finally:
        texearly.cancel_ahead()


def build_edition(project: Project, tag: str, options: BuildOptions) -> EditionResult:
    """Build the requested formats of one language. Runs inside a worker process (whose garbage
    collector's thresholds scripts/__main__.py sets)."""
    started = time.monotonic()
    phases.RECORDS.clear()  # this edition's phases only, when one process builds several
    result = EditionResult(tag=tag)
    state = load_state(project, tag)
    progress = ProgressFile(progress_path(project, tag))
    skipped, todo = plan_edition(project, tag, options, state)
    for fmt_name, output in skipped:
        result.formats.append(FormatResult(fmt_name, "skipped", output=output))
    if skipped:
        progress.set_all([fmt_name for fmt_name, _ in skipped], "skipped")
    if not todo:
        result.seconds = time.monotonic() - started
        return result

    epoch = int(os.environ["SOURCE_DATE_EPOCH"]) if os.environ.get("SOURCE_DATE_EPOCH") else None
    job = EditionJob(project, tag, options, freshenv=bool(state.get("failed")) or options.force,
                     work=project.builddir / "work" / tag, site=options.outdir or project.sitedir,
                     dist=project.distdir, epoch=epoch)
    keys = dict(todo)
    any_failed = False

    def finish(name: str, t0: float, attempt: Callable[[], Any]) -> Any:
        """Run one step of a format; record its result when it is the last one (or fails)."""
        nonlocal any_failed
        try:
            made = attempt()
        except FormatFailed as exc:
            failure = FormatResult(name, "failed", time.monotonic() - t0, problems=exc.problems, details=exc.details)
        except Exception as exc:  # noqa: BLE001 - one broken edition must not stop the report
            failure = FormatResult(name, "failed", time.monotonic() - t0, details=[f"{type(exc).__name__}: {exc}"])
        else:
            if callable(made):
                return made
            result.formats.append(FormatResult(name, "built", time.monotonic() - t0, made))
            progress.set(name, "done")
            state[name] = {"fingerprint": keys[name], "output": made}
            return None
        any_failed = True
        result.formats.append(failure)
        progress.set(name, "failed")
        state.pop(name, None)
        return None

    pending: list[tuple[str, float, Callable[[], str]]] = []
    for fmt in formats.build_order(list(keys), options.background_first):
        t0 = time.monotonic()
        progress.set(fmt.name, "building")
        wait = finish(fmt.name, t0, functools.partial(_produce, job, fmt))
        if wait is not None:
            pending.append((fmt.name, t0, wait))
    for name, t0, wait in pending:
        finish(name, t0, wait)

    state["failed"] = any_failed
    save_state(project, tag, state)
    phases.save(project.builddir, tag)
    result.seconds = time.monotonic() - started
    return result
