"""The translators' catalogs: extract .pot from the sources, update every language's .po.

The promise to volunteers is that no line of their work is ever lost and that a catalog only
changes where something really changed. So `update` merges deterministically (a second run
changes no byte), keeps a changed paragraph's translation as fuzzy with the previous msgid, keeps
a removed paragraph's translation as obsolete, writes atomically, and refuses to run twice at
once. Every catalog is written in the one canonical form, msgcat's (see scripts/pofile.py),
which `wrap --check` enforces.
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import fcntl
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from scripts import pofile
from scripts.atomic import write_atomic
from scripts.diagnostics import Diagnostic, PipelineError, display_path
from scripts.languages import Language
from scripts.pofile import Catalog, Entry
from scripts.project import Project, commit_timestamp

LOCK_NAME = ".update.lock"
INTERFACE_DOMAIN = "sphinx"  # sphinx.po holds interface strings, not a document's paragraphs
FUZZY_THRESHOLD = 0.6        # msgmerge's: below it an old translation is no useful start
PACKAGE_ROOT = Path(__file__).resolve().parent.parent


def project_from(args: argparse.Namespace) -> Project:
    return Project(Path(args.root).resolve()) if getattr(args, "root", None) else Project.discover()


# ----------------------------------------------------------------------------------------------
# Files

@contextlib.contextmanager
def catalog_lock(project: Project, wait: float = 30.0) -> Iterator[None]:
    """Exclusive right to write the catalogs; waits up to `wait` seconds for another run."""
    project.localedir.mkdir(parents=True, exist_ok=True)
    path = project.localedir / LOCK_NAME
    with open(path, "a+") as handle:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise PipelineError(Diagnostic(
                        display_path(path, project.root), 0, "catalogs-locked",
                        f"another command is writing the catalogs (waited {wait:g} s)",
                        "let it finish (update, add-language, wrap or check --fix) and run this "
                        "again; nothing was written")) from None
                time.sleep(0.1)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def language_of_path(path: Path) -> str | None:
    """The tag of the directory a catalog lives in (locale/<tag>/LC_MESSAGES/...), if any."""
    parts = path.resolve().parts
    for i in range(len(parts) - 1, 0, -1):
        if parts[i] == "LC_MESSAGES":
            return parts[i - 1]
    return None


def catalog_files(project: Project, tag: str | None = None) -> list[Path]:
    """Every .po under locale/ (or one language's), sorted."""
    if not project.localedir.is_dir():
        return []
    if tag is not None:
        base = project.catalogdir(tag)
        return sorted(base.rglob("*.po")) if base.is_dir() else []
    return sorted(p for p in project.localedir.glob("*/LC_MESSAGES/**/*.po"))


def docname_of(project: Project, path: Path) -> str:
    tag = language_of_path(path) or ""
    try:
        rel = path.resolve().relative_to(project.catalogdir(tag).resolve())
    except ValueError:
        return path.stem
    return rel.with_suffix("").as_posix()


def pot_files(project: Project) -> dict[str, Path]:
    """docname -> .pot for every document (not the interface domain)."""
    if not project.potdir.is_dir():
        return {}
    result = {}
    for path in sorted(project.potdir.rglob("*.pot")):
        docname = path.relative_to(project.potdir).with_suffix("").as_posix()
        if docname != INTERFACE_DOMAIN:
            result[docname] = path
    return result


def read_catalog(path: Path, root: Path | None = None) -> Catalog:
    """A catalog, or PipelineError pointing at the line gettext would refuse."""
    try:
        return pofile.read(path)
    except pofile.PoSyntaxError as exc:
        raise PipelineError(Diagnostic(display_path(path, root), exc.line, exc.code, exc.message,
                                       exc.hint)) from None


# ----------------------------------------------------------------------------------------------
# Extract

@dataclass
class Extracted:
    pots: dict[str, Path]
    warnings: list[str] = field(default_factory=list)


def extract(project: Project) -> Extracted:
    """Run Sphinx's gettext builder: one .pot per document in build/gettext.

    Old .pot files are removed first so that a deleted document's template does not linger; the
    dates in the new ones follow SOURCE_DATE_EPOCH (the last commit), so they do not churn.
    """
    potdir = project.potdir
    if potdir.is_dir():
        for old in potdir.rglob("*.pot"):
            old.unlink()
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PACKAGE_ROOT), env.get("PYTHONPATH")]))
    stamp = commit_timestamp(project.root)
    if stamp is not None:
        env["SOURCE_DATE_EPOCH"] = str(stamp)
    command = [sys.executable, "-m", "sphinx", "-b", "gettext", "-q",
               "-c", str(project.confdir), str(project.srcdir), str(potdir)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    warnings = [line for line in done.stderr.splitlines() if line.strip()]
    if done.returncode != 0:
        tail = "; ".join(warnings[-3:]) or f"exit status {done.returncode}"
        raise PipelineError(Diagnostic(
            display_path(project.confdir / "conf.py", project.root), 0, "extract-failed",
            f"Sphinx could not extract the messages: {tail}",
            f"run `{' '.join(command[2:])}` to see the whole error; fix the source or conf.py"))
    return Extracted(pot_files(project), warnings)


# ----------------------------------------------------------------------------------------------
# Merge

def nplurals(plural_forms: str) -> int:
    match = re.search(r"nplurals\s*=\s*(\d+)", plural_forms)
    return int(match.group(1)) if match else 2


def _similar(a: str, b: str) -> float:
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < FUZZY_THRESHOLD or matcher.quick_ratio() < FUZZY_THRESHOLD:
        return 0.0
    return matcher.ratio()


def _best_fuzzy(msgid: str, candidates: list[Entry]) -> Entry | None:
    best: Entry | None = None
    best_score = FUZZY_THRESHOLD
    size = len(msgid)
    for old in candidates:
        other = len(old.msgid)
        if 2 * min(size, other) < FUZZY_THRESHOLD * (size + other):
            continue
        score = _similar(msgid, old.msgid)
        if score > best_score:
            best, best_score = old, score
    return best


def new_header(pot: Catalog, language: Language, docname: str) -> Entry:
    """A translation's header: no placeholders, not fuzzy, Plural-Forms from the registry."""
    fields = pot.header_fields()
    created = fields.get("POT-Creation-Date", "")
    text = ""
    for name, value in (
        ("Project-Id-Version", fields.get("Project-Id-Version", "").strip()),
        ("Report-Msgid-Bugs-To", fields.get("Report-Msgid-Bugs-To", "")),
        ("POT-Creation-Date", created),
        ("PO-Revision-Date", created),
        ("Last-Translator", ""),
        ("Language-Team", f"{language.name_en} ({language.tag})"),
    ):
        text += f"{name}: {value}\n"
    header = Entry(msgid="", msgstr=text)
    header.comments = [f"{language.name_es} ({language.tag}): {docname}",
                       "Traducción de la política modelo de datos abiertos; vea CONTRIBUTING.md."]
    fix_header(header, language)
    return header


def fix_header(header: Entry, language: Language) -> None:
    """Set the fields every tool reads from the registry; leave the translators' ones alone."""
    text = header.msgstr
    text = pofile.set_header_field(text, "Language", language.tag, after="Language-Team")
    text = pofile.set_header_field(text, "MIME-Version", "1.0", after="Language")
    text = pofile.set_header_field(text, "Content-Type", "text/plain; charset=UTF-8", after="MIME-Version")
    text = pofile.set_header_field(text, "Content-Transfer-Encoding", "8bit", after="Content-Type")
    text = pofile.set_header_field(text, "Plural-Forms", language.plural_forms,
                                   after="Content-Transfer-Encoding")
    header.msgstr = text
    header.fuzzy = False


def _fresh(template: Entry, forms: int) -> Entry:
    entry = Entry(msgid=template.msgid, msgctxt=template.msgctxt, msgid_plural=template.msgid_plural,
                  extracted=list(template.extracted), references=list(template.references),
                  flags=[f for f in template.flags if f != "fuzzy"])
    if template.msgid_plural is not None:
        entry.msgstr_plural = [""] * forms
    return entry


def _carry(entry: Entry, old: Entry, forms: int) -> None:
    """Give `entry` the translation (and translator's comments) of `old`."""
    entry.comments = list(old.comments)
    strings = old.translations
    if entry.msgid_plural is not None:
        entry.msgstr_plural = (strings + [""] * forms)[:max(forms, len(strings))]
    else:
        entry.msgstr = strings[0]
        if len(strings) > 1 or old.msgid_plural is not None:
            entry.fuzzy = True


def merge(pot: Catalog, po: Catalog | None, language: Language, docname: str) -> Catalog:
    """The catalog that results from bringing `po` up to date with `pot`.

    Every non-empty translation of `po` survives: as is when its msgid is unchanged, as a fuzzy
    entry (with `#| msgid`) when a similar msgid replaced it, as an obsolete `#~` entry otherwise.
    """
    forms = nplurals(language.plural_forms)
    old_entries = po.entries if po else []
    by_key: dict[tuple[str | None, str], Entry] = {}
    for old in old_entries:
        by_key.setdefault(old.key, old)
    # Fuzzy candidates: translations whose msgid left the template, i.e. those that would
    # otherwise become obsolete. (A translation still in use keeps its own entry; comparing every
    # new paragraph with all of them made update quadratic in the catalog's size.)
    current = {template.key for template in pot.active}
    translated_old = [old for old in old_entries if old.has_translation and old.key not in current]
    used: set[int] = set()
    result = Catalog()
    for template in pot.active:
        entry = _fresh(template, forms)
        old = by_key.get(template.key)
        if old is not None:
            used.add(id(old))
            _carry(entry, old, forms)
            if old.fuzzy and old.has_translation:
                entry.fuzzy = True
                entry.previous_msgctxt = old.previous_msgctxt
                entry.previous_msgid = old.previous_msgid
                entry.previous_msgid_plural = old.previous_msgid_plural
        else:
            source = _best_fuzzy(template.msgid, translated_old)
            if source is not None:
                used.add(id(source))
                _carry(entry, source, forms)
                entry.fuzzy = True
                keep_previous = source.fuzzy and source.previous_msgid is not None
                entry.previous_msgctxt = source.previous_msgctxt if keep_previous else source.msgctxt
                entry.previous_msgid = source.previous_msgid if keep_previous else source.msgid
                if template.msgid_plural is not None or source.msgid_plural is not None:
                    entry.previous_msgid_plural = (source.previous_msgid_plural if keep_previous
                                                   else source.msgid_plural)
        result.entries.append(entry)
    for old in old_entries:
        if id(old) in used or not old.has_translation:
            continue
        if not old.obsolete:
            old = Entry(msgid=old.msgid, msgstr=old.msgstr, msgctxt=old.msgctxt,
                        msgid_plural=old.msgid_plural, msgstr_plural=list(old.msgstr_plural),
                        comments=list(old.comments), flags=list(old.flags),
                        previous_msgctxt=old.previous_msgctxt, previous_msgid=old.previous_msgid,
                        previous_msgid_plural=old.previous_msgid_plural, obsolete=True)
        result.entries.append(old)

    if po is not None and po.header is not None:
        header = Entry(msgid="", msgstr=po.header.msgstr, comments=list(po.header.comments),
                       flags=list(po.header.flags))
        body_changed = _body(result) != _body(po)
        if body_changed:
            created = pot.header_fields().get("POT-Creation-Date")
            if created:
                header.msgstr = pofile.set_header_field(header.msgstr, "POT-Creation-Date", created)
        fix_header(header, language)
    else:
        header = new_header(pot, language, docname)
    result.header = header
    return result


def _body(catalog: Catalog) -> str:
    return pofile.dumps(Catalog(entries=catalog.entries))


# ----------------------------------------------------------------------------------------------
# Update

@dataclass
class UpdateReport:
    created: list[Path] = field(default_factory=list)
    updated: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    orphans: list[Path] = field(default_factory=list)  # catalogs whose document is gone: kept

    def as_dict(self, root: Path) -> dict[str, list[str]]:
        return {name: [display_path(p, root) for p in getattr(self, name)]
                for name in ("created", "updated", "unchanged", "orphans")}


def update_language(project: Project, language: Language, pots: dict[str, Path],
                    report: UpdateReport) -> None:
    base = project.catalogdir(language.tag)
    for docname, pot_path in pots.items():
        pot = read_catalog(pot_path, project.root)
        target = base / f"{docname}.po"
        existing = read_catalog(target, project.root) if target.exists() else None
        merged = merge(pot, existing, language, docname)
        changed = write_atomic(target, pofile.dumps(merged))
        (report.unchanged if not changed else report.updated if existing else report.created).append(target)
    for path in catalog_files(project, language.tag):
        docname = docname_of(project, path)
        if docname not in pots and docname != INTERFACE_DOMAIN:
            report.orphans.append(path)


def update(project: Project, tags: Sequence[str] | None = None, *, do_extract: bool = True,
           wait: float = 30.0) -> UpdateReport:
    """Extract the templates and bring every registered translation's catalogs up to date."""
    registry = project.registry()
    languages = [registry.get(tag) for tag in tags] if tags else registry.translations
    for language in languages:
        if language.source:
            raise PipelineError(Diagnostic(
                display_path(registry.path, project.root), language.line, "update-source-language",
                f"{language.tag} is the source language; it has no catalogs",
                "name a translation's tag, or none to update them all"))
    report = UpdateReport()
    with catalog_lock(project, wait):
        pots = extract(project).pots if do_extract else pot_files(project)
        if not pots:
            raise PipelineError(Diagnostic(
                display_path(project.potdir, project.root), 0, "update-no-templates",
                "no .pot templates found", "run `python -m scripts update` without --no-extract"))
        for language in languages:
            update_language(project, language, pots, report)
    return report


# ----------------------------------------------------------------------------------------------
# Canonical wrapping

def first_difference(a: str, b: str) -> int:
    for number, (x, y) in enumerate(zip(a.split("\n"), b.split("\n"), strict=False), 1):
        if x != y:
            return number
    return min(a.count("\n"), b.count("\n")) + 1


def canonical_problem(path: Path, root: Path | None = None) -> Diagnostic | None:
    """Why a catalog is not in canonical form, or None if it is."""
    text = pofile.decode(path.read_bytes())
    canonical = pofile.dumps(pofile.parse(text))
    if canonical == text:
        return None
    return Diagnostic(display_path(path, root), first_difference(text, canonical), "po-wrap",
                      "not in the canonical gettext form (wrapping at 79 columns, as msgcat writes)",
                      f"run `python -m scripts wrap {display_path(path, root)}` (or save it in Poedit)")


def wrap(paths: Sequence[Path], *, check_only: bool, root: Path | None = None) -> tuple[list[Diagnostic], list[Path]]:
    """Diagnostics for catalogs not canonical (or unreadable); with check_only False, fix them."""
    problems: list[Diagnostic] = []
    rewritten: list[Path] = []
    for path in paths:
        try:
            problem = canonical_problem(path, root)
        except pofile.PoSyntaxError as exc:
            problems.append(Diagnostic(display_path(path, root), exc.line, exc.code, exc.message, exc.hint))
            continue
        if problem is None:
            continue
        if check_only:
            problems.append(problem)
        else:
            write_atomic(path, pofile.dumps(pofile.read(path)))
            rewritten.append(path)
    return problems, rewritten


# ----------------------------------------------------------------------------------------------
# Command line

def _add_update_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--language", "-l", action="append", metavar="TAG",
                        help="only this language (repeatable); default: every translation")
    parser.add_argument("--no-extract", action="store_true",
                        help="use the .pot files already in build/gettext")
    parser.add_argument("--wait", type=float, default=30.0, metavar="SECONDS",
                        help="how long to wait for another run to finish (default 30)")


