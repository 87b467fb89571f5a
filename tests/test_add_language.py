"""add-language: tags refused with reasons, nothing half-written, and a new edition end to end."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from scripts import add_language, checks, pofile, status, terminology
from scripts.__main__ import main
from scripts.languages import load_registry
from scripts.preview import preview
from tests.translator_fixtures import make_project

REPO = Path(__file__).resolve().parent.parent
TZH = ["--autonym", "FIXTURE Batz'il K'op", "--name-es", "Tseltal", "--name-en", "Tzeltal",
       "--apostrophe", "'", "--inali-agrupacion", "tseltal", "--inali-variante", "FIXTURE variante"]


def cli(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """As a person (or CI) runs it: stdin is not a terminal, so nothing is asked."""
    return subprocess.run([sys.executable, "-m", "scripts", "--root", str(root), *args], cwd=REPO,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, check=False)


@pytest.mark.parametrize(("tag", "suggestion"), [("nah", "nhe"), ("oto", "ote"), ("zap", "zai"), ("Yua", "yua")])
def test_refuses_collections_and_malformed_tags(tmp_path: Path, tag: str, suggestion: str) -> None:
    project = make_project(tmp_path)
    before = project.registry_path.read_bytes()
    done = cli(project.root, "add-language", tag, *TZH[:6], "--apostrophe", "none")
    assert done.returncode == 1
    assert "[add-language-tag]" in done.stderr and suggestion in done.stderr
    assert project.registry_path.read_bytes() == before
    assert not (project.localedir / tag).exists()


def test_without_a_terminal_missing_names_are_an_error(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    done = cli(project.root, "add-language", "tzh", "--autonym", "x")
    assert done.returncode == 1
    assert "[add-language-missing] missing --name-es, --name-en, --apostrophe" in done.stderr


def test_interactive_questions_fill_what_options_left_out() -> None:
    asked: list[str] = []
    answers = iter(["FIXTURE autonym", "Tseltal", "Tzeltal", "U+0027", "tseltal", "FIXTURE variante"])

    def prompt(question: str) -> str:
        asked.append(question)
        return next(answers)

    filled = add_language.ask({}, prompt)
    assert filled["apostrophe"] == "U+0027" and filled["inali_variante"] == "FIXTURE variante"
    assert len(asked) == 6 and asked[0].startswith("Nombre de la lengua")
    assert add_language.ask({"autonym": "a", "name_es": "b", "name_en": "c", "apostrophe": "none",
                             "inali_agrupacion": ""}, prompt) == {
        "autonym": "a", "name_es": "b", "name_en": "c", "apostrophe": "none", "inali_agrupacion": ""}


def test_a_registry_that_would_not_load_is_never_written(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    before = project.registry_path.read_bytes()
    done = cli(project.root, "add-language", "tzh", *TZH[:6], "--apostrophe", "U+1234")
    assert done.returncode == 1 and "[add-language-apostrophe]" in done.stderr
    assert project.registry_path.read_bytes() == before


def test_new_language_end_to_end(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    project = make_project(tmp_path)
    done = cli(project.root, "add-language", "tzh", *TZH)
    assert done.returncode == 0, done.stderr
    assert "created  locale/tzh/LC_MESSAGES/anexos/plantilla.po" in done.stdout

    registry = load_registry(project.registry_path)
    tzh = registry.get("tzh")
    assert (tzh.indigenous, tzh.interface_fallback, tzh.latex_language, tzh.verified) == (True, "es", "es", False)
    assert tzh.apostrophe_char == "'" and tzh.inali_agrupacion == "tseltal"
    assert registry.tags == ["es", "en", "yua", "tzh"]

    created = sorted(p.relative_to(project.catalogdir("tzh")).as_posix()
                     for p in project.catalogdir("tzh").rglob("*.po"))
    assert created == ["anexos/plantilla.po", "capitulo.po", "index.po"]
    table = terminology.table_path(project.localedir, "tzh")
    assert terminology.load_table(project.localedir, "tzh") == [] and "tzh" in table.read_text(encoding="utf-8")
    for path in project.catalogdir("tzh").rglob("*.po"):
        catalog = pofile.read(path)
        assert catalog.header_fields()["Language"] == "tzh"
        assert catalog.header_fields()["Plural-Forms"] == tzh.plural_forms
        assert not catalog.header.fuzzy and catalog.entries
        subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(path)], check=True)

    # checked, counted and listed without touching any other file
    assert [d for d in checks.check_project(project, do_extract=False) if "/tzh/" in d.path] == []
    assert "tzh" in status.project_status(project).languages
    assert main(["--root", str(project.root), "add-language", "tzh", *TZH]) == 1
    assert "[add-language-exists]" in capsys.readouterr().err

    # a translator's first (fuzzy) line shows in the draft, which is built away from the site
    path = project.catalogdir("tzh") / "capitulo.po"
    catalog = pofile.read(path)
    catalog.entries[0].msgstr = "FIXTURE-TZH k'op"
    catalog.entries[0].fuzzy = True
    path.write_text(pofile.dumps(catalog), encoding="utf-8")
    index = preview(project, "tzh")
    assert index == project.builddir / "preview" / "tzh" / "index.html"
    page = (index.parent / "capitulo.html").read_text(encoding="utf-8")
    assert 'lang="tzh"' in page
    assert "FIXTURE-TZH k'op" in page.replace("&#39;", "'")
    assert not list(project.catalogdir("tzh").glob("*.mo")), "the draft's .mo stays under build/"
    assert not (project.builddir / "site").exists()

    # ...and the real build publishes it in every format, on the chooser, without the fuzzy line
    # (with the pipeline's real configuration instead of the toolkit tests' MyST-only conf.py)
    from tests.conftest import ROOTS, run_cli

    (project.root / "conf.py").write_text((ROOTS / "basic" / "conf.py").read_text(encoding="utf-8"), encoding="utf-8")
    done = run_cli("build", "--lang", "tzh", root=project.root)
    assert done.returncode == 0, done.stdout + done.stderr
    page = (project.sitedir / "tzh" / "capitulo.html").read_text(encoding="utf-8")
    assert 'lang="tzh"' in page and "FIXTURE-TZH" not in page
    for suffix in ("pdf", "epub"):
        assert (project.distdir / f"politica-datos-abiertos-1.2.3-tzh.{suffix}").stat().st_size > 1000
    assert 'href="tzh/index.html"' in (project.sitedir / "index.html").read_text(encoding="utf-8")
