"""Add an edition: one registry entry and its catalogs, and every other tool picks it up.

A volunteer who commits to a language should not need to know which files list languages: none
does but locale/languages.toml. This command validates the tag (one individual language, never a
collection such as `nah` or a family such as `oto`), appends the entry (validated as a whole
before anything is written), and creates the catalogs with correct headers from the current
sources, so the next `make` builds, checks, counts and lists the new edition.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from scripts import pofile, terminology
from scripts.atomic import write_atomic
from scripts.catalogs import catalog_lock, extract, merge, project_from, read_catalog
from scripts.diagnostics import Diagnostic, PipelineError, display_path
from scripts.languages import (
    APOSTROPHE_POLICIES,
    APOSTROPHES,
    DEFAULT_PLURAL_FORMS,
    Language,
    check_tag,
    parse_registry,
    render_entry,
)
from scripts.project import Project

_APOSTROPHE_BY_CHAR = {char: code for code, char in APOSTROPHES.items()}

_QUESTIONS = (
    ("autonym", "Nombre de la lengua en la propia lengua / autonym"),
    ("name_es", "Nombre en español / name in Spanish"),
    ("name_en", "Nombre en inglés / name in English"),
    ("apostrophe", "Marca glotal / glottal mark (U+0027, U+2019, U+02BC, U+A78C, none)"),
    ("inali_agrupacion", "Agrupación INALI (vacío si no es lengua indígena de México)"),
    ("inali_variante", "Variante INALI"),
)


@dataclass
class Added:
    language: Language
    registry: Path
    catalogs: list[Path] = field(default_factory=list)


def normalise_apostrophe(value: str) -> str:
    value = value.strip()
    if value in _APOSTROPHE_BY_CHAR:
        return _APOSTROPHE_BY_CHAR[value]
    if value.upper().startswith("U+"):
        return "U+" + value[2:].upper()
    return value.lower() or "none"


def registry_entry(tag: str, answers: dict[str, str], *, indigenous: bool | None = None,
                   plural_forms: str = "", latex_language: str = "", note: str = "") -> dict[str, object]:
    """The registry values of a new language (before validation)."""
    is_indigenous = bool(answers.get("inali_agrupacion") or answers.get("inali_variante")) \
        if indigenous is None else indigenous
    values: dict[str, object] = {
        "tag": tag,
        "autonym": answers["autonym"].strip(),
        "name_es": answers["name_es"].strip(),
        "name_en": answers["name_en"].strip(),
        "latex_language": latex_language or ("es" if is_indigenous else tag),
        "apostrophe": normalise_apostrophe(answers.get("apostrophe", "none")),
    }
    if plural_forms and plural_forms != DEFAULT_PLURAL_FORMS:
        values["plural_forms"] = plural_forms
    if is_indigenous:
        values.update({
            "indigenous": True,
            "interface_fallback": "es",
            "inali_agrupacion": answers.get("inali_agrupacion", "").strip(),
            "inali_variante": answers.get("inali_variante", "").strip(),
            "verified": False,
        })
    values["note"] = note or "Added with `python -m scripts add-language`; confirm the autonym and variante with the translators."
    return values


def add_language(project: Project, tag: str, answers: dict[str, str], *, indigenous: bool | None = None,
                 plural_forms: str = "", latex_language: str = "", note: str = "",
                 wait: float = 30.0) -> Added:
    """Register `tag` and create its catalogs; nothing is written if anything is wrong."""
    registry = project.registry()
    shown = display_path(registry.path, project.root)
    if (why := check_tag(tag)) is not None:
        what, _, hint = why.partition(" — ")
        raise PipelineError(Diagnostic(shown, 0, "add-language-tag", what, hint))
    if tag in registry:
        raise PipelineError(Diagnostic(shown, registry.get(tag).line, "add-language-exists",
                                       f"{tag!r} is already registered",
                                       "edit its entry in locale/languages.toml instead"))
    apostrophe = normalise_apostrophe(answers.get("apostrophe", "none"))
    if apostrophe not in APOSTROPHE_POLICIES:
        raise PipelineError(Diagnostic(shown, 0, "add-language-apostrophe",
                                       f"apostrophe {answers.get('apostrophe')!r} is not one of "
                                       f"{', '.join(APOSTROPHE_POLICIES)}",
                                       "give the code point the community writes its glottal mark with, or none"))
    values = registry_entry(tag, answers, indigenous=indigenous, plural_forms=plural_forms,
                            latex_language=latex_language, note=note)
    old_text = registry.path.read_text(encoding="utf-8")
    new_text = old_text.rstrip("\n") + "\n\n" + render_entry(values)
    new_registry = parse_registry(new_text, registry.path)  # validates the whole file
    language = new_registry.get(tag)

    with catalog_lock(project, wait):
        pots = extract(project).pots
        catalogs = {}
        for docname, pot_path in pots.items():
            merged = merge(read_catalog(pot_path, project.root), None, language, docname)
            catalogs[project.catalogdir(tag) / f"{docname}.po"] = pofile.dumps(merged)
        table = terminology.table_path(project.localedir, tag)
        write_atomic(registry.path, new_text)
        for path, text in catalogs.items():
            write_atomic(path, text)
        if not table.exists():  # the agreed terms start empty: only the community fills them in
            write_atomic(table, terminology.empty_table(tag, language.name_es, language.name_en))
    return Added(language, registry.path, sorted(catalogs))


def ask(answers: dict[str, str], prompt: Callable[[str], str] = input) -> dict[str, str]:
    """Fill the missing answers interactively."""
    filled = dict(answers)
    for key, question in _QUESTIONS:
        if key in filled:
            continue
        if key == "inali_variante" and not filled.get("inali_agrupacion"):
            continue
        filled[key] = prompt(f"{question}: ").strip()
    return filled


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("tag", metavar="TAG", help="ISO 639-3 code of ONE language, e.g. tzh, zai, ote")
    parser.add_argument("--autonym", help="the language's name for itself")
    parser.add_argument("--name-es", help="its name in Spanish")
    parser.add_argument("--name-en", help="its name in English")
    parser.add_argument("--apostrophe", help="glottal mark: U+0027, U+2019, U+02BC, U+A78C or none")
    parser.add_argument("--inali-agrupacion", help="INALI agrupación (makes it an Indigenous edition)")
    parser.add_argument("--inali-variante", help="INALI variante")
    parser.add_argument("--indigenous", action=argparse.BooleanOptionalAction, default=None,
                        help="an Indigenous language of Mexico (default: yes when INALI data is given)")
    parser.add_argument("--plural-forms", default="", help=f"default: {DEFAULT_PLURAL_FORMS}")
    parser.add_argument("--latex-language", default="", help="default: es for Indigenous languages, else TAG")
    parser.add_argument("--note", default="")
    parser.add_argument("--wait", type=float, default=30.0, metavar="SECONDS")


def run(args: argparse.Namespace) -> int:
    """Register a language (validated tag, names, INALI data) and create its catalogs."""
    project = project_from(args)
    answers = {key: value for key, value in {
        "autonym": args.autonym, "name_es": args.name_es, "name_en": args.name_en,
        "apostrophe": args.apostrophe, "inali_agrupacion": args.inali_agrupacion,
        "inali_variante": args.inali_variante,
    }.items() if value}
    if (why := check_tag(args.tag)) is None and sys.stdin.isatty():
        answers = ask(answers)
    missing = [f"--{key.replace('_', '-')}" for key in ("autonym", "name_es", "name_en", "apostrophe")
               if not answers.get(key)]
    if missing and why is None:
        raise PipelineError(Diagnostic(
            display_path(project.registry_path, project.root), 0, "add-language-missing",
            f"missing {', '.join(missing)}",
            "give them as options (stdin is not a terminal, so nothing can be asked)"))
    added = add_language(project, args.tag, answers, indigenous=args.indigenous,
                         plural_forms=args.plural_forms, latex_language=args.latex_language,
                         note=args.note, wait=args.wait)
    print(f"registered {added.language.tag} ({added.language.autonym}) in "
          f"{display_path(added.registry, project.root)}")
    for path in added.catalogs:
        print(f"created  {display_path(path, project.root)}")
    print("next: translate the catalogs, `python -m scripts preview "
          f"{added.language.tag}`, and commit locale/ (see CONTRIBUTING.md)")
    return 0


COMMANDS = {"add-language": (_add_arguments, run)}
