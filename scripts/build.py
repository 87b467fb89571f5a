"""The build matrix: every registered language x {html, epub, pdf}.

Each language runs in its own process (Sphinx keeps interface translations in module globals,
so two languages must never share one) and reads its sources once, into its own doctree
directory shared by its three builders. xelatex runs while the EPUB is written. Languages run in
parallel up to the core count. An edition whose inputs have the same fingerprint as at its last
successful build is skipped. A failing edition never stops the others, and never replaces a good
output: results are staged and moved into place only when they are complete.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from scripts.atomic import copy_atomic, write_atomic
from scripts.diagnostics import PipelineError, display_path
from scripts.project import DIST_STEM, Project, commit_timestamp

FORMATS = ("html", "epub", "pdf")
PACKAGE_ROOT = Path(__file__).resolve().parent.parent
TOOL_DISTRIBUTIONS = ("sphinx", "docutils", "myst-parser", "furo", "babel", "sphinx-basic-ng")
MISSING_CHARACTER_RE = re.compile(r"^Missing character: .*$", re.MULTILINE)
WARNING_LINE_RE = re.compile(r"(WARNING|ERROR|CRITICAL):")


@dataclass
class FormatResult:
    format: str
    status: str  # "built", "skipped", "failed"
    seconds: float = 0.0
    output: str = ""
    problems: list[str] = field(default_factory=list)


@dataclass
class EditionResult:
    tag: str
    formats: list[FormatResult] = field(default_factory=list)
    seconds: float = 0.0
    log: str = ""

    @property
    def failed(self) -> bool:
        return any(f.status == "failed" for f in self.formats)


@dataclass
class BuildOptions:
    formats: tuple[str, ...] = FORMATS
    tags: tuple[str, ...] = ()
    jobs: int = 0
    force: bool = False
    outdir: Path | None = None  # where the HTML editions go (default: the site)


# ---------------------------------------------------------------- fingerprints


@functools.lru_cache(maxsize=1)
def _tool_versions() -> dict[str, str]:
    versions = {}
    for name in TOOL_DISTRIBUTIONS:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = "absent"
    versions["python"] = sys.version.split()[0]
    return versions


def _files_under(directory: Path) -> Iterable[Path]:
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts and not p.name.endswith((".mo", ".pyc"))
                  and not any(part.startswith(".") for part in p.relative_to(directory).parts))


@functools.lru_cache(maxsize=8)
def _code_inputs(confpy: Path) -> tuple[Path, ...]:
    extension = PACKAGE_ROOT / "scripts" / "sphinxext"
    code = [*extension.rglob("*.py"), Path(__file__).resolve(), confpy]
    return tuple(sorted(_imported_modules(code)))


def _imported_modules(start: list[Path]) -> set[Path]:
    """The scripts.* modules reachable by imports from `start`: the code that shapes an edition."""
    import ast  # noqa: PLC0415

    seen: set[Path] = set()
    queue = list(start)
    while queue:
        path = queue.pop()
        if path in seen or not path.is_file():
            continue
        seen.add(path)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "scripts":
                names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names if alias.name.split(".")[0] == "scripts"]
            for name in names:
                base = PACKAGE_ROOT.joinpath(*name.split("."))
                queue += [base.with_suffix(".py"), base / "__init__.py"]
    return seen


def edition_inputs(project: Project, tag: str) -> list[Path]:
    """Every file whose change can change an edition of `tag`."""
    registry = project.registry()
    lang = registry.get(tag)
    inputs = [project.confdir / "conf.py", project.registry_path]
    inputs += _files_under(project.srcdir)
    inputs += [p for p in _files_under(project.catalogdir(tag)) if p.suffix == ".po"]
    for fallback in lang.interface_chain[1:]:
        ui = project.catalogdir(fallback) / "sphinx.po"
        if ui.is_file():
            inputs.append(ui)
    extension = PACKAGE_ROOT / "scripts" / "sphinxext"
    inputs += [p for p in _files_under(extension) if p.suffix in {".html", ".css", ".js", ".svg", ".toml", ".json", ".po"}]
    inputs += [p for p in _code_inputs(project.confdir / "conf.py") if p not in inputs]
    return inputs


def inputs_digest(project: Project, tag: str) -> bytes:
    """One hash of every input file of `tag`'s editions (names and contents)."""
    digest = hashlib.sha256()
    for path in edition_inputs(project, tag):
        digest.update(str(path.relative_to(project.root) if path.is_relative_to(project.root) else path).encode())
        digest.update(b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.digest()


def fingerprint(project: Project, tag: str, fmt: str, options: BuildOptions, inputs: bytes | None = None) -> str:
    """What one edition depends on; `inputs` (from inputs_digest) saves hashing the files per format."""
    digest = hashlib.sha256(inputs if inputs is not None else inputs_digest(project, tag))
    context = {"tag": tag, "format": fmt, "version": project.version,
               "tools": _tool_versions(), "epoch": os.environ.get("SOURCE_DATE_EPOCH", "")}
    digest.update(json.dumps(context, sort_keys=True).encode())
    return digest.hexdigest()


def _state_path(project: Project, tag: str) -> Path:
    return project.builddir / "state" / f"{tag}.json"


def _load_state(project: Project, tag: str) -> dict[str, Any]:
    try:
        return json.loads(_state_path(project, tag).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _save_state(project: Project, tag: str, state: dict[str, Any]) -> None:
    write_atomic(_state_path(project, tag), json.dumps(state, indent=2, sort_keys=True).encode())


# ---------------------------------------------------------------- atomic outputs


def prune_other_versions(dest: Path, tag: str, suffix: str) -> None:
    """dist/ holds one version of each edition: drop files of other versions once the new one is there."""
    for old in dest.parent.glob(f"{DIST_STEM}-*-{tag}.{suffix}"):
        if old != dest:
            old.unlink(missing_ok=True)


def replace_tree(staged: Path, dest: Path) -> None:
    """Put a complete directory in place of `dest`; the old one stays until the new one is there.

    Between the two renames a kill would leave no `dest`; the next call puts the old one back
    first. Sphinx's private .buildinfo files stay in the staging directory."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    old = dest.parent / f".{dest.name}.old"
    if not dest.exists() and old.exists():
        os.replace(old, dest)
    fresh = Path(tempfile.mkdtemp(dir=dest.parent, prefix=f".{dest.name}.new."))
    shutil.rmtree(fresh)
    shutil.copytree(staged, fresh, ignore=shutil.ignore_patterns(".buildinfo*"))
    if old.exists():
        shutil.rmtree(old)
    if dest.exists():
        os.replace(dest, old)
    os.replace(fresh, dest)
    shutil.rmtree(old, ignore_errors=True)


# ---------------------------------------------------------------- progress of the matrix


class ProgressFile:
    """Where a worker says what it is doing, for the live view (one small JSON file per language)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.states: dict[str, dict[str, Any]] = {}

    def set(self, fmt: str, state: str) -> None:
        entry = self.states.setdefault(fmt, {})
        now = time.time()
        if state == "building":
            entry["started"] = now
        entry["state"] = state
        entry["changed"] = now
        write_atomic(self.path, json.dumps(self.states).encode())


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

    def __init__(self, project: Project, tags: list[str], formats: tuple[str, ...], stream: Any = None) -> None:
        self.project = project
        self.tags = tags
        self.formats = [f for f in FORMATS if f in formats]
        self.stream = stream or sys.stdout
        self.live = self.stream.isatty() and not os.environ.get("CI") and os.environ.get("TERM") != "dumb"
        self.started = time.monotonic()
        self.seen: dict[tuple[str, str], str] = {}
        self.drawn = 0

    def _snapshot(self) -> dict[tuple[str, str], tuple[str, float]]:
        snap = {}
        for tag in self.tags:
            states = read_progress(self.project.builddir / "logs" / f"{tag}.progress.json")
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


# ---------------------------------------------------------------- one edition (worker process)


def _sphinx_env(project: Project) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PACKAGE_ROOT), env.get("PYTHONPATH", "")]))
    if "SOURCE_DATE_EPOCH" not in env and (stamp := commit_timestamp(project.root)) is not None:
        env["SOURCE_DATE_EPOCH"] = str(stamp)
    env.setdefault("POLICY_VERSION", project.version)
    return env


