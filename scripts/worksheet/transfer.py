"""Worksheets out (export) and checked translations in (import).

Import is where untrusted text meets the catalogs, so it decides everything before it writes
anything: each row is restored from markers, held to the same rules as `check` (markup, safety,
orthography and the language's apostrophe), and compared with the catalog as it is now. Rows with
a problem are rejected, conflicts (the Spanish text or the catalog's translation changed since
export) are reported and saved aside, never overwritten without --force; the rest is written
through the same lock and atomic writer as `update`, one catalog at a time, so a killed import
leaves every catalog either as it was or complete.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from scripts import checks, pofile, terminology
from scripts.atomic import write_atomic
from scripts.catalogs import catalog_lock, read_catalog
from scripts.diagnostic_codes import reported_by
from scripts.diagnostics import Diagnostic, PipelineError, display_path
from scripts.languages import Language
from scripts.pofile import Entry
from scripts.project import Project
from scripts.worksheet import office
from scripts.worksheet.markers import MarkerError, from_markers, to_markers
from scripts.worksheet.rows import FORMAT_VERSION, ID_RE, Row, Sheet, build_sheet, find_entry, translation_state

NOTE_PREFIX = "hoja de trabajo:"

# code -> meaning (CONTRIBUTING.md, "Traducir sin git", says how to fix each one)
CODES = {name: row.meaning for name, row in reported_by("worksheet").items()}  # the one table


@dataclass
class ExportResult:
    tag: str
    rows: int
    files: list[Path]


def export(project: Project, tag: str, outdir: Path, formats: list[str], *, include_all: bool = False,
           documents: list[str] | None = None) -> ExportResult:
    """Write a language's worksheet in each format; returns what was written."""
    registry = project.registry()
    language = registry.get(tag)
    if language.source:
        raise PipelineError(Diagnostic(display_path(registry.path, project.root), language.line,
                                       "worksheet-language", f"{tag} is the source language; nothing to translate",
                                       "name a translation's tag, e.g. `worksheet export yua`"))
    sheet = build_sheet(project, registry, tag, include_all=include_all, documents=documents)
    outdir.mkdir(parents=True, exist_ok=True)
    stem = f"hoja-de-traduccion-{tag}" + (f"-{'-'.join(d.replace('/', '_') for d in documents)}" if documents else "")
    written = []
    for name in formats:
        target = outdir / f"{stem}.{name}"
        temporary = outdir / f".{stem}.tmp.{name}"
        try:
            office.WRITERS[name](sheet, temporary)
            write_atomic(target, temporary.read_bytes())
        finally:
            temporary.unlink(missing_ok=True)
        written.append(target)
    return ExportResult(tag, len(sheet.rows), written)


@dataclass
class ImportReport:
    tag: str
    imported: list[int] = field(default_factory=list)     # row numbers
    unchanged: list[int] = field(default_factory=list)
    conflicts: list[int] = field(default_factory=list)
    rejected: list[int] = field(default_factory=list)
    empty: int = 0
    diagnostics: list[Diagnostic] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    conflict_file: Path | None = None

    def summary(self) -> str:
        return (f"{self.tag}: {len(self.imported)} imported, {len(self.unchanged)} unchanged, "
                f"{len(self.conflicts)} conflicts, {len(self.rejected)} rejected ({self.empty} empty rows skipped)")


@dataclass
class _Planned:
    row: Row
    entry: Entry
    path: Path
    text: str
    note: str


class _Collector:
    """Collects check diagnostics for one row (checks.check_entry reports through a callable)."""

    def __init__(self) -> None:
        self.found: list[tuple[str, str, str, str]] = []

    def __call__(self, line: int, code: str, message: str, hint: str, severity: str = "error") -> None:
        self.found.append((code, message, hint, severity))


