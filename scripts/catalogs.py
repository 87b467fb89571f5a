"""The translators' catalogs: extract .pot from the sources, update every language's .po.

The promise to volunteers is that no line of their work is ever lost and that a catalog only
changes where something really changed. So `update` merges deterministically (a second run
changes no byte), keeps a changed paragraph's translation as fuzzy with the previous msgid, keeps
a removed paragraph's translation as obsolete, writes atomically, and refuses to run twice at
once. Every catalog is written in the one canonical form, msgcat's (see scripts/pofile.py),
which `wrap --check` enforces (scripts/wrapping.py).

One job over 400 lines: source → pot → po, with the lock that guards every write to the
catalogs (extract, merge through msgmerge, update).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO

from scripts import pofile
from scripts.atomic import write_atomic
from scripts.diagnostics import Diagnostic, PipelineError, catalog_orphan, display_path
from scripts.languages import Language
from scripts.pofile import Catalog, Entry
from scripts.project import Project, sphinx_environment

LOCK_NAME = ".update.lock"
INTERFACE_DOMAIN = "sphinx"  # sphinx.po holds interface strings, not a document's paragraphs


def project_from(args: argparse.Namespace) -> Project:
    return Project(Path(args.root).resolve()) if getattr(args, "root", None) else Project.discover()


# ----------------------------------------------------------------------------------------------
# Files

def _try_lock(handle: IO[str]) -> bool:
    """Take the lock file without waiting: flock on POSIX, msvcrt on Windows (translators run
    `check --fix` and the pre-commit hooks there)."""
    try:
        if os.name == "nt":
            import msvcrt  # noqa: PLC0415

            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        else:
            import fcntl  # noqa: PLC0415

            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except (BlockingIOError, PermissionError, OSError):
        return False
    return True


def _unlock(handle: IO[str]) -> None:
    if os.name == "nt":
        import msvcrt  # noqa: PLC0415

        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined]
    else:
        import fcntl  # noqa: PLC0415

        fcntl.flock(handle, fcntl.LOCK_UN)


@contextlib.contextmanager
def catalog_lock(project: Project, wait: float = 30.0) -> Iterator[None]:
    """Exclusive right to write the catalogs; waits up to `wait` seconds for another run."""
    project.localedir.mkdir(parents=True, exist_ok=True)
    path = project.localedir / LOCK_NAME
    with open(path, "a+") as handle:
        deadline = time.monotonic() + wait
        while not _try_lock(handle):
            if time.monotonic() >= deadline:
                raise PipelineError(Diagnostic(
                    display_path(path, project.root), 0, "catalogs-locked",
                    f"another command is writing the catalogs (waited {wait:g} s)",
                    "let it finish (update, add-language, wrap or check --fix) and run this "
                    "again; nothing was written"))
            time.sleep(0.1)
        try:
            yield
        finally:
            _unlock(handle)


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


read_catalog = pofile.read_checked  # a catalog, or PipelineError at the line gettext refuses
nplurals = pofile.nplurals          # one definition (checks and interface read it from here)


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
    env = sphinx_environment(project)  # the pipeline importable, dates from the last commit
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
    # Sphinx also writes the interface template (sphinx.pot). Its catalogs are not the chapters':
    # kept beside build/gettext, so that the usual Sphinx guide's `sphinx-intl update -p
    # build/gettext` creates exactly the catalogs `update` does and no stray sphinx.po.
    interface = potdir / f"{INTERFACE_DOMAIN}.pot"
    if interface.is_file():
        aside = project.builddir / "gettext-interface"
        aside.mkdir(parents=True, exist_ok=True)
        os.replace(interface, aside / interface.name)
    return Extracted(pot_files(project), warnings)


# ----------------------------------------------------------------------------------------------
# Merge

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


MSGMERGE = ("msgmerge", "--quiet", "--previous")


# Header fields in the order `update` writes them (new_header, then fix_header).
HEADER_ORDER = ("Project-Id-Version", "Report-Msgid-Bugs-To", "POT-Creation-Date", "PO-Revision-Date",
                "Last-Translator", "Language-Team", "Language", "MIME-Version", "Content-Type",
                "Content-Transfer-Encoding", "Plural-Forms")
# What Babel-based tools (sphinx-intl, pybabel) write that this project's catalogs never hold: a
# Generated-By field, and format flags Babel guesses from the text — MyST's {role}`…` braces look
# like Python's str.format to it, so it marks paragraphs python-brace-format, and msgfmt -c would
# then hold translators to brace "placeholders" that are markup. The templates carry no flags.
FOREIGN_HEADER_FIELDS = ("Generated-By",)
GUESSED_FLAGS = ("python-format", "python-brace-format")


def project_form(catalog: pofile.Catalog) -> None:
    """Bring a document catalog of this project to the form `update` writes, where a Babel-based
    tool (the usual Sphinx guide's `sphinx-intl update`) changed it: the header's registry fields
    order and charset spelling (fields it lacks are `update`'s and `check`'s business), no
    Generated-By, no guessed format flags, no ":0" line numbers. What such a tool removed (the previous
    msgid `#|` of a fuzzy entry) cannot be restored: CONTRIBUTING says so."""
    header = catalog.header
    if header is None:
        return
    fields = [re.sub(r"(?i)charset=utf-8$", "charset=UTF-8", line) for line in header.msgstr.split("\n") if line]
    named = {line.split(":", 1)[0].strip(): line for line in fields if ":" in line}
    ordered = [named[name] for name in HEADER_ORDER if name in named]
    rest = [line for line in fields if line not in ordered
            and line.split(":", 1)[0].strip() not in FOREIGN_HEADER_FIELDS]
    header.msgstr = "".join(f"{line}\n" for line in [*ordered, *rest])
    for entry in catalog.entries:
        if entry is not header:
            entry.flags = [flag for flag in entry.flags if flag not in GUESSED_FLAGS]
            # Sphinx writes line 0 for text without a line (glossary terms); Babel drops ":0"
            entry.references = [ref[:-2] if ref.endswith(":0") else ref for ref in entry.references]


def _run_msgmerge(definitions: Path, template: Path) -> str:
    """GNU msgmerge's merge of `definitions` (a .po) with `template` (a .pot), as text."""
    command = [*MSGMERGE, "--output-file=-", str(definitions), str(template)]
    try:
        done = subprocess.run(command, capture_output=True, check=False)
    except FileNotFoundError:
        raise PipelineError(Diagnostic(str(template), 0, "update-msgmerge",
                                       "msgmerge (GNU gettext) is not installed",
                                       "install gettext: `make system` lists the packages")) from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise PipelineError(Diagnostic(str(definitions), 0, "update-msgmerge",
                                       f"msgmerge failed: {message[-1] if message else done.returncode}",
                                       f"run `{' '.join(command[:3])} {definitions} {template}` to see why"))
    return done.stdout.decode("utf-8")


def _first_block(text: str) -> tuple[str, str]:
    """(the first entry's lines, the rest) of canonical PO text, split at the first blank line."""
    head, sep, rest = text.partition("\n\n")
    return (head + "\n", rest) if sep else (text, "")


def header_of(text: str) -> Entry | None:
    """The header entry of PO text, read from its first block (the whole text if need be)."""
    head, _ = _first_block(text)
    try:
        return pofile.parse(head).header
    except pofile.PoSyntaxError:
        return pofile.parse(text).header


def merge_text(template: Path, template_header: Entry | None, po: Catalog | None, po_text: str | None,
               language: Language, docname: str, *, po_path: Path | None = None) -> str:
    """The text of `po` brought up to date with the template at `template`, by msgmerge --previous.

    GNU msgmerge does the merge (exact matches, fuzzy matches with `#| msgid`, obsolete `#~`
    entries, as many msgstr[N] as the catalog's Plural-Forms says) and writes it in the canonical
    form; we set the header from the registry before (so new plural entries get that language's
    number of forms) and keep the old POT-Creation-Date when no entry changed (so a new commit
    does not touch every catalog). `po_path` may name the file `po` was read from: it is given to
    msgmerge as is when its header needs no change.
    """
    if po is not None and po.header is not None:
        header = Entry(msgid="", msgstr=po.header.msgstr, comments=list(po.header.comments),
                       flags=list(po.header.flags))
        fix_header(header, language)
        unchanged = header.msgstr == po.header.msgstr and header.flags == po.header.flags
    else:
        header = new_header(Catalog(header=template_header), language, docname)
        unchanged = False
    with tempfile.TemporaryDirectory(prefix="update-") as tmp:
        definitions = po_path if unchanged and po_path is not None else Path(tmp) / "old.po"
        if definitions != po_path:
            definitions.write_text(pofile.dumps(Catalog(header=header, entries=po.entries if po else [])),
                                   encoding="utf-8")
        merged = _run_msgmerge(definitions, template)
    head, body = _first_block(merged)
    new = pofile.parse(head).header or header
    created = pofile.parse_header(template_header.msgstr if template_header else "").get("POT-Creation-Date")
    if po is not None and po.header is not None and po_text is not None and _first_block(po_text)[1] == body:
        created = po.header_fields().get("POT-Creation-Date", created)  # nothing changed: keep the date
    if created:
        new.msgstr = pofile.set_header_field(new.msgstr, "POT-Creation-Date", created)
    fix_header(new, language)
    text = pofile.dumps(Catalog(header=new))
    body = _keep_what_msgmerge_drops(po, body, nplurals(language.plural_forms))
    return text + "\n" + body if body else text


def _keep_what_msgmerge_drops(po: Catalog | None, body: str, forms: int) -> str:
    """`body` with the plural translations msgmerge would drop put back.

    msgmerge (like msgcat) keeps an old entry's translation only if its msgstr[0] is non-empty:
    a plural entry translated in its other forms only would vanish; and it keeps only msgstr[0]
    when the msgid is now singular, and only as many forms as the language's Plural-Forms has.
    Such text comes back as an obsolete entry, or (when its msgid is still used) as a fuzzy start
    for that entry or a "before the update" comment on it; nothing a translator wrote is lost.
    Rare: the body is re-read only when a translated plural entry exists.
    """
    candidates = [e for e in (po.entries if po else []) if e.msgid_plural is not None and any(e.msgstr_plural)]
    if not candidates:
        return body
    merged = pofile.parse(body)
    by_key = {e.key: e for e in merged.entries}
    present = {t for e in merged.entries for t in e.translations if t}
    changed = False
    for old in candidates:
        missing = [t for t in old.msgstr_plural if t and t not in present]
        if not missing:
            continue
        changed = True
        target = by_key.get(old.key)
        if target is None:
            merged.entries.append(replace(old, obsolete=True, references=[], extracted=[]))
            continue
        if not target.has_translation and target.msgid_plural is not None:
            target.msgstr_plural = (old.msgstr_plural + [""] * forms)[:max(forms, len(old.msgstr_plural))]
            missing = []
        elif not target.has_translation:
            target.msgstr, missing = missing[0], missing[1:]
        target.comments += [f"before the update: {text}" for text in missing]
        target.fuzzy = True
    return pofile.dumps(merged) if changed else body


def merge(pot: Catalog, po: Catalog | None, language: Language, docname: str) -> Catalog:
    """The catalog that results from bringing `po` up to date with `pot` (see merge_text).

    Every non-empty translation of `po` survives: as is when its msgid is unchanged, as a fuzzy
    entry (with `#| msgid`) when a similar msgid replaced it, as an obsolete `#~` entry otherwise.
    """
    template_header = pot.header or Entry(msgid="", msgstr="")
    if "Content-Type" not in pofile.parse_header(template_header.msgstr):
        template_header = Entry(msgid="", msgstr=pofile.set_header_field(
            template_header.msgstr, "Content-Type", "text/plain; charset=UTF-8"))
    with tempfile.TemporaryDirectory(prefix="update-") as tmp:
        template = Path(tmp) / "template.pot"
        template.write_text(pofile.dumps(Catalog(header=template_header, entries=pot.entries)), encoding="utf-8")
        text = merge_text(template, template_header, po, pofile.dumps(po) if po is not None else None,
                          language, docname)
    return pofile.parse(text)


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


def _update_catalog(project: Project, language: Language, docname: str, pot_path: Path) -> tuple[Path, bool, bool]:
    """Merge one catalog with its template and write it (atomically, only if it changed):
    (its path, whether it existed, whether it changed)."""
    target = project.catalogdir(language.tag) / f"{docname}.po"
    existing = existing_text = None
    if target.exists():
        try:
            existing_text = pofile.decode(target.read_bytes())
            existing = pofile.parse(existing_text)
        except pofile.PoSyntaxError as exc:
            raise PipelineError(pofile.syntax_diagnostic(exc, target, project.root)) from None
    pot_header = header_of(pot_path.read_text(encoding="utf-8"))
    text = merge_text(pot_path, pot_header, existing, existing_text, language, docname, po_path=target)
    merged = pofile.parse(text)
    project_form(merged)
    return target, existing is not None, write_atomic(target, pofile.dumps(merged))


def update_language(project: Project, language: Language, pots: dict[str, Path],
                    report: UpdateReport) -> None:
    # msgmerge runs as one process per catalog and most of an update's time is spent in it: the
    # catalogs are merged on every core (threads waiting on msgmerge; the Python work between
    # runs holds the GIL). Results are reported in the templates' order; the first failure, in
    # that order, stops the update (catalogs already merged stay written, each atomically).
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        merges = [pool.submit(_update_catalog, project, language, docname, pot_path)
                  for docname, pot_path in pots.items()]
        try:
            for merge in merges:
                target, existed, changed = merge.result()
                (report.unchanged if not changed else report.updated if existed else report.created).append(target)
        finally:
            for merge in merges:
                merge.cancel()
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
        print(catalog_orphan(display_path(path, project.root), docname_of(project, path)), file=sys.stderr)
    print(f"{len(report.created)} created, {len(report.updated)} updated, "
          f"{len(report.unchanged)} unchanged")
    return 0


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
}