def _run_sphinx(project: Project, tag: str, builder: str, outdir: Path, options: BuildOptions,
                freshenv: bool) -> list[str]:
    """One Sphinx builder in this process; returns the warnings (empty = success)."""
    import io  # noqa: PLC0415

    from sphinx.application import Sphinx  # noqa: PLC0415
    from sphinx.util.console import nocolor  # noqa: PLC0415
    from sphinx.util.docutils import docutils_namespace, patch_docutils  # noqa: PLC0415

    nocolor()

    overrides: dict[str, Any] = {"language": tag}
    warnings = io.StringIO()
    status = io.StringIO()
    with patch_docutils(project.confdir), docutils_namespace():
        app = Sphinx(project.srcdir, project.confdir, outdir, project.doctreedir(tag), builder,
                     confoverrides=overrides, status=status, warning=warnings, freshenv=freshenv,
                     warningiserror=True)
        app.build()
    from scripts.sphinx_warnings import sphinx_problems  # noqa: PLC0415

    lines = sphinx_problems(warnings.getvalue(), project.root, tag)
    if app.statuscode and not lines:
        lines = [f"sphinx {builder} builder failed (exit status {app.statuscode})"]
    return lines


def _where_is(project: Project, tag: str, char: str) -> str | None:
    """`path:line` of the first catalog entry or source line holding `char`, where a person fixes it."""
    candidates = sorted(project.catalogdir(tag).rglob("*.po")) + sorted(project.srcdir.rglob("*.md"))
    for path in candidates:
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            continue
        for number, line in enumerate(lines, 1):
            if char in line and not line.startswith(("#", "msgid")):
                return f"{display_path(path, project.root)}:{number}"
    return None


