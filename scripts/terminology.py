"""Each language's table of agreed terms: `locale/<tag>/terminologia.csv`.

A policy read in one language must call one thing by one name. The translators of a language
agree on the translation of the glossary's key terms and record it here (Spanish term, agreed
translation, note, who agreed); worksheets show the agreed translation next to every paragraph
that uses a term, CONTRIBUTING shows the tables, and `check` warns (`term-inconsistent`) when a
paragraph with a term is translated without the agreed words. The tables of the Indigenous
languages start empty: only the translators may fill them.

Lines starting with `#` are instructions for the person editing the file and are skipped.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from scripts.diagnostics import Diagnostic, PipelineError, display_path
from scripts.pofile import Entry
from scripts.worksheet.markers import prose

TABLE_NAME = "terminologia.csv"
COLUMNS = ("es", "traduccion", "nota", "acordado_por")
CODE = "term-inconsistent"
HINT = ("use the agreed translation (locale/{tag}/terminologia.csv), or, if the translators agree on a "
        "new one, change the table in the same commit")

INSTRUCTIONS = """\
# Terminología acordada · agreed terminology: {name_es} / {name_en} ({tag})
# Esta tabla empieza vacía: sólo quienes traducen a esta lengua la llenan, término por término,
# cuando se ponen de acuerdo. Una fila por término: es (término en español, como en el glosario),
# traduccion (la traducción acordada), nota (uso, contexto), acordado_por (quiénes y cuándo).
# Las líneas que empiezan con # son instrucciones y se ignoran. Vea CONTRIBUTING.md, «Terminología».
# This table starts empty: only the people who translate into {name_en} fill it, one agreed term
# per row. Lines starting with # are instructions and are ignored. See CONTRIBUTING.md.
"""


@dataclass(frozen=True)
class Term:
    es: str
    translation: str
    note: str = ""
    agreed_by: str = ""
    line: int = 0


def table_path(localedir: Path, tag: str) -> Path:
    return localedir / tag / TABLE_NAME


def parse_table(text: str, shown: str = TABLE_NAME) -> list[Term]:
    """The terms of one table; PipelineError naming the line for a malformed one."""
    lines = [(number, line) for number, line in enumerate(text.splitlines(), 1)
             if line.strip() and not line.lstrip().startswith("#")]
    if not lines:
        return []
    reader = csv.reader(io.StringIO("\n".join(line for _, line in lines)))
    rows = list(reader)
    header = [cell.strip() for cell in rows[0]]
    if tuple(header[:len(COLUMNS)]) != COLUMNS:
        raise PipelineError(Diagnostic(shown, lines[0][0], "term-table",
                                       f"the header is {','.join(header)!r}, not {','.join(COLUMNS)!r}",
                                       "keep the header line of the table as it is"))
    terms = []
    for (number, _), row in zip(lines[1:], rows[1:], strict=False):
        cells = [unicodedata.normalize("NFC", cell.strip()) for cell in row] + [""] * len(COLUMNS)
        if cells[0]:
            terms.append(Term(cells[0], cells[1], cells[2], cells[3], number))
    return terms


@lru_cache(maxsize=64)
def _load(path: Path, stamp: float) -> tuple[Term, ...]:
    return tuple(parse_table(path.read_text(encoding="utf-8"), display_path(path)))


def load_table(localedir: Path, tag: str) -> list[Term]:
    """A language's agreed terms (empty when it has no table yet)."""
    path = table_path(localedir, tag)
    try:
        stamp = path.stat().st_mtime_ns
    except FileNotFoundError:
        return []
    return list(_load(path, stamp))


def empty_table(tag: str, name_es: str, name_en: str) -> str:
    """The text of a new language's empty table (instructions and the header only)."""
    return INSTRUCTIONS.format(tag=tag, name_es=name_es, name_en=name_en) + ",".join(COLUMNS) + "\n"


@lru_cache(maxsize=4096)
def _term_re(term: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){re.escape(term)}(?!\w)", re.IGNORECASE)


def terms_in(text: str, terms: Iterable[Term]) -> list[Term]:
    """The terms whose Spanish form occurs in `text` (whole words, any case), longest first, so
    that 'datos personales sensibles' is not also reported as 'datos personales'."""
    found: list[Term] = []
    taken: list[tuple[int, int]] = []
    for term in sorted(terms, key=lambda t: -len(t.es)):
        for match in _term_re(term.es).finditer(text):
            span = match.span()
            if not any(a < span[1] and span[0] < b for a, b in taken):
                taken.append(span)
                if term not in found:
                    found.append(term)
    return found


_TERM_TARGET_RE = re.compile(r"\{term\}`(?:[^`<]*<)?([^`<>]+)>?`")


def missing_terms(msgid: str, msgstr: str, terms: Iterable[Term]) -> list[Term]:
    """Agreed terms of the msgid whose agreed translation the msgstr lacks.

    Only the running words count (code and adoption placeholders are not uses of a term), and a
    term the translation links to its glossary entry — ``{term}`open <formato abierto>` `` — is
    used consistently whatever words the sentence needs around it."""
    lowered = unicodedata.normalize("NFC", prose(msgstr)).casefold()
    linked = {target.strip().casefold() for target in _TERM_TARGET_RE.findall(msgstr)}
    return [term for term in terms_in(prose(msgid), terms)
            if term.translation and term.translation.casefold() not in lowered
            and term.es.casefold() not in linked]


_ACCEPTED_RE = re.compile(r"^\s*term-ok:\s*(.+?)\s*$", re.IGNORECASE)


def accepted_terms(comments: Iterable[str]) -> set[str]:
    """Terms a translator comment (`# term-ok: dependencia, distribución`) marks as deliberately
    not translated by the agreed term here: the word is used in its everyday sense ("dependence",
    "mailing list"), or inside an official title that has its own wording."""
    found: set[str] = set()
    for comment in comments:
        if match := _ACCEPTED_RE.match(comment):
            found.update(part.strip().casefold() for part in match.group(1).split(",") if part.strip())
    return found


def check_terms(entries: Iterable[Entry], tag: str | None, localedir: Path,
                report: Callable[..., None]) -> None:
    """Warn (`term-inconsistent`) for every translated entry lacking an agreed term.

    Called once per catalog by `check`; `report(line, code, message, hint, severity)`.
    """
    if not tag:
        return
    terms = [t for t in load_table(localedir, tag) if t.translation]
    if not terms:
        return
    for entry in entries:
        if entry.obsolete or entry.fuzzy or not entry.msgstr:
            continue
        accepted = accepted_terms(entry.comments)
        for term in missing_terms(entry.msgid, entry.msgstr, terms):
            if term.es.casefold() in accepted:
                continue
            report(entry.msgstr_line or entry.line, CODE,
                   f"the msgid uses {term.es!r}, agreed as {term.translation!r}, which the translation lacks",
                   HINT.format(tag=tag), "warning")


def markdown_table(terms: Iterable[Term], heading: str) -> list[str]:
    """The rows CONTRIBUTING shows for a table (a test keeps them equal to the CSV)."""
    rows = [f"| Español | {heading} | Nota / note | Acordado por / agreed by |", "| --- | --- | --- | --- |"]
    for term in terms:
        cells = [c.replace("|", "\\|") for c in (term.es, term.translation, term.note, term.agreed_by)]
        rows.append("| " + " | ".join(cells) + " |")
    return rows
