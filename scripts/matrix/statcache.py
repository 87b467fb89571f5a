"""File digests remembered by file metadata, so that a build with nothing to do hashes nothing.

Deciding whether an edition is up to date needs a digest of every input file. Reading and hashing
every source, catalog and module on every `make` costs more than the decision is worth; a file
whose size and modification time (in nanoseconds) are those recorded with its digest is taken to
have that digest, as make, git's index and ninja do. Only files whose metadata changed are read
again. The import list of each pipeline module is remembered the same way (parsing every module to
find the code an edition depends on is the other cost of a no-op build). The cache is one JSON
file, build/state/files.json, written atomically; losing it only costs one full hashing pass.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from scripts.atomic import write_atomic


class StatCache:
    """{path: {"meta": [size, mtime_ns], "sha256": hex, ...}} for one build directory."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.changed = False
        try:
            self.entries: dict[str, dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.entries = {}

    def _entry(self, path: Path) -> dict[str, Any]:
        info = os.stat(path)
        meta = [info.st_size, info.st_mtime_ns]
        key = str(path)
        entry = self.entries.get(key)
        if entry is None or entry.get("meta") != meta:
            entry = {"meta": meta}
            self.entries[key] = entry
            self.changed = True
        return entry

    def digest(self, path: Path) -> bytes:
        """The SHA-256 of `path`'s contents, read only when its size or mtime changed."""
        entry = self._entry(path)
        if "sha256" not in entry:
            entry["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
            self.changed = True
        return bytes.fromhex(entry["sha256"])

    def derived(self, path: Path, name: str, compute: Callable[[Path], Any]) -> Any:
        """A value computed from `path` (JSON-serialisable), recomputed only when the file changed."""
        entry = self._entry(path)
        if name not in entry:
            entry[name] = compute(path)
            self.changed = True
        return entry[name]

    def save(self) -> None:
        if self.changed:
            write_atomic(self.path, json.dumps(self.entries, separators=(",", ":"), sort_keys=True).encode())
            self.changed = False


def code_name(prefix: str, *modules: str | Path, extra: str = "") -> str:
    """A name for values StatCache.derived keeps that the code in `modules` computes (and that
    `extra` also decides): it changes with that code, so every value is computed again after a
    change to it."""
    digest = hashlib.sha256()
    for module in modules:
        digest.update(Path(module).read_bytes())
    digest.update(extra.encode())
    return f"{prefix}-{digest.hexdigest()[:16]}"


_OPEN: dict[Path, StatCache] = {}


def cache_for(builddir: Path) -> StatCache:
    """The process's one cache for `builddir` (loaded once, saved by the caller)."""
    path = builddir / "state" / "files.json"
    if path not in _OPEN:
        _OPEN[path] = StatCache(path)
    return _OPEN[path]
