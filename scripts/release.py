"""Tagged, reproducible, verifiable releases: `python -m scripts release` at a tag vX.Y.Z.

A policy is quoted, adopted and cited by version, so a release is exactly what its tag says and
nothing else: it refuses a tree that differs from the tag, a tag that is not a version, catalogs
that fail their checks, a version CHANGELOG.md says nothing about, and any edition that fails to
build. Every edition is built with SOURCE_DATE_EPOCH set to the tagged commit's time, so two
releases of one tag, on any machine and in any directory, give the same bytes; SHA256SUMS and
manifest.json let anyone check that a file is the one published.

The hosted release workflow splits the same steps across machines: `release --lang TAG` builds
one language's editions (one job per language), and `release --gather` publishes what those
jobs built, building nothing itself. Without either flag one command does both.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import re
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scripts import formats, pofile
from scripts.archives import write_deterministic_zip
from scripts.atomic import write_atomic
from scripts.build import BuildOptions, EditionResult, build_matrix, summarize
from scripts.catalogs import INTERFACE_DOMAIN
from scripts.checks import check_project
from scripts.diagnostics import Diagnostic, PipelineError, display_path
from scripts.languages import Language
from scripts.project import DIST_STEM, SEMVER_TAG_RE, Project, dist_filename, git
from scripts.status import Counts, count_text, project_status

CHANGELOG = "CHANGELOG.md"
SUMS_NAME = "SHA256SUMS"
MANIFEST_NAME = "manifest.json"


# ---------------------------------------------------------------- git: what HEAD is


@dataclass(frozen=True)
class Tagged:
    """The tagged commit a release is made from."""

    tag: str
    commit: str
    epoch: int  # the commit's time: SOURCE_DATE_EPOCH of every output
    previous: str | None  # the version tag before this one, for "progress since"

    @property
    def version(self) -> str:
        return self.tag[1:]

    @property
    def date(self) -> str:
        return dt.datetime.fromtimestamp(self.epoch, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _show(root: Path, revision: str) -> bytes | None:
    """A file's bytes as `revision` has it (`git show REV:PATH`), None if it has none."""
    done = git(root, "show", revision, binary=True)
    return done.stdout if done.returncode == 0 else None  # type: ignore[no-any-return]


def semver_key(tag: str) -> tuple[int, int, int, int, tuple[tuple[int, int | str], ...]]:
    """Sort key of a vX.Y.Z[-pre] tag by SemVer precedence (a pre-release sorts before its version)."""
    match = SEMVER_TAG_RE.match(tag)
    if not match:
        raise ValueError(f"{tag!r} is not a version tag")
    major, minor, patch, pre = match.groups()
    ids = tuple((0, int(p)) if p.isdigit() else (1, p) for p in pre[1:].split(".")) if pre else ()
    return int(major), int(minor), int(patch), 0 if pre else 1, ids


def git_problems(root: Path) -> list[Diagnostic]:
    """Why HEAD's working tree is not exactly a commit (empty if it is)."""
    where = display_path(root)
    inside = git(root, "rev-parse", "--is-inside-work-tree")
    if inside.returncode != 0 or inside.stdout.strip() != "true":
        return [Diagnostic(where, 0, "release-no-git", "not a git working tree",
                           "release from a clone of the repository: the version and the date come from its tag")]
    status = git(root, "status", "--porcelain", "--untracked-files=normal", "--", ".")
    changed = [line[3:] for line in status.stdout.splitlines() if line.strip()]
    if not changed:
        return []
    listed = ", ".join(changed[:5]) + (f" and {len(changed) - 5} more" if len(changed) > 5 else "")
    return [Diagnostic(where, 0, "release-dirty",
                       f"the working tree differs from HEAD ({len(changed)} path(s): {listed})",
                       "commit or stash the changes (`git status` lists them), then tag and release again; "
                       "a release must be rebuildable from its tag alone")]


