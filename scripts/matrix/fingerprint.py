"""When an edition needs building: the fingerprint of its inputs, and the state of its last build.

An edition whose inputs (sources, its catalogs, the interface catalogs of its fallbacks, the
pipeline's own code and assets, the tools' versions, the version and date it is stamped with; for
a PDF also TeX Live, rsvg-convert and the fonts, scripts.matrix.toolchain) have the fingerprint of
its last successful build is skipped. The state lives in build/state/<tag>.json. Files are hashed
only when their size or mtime changed (scripts.matrix.statcache), so the decision starts no
process and reads almost nothing when nothing changed.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import importlib.metadata
import json
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from scripts import formats
from scripts.atomic import write_atomic
from scripts.matrix.results import BuildOptions
from scripts.matrix.statcache import StatCache, cache_for
from scripts.matrix.toolchain import format_toolchain
from scripts.project import PACKAGE_ROOT, Project, commit_timestamp

TOOL_DISTRIBUTIONS = ("sphinx", "docutils", "myst-parser", "furo", "babel", "sphinx-basic-ng")
EXTENSION_DIR = PACKAGE_ROOT / "scripts" / "sphinxext"
BUILD_DIR = Path(__file__).resolve().parent
ASSET_SUFFIXES = frozenset({".html", ".css", ".js", ".svg", ".toml", ".json", ".po"})


@functools.lru_cache(maxsize=1)
def _tool_versions() -> dict[str, str]:
    versions = {}
    for name in TOOL_DISTRIBUTIONS:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = "absent"
    versions["python"] = sys.version.split()[0]
    return versions


def _files_under(directory: Path) -> Iterable[Path]:
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts and not p.name.endswith((".mo", ".pyc"))
                  and not any(part.startswith(".") for part in p.relative_to(directory).parts))


@functools.lru_cache(maxsize=8)
def _code_inputs(confpy: Path, builddir: Path) -> tuple[Path, ...]:
    code = [*EXTENSION_DIR.rglob("*.py"), *BUILD_DIR.glob("*.py"), confpy]
    return tuple(sorted(_imported_modules(code, cache_for(builddir))))


def _scripts_imports(path: Path) -> list[str]:
    """The scripts.* module names one file imports (parsed only when the file changed)."""
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "scripts":
            names += [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            names += [alias.name for alias in node.names if alias.name.split(".")[0] == "scripts"]
    return names


def _imported_modules(start: list[Path], cache: StatCache) -> set[Path]:
    """The scripts.* modules reachable by imports from `start`: the code that shapes an edition."""
    seen: set[Path] = set()
    queue = list(start)
    while queue:
        path = queue.pop()
        if path in seen or not path.is_file():
            continue
        seen.add(path)
        for name in cache.derived(path, "scripts_imports", _scripts_imports):
            base = PACKAGE_ROOT.joinpath(*name.split("."))
            queue += [base.with_suffix(".py"), base / "__init__.py"]
    return seen


def edition_inputs(project: Project, tag: str) -> list[Path]:
    """Every file whose change can change an edition of `tag`."""
    registry = project.registry()
    lang = registry.get(tag)
    inputs = [project.confdir / "conf.py", project.registry_path]
    inputs += _files_under(project.srcdir)
    inputs += [p for p in _files_under(project.catalogdir(tag)) if p.suffix == ".po"]
    for fallback in lang.interface_chain[1:]:
        ui = project.catalogdir(fallback) / "sphinx.po"
        if ui.is_file():
            inputs.append(ui)
    inputs += [p for p in _files_under(EXTENSION_DIR) if p.suffix in ASSET_SUFFIXES]
    inputs += [p for p in _code_inputs(project.confdir / "conf.py", project.builddir) if p not in inputs]
    if os.environ.get(formats.ADOPTION_ENV):  # an adoption's parameter file and logo (none for the model)
        from scripts.adoption_build import adoption_inputs  # noqa: PLC0415 - 40 ms the model does not need

        inputs += adoption_inputs()
    return inputs


def edition_pathspecs(project: Project) -> list[str]:
    """git pathspecs (relative to the root) of every file an edition of any language is built from."""
    paths = {project.confdir / "conf.py", project.registry_path, project.srcdir, EXTENSION_DIR,
             *_code_inputs(project.confdir / "conf.py", project.builddir)}
    specs = sorted(str(p.relative_to(project.root)) for p in paths if p.is_relative_to(project.root))
    if project.localedir.is_relative_to(project.root):
        specs.append(f":(glob){project.localedir.relative_to(project.root)}/**/*.po")
    return specs


def inputs_digest(project: Project, tag: str) -> bytes:
    """One hash of every input file of `tag`'s editions (names and contents); a file is read only
    when its size or mtime differs from the StatCache's record."""
    return _files_digest(project, edition_inputs(project, tag)).digest()


def _files_digest(project: Project, paths: Iterable[Path]) -> hashlib._Hash:
    """A sha256 of the files' names (relative to the project) and contents, each read only when
    its size or mtime differs from the StatCache's record."""
    cache = cache_for(project.builddir)
    digest = hashlib.sha256()
    for path in paths:
        digest.update(str(path.relative_to(project.root) if path.is_relative_to(project.root) else path).encode())
        digest.update(b"\0")
        digest.update(cache.digest(path))
    cache.save()
    return digest


