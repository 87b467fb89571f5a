"""One xelatex pass without latexmk's bookkeeping, when it is the only pass the document needs.

latexmk runs xelatex again until the files a pass writes and reads back (.aux, .toc, .out, and
the .idx that xindy turns into the .ind) stop changing. When a translator changes one message
the structure rarely moves, so latexmk runs one pass, and its own work around that pass cost
0.45 s of the 4.8 s the PDF's path took (the project's 123-page manual, measured 2026-11-30:
0.11 s to start, 0.33 s between xelatex's exit and xdvipdfmx, parsing the 1,300-line .fls and
the log). latexmk has no setting that skips that parse (`-recorder-` did not change it). So the
one pass is run here, with latexmk's own command lines, and latexmk keeps everything else:

- after every complete run, ``<stem>.settled`` records what the next build needs to decide: the
  SHA-256 of each file the last pass wrote besides its outputs (the OUTPUT lines of its .fls:
  .aux, .toc, .out, .idx) and of the .ind; the SHA-256 of each file it read from the document's
  directory (the .tex, Sphinx's style files, the figures); the size and mtime of each file it
  read elsewhere (TeX Live's own files, the fonts), as latexmk first compares them; the PDF's
  SHA-256, and the two commands;
- when that record matches the files on disk (the previous run was complete and nothing touched
  them since) and latexmk's other rules would not run (every source its database lists for
  xindy, bibtex or a custom dependency still has the MD5 recorded there: a changed .bib goes to
  latexmk), nothing is typeset if nothing the pass reads changed either (a catalog of a chapter
  the edition leaves out: latexmk would have found nothing to do, and its database is not
  current after a direct pass). Otherwise one pass runs directly. If it leaves every written
  file as it was (the .aux without its page-count line when latexmk is told to ignore it, see
  texpasses) and its log asks for no rerun, the next pass would read exactly what this one read:
  the output is final, and xdvipdfmx makes the PDF as latexmk would have;
- otherwise latexmk takes over with its own database of the last complete run: it sees what the
  pass changed and runs xindy and xelatex as usual. A pass that failed hands over with ``-g``
  (latexmk processes everything again), so a failure is reported as it always was.

tests/test_texrun.py builds each PDF both ways and compares the bytes.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import threading
import time
from contextlib import nullcontext
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from scripts.atomic import write_atomic
from scripts.matrix import texpasses
from scripts.project import edition_basename

if TYPE_CHECKING:
    from scripts.matrix.texearly import EarlyPass

SETTLED_SUFFIX = ".settled"
LATEX_OPTIONS = "-interaction=nonstopmode -halt-on-error -file-line-error"
# The options latexmk itself gives every xelatex pass (%O): -silent's batch mode, and -recorder
# for the .fls it reads dependencies from.
LATEXMK_PASS_OPTIONS = ("-no-pdf", "-interaction=batchmode", "-recorder")
# What xelatex writes that no later pass reads: the outputs, its log and its recorder file.
PASS_OUTPUTS = frozenset({".xdv", ".pdf", ".log", ".fls"})
# What asks for another pass in a log: LaTeX's and rerunfilecheck's "Rerun to get ... right" (the
# one latexmk looks for), longtable's "Rerun LaTeX", "Please rerun LaTeX". Not rerunfilecheck's
# own banner ("Rerun checks for auxiliary files").
RERUN_RE = re.compile(rb"\bRerun (?:to get|LaTeX)\b|\bplease rerun\b", re.IGNORECASE)


@dataclass(frozen=True)
class Commands:
    """How one document is typeset: latexmk's whole run, and the two commands latexmk runs for
    a single pass (xelatex, then xdvipdfmx), exactly as latexmk would run them in `cwd`."""

    cwd: Path
    stem: Path  # the document without its suffix: <cwd>/<name>
    latexmk: list[str]
    latexmk_again: list[str]  # the same, told to process everything again (-g)
    xelatex: list[str]
    xdvipdfmx: list[str]
    xdv_on_stdin: bool = False  # xdvipdfmx reads the XDV on its standard input (`< %S`)
    ignore_page_count: bool = False  # latexmk is told to ignore the .aux's page-count line


@dataclass
class Outcome:
    returncode: int
    output: str = ""  # latexmk's, when it ran
    steps: list[tuple[str, float]] = field(default_factory=list)  # what ran here: (step, seconds)
    handed_over: bool = False  # latexmk ran (no settled run before, or the pass changed something)
    beside: float = 0.0  # seconds the pass ran before the LaTeX was written (scripts.matrix.texearly)


def pdf_stem(work: Path, tag: str) -> Path:
    """The edition's LaTeX document, without its suffix, in its work directory (build/work/<tag>)."""
    return work / "latex" / edition_basename(tag)


def pdf_pass(stem: Path) -> list[str]:
    """One xelatex pass of the edition's PDF, as latexmk runs it (Sphinx's latexmkrc, LATEXOPTS)."""
    return ["xelatex", "--no-pdf", *LATEX_OPTIONS.split(), *LATEXMK_PASS_OPTIONS, stem.with_suffix(".tex").name]


