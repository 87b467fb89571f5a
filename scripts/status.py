"""How far each translation has come: entries and words translated, fuzzy, untranslated.

Volunteers decide what to translate next by this table, coordinators report it, and the site's
translators' page and the README show its chart. Words are counted in the source (msgid), so a
paragraph counts by its length and percentages mean "share of the text", not "share of lines".
Given paths, it reports on any gettext catalogs found there, so it serves other projects too.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from html import escape
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from scripts import pofile
from scripts.catalogs import INTERFACE_DOMAIN, catalog_files, docname_of, language_of_path, project_from
from scripts.diagnostics import Diagnostic, PipelineError, display_path
from scripts.project import Project

if TYPE_CHECKING:
    from scripts.matrix.statcache import StatCache

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

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Counts:
        """The counts of as_dict's output (its totals and percentages are computed again)."""
        return cls({state: int(data["entries"][state]) for state in STATES},
                   {state: int(data["words"][state]) for state in STATES})

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
    """The counts of PO text, read by the one PO reader (PoSyntaxError where gettext refuses)."""
    return count_catalog(pofile.parse(text))


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
    directories: dict[str, Counts] = field(default_factory=dict)  # component directory -> totals
    problems: list[Diagnostic] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # catalogs gettext refuses: counted nothing

    def add(self, tag: str, document: str, directory: str, counts: Counts) -> None:
        self.language(tag).documents[document] = counts
        self.directories.setdefault(directory, Counts()).add(counts)

    def refuse(self, path: Path, exc: pofile.PoSyntaxError, root: Path | None = None) -> None:
        """A catalog gettext refuses: reported like `check` does, and none of it counted."""
        self.problems.append(pofile.syntax_diagnostic(
            exc, path, root, f"{exc.hint}; status counted nothing in this file"))
        self.skipped.append(display_path(path, root))

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
            "directories": {name: c.as_dict() for name, c in sorted(self.directories.items())},
            "problems": [str(p) for p in self.problems],
            "skipped": sorted(self.skipped),
        }


def project_status(project: Project, cache: StatCache | None = None) -> Status:
    """Every registered translation's document catalogs.

    With a StatCache (the build's, when it draws the site's progress chart), a catalog whose size
    and mtime are those recorded is not parsed again: its counts are remembered beside its digest,
    under a name that changes with the counting code. A catalog gettext refuses is never
    remembered, so it is reported at every call."""
    status = Status()
    name = ""
    if cache is not None:
        from scripts.matrix.statcache import code_name  # noqa: PLC0415 - the matrix package: builds only

        name = code_name("status-counts", __file__, pofile.__file__)  # the code that counts
    for language in project.registry().translations:
        status.language(language.tag, language.autonym)
        for path in catalog_files(project, language.tag):
            docname = docname_of(project, path)
            if docname == INTERFACE_DOMAIN:
                continue
            try:
                counts = count_file(path) if cache is None else \
                    Counts.from_dict(cache.derived(path, name, lambda p: count_file(p).as_dict()))
            except pofile.PoSyntaxError as exc:
                status.refuse(path, exc, project.root)
                continue
            directory = PurePosixPath(docname).parent.as_posix()
            status.add(language.tag, docname, f"{language.tag}/{directory}" if directory != "." else language.tag,
                       counts)
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


def _component(path: Path, base: Path) -> tuple[str | None, str, str]:
    """(tag from the path, the component directory, the document name) of a catalog under `base`.

    `<component>/locale/de/LC_MESSAGES/guide/intro.po` is in component `<component>/locale`,
    document `guide/intro`; a loose `po/pt_BR.po` is in component `po`, document `pt_BR`.
    """
    relative = path.resolve().relative_to(base.resolve()) if path.resolve() != base.resolve() else Path(path.name)
    parts = relative.parts
    if "LC_MESSAGES" in parts[:-1]:
        index = len(parts) - 1 - parts[::-1].index("LC_MESSAGES")
        tag = parts[index - 1] if index >= 1 else language_of_path(path)
        component = PurePosixPath(*parts[:index - 1]).as_posix() if index >= 2 else "."
        return tag, component, PurePosixPath(*parts[index + 1:]).with_suffix("").as_posix()
    return None, PurePosixPath(*parts[:-1]).as_posix() if len(parts) > 1 else ".", \
        PurePosixPath(parts[-1]).with_suffix("").as_posix()


def paths_status(paths: Sequence[Path]) -> Status:
    """Any catalogs under `paths`, each counted once, keyed by its path.

    Per language (from …/<tag>/LC_MESSAGES or the Language header) and per component directory:
    several components may each have `locale/de/LC_MESSAGES/messages.po`; they are different
    catalogs. A document name shared by two components is shown as `<component>:<document>`.
    """
    status = Status()
    found: list[tuple[str, str, str, Counts]] = []
    for path, base in _find(paths):
        try:
            text = pofile.decode(path.read_bytes())
            counts = count_text(text)
        except pofile.PoSyntaxError as exc:
            status.refuse(path, exc)
            continue
        tag, component, docname = _component(path, base)
        found.append((tag or _declared_language(text) or "?", component, docname, counts))
    names: dict[tuple[str, str], int] = {}
    for tag, _component_dir, docname, _ in found:
        names[(tag, docname)] = names.get((tag, docname), 0) + 1
    for tag, component, docname, counts in found:
        shown = docname if names[(tag, docname)] == 1 else f"{component}:{docname}"
        status.add(tag, shown, component, counts)
    return status


# ----------------------------------------------------------------------------------------------
# Output

def render_table(status: Status) -> str:
    """The table per language and document, then (with several directories) per directory."""
    text = _table(("language", "document"), [
        (tag, doc, counts) for tag, lang in sorted(status.languages.items())
        for doc, counts in [*sorted(lang.documents.items()), ("(total)", lang.totals)]])
    if len(status.directories) > 1:
        text += "\n" + _table(("directory", ""), [(name, "", counts) for name, counts in
                                                 sorted(status.directories.items())], group=False)
    return text


def _table(names: tuple[str, str], items: list[tuple[str, str, Counts]], group: bool = True) -> str:
    headers = (*names, "entries", "transl.", "fuzzy", "untransl.", "words",
               "w.transl.", "w.fuzzy", "done")

    def row(tag: str, doc: str, c: Counts) -> tuple[str, ...]:
        return (tag, doc, str(c.total_entries), str(c.entries["translated"]), str(c.entries["fuzzy"]),
                str(c.entries["untranslated"]), str(c.total_words), str(c.words["translated"]),
                str(c.words["fuzzy"]), f"{c.percent:.1f}%")

    rows = [row(*item) for item in items]
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]

    def fmt(cells: tuple[str, ...]) -> str:
        return "  ".join(c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True)))

    lines = [fmt(headers), "  ".join("-" * w for w in widths)]
    previous = None
    for cells in rows:
        if group and previous is not None and cells[0] != previous:
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
