"""Where a project's parts live, and which version it is.

The repository and every test fixture share one layout (conf.py at the root, source/, locale/,
build/, dist/), so every command takes a Project instead of assuming the current directory.
This module also owns the two things every command that runs Sphinx or git needs: the
environment of a Sphinx subprocess (`sphinx_environment`) and the one git wrapper (`git`).
"""

from __future__ import annotations

import functools
import os
import re
import subprocess
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from scripts.languages import REGISTRY_NAME, Registry, load_registry

DIST_STEM = "politica-datos-abiertos"
# The checkout holding the `scripts` package (PYTHONPATH of every Sphinx subprocess); a
# project's root is Project.root, which may be a fixture elsewhere.
PACKAGE_ROOT = Path(__file__).resolve().parent.parent
SEMVER_TAG_RE = re.compile(r"^v(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?$")


@dataclass(frozen=True)
class Project:
    root: Path

    def __post_init__(self) -> None:
        # Fingerprints and stored outputs name files relative to the root: a relative root
        # ("--root .") would make them differ from an absolute one and rebuild everything.
        object.__setattr__(self, "root", Path(self.root).resolve())

    @classmethod
    def discover(cls, start: Path | None = None) -> Project:
        """The nearest directory at or above `start` holding conf.py and locale/languages.toml."""
        here = (start or Path.cwd()).resolve()
        for candidate in (here, *here.parents):
            if (candidate / "conf.py").is_file() and (candidate / "locale" / REGISTRY_NAME).is_file():
                return cls(candidate)
        return cls(here)

    @classmethod
    def at(cls, root: str | Path | None) -> Project:
        """The project a command works on: `--root` if given, else the one around the cwd."""
        return cls(Path(root)) if root else cls.discover()

    @property
    def confdir(self) -> Path:
        return self.root

    @property
    def srcdir(self) -> Path:
        return self.root / "source"

    @property
    def localedir(self) -> Path:
        return self.root / "locale"

    @property
    def registry_path(self) -> Path:
        return self.localedir / REGISTRY_NAME

    @property
    def builddir(self) -> Path:
        return Path(os.environ.get("POLICY_BUILD_DIR", self.root / "build"))

    @property
    def distdir(self) -> Path:
        return Path(os.environ.get("POLICY_DIST_DIR", self.root / "dist"))

    @property
    def sitedir(self) -> Path:
        return self.builddir / "site"

    @property
    def potdir(self) -> Path:
        return self.builddir / "gettext"

    def doctreedir(self, tag: str) -> Path:
        return self.builddir / "doctrees" / tag

    def catalogdir(self, tag: str) -> Path:
        return self.localedir / tag / "LC_MESSAGES"

    def registry(self) -> Registry:
        return load_registry(self.registry_path)

    @cached_property
    def version(self) -> str:
        return project_version(self.root)

    def dist_name(self, tag: str, suffix: str) -> str:
        return dist_filename(self.version, tag, suffix)


def dist_filename(version: str, tag: str, suffix: str) -> str:
    """The name of an edition's file, as the output contract fixes it."""
    return f"{DIST_STEM}-{version}-{tag}.{suffix}"


def edition_basename(tag: str) -> str:
    """The name Sphinx gives an edition's files before they get their version (.tex, .epub, EPUB uid)."""
    return f"{DIST_STEM}-{tag}"


def sphinx_environment(project: Project) -> dict[str, str]:
    """The environment of every Sphinx subprocess: the pipeline's package importable, the date
    of HEAD's commit (so dates do not change per run) and the project's version."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PACKAGE_ROOT), env.get("PYTHONPATH", "")]))
    if "SOURCE_DATE_EPOCH" not in env and (stamp := commit_timestamp(project.root)) is not None:
        env["SOURCE_DATE_EPOCH"] = str(stamp)
    env.setdefault("POLICY_VERSION", project.version)
    return env


def git(root: Path, *args: str, binary: bool = False) -> subprocess.CompletedProcess[Any]:
    """`git args` in `root`, never raising: without git, a failed result (status 127)."""
    try:
        return subprocess.run(["git", *args], cwd=root, capture_output=True, text=not binary, check=False)
    except FileNotFoundError:
        return subprocess.CompletedProcess(["git", *args], 127, b"" if binary else "", b"" if binary else "")


def _git(root: Path, *args: str) -> str | None:
    done = git(root, *args)
    return done.stdout.strip() if done.returncode == 0 else None


def project_version(root: Path) -> str:
    """The version from git, never from a hand-edited number.

    At a tag vX.Y.Z: "X.Y.Z". After it: "X.Y.Z-N-gHASH" (git describe). With no tag yet:
    "0.0.0-N-gHASH". Outside git: "0.0.0" (fixture projects, tarballs). POLICY_VERSION
    overrides everything, for builds of an exported tree; a release sets it from the tag.
    Otherwise the commit described is the last one that changed an input of an edition
    (edition_commit), not HEAD: a commit of the README, the tests or CI gives every edition the
    version and date it already has, so it rebuilds none of them.
    """
    if override := os.environ.get("POLICY_VERSION"):
        return override
    commit = edition_commit(root)
    described = _git(root, "describe", "--tags", "--match", "v[0-9]*", "--abbrev=7", commit)
    if described:
        return described[1:]
    head = _git(root, "rev-parse", "--short=7", commit)
    count = _git(root, "rev-list", "--count", commit)
    if head and count:
        return f"0.0.0-{count}-g{head}"
    return "0.0.0"


def commit_timestamp(root: Path) -> int | None:
    """SOURCE_DATE_EPOCH if set, else HEAD's commit time: dates that do not change per run."""
    if env := os.environ.get("SOURCE_DATE_EPOCH"):
        return int(env)
    commit = edition_commit(root)
    stamp = (_commit_time.__wrapped__ if commit == "HEAD" else _commit_time)(root, commit)  # HEAD moves
    return int(stamp) if stamp else None


@functools.lru_cache(maxsize=8)
def _commit_time(root: Path, commit: str) -> str | None:
    """A commit's time: fixed with its hash, so asked of git once per process (a build asked it
    once per edition and format, ~20 git runs of a no-op `make`)."""
    return _git(root, "log", "-1", "--format=%ct", commit)


@functools.lru_cache(maxsize=8)
def edition_commit(root: Path) -> str:
    """The last commit that changed a file an edition is built from (sources, catalogs, conf.py,
    the registry, the pipeline code an edition imports), or HEAD if that cannot be told.

    The version and date stamped on local builds come from it, so that they change exactly when
    an edition's inputs do. Releases set POLICY_VERSION and SOURCE_DATE_EPOCH from the tag."""
    from scripts.matrix.fingerprint import edition_pathspecs  # noqa: PLC0415 - matrix imports this module

    try:
        specs = edition_pathspecs(Project(root))
    except Exception:  # noqa: BLE001 - no registry, unreadable code: the commit of the whole tree
        return "HEAD"
    return _git(root, "log", "-1", "--format=%H", "--", *specs) or "HEAD"