def _content(path: Path, ignore_page_count: bool) -> bytes | None:
    """The file's bytes as latexmk hashes them (without the page-count line of an .aux when it is
    told to ignore it), or None when it cannot be read."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    return texpasses.PAGE_COUNT_LINE.sub(b"", data) if ignore_page_count and path.suffix == ".aux" else data


def file_digest(path: Path, ignore_page_count: bool = False) -> str | None:
    data = _content(path, ignore_page_count)
    return None if data is None else hashlib.sha256(data).hexdigest()


def parse_fls(lines: list[str]) -> tuple[set[str], set[str]]:
    """The names a recorder file (.fls) lists as INPUT and as OUTPUT, those in `cwd` without "./"."""
    found: dict[str, set[str]] = {"INPUT": set(), "OUTPUT": set()}
    for line in lines:
        kind, _, name = line.partition(" ")
        if kind in found and name:
            found[kind].add(name.removeprefix("./"))
    return found["INPUT"], found["OUTPUT"]


def _fls(commands: Commands) -> tuple[set[str], set[str]]:
    """The names the last pass's .fls lists as INPUT and as OUTPUT (parse_fls)."""
    try:
        return parse_fls(commands.stem.with_suffix(".fls").read_text(encoding="utf-8", errors="replace").splitlines())
    except OSError:
        return set(), set()


def _written(commands: Commands, outputs: set[str]) -> list[Path]:
    paths = {commands.cwd / name for name in outputs if "/" not in name and Path(name).suffix not in PASS_OUTPUTS}
    index = commands.stem.with_suffix(".ind")
    if index.exists():
        paths.add(index)
    return sorted(paths)


def written_files(commands: Commands) -> list[Path]:
    """The files the last pass wrote in `cwd` that a later step reads (from its .fls), and the .ind."""
    return _written(commands, _fls(commands)[1])


def current_state(commands: Commands, paths: list[Path]) -> dict[str, str | None]:
    return {path.name: file_digest(path, commands.ignore_page_count) for path in paths}


def _identities(paths: list[Path]) -> dict[str, list[int] | None]:
    identities: dict[str, list[int] | None] = {}
    for path in paths:
        try:
            info = path.stat()
        except OSError:
            identities[str(path)] = None
        else:
            identities[str(path)] = [info.st_size, info.st_mtime_ns]
    return identities


def settled_path(stem: Path) -> Path:
    return stem.with_name(stem.name + SETTLED_SUFFIX)


@dataclass
class Record:
    """What a complete run leaves for the next build to decide with (see the module's docstring)."""

    files: dict[str, str | None]
    inputs: dict[str, str | None]
    elsewhere: dict[str, list[int] | None]
    pdf: str | None
    commands: list[list[str]]

    @classmethod
    def of(cls, commands: Commands) -> Record:
        """The files as the last pass left them: what it wrote; what it read from `cwd` (besides
        what a pass or xindy writes); what it read anywhere else (TeX's own files, the fonts)."""
        inputs, outputs = _fls(commands)
        written = _written(commands, outputs)
        here = sorted(commands.cwd / name for name in inputs - {path.name for path in written} if "/" not in name)
        elsewhere = sorted(commands.cwd / name for name in inputs if "/" in name)
        return cls(files=current_state(commands, written), inputs=current_state(commands, here),
                   elsewhere=_identities(elsewhere), pdf=file_digest(commands.stem.with_suffix(".pdf")),
                   commands=[commands.xelatex, commands.xdvipdfmx])

    def complete(self) -> bool:
        return bool(self.files and self.inputs and self.pdf) and all(self.files.values()) and all(
            self.inputs.values()) and all(self.elsewhere.values())

    def written_unchanged(self, commands: Commands) -> bool:
        return current_state(commands, [commands.cwd / name for name in self.files]) == self.files

    def read_unchanged(self, commands: Commands) -> bool:
        """Nothing a pass reads changed, the PDF is the one recorded, the commands are the same."""
        return (self.commands == [commands.xelatex, commands.xdvipdfmx]
                and file_digest(commands.stem.with_suffix(".pdf")) == self.pdf
                and _identities([Path(name) for name in self.elsewhere]) == self.elsewhere
                and current_state(commands, [commands.cwd / name for name in self.inputs]) == self.inputs)


