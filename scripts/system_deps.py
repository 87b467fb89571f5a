"""The Debian packages the pipeline needs, found or installed before anything else runs.

Runs with the system's python3 and the standard library only (there is no virtual environment
yet, and on a fresh Debian there may be no venv module either). As root it installs what is
missing with apt-get; otherwise it names the exact command to run and exits 1. When everything is
present it costs a few milliseconds, so `make` can call it on every run.

    python3 scripts/system_deps.py [--check]
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path


def _which(name: str) -> Callable[[], bool]:
    return lambda: shutil.which(name) is not None


def _file(path: str) -> Callable[[], bool]:
    return lambda: Path(path).exists()


def _python_venv() -> bool:
    done = subprocess.run([sys.executable, "-c", "import ensurepip, venv"], capture_output=True, check=False)
    return done.returncode == 0


def _dpkg(package: str, fallback: Callable[[], bool]) -> Callable[[], bool]:
    """Installed according to dpkg where there is dpkg; elsewhere, the fallback's word."""

    def present() -> bool:
        if shutil.which("dpkg-query") is None:
            return fallback()
        done = subprocess.run(["dpkg-query", "-W", "-f=${Status}", package], capture_output=True,
                              text=True, check=False)
        return done.stdout.strip() == "install ok installed"

    return present


# (what it is for, Debian package, how to tell it is there)
REQUIREMENTS: list[tuple[str, str, Callable[[], bool]]] = [
    ("virtual environment for the locked Python packages", "python3-venv", _python_venv),
    ("PDF: xelatex", "texlive-xetex", _which("xelatex")),
    ("PDF: latexmk", "latexmk", _which("latexmk")),
    ("PDF: Spanish hyphenation", "texlive-lang-spanish", _dpkg("texlive-lang-spanish", _which("xelatex"))),
    ("PDF: recommended fonts", "texlive-fonts-recommended", _dpkg("texlive-fonts-recommended", _which("xelatex"))),
    ("PDF: FreeSerif, covering \ua78c \u02bc \u2019 and combining marks", "fonts-freefont-otf",
     _file("/usr/share/fonts/opentype/freefont/FreeSerif.otf")),
    ("PDF: index sorting", "xindy", _which("xindy")),
    ("PDF: SVG figures", "librsvg2-bin", _which("rsvg-convert")),
    ("catalog checks: msgfmt", "gettext", _which("msgfmt")),
    ("tests: EPUB validation", "epubcheck", _file("/usr/share/java/epubcheck.jar")),
    ("tests: Java for epubcheck", "default-jre-headless", _which("java")),
    ("tests: pdftotext, pdffonts, pdfinfo", "poppler-utils", _which("pdftotext")),
    ("tests: browser", "chromium", _which("chromium")),
    ("tests: axe-core from the npm registry", "npm", _which("npm")),
]


def missing_packages() -> list[tuple[str, str]]:
    return [(package, why) for why, package, present in REQUIREMENTS if not present()]


def install(packages: list[str]) -> int:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    print(f"installing Debian packages: {' '.join(packages)}", flush=True)
    update = subprocess.run(["apt-get", "update"], env=env, check=False)
    if update.returncode != 0:
        return update.returncode
    return subprocess.run(["apt-get", "install", "-y", "--no-install-recommends", *packages],
                          env=env, check=False).returncode


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    missing = missing_packages()
    if not missing:
        return 0
    packages = sorted({package for package, _ in missing})
    for package, why in missing:
        print(f"missing: {package} ({why})", file=sys.stderr)
    command = f"apt-get install -y --no-install-recommends {' '.join(packages)}"
    if "--check" in args or os.geteuid() != 0 or not shutil.which("apt-get"):
        print(f"Install them with:\n    sudo apt-get update && sudo {command}", file=sys.stderr)
        return 1
    code = install(packages)
    still = missing_packages()
    if code != 0 or still:
        print(f"apt-get could not install: {' '.join(p for p, _ in still) or 'see above'}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
