"""The Debian packages each make target needs, found or installed before the target runs.

Packages come in profiles (what a kind of work needs) and each make target names the profiles it
uses, so a translator's `make check` installs gettext and never TeX Live or a browser. Both tables
below are the only place that says which target needs which package; the Makefile calls this
script with the target's own name, and tests read the tables as data.

Runs with the system's python3 and the standard library only (there is no virtual environment
yet, and on a fresh Debian there may be no venv module either). As root it installs what is
missing with apt-get; otherwise it names the exact command to run and exits 1. When everything is
present it costs a few milliseconds, so `make` can call it on every run.

    python3 scripts/system_deps.py TARGET [--check]     # install (as root) or name what TARGET needs
    python3 scripts/system_deps.py --list [--json]      # every target, its profiles and packages
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
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


def _library(soname: str, package: str) -> Callable[[], bool]:
    """A shared library: dpkg's word on Debian, else a look in the usual library directories."""

    def found() -> bool:
        return any(Path(d, soname).exists() for d in ("/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu",
                                                       "/usr/lib64", "/usr/lib", "/lib"))

    return _dpkg(package, found)


@dataclass(frozen=True)
class Requirement:
    package: str  # Debian package name
    why: str  # what it is for, shown when it is missing
    present: Callable[[], bool]


PROFILES: dict[str, tuple[Requirement, ...]] = {
    # every target that runs Python from the virtual environment
    "venv": (
        Requirement("python3-venv", "the virtual environment for the locked Python packages", _python_venv),
    ),
    # check, status, wrap, update-po, preview, worksheets: gettext's own tools, nothing else
    "catalogs": (
        Requirement("gettext", "msgfmt, msgmerge and msgcat for the catalogs", _which("msgfmt")),
    ),
    # the editions: PDF through xelatex, SVG figures, index sorting
    "build": (
        Requirement("texlive-xetex", "PDF: xelatex", _which("xelatex")),
        Requirement("latexmk", "PDF: latexmk", _which("latexmk")),
        Requirement("texlive-lang-spanish", "PDF: Spanish hyphenation and labels",
                    _dpkg("texlive-lang-spanish", _which("xelatex"))),
        Requirement("texlive-fonts-recommended", "PDF: recommended fonts",
                    _dpkg("texlive-fonts-recommended", _which("xelatex"))),
        Requirement("fonts-freefont-otf", "PDF: FreeSerif, covering \ua78c \u02bc \u2019 and combining marks",
                    _file("/usr/share/fonts/opentype/freefont/FreeSerif.otf")),
        Requirement("xindy", "PDF: index sorting", _which("xindy")),
        Requirement("texlive-latex-extra", "bilingual PDF: paracol (parallel columns aligned paragraph by paragraph)",
                    _dpkg("texlive-latex-extra", _file("/usr/share/texlive/texmf-dist/tex/latex/paracol/paracol.sty"))),
        Requirement("librsvg2-bin", "PDF: SVG figures", _which("rsvg-convert")),
        Requirement("pandoc", "DOCX/ODT editions", _which("pandoc")),
    ),
    # what the tests drive besides the build: validators, PDF readers, the browser, office files
    "test": (
        Requirement("epubcheck", "tests: EPUB validation", _file("/usr/share/java/epubcheck.jar")),
        Requirement("default-jre-headless", "tests: Java for epubcheck", _which("java")),
        Requirement("poppler-utils", "tests: pdftotext, pdffonts, pdfinfo", _which("pdftotext")),
        Requirement("chromium", "tests: the browser", _which("chromium")),
        Requirement("libatomic1", "tests: Playwright's driver (node) needs libatomic.so.1",
                    _library("libatomic.so.1", "libatomic1")),
        Requirement("libreoffice-writer-nogui", "tests: open the Word/OpenDocument files as a user's application does",
                    _dpkg("libreoffice-writer-nogui", _which("soffice"))),
        Requirement("libreoffice-calc-nogui", "tests: open and re-save worksheets as a spreadsheet does",
                    _dpkg("libreoffice-calc-nogui", _which("soffice"))),
    ),
    # the fresh-machine test: a minimal Debian root
    "fresh": (
        Requirement("debootstrap", "fresh-machine test: a minimal Debian root", _which("debootstrap")),
    ),
}

