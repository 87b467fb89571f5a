"""What a worksheet holds: one row per catalog entry, in reading order, in every office format.

The row is the unit both directions share. Export builds rows from the catalogs; import reads
rows back and finds each entry again by its identifier, a hash of the msgid: when the Spanish
text changes, the identifier no longer matches and the row is a conflict, never a silent
overwrite. The control column remembers the translation the catalog had at export time, so a
translation changed in the catalog meanwhile is a conflict too.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from scripts import pofile, terminology
from scripts.catalogs import INTERFACE_DOMAIN, catalog_files, docname_of
from scripts.languages import Language, Registry
from scripts.pofile import Catalog, Entry
from scripts.project import Project
from scripts.worksheet.markers import like_source, plain, to_markers

FORMAT_VERSION = 1
SIGNATURE = "politica-datos-abiertos hoja-de-traduccion"
SIGNATURE_RE = re.compile(rf"^{re.escape(SIGNATURE)} (\d+) ([A-Za-z0-9-]+)$")
ID_RE = re.compile(r"^(?P<doc>[\w./-]+)#(?P<hash>[0-9a-f]{10})$")

# (key, heading shown to the translator, width in characters, editable)
COLUMNS = (
    ("id", "ID", 16, False),
    ("where", "Documento y sección", 22, False),
    ("source", "Español", 55, False),
    ("translation", "Su traducción", 55, True),
    ("notes", "Notas", 22, True),
    ("state", "Estado", 12, False),
    ("current", "Traducción actual", 45, False),
    ("terms", "Términos acordados", 28, False),
    ("english", "Inglés (referencia)", 45, False),
    ("control", "Control (no cambiar)", 12, False),
)
HEADINGS = {key: heading for key, heading, _, _ in COLUMNS}
STATES = {"untranslated": "sin traducir", "fuzzy": "POR REVISAR", "translated": "traducida"}

INSTRUCTIONS = (
    "Hoja de trabajo para traducir la política modelo de datos abiertos",
    "",
    "1. Trabaje en la hoja «Traducción». Cada fila es un párrafo, un título o una celda de tabla "
    "de la política, en el orden en que se lee.",
    "2. Escriba su traducción en la columna «Su traducción». Si quiere dejar un comentario para "
    "quien revisa, use «Notas». No cambie las demás columnas (están protegidas).",
    "3. «Español» es el texto que se traduce. «Inglés (referencia)», a la derecha, sólo ayuda a "
    "entender; traduzca siempre del español.",
    "4. Los marcadores como ⟦1⟧palabras⟦/1⟧ o ⟦2⟧ ocupan el lugar de enlaces, notas y términos del "
    "glosario. Cópielos en su traducción, con el mismo número, alrededor de las palabras que "
    "correspondan (el orden puede cambiar). No escriba otros signos de formato.",
    "5. «Términos acordados» muestra los términos del glosario que aparecen en el párrafo y la "
    "traducción que su comunidad acordó para ellos; úsela.",
    "6. «Traducción actual» muestra lo que ya está traducido. Si dice POR REVISAR, el texto "
    "español cambió: corrija la traducción y escríbala completa en «Su traducción».",
    "7. Escriba la marca glotal (apóstrofo) con el carácter que su lengua acordó. Si una "
    "traducción empieza con un apóstrofo ('), escriba dos (''): la hoja de cálculo esconde el "
    "primero. No escriba fórmulas (nada que empiece con =).",
    "8. Guarde el archivo en el mismo formato (xlsx, ods o docx) o como CSV, y envíelo a quien "
    "coordina su lengua. Las filas vacías no cambian nada.",
)


@dataclass
class Row:
    """One worksheet row: what export writes and import reads back (texts as shown)."""

    id: str = ""
    where: str = ""
    source: str = ""
    english: str = ""
    terms: str = ""
    state: str = ""
    current: str = ""
    translation: str = ""
    notes: str = ""
    control: str = ""
    number: int = 0                                       # row number in the file (import)
    formulas: set[str] = field(default_factory=set)       # columns that held a formula (import)

    def cells(self) -> list[str]:
        return [getattr(self, key) for key, *_ in COLUMNS]


@dataclass
class Sheet:
    """A worksheet: its language, its rows, and the lines of its title block."""

    tag: str
    title: str
    rows: list[Row]
    version: int = FORMAT_VERSION

    @property
    def signature(self) -> str:
        return f"{SIGNATURE} {self.version} {self.tag}"


def digest(text: str, size: int = 10) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:size]


def entry_id(docname: str, entry: Entry) -> str:
    """Stable while the msgid (and msgctxt) stay the same."""
    return f"{docname}#{digest((entry.msgctxt or '') + chr(4) + entry.msgid)}"


def translation_state(entry: Entry) -> str:
    """What the catalog holds for an entry, as remembered in the control column."""
    return digest(("F" if entry.fuzzy else "T") + entry.msgstr if entry.msgstr else "")


def title_of(language: Language) -> str:
    return f"Hoja de traducción · {language.name_es} — {language.autonym} ({language.tag})"


def reading_order(project: Project, docnames: list[str]) -> list[str]:
    """index first, then the toctree of index.md, then any other document alphabetically."""
    order = ["index"]
    index = project.srcdir / "index.md"
    if index.is_file():
        inside = False
        for line in index.read_text(encoding="utf-8").splitlines():
            if re.match(r"^\s*(```+|:::+)\s*\{toctree\}", line):
                inside = True
            elif inside and re.match(r"^\s*(```+|:::+)\s*$", line):
                inside = False
            elif inside and line.strip() and not line.strip().startswith(":"):
                order.append(line.strip())
    rank = {name: i for i, name in enumerate(order)}
    return sorted(docnames, key=lambda name: (rank.get(name, len(rank)), name))


def _headings(path: Path) -> list[tuple[int, str]]:
    """(line, plain text) of every Markdown heading of a source file, outside fenced blocks."""
    found: list[tuple[int, str]] = []
    fence = ""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return found
    for number, line in enumerate(lines, 1):
        opener = re.match(r"^\s*(`{3,}|~{3,})", line)
        if opener:
            if not fence:
                fence = opener.group(1)
            elif opener.group(1).startswith(fence):
                fence = ""
            continue
        heading = re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
        if heading and not fence:
            found.append((number, plain(heading.group(1))))
    return found


def _section(project: Project, entry: Entry, cache: dict[str, list[tuple[int, str]]]) -> str:
    for reference in entry.references:
        file, _, line = reference.rpartition(":")
        if not line.isdigit() or "source/" not in file:
            continue
        relative = file[file.index("source/") + len("source/"):]
        if relative not in cache:
            cache[relative] = _headings(project.srcdir / relative)
        before = [text for number, text in cache[relative] if number <= int(line)]
        if before:
            return before[-1]
    return ""


def _terms_cell(msgid: str, spanish_terms: list[str], agreed: dict[str, terminology.Term]) -> str:
    """'término → traducción acordada' for every glossary term of the paragraph."""
    found = terminology.terms_in(plain(msgid), [terminology.Term(es, "") for es in spanish_terms])
    lines = []
    for term in found:
        match = agreed.get(term.es.casefold())
        lines.append(f"{term.es} → {match.translation}" if match and match.translation
                     else f"{term.es} → (sin acordar)")
    return "\n".join(lines)


def _catalogs(project: Project, tag: str) -> dict[str, Path]:
    return {docname_of(project, path): path for path in catalog_files(project, tag)
            if docname_of(project, path) != INTERFACE_DOMAIN}


def build_sheet(project: Project, registry: Registry, tag: str, *, include_all: bool = False,
                documents: list[str] | None = None) -> Sheet:
    """The rows of a language's worksheet: what remains to translate (or everything, for review)."""
    language = registry.get(tag)
    own = _catalogs(project, tag)
    english = _catalogs(project, "en") if tag != "en" and "en" in registry else {}
    agreed = {t.es.casefold(): t for t in terminology.load_table(project.localedir, tag)}
    spanish_terms = sorted({t.es for other in registry.translations
                            for t in terminology.load_table(project.localedir, other.tag)})
    headings: dict[str, list[tuple[int, str]]] = {}
    rows: list[Row] = []
    wanted = reading_order(project, [d for d in own if not documents or d in documents])
    for docname in wanted:
        catalog = pofile.read(own[docname])
        reference: dict[tuple[str | None, str], Entry] = {}
        if docname in english:
            reference = {e.key: e for e in pofile.read(english[docname]).active if e.translated}
        for entry in catalog.active:
            if entry.msgid_plural is not None:
                continue  # the policy's documents have no plural messages
            state = "translated" if entry.translated else "fuzzy" if entry.fuzzy and entry.msgstr else "untranslated"
            if state == "translated" and not include_all:
                continue
            marked = to_markers(entry.msgid)
            section = _section(project, entry, headings)
            en = reference.get(entry.key)
            rows.append(Row(
                id=entry_id(docname, entry),
                where=f"{docname} › {section}" if section else docname,
                source=marked.text,
                english=like_source(en.msgstr, marked) if en is not None else "",
                terms=_terms_cell(entry.msgid, spanish_terms, agreed),
                state=STATES[state],
                current=like_source(entry.msgstr, marked) if entry.msgstr else "",
                control=f"{digest(entry.msgid)}:{translation_state(entry)}",
            ))
    return Sheet(tag=tag, title=title_of(language), rows=rows)


def find_entry(catalog: Catalog, docname: str, row_id: str) -> Entry | None:
    for entry in catalog.active:
        if entry_id(docname, entry) == row_id:
            return entry
    return None
