"""The canonical form of a catalog, and `wrap`, the command that writes it.

Canonical is what msgcat writes (scripts/pofile.py: its wrapping at 79 columns, byte for byte),
and, for this project's own document catalogs, what `update` writes: the header's fields in
update's order, no field or flag that a Babel-based tool (sphinx-intl, pybabel) adds on its own.
`check` reports a catalog that is not canonical as `po-wrap`, a warning: Poedit and Weblate save
their own way, and `wrap` (or the pre-commit hook) puts it back.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from scripts import pofile
from scripts.atomic import write_atomic
from scripts.catalogs import (
    INTERFACE_DOMAIN,
    catalog_files,
    catalog_lock,
    docname_of,
    language_of_path,
    project_form,
    project_from,
)
from scripts.diagnostics import Diagnostic, display_path, po_wrap
from scripts.project import Project


def first_difference(a: str, b: str) -> int:
    for number, (x, y) in enumerate(zip(a.split("\n"), b.split("\n"), strict=False), 1):
        if x != y:
            return number
    return min(a.count("\n"), b.count("\n")) + 1


def canonical_text(path: Path, project: Project | None = None,
                   tags: frozenset[str] | None = None) -> tuple[str, str]:
    """(the file's text, its canonical form): msgcat's wrapping; for a document catalog of
    `project` (in a language of its registry, `tags` when the caller has read it already), also
    the project's own header and flags (project_form)."""
    text = pofile.decode(path.read_bytes())
    catalog = pofile.parse(text)
    if project is not None and _is_document_catalog(project, path, tags if tags is not None else _tags(project)):
        project_form(catalog)
    return text, pofile.dumps(catalog)


def _tags(project: Project) -> frozenset[str]:
    return frozenset(project.registry().tags)


def _is_document_catalog(project: Project, path: Path, tags: frozenset[str]) -> bool:
    return (language_of_path(path) in tags and path.resolve().is_relative_to(project.localedir.resolve())
            and docname_of(project, path) != INTERFACE_DOMAIN)


def canonical_problem(path: Path, root: Path | None = None, project: Project | None = None) -> Diagnostic | None:
    """Why a catalog is not in canonical form, or None if it is."""
    text, canonical = canonical_text(path, project)
    if canonical == text:
        return None
    shown = display_path(path, root)
    return po_wrap(shown, first_difference(text, canonical))


def wrap(paths: Sequence[Path], *, check_only: bool, root: Path | None = None,
         project: Project | None = None) -> tuple[list[Diagnostic], list[Path]]:
    """Diagnostics for catalogs not canonical (or unreadable); with check_only False, fix them."""
    problems: list[Diagnostic] = []
    rewritten: list[Path] = []
    tags = _tags(project) if project is not None else None  # the registry read once, not per file
    for path in paths:
        try:
            text, canonical = canonical_text(path, project, tags)
        except pofile.PoSyntaxError as exc:
            problems.append(pofile.syntax_diagnostic(exc, path, root))
            continue
        if canonical == text:
            continue
        if check_only:
            problems.append(po_wrap(display_path(path, root), first_difference(text, canonical)))
        else:
            write_atomic(path, canonical)
            rewritten.append(path)
    return problems, rewritten


# ----------------------------------------------------------------------------------------------
# Command line

def _add_wrap_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="*", type=Path, metavar="FILE.po",
                        help="catalogs to rewrap (default: every catalog under locale/)")
    parser.add_argument("--check", action="store_true",
                        help="change nothing; list catalogs not in canonical form and exit 1")
    parser.add_argument("--wait", type=float, default=30.0, metavar="SECONDS")


def run_wrap(args: argparse.Namespace) -> int:
    """Rewrite catalogs in the canonical gettext form (msgcat's wrapping at 79 columns)."""
    project = project_from(args)
    paths = list(args.files) or catalog_files(project)
    if args.check:
        problems, _ = wrap(paths, check_only=True, root=project.root, project=project)
    else:
        with catalog_lock(project, args.wait):
            problems, rewritten = wrap(paths, check_only=False, root=project.root, project=project)
        for path in rewritten:
            print(f"rewrapped {display_path(path, project.root)}")
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


COMMANDS = {
    "wrap": (_add_wrap_arguments, run_wrap),
}
