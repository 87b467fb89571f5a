"""A translator's draft of one edition: HTML that includes fuzzy entries, every page marked draft.

Translators want to see their work in place before it is reviewed, including what is still
fuzzy. Sphinx compiles each .po into a .mo beside it and reuses it while the .po is unchanged, so
a draft compiled in locale/ would leak fuzzy text into the next real build. The preview
therefore compiles copies of the catalogs under build/, keeps its own doctrees, and writes into
build/preview/<tag>/, which neither `make` nor a release ever publishes.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

from scripts.diagnostics import Diagnostic, PipelineError, display_path
from scripts.project import Project, sphinx_environment


def preview_dir(project: Project, tag: str) -> Path:
    return project.builddir / "preview" / tag


def _copy_catalogs(project: Project, target: Path) -> None:
    """Fresh copies of every .po (never a .mo), so Sphinx compiles them anew, fuzzy included."""
    if target.exists():
        shutil.rmtree(target)
    for po in sorted(project.localedir.glob("*/LC_MESSAGES/**/*.po")):
        dest = target / po.relative_to(project.localedir)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(po, dest)


def preview(project: Project, tag: str) -> Path:
    """Build the draft HTML of `tag`; returns the path of its index.html."""
    project.registry().get(tag)  # a clear error, with the add-language hint, for an unknown tag
    outdir = preview_dir(project, tag)
    locale_copy = project.builddir / "preview-locale" / tag
    _copy_catalogs(project, locale_copy)
    command = [
        sys.executable, "-m", "sphinx", "-b", "html", "-q",
        "-D", f"language={tag}",
        "-D", "gettext_allow_fuzzy_translations=1",
        "-D", f"locale_dirs={locale_copy}",
        "-t", "draft",
        "-d", str(project.builddir / "preview-doctrees" / tag),
        "-c", str(project.confdir), str(project.srcdir), str(outdir),
    ]
    done = subprocess.run(command, env=sphinx_environment(project), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        raise PipelineError(Diagnostic(
            display_path(project.confdir / "conf.py", project.root), 0, "preview-failed",
            f"the draft of {tag} did not build: {'; '.join(lines[-3:]) or done.returncode}",
            f"run `python -m scripts check locale/{tag}/LC_MESSAGES/*.po`; a syntax error in a "
            "catalog is the usual cause"))
    return outdir / "index.html"


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("language", metavar="LANG", help="tag of the edition to preview (e.g. yua)")


def run(args: argparse.Namespace) -> int:
    """Build a draft of one edition's HTML, fuzzy translations included, into build/preview/LANG/."""
    project = Project.at(args.root)
    index = preview(project, args.language)
    print(f"Borrador / draft: {display_path(index, project.root)}")
    print(f"Ábralo en su navegador / open it in a browser: {index.resolve().as_uri()}")
    return 0


COMMANDS = {"preview": (_add_arguments, run)}
