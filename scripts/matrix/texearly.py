"""An incremental build's one xelatex pass, started before Sphinx has written the LaTeX.

When a translator changes one message, the document's LaTeX changes from that message's chapter
on. What comes before -- the preamble, where xelatex loads its packages and fonts (0.6 s of the
project's 2 s pass, measured 2026-11-30), and every chapter before the changed one -- is what
the last pass read. So while Sphinx starts, reads and writes (1.4 s on the same build, with a
core idle: the edition's other formats wait for the LaTeX), xelatex typesets that part:

- before Sphinx runs, when the last run was complete (scripts.matrix.texrun's record) and a core
  would be idle (the worker builds fewer editions than there are cores), the document's directory
  is copied to a sibling directory, ``<dir>.early`` (copied, never linked: Sphinx rewrites some of
  its files in place, sphinxmessages.sty at every build), and xelatex starts there with the
  command line texrun would run, its main file a named pipe fed from the previous ``.tex``: the
  preamble through ``\\begin{document}`` at once, and, once Sphinx's read names the documents it
  reads again, every line before the first of them (Sphinx starts each document with a
  ``\\sphinxstepscope`` line and labels it ``<docname>::doc``);
- when Sphinx has written the new ``.tex`` and texrun decides that one pass is what the document
  needs, the early pass is kept only if what it was fed is byte for byte the start of the new
  ``.tex`` and the directory holds exactly the files that were copied, each with the same bytes
  (so the pass read what a pass started now would read). The rest of the ``.tex`` is fed, and
  the files the pass wrote (``.xdv``, ``.aux``, ``.toc``, ``.out``, ``.idx``, ``.log``, and the
  ``.fls`` with its working directory set back) are moved into the directory, where texrun
  goes on as after its own pass. Otherwise the early pass is killed and texrun runs its own.

Two things differ from the pass texrun runs, neither changing what TeX reads or typesets:
``-no-parse-first-line`` (web2c would otherwise open the main file once more to look for a
``%&format`` line, taking the pipe's first bytes; a ``.tex`` whose first line is one gets no
early pass), and a UTF-8 byte-order mark written first into the pipe: XeTeX reads the first
bytes of every input file to detect one and, when there is none, rewinds, which a pipe cannot
do; a file with the mark is read as UTF-8 from the byte after it, which is how XeTeX reads a
``.tex`` without one. tests/test_texearly.py compares the PDF with texrun's own pass byte for byte.
"""

from __future__ import annotations

import errno
import os
import queue
import re
import shutil
import subprocess
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from scripts.atomic import write_atomic
from scripts.matrix import texrun

EARLY_SUFFIX = ".early"
BYTE_ORDER_MARK = b"\xef\xbb\xbf"
# What the previous run left beside the .tex that no pass reads: not copied, not compared.
NOT_READ = frozenset({".tex", ".pdf", ".xdv", ".log", ".fls", ".fdb_latexmk", texrun.SETTLED_SUFFIX})
BEGIN_DOCUMENT = b"\\begin{document}"
DOCUMENT_START = b"\\sphinxstepscope"
PWD_LINE = re.compile(r"^PWD .*$", re.MULTILINE)
_CLOSE = None  # the feeder's last item: close the pipe
_AHEAD: dict[Path, EarlyPass] = {}  # started as the worker started, before its producer asks


@dataclass
class Ran:
    """The early pass, once complete: its exit status, and its seconds before and after the
    rest of the .tex was fed (the part after is what the build waited for)."""

    returncode: int
    beside: float
    after: float


def _inputs(directory: Path, stem: str) -> dict[str, str | None]:
    """Every file under `directory` a pass may read, by relative name: its SHA-256."""
    found = {}
    for path in sorted(directory.rglob("*")):
        if path.is_file() and not (path.parent == directory and path.stem == stem and path.suffix in NOT_READ):
            found[path.relative_to(directory).as_posix()] = texrun.file_digest(path)
    return found


