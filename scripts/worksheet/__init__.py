"""Translating without git: bilingual worksheets out, checked translations in.

`python -m scripts worksheet export TAG` writes what remains to translate in a language as a
spreadsheet (.xlsx, .ods) and a Word table (.docx); `python -m scripts worksheet import FILE`
reads the filled file back, as LibreOffice, Excel, Google Sheets or Word saved it (or a CSV
export), and writes the translations that pass every check into the catalogs. Modules:
markers (MyST markup as ⟦n⟧ markers), rows (what a row holds), office (the file formats),
transfer (export and import).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

FORMATS = ("xlsx", "ods", "docx")


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    out = sub.add_parser("export", help="write a language's worksheet (.xlsx, .ods, .docx)")
    out.add_argument("language", metavar="TAG", help="the language to translate into, e.g. yua")
    out.add_argument("--all", action="store_true", dest="include_all",
                     help="include translated entries too (for a review)")
    out.add_argument("--document", "-d", action="append", metavar="NAME",
                     help="only this document (repeatable), e.g. principios")
    out.add_argument("--formats", default=",".join(FORMATS),
                     help=f"comma-separated, of {', '.join(FORMATS)} (default: all)")
    out.add_argument("--output", "-o", type=Path, default=None, metavar="DIR",
                     help="where to write (default: build/worksheets/TAG)")
    into = sub.add_parser("import", help="check a filled worksheet and write its translations")
    into.add_argument("file", type=Path, metavar="FILE", help=".xlsx, .ods, .docx or .csv")
    into.add_argument("--language", "-l", metavar="TAG", help="refuse a worksheet of another language")
    into.add_argument("--review", action="store_true",
                      help="import as fuzzy (needs review), for a second speaker to confirm")
    into.add_argument("--force", action="store_true",
                      help="let the worksheet win where the catalog's translation changed since the export")
    into.add_argument("--conflicts", type=Path, metavar="FILE.csv",
                      help="where to save conflicting rows (default: beside FILE, *-conflictos.csv)")
    into.add_argument("--wait", type=float, default=30.0, metavar="SECONDS")


def run(args: argparse.Namespace) -> int:
    """Bilingual worksheets for translators who work in spreadsheets or Word: export, import.

    `worksheet export TAG` writes what remains to translate; `worksheet import FILE` checks each
    row like `check` and writes the good ones into the catalogs (conflicts are never overwritten).
    """
    from scripts.catalogs import project_from
    from scripts.diagnostics import Diagnostic, PipelineError, display_path
    from scripts.worksheet import transfer

    project = project_from(args)
    if args.action == "export":
        formats = [f.strip() for f in args.formats.split(",") if f.strip()]
        unknown = sorted(set(formats) - set(FORMATS))
        if unknown or not formats:
            raise PipelineError(Diagnostic("--formats", 0, "worksheet-format", f"unknown format {unknown or formats}",
                                           f"choose among {', '.join(FORMATS)}"))
        outdir = args.output or project.builddir / "worksheets" / args.language
        result = transfer.export(project, args.language, outdir, formats, include_all=args.include_all,
                                 documents=args.document)
        for path in result.files:
            print(f"wrote {display_path(path, project.root)}")
        print(f"{result.tag}: {result.rows} rows")
        return 0
    report = transfer.import_worksheet(project, args.file, language=args.language, review=args.review,
                                       force=args.force, conflicts=args.conflicts, wait=args.wait)
    for diagnostic in report.diagnostics:
        print(diagnostic, file=sys.stderr)
    for path in report.written:
        print(f"updated  {display_path(path, project.root)}")
    if report.conflict_file:
        print(f"conflicting rows saved in {display_path(report.conflict_file, project.root)}", file=sys.stderr)
    print(report.summary())
    return 1 if report.rejected or report.conflicts else 0


COMMANDS = {"worksheet": (_add_arguments, run)}
