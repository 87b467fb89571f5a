"""Worksheets as office files: .xlsx (openpyxl), .ods (odfpy), .docx (python-docx), and .csv read.

One job (over 400 lines: one reader and one writer per format, through each format's library).

Every format has the same layout, so a file saved by LibreOffice, Excel, Google Sheets or Word
(or exported from them as CSV) reads back the same way: a title line, the signature line
(`politica-datos-abiertos hoja-de-traduccion 1 TAG`), a one-line reminder, the column headings,
then one row per entry. The files are untrusted when they come back: the XML parsers below do
not expand entities (openpyxl parses with defusedxml, python-docx with resolve_entities=False,
odfpy through expat), and a file larger than MAX_BYTES, or a zip that unpacks to more than
MAX_UNPACKED, is refused before it is parsed.

Text cells that begin with = + - @ (or a tab/CR) are written as text that no spreadsheet
evaluates: string-typed cells with Excel's quote prefix in .xlsx, string-valued cells in .ods.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from scripts.worksheet.rows import COLUMNS, HEADINGS, INSTRUCTIONS, SIGNATURE_RE, Row, Sheet

MAX_BYTES = 50 * 1024 * 1024       # the policy's longest worksheet is under 1 MB
MAX_UNPACKED = 500 * 1024 * 1024
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
REMINDER = ("Escriba sólo en «Su traducción» y «Notas»; copie los marcadores ⟦1⟧…⟦/1⟧ como están. "
            "Instrucciones en la primera hoja.")
SHEET_NAME = "Traducción"
INSTRUCTIONS_NAME = "Instrucciones"
HEADER_ROWS = 4  # title, signature, reminder, headings


class NotAWorksheet(ValueError):
    """The file is not a worksheet this tool wrote (or cannot be read at all)."""


def _stamp() -> dt.datetime:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = dt.datetime.fromtimestamp(int(epoch), dt.UTC) if epoch and epoch.isdigit() else dt.datetime.now(dt.UTC)
    return moment.replace(tzinfo=None, microsecond=0)


def _table(sheet: Sheet) -> list[list[str]]:
    head = [[sheet.title], [sheet.signature], [REMINDER], [heading for _, heading, _, _ in COLUMNS]]
    return head + [row.cells() for row in sheet.rows]


# ----------------------------------------------------------------------------------------------
# Writing

def write_xlsx(sheet: Sheet, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.properties.creator = "politica-datos-abiertos"
    book.properties.created = book.properties.modified = _stamp()
    wrap = Alignment(wrap_text=True, vertical="top")
    guide = book.active
    guide.title = INSTRUCTIONS_NAME
    guide.column_dimensions["A"].width = 100
    for number, line in enumerate(INSTRUCTIONS, 1):
        cell = guide.cell(row=number, column=1, value=line)
        cell.alignment = wrap
        cell.font = Font(bold=number == 1, size=14 if number == 1 else 11)
        guide.row_dimensions[number].height = 18 if number == 1 else 15 * max(1, -(-len(line) // 90))
    guide.page_setup.orientation = "landscape"
    guide.protection.sheet = True

    work = book.create_sheet(SHEET_NAME)
    book.active = 1
    editable = PatternFill("solid", fgColor="FFF9E5")
    review = PatternFill("solid", fgColor="FCE4D6")
    for r, values in enumerate(_table(sheet), 1):
        for c, value in enumerate(values, 1):
            cell = work.cell(row=r, column=c)
            cell.value = value
            cell.data_type = "s"  # never a formula, whatever the text starts with
            if value.startswith(FORMULA_START):
                cell.quotePrefix = True
            cell.alignment = wrap
            if r <= HEADER_ROWS:
                cell.font = Font(bold=r in (1, HEADER_ROWS), size=13 if r == 1 else 10,
                                 color="808080" if r == 2 else None)
                continue
            key = COLUMNS[c - 1][0]
            if COLUMNS[c - 1][3]:
                cell.protection = Protection(locked=False)
                cell.fill = editable
            elif key == "state" and values[c - 1] == "POR REVISAR":
                cell.fill = review
    for r in range(1, HEADER_ROWS):  # title, signature and reminder span the table
        work.merge_cells(start_row=r, start_column=1, end_row=r, end_column=len(COLUMNS) - 1)
    for c, (key, _, width, _) in enumerate(COLUMNS, 1):
        letter = get_column_letter(c)
        work.column_dimensions[letter].width = width
        if key == "control":
            work.column_dimensions[letter].hidden = True
    work.freeze_panes = work.cell(row=HEADER_ROWS + 1, column=2)
    for r, row in enumerate(sheet.rows, HEADER_ROWS + 1):
        # neither Excel nor LibreOffice grows a row to its wrapped text on opening a file
        work.row_dimensions[r].height = 12.75 * _lines(row)
    work.page_setup.orientation = "landscape"  # a printed worksheet: letter paper, columns across
    work.page_setup.paperSize = work.PAPERSIZE_LETTER
    work.page_setup.scale = 55
    work.print_title_rows = f"{HEADER_ROWS}:{HEADER_ROWS}"
    protection = work.protection
    protection.sheet = True
    protection.formatColumns = protection.formatRows = protection.formatCells = False  # resizing is fine
    protection.autoFilter = protection.sort = False
    book.save(path)


def _lines(row: Row) -> int:
    """How many lines the row's longest cell wraps to at its column's width."""
    counts = [sum(max(1, -(-len(line) // max(width - 2, 1))) for line in value.split("\n"))
              for value, (_, _, width, _) in zip(row.cells(), COLUMNS, strict=True) if value]
    return min(max(counts, default=1), 40)


def write_ods(sheet: Sheet, path: Path) -> None:
    from odf import teletype
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.style import Style, TableCellProperties, TableColumnProperties, TextProperties
    from odf.table import Table, TableCell, TableColumn, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    doc.meta.addElement(_ods_date(_stamp()))

    def cell_style(name: str, protect: str, background: str | None = None, bold: bool = False) -> Style:
        style = Style(name=name, family="table-cell")
        properties = {"wrapoption": "wrap", "verticalalign": "top", "cellprotect": protect}
        if background:
            properties["backgroundcolor"] = background
        style.addElement(TableCellProperties(**properties))
        if bold:
            style.addElement(TextProperties(fontweight="bold"))
        doc.automaticstyles.addElement(style)
        return style

    locked = cell_style("locked", "protected")
    header = cell_style("header", "protected", bold=True)
    editable = cell_style("editable", "none", "#fff9e5")
    review = cell_style("review", "protected", "#fce4d6")

    def add_row(table: Table, values: Iterable[str], styles: Iterable[Style]) -> None:
        row = TableRow()
        for value, style in zip(values, styles, strict=True):
            cell = TableCell(valuetype="string", stylename=style)
            for line in value.split("\n") if value else []:
                paragraph = P()
                teletype.addTextToElement(paragraph, line)
                cell.addElement(paragraph)
            row.addElement(cell)
        table.addElement(row)

    guide = Table(name=INSTRUCTIONS_NAME, protected="true")
    wide = Style(name="wide", family="table-column")
    wide.addElement(TableColumnProperties(columnwidth="24cm"))
    doc.automaticstyles.addElement(wide)
    guide.addElement(TableColumn(stylename=wide))
    for number, line in enumerate(INSTRUCTIONS, 1):
        add_row(guide, [line], [header if number == 1 else locked])
    doc.spreadsheet.addElement(guide)

    work = Table(name=SHEET_NAME, protected="true")
    for index, (key, _, width, _) in enumerate(COLUMNS):
        style = Style(name=f"col{index}", family="table-column")
        style.addElement(TableColumnProperties(columnwidth=f"{width * 0.21:.2f}cm"))
        doc.automaticstyles.addElement(style)
        column = TableColumn(stylename=style)
        if key == "control":
            column.setAttribute("visibility", "collapse")
        work.addElement(column)
    for number, values in enumerate(_table(sheet), 1):
        if number <= HEADER_ROWS:
            add_row(work, values, [header if number in (1, HEADER_ROWS) else locked] * len(values))
            continue
        styles = [editable if editable_column else review if key == "state" and value == "POR REVISAR" else locked
                  for (key, _, _, editable_column), value in zip(COLUMNS, values, strict=True)]
        add_row(work, values, styles)
    doc.spreadsheet.addElement(work)
    _open_on(doc, SHEET_NAME)
    doc.save(str(path))


def _open_on(doc: Any, table: str) -> None:
    """Open the file on the worksheet, not the instructions: a CSV export saves the sheet in view."""
    from odf.config import ConfigItem, ConfigItemMapEntry, ConfigItemMapIndexed, ConfigItemSet

    view = ConfigItemMapEntry()
    item = ConfigItem(name="ActiveTable", type="string")
    item.addText(table)
    view.addElement(item)
    views = ConfigItemMapIndexed(name="Views")
    views.addElement(view)
    settings = ConfigItemSet(name="ooo:view-settings")
    settings.addElement(views)
    doc.settings.addElement(settings)


def _ods_date(moment: dt.datetime) -> object:
    from odf.dc import Date

    return Date(text=moment.isoformat())


def write_docx(sheet: Sheet, path: Path) -> None:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm, Pt, RGBColor

    doc = Document()
    doc.core_properties.author = "politica-datos-abiertos"
    doc.core_properties.created = doc.core_properties.modified = _stamp()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(27.94), Cm(21.59)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.2))
    doc.styles["Normal"].font.size = Pt(8)
    doc.add_heading(sheet.title, level=1)
    signature = doc.add_paragraph().add_run(sheet.signature)
    signature.font.color.rgb = RGBColor(0x80, 0x80, 0x80)
    for line in INSTRUCTIONS[2:]:
        doc.add_paragraph(line.replace("la hoja «Traducción»", "la tabla de abajo"))
    table = doc.add_table(rows=len(sheet.rows) + 1, cols=len(COLUMNS))  # one call: add_row is slow
    table.style = "Table Grid"
    table.autofit = False
    widths = [Cm(max(w, 20) * 0.075) for _, _, w, _ in COLUMNS]  # about 25 cm: landscape letter
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    rows = table.rows
    for cell, (_, heading, _, _) in zip(rows[0].cells, COLUMNS, strict=True):
        cell.paragraphs[0].add_run(heading).bold = True
    for table_row, row in zip(rows[1:], sheet.rows, strict=True):
        for cell, (key, _, _, _), value in zip(table_row.cells, COLUMNS, row.cells(), strict=True):
            paragraph = cell.paragraphs[0]
            for i, line in enumerate(value.split("\n")):
                if i:
                    paragraph = cell.add_paragraph()
                run = paragraph.add_run(line)
                if key == "control":
                    run.font.size = Pt(5)
                    run.font.color.rgb = RGBColor(0xA0, 0xA0, 0xA0)
    doc.save(str(path))


WRITERS = {"xlsx": write_xlsx, "ods": write_ods, "docx": write_docx}


# ----------------------------------------------------------------------------------------------
# Reading

def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


def _grid_xlsx(path: Path) -> list[list[tuple[str, bool]]]:
    from openpyxl import load_workbook

    book = load_workbook(path, data_only=False, read_only=False)
    grids = []
    for work in book.worksheets:
        grids.append([[(_text(cell.value), cell.data_type == "f") for cell in row] for row in work.iter_rows()])
    return _pick(grids)


def _grid_ods(path: Path) -> list[list[tuple[str, bool]]]:
    from odf import teletype
    from odf.opendocument import load
    from odf.table import Table, TableRow
    from odf.text import P

    doc = load(str(path))
    grids = []
    for table in doc.spreadsheet.getElementsByType(Table):
        grid: list[list[tuple[str, bool]]] = []
        for row in table.getElementsByType(TableRow):
            cells: list[tuple[str, bool]] = []
            for cell in row.childNodes:
                if cell.qname[1] not in ("table-cell", "covered-table-cell"):
                    continue
                repeat = int(cell.getAttribute("numbercolumnsrepeated") or 1)
                text = "\n".join(teletype.extractText(p) for p in cell.getElementsByType(P))
                formula = cell.qname[1] == "table-cell" and bool(cell.getAttribute("formula"))
                # LibreOffice pads a row with thousands of repeated empty cells: keep enough for our columns
                cells.extend([(text, formula)] * (repeat if text or formula else min(repeat, 64)))
            repeat = int(row.getAttribute("numberrowsrepeated") or 1)
            filled = any(text or formula for text, formula in cells)
            grid.extend([cells] * (repeat if filled else min(repeat, 10_000)))
        grids.append(grid)
    return _pick(grids)


def _grid_docx(path: Path) -> list[list[tuple[str, bool]]]:
    from docx import Document

    doc = Document(str(path))
    head = [[(p.text, False)] for p in doc.paragraphs if p.text.strip()]
    signature = [row for row in head if SIGNATURE_RE.match(row[0][0].strip())]
    grids = []
    for table in doc.tables:
        rows = [[("\n".join(p.text for p in cell.paragraphs), False) for cell in row.cells] for row in table.rows]
        # the title block lives in paragraphs above the table: put it where the other formats have it
        grids.append([[("", False)], signature[0] if signature else [("", False)], [("", False)], *rows])
    return _pick(grids)


def _grid_csv(path: Path) -> list[list[tuple[str, bool]]]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise NotAWorksheet("the CSV file is not UTF-8 — export it again as «CSV UTF-8» "
                            "(LibreOffice: character set Unicode (UTF-8))") from None
    sample = text[:20000]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = list(csv.reader(io.StringIO(text, newline=""), dialect))
    return _pick([[[(cell, False) for cell in row] for row in rows]])


def _pick(grids: list[list[list[tuple[str, bool]]]]) -> list[list[tuple[str, bool]]]:
    """The grid that carries the worksheet signature in its title block."""
    for grid in grids:
        for row in grid[:HEADER_ROWS + 2]:
            if any(SIGNATURE_RE.match(text.strip()) for text, _ in row):
                return grid
    raise NotAWorksheet("no worksheet signature line («politica-datos-abiertos hoja-de-traduccion …») "
                        "in its first rows — import only a worksheet made by `worksheet export`, "
                        "saved with its title rows")


READERS = {".xlsx": _grid_xlsx, ".ods": _grid_ods, ".docx": _grid_docx, ".csv": _grid_csv}
ROW_OFFSET = {".docx": -3}  # a Word table's rows are counted from its heading row, not the title


def read_sheet(path: Path) -> Sheet:
    """The rows of a filled worksheet, whichever application saved it. Raises NotAWorksheet."""
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise NotAWorksheet(f"{path.suffix or 'a file without extension'} is not a worksheet format — "
                            f"save it as {', '.join(sorted(READERS))}")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise NotAWorksheet(f"cannot read the file ({exc.strerror})") from None
    if size > MAX_BYTES:
        raise NotAWorksheet(f"the file is {size // 1_000_000} MB, more than a worksheet can be — "
                            "export a new worksheet and fill that one")
    try:
        if path.suffix.lower() != ".csv":
            _refuse_zip_bomb(path)
        grid = reader(path)
    except NotAWorksheet:
        raise
    except Exception as exc:  # a hostile file may break a parser in any way: never a traceback
        raise NotAWorksheet(f"the file cannot be read as {path.suffix} ({type(exc).__name__}) — "
                            "open it in LibreOffice or Excel and save it again") from None
    sheet = _rows_of(grid)
    for row in sheet.rows:
        row.number += ROW_OFFSET.get(path.suffix.lower(), 0)
    return sheet


def _refuse_zip_bomb(path: Path) -> None:
    """Office files are zip archives: refuse one that would unpack to far more than a worksheet."""
    with zipfile.ZipFile(path) as archive:
        unpacked = sum(info.file_size for info in archive.infolist())
    if unpacked > MAX_UNPACKED:
        raise NotAWorksheet(f"the file unpacks to {unpacked // 1_000_000} MB, more than a worksheet can be — "
                            "export a new worksheet and fill that one")


def _rows_of(grid: list[list[tuple[str, bool]]]) -> Sheet:
    tag = ""
    version = 0
    title = ""
    heading_row = -1
    headings = {heading: key for key, heading in HEADINGS.items()}
    for index, row in enumerate(grid[:HEADER_ROWS + 4]):
        texts = [text.strip() for text, _ in row]
        for text in texts:
            match = SIGNATURE_RE.match(text)
            if match:
                version, tag = int(match.group(1)), match.group(2)
        if "ID" in texts and headings.keys() & set(texts) == headings.keys():
            heading_row = index
            break
        if index == 0 and texts:
            title = texts[0]
    if heading_row < 0:
        raise NotAWorksheet("the row of column headings (ID, Español, Su traducción…) is missing — "
                            "keep the worksheet's first four rows as they were exported")
    columns = {i: headings[text.strip()] for i, (text, _) in enumerate(grid[heading_row])
               if text.strip() in headings}
    rows: list[Row] = []
    for index in range(heading_row + 1, len(grid)):
        read = Row(number=index + 1)
        for i, (text, formula) in enumerate(grid[index]):
            key = columns.get(i)
            if key is None:
                continue
            setattr(read, key, text)
            if formula:
                read.formulas.add(key)
        rows.append(read)
    return Sheet(tag=tag, title=title, rows=rows, version=version)
