"""How far each translation has come: entries and words translated, fuzzy, untranslated.

Volunteers decide what to translate next by this table, coordinators report it, and the site's
translators' page and the README show its chart. Words are counted in the source (msgid), so a
paragraph counts by its length and percentages mean "share of the text", not "share of lines".
Given paths, it reports on any gettext catalogs found there, so it serves other projects too.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from scripts import pofile
from scripts.catalogs import INTERFACE_DOMAIN, catalog_files, docname_of, language_of_path, project_from
from scripts.diagnostics import Diagnostic, PipelineError, display_path
from scripts.project import Project

STATES = ("translated", "fuzzy", "untranslated")


@dataclass
class Counts:
    entries: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATES, 0))
    words: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATES, 0))

    def add(self, other: Counts) -> None:
        for state in STATES:
            self.entries[state] += other.entries[state]
            self.words[state] += other.words[state]

    @property
    def total_entries(self) -> int:
        return sum(self.entries.values())

    @property
    def total_words(self) -> int:
        return sum(self.words.values())

    @property
    def percent(self) -> float:
        """Share of the source's words that are translated (0 for an empty catalog)."""
        total = self.total_words
        return round(100 * self.words["translated"] / total, 1) if total else 0.0

    @property
    def percent_entries(self) -> float:
        total = self.total_entries
        return round(100 * self.entries["translated"] / total, 1) if total else 0.0

    def as_dict(self) -> dict[str, object]:
        return {
            "entries": {**self.entries, "total": self.total_entries},
            "words": {**self.words, "total": self.total_words},
            "percent": self.percent,
            "percent_entries": self.percent_entries,
        }


def count_catalog(catalog: pofile.Catalog) -> Counts:
    counts = Counts()
    entries, words = counts.entries, counts.words
    for entry in catalog.entries:
        if entry.obsolete:
            continue
        strings = entry.translations
        if not all(strings):
            state = "fuzzy" if entry.fuzzy and any(strings) else "untranslated"
        else:
            state = "fuzzy" if "fuzzy" in entry.flags else "translated"
        entries[state] += 1
        words[state] += len(entry.msgid.split())
    return counts


def count_text(text: str) -> Counts:
    """The same counts as count_catalog(pofile.parse(text)), read ~2x faster for large corpora.

    It looks only at what the counts need (msgid words, empty or not msgstr, fuzzy, obsolete) and
    builds no entry objects. Syntax is `check`'s business; here a malformed file just counts as
    far as it can be read.
    """
    counts = Counts()
    entries, words = counts.entries, counts.words
    mode = 0             # 1 in msgid, 2 in msgstr, 0 elsewhere
    fuzzy = False
    after_obsolete = False
    context = False
    msgid: list[str] = []
    forms: list[bool] = []  # per msgstr form: non-empty?
    seen_header = False

    def flush() -> None:
        nonlocal seen_header
        raw = "".join(msgid)
        if not raw and not context and not seen_header:
            seen_header = True
            return
        if "\\" in raw:
            with contextlib.suppress(pofile.PoSyntaxError):  # counts only; check reports it
                raw = pofile.unescape(raw, 0)
        if all(forms):
            state = "fuzzy" if fuzzy else "translated"
        else:
            state = "fuzzy" if fuzzy and any(forms) else "untranslated"
        entries[state] += 1
        words[state] += len(raw.split())

    for line in text.split("\n"):
        if not line:
            continue
        first = line[0]
        if first == '"':
            if mode == 1:
                msgid.append(line.strip()[1:-1])
            elif mode == 2 and len(line.strip()) > 2:
                forms[-1] = True
            continue
        if first == "#":
            if mode == 2:
                flush()
                mode, fuzzy, context = 0, False, False
            second = line[1:2]
            if second == "~":
                after_obsolete = True
                mode = 0
            elif after_obsolete:
                after_obsolete, fuzzy, context = False, False, False
            if second == "," and "fuzzy" in line and "fuzzy" in (f.strip() for f in line[2:].split(",")):
                fuzzy = True
            continue
        line = line.strip()
        if line.startswith("msgstr"):
            start = line.find('"')
            forms.append(start >= 0 and len(line) - start > 2)
            mode = 2
        elif line.startswith("msgid_plural"):
            mode = 0
        elif line.startswith("msgid"):
            if mode == 2:
                flush()
                fuzzy, context = False, False
            if after_obsolete:
                after_obsolete, fuzzy, context = False, False, False
            start = line.find('"')
            msgid = [line[start + 1:-1]] if start >= 0 else []
            forms = []
            mode = 1
        elif line.startswith("msgctxt"):
            if mode == 2:
                flush()
                fuzzy = False
            if after_obsolete:
                after_obsolete, fuzzy = False, False
            context = True
            mode = 0
    if mode == 2:
        flush()
    return counts