def tagged_head(root: Path) -> Tagged:
    """HEAD's version tag, or PipelineError saying why HEAD cannot be released."""
    where = display_path(root)
    tags = git(root, "tag", "--points-at", "HEAD").stdout.split()
    versions = sorted((t for t in tags if SEMVER_TAG_RE.match(t)), key=semver_key)
    if not tags:
        described = git(root, "describe", "--tags", "--always").stdout.strip() or "no tag at all"
        raise PipelineError(Diagnostic(
            where, 0, "release-untagged", f"HEAD is not at a tag (git describe: {described})",
            "tag the commit to release, e.g. `git tag -a v1.2.0 -m 'Versión 1.2.0'`, then run the release "
            "again (see RELEASING.md)"))
    if not versions:
        raise PipelineError(Diagnostic(
            where, 0, "release-not-semver",
            f"HEAD's tag {', '.join(sorted(tags))} is not a semantic version vMAJOR.MINOR.PATCH",
            "add a tag such as v1.2.0 (or v1.2.0-rc.1 for a candidate) to the same commit"))
    if len(versions) > 1:
        raise PipelineError(Diagnostic(
            where, 0, "release-several-tags", f"HEAD carries several version tags: {', '.join(versions)}",
            "a commit is one version: delete the wrong tag with `git tag -d TAG`"))
    tag = versions[0]
    commit = git(root, "rev-parse", "HEAD").stdout.strip()
    epoch = int(git(root, "log", "-1", "--format=%ct", "HEAD").stdout.strip())
    earlier = [t for t in git(root, "tag", "--merged", "HEAD").stdout.split()
               if SEMVER_TAG_RE.match(t) and semver_key(t) < semver_key(tag)]
    previous = max(earlier, key=semver_key) if earlier else None
    return Tagged(tag=tag, commit=commit, epoch=epoch, previous=previous)


@contextmanager
def release_environment(tagged: Tagged) -> Iterator[None]:
    """The version and the date come from the tag, whatever the caller's environment says."""
    wanted = {"SOURCE_DATE_EPOCH": str(tagged.epoch), "POLICY_VERSION": tagged.version}
    saved = {name: os.environ.get(name) for name in wanted}
    os.environ.update(wanted)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


# ---------------------------------------------------------------- CHANGELOG.md

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


# ---------------------------------------------------------------- catalog checks


def catalog_problems(project: Project) -> list[Diagnostic]:
    """The errors `python -m scripts check` finds (warnings do not stop a release)."""
    return [d for d in check_project(project) if d.is_error]


# ---------------------------------------------------------------- translation coverage


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


# ---------------------------------------------------------------- what a release publishes


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_entry(path: Path, **extra: str) -> dict[str, Any]:
    return {"name": path.name, **extra, "size": path.stat().st_size, "sha256": sha256_of(path)}


def edition_files(project: Project, tag: str) -> dict[str, Path]:
    return {fmt.name: project.distdir / project.dist_name(tag, fmt.suffix) for fmt in formats.published()}


def site_archive_name(version: str) -> str:
    return dist_filename(version, formats.SITE, "zip")


def notes_name(version: str) -> str:
    return dist_filename(version, "notas", "md")


def site_files(sitedir: Path) -> dict[str, bytes]:
    """The site as published: every file but hidden ones.

    Sphinx's ``.buildinfo`` (and the ``.buildinfo.bak`` it leaves when the configuration changed)
    are build bookkeeping, not pages: a hash of a configuration that includes absolute paths of
    the checkout, so they differ between two clones of one tag, and nothing links to them.
    """
    files = {}
    for path in sorted(sitedir.rglob("*")):
        rel = path.relative_to(sitedir)
        if path.is_file() and not any(part.startswith(".") for part in rel.parts):
            files[rel.as_posix()] = path.read_bytes()
    return files


def write_site_archive(project: Project, tagged: Tagged) -> Path:
    dest = project.distdir / site_archive_name(tagged.version)
    folder = dest.name.removesuffix(".zip") + "/"
    files = {folder + name: data for name, data in site_files(project.sitedir).items()}
    write_deterministic_zip(dest, files, tagged.epoch)
    return dest


