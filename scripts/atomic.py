"""Writing files so that a reader (or a killed process) never sees half of one.

Every catalog, registry, state file and output goes through here: the data is written to a
temporary file in the same directory, flushed to disk, and renamed over the target in one step.
Nothing is written when the content is already there, so unchanged files keep their timestamps.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

_UMASK_LOCK = threading.Lock()


def _umask() -> int:
    """The process's umask, read without changing it where Linux shows it (/proc/self/status):
    os.umask can only be read by setting it, and threads writing new files at once (update merges
    catalogs on every core) must not create theirs under the 0 another thread set for a moment."""
    with contextlib.suppress(OSError, ValueError, StopIteration):
        status = Path("/proc/self/status").read_text(encoding="ascii", errors="replace")
        return int(next(line for line in status.splitlines() if line.startswith("Umask:")).split()[1], 8)
    with _UMASK_LOCK:
        umask = os.umask(0)
        os.umask(umask)
    return umask


def _mode_for(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o777
    except FileNotFoundError:
        return 0o666 & ~_umask()


@contextlib.contextmanager
def _replacing(dest: Path) -> Iterator[Path]:
    """A temporary file beside `dest` to fill; renamed over `dest` only if the block succeeds."""
    mode = _mode_for(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".tmp")
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, mode)
        os.replace(tmp, dest)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_atomic(path: Path, data: bytes | str, *, durable: bool = True) -> bool:
    """Replace `path` with `data` in one step; False (and no write at all) if nothing changes.
    `durable=False` skips flushing to disk (still one step for readers): for what only shows
    what is happening now, such as the live view's progress files, and is lost with no harm."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    with contextlib.suppress(FileNotFoundError, IsADirectoryError):
        if path.read_bytes() == raw:
            return False
    with _replacing(path) as tmp, tmp.open("wb") as handle:
        handle.write(raw)
        handle.flush()
        if durable:
            os.fsync(handle.fileno())
    return True


def copy_atomic(source: Path, dest: Path) -> None:
    """Copy `source` over `dest` in one step (large files: streamed, not read into memory)."""
    with _replacing(dest) as tmp:
        shutil.copyfile(source, tmp)
