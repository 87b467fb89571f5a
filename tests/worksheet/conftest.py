"""A small project for the worksheet tests: every kind of markup, formula-like paragraphs, an
English reference, and a yua terminology table with one clearly fake FIXTURE term.

Nothing here is a translation into anyone's language: every "translation" is a FIXTURE string.
"""

from __future__ import annotations

import shutil
import subprocess
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook

from scripts import catalogs, pofile
from scripts.project import Project
from scripts.worksheet import transfer
from tests.translator_fixtures import make_project

DOCS = {
    "index.md": """\
        (inicio)=
        # Proyecto de prueba

        Este proyecto existe para probar las hojas de trabajo.

        ```{toctree}
        capitulo
        ```
        """,
    "capitulo.md": """\
        # Capítulo de datos

        Los {term}`datos abiertos` se publican en formatos abiertos[^ley].

        Consulte la {ref}`sección inicial <inicio>`, el [portal](https://datos.gob.mx) y el código `CSV`.

        ## Formas de texto

        Un texto con *énfasis* y **fuerza**.

        =1+1 no es una fórmula.

        @dato, +52 y -ABS(1) tampoco.

        Un párrafo que se traduce más tarde.

        [^ley]: Ley de datos.
        """,
}

TERMS = """\
# FIXTURE: a test table, not an agreed term of any community
es,traduccion,nota,acordado_por
datos abiertos,FIXTURE-datos,,
"""

SOFFICE = shutil.which("soffice") or "/usr/bin/soffice"


def fill(source: str) -> str:
    """A clearly fake translation that keeps every marker of the source in place."""
    return "FIXTURE: " + source.replace("⟦1⟧datos abiertos⟦/1⟧", "⟦1⟧FIXTURE-datos⟦/1⟧")


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The fixture project with its catalogs, an English reference for two paragraphs. Read only."""
    project = make_project(tmp_path_factory.mktemp("worksheet"), DOCS)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # header dates of the golden catalog
        catalogs.update(project)
    english = project.catalogdir("en") / "capitulo.po"
    catalog = pofile.read(english)
    for entry in catalog.entries:
        if entry.msgid.startswith("Los {term}"):
            entry.msgstr = "FIXTURE {term}`open data <datos abiertos>` are published in open formats[^ley]."
        elif entry.msgid.startswith("Un texto"):
            entry.msgstr = "FIXTURE text with *emphasis* and **strength**."
    english.write_text(pofile.dumps(catalog), encoding="utf-8")
    (project.localedir / "yua" / "terminologia.csv").write_text(TERMS, encoding="utf-8")
    return project


@pytest.fixture
def project(template: Project, tmp_path: Path) -> Project:
    """A fresh copy of the template to change."""
    root = tmp_path / "proyecto"
    shutil.copytree(template.root, root, ignore=shutil.ignore_patterns("build"))
    return Project(root)


def export_xlsx(project: Project, outdir: Path, tag: str = "yua") -> Path:
    return transfer.export(project, tag, outdir, ["xlsx"]).files[0]


def edit_xlsx(path: Path, change: Callable[[dict[str, str], dict[str, object]], None], dest: Path | None = None) -> Path:
    """Open an exported worksheet with openpyxl, let `change(row, cells)` edit each data row
    (`row`: heading -> text, `cells`: heading -> openpyxl cell), save it to `dest`."""
    book = load_workbook(path)
    sheet = book["Traducción"]
    rows = list(sheet.iter_rows())
    headings = [cell.value for cell in rows[3]]
    for cells in rows[4:]:
        by_heading = dict(zip(headings, cells, strict=False))
        change({h: (c.value or "") for h, c in by_heading.items()}, by_heading)
    dest = dest or path
    book.save(dest)
    return dest


def soffice_convert(path: Path, target: str, outdir: Path) -> Path:
    """Open and save `path` with LibreOffice, as a translator's application would."""
    profile = Path("/tmp") / f"lo-worksheet-{uuid.uuid4().hex}"
    try:
        subprocess.run([SOFFICE, "--headless", f"-env:UserInstallation=file://{profile}", "--convert-to", target,
                        str(path), "--outdir", str(outdir)], check=True, capture_output=True, timeout=180)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    produced = sorted(p for p in outdir.iterdir() if p.stem.startswith(path.stem) and p != path)
    assert produced, f"soffice wrote nothing for {path.name} -> {target}"
    return max(produced, key=lambda p: p.stat().st_mtime_ns)