def missing_editions(project: Project) -> list[Diagnostic]:
    """Editions `--gather` was given nothing for (each job of the matrix leaves one language's)."""
    found = []
    for lang in project.registry().languages:
        expected = [*edition_files(project, lang.tag).values(), project.sitedir / lang.tag / "index.html"]
        for path in expected:
            if not path.is_file():
                found.append(Diagnostic(display_path(path, project.root), 0, "release-missing-edition",
                                        f"no {lang.tag} output to publish",
                                        f"build it first: `python -m scripts release --lang {lang.tag}` "
                                        "(in CI: that language's job of the matrix failed or was not downloaded)"))
    return found


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


def manifest(project: Project, tagged: Tagged, progress: list[Progress], site_archive: Path,
             notes: Path) -> dict[str, Any]:
    editions = []
    for item in progress:
        lang = item.language
        coverage = {"source": True, "percent": 100.0} if item.now is None else item.now.as_dict()
        if item.before is not None:
            coverage["previous_percent"] = item.before.percent
        files = [file_entry(path, format=fmt) for fmt, path in edition_files(project, lang.tag).items()]
        editions.append({"language": lang.tag, "autonym": lang.autonym, "name_es": lang.name_es,
                         "name_en": lang.name_en, "coverage": coverage, "files": files,
                         "site": f"{lang.tag}/index.html"})
    return {
        "name": DIST_STEM,
        "version": tagged.version,
        "tag": tagged.tag,
        "commit": tagged.commit,
        "date": tagged.date,
        "source_date_epoch": tagged.epoch,
        "previous": tagged.previous,
        "editions": editions,
        "site": file_entry(site_archive, format=formats.SITE),
        "notes": file_entry(notes, format="markdown"),
    }


def sha256sums(paths: Iterable[Path]) -> str:
    """`sha256sum` text mode lines, sorted by name, so `sha256sum -c` reads it as it is."""
    return "".join(f"{sha256_of(p)}  {p.name}\n" for p in sorted(paths, key=lambda p: p.name))


# ---------------------------------------------------------------- the release


@dataclass
class ReleaseOptions:
    tags: tuple[str, ...] = ()  # --lang: build only these editions; publish nothing
    gather: bool = False  # --gather: build nothing; publish the editions already built
    jobs: int = 0


@dataclass
class ReleaseResult:
    tagged: Tagged
    editions: list[EditionResult] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)  # what was written to dist/, SHA256SUMS last
    manifest: dict[str, Any] = field(default_factory=dict)


def preflight(project: Project, tagged: Tagged) -> list[Diagnostic]:
    """Everything that refuses a release before anything is built."""
    problems = changelog_problems(project, tagged.version)
    if catalogs := catalog_problems(project):
        problems += [*catalogs, Diagnostic(
            display_path(project.localedir, project.root), 0, "release-checks",
            f"{len(catalogs)} catalog error(s) above: a release publishes only catalogs that pass `make check`",
            "fix them (RELEASING.md says how), commit, tag the new commit and release it")]
    return problems