def pipeline_digest(project: Project, tag: str) -> str:
    """The digest of the inputs of `tag`'s editions that Sphinx does not track itself.

    Sphinx reads a document again when its source, its translation catalog or an image it shows
    changed, or when a configuration value changed; it never sees the pipeline's own code, the
    interface catalogs, the registry, an adoption's parameter file, the parameters' schema, or
    docutils' and MyST's versions. The worker gives this digest to Sphinx as the `policy_pipeline`
    configuration value (rebuild "env"), so that a change to any of them reads and writes the
    edition again (a value corrected in an adoption's file, such as the gazette's name, stayed
    old in the pages written before). Every file under source/ but the documents counts, images
    too: simpler than telling which of them Sphinx tracks, and they seldom change.
    """
    catalogs = project.catalogdir(tag)

    def tracked_by_sphinx(path: Path) -> bool:  # documents and their catalogs, per document
        return (path.suffix == ".md" and path.is_relative_to(project.srcdir)) \
            or (path.suffix == ".po" and path.is_relative_to(catalogs) and path != catalogs / "sphinx.po")

    digest = _files_digest(project, [p for p in edition_inputs(project, tag) if not tracked_by_sphinx(p)])
    digest.update(json.dumps([_tool_versions(), os.environ.get("SPHINXOPTS", ""),
                              os.environ.get("SPHINXBUILD", "")]).encode())
    return digest.hexdigest()[:32]


def fingerprint(project: Project, tag: str, fmt: str, inputs: bytes | None = None) -> str:
    """What one edition depends on; `inputs` (from inputs_digest) saves hashing the files per format."""
    digest = hashlib.sha256(inputs if inputs is not None else inputs_digest(project, tag))
    # The version and date the edition is stamped with: from the last commit that changed an input
    # of an edition in local builds (scripts.project.edition_commit), from the tag in a release.
    epoch = commit_timestamp(project.root)
    context = {"tag": tag, "format": fmt, "version": project.version,
               "tools": _tool_versions(), "epoch": "" if epoch is None else str(epoch),
               # as in Sphinx's Makefile; other options or another sphinx-build make other editions
               "sphinx": [os.environ.get("SPHINXOPTS", ""), os.environ.get("SPHINXBUILD", "")]}
    system_tools = format_toolchain(formats.get(fmt))
    if system_tools is not None:  # TeX Live, librsvg, the fonts (PDFs); pandoc (DOCX): those formats only
        cache = cache_for(project.builddir)
        context["system"] = system_tools(cache)
        cache.save()
    digest.update(json.dumps(context, sort_keys=True).encode())
    return digest.hexdigest()


def _state_path(project: Project, tag: str) -> Path:
    return project.builddir / "state" / f"{tag}.json"


def load_state(project: Project, tag: str) -> dict[str, Any]:
    try:
        return json.loads(_state_path(project, tag).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def save_state(project: Project, tag: str, state: dict[str, Any]) -> None:
    write_atomic(_state_path(project, tag), json.dumps(state, indent=2, sort_keys=True).encode())


def plan_edition(project: Project, tag: str, options: BuildOptions, state: dict[str, Any] | None = None,
                 digests: dict[str, bytes] | None = None) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Which formats are up to date ([(format, output)]) and which must be built ([(format, key)]).
    `digests` keeps each language's inputs_digest for the rest of the command (see site_key)."""
    state = load_state(project, tag) if state is None else state
    skipped, todo = [], []
    inputs = _known_digest(project, tag, digests)
    for fmt in formats.in_table_order(options.formats):
        key = fingerprint(project, tag, fmt, inputs)
        previous = state.get(fmt, {})
        output = Path(previous.get("output", ""))
        if not options.force and previous.get("fingerprint") == key and output.exists():
            skipped.append((fmt, str(output)))
        else:
            todo.append((fmt, key))
    return skipped, todo


SITE_ENVIRONMENT = ("POLICY_SITE_URL", "POLICY_REPOSITORY")


def _known_digest(project: Project, tag: str, digests: dict[str, bytes] | None) -> bytes:
    if digests is None:
        return inputs_digest(project, tag)
    if tag not in digests:
        digests[tag] = inputs_digest(project, tag)
    return digests[tag]


def site_key(project: Project, digests: dict[str, bytes] | None = None) -> str:
    """What the assembled site (chooser, downloads, progress chart, sitemap) is made from: every
    edition's inputs and last fingerprints, the files in dist/, the site's own code, its settings.

    `build` skips the assembly when no edition was built and this key is the one recorded. The
    inputs are those the build planned from (`digests`, kept by plan_edition), not hashed again
    after it: an input changed while the editions were built is one they were not built from."""
    cache = cache_for(project.builddir)
    editions = {}
    for tag in project.registry().tags:
        state = load_state(project, tag)
        editions[tag] = [_known_digest(project, tag, digests).hex(),
                         {fmt: entry.get("fingerprint") for fmt, entry in sorted(state.items()) if isinstance(entry, dict)}]
    code = [[str(p), cache.digest(p).hex()]
            for p in sorted(_imported_modules([PACKAGE_ROOT / "scripts" / "site.py"], cache))]
    dist = sorted([p.name, p.stat().st_size, p.stat().st_mtime_ns] for p in project.distdir.glob("*") if p.is_file())
    cache.save()
    context = {"editions": editions, "code": code, "dist": dist, "version": project.version,
               "environment": {name: os.environ.get(name, "") for name in SITE_ENVIRONMENT}}
    return hashlib.sha256(json.dumps(context, sort_keys=True).encode()).hexdigest()


def site_is_current(project: Project, key: str) -> bool:
    return (project.sitedir / "index.html").is_file() and load_state(project, "_site").get("key") == key


def record_site(project: Project, key: str) -> None:
    save_state(project, "_site", {"key": key})
