"""Import refuses, row by row, what must not reach a catalog, and imports the rest.

Every failure the issue names: a broken marker, unsafe content, a wrong apostrophe, a conflict
after a source change (and after a catalog change), a formula cell, an empty row, a file of
another language, a file that is not a worksheet. Each problem is `FILE:row: [code] what — fix`.
"""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path

import pytest

from scripts import catalogs, pofile
from scripts.__main__ import main
from scripts.diagnostics import PipelineError
from scripts.project import Project
from scripts.worksheet import office, transfer
from scripts.worksheet.rows import COLUMNS
from tests.translator_fixtures import write_docs
from tests.worksheet.conftest import DOCS, edit_xlsx, export_xlsx, fill, soffice_convert

TERM_ROW = "Los ⟦1⟧datos abiertos⟦/1⟧ se publican en formatos abiertos⟦2⟧."
STYLE_ROW = "Un texto con ⟦1⟧énfasis⟦/1⟧ y ⟦2⟧fuerza⟦/2⟧."


def sheet_with(project: Project, tmp_path: Path, special: dict[str, object]) -> Path:
    """The yua worksheet, every row filled like the golden test except those in `special`
    (Spanish text -> translation, or a callable given the cell)."""
    def change(row: dict[str, str], cells: dict[str, object]) -> None:
        source = row["Español"]
        value = special.get(source, fill(source))
        if callable(value):
            value(cells["Su traducción"])
        else:
            cells["Su traducción"].value = value
    return edit_xlsx(export_xlsx(project, tmp_path), change, tmp_path / "llena.xlsx")


def catalog_text(project: Project) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(project.catalogdir("yua").glob("*.po"))}


def msgstr_of(project: Project, msgid_start: str) -> pofile.Entry:
    catalog = pofile.read(project.catalogdir("yua") / "capitulo.po")
    return next(e for e in catalog.active if e.msgid.startswith(msgid_start))


def codes(report: transfer.ImportReport) -> list[tuple[int, str]]:
    return [(d.line, d.code) for d in report.diagnostics if d.is_error]


@pytest.mark.parametrize(("translation", "code"), [
    ("FIXTURE ⟦1⟧x se publican ⟦2⟧.", "worksheet-marker"),                       # never closed
    ("FIXTURE x se publican.", "worksheet-marker"),                              # markers missing
    ("FIXTURE ⟦1⟧FIXTURE-datos⟦/1⟧ ⟦2⟧ ⟦3⟧.", "worksheet-marker"),                            # a marker too many
    ("FIXTURE ⟦/1⟧x⟦1⟧ ⟦2⟧.", "worksheet-marker"),                                # closed before opened
    ("FIXTURE ⟦1⟧FIXTURE-datos⟦/1⟧ <script>alert(1)</script> ⟦2⟧.", "unsafe-script"),
    ("FIXTURE ⟦1⟧FIXTURE-datos⟦/1⟧ [aquí](javascript:alert(1)) ⟦2⟧.", "unsafe-url"),
    ("FIXTURE ⟦1⟧FIXTURE-datos⟦/1⟧ {raw}`html` ⟦2⟧.", "unsafe-directive"),
    ("FIXTURE ⟦1⟧FIXTURE-datos⟦/1⟧ k’aax ⟦2⟧.", "apostrophe"),                                   # yua writes U+0027
    ("=HIPERVINCULO(\"https://example.com\")", "worksheet-formula"),
])
def test_a_bad_row_is_rejected_and_the_others_imported(project: Project, tmp_path: Path, translation: str,
                                                       code: str, capsys: pytest.CaptureFixture[str]) -> None:
    path = sheet_with(project, tmp_path, {TERM_ROW: translation})
    before = msgstr_of(project, "Los {term}").msgstr
    status = main(["--root", str(project.root), "worksheet", "import", str(path)])
    captured = capsys.readouterr()
    assert status == 1
    rejected = [line for line in captured.err.splitlines() if f"[{code}]" in line]
    assert len(rejected) == 1 and rejected[0].startswith(f"{path}:8: [{code}] ") and " — " in rejected[0], \
        captured.err
    assert "10 imported, 0 unchanged, 0 conflicts, 1 rejected" in captured.out
    assert msgstr_of(project, "Los {term}").msgstr == before == ""
    assert msgstr_of(project, "Un texto").msgstr.startswith("FIXTURE: ")


