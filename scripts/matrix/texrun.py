"""One xelatex pass without latexmk's bookkeeping, when it is the only pass the document needs.

latexmk runs xelatex again until the files a pass writes and reads back (.aux, .toc, .out, and
the .idx that xindy turns into the .ind) stop changing. When a translator changes one message
the structure rarely moves, so latexmk runs one pass, and its own work around that pass cost
0.45 s of the 4.8 s the PDF's path took (the project's 123-page manual, measured 2026-11-30:
0.11 s to start, 0.33 s between xelatex's exit and xdvipdfmx, parsing the 1,300-line .fls and
the log). latexmk has no setting that skips that parse (`-recorder-` did not change it). So the
one pass is run here, with latexmk's own command lines, and latexmk keeps everything else:

- after every complete run, ``<stem>.settled`` records the SHA-256 of each file the last pass
  wrote besides its outputs (the OUTPUT lines of its .fls: .aux, .toc, .out, .idx) and of the
  .ind;
- the next build runs one pass directly only when that record matches the files on disk (the
  previous run was complete and nothing touched them since) and latexmk's other rules would not
  run (every source its database lists for xindy, bibtex or a custom dependency still has the
  MD5 recorded there: a changed .bib goes to latexmk). If the pass leaves every recorded
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
from dataclasses import dataclass, field
from pathlib import Path

from scripts.atomic import write_atomic

SETTLED_SUFFIX = ".settled"
# What xelatex writes that no later pass reads: the outputs, its log and its recorder file.
PASS_OUTPUTS = frozenset({".xdv", ".pdf", ".log", ".fls"})
PAGE_COUNT_LINE = re.compile(rb"^\\gdef \\@abspage@last\{.*\n?", re.MULTILINE)
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


def _content(path: Path, ignore_page_count: bool) -> bytes | None:
    """The file's bytes as latexmk hashes them (without the page-count line of an .aux when it is
    told to ignore it), or None when it cannot be read."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    return PAGE_COUNT_LINE.sub(b"", data) if ignore_page_count and path.suffix == ".aux" else data


def _digest(path: Path, ignore_page_count: bool) -> str | None:
    data = _content(path, ignore_page_count)
    return None if data is None else hashlib.sha256(data).hexdigest()


def written_files(commands: Commands) -> list[Path]:
    """The files the last pass wrote in `cwd` that a later step reads (from its .fls), and the .ind."""
    try:
        lines = commands.stem.with_suffix(".fls").read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
    names = {line.removeprefix("OUTPUT ").removeprefix("./") for line in lines if line.startswith("OUTPUT ")}
    paths = {commands.cwd / name for name in names if "/" not in name and Path(name).suffix not in PASS_OUTPUTS}
    index = commands.stem.with_suffix(".ind")
    if index.exists():
        paths.add(index)
    return sorted(paths)


def current_state(commands: Commands, paths: list[Path]) -> dict[str, str | None]:
    return {path.name: _digest(path, commands.ignore_page_count) for path in paths}


def settled_path(commands: Commands) -> Path:
    return commands.stem.with_name(commands.stem.name + SETTLED_SUFFIX)


def load_settled(commands: Commands) -> dict[str, str] | None:
    try:
        record = json.loads(settled_path(commands).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    files = record.get("files") if isinstance(record, dict) else None
    if not isinstance(files, dict) or not files or not all(isinstance(v, str) for v in files.values()):
        return None
    return files


def record_settled(commands: Commands) -> None:
    """After a complete run: what the next build's single pass must leave unchanged."""
    state = current_state(commands, written_files(commands))
    if state and all(state.values()):
        write_atomic(settled_path(commands), json.dumps({"files": state}, indent=1, sort_keys=True).encode())


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
    if stdin is None:
        done = subprocess.run(argv, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              stdin=subprocess.DEVNULL, check=False)
    else:
        with stdin.open("rb") as source:
            done = subprocess.run(argv, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                  stdin=source, check=False)
    return done, time.perf_counter() - started


def _one_pass(commands: Commands, settled: dict[str, str], outcome: Outcome) -> bool | None:
    """Run one xelatex pass; True when its output is final, False to hand over, None if it failed."""
    done, seconds = _run(commands.xelatex, commands.cwd)
    outcome.steps.append(("xelatex pass 1", seconds))
    if done.returncode != 0:
        return None
    after = current_state(commands, written_files(commands))
    try:
        log = commands.stem.with_suffix(".log").read_bytes()
    except OSError:
        return False
    return after == settled and not RERUN_RE.search(log)


def typeset(commands: Commands) -> Outcome:
    """The PDF of `commands.stem`: one direct pass when that is all it needs, else latexmk."""
    settled = load_settled(commands)
    settled_path(commands).unlink(missing_ok=True)  # written again only after a complete run
    force = False
    if (settled is not None and current_state(commands, [commands.cwd / name for name in settled]) == settled
            and other_rules_current(commands)):
        # No PDF of an older pass may stay if this run is cut short: latexmk would take it as made.
        commands.stem.with_suffix(".pdf").unlink(missing_ok=True)
        outcome = Outcome(0)
        final = _one_pass(commands, settled, outcome)
        if final:
            xdv = commands.stem.with_suffix(".xdv")
            done, seconds = _run(commands.xdvipdfmx, commands.cwd, xdv if commands.xdv_on_stdin else None)
            outcome.steps.append(("xdvipdfmx", seconds))
            if done.returncode == 0:
                record_settled(commands)
                return outcome
            force = True
        force = force or final is None
        steps = outcome.steps
    else:
        steps = []
    done = subprocess.run(commands.latexmk_again if force else commands.latexmk, cwd=commands.cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          stdin=subprocess.DEVNULL, check=False)
    if done.returncode == 0:
        record_settled(commands)
    return Outcome(done.returncode, done.stdout.decode("utf-8", "replace"), steps, handed_over=True)


class Typesetting:
    """`typeset` on a thread of its own: the worker writes the edition's other formats meanwhile
    (the thread only waits on xelatex and xdvipdfmx)."""

    def __init__(self, commands: Commands) -> None:
        self.commands = commands
        self._outcome: Outcome | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._work, name=f"typeset {commands.stem.name}", daemon=True)
        self._thread.start()

    def _work(self) -> None:
        try:
            self._outcome = typeset(self.commands)
        except BaseException as exc:  # noqa: BLE001 - raised again in the waiting thread
            self._error = exc

    def wait(self) -> Outcome:
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._outcome is not None
        return self._outcome
