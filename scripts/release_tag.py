"""What HEAD is, for a release: its version tag, its commit and the commit's time.

A release is exactly what its tag says: a tree that differs from HEAD, a HEAD without a tag, or a
tag that is not a semantic version are refused here, each with how to fix it.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from scripts.diagnostics import Diagnostic, PipelineError, display_path
from scripts.project import SEMVER_TAG_RE, git


@dataclass(frozen=True)
class Tagged:
    """The tagged commit a release is made from."""

    tag: str
    commit: str
    epoch: int  # the commit's time: SOURCE_DATE_EPOCH of every output
    previous: str | None  # the version tag before this one, for "progress since"

    @property
    def version(self) -> str:
        return self.tag[1:]

    @property
    def date(self) -> str:
        return dt.datetime.fromtimestamp(self.epoch, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def semver_key(tag: str) -> tuple[int, int, int, int, tuple[tuple[int, int | str], ...]]:
    """Sort key of a vX.Y.Z[-pre] tag by SemVer precedence (a pre-release sorts before its version)."""
    match = SEMVER_TAG_RE.match(tag)
    if not match:
        raise ValueError(f"{tag!r} is not a version tag")
    major, minor, patch, pre = match.groups()
    ids = tuple((0, int(p)) if p.isdigit() else (1, p) for p in pre[1:].split(".")) if pre else ()
    return int(major), int(minor), int(patch), 0 if pre else 1, ids


def git_problems(root: Path) -> list[Diagnostic]:
    """Why HEAD's working tree is not exactly a commit (empty if it is)."""
    where = display_path(root)
    inside = git(root, "rev-parse", "--is-inside-work-tree")
    if inside.returncode != 0 or inside.stdout.strip() != "true":
        return [Diagnostic(where, 0, "release-no-git", "not a git working tree",
                           "release from a clone of the repository: the version and the date come from its tag")]
    status = git(root, "status", "--porcelain", "--untracked-files=normal", "--", ".")
    changed = [line[3:] for line in status.stdout.splitlines() if line.strip()]
    if not changed:
        return []
    listed = ", ".join(changed[:5]) + (f" and {len(changed) - 5} more" if len(changed) > 5 else "")
    return [Diagnostic(where, 0, "release-dirty",
                       f"the working tree differs from HEAD ({len(changed)} path(s): {listed})",
                       "commit or stash the changes (`git status` lists them), then tag and release again; "
                       "a release must be rebuildable from its tag alone")]


def tagged_head(root: Path) -> Tagged:
    """HEAD's version tag, or PipelineError saying why HEAD cannot be released."""
    where = display_path(root)
    tags = git(root, "tag", "--points-at", "HEAD").stdout.split()
    versions = sorted((t for t in tags if SEMVER_TAG_RE.match(t)), key=semver_key)
    if not tags:
        described = git(root, "describe", "--tags", "--always").stdout.strip() or "no tag at all"
        raise PipelineError(Diagnostic(
            where, 0, "release-untagged", f"HEAD is not at a tag (git describe: {described})",
            "tag the commit to release, e.g. `git tag -a v1.2.0 -m 'Versión 1.2.0'`, then run the release "
            "again (see RELEASING.md)"))
    if not versions:
        raise PipelineError(Diagnostic(
            where, 0, "release-not-semver",
            f"HEAD's tag {', '.join(sorted(tags))} is not a semantic version vMAJOR.MINOR.PATCH",
            "add a tag such as v1.2.0 (or v1.2.0-rc.1 for a candidate) to the same commit"))
    if len(versions) > 1:
        raise PipelineError(Diagnostic(
            where, 0, "release-several-tags", f"HEAD carries several version tags: {', '.join(versions)}",
            "a commit is one version: delete the wrong tag with `git tag -d TAG`"))
    tag = versions[0]
    commit = git(root, "rev-parse", "HEAD").stdout.strip()
    epoch = int(git(root, "log", "-1", "--format=%ct", "HEAD").stdout.strip())
    earlier = [t for t in git(root, "tag", "--merged", "HEAD").stdout.split()
               if SEMVER_TAG_RE.match(t) and semver_key(t) < semver_key(tag)]
    previous = max(earlier, key=semver_key) if earlier else None
    return Tagged(tag=tag, commit=commit, epoch=epoch, previous=previous)


@contextmanager
def release_environment(tagged: Tagged) -> Iterator[None]:
    """The version and the date come from the tag, whatever the caller's environment says."""
    wanted = {"SOURCE_DATE_EPOCH": str(tagged.epoch), "POLICY_VERSION": tagged.version}
    saved = {name: os.environ.get(name) for name in wanted}
    os.environ.update(wanted)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
