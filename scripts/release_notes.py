"""What a release says about itself: its CHANGELOG.md section, and each language's translation
progress since the previous version tag, as the Markdown notes readers and the hosting site see.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from scripts import pofile
from scripts.catalogs import INTERFACE_DOMAIN
from scripts.diagnostics import Diagnostic, display_path
from scripts.languages import Language
from scripts.project import Project, git
from scripts.release_tag import Tagged
from scripts.status import Counts, count_text, project_status

CHANGELOG = "CHANGELOG.md"
SUMS_NAME = "SHA256SUMS"


_SECTION_RE = re.compile(r"^## (?:\[(?P<bracketed>[^\]]+)\]|(?P<bare>\S+)).*$", re.MULTILINE)
_LINK_DEFINITION_RE = re.compile(r"^\[[^\]]+\]:\s+\S+\s*$", re.MULTILINE)


def changelog_section(text: str, version: str) -> str | None:
    """The body of `## [version] ...` in a Keep a Changelog file, or None if there is none."""
    sections = list(_SECTION_RE.finditer(text))
    for index, match in enumerate(sections):
        if (match.group("bracketed") or match.group("bare")) != version:
            continue
        end = sections[index + 1].start() if index + 1 < len(sections) else len(text)
        body = _LINK_DEFINITION_RE.sub("", text[match.end():end])
        return body.strip()
    return None


def changelog_problems(project: Project, version: str) -> list[Diagnostic]:
    path = project.root / CHANGELOG
    shown = display_path(path, project.root)
    hint = (f"add a section `## [{version}] - YYYY-MM-DD` to {CHANGELOG} (move the entries of "
            "`## [Sin publicar]` there), commit, and tag that commit")
    if not path.is_file():
        return [Diagnostic(shown, 0, "release-changelog", "there is no changelog", hint)]
    body = changelog_section(path.read_text(encoding="utf-8"), version)
    if not body:
        return [Diagnostic(shown, 0, "release-changelog", f"no section (or an empty one) for version {version}", hint)]
    return []



def _show(root: Path, revision: str) -> bytes | None:
    """A file's bytes as `revision` has it (`git show REV:PATH`), None if it has none."""
    done = git(root, "show", revision, binary=True)
    return done.stdout if done.returncode == 0 else None



def coverage_at(project: Project, ref: str, tag: str) -> Counts | None:
    """A language's counts (as `status` counts them) in the commit `ref`; None if it had no catalogs."""
    prefix = project.catalogdir(tag).relative_to(project.root).as_posix() + "/"
    listed = git(project.root, "ls-tree", "-r", "--name-only", ref, "--", prefix)
    names = [n for n in listed.stdout.splitlines()
             if n.endswith(".po") and n[len(prefix):-len(".po")] != INTERFACE_DOMAIN]
    if listed.returncode != 0 or not names:
        return None
    total = Counts()
    for name in names:
        if (raw := _show(project.root, f"{ref}:./{name}")) is not None:
            total.add(count_text(pofile.decode(raw)))
    return total


@dataclass(frozen=True)
class Progress:
    """One language's translation counts now and at the previous version tag."""

    language: Language
    now: Counts | None  # None: the source language
    before: Counts | None  # None: no catalogs then, or no previous tag


def translation_progress(project: Project, tagged: Tagged) -> list[Progress]:
    status = project_status(project)
    result = []
    for lang in project.registry().languages:
        if lang.source:
            result.append(Progress(lang, None, None))
            continue
        now = status.languages[lang.tag].totals if lang.tag in status.languages else Counts()
        before = coverage_at(project, tagged.previous, lang.tag) if tagged.previous else None
        result.append(Progress(lang, now, before))
    return result


def release_notes(tagged: Tagged, changes: str, progress: list[Progress], files: list[Path]) -> str:
    """Markdown for the GitHub release and for readers: changes, then translation progress."""
    since = f"desde {tagged.previous}" if tagged.previous else "(primera versión)"
    lines = [
        f"# Versión {tagged.version}",
        "",
        f"Publicada el {tagged.date[:10]} · etiqueta `{tagged.tag}` · commit `{tagged.commit[:12]}`",
        "",
        "## Cambios",
        "",
        changes,
        "",
        "## Traducciones",
        "",
        "Porcentaje de las palabras del texto fuente que están traducidas (`make status` lo detalla "
        "por documento).",
        "",
        f"| Lengua | Traducido | Progreso {since} |",
        "| --- | --- | --- |",
    ]
    for item in progress:
        name = f"{item.language.autonym} (`{item.language.tag}`)"
        if item.now is None:
            lines.append(f"| {name} | texto fuente | — |")
            continue
        words = item.now.words
        now = f"{item.now.percent:.1f} % ({words['translated']} de {item.now.total_words} palabras)"
        if item.before is None:
            change = "edición nueva" if tagged.previous else "—"
        else:
            delta = item.now.percent - item.before.percent
            change = f"{delta:+.1f} puntos ({item.before.percent:.1f} % → {item.now.percent:.1f} %)"
        lines.append(f"| {name} | {now} | {change} |")
    lines += [
        "",
        "## Archivos",
        "",
        *[f"- `{path.name}`" for path in files],
        "",
        f"Para comprobar los archivos descargados: `sha256sum -c {SUMS_NAME} --ignore-missing`, en la "
        f"carpeta donde están junto con `{SUMS_NAME}`.",
        "",
    ]
    return "\n".join(lines)
