"""The benchmark (`make bench`) works: its generators make valid material, its smoke run reports.

Nothing here asserts a timing: figures from a shared machine are printed by the benchmark, not
tested. These tests assert the structure of what it produces.
"""

from __future__ import annotations

import difflib
import json
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from benchmarks import corpus
from benchmarks.report import at_most, table
from benchmarks.workspace import change_one_msgstr, pdf_documents
from scripts import pofile
from scripts.checks import check_file
from scripts.languages import load_registry
from tests.conftest import REPO, copy_root


def test_pseudo_translation_keeps_markup_and_marks_every_vowel() -> None:
    msgid = ("Vea {term}`datos abiertos` y {ref}`el plan <plan-de-apertura>`, `codigo`, {{ version }}, "
             "la nota[^nota] y https://datos.gob.mx/busca.")
    text = corpus.pseudo_translate(msgid, 1)
    for kept in ("{term}`datos abiertos`", "{ref}`el plan <plan-de-apertura>`", "`codigo`", "{{ version }}",
                 "[^nota]", "https://datos.gob.mx/busca."):
        assert kept in text
    assert text.startswith("Vêâ ")
    assert unicodedata.is_normalized("NFC", text)
    assert corpus.pseudo_translate("1. Abiertos por defecto") == "1\\. Àbìèrtòs pòr dèfèctò"
    assert corpus.pseudo_translate("- uno") == "\\- ùnò"


def test_catalog_corpus_is_valid_and_of_the_requested_size(tmp_path: Path) -> None:
    stats = corpus.make_catalog_corpus(tmp_path / "corpus", catalogs=10, entries=200)
    root = stats.root
    assert (stats.catalogs, stats.documents, stats.entries) == (10, 2, 200)
    registry = load_registry(root / "locale" / "languages.toml")
    assert registry.tags == ["es", *stats.languages]
    catalogs = sorted((root / "locale").glob("*/LC_MESSAGES/*.po"))
    assert len(catalogs) == 10
    assert sum(len(pofile.read(path).active) for path in catalogs) == 200
    assert sorted(p.stem for p in (root / "build" / "gettext").glob("*.pot")) == ["capitulo-001", "index"]
    assert sorted(p.stem for p in (root / "source").glob("*.md")) == ["capitulo-001", "index"]
    errors = [d for path in catalogs for d in check_file(path, registry, root) if d.is_error]
    assert errors == []
    assert 0 < stats.fuzzy < stats.translated < stats.entries


def test_pseudo_languages_are_registered_and_fully_translated(tmp_path: Path) -> None:
    project = copy_root("basic", tmp_path / "basic")
    pots = {}
    for path in sorted(project.catalogdir("en").glob("*.po")):
        pots[path.stem] = tmp_path / f"{path.stem}.pot"
        pots[path.stem].write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    added = corpus.add_pseudo_languages(project.root, pots, ("tzh", "ctu"))
    assert added == ["tzh", "ctu"]
    registry = load_registry(project.registry_path)
    assert registry.tags[-2:] == ["tzh", "ctu"]
    assert "SYNTHETIC" in registry.get("tzh").note
    for tag in added:
        for docname in pots:
            entries = pofile.read(project.catalogdir(tag) / f"{docname}.po").active
            assert entries and all(e.msgstr for e in entries)
            assert any(e.msgstr != e.msgid for e in entries)
    # The registry's own translations can be made of the same kind (for one-for-one comparisons).
    assert corpus.add_pseudo_languages(project.root, pots, (), replace_existing=True) == []
    yua = pofile.read(project.catalogdir("yua") / "index.po").active
    assert all(e.msgstr in {corpus.pseudo_translate(e.msgid, v) for v in range(3)} for e in yua)