def publish(project: Project, tagged: Tagged) -> tuple[list[Path], dict[str, Any]]:
    """Site archive, notes, manifest.json and SHA256SUMS from the editions in dist/ and build/site."""
    from scripts.site import assemble_site  # noqa: PLC0415

    assemble_site(project)
    archive = write_site_archive(project, tagged)
    progress = translation_progress(project, tagged)
    editions = [path for item in progress for path in edition_files(project, item.language.tag).values()]
    changes = changelog_section((project.root / CHANGELOG).read_text(encoding="utf-8"), tagged.version) or ""
    notes = project.distdir / notes_name(tagged.version)
    write_atomic(notes, release_notes(tagged, changes, progress, [*editions, archive]).encode("utf-8"))
    data = manifest(project, tagged, progress, archive, notes)
    manifest_path = project.distdir / MANIFEST_NAME
    write_atomic(manifest_path, (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    published = [*editions, archive, notes, manifest_path]
    sums = project.distdir / SUMS_NAME
    write_atomic(sums, sha256sums(published).encode("ascii"))
    return [*published, sums], data


def release(root: Path, options: ReleaseOptions,
            progress: Callable[[str, EditionResult | None], None] | None = None) -> ReleaseResult:
    """Refuse, build, publish; PipelineError names every reason a release cannot be made."""
    problems = git_problems(root)
    if any(d.code == "release-no-git" for d in problems):
        raise PipelineError(problems)
    try:
        tagged = tagged_head(root)
    except PipelineError as exc:
        raise PipelineError(problems + exc.diagnostics) from None
    with release_environment(tagged):
        project = Project(root)
        for tag in options.tags:
            project.registry().get(tag)  # an unknown language is refused before anything runs
        problems += preflight(project, tagged)
        if problems:
            raise PipelineError(problems)
        # A checksum file left by an earlier run must never vouch for files this run replaces.
        for stale in (SUMS_NAME, MANIFEST_NAME):
            (project.distdir / stale).unlink(missing_ok=True)
        result = ReleaseResult(tagged)
        if not options.gather:
            build = BuildOptions(tags=options.tags, jobs=options.jobs, force=True)
            result.editions = build_matrix(project, build, progress)
            text, ok = summarize(result.editions)
            if not ok:
                raise PipelineError(Diagnostic(
                    display_path(project.builddir / "logs", project.root), 0, "release-edition-failed",
                    "an edition failed to build, so nothing was published:\n" + text,
                    "fix the failure the summary names (its log is in build/logs/), commit, tag the "
                    "new commit, and release again"))
        if options.tags:
            result.files = [p for tag in options.tags for p in edition_files(project, tag).values()]
            return result
        if missing := missing_editions(project):
            raise PipelineError(missing)
        result.files, result.manifest = publish(project, tagged)
        return result


# ---------------------------------------------------------------- CLI


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--lang", action="append", default=[], metavar="TAG",
                      help="build only this language's editions and publish nothing (CI: one job per language)")
    mode.add_argument("--gather", action="store_true",
                      help="build nothing: publish the editions the --lang jobs left in dist/ and build/site/")
    parser.add_argument("--jobs", "-j", type=int, default=0, help="languages built at once (default: cores)")


def run(args: argparse.Namespace) -> int:
    """Build and publish a tagged, reproducible release into dist/ (see RELEASING.md)."""
    root = Project.at(args.root).root
    started = time.monotonic()

    def progress(tag: str, res: EditionResult | None) -> None:
        state = "building" if res is None else ("FAILED" if res.failed else "done")
        print(f"[{time.monotonic() - started:6.1f}s] {tag}: {state}", flush=True)

    result = release(root, ReleaseOptions(tuple(args.lang), args.gather, args.jobs), progress)
    if result.editions:
        print(summarize(result.editions)[0])
    print(f"release {result.tagged.version} ({result.tagged.tag}, {result.tagged.commit[:12]}, "
          f"SOURCE_DATE_EPOCH={result.tagged.epoch}):")
    for path in result.files:
        print(f"  {display_path(path)}  {path.stat().st_size:>10,} bytes")
    if result.manifest:
        print(f"verify: cd {display_path(Project(root).distdir)} && sha256sum -c {SUMS_NAME}")
    return 0


def _no_arguments(parser: argparse.ArgumentParser) -> None:
    """release-matrix takes no options."""


def run_matrix(args: argparse.Namespace) -> int:
    """Print the registered language tags as JSON, for the release workflow's matrix."""
    project = Project.at(args.root)
    json.dump(project.registry().tags, sys.stdout)
    print()
    return 0


COMMANDS = {
    "release": (_add_arguments, run),
    "release-matrix": (_no_arguments, run_matrix),
}
