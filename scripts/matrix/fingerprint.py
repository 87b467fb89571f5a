"""When an edition needs building: the fingerprint of its inputs, and the state of its last build.

An edition whose inputs (sources, its catalogs, the interface catalogs of its fallbacks, the
pipeline's own code and assets, the tools' versions, SOURCE_DATE_EPOCH) have the fingerprint of
its last successful build is skipped. The state lives in build/state/<tag>.json.
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
from scripts.adoption_build import adoption_inputs
from scripts.atomic import write_atomic
from scripts.matrix.results import BuildOptions
from scripts.project import PACKAGE_ROOT, Project

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
def _code_inputs(confpy: Path) -> tuple[Path, ...]:
    code = [*EXTENSION_DIR.rglob("*.py"), *BUILD_DIR.glob("*.py"), confpy]
    return tuple(sorted(_imported_modules(code)))


def _imported_modules(start: list[Path]) -> set[Path]:
    """The scripts.* modules reachable by imports from `start`: the code that shapes an edition."""
    seen: set[Path] = set()
    queue = list(start)
    while queue:
        path = queue.pop()
        if path in seen or not path.is_file():
            continue
        seen.add(path)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "scripts":
                names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names if alias.name.split(".")[0] == "scripts"]
            for name in names:
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
    inputs += [p for p in _code_inputs(project.confdir / "conf.py") if p not in inputs]
    inputs += adoption_inputs()  # an adoption's parameter file and logo (none for the model)
    return inputs


def inputs_digest(project: Project, tag: str) -> bytes:
    """One hash of every input file of `tag`'s editions (names and contents)."""
    digest = hashlib.sha256()
    for path in edition_inputs(project, tag):
        digest.update(str(path.relative_to(project.root) if path.is_relative_to(project.root) else path).encode())
        digest.update(b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.digest()


def fingerprint(project: Project, tag: str, fmt: str, inputs: bytes | None = None) -> str:
    """What one edition depends on; `inputs` (from inputs_digest) saves hashing the files per format."""
    digest = hashlib.sha256(inputs if inputs is not None else inputs_digest(project, tag))
    context = {"tag": tag, "format": fmt, "version": project.version,
               "tools": _tool_versions(), "epoch": os.environ.get("SOURCE_DATE_EPOCH", ""),
               # as in Sphinx's Makefile; other options or another sphinx-build make other editions
               "sphinx": [os.environ.get("SPHINXOPTS", ""), os.environ.get("SPHINXBUILD", "")]}
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
                 ) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Which formats are up to date ([(format, output)]) and which must be built ([(format, key)])."""
    state = load_state(project, tag) if state is None else state
    skipped, todo = [], []
    inputs = inputs_digest(project, tag)
    for fmt in formats.in_table_order(options.formats):
        key = fingerprint(project, tag, fmt, inputs)
        previous = state.get(fmt, {})
        output = Path(previous.get("output", ""))
        if not options.force and previous.get("fingerprint") == key and output.exists():
            skipped.append((fmt, str(output)))
        else:
            todo.append((fmt, key))
    return skipped, todo