# make target -> profiles it needs. Every Makefile target that calls this script is a key here.
TARGETS: dict[str, tuple[str, ...]] = {
    "venv": ("venv",),
    "all": ("venv", "catalogs", "build"),
    "html": ("venv", "catalogs", "build"),
    "epub": ("venv", "catalogs", "build"),
    "latexpdf": ("venv", "catalogs", "build"),
    "gettext": ("venv",),
    "update-po": ("venv", "catalogs"),
    "status": ("venv", "catalogs"),
    "check": ("venv", "catalogs"),
    "wrap": ("venv", "catalogs"),
    "preview": ("venv", "catalogs"),
    "worksheet": ("venv", "catalogs"),
    "adopt-new": ("venv",),
    "adopt-check": ("venv",),
    "lint": ("venv",),
    "release": ("venv", "catalogs", "build"),
    "release-gather": ("venv", "catalogs", "build"),
    "bench": ("venv", "catalogs", "build"),
    "test": ("venv", "catalogs", "build", "test"),
    "test-fresh": ("fresh",),
}


def requirements_for(target: str) -> list[Requirement]:
    """The requirements of a make target, in profile order, each package once."""
    if target not in TARGETS:
        raise KeyError(target)
    seen: dict[str, Requirement] = {}
    for profile in TARGETS[target]:
        for requirement in PROFILES[profile]:
            seen.setdefault(requirement.package, requirement)
    return list(seen.values())


def packages_for(target: str) -> list[str]:
    return [r.package for r in requirements_for(target)]


def missing_for(target: str) -> list[Requirement]:
    return [r for r in requirements_for(target) if not r.present()]


def install(packages: list[str]) -> int:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    print(f"installing Debian packages: {' '.join(packages)}", flush=True)
    update = subprocess.run(["apt-get", "update"], env=env, check=False)
    if update.returncode != 0:
        return update.returncode
    return subprocess.run(["apt-get", "install", "-y", "--no-install-recommends", *packages],
                          env=env, check=False).returncode


def _usage() -> int:
    print("usage: system_deps.py TARGET [--check] | --list [--json]", file=sys.stderr)
    print(f"targets: {' '.join(sorted(TARGETS))}", file=sys.stderr)
    return 2


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if "--list" in args:
        table = {t: {"profiles": list(p), "packages": packages_for(t)} for t, p in TARGETS.items()}
        if "--json" in args:
            print(json.dumps(table, indent=2))
        else:
            for target, row in table.items():
                print(f"{target:15} {'+'.join(row['profiles']):28} {' '.join(row['packages'])}")
        return 0
    names = [a for a in args if not a.startswith("--")]
    if len(names) != 1:
        return _usage()
    target = names[0]
    if target not in TARGETS:
        print(f"system_deps.py: [system-unknown-target] no target {target!r} — use one of: "
              f"{' '.join(sorted(TARGETS))}", file=sys.stderr)
        return 2
    missing = missing_for(target)
    if not missing:
        return 0
    packages = [r.package for r in missing]
    for requirement in missing:
        print(f"missing: {requirement.package} ({requirement.why})", file=sys.stderr)
    command = f"apt-get install -y --no-install-recommends {' '.join(packages)}"
    if "--check" in args or os.geteuid() != 0 or not shutil.which("apt-get"):
        print(f"`make {target}` needs them. Install them with:\n    sudo apt-get update && sudo {command}",
              file=sys.stderr)
        return 1
    code = install(packages)
    still = [r.package for r in missing_for(target)]
    if code != 0 or still:
        print(f"apt-get could not install: {' '.join(still) or 'see above'}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
