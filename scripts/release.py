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
import hashlib
import json
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scripts import formats
from scripts.archives import write_deterministic_zip
from scripts.atomic import write_atomic
from scripts.checks import check_project
from scripts.diagnostics import Diagnostic, PipelineError, display_path
from scripts.matrix import BuildOptions, EditionResult, build_matrix, summarize
from scripts.project import DIST_STEM, Project, dist_filename
from scripts.release_notes import (
    CHANGELOG,
    SUMS_NAME,
    Progress,
    changelog_problems,
    changelog_section,
    release_notes,
    translation_progress,
)
from scripts.release_tag import Tagged, git_problems, release_environment, tagged_head

MANIFEST_NAME = "manifest.json"


# ---------------------------------------------------------------- catalog checks


def catalog_problems(project: Project) -> list[Diagnostic]:
    """The errors `python -m scripts check` finds (warnings do not stop a release)."""
    return [d for d in check_project(project) if d.is_error]


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
    lang = project.registry().get(tag)
    return {fmt.name: project.distdir / project.dist_name(tag, fmt.suffix) for fmt in formats.published_for(lang)}


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
    from scripts.adoption_build import publish_adoptions  # noqa: PLC0415

    adoptions = publish_adoptions(project, tagged.version, tagged.epoch)  # each adoption's files, one archive
    data["adoptions"] = [file_entry(path) for path in adoptions]
    manifest_path = project.distdir / MANIFEST_NAME
    write_atomic(manifest_path, (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    published = [*editions, archive, *adoptions, notes, manifest_path]
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
    parser.add_argument("--adoption", type=Path, default=None, metavar="adopciones/SLUG",
                        help="with --lang: build this adoption's editions (CI: one job per adoption x language)")


def run(args: argparse.Namespace) -> int:
    """Build and publish a tagged, reproducible release into dist/ (see RELEASING.md)."""
    root = Project.at(args.root).root
    if args.adoption is not None:
        from scripts.adoption_build import enter_adoption  # noqa: PLC0415

        _, languages = enter_adoption(Project(root), args.adoption)
        args.lang = args.lang or languages  # an adoption's release builds its editions, publishes nothing
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