def count_file(path: Path) -> Counts:
    return count_text(pofile.decode(path.read_bytes()))


@dataclass
class LanguageStatus:
    tag: str
    name: str = ""
    documents: dict[str, Counts] = field(default_factory=dict)

    @property
    def totals(self) -> Counts:
        total = Counts()
        for counts in self.documents.values():
            total.add(counts)
        return total


@dataclass
class Status:
    languages: dict[str, LanguageStatus] = field(default_factory=dict)
    problems: list[Diagnostic] = field(default_factory=list)

    def language(self, tag: str, name: str = "") -> LanguageStatus:
        if tag not in self.languages:
            self.languages[tag] = LanguageStatus(tag, name)
        return self.languages[tag]

    def as_dict(self) -> dict[str, object]:
        return {
            "languages": {
                tag: {
                    "name": lang.name,
                    "totals": lang.totals.as_dict(),
                    "documents": {doc: c.as_dict() for doc, c in sorted(lang.documents.items())},
                }
                for tag, lang in sorted(self.languages.items())
            },
            "problems": [str(p) for p in self.problems],
        }


def project_status(project: Project) -> Status:
    """Every registered translation's document catalogs."""
    status = Status()
    for language in project.registry().translations:
        entry = status.language(language.tag, language.autonym)
        for path in catalog_files(project, language.tag):
            docname = docname_of(project, path)
            if docname == INTERFACE_DOMAIN:
                continue
            try:
                entry.documents[docname] = count_file(path)
            except pofile.PoSyntaxError as exc:
                status.problems.append(Diagnostic(display_path(path, project.root), exc.line, exc.code,
                                                  exc.message, "fix it (see `python -m scripts check`)"))
    return status


def _find(paths: Iterable[Path]) -> list[tuple[Path, Path]]:
    """(catalog, the path it was found under) for every .po file at or below `paths`."""
    found = []
    for base in paths:
        if base.is_file():
            found.append((base, base.parent))
        elif base.is_dir():
            found.extend((p, base) for p in sorted(base.rglob("*.po")))
        else:
            raise PipelineError(Diagnostic(str(base), 0, "status-no-path", "no such file or directory",
                                           "give a .po file or a directory that holds catalogs"))
    return found


def _declared_language(text: str) -> str | None:
    match = re.search(r'"Language:[ \t]*([^\\"]*?)[ \t]*\\n', text[:4000])
    return match.group(1) if match and match.group(1) else None


def paths_status(paths: Sequence[Path]) -> Status:
    """Any catalogs under `paths`, keyed by their directory (…/<tag>/LC_MESSAGES) or Language."""
    status = Status()
    for path, base in _find(paths):
        try:
            text = pofile.decode(path.read_bytes())
        except pofile.PoSyntaxError as exc:
            status.problems.append(Diagnostic(str(path), exc.line, exc.code, exc.message, exc.hint))
            continue
        tag = language_of_path(path) or _declared_language(text) or "?"
        parts = path.resolve().parts
        if "LC_MESSAGES" in parts:
            index = len(parts) - 1 - parts[::-1].index("LC_MESSAGES")
            docname = Path(*parts[index + 1:]).with_suffix("").as_posix()
        else:
            docname = path.resolve().relative_to(base.resolve()).with_suffix("").as_posix()
        status.language(tag).documents[docname] = count_text(text)
    return status


# ----------------------------------------------------------------------------------------------
# Output