def _clean(text: str, msgid: str) -> str:
    """The cell as the catalog should hold it: LF newlines, NFC, the msgid's edge spaces."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n")).strip()
    return msgid[:len(msgid) - len(msgid.lstrip())] + text + msgid[len(msgid.rstrip()):]


def _language(project: Project, sheet: Sheet, shown: str, wanted: str | None) -> Language:
    registry = project.registry()
    if sheet.version != FORMAT_VERSION:
        raise PipelineError(Diagnostic(shown, 2, "worksheet-not-a-worksheet",
                                       f"worksheet format {sheet.version}, this tool reads {FORMAT_VERSION}",
                                       "export a new worksheet and copy the translations into it"))
    if wanted and sheet.tag != wanted:
        raise PipelineError(Diagnostic(shown, 2, "worksheet-language",
                                       f"this is a worksheet for {sheet.tag!r}, not {wanted!r}",
                                       f"import it with --language {sheet.tag}, or pick the {wanted} worksheet"))
    if sheet.tag not in registry or registry.get(sheet.tag).source:
        raise PipelineError(Diagnostic(shown, 2, "worksheet-language",
                                       f"{sheet.tag!r} is not a registered translation",
                                       "register the language first (`python -m scripts add-language TAG`)"))
    return registry.get(sheet.tag)


def import_worksheet(project: Project, path: Path, *, language: str | None = None, review: bool = False,
                     force: bool = False, conflicts: Path | None = None, wait: float = 30.0) -> ImportReport:
    """Check every row of a filled worksheet, then write the good ones into the catalogs."""
    shown = display_path(path, project.root)
    try:
        sheet = office.read_sheet(path)
    except office.NotAWorksheet as exc:
        what, _, hint = str(exc).partition(" — ")
        raise PipelineError(Diagnostic(shown, 0, "worksheet-not-a-worksheet", what, hint)) from None
    lang = _language(project, sheet, shown, language)
    report = ImportReport(lang.tag)
    aside: list[list[str]] = []

    def reject(row: Row, code: str, message: str, hint: str, severity: str = "error") -> None:
        report.diagnostics.append(Diagnostic(shown, row.number, code, message, hint, severity))

    with catalog_lock(project, wait):
        catalogs: dict[str, tuple[Path, pofile.Catalog] | None] = {}
        planned: list[_Planned] = []
        seen: dict[str, int] = {}
        for row in sheet.rows:
            text, row_id = row.translation, row.id.strip()
            if not text.strip():
                report.empty += bool(row_id)  # a row left to translate later (blank rows: not counted)
                continue
            match = ID_RE.match(row_id)
            if match is None:
                reject(row, "worksheet-row", "a translation in a row without a valid ID",
                       "write translations only in the rows the worksheet came with; do not add rows")
                report.rejected.append(row.number)
                continue
            if row_id in seen:
                reject(row, "worksheet-row", f"the row {row_id} is repeated (first at row {seen[row_id]})",
                       "keep one translation per row; delete the copy")
                report.rejected.append(row.number)
                continue
            seen[row_id] = row.number
            if "translation" in row.formulas or text.lstrip().startswith("="):
                reject(row, "worksheet-formula", "the translation is a spreadsheet formula, not text",
                       "type the translation as text (a translation never starts with =)")
                report.rejected.append(row.number)
                continue
            docname = match.group("doc")
            if docname not in catalogs:
                target = project.catalogdir(lang.tag) / f"{docname}.po"
                catalogs[docname] = (target, read_catalog(target, project.root)) if target.is_file() else None
            found = catalogs[docname]
            entry = find_entry(found[1], docname, row_id) if found else None
            if found is None or entry is None:
                reject(row, "worksheet-conflict", "the Spanish text of this row changed (or was removed) since "
                       "the worksheet was exported; nothing was written for it",
                       "its translation is saved in the conflicts file: export a new worksheet and "
                       "translate the row again from there")
                report.conflicts.append(row.number)
                aside.append([str(row.number), row_id, "source changed", row.source, "", text])
                continue
            try:
                restored = from_markers(text, to_markers(entry.msgid))
            except MarkerError as exc:
                reject(row, "worksheet-marker", *_split(str(exc)))
                report.rejected.append(row.number)
                continue
            restored = _clean(restored, entry.msgid)
            candidate = Entry(msgid=entry.msgid, msgstr=restored, msgctxt=entry.msgctxt,
                              flags=[f for f in entry.flags if f != "fuzzy"], msgstr_line=row.number)
            collect = _Collector()
            checks.check_entry(candidate, lang, collect)  # type: ignore[arg-type]
            terminology.check_terms([candidate], lang.tag, project.localedir, collect)
            errors = [item for item in collect.found if item[3] == "error"]
            for code, message, hint, severity in collect.found:
                reject(row, code, message, hint, severity)
            if errors:
                report.rejected.append(row.number)
                continue
            state_now = translation_state(entry)
            exported_state = row.control.strip().rpartition(":")[2]
            if restored == entry.msgstr and (entry.fuzzy == review):
                report.unchanged.append(row.number)
                continue
            if exported_state != state_now and entry.msgstr and restored != entry.msgstr and not force:
                reject(row, "worksheet-conflict", "the catalog's translation of this row changed since the worksheet "
                       "was exported; it was kept", "compare the two in the conflicts file and keep the better one "
                       "(or import again with --force to let the worksheet win)")
                report.conflicts.append(row.number)
                aside.append([str(row.number), row_id, "catalog changed", row.source, entry.msgstr, restored])
                continue
            if exported_state != state_now and entry.msgstr and restored != entry.msgstr:
                # --force: the worksheet wins, and the catalog's text is kept aside, not lost
                aside.append([str(row.number), row_id, "catalog changed, replaced (--force)", row.source,
                              entry.msgstr, restored])
            planned.append(_Planned(row, entry, found[0], restored, " ".join(row.notes.split())))
        by_path = {found[0]: found[1] for found in catalogs.values() if found}
        for plan in planned:
            plan.entry.msgstr = plan.text
            plan.entry.fuzzy = review
            if plan.note:
                plan.entry.comments = [c for c in plan.entry.comments if not c.startswith(NOTE_PREFIX)]
                plan.entry.comments.append(f"{NOTE_PREFIX} {plan.note}")
            report.imported.append(plan.row.number)
        for target in sorted({plan.path for plan in planned}):
            if write_atomic(target, pofile.dumps(by_path[target])):
                report.written.append(target)
    if aside:
        report.conflict_file = conflicts or path.with_name(f"{path.stem}-conflictos.csv")
        write_atomic(report.conflict_file, _conflicts_csv(aside))
    report.diagnostics.sort(key=lambda d: (d.line, d.code))
    return report


def _split(message: str) -> tuple[str, str]:
    what, _, hint = message.partition("; ")
    return what, hint or "copy the markers from the Spanish text"


def _conflicts_csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["fila", "ID", "motivo", "español (al exportar)", "traducción en el catálogo",
                     "traducción de la hoja"])
    # the coordinator opens this file in a spreadsheet: untrusted text must not become a formula
    writer.writerows([["'" + cell if cell.startswith(office.FORMULA_START) else cell for cell in row]
                      for row in rows])
    return out.getvalue()

