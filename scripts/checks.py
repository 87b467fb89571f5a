"""Every check a catalog must pass before it is published, each with a stable code.

A translation reaches readers as HTML, PDF and EPUB, so a catalog is checked for what breaks a
build (syntax, headers, and what `msgfmt -c` refuses: scripts/checks_gettext.py asks gettext
itself), for what breaks the page (MyST roles, links, code and footnotes that must survive
translation) and for what must never be published (raw HTML, scripts, javascript: URLs, remote
images, raw directives, invisible bidi controls) — scripts/checks_markup.py reads both texts with
MyST's own parser — and for the orthography the language's community chose (NFC, its apostrophe).
One job (`check`; markup and gettext checks live beside it). Codes, their meaning and severity are defined once in scripts/diagnostic_codes.py and documented
in CONTRIBUTING.md.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path

from scripts import pofile, terminology
from scripts.adoption import check_placeholders
from scripts.atomic import write_atomic
from scripts.catalogs import (
    INTERFACE_DOMAIN,
    catalog_files,
    catalog_lock,
    docname_of,
    extract,
    language_of_path,
    pot_files,
    project_from,
)
from scripts.checks_gettext import decode, msgfmt_result, start_msgfmt, to_utf8_header
from scripts.checks_markup import REST_SKIPPED, is_restructuredtext, markup_problems, rest_problems, unsafe_problems
from scripts.diagnostic_codes import reported_by
from scripts.diagnostics import Diagnostic, catalog_orphan, diagnostic, display_path, po_wrap
from scripts.languages import APOSTROPHES, Language, Registry
from scripts.pofile import Catalog, Entry
from scripts.project import Project
from scripts.wrapping import first_difference

# code -> what it means, for the codes `check` reports (scripts/diagnostic_codes.py is the table)
CODES = {name: row.meaning for name, row in reported_by("check").items() if name != "msgfmt-missing"}

_SPACES = " \t\u00a0\u202f\u3000"
_MARKS = "".join(APOSTROPHES.values())
# Bidirectional controls and zero-width characters: invisible, they can make a reader see other
# text than the reviewers approved (CVE-2021-42574, "Trojan Source").
INVISIBLE = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
                      "\u200b\u200c\u200d\u2060\ufeff")


def _edges(text: str) -> tuple[str, str]:
    """The spaces a text starts and ends with (newlines are po-newline's business)."""
    body = text.strip("\n")
    start = body[: len(body) - len(body.lstrip(_SPACES))]
    end = body[len(body.rstrip(_SPACES)):] if body.strip(_SPACES) else ""
    return start, end


class _Reporter:
    def __init__(self, shown: str) -> None:
        self.shown = shown
        self.found: list[Diagnostic] = []

    def __call__(self, line: int, code: str, message: str, hint: str, severity: str | None = None) -> None:
        # the severity is the code table's (scripts/diagnostic_codes.py); a caller's word only restates it
        self.found.append(diagnostic(code, self.shown, line, message, hint))


def _is_letter(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "LM"


def _apostrophe_words(text: str, wrong: str) -> list[str]:
    """Words in which one of the `wrong` marks stands between letters."""
    words = []
    for match in re.finditer(f"[{re.escape(wrong)}]", text):
        i = match.start()
        if 0 < i < len(text) - 1 and _is_letter(text[i - 1]) and _is_letter(text[i + 1]):
            start, end = i, i + 1
            while start and (_is_letter(text[start - 1]) or text[start - 1] in _MARKS):
                start -= 1
            while end < len(text) and (_is_letter(text[end]) or text[end] in _MARKS):
                end += 1
            words.append(text[start:end])
    return words


def check_entry(entry: Entry, language: Language | None, report: _Reporter, *, rest: bool = False) -> None:
    """The checks of one entry's translation (each plural form against its source); `rest` when
    the catalog's source is reStructuredText (the MyST and HTML checks do not apply)."""
    line = entry.msgstr_line or entry.line
    source_all = entry.msgid if entry.msgid_plural is None else f"{entry.msgid}\n{entry.msgid_plural}"
    for index, translation in enumerate(entry.translations):
        if not translation:
            continue
        _check_text(translation, source_all, language, line, report)
        if rest:
            rest_problems(translation, source_all, line, report)
            unsafe = False
        else:
            unsafe = unsafe_problems(translation, source_all, line, report)
        if entry.fuzzy:
            continue
        source = entry.msgid if index == 0 or entry.msgid_plural is None else entry.msgid_plural
        if _edges(source) != _edges(translation):
            report(line, "whitespace", "leading or trailing spaces differ from the msgid",
                   "start and end the translation with exactly the spaces the msgid has")
        if not rest:
            markup_problems(translation, source, line, report, unsafe)
            check_placeholders(source, translation, line, report)


def nfc_effect(text: str) -> str:
    """What NFC does to this text, for the hint: compose (é from e + ´), decompose (characters
    excluded from composition, as in several Indic scripts), replace singletons, reorder marks."""
    effects = []
    unstable = {c: unicodedata.normalize("NFC", c) for c in set(text) if not unicodedata.is_normalized("NFC", c)}
    if any(len(n) > 1 for n in unstable.values()):
        effects.append("decomposes characters Unicode excludes from composition into letter + mark "
                       "(as in several Indic scripts)")
    if any(len(n) == 1 for n in unstable.values()):
        effects.append("replaces characters by their canonical equivalent (Ω U+2126 by Ω U+03A9)")
    each = "".join(unstable.get(c, c) for c in text)
    if len(unicodedata.normalize("NFC", each)) < len(each):
        effects.append("composes letters and their marks into one character where Unicode has one (é from e + ´)")
    return "it " + (" and ".join(effects) if effects else "puts the combining marks in their canonical order")


def _check_text(text: str, source: str, language: Language | None, line: int, report: _Reporter) -> None:
    """The checks of the characters themselves: NFC, invisible controls, the glottal mark."""
    ascii_only = text.isascii()
    if not ascii_only and not unicodedata.is_normalized("NFC", text):
        report(line, "unicode-nfc", "the translation is not in Unicode NFC",
               f"run `python -m scripts check --fix FILE`: {nfc_effect(text)}")
    if not ascii_only and not INVISIBLE.isdisjoint(text):
        added = sorted({c for c in text if c in INVISIBLE and text.count(c) > source.count(c)})
        if added:
            names = ", ".join(f"U+{ord(c):04X} {unicodedata.name(c, '')}".strip() for c in added)
            report(line, "unsafe-invisible", f"the translation adds invisible characters the msgid does not have: {names}",
                   "delete them; Poedit and most code editors can show invisible characters")
    if language is not None and language.apostrophe_char and any(mark in text for mark in _MARKS):
        wrong = "".join(c for c in _MARKS if c != language.apostrophe_char)
        words = [w for w in _apostrophe_words(text, wrong) if w not in source]
        if words:
            code_point = f"U+{ord(language.apostrophe_char):04X}"
            report(line, "apostrophe",
                   f"{words[0]!r} uses a glottal mark other than {language.apostrophe_char!r} ({code_point}), "
                   f"which locale/languages.toml sets for {language.tag}",
                   f"write {language.apostrophe_char!r} ({code_point}); if the community's usage changed, "
                   "change `apostrophe` in the registry instead")


def _header_checks(catalog: Catalog, registry: Registry, directory_tag: str | None, report: _Reporter,
                   decoded_from: str | None) -> Language | None:
    """The header's Language, charset, fuzzy mark and Plural-Forms; the catalog's language."""
    header = catalog.header
    fields = catalog.header_fields()
    lines = catalog.header_lines
    header_line = header.msgstr_line if header else 1
    declared = fields.get("Language", "").strip()
    tag = directory_tag or declared or None
    if header is None:
        report(1, "po-header-language", "the catalog has no header (msgid \"\")",
               "run `python -m scripts update`, which writes the header, or copy it from another catalog")
    elif directory_tag and declared != directory_tag:
        report(lines.get("Language", header_line), "po-header-language",
               f"Language is {declared!r} but the catalog is in the {directory_tag!r} directory",
               f'set "Language: {directory_tag}\\n" in the header (Poedit: Catalog > Properties)')
    elif not declared:
        report(lines.get("Language", header_line), "po-header-language", "the header has no Language",
               'add "Language: TAG\\n" to the header, with the tag of the catalog\'s language')
    if header is not None and header.fuzzy:
        report(header.line, "po-header-fuzzy", "the header is marked fuzzy; gettext then ignores it",
               "remove the `#, fuzzy` line above msgid \"\"")
    if header is not None:
        _charset_check(fields.get("Content-Type", ""), lines.get("Content-Type", header_line), catalog,
                       decoded_from, report)

    language: Language | None = None
    if tag is not None:
        if tag in registry:
            language = registry.get(tag)
        else:
            report(lines.get("Language", header_line) if not directory_tag else 1, "po-unknown-language",
                   f"{tag!r} is not in locale/languages.toml",
                   f"register it first: `python -m scripts add-language {tag}` (see CONTRIBUTING.md)")
    if language is not None and header is not None:
        plural = fields.get("Plural-Forms", "")
        if " ".join(plural.split()) != " ".join(language.plural_forms.split()):
            report(lines.get("Plural-Forms", header_line), "po-header-plural",
                   f"Plural-Forms is {plural!r}, the registry says {language.plural_forms!r}",
                   "run `python -m scripts update` (it sets the header from the registry), or change "
                   "plural_forms in locale/languages.toml if the translators decided otherwise")
    return language


def _charset_check(content_type: str, line: int, catalog: Catalog, decoded_from: str | None,
                   report: _Reporter) -> None:
    charset = re.search(r"charset\s*=\s*([\w.:-]+)", content_type)
    name = charset.group(1) if charset else ""
    if name.lower().replace("_", "-") in ("utf-8", "utf8"):
        return
    ascii_only = all(t.isascii() for e in catalog.entries for t in (e.msgid, *e.translations))
    if decoded_from is not None or (name and name.upper() != "CHARSET" and ascii_only):
        report(line, "po-charset", f"the catalog is in {decoded_from or name}, not UTF-8 (gettext reads it; this "
               "project keeps its catalogs in UTF-8)", "run `python -m scripts check --fix FILE` to convert it")
        return
    report(line, "po-encoding", f"the header declares {content_type or 'no Content-Type'!r}, not UTF-8",
           'set "Content-Type: text/plain; charset=UTF-8\\n" and save the file as UTF-8')


def check_catalog_text(catalog: Catalog, shown: str, registry: Registry, directory_tag: str | None,
                       report: _Reporter | None = None, *, decoded_from: str | None = None,
                       rest: bool | None = None) -> list[Diagnostic]:
    """Every per-file check of one parsed catalog that is not gettext's (see check_file)."""
    report = report or _Reporter(shown)
    language = _header_checks(catalog, registry, directory_tag, report, decoded_from)
    if rest is None:
        rest = source_is_rest(catalog)
    for entry in catalog.entries:
        if not entry.obsolete and entry.has_translation:
            check_entry(entry, language, report, rest=rest)
    terminology.check_terms(catalog.entries, language.tag if language else None, registry.path.parent, report)
    return report.found


def source_is_rest(catalog: Catalog) -> bool:
    """Whether the catalog translates reStructuredText rather than MyST."""
    active = [e for e in catalog.entries if not e.obsolete]
    return is_restructuredtext((e.msgid for e in active), (r for e in active for r in e.references))


def check_file(path: Path, registry: Registry, root: Path | None = None, *, wrapping: bool = True,
               msgfmt: subprocess.Popen[bytes] | None = None) -> list[Diagnostic]:
    """Every check of one catalog: gettext's (`msgfmt -c`, or the one `msgfmt` already started on
    it), then the header, markup and text checks.

    A reStructuredText catalog gets one `source-rest` note saying which checks it skipped."""
    shown = display_path(path, root)
    try:
        text, decoded_from = decode(path.read_bytes())
        catalog = pofile.parse(text)
    except (pofile.PoSyntaxError, OSError) as exc:
        if msgfmt is not None:
            msgfmt_result(msgfmt, path, shown)  # ours says it first, and better
        if isinstance(exc, OSError):
            return [diagnostic("po-syntax", shown, 0, f"cannot read the file: {exc.strerror}", "check the path")]
        return [diagnostic(exc.code, shown, exc.line, exc.message, exc.hint)]
    msgfmt = msgfmt or start_msgfmt(path, shown)
    try:
        rest = source_is_rest(catalog)
        own = check_catalog_text(catalog, shown, registry, language_of_path(path), decoded_from=decoded_from,
                                 rest=rest)
    finally:
        found = msgfmt_result(msgfmt, path, shown)
    seen = {(d.code, d.line) for d in found}
    found += [d for d in own if (d.code, d.line) not in seen
              and not (d.code == "po-header-plural" and any(s[0] == d.code for s in seen))]
    if wrapping:
        canonical = pofile.dumps(catalog)
        if canonical != text:
            found.append(po_wrap(shown, first_difference(text, canonical)))
    if rest:
        found.append(diagnostic("source-rest", shown, 0, "the catalog translates reStructuredText, not MyST: "
                                f"skipped {', '.join(REST_SKIPPED)}"))
    return sorted(found)


def summarize_notes(found: list[Diagnostic]) -> list[Diagnostic]:
    """The problems, with the per-file `source-rest` notes folded into one for the whole run."""
    notes = [d for d in found if d.code == "source-rest"]
    if len(notes) <= 1:
        return found
    others = [d for d in found if d.code != "source-rest"]
    first = notes[0]
    return [*others, diagnostic("source-rest", first.path, 0, f"{len(notes)} catalogs (this one and "
                                f"{len(notes) - 1} more) translate reStructuredText, not MyST: "
                                f"skipped {', '.join(REST_SKIPPED)}")]


def check_project(project: Project, *, do_extract: bool = True, wait: float = 30.0) -> list[Diagnostic]:
    """Every catalog, plus their consistency with the current sources' .pot templates."""
    registry = project.registry()
    root = project.root
    found = _check_each(catalog_files(project), registry, root)
    if do_extract:
        with catalog_lock(project, wait):  # update may be rewriting build/gettext right now
            pots = extract(project).pots
    else:
        pots = pot_files(project)
    if pots:
        for language in registry.translations:
            found += _consistency(project, language.tag, pots)
    return sorted(summarize_notes(found))


def _consistency(project: Project, tag: str, pots: dict[str, Path]) -> list[Diagnostic]:
    """catalog-missing, catalog-stale and catalog-orphan for one language."""
    found = []
    base = project.catalogdir(tag)
    root = project.root
    for docname, pot_path in pots.items():
        target = base / f"{docname}.po"
        shown = display_path(target, root)
        if not target.exists():
            found.append(diagnostic("catalog-missing", shown, 0, f"document {docname!r} has no {tag} catalog",
                                    "run `python -m scripts update` (make update-po)"))
            continue
        try:
            current = {e.key for e in pofile.parse(decode(target.read_bytes())[0]).entries if not e.obsolete}
        except pofile.PoSyntaxError:
            continue  # reported by check_file
        expected = {e.key for e in pofile.read(pot_path).entries if not e.obsolete}
        if current != expected:
            new, gone = len(expected - current), len(current - expected)
            found.append(diagnostic("catalog-stale", shown, 0, f"{new} msgid(s) of the source missing, "
                                    f"{gone} no longer in it",
                                    "run `python -m scripts update` (make update-po) and commit the result"))
    for path in catalog_files(project, tag):
        docname = docname_of(project, path)
        if docname not in pots and docname != INTERFACE_DOMAIN:
            found.append(catalog_orphan(display_path(path, root), docname))
    return found


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """The catalogs named: files as given, directories searched recursively for *.po."""
    found: list[Path] = []
    for path in paths:
        found += sorted(path.rglob("*.po")) if path.is_dir() else [path]
    return found


def check_files(paths: Iterable[Path], registry: Registry, root: Path | None = None) -> list[Diagnostic]:
    """Every check of each catalog named (directories are searched for *.po)."""
    return summarize_notes(_check_each(expand_paths(paths), registry, root))


def _check_each(paths: Sequence[Path], registry: Registry, root: Path | None) -> list[Diagnostic]:
    """check_file on each catalog, with `msgfmt -c` started a few catalogs ahead: its processes
    (mostly start-up time) then run on the other cores while this one does the pipeline's checks."""
    ahead = max(2, os.cpu_count() or 2)
    started: dict[int, subprocess.Popen[bytes] | None] = {}
    found: list[Diagnostic] = []
    for index, path in enumerate(paths):
        for later in range(index, min(index + ahead, len(paths))):
            if later not in started:
                is_file = paths[later].is_file()
                started[later] = start_msgfmt(paths[later], display_path(paths[later], root)) if is_file else None
        found += check_file(path, registry, root, msgfmt=started.pop(index))
    return found


def fix_file(path: Path) -> bool:
    """Apply the safe fixes (UTF-8, NFC of translations, canonical wrapping); True if the file changed."""
    text, decoded_from = decode(path.read_bytes())
    catalog = pofile.parse(text)
    for entry in catalog.entries:
        entry.msgstr = unicodedata.normalize("NFC", entry.msgstr)
        entry.msgstr_plural = [unicodedata.normalize("NFC", s) for s in entry.msgstr_plural]
        if entry.comments:
            entry.comments = [unicodedata.normalize("NFC", c) for c in entry.comments]
    if catalog.header is not None and (decoded_from is not None or _declares_other_charset(catalog)):
        catalog.header.msgstr = to_utf8_header(catalog.header.msgstr)
    return write_atomic(path, pofile.dumps(catalog))


def _declares_other_charset(catalog: Catalog) -> bool:
    """An ASCII catalog that declares another charset: converting it changes only the header."""
    charset = re.search(r"charset\s*=\s*([\w.:-]+)", catalog.header_fields().get("Content-Type", ""))
    name = charset.group(1) if charset else "CHARSET"
    return name.upper() != "CHARSET" and name.lower().replace("_", "-") not in ("utf-8", "utf8")


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="*", type=Path, metavar="FILE.po",
                        help="catalogs (or directories of catalogs) to check on their own (default: every "
                             "catalog, plus consistency with the current sources)")
    parser.add_argument("--fix", action="store_true",
                        help="apply the safe fixes (UTF-8, Unicode NFC, canonical wrapping) and nothing else")
    parser.add_argument("--no-extract", action="store_true",
                        help="with no files: compare with the .pot templates already in build/gettext "
                             "instead of extracting them again")
    parser.add_argument("--wait", type=float, default=30.0, metavar="SECONDS")


def run(args: argparse.Namespace) -> int:
    """Check translation catalogs; each problem is printed as `path:line: [code] message — fix`."""
    project = project_from(args)
    registry = project.registry()
    paths: Sequence[Path] = expand_paths(args.files)
    if args.fix:
        with catalog_lock(project, args.wait):
            for path in paths or catalog_files(project):
                try:
                    if fix_file(path):
                        print(f"fixed {display_path(path, project.root)}")
                except pofile.PoSyntaxError:
                    pass  # reported below
    if paths:
        found = check_files(paths, registry, project.root)
    else:
        found = check_project(project, do_extract=not args.no_extract, wait=args.wait)
    for item in found:
        print(item, file=sys.stderr)
    errors = sum(d.is_error for d in found)
    warnings = sum(d.severity == "warning" for d in found)
    checked = len(paths) if paths else len(catalog_files(project))
    print(f"{checked} catalogs checked: {errors} errors, {warnings} warnings")
    return 1 if errors else 0


COMMANDS = {"check": (_add_arguments, run)}