def test_one_msgstr_changed_is_one_line_of_one_catalog(tmp_path: Path) -> None:
    project = copy_root("basic", tmp_path / "basic")
    before = {p: p.read_text(encoding="utf-8") for p in project.localedir.rglob("*.po")}
    changed = change_one_msgstr(project.root, "en")
    after = {p: p.read_text(encoding="utf-8") for p in project.localedir.rglob("*.po")}
    differing = [p for p in before if before[p] != after[p]]
    assert [str(p.relative_to(project.root)) for p in differing] == [changed["catalog"]]
    diff = [line for line in difflib.unified_diff(before[differing[0]].splitlines(), after[differing[0]].splitlines(),
                                                  lineterm="", n=0) if line[:1] in "+-" and line[:3] not in "+++---"]
    assert len(diff) == 2 and diff[1].endswith(' (bench)"')
    assert pofile.read(differing[0])  # still a valid catalog


def test_the_first_chapters_change_follows_the_pdfs_order(tmp_path: Path) -> None:
    """The bench's second change goes to the PDF's earliest document with a paragraph to change,
    in the order the LaTeX labels them, not to the first catalog by name."""
    project = copy_root("basic", tmp_path / "basic")
    latex = project.builddir / "work" / "en" / "latex"
    latex.mkdir(parents=True)
    (latex / "doc.tex").write_text("\\label{\\detokenize{index::doc}}\n\\label{\\detokenize{capitulo::doc}}\n"
                                   "\\label{\\detokenize{index:intro}}\\label{\\detokenize{index::doc}}\n",
                                   encoding="utf-8")
    assert pdf_documents(project.root, "en") == ["index", "capitulo"]
    assert change_one_msgstr(project.root, "en", documents=["nothing-here", "capitulo"])["catalog"].endswith(
        "capitulo.po")
    assert pdf_documents(project.root, "yua") == []


def test_table_puts_each_figure_next_to_its_target() -> None:
    rows = [at_most("a", "fast", 0.4, 0.5, "x"), at_most("b", "slow", 3.0, 2.0, "s"), at_most("c", "none", None, 1, "s")]
    assert [m.verdict for m in rows] == ["PASS", "MISS", "n/a"]
    text = table(rows)
    assert "≤ 0.5x" in text and "≤ 2 s" in text and "not measured" in text


@pytest.mark.slow
def test_smoke_run_measures_every_figure(tmp_path: Path) -> None:
    output = tmp_path / "results.json"
    done = subprocess.run([sys.executable, "-m", "benchmarks", "--smoke", "--output", str(output)], cwd=REPO,
                          capture_output=True, text=True, timeout=1800, check=False)
    assert done.returncode == 0, f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    assert "measure" in done.stdout and "| target" in done.stdout
    results = json.loads(output.read_text(encoding="utf-8"))
    assert results["mode"] == "smoke" and results["failures"] == []
    measures = {m["key"]: m for m in results["measures"]}
    for key in ("matrix_baseline", "matrix_pipeline", "matrix_ratio", "one_msgstr_scope", "one_msgstr_time",
                "one_msgstr_typesetting",
                "nothing_changed", "status", "check", "update", "memory_process", "memory_tree"):
        assert key in measures, key
        assert measures[key]["verdict"] in {"PASS", "MISS", "", "n/a"}
    for key in ("matrix_ratio", "one_msgstr_time", "nothing_changed", "memory_process"):
        assert isinstance(measures[key]["value"], float) and measures[key]["target"] is not None
    assert measures["one_msgstr_scope"]["passed"] is True  # only the edited language was rebuilt
    assert measures["one_msgstr_reached"]["passed"] is True, measures["one_msgstr_reached"]  # and shows it
    statuses = results["runs"]["pipeline_full"]["statuses"]
    assert sorted(statuses) == ["en", "es", "yua"]
    assert all(s == {"html": "built"} for s in statuses.values())
    assert all(s == {"html": "skipped"} for s in results["runs"]["pipeline_nothing_changed"]["statuses"].values())
    assert results["runs"]["catalog_corpus"]["entries"] == 200