def read_record(path: Path) -> Record | None:
    """The record at `path` when it is a complete one, else None."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        record = Record(**data)
    except (OSError, ValueError, TypeError):
        return None
    valid = (isinstance(record.files, dict) and isinstance(record.inputs, dict) and isinstance(record.elsewhere, dict)
             and isinstance(record.commands, list))
    return record if valid and record.complete() else None


def save_record(commands: Commands, record: Record | None = None) -> None:
    """After a complete run: the record of the files as they are now (or `record`, unchanged)."""
    record = record or Record.of(commands)
    if record.complete():
        write_atomic(settled_path(commands.stem), json.dumps(asdict(record), indent=1, sort_keys=True).encode())


FDB_RULE_RE = re.compile(r'^\["([^"]+)"\]')
FDB_SOURCE_RE = re.compile(r'^  "([^"]+)" \S+ \S+ ([0-9a-f]{32}) ')
PRIMARY_RULES = frozenset({"xelatex", "xdvipdfmx"})


def other_rules_current(commands: Commands) -> bool:
    """Whether latexmk would run none of its rules besides xelatex and xdvipdfmx: every source
    file its database (<stem>.fdb_latexmk) lists for them has the MD5 recorded there."""
    try:
        lines = commands.stem.with_suffix(".fdb_latexmk").read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return False
    rule = None
    for line in lines:
        if match := FDB_RULE_RE.match(line):
            rule = match.group(1)
        elif rule is not None and rule not in PRIMARY_RULES and (match := FDB_SOURCE_RE.match(line)):
            data = _content(commands.cwd / match.group(1), commands.ignore_page_count)
            if data is None or hashlib.md5(data, usedforsecurity=False).hexdigest() != match.group(2):
                return False
    return rule is not None


def _run(argv: list[str], cwd: Path, stdin: Path | None = None) -> tuple[subprocess.CompletedProcess[bytes], float]:
    started = time.perf_counter()
    with stdin.open("rb") if stdin is not None else nullcontext(subprocess.DEVNULL) as source:
        done = subprocess.run(argv, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=source,
                              check=False)
    return done, time.perf_counter() - started


def _one_pass(commands: Commands, written: dict[str, str | None], outcome: Outcome,
              early: EarlyPass | None) -> bool | None:
    """Run one xelatex pass (or complete the one started early); True when its output is
    final, False to hand over, None if it failed."""
    ran = early.complete() if early is not None and early.xelatex == commands.xelatex else None
    if ran is None:
        done, seconds = _run(commands.xelatex, commands.cwd)
        returncode = done.returncode
    else:
        returncode, seconds, outcome.beside = ran.returncode, ran.after, ran.beside
    outcome.steps.append(("xelatex pass 1", seconds))
    if returncode != 0:
        return None
    after = current_state(commands, written_files(commands))
    try:
        log = commands.stem.with_suffix(".log").read_bytes()
    except OSError:
        return False
    return after == written and not RERUN_RE.search(log)


def typeset(commands: Commands, early: EarlyPass | None = None) -> Outcome:
    """The PDF of `commands.stem`: nothing when nothing it reads changed, one direct pass when
    that is all it needs (the `early` one when it read what this pass would), else latexmk."""
    try:
        return _typeset(commands, early)
    finally:
        if early is not None:
            early.cancel()  # not used, or used: nothing is left running, no directory is left


def _typeset(commands: Commands, early: EarlyPass | None) -> Outcome:
    record = read_record(settled_path(commands.stem))
    settled_path(commands.stem).unlink(missing_ok=True)  # written again only after a complete run
    force = False
    steps: list[tuple[str, float]] = []
    outcome = Outcome(0, steps=steps)
    if record is not None and record.written_unchanged(commands) and other_rules_current(commands):
        if record.read_unchanged(commands):
            save_record(commands, record)
            return Outcome(0)
        # No PDF of an older pass may stay if this run is cut short: latexmk would take it as made.
        commands.stem.with_suffix(".pdf").unlink(missing_ok=True)
        final = _one_pass(commands, record.files, outcome, early)
        if final:
            xdv = commands.stem.with_suffix(".xdv")
            done, seconds = _run(commands.xdvipdfmx, commands.cwd, xdv if commands.xdv_on_stdin else None)
            steps.append(("xdvipdfmx", seconds))
            if done.returncode == 0:
                save_record(commands)
                return outcome
            force = True
        force = force or final is None
    if early is not None:
        early.cancel()  # before latexmk, so that they do not share the cores
    done, _ = _run(commands.latexmk_again if force else commands.latexmk, commands.cwd)
    if done.returncode == 0:
        save_record(commands)
    return Outcome(done.returncode, done.stdout.decode("utf-8", "replace"), steps, handed_over=True,
                   beside=outcome.beside)


class Typesetting:
    """`typeset` on a thread of its own: the worker writes the edition's other formats meanwhile
    (the thread only waits on xelatex and xdvipdfmx)."""

    def __init__(self, commands: Commands, early: EarlyPass | None = None) -> None:
        self.commands = commands
        self.early = early
        self._outcome: Outcome | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._work, name=f"typeset {commands.stem.name}", daemon=True)
        self._thread.start()

    def _work(self) -> None:
        try:
            self._outcome = typeset(self.commands, self.early)
        except BaseException as exc:  # noqa: BLE001 - raised again in the waiting thread
            self._error = exc

    def wait(self) -> Outcome:
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._outcome is not None
        return self._outcome