def _lines_before(tex: bytes, marker: bytes) -> int | None:
    """The length of `tex` up to the line holding `marker`, or None."""
    at = tex.find(marker)
    return None if at < 0 else tex.rfind(b"\n", 0, at) + 1


class EarlyPass:
    """One speculative xelatex pass in ``<cwd>.early`` (see the module's docstring)."""

    def __init__(self, stem: Path, xelatex: list[str], previous: bytes, shadow: Path,
                 snapshot: dict[str, str | None], process: subprocess.Popen[bytes]) -> None:
        self.stem = stem  # <cwd>/<name>, as in texrun.Commands
        self.xelatex = xelatex
        self.previous = previous  # the .tex the last pass read
        self.shadow = shadow
        self.snapshot = snapshot
        self.process = process
        self.fed = 0  # how many bytes of `previous` are queued for the pipe
        self.started = time.perf_counter()
        self._queue: queue.Queue[bytes | None] = queue.Queue()
        self._broken = False
        self._feeder = threading.Thread(target=self._feed, name=f"feed {shadow.name}", daemon=True)
        self._feeder.start()

    @classmethod
    def start(cls, stem: Path, xelatex: list[str]) -> EarlyPass | None:
        """Start the pass `xelatex` (texrun.Commands.xelatex) on the previous ``<stem>.tex``, or
        None when there is no complete run to start from."""
        record = texrun.read_record(texrun.settled_path(stem))
        tex = stem.with_suffix(".tex")
        try:
            previous = tex.read_bytes()
        except OSError:
            return None
        preamble = _lines_before(previous, BEGIN_DOCUMENT)
        if record is None or record.commands[0] != xelatex or preamble is None or previous.startswith(b"%&"):
            return None
        cwd = stem.parent
        shadow = cwd.with_name(cwd.name + EARLY_SUFFIX)
        shutil.rmtree(shadow, ignore_errors=True)
        try:
            shutil.copytree(cwd, shadow, ignore=lambda where, names: [
                name for name in names if Path(where) == cwd and Path(name).stem == stem.name
                and Path(name).suffix in NOT_READ])
            snapshot = _inputs(shadow, stem.name)
            os.mkfifo(shadow / tex.name)
            argv = [*xelatex[:-1], "-no-parse-first-line", xelatex[-1]]
            process = subprocess.Popen(argv, cwd=shadow, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL)
        except OSError:  # no room for the copy, no xelatex: the build goes on without an early pass
            shutil.rmtree(shadow, ignore_errors=True)
            return None
        early = cls(stem, xelatex, previous, shadow, snapshot, process)
        begin_line_end = previous.find(b"\n", preamble) + 1 or len(previous)
        early._extend(begin_line_end)
        return early

    def _extend(self, upto: int) -> None:
        if upto > self.fed:
            self._queue.put((BYTE_ORDER_MARK if self.fed == 0 else b"") + self.previous[self.fed:upto])
            self.fed = upto

    def _open_pipe(self) -> int | None:
        """The pipe's writing end, once xelatex has opened it for reading (None if it never does)."""
        pipe = self.shadow / self.stem.with_suffix(".tex").name
        while self.process.poll() is None:
            try:
                fd = os.open(pipe, os.O_WRONLY | os.O_NONBLOCK)
            except OSError as exc:
                if exc.errno != errno.ENXIO:  # ENXIO: no reader yet
                    return None
                time.sleep(0.005)
                continue
            os.set_blocking(fd, True)
            return fd
        return None

    def _feed(self) -> None:
        fd = self._open_pipe()
        try:
            while (chunk := self._queue.get()) is not _CLOSE:
                if fd is None:
                    continue
                try:
                    view = memoryview(chunk)
                    while view:
                        view = view[os.write(fd, view):]
                except OSError:  # xelatex stopped reading (it failed, or was killed)
                    self._broken = True
                    os.close(fd)
                    fd = None
        finally:
            if fd is not None:
                os.close(fd)
            else:
                self._broken = True

    def documents_read(self, docnames: Iterable[str]) -> None:
        """Sphinx reads these documents again: feed every line before the first of them."""
        starts = []
        for docname in docnames:
            label = _lines_before(self.previous, b"\\label{\\detokenize{" + docname.encode() + b"::doc}}")
            if label is not None:
                scope = self.previous.rfind(b"\n" + DOCUMENT_START + b"\n", 0, label)
                starts.append(scope + 1 if scope >= 0 else label)
        if starts:
            self._extend(min(starts))

    def cancel(self) -> None:
        """Stop the pass and remove its directory."""
        if self.process.poll() is None:
            self.process.kill()
        self._queue.put(_CLOSE)
        self._feeder.join()
        self.process.wait()
        shutil.rmtree(self.shadow, ignore_errors=True)

    def complete(self) -> Ran | None:
        """Finish the pass on the new .tex, its files moved into the directory; None (the pass
        cancelled, its directory removed) when it did not read what a pass started now would read,
        or wrote a file outside its own directory (a subdirectory's file would stay stale)."""
        fed = self.previous[:self.fed]
        try:
            new = self.stem.with_suffix(".tex").read_bytes()
        except OSError:
            new = b""
        if (not new.startswith(fed) or self.process.poll() is not None or self._broken
                or _inputs(self.stem.parent, self.stem.name) != self.snapshot):
            self.cancel()
            return None
        waited = time.perf_counter()
        beside = waited - self.started
        self._queue.put(new[len(fed):])
        self._queue.put(_CLOSE)
        self._feeder.join()
        returncode = self.process.wait()
        if not self._move_outputs():
            shutil.rmtree(self.shadow, ignore_errors=True)  # texrun's own pass writes everything itself
            return None
        return Ran(returncode, beside, time.perf_counter() - waited)

    def _move_outputs(self) -> bool:
        """Into the document's directory: every file the pass wrote (its .fls's OUTPUT lines), and
        the .fls with the working directory a pass run there names. False (nothing moved) when the
        pass left no .fls, did not read its main file exactly once as a pass reading a file does
        (anything that opened it again would have read part of the pipe instead), or wrote a file
        in a subdirectory (it would stay as the last pass left it)."""
        cwd, shadow = self.stem.parent, self.shadow
        fls = shadow / self.stem.with_suffix(".fls").name
        main = self.stem.with_suffix(".tex").name
        try:
            text = fls.read_text(encoding="utf-8", errors="surrogateescape")
        except OSError:
            return False
        lines = text.splitlines()
        outputs = texrun.parse_fls(lines)[1]
        if sum(line in (f"INPUT {main}", f"INPUT ./{main}") for line in lines) != 1 or any("/" in n for n in outputs):
            return False
        for name in sorted(outputs):
            if (shadow / name).is_file():
                os.replace(shadow / name, cwd / name)
        # The directory xelatex would have named (getcwd: symbolic links resolved).
        text = PWD_LINE.sub(lambda _match: f"PWD {os.path.realpath(cwd)}", text, count=1)
        write_atomic(cwd / fls.name, text.encode("utf-8", "surrogateescape"))
        shutil.rmtree(shadow, ignore_errors=True)
        return True


def start_ahead(work: Path, tag: str) -> None:
    """Start the pass of `tag`'s PDF (in its work directory) now, for the producer to `take` once
    Sphinx is loaded (a worker's first 0.2 s: its own modules, the plan); nothing when there is no
    complete run to start from."""
    stem = texrun.pdf_stem(work, tag)
    early = EarlyPass.start(stem, texrun.pdf_pass(stem))
    if early is not None:
        _AHEAD[stem] = early


def take(stem: Path, xelatex: list[str]) -> EarlyPass | None:
    """The pass started ahead for `stem` with this command line, if any (the caller owns it now)."""
    early = _AHEAD.pop(stem, None)
    if early is not None and early.xelatex != xelatex:
        early.cancel()
        return None
    return early


def cancel_ahead() -> None:
    """Stop every pass started ahead that no producer took (the PDF turned out to be up to date)."""
    while _AHEAD:
        _AHEAD.popitem()[1].cancel()