def run_update(args: argparse.Namespace) -> int:
    """Extract .pot templates from the sources and update every language's .po catalogs.

    A changed paragraph keeps its translation as fuzzy (with the previous msgid), a removed one as
    obsolete; a second run changes nothing.
    """
    project = project_from(args)
    report = update(project, args.language, do_extract=not args.no_extract, wait=args.wait)
    for path in report.created:
        print(f"created  {display_path(path, project.root)}")
    for path in report.updated:
        print(f"updated  {display_path(path, project.root)}")
    for path in report.orphans:
        print(f"{display_path(path, project.root)}: [catalog-orphan] its document is gone; kept — "
              "move its translations to the renamed document, or delete the file", file=sys.stderr)
    print(f"{len(report.created)} created, {len(report.updated)} updated, "
          f"{len(report.unchanged)} unchanged")
    return 0


def _add_wrap_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="*", type=Path, metavar="FILE.po",
                        help="catalogs to rewrap (default: every catalog under locale/)")
    parser.add_argument("--check", action="store_true",
                        help="change nothing; list catalogs not in canonical form and exit 1")
    parser.add_argument("--wait", type=float, default=30.0, metavar="SECONDS")


def run_wrap(args: argparse.Namespace) -> int:
    """Rewrite catalogs in the canonical gettext form (msgcat's wrapping at 79 columns)."""
    project = project_from(args)
    paths = list(args.files) or catalog_files(project)
    if args.check:
        problems, _ = wrap(paths, check_only=True, root=project.root)
    else:
        with catalog_lock(project, args.wait):
            problems, rewritten = wrap(paths, check_only=False, root=project.root)
        for path in rewritten:
            print(f"rewrapped {display_path(path, project.root)}")
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


def _add_extract_arguments(parser: argparse.ArgumentParser) -> None:
    pass


def run_extract(args: argparse.Namespace) -> int:
    """Extract the message templates (one .pot per document) into build/gettext."""
    project = project_from(args)
    result = extract(project)
    for line in result.warnings:
        print(line, file=sys.stderr)
    print(f"{len(result.pots)} templates in {display_path(project.potdir, project.root)}")
    return 0


COMMANDS = {
    "extract": (_add_extract_arguments, run_extract),
    "update": (_add_update_arguments, run_update),
    "wrap": (_add_wrap_arguments, run_wrap),
}
