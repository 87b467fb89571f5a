"""The README's promise of two commands on a stock Debian or Ubuntu, checked as data.

A green run on a development machine once hid two install failures that a fresh Debian showed at
once (a locked package needing a newer Python, a library the browser driver needs). These tests
hold the parts that can be checked here: the lock installs on every supported interpreter, every
pin is hashed, each make target asks only for the Debian packages it uses, and the Makefile
follows Sphinx's conventions. tests/fresh/run.sh (`make test-fresh`, run by .ci/run) runs the two
commands for real in a minimal Debian 12.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from scripts import system_deps
from tests.conftest import REPO

LOCK = REPO / "requirements.lock"
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
# The stock python3 of each supported system (README, "Sistemas compatibles").
SUPPORTED = {"Debian 12": "3.11.2", "Ubuntu 24.04": "3.12", "Debian 13": "3.13"}

HEAVY = ("texlive", "chromium", "default-jre", "epubcheck", "libreoffice", "xindy", "latexmk")


def _lock_pins() -> dict[str, str]:
    return {m[1].lower(): m[2] for m in re.finditer(r"^([A-Za-z0-9._-]+)==(\S+)", LOCK.read_text(), re.M)}


def _pip_accepts(lock: Path, python: str, target: Path) -> subprocess.CompletedProcess[str]:
    """pip's own resolver, told the interpreter's version: a Requires-Python that excludes it fails.

    Hashes required, nothing installed: pip reads each pinned file's metadata from the index (the
    data-requires-python of wheels and sdists alike) and stops before installing.
    """
    return subprocess.run(
        [sys.executable, "-m", "pip", "install", "--dry-run", "--quiet", "--disable-pip-version-check",
         "--ignore-installed", "--no-deps", "--require-hashes", "--python-version", python,
         "--target", str(target), "-r", str(lock)],
        capture_output=True, text=True, timeout=600, check=False)


@pytest.mark.parametrize("python", sorted(set(SUPPORTED.values())))
def test_lock_installs_on_every_supported_python(python: str, tmp_path: Path) -> None:
    done = _pip_accepts(LOCK, python, tmp_path / "target")
    errors = "\n".join(line for line in done.stderr.splitlines() if "is ignored" not in line)
    assert done.returncode == 0, f"requirements.lock does not install on Python {python}:\n{errors}"


def test_the_lock_check_refuses_what_debian_12_cannot_install(tmp_path: Path) -> None:
    """The failure that a fresh Debian 12 showed: soupsieve 4.1.3 requires Python >= 3.11.5."""
    lock = tmp_path / "requirements.lock"
    lock.write_text("soupsieve==4.1.3 \\\n    --hash=sha256:"
                    "13f70186c8f40bf8d0ff7bbab09a18fb149600b465269207b5e5b588f55fda08\n", encoding="utf-8")
    done = _pip_accepts(lock, "3.11.2", tmp_path / "target")
    assert done.returncode != 0 and "soupsieve==4.1.3" in done.stderr


def test_every_pin_is_hashed_and_every_dependency_locked() -> None:
    text = LOCK.read_text(encoding="utf-8")
    blocks = re.split(r"\n(?=[A-Za-z0-9._-]+==)", text)
    pinned = [b for b in blocks if re.match(r"[A-Za-z0-9._-]+==", b)]
    assert pinned, "no pins in requirements.lock"
    unhashed = [b.split()[0] for b in pinned if "--hash=sha256:" not in b]
    assert not unhashed, f"pins without a hash (pip --require-hashes refuses them): {unhashed}"
    pins = _lock_pins()
    declared = [*PYPROJECT["project"]["dependencies"],
                *(d for extra in PYPROJECT["project"]["optional-dependencies"].values() for d in extra)]
    for requirement in declared:
        name, _, version = requirement.partition("==")
        assert pins.get(name.lower().replace("_", "-")) == version, \
            f"{requirement} is in pyproject.toml but requirements.lock has {pins.get(name.lower())} — run make lock"


def test_requires_python_and_readme_agree() -> None:
    spec = PYPROJECT["project"]["requires-python"]
    assert spec.replace(" ", "") == ">=3.11,<3.14", spec
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for system, python in SUPPORTED.items():
        assert re.search(rf"{re.escape(system)}[^|\n]*\|[^|\n]*{re.escape(python)}", readme), \
            f"README's table of supported systems lacks {system} with Python {python}"
    assert "3.11.2" in (REPO / "Makefile").read_text(encoding="utf-8"), "make lock resolves for 3.11.2"


def test_pyproject_is_valid_for_the_tools_that_read_it() -> None:
    done = subprocess.run([sys.executable, "-m", "validate_pyproject", str(REPO / "pyproject.toml")],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Private :: Do Not Upload" in PYPROJECT["project"]["classifiers"]
    assert "build-system" not in PYPROJECT, "declared not distributable: no build backend"


# ---- Debian packages by need ---------------------------------------------------------------------

@pytest.mark.parametrize("target", ["check", "status", "wrap", "update-po", "preview", "worksheet", "lint"])
def test_translator_targets_need_no_tex_and_no_browser(target: str) -> None:
    packages = system_deps.packages_for(target)
    assert not [p for p in packages if p.startswith(HEAVY)], f"make {target} would install {packages}"
    if target != "lint":
        assert "gettext" in packages


def test_build_and_test_profiles() -> None:
    build = set(system_deps.packages_for("all"))
    assert {"texlive-xetex", "fonts-freefont-otf", "xindy", "librsvg2-bin"} <= build
    assert not [p for p in build if p.startswith(("chromium", "default-jre", "epubcheck"))]
    test = set(system_deps.packages_for("test"))
    assert build <= test
    # Playwright's node driver needs libatomic.so.1, absent from a minimal Debian.
    assert {"chromium", "libatomic1", "epubcheck", "default-jre-headless", "poppler-utils"} <= test
    assert "npm" not in test, "axe-core comes with the locked Python packages"


def test_read_the_docs_installs_the_build_profile() -> None:
    text = (REPO / ".readthedocs.yaml").read_text(encoding="utf-8")
    block = text.split("apt_packages:", 1)[1].split("jobs:", 1)[0]
    listed = sorted(re.findall(r"^\s*- (\S+)", block, re.M))
    assert listed == sorted(set(system_deps.packages_for("all")) - {"python3-venv"})
    assert "--require-hashes" in text


def test_every_makefile_target_asks_for_its_own_profile() -> None:
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    rules = re.findall(r"^([a-z][a-z -]*):(?!=)[^\n]*\n((?:\t.*\n?)*)", makefile, re.M)
    uses_venv = {name.split()[0]: body for name, body in rules if "$(CLI)" in body or "$(VPY)" in body}
    assert {"all", "check", "test", "status"} <= set(uses_venv)
    for target, body in uses_venv.items():
        asked = re.findall(r"\$\(SYSDEPS\) (\S+)", body)
        assert asked == [target], f"make {target} must run `$(SYSDEPS) {target}` first, not {asked}"
        assert target in system_deps.TARGETS
    stamp = re.search(r"^\$\(STAMP\):.*\n((?:\t.*\n)*)", makefile, re.M)
    assert stamp and "$(SYSDEPS) venv" in stamp.group(1) and "--require-hashes" in stamp.group(1)
    assert "| system" not in makefile, "no target may depend on the whole package set"


def test_missing_packages_are_named_with_the_command_to_run(monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(os, "geteuid", lambda: 1000)  # not root: never installs, names the command
    monkeypatch.setattr(system_deps, "missing_for",
                        lambda target: [r for r in system_deps.requirements_for(target) if r.package == "gettext"])
    assert system_deps.main(["check"]) == 1
    err = capsys.readouterr().err
    assert "missing: gettext" in err and "sudo apt-get update && sudo apt-get install -y" in err
    assert system_deps.main(["no-such-target"]) == 2


# ---- Sphinx's conventions in the Makefile ----------------------------------------------------------

def _make(*args: str, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(["make", "--no-print-directory", *args], cwd=REPO, capture_output=True, text=True,
                          env={**os.environ, "LANG": "es_MX.UTF-8", **(env or {})}, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _recipe_env(*args: str) -> str:
    return _make("--eval", "show-env: ; @echo LANG=$$LANG SPHINXOPTS=$$SPHINXOPTS SPHINXBUILD=$$SPHINXBUILD",
                 "show-env", *args).strip()


def test_edition_variable_and_lang_that_does_not_leak() -> None:
    assert "--lang yua --formats html" in _make("-n", "html", "EDITION=yua")
    assert "--lang yua --formats html" in _make("-n", "html", "LANG=yua")
    # LANG=yua on the command line must not become the tools' locale (latexmk, xindy).
    assert _recipe_env("LANG=yua").startswith("LANG=C.UTF-8 ")
    # The environment's locale is left alone when LANG is not given on the command line.
    assert _recipe_env().startswith("LANG=es_MX.UTF-8 ")
    assert "--lang es " in _make("-n", "html")
    assert "release --lang tzo" in _make("-n", "release", "EDITION=tzo")
    assert re.search(r"release\s*$", _make("-n", "release"), re.M)


def test_formats_and_sphinx_variables_are_honoured() -> None:
    assert "--formats html" in _make("-n", "FORMATS=html")
    assert "--formats" not in _make("-n"), "without FORMATS each edition builds its own formats"
    assert "--adoption adopciones/x" in _make("-n", "ADOPCION=adopciones/x")
    assert "SPHINXOPTS=-q -T SPHINXBUILD=/opt/sphinx-build" in _recipe_env("SPHINXOPTS=-q -T",
                                                                         "SPHINXBUILD=/opt/sphinx-build")