def render_table(status: Status) -> str:
    headers = ("language", "document", "entries", "transl.", "fuzzy", "untransl.", "words",
               "w.transl.", "w.fuzzy", "done")
    rows: list[tuple[str, ...]] = []

    def row(tag: str, doc: str, c: Counts) -> tuple[str, ...]:
        return (tag, doc, str(c.total_entries), str(c.entries["translated"]), str(c.entries["fuzzy"]),
                str(c.entries["untranslated"]), str(c.total_words), str(c.words["translated"]),
                str(c.words["fuzzy"]), f"{c.percent:.1f}%")

    for tag, lang in sorted(status.languages.items()):
        for doc, counts in sorted(lang.documents.items()):
            rows.append(row(tag, doc, counts))
        rows.append(row(tag, "(total)", lang.totals))
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]

    def fmt(cells: tuple[str, ...]) -> str:
        return "  ".join(c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True)))

    lines = [fmt(headers), "  ".join("-" * w for w in widths)]
    previous = None
    for cells in rows:
        if previous is not None and cells[0] != previous:
            lines.append("")
        lines.append(fmt(cells))
        previous = cells[0]
    if not rows:
        lines.append("(no catalogs found)")
    return "\n".join(lines) + "\n"


_COLOURS = {"translated": "#1a7f37", "fuzzy": "#bf8700", "untranslated": "#d0d7de"}


def render_svg(status: Status) -> str:
    """A static bar chart of progress (by words) per language: no script, no external resource."""
    languages = sorted(status.languages.values(), key=lambda lang: lang.tag)
    label_width, bar_width, row_height, top = 190, 360, 30, 58
    width = label_width + bar_width + 70
    height = top + row_height * max(len(languages), 1) + 34
    title = "Progreso de la traducción · Translation progress"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="title desc" '
        'font-family="DejaVu Sans, Verdana, sans-serif" font-size="13">',
        f'<title id="title">{escape(title)}</title>',
        '<desc id="desc">' + escape("; ".join(
            f"{lang.tag}: {lang.totals.percent:.1f}% translated, "
            f"{lang.totals.words['fuzzy']} fuzzy words of {lang.totals.total_words}" for lang in languages)) + "</desc>",
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
        f'<text x="10" y="24" font-size="15" font-weight="bold" fill="#1f2328">{escape(title)}</text>',
    ]
    legend_x = 10
    for state, label in (("translated", "traducido · translated"), ("fuzzy", "por revisar · fuzzy"),
                         ("untranslated", "sin traducir · untranslated")):
        out.append(f'<rect x="{legend_x}" y="34" width="12" height="12" fill="{_COLOURS[state]}"/>')
        out.append(f'<text x="{legend_x + 16}" y="45" font-size="11" fill="#1f2328">{escape(label)}</text>')
        legend_x += 16 + 7 * len(label) + 18
    for index, lang in enumerate(languages):
        y = top + index * row_height
        totals = lang.totals
        label = f"{lang.name} ({lang.tag})" if lang.name else lang.tag
        out.append(f'<text x="10" y="{y + 17}" fill="#1f2328">{escape(label)}</text>')
        x = float(label_width)
        total = totals.total_words
        for state in STATES:
            share = totals.words[state] / total if total else (1.0 if state == "untranslated" else 0.0)
            w = round(bar_width * share, 2)
            if w > 0:
                out.append(f'<rect x="{x:.2f}" y="{y + 4}" width="{w:.2f}" height="18" fill="{_COLOURS[state]}">'
                           f"<title>{escape(state)}: {totals.words[state]} words</title></rect>")
            x += w
        out.append(f'<text x="{label_width + bar_width + 8}" y="{y + 17}" fill="#1f2328">{totals.percent:.1f}%</text>')
    if not languages:
        out.append(f'<text x="10" y="{top + 17}" fill="#1f2328">(no catalogs)</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                        help="report on the .po files found here (default: this project's catalogs)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of the table")
    parser.add_argument("--svg", type=Path, metavar="FILE", help="also write a progress chart (SVG)")


def run(args: argparse.Namespace) -> int:
    """Translation progress per language and document: entries and words translated, fuzzy, untranslated."""
    if args.paths:
        status = paths_status(args.paths)
        root = None
    else:
        project = project_from(args)
        status = project_status(project)
        root = project.root
    if args.json:
        print(json.dumps(status.as_dict(), ensure_ascii=False, indent=2, sort_keys=True))
    else:
        print(render_table(status), end="")
    if args.svg:
        from scripts.atomic import write_atomic
        write_atomic(args.svg, render_svg(status))
        print(f"chart written to {display_path(args.svg, root)}", file=sys.stderr)
    for problem in status.problems:
        print(problem, file=sys.stderr)
    return 1 if status.problems else 0


COMMANDS = {"status": (_add_arguments, run)}
