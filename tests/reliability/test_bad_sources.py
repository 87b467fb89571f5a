"""A broken Spanish source or a broken registry: every problem is reported as
`path:line: [code] what — how to fix`, the command fails, and no good output is replaced.

A source is shared by every edition, so a broken one fails them all (each says why); a broken
registry stops the build before any edition starts.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from scripts.project import Project
from tests.conftest import run_cli
from tests.robustness import TAGS, assert_reported, build_fixture, clone, edition_outputs, problems, status

pytestmark = pytest.mark.slow

SOURCE = "source/capitulo.md"
REGISTRY = "locale/languages.toml"

BAD_SOURCES = [
    ("missing-image", "imagenes/ciclo.svg", "imagenes/no-existe.svg", "image.not_readable"),
    ("unknown-label", "<inicio>", "<no-existe>", "ref.ref"),
    ("unknown-glossary-term", "{term}`conjunto de datos`", "{term}`término inexistente`", "ref.term"),
    ("malformed-directive", "```{figure} imagenes/ciclo.svg", "```{figure}", "docutils"),
]


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> Project:
    return build_fixture(tmp_path_factory.mktemp("good") / "basic")


@pytest.mark.parametrize(("old", "new", "code"), [pytest.param(o, n, c, id=i) for i, o, n, c in BAD_SOURCES])
def test_broken_source_is_reported(good: Project, tmp_path: Path, old: str, new: str, code: str) -> None:
    project = clone(good, tmp_path / "basic")
    before = edition_outputs(project, "es")
    source = project.root / SOURCE
    text = source.read_text(encoding="utf-8")
    assert old in text
    source.write_text(text.replace(old, new, 1), encoding="utf-8")

    done = run_cli("build", "--lang", "es", "--formats", "html", root=project.root)

    assert done.returncode == 1, done.stdout + done.stderr
    found = assert_reported(problems(project, "es"), SOURCE, code)
    assert int(found["line"]) >= 1
    assert edition_outputs(project, "es") == before


def test_broken_source_fails_every_edition_and_replaces_none(good: Project, tmp_path: Path) -> None:
    project = clone(good, tmp_path / "basic")
    before = {tag: edition_outputs(project, tag) for tag in TAGS}
    source = project.root / SOURCE
    source.write_text(source.read_text(encoding="utf-8").replace("<inicio>", "<no-existe>"), encoding="utf-8")

    done = run_cli("build", "--formats", "html", root=project.root)

    assert done.returncode == 1
    for tag in TAGS:
        assert status(project, tag) == "failed"
        assert_reported(problems(project, tag), SOURCE, "ref.ref")
    assert {tag: edition_outputs(project, tag) for tag in TAGS} == before


def _truncate(text: str) -> str:
    return text[: text.index('tag = "yua"') + len('tag = "yua"')] + "\n"


BAD_REGISTRIES = [
    ("toml-syntax", lambda t: t.replace('tag = "en"', 'tag = "en'), "registry-syntax"),
    ("truncated-mid-entry", _truncate, "registry-missing-key"),
    ("truncated-mid-string", lambda t: t[: t.index('autonym = "Maaya') + len('autonym = "Maa')], "registry-syntax"),
    ("invalid-utf8", None, "registry-encoding"),
    ("empty", lambda t: "", "registry-empty"),
]


@pytest.mark.parametrize(("edit", "code"), [pytest.param(e, c, id=i) for i, e, c in BAD_REGISTRIES])
def test_broken_registry_stops_the_build_before_any_edition(good: Project, tmp_path: Path, edit, code: str) -> None:
    project = clone(good, tmp_path / "basic")
    before = {tag: edition_outputs(project, tag) for tag in TAGS}
    registry = project.root / REGISTRY
    if edit is None:
        registry.write_bytes(registry.read_bytes().replace("Español".encode(), b"Espa\xf1ol", 1))
    else:
        registry.write_text(edit(registry.read_text(encoding="utf-8")), encoding="utf-8")

    done = run_cli("build", "--formats", "html", root=project.root)

    assert done.returncode == 1, done.stdout + done.stderr
    assert_reported(done.stderr, REGISTRY, code)
    assert "Traceback" not in done.stderr
    assert {tag: edition_outputs(project, tag) for tag in TAGS} == before