def test_marker_messages_name_the_marker(project: Project, tmp_path: Path) -> None:
    path = sheet_with(project, tmp_path, {STYLE_ROW: "FIXTURE ⟦1⟧a ⟦2⟧b⟦/1⟧ c⟦/2⟧."})
    report = transfer.import_worksheet(project, path)
    (diagnostic,) = [d for d in report.diagnostics if d.is_error]
    assert diagnostic.code == "worksheet-marker" and "overlap" in diagnostic.message and diagnostic.hint


def test_a_formula_cell_is_rejected(project: Project, tmp_path: Path) -> None:
    def formula(cell: object) -> None:
        cell.value = "=CONCATENAR(\"FIXTURE\";\"x\")"
    path = sheet_with(project, tmp_path, {STYLE_ROW: formula})
    report = transfer.import_worksheet(project, path)
    assert codes(report) == [(11, "worksheet-formula")]
    assert msgstr_of(project, "Un texto").msgstr == ""


def test_empty_rows_are_skipped_and_a_row_without_id_is_refused(project: Project, tmp_path: Path) -> None:
    path = sheet_with(project, tmp_path, {STYLE_ROW: ""})
    from openpyxl import load_workbook
    book = load_workbook(path)
    sheet = book["Traducción"]
    sheet.insert_rows(7)                                   # a blank row in the middle: ignored
    column = [key for key, *_ in COLUMNS].index("translation") + 1
    sheet.cell(row=sheet.max_row + 2, column=column, value="FIXTURE stray")  # a translation without an ID
    book.save(path)
    report = transfer.import_worksheet(project, path)
    assert codes(report) == [(sheet.max_row, "worksheet-row")]
    assert report.empty == 1 and len(report.imported) == 10
    assert msgstr_of(project, "Un texto").msgstr == ""


