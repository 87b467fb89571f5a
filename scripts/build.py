"""`python -m scripts build` (the whole matrix, then the site) and `build-edition` (one worker)."""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import os
import sys
import time
from pathlib import Path

from scripts import formats
from scripts.atomic import write_atomic
from scripts.diagnostics import Diagnostic, display_path
from scripts.matrix.results import BuildOptions, summarize
from scripts.project import Project


def _formats(value: str) -> tuple[str, ...]:
    chosen = tuple(v.strip() for v in value.split(",") if v.strip())
    bad = [v for v in chosen if v not in formats.BY_NAME]
    if bad:
        raise argparse.ArgumentTypeError(f"unknown format {', '.join(bad)} (choose from {', '.join(formats.NAMES)})")
    return chosen


def unregistered_catalogs(project: Project) -> list[Diagnostic]:
    """One diagnostic per language directory under locale/ whose catalogs no edition builds
    (its tag is not in the registry), so that `build` says so instead of ignoring them."""
    registry = project.registry()
    found = []
    for directory in sorted(project.localedir.glob("*/LC_MESSAGES")):
        tag = directory.parent.name
        catalogs = sorted(directory.rglob("*.po"))
        if tag in registry or not catalogs:
            continue
        found.append(Diagnostic(
            display_path(catalogs[0], project.root), 1, "po-unknown-language",
            f"{len(catalogs)} catalog(s) for {tag!r}, which is not in locale/languages.toml, are not built",
            f"register the language first (`python -m scripts add-language {tag}`), or move the files "
            "into the directory of the language they are written in"))
    return found


def _add_build_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lang", action="append", default=[], metavar="TAG",
                        help="build only this language (repeatable; default: every registered one)")
    parser.add_argument("--formats", type=_formats, default=None,
                        help=f"comma-separated: {','.join(formats.NAMES)} (default: all of the edition's)")
    parser.add_argument("--jobs", "-j", type=int, default=0, help="languages built at once (default: cores)")
    parser.add_argument("--force", action="store_true", help="rebuild even if nothing changed")
    parser.add_argument("--adoption", type=Path, default=None, metavar="adopciones/SLUG",
                        help="build this adoption's editions (its languages) instead of the model's")


def _load_site_modules() -> None:
    with contextlib.suppress(Exception):  # an import that fails fails again where it is used
        importlib.import_module("scripts.site")
        importlib.import_module("scripts.status")


def run_build(args: argparse.Namespace) -> int:
    """Build every edition (site, PDF, EPUB) of every registered language."""
    project = Project.at(args.root)
    if args.adoption is not None:
        from scripts.adoption_build import enter_adoption  # noqa: PLC0415

        project, languages = enter_adoption(project, args.adoption)
        args.lang = args.lang or list(languages)
    options = BuildOptions(formats=args.formats or formats.for_edition(), tags=tuple(args.lang), jobs=args.jobs,
                           force=args.force)
    from scripts.matrix.orchestrator import run_with_view  # noqa: PLC0415 - not the worker's

    started = time.monotonic()
    digests: dict[str, bytes] = {}  # each language's inputs, hashed once for the plan and the site
    # The site's modules load while the editions build, not after: 0.05-0.1 s off the end of every
    # build that assembles the site (none is loaded when nothing is to be built).
    results = run_with_view(project, options, digests, while_building=_load_site_modules)
    from scripts.matrix.fingerprint import record_site, site_is_current, site_key  # noqa: PLC0415

    built = any(f.status != "skipped" for r in results for f in r.formats)
    if built or not site_is_current(project, site_key(project, digests)):
        from scripts.site import assemble_site  # noqa: PLC0415

        assemble_site(project)
        record_site(project, site_key(project, digests))  # the assembly copies downloads: dist/ is as it left it
    text, ok = summarize(results)
    print(text)
    stray = unregistered_catalogs(project)
    for diagnostic in stray:
        print(diagnostic, file=sys.stderr)
    print(f"site: {display_path(project.sitedir / 'index.html')}  downloads: {display_path(project.distdir)}"
          f"  ({time.monotonic() - started:.1f}s)")
    return 0 if ok and not stray else 1


def _add_edition_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("tag")
    parser.add_argument("--formats", type=_formats, default=None)
    parser.add_argument("--result", type=Path, required=True)
    parser.add_argument("--force", action="store_true")
    parser.add_argument("--outdir", type=Path, default=None)
    parser.add_argument("--background-first", action="store_true")
    parser.add_argument("--early-pdf", action="store_true", help="start the PDF's xelatex pass before Sphinx loads")


def run_edition(args: argparse.Namespace) -> int:
    """(internal) Build one language's editions in this process; the matrix runs one per language."""
    from scripts.matrix import texearly  # noqa: PLC0415

    project = Project.at(args.root)
    if args.early_pdf:  # before the worker's own modules and Sphinx load (scripts/matrix/texearly.py)
        texearly.start_ahead(project.builddir / "work" / args.tag, args.tag)
    from scripts.matrix.worker import build_or_report  # noqa: PLC0415

    options = BuildOptions(formats=args.formats or formats.for_edition(), tags=(args.tag,), force=args.force,
                           outdir=args.outdir, background_first=args.background_first)
    result = build_or_report(project, args.tag, options)
    write_atomic(args.result, json.dumps(result.as_dict(), indent=2).encode())
    # The worker ends here: its result is on disk and every tool it started has been waited for.
    # Leaving through the interpreter's teardown would free Sphinx's environment and every
    # doctree object by object, ~1.2 s of the 3 s a translator waits for `make html`.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(1 if result.failed else 0)


COMMANDS = {
    "build": (_add_build_arguments, run_build),
    "build-edition": (_add_edition_arguments, run_edition),
}
