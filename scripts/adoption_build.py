"""An adoption as one more dimension of the build matrix: adoption x language x format.

`python -m scripts build --adoption adopciones/SLUG` builds the adoption's languages (its
`idiomas`) with the same matrix as the model: the same workers, fingerprints, atomic publishing
and summary. Only three things differ, and this module owns them: where outputs go
(build/adopciones/SLUG/ and dist/SLUG/), which parameter file every Sphinx run reads
(`-D policy_adoption=...`), and which inputs an edition's fingerprint covers (the parameter file
and the logo). They travel to the worker processes in the environment, as POLICY_BUILD_DIR and
POLICY_DIST_DIR already do, so the matrix itself needs no adoption-specific code path.
"""

from __future__ import annotations

import os
import shutil
import tomllib
from pathlib import Path

from scripts import adoption as adoption_mod
from scripts.adoption_check import check_adoption
from scripts.diagnostics import Diagnostic, PipelineError
from scripts.formats import ADOPTION_ENV
from scripts.project import Project

EXAMPLE_SLUG = "ejemplo-municipio"  # the shipped example, linked from the model's site
SITE_ADOPTIONS_DIR = "adopciones"  # build/site/adopciones/SLUG/: an adoption's site inside the model's


def adoption_file(path: Path, root: Path) -> Path:
    """adopciones/SLUG, adopciones/SLUG/adopcion.toml, relative to the project (the one `--root`
    names) or else to the current directory."""
    candidates = [root / path, path] if not path.is_absolute() else [path]
    for candidate in candidates:
        target = candidate / adoption_mod.ADOPTION_FILE if candidate.is_dir() else candidate
        if target.is_file():
            return target.resolve()
    raise PipelineError(Diagnostic(str(path), 0, "adoption-unreadable", "no adoption there",
                                   f"give adopciones/SLUG (a folder holding {adoption_mod.ADOPTION_FILE}); "
                                   "`python -m scripts adopt new SLUG` writes one"))


def active_adoption() -> Path | None:
    """The parameter file this process builds, if it builds an adoption."""
    value = os.environ.get(ADOPTION_ENV, "")
    return Path(value) if value else None


def adoption_languages(project: Project, path: Path) -> list[str]:
    """The adoption's `idiomas`, in the registry's order (validated by `adopt check`)."""
    chosen = adoption_mod.read_adoption(path, project.root).values.get("idiomas") or [adoption_mod.SOURCE_TAG]
    return [tag for tag in project.registry().tags if tag in chosen]


def enter_adoption(project: Project, path: Path) -> tuple[Project, list[str]]:
    """Point this process and its workers at one adoption: its parameter file, checked, and its
    own build and dist directories. Returns the project and the adoption's languages."""
    target = adoption_file(path, project.root)
    schema = adoption_mod.load_schema(adoption_mod.schema_path(project), project.root)
    problems = check_adoption(target, schema, set(project.registry().tags), project.root)
    if problems:
        raise PipelineError(problems)
    slug = target.parent.name
    builddir, distdir = project.builddir / "adopciones" / slug, project.distdir / slug
    os.environ["POLICY_BUILD_DIR"] = str(builddir)
    os.environ["POLICY_DIST_DIR"] = str(distdir)
    os.environ[ADOPTION_ENV] = str(target)
    return Project(project.root), adoption_languages(project, target)


def adoption_inputs() -> list[Path]:
    """What an adoption adds to each edition's fingerprint: its parameter file and its logo."""
    path = active_adoption()
    if path is None or not path.is_file():
        return []
    inputs = [path]
    try:
        logo = tomllib.loads(path.read_text(encoding="utf-8")).get("logotipo")
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return inputs
    if isinstance(logo, str) and logo and (path.parent / logo).is_file():
        inputs.append(path.parent / logo)
    return inputs


def adoption_slugs(project: Project) -> list[str]:
    """Every adoption of the repository (adopciones/*/adopcion.toml), sorted."""
    return sorted(p.parent.name for p in (project.root / adoption_mod.ADOPTIONS_DIR).glob(f"*/{adoption_mod.ADOPTION_FILE}"))


def example_site(project: Project, site: Path) -> str:
    """Copy the example adoption's built site (build/adopciones/SLUG/site) into the model's site,
    as adopciones/SLUG/; returns that path, relative to the site, or "" if the example is not built
    (or this is an adoption's own site)."""
    built = project.builddir / "adopciones" / EXAMPLE_SLUG / "site"
    if active_adoption() is not None or not (built / "index.html").is_file():
        return ""
    dest = site / SITE_ADOPTIONS_DIR / EXAMPLE_SLUG
    staged = dest.with_name(f".{EXAMPLE_SLUG}.new")
    shutil.rmtree(staged, ignore_errors=True)
    shutil.copytree(built, staged)
    shutil.rmtree(dest, ignore_errors=True)
    staged.rename(dest)
    return f"{SITE_ADOPTIONS_DIR}/{EXAMPLE_SLUG}"


# ---------------------------------------------------------------- releases


def adoption_matrix(project: Project) -> list[dict[str, str]]:
    """One entry per adoption x language, read from adopciones/ and each file's `idiomas` (only
    languages of the registry): the release workflow's matrix, never listed by hand."""
    return [{"adoption": slug, "lang": tag} for slug in adoption_slugs(project)
            for tag in adoption_languages(project, project.root / adoption_mod.ADOPTIONS_DIR / slug
                                          / adoption_mod.ADOPTION_FILE)]


def adoption_archive_name(version: str, slug: str) -> str:
    from scripts.project import dist_filename  # noqa: PLC0415

    return dist_filename(version, f"adopcion-{slug}", "zip")


def publish_adoptions(project: Project, version: str, epoch: int | None) -> list[Path]:
    """For each adoption the release jobs built: its own SHA256SUMS (dist/SLUG/SHA256SUMS) and one
    archive of its files and site (dist/politica-datos-abiertos-VERSION-adopcion-SLUG.zip), which
    the release's SHA256SUMS and manifest then list. Returns the archives."""
    from scripts.archives import write_deterministic_zip  # noqa: PLC0415
    from scripts.atomic import write_atomic  # noqa: PLC0415
    from scripts.release import sha256sums, site_files  # noqa: PLC0415
    from scripts.release_notes import SUMS_NAME  # noqa: PLC0415

    archives = []
    for slug in adoption_slugs(project):
        dist = project.distdir / slug
        files = sorted(p for p in dist.glob("*") if p.is_file() and p.name != SUMS_NAME) if dist.is_dir() else []
        if not files:
            continue
        write_atomic(dist / SUMS_NAME, sha256sums(files).encode("ascii"))
        dest = project.distdir / adoption_archive_name(version, slug)
        folder = dest.name.removesuffix(".zip") + "/"
        content = {folder + p.name: p.read_bytes() for p in [*files, dist / SUMS_NAME]}
        site = project.builddir / "adopciones" / slug / "site"
        content |= {f"{folder}sitio/{name}": data for name, data in site_files(site).items()} if site.is_dir() else {}
        write_deterministic_zip(dest, content, epoch)
        archives.append(dest)
    return archives


def _no_arguments(parser: object) -> None:
    """adoption-matrix takes no options."""


def run_matrix(args: object) -> int:
    """Print every adoption x language as JSON, for the release workflow's matrix of adoptions."""
    import json  # noqa: PLC0415
    import sys  # noqa: PLC0415

    json.dump(adoption_matrix(Project.at(getattr(args, "root", None))), sys.stdout)
    print()
    return 0


COMMANDS = {"adoption-matrix": (_no_arguments, run_matrix)}