def _latex_problems(project: Project, tag: str, log_path: Path) -> list[str]:
    if not log_path.is_file():
        return [f"{display_path(log_path, project.root)}: [pdf-no-log] xelatex wrote no log — see build/logs/{tag}.log"]
    text = log_path.read_text(encoding="utf-8", errors="replace")
    problems = []
    for message in sorted(set(MISSING_CHARACTER_RE.findall(text))):
        code = re.search(r"\(U\+([0-9A-Fa-f]{4,6})\)", message)
        where = _where_is(project, tag, chr(int(code.group(1), 16))) if code else None
        problems.append(f"{where or display_path(log_path, project.root)}: [pdf-missing-glyph] {message} — no font "
                        "of the PDF has this character: write it as the language's orthography does (see the "
                        "registry's apostrophe policy), or add a font that covers it (latex_elements['fontpkg'])")
    return problems


def plan_edition(project: Project, tag: str, options: BuildOptions, state: dict[str, Any] | None = None,
                 ) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Which formats are up to date ([(format, output)]) and which must be built ([(format, key)])."""
    state = _load_state(project, tag) if state is None else state
    skipped, todo = [], []
    inputs = inputs_digest(project, tag)
    for fmt in (f for f in FORMATS if f in options.formats):
        key = fingerprint(project, tag, fmt, options, inputs)
        previous = state.get(fmt, {})
        output = Path(previous.get("output", ""))
        if not options.force and previous.get("fingerprint") == key and output.exists():
            skipped.append((fmt, str(output)))
        else:
            todo.append((fmt, key))
    return skipped, todo


def build_edition(project: Project, tag: str, options: BuildOptions) -> EditionResult:
    """Build the requested formats of one language. Runs inside a worker process."""
    started = time.monotonic()
    result = EditionResult(tag=tag)
    state = _load_state(project, tag)
    progress = ProgressFile(project.builddir / "logs" / f"{tag}.progress.json")
    skipped, todo = plan_edition(project, tag, options, state)
    for fmt, output in skipped:
        result.formats.append(FormatResult(fmt, "skipped", output=output))
        progress.set(fmt, "skipped")
    if not todo:
        result.seconds = time.monotonic() - started
        return result

    freshenv = bool(state.get("failed")) or options.force
    work = project.builddir / "work" / tag
    dist = project.distdir
    site = options.outdir or project.sitedir
    epoch = int(os.environ["SOURCE_DATE_EPOCH"]) if os.environ.get("SOURCE_DATE_EPOCH") else None
    latexmk: subprocess.Popen[bytes] | None = None
    latex_started = 0.0
    todo_formats = [fmt for fmt, _ in todo]
    keys = dict(todo)
    any_failed = False

    def finish(fmt: str, status: str, t0: float, output: str = "", problems: list[str] | None = None) -> None:
        nonlocal any_failed
        result.formats.append(FormatResult(fmt, status, time.monotonic() - t0, output, problems or []))
        progress.set(fmt, "done" if status == "built" else status)
        if status == "built":
            state[fmt] = {"fingerprint": keys[fmt], "output": output}
        else:
            any_failed = True
            state.pop(fmt, None)

    # HTML first: it reads the sources; the other builders reuse the pickled environment.
    order = [f for f in ("html", "pdf", "epub") if f in todo_formats]
    for fmt in order:
        t0 = time.monotonic()
        progress.set(fmt, "building")
        try:
            if fmt == "html":
                staged = work / "html"
                if options.force:  # a forced build starts clean: no file of an older build survives
                    shutil.rmtree(staged, ignore_errors=True)
                problems = _run_sphinx(project, tag, "html", staged, options, freshenv)
                freshenv = False
                if problems:
                    finish(fmt, "failed", t0, problems=problems)
                    continue
                replace_tree(staged, site / tag)
                finish(fmt, "built", t0, str(site / tag / "index.html"))
            elif fmt == "pdf":
                latex_dir = work / "latex"
                problems = _run_sphinx(project, tag, "latex", latex_dir, options, freshenv)
                freshenv = False
                if problems:
                    finish(fmt, "failed", t0, problems=problems)
                    continue
                latex_started = t0
                latexmk = subprocess.Popen(
                    ["make", "-C", str(latex_dir), "all-pdf", "LATEXMKOPTS=-silent",
                     "LATEXOPTS=-interaction=nonstopmode -halt-on-error -file-line-error"],
                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            elif fmt == "epub":
                epub_dir = work / "epub"
                shutil.rmtree(epub_dir, ignore_errors=True)  # stale files would enter the EPUB
                problems = _run_sphinx(project, tag, "epub", epub_dir, options, freshenv)
                freshenv = False
                if problems:
                    finish(fmt, "failed", t0, problems=problems)
                    continue
                built = epub_dir / f"politica-datos-abiertos-{tag}.epub"
                dest = dist / project.dist_name(tag, "epub")
                repack_target = dest
                from scripts.archives import repack_epub  # noqa: PLC0415

                repack_epub(built, repack_target, epoch)
                prune_other_versions(repack_target, tag, "epub")
                finish(fmt, "built", t0, str(repack_target))
        except Exception as exc:  # noqa: BLE001 - one broken edition must not stop the report
            finish(fmt, "failed", t0, problems=[f"{type(exc).__name__}: {exc}"])

    if latexmk is not None:
        output, _ = latexmk.communicate()
        latex_dir = work / "latex"
        pdf = latex_dir / f"politica-datos-abiertos-{tag}.pdf"
        problems = _latex_problems(project, tag, latex_dir / f"politica-datos-abiertos-{tag}.log")
        if latexmk.returncode != 0 or not pdf.is_file():
            tail = output.decode("utf-8", "replace").strip().splitlines()[-15:]
            finish("pdf", "failed", latex_started, problems=[*problems, "xelatex failed:", *tail])
        elif problems:
            finish("pdf", "failed", latex_started, problems=problems)
        else:
            dest = dist / project.dist_name(tag, "pdf")
            copy_atomic(pdf, dest)
            prune_other_versions(dest, tag, "pdf")
            finish("pdf", "built", latex_started, str(dest))

    state["failed"] = any_failed
    _save_state(project, tag, state)
    result.seconds = time.monotonic() - started
    return result


# ---------------------------------------------------------------- the matrix (orchestrator)


def _run_worker(project: Project, tag: str, options: BuildOptions) -> EditionResult:
    log_dir = project.builddir / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    result_file = log_dir / f"{tag}.result.json"
    result_file.unlink(missing_ok=True)
    command = [sys.executable, "-m", "scripts", "--root", str(project.root), "build-edition", tag,
               "--formats", ",".join(options.formats), "--result", str(result_file)]
    if options.force:
        command.append("--force")
    if options.outdir:
        command += ["--outdir", str(options.outdir)]
    log_path = log_dir / f"{tag}.log"
    started = time.monotonic()
    with log_path.open("wb") as log:
        done = subprocess.run(command, cwd=PACKAGE_ROOT, env=_sphinx_env(project), stdout=log,
                              stderr=subprocess.STDOUT, check=False)
    try:
        data = json.loads(result_file.read_text(encoding="utf-8"))
        result = EditionResult(tag=data["tag"], seconds=data["seconds"], log=str(log_path),
                               formats=[FormatResult(**f) for f in data["formats"]])
    except (OSError, ValueError, KeyError):
        tail = log_path.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-20:]
        result = EditionResult(tag=tag, seconds=time.monotonic() - started, log=str(log_path), formats=[
            FormatResult(fmt, "failed", problems=[f"worker exited with status {done.returncode}", *tail])
            for fmt in options.formats])
    return result


def build_matrix(project: Project, options: BuildOptions,
                 progress: Callable[[str, EditionResult | None], None] | None = None) -> list[EditionResult]:
    """Build every requested edition; returns one result per language, in registry order."""
    registry = project.registry()
    tags = list(options.tags) or registry.tags
    for tag in tags:
        registry.get(tag)  # unknown tag: PipelineError naming the registered ones
    jobs = options.jobs or os.cpu_count() or 1
    results: dict[str, EditionResult] = {}
    for tag in tags:
        (project.builddir / "logs" / f"{tag}.progress.json").unlink(missing_ok=True)

    def one(tag: str) -> EditionResult:
        if progress:
            progress(tag, None)
        skipped, todo = plan_edition(project, tag, options)
        if not todo:  # nothing to do: no worker, no Sphinx import
            res = EditionResult(tag, [FormatResult(fmt, "skipped", output=out) for fmt, out in skipped])
            write_atomic(project.builddir / "logs" / f"{tag}.result.json", json.dumps(asdict(res), indent=2).encode())
            progress_file = ProgressFile(project.builddir / "logs" / f"{tag}.progress.json")
            for fmt, _ in skipped:
                progress_file.set(fmt, "skipped")
            if progress:
                progress(tag, res)
            return res
        res = _run_worker(project, tag, options)
        if progress:
            progress(tag, res)
        return res

    with ThreadPoolExecutor(max_workers=max(1, min(jobs, len(tags)))) as pool:
        for tag, res in zip(tags, pool.map(one, tags), strict=True):
            results[tag] = res
    return [results[tag] for tag in tags]


def summarize(results: list[EditionResult]) -> tuple[str, bool]:
    lines = []
    ok = True
    for res in results:
        cells = ", ".join(f"{f.format} {f.status}" + (f" {f.seconds:.1f}s" if f.status == "built" else "")
                          for f in res.formats)
        lines.append(f"  {res.tag:<6} {cells}")
        for f in res.formats:
            if f.status == "failed":
                ok = False
                lines.append(f"    {res.tag} {f.format} FAILED (log: {res.log})")
                lines.extend(f"      {p}" for p in f.problems[:25])
    failed = [f"{r.tag}/{f.format}" for r in results for f in r.formats if f.status == "failed"]
    lines.append("all editions built" if ok else f"FAILED: {', '.join(failed)}")
    return "\n".join(lines), ok


# ---------------------------------------------------------------- CLI


def _formats(value: str) -> tuple[str, ...]:
    chosen = tuple(v.strip() for v in value.split(",") if v.strip())
    bad = [v for v in chosen if v not in FORMATS]
    if bad:
        raise argparse.ArgumentTypeError(f"unknown format {', '.join(bad)} (choose from {', '.join(FORMATS)})")
    return chosen


def _add_build_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lang", action="append", default=[], metavar="TAG",
                        help="build only this language (repeatable; default: every registered one)")
    parser.add_argument("--formats", type=_formats, default=FORMATS, help="comma-separated: html,epub,pdf")
    parser.add_argument("--jobs", "-j", type=int, default=0, help="languages built at once (default: cores)")
    parser.add_argument("--force", action="store_true", help="rebuild even if nothing changed")


def run_with_view(project: Project, options: BuildOptions) -> list[EditionResult]:
    """build_matrix with the live view of MatrixView refreshed beside it."""
    import threading  # noqa: PLC0415

    tags = list(options.tags) or project.registry().tags
    view = MatrixView(project, tags, options.formats)
    stop = threading.Event()

    def refresh() -> None:
        while not stop.wait(0.25 if view.live else 0.5):
            view.update()

    thread = threading.Thread(target=refresh, daemon=True)
    thread.start()
    try:
        return build_matrix(project, options)
    finally:
        stop.set()
        thread.join()
        view.update()


def run_build(args: argparse.Namespace) -> int:
    """Build every edition (site, PDF, EPUB) of every registered language."""
    project = Project(Path(args.root).resolve()) if args.root else Project.discover()
    options = BuildOptions(formats=args.formats, tags=tuple(args.lang), jobs=args.jobs, force=args.force)
    started = time.monotonic()
    results = run_with_view(project, options)
    from scripts.site import assemble_site  # noqa: PLC0415

    assemble_site(project)
    text, ok = summarize(results)
    print(text)
    from scripts.sphinxext.catalog_gate import unregistered_catalogs  # noqa: PLC0415

    stray = unregistered_catalogs(project)
    for diagnostic in stray:
        print(diagnostic, file=sys.stderr)
    print(f"site: {display_path(project.sitedir / 'index.html')}  downloads: {display_path(project.distdir)}"
          f"  ({time.monotonic() - started:.1f}s)")
    return 0 if ok and not stray else 1


def _add_edition_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("tag")
    parser.add_argument("--formats", type=_formats, default=FORMATS)
    parser.add_argument("--result", type=Path, required=True)
    parser.add_argument("--force", action="store_true")
    parser.add_argument("--outdir", type=Path, default=None)


def run_edition(args: argparse.Namespace) -> int:
    """(internal) Build one language's editions in this process; the matrix runs one per language."""
    project = Project(Path(args.root).resolve()) if args.root else Project.discover()
    options = BuildOptions(formats=args.formats, tags=(args.tag,), force=args.force,
                           outdir=args.outdir)
    try:
        result = build_edition(project, args.tag, options)
    except PipelineError as exc:
        result = EditionResult(args.tag, [FormatResult(f, "failed", problems=[str(d) for d in exc.diagnostics])
                                          for f in options.formats])
    write_atomic(args.result, json.dumps(asdict(result), indent=2).encode())
    return 1 if result.failed else 0


COMMANDS = {
    "build": (_add_build_arguments, run_build),
    "build-edition": (_add_edition_arguments, run_edition),
}
