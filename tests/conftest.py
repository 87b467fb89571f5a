"""Shared fixtures: small projects copied into tmp_path and built for real.

A built fixture is expensive (Sphinx + xelatex + EPUB for three languages), so `built_basic`
builds tests/roots/basic once per session; tests that only read its outputs share it. Tests that
change a project take `basic_project` and build their own copy.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from scripts.project import Project

ROOTS = Path(__file__).resolve().parent / "roots"
CHROMIUM = os.environ.get("POLICY_CHROMIUM", "/usr/bin/chromium")
# Debian's Chromium, driven by the PyPI playwright package (never `playwright install`); the
# networking flags keep it from calling out to Google's services (../shared/TOOLCHAIN.md).
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
REPO = Path(__file__).resolve().parent.parent


def copy_root(name: str, dest: Path) -> Project:
    shutil.copytree(ROOTS / name, dest, ignore=shutil.ignore_patterns("build", "dist", "*.mo"))
    return Project(dest)


def run_cli(*args: str, root: Path | None = None, env: dict[str, str] | None = None,
            check: bool = False, timeout: float = 900) -> subprocess.CompletedProcess[str]:
    """`python -m scripts ...` in a subprocess, as a person would run it."""
    command = [sys.executable, "-m", "scripts"]
    if root is not None:
        command += ["--root", str(root)]
    full_env = {**os.environ, "POLICY_VERSION": "1.2.3", "SOURCE_DATE_EPOCH": "1767225600", **(env or {})}
    done = subprocess.run([*command, *args], cwd=REPO, env=full_env, capture_output=True, text=True,
                          timeout=timeout, check=False)
    if check and done.returncode != 0:
        raise AssertionError(f"{args} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done


@pytest.fixture
def basic_project(tmp_path: Path) -> Project:
    return copy_root("basic", tmp_path / "basic")


@pytest.fixture(scope="session")
def built_basic(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """tests/roots/basic built in every language and format (version 1.2.3). Read only."""
    project = copy_root("basic", tmp_path_factory.mktemp("built") / "basic")
    done = run_cli("build", root=project.root)
    assert done.returncode == 0, f"fixture build failed:\n{done.stdout}\n{done.stderr}"
    return project


@pytest.fixture(scope="session")
def chromium_browser() -> Iterator[Any]:
    """One Chromium for the whole session: Playwright's sync API cannot start twice in a process."""
    from playwright import sync_api

    if not Path(CHROMIUM).is_file():
        pytest.fail(f"{CHROMIUM} not found — `make test` installs Debian's chromium; or set POLICY_CHROMIUM")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()
