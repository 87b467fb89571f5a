"""Putting finished outputs in place: a failing or killed build never replaces a good output.

A worker stages each output and moves it into place only when it is complete; dist/ keeps one
version of each edition's files.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from scripts.project import DIST_STEM


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