def test_a_source_change_is_a_conflict_kept_aside(project: Project, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    translation = "+" + fill(STYLE_ROW)  # text a spreadsheet would take for a formula
    path = sheet_with(project, tmp_path, {STYLE_ROW: translation})
    changed = dict(DOCS)
    changed["capitulo.md"] = DOCS["capitulo.md"].replace("Un texto con *énfasis* y **fuerza**.",
                                                         "Un texto con *énfasis*, **fuerza** y algo más.")
    write_docs(project.root, changed)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    catalogs.update(project)
    report = transfer.import_worksheet(project, path)
    assert codes(report) == [(11, "worksheet-conflict")]
    assert len(report.imported) == 10 and report.conflicts == [11]
    assert msgstr_of(project, "Un texto").msgstr == ""          # the new paragraph is not given an old text
    aside = list(csv.reader(report.conflict_file.open(encoding="utf-8")))
    assert aside[1][0] == "11" and aside[1][-1] == "'" + translation  # nothing lost, nothing evaluated


def test_a_catalog_change_is_a_conflict_unless_forced(project: Project, tmp_path: Path) -> None:
    path = sheet_with(project, tmp_path, {})
    target = project.catalogdir("yua") / "capitulo.po"
    catalog = pofile.read(target)
    entry = next(e for e in catalog.active if e.msgid.startswith("Un texto"))
    entry.msgstr = "FIXTURE written meanwhile *a* **b**."
    target.write_text(pofile.dumps(catalog), encoding="utf-8")
    report = transfer.import_worksheet(project, path)
    assert codes(report) == [(11, "worksheet-conflict")]
    assert msgstr_of(project, "Un texto").msgstr == "FIXTURE written meanwhile *a* **b**."
    forced = transfer.import_worksheet(project, path, force=True)
    assert codes(forced) == [] and forced.imported == [11]
    assert msgstr_of(project, "Un texto").msgstr == "FIXTURE: Un texto con *énfasis* y **fuerza**."
    aside = list(csv.reader(forced.conflict_file.open(encoding="utf-8")))
    assert aside[1][4] == "FIXTURE written meanwhile *a* **b**."  # the replaced text is kept aside


def test_a_worksheet_of_another_language_is_refused(project: Project, tmp_path: Path) -> None:
    english = export_xlsx(project, tmp_path, "en")
    before = catalog_text(project)
    with pytest.raises(PipelineError) as raised:
        transfer.import_worksheet(project, english, language="yua")
    (diagnostic,) = raised.value.diagnostics
    assert diagnostic.code == "worksheet-language" and "'en'" in diagnostic.message
    assert catalog_text(project) == before


def test_an_unregistered_language_is_refused(project: Project, tmp_path: Path) -> None:
    path = export_xlsx(project, tmp_path)
    from openpyxl import load_workbook
    book = load_workbook(path)
    book["Traducción"]["A2"].value = "politica-datos-abiertos hoja-de-traduccion 1 tzo"
    book.save(path)
    with pytest.raises(PipelineError) as raised:
        transfer.import_worksheet(project, path)
    assert raised.value.diagnostics[0].code == "worksheet-language"


@pytest.mark.parametrize("kind", ["spreadsheet", "zip", "zip-bomb", "text", "latin1-csv", "no-extension"])
def test_a_file_that_is_not_a_worksheet_is_refused(project: Project, tmp_path: Path, kind: str,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    if kind == "spreadsheet":
        from openpyxl import Workbook
        book = Workbook()
        book.active.append(["nombre", "traducción"])
        path = tmp_path / "otra.xlsx"
        book.save(path)
    elif kind == "zip":
        path = tmp_path / "rota.ods"
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("content.xml", "<no")
    elif kind == "zip-bomb":
        path = tmp_path / "bomba.xlsx"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive, \
                archive.open("xl/worksheets/sheet1.xml", "w") as member:
            for _ in range(600):
                member.write(b"\0" * (1024 * 1024))
        assert path.stat().st_size < 2_000_000
    elif kind == "text":
        path = tmp_path / "notas.csv"
        path.write_text("hola,mundo\n", encoding="utf-8")
    elif kind == "latin1-csv":
        path = tmp_path / "hoja.csv"
        path.write_bytes("politica-datos-abiertos hoja-de-traduccion 1 yua\ntraducción\n".encode("latin-1"))
    else:
        path = tmp_path / "hoja"
        path.write_text("x", encoding="utf-8")
    before = catalog_text(project)
    assert main(["--root", str(project.root), "worksheet", "import", str(path)]) == 1
    err = capsys.readouterr().err
    assert "[worksheet-not-a-worksheet]" in err and " — " in err
    assert catalog_text(project) == before


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_formula_like_text_stays_text_in_a_spreadsheet(project: Project, tmp_path: Path, fmt: str) -> None:
    """Cells starting with = + - @ are written so that LibreOffice does not evaluate them."""
    exported = transfer.export(project, "yua", tmp_path, [fmt]).files[0]
    resaved = soffice_convert(exported, "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,2",
                              tmp_path / "csv")
    sources = [row.source for row in office.read_sheet(resaved).rows]
    assert "=1+1 no es una fórmula." in sources
    assert "@dato, +52 y -ABS(1) tampoco." in sources
    if fmt == "xlsx":
        from openpyxl import load_workbook
        cells = [c for row in load_workbook(exported)["Traducción"].iter_rows() for c in row
                 if isinstance(c.value, str) and c.value.startswith(("=", "@"))]
        assert cells and all(c.data_type == "s" and c.quotePrefix for c in cells)


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_the_file_opens_on_the_worksheet(project: Project, tmp_path: Path, fmt: str) -> None:
    """The instructions come first, but the application shows the worksheet (and exports it as CSV)."""
    from openpyxl import load_workbook

    exported = transfer.export(project, "yua", tmp_path, [fmt]).files[0]
    resaved = soffice_convert(exported, "xlsx", tmp_path / "out")
    book = load_workbook(resaved)
    assert book.sheetnames == ["Instrucciones", "Traducción"] and book.active.title == "Traducción"
