"""Export, fill, open and re-save with LibreOffice (as a translator's application would),
import: the catalog is byte for byte the golden one, with the MyST markup restored.

Regenerate the golden file after an intended change with
`POLICY_REGENERATE_GOLDEN=1 .venv/bin/python -m pytest tests/worksheet/test_roundtrip.py`
and read its diff before committing it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from docx import Document

from scripts import pofile, status
from scripts.project import Project
from scripts.worksheet import office, transfer
from tests.worksheet.conftest import edit_xlsx, export_xlsx, fill, soffice_convert

GOLDEN = Path(__file__).resolve().parent / "golden" / "capitulo.yua.po"
LATER = "Un párrafo que se traduce más tarde."
FILLED = 10       # rows the test fills: every entry of both documents but LATER
FILLED_HERE = 8   # of which in capitulo


def _fill_row(row: dict[str, str], cells: dict[str, object]) -> None:
    if row["Español"] == LATER:
        return  # left for later: the entry stays untranslated
    cells["Su traducción"].value = fill(row["Español"])
    if row["Español"].startswith("Un texto"):
        cells["Notas"].value = "FIXTURE note\nfor the reviewer"


def _assert_golden(project: Project) -> None:
    produced = (project.catalogdir("yua") / "capitulo.po").read_bytes()
    if os.environ.get("POLICY_REGENERATE_GOLDEN"):
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_bytes(produced)
    assert produced == GOLDEN.read_bytes()


@pytest.fixture(scope="module")
def filled(template: Project, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The yua worksheet, exported and filled with openpyxl."""
    outdir = tmp_path_factory.mktemp("filled")
    return edit_xlsx(export_xlsx(template, outdir), _fill_row, outdir / "llena.xlsx")


CSV = "csv:Text - txt - csv (StarCalc):{},34,76,1,,0,false,true,false,false,false,2"  # sheet 2, UTF-8


@pytest.mark.parametrize("target", ["xlsx", "ods", CSV.format(44), CSV.format(59)],
                         ids=["xlsx", "ods", "csv", "csv-semicolon"])
def test_resaved_by_libreoffice_imports_to_the_golden_catalog(project: Project, filled: Path, tmp_path: Path,
                                                              target: str) -> None:
    resaved = soffice_convert(filled, target, tmp_path)
    assert office.read_sheet(resaved).tag == "yua"
    before = status.count_file(project.catalogdir("yua") / "capitulo.po")
    report = transfer.import_worksheet(project, resaved)
    assert [str(d) for d in report.diagnostics if d.is_error] == []
    assert (len(report.imported), len(report.conflicts), len(report.rejected), report.empty) == (FILLED, 0, 0, 1)
    _assert_golden(project)
    text = "\n".join(e.msgstr for e in pofile.read(project.catalogdir("yua") / "capitulo.po").entries)
    assert "{term}`FIXTURE-datos <datos abiertos>`" in text and "[^ley]" in text
    assert "[portal](https://datos.gob.mx)" in text and "`CSV`" in text
    after = status.count_file(project.catalogdir("yua") / "capitulo.po")
    assert after.entries["translated"] == before.entries["translated"] + FILLED_HERE  # status moves accordingly
    again = transfer.import_worksheet(project, resaved)         # a second import changes nothing
    assert (len(again.imported), len(again.unchanged)) == (0, FILLED) and again.written == []


def test_word_table_imports_to_the_golden_catalog(project: Project, tmp_path: Path) -> None:
    exported = transfer.export(project, "yua", tmp_path, ["docx"]).files[0]
    doc = Document(str(exported))
    table = doc.tables[0]
    headings = [cell.text for cell in table.rows[0].cells]
    for row in table.rows[1:]:
        cells = dict(zip(headings, row.cells, strict=True))
        source = cells["Español"].text
        if source == LATER:
            continue
        cells["Su traducción"].text = fill(source)
        if source.startswith("Un texto"):
            cells["Notas"].text = "FIXTURE note\nfor the reviewer"
    doc.save(str(tmp_path / "llena.docx"))
    resaved = soffice_convert(tmp_path / "llena.docx", "docx", tmp_path / "out")
    report = transfer.import_worksheet(project, resaved)
    assert [str(d) for d in report.diagnostics if d.is_error] == []
    _assert_golden(project)


def test_review_imports_as_fuzzy(project: Project, filled: Path) -> None:
    report = transfer.import_worksheet(project, filled, review=True)
    assert len(report.imported) == FILLED
    catalog = pofile.read(project.catalogdir("yua") / "capitulo.po")
    assert all(e.fuzzy for e in catalog.active if e.msgstr)
    counts = status.count_file(project.catalogdir("yua") / "capitulo.po")
    assert (counts.entries["translated"], counts.entries["fuzzy"]) == (0, FILLED_HERE)
    confirmed = transfer.import_worksheet(project, filled)  # a second speaker confirms: translated
    assert len(confirmed.imported) == FILLED
    _assert_golden(project)
