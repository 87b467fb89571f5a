"""status: counts, JSON, SVG, other projects (components, refused and non-UTF-8 catalogs), speed."""

from __future__ import annotations

import json
import subprocess
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from scripts import pofile, status
from scripts.__main__ import main
from scripts.pofile import Catalog, Entry
from tests.translator_fixtures import make_project

REPO = Path(__file__).resolve().parent.parent
HEADER = Entry(msgid="", msgstr="Language: yua\nContent-Type: text/plain; charset=UTF-8\n"
                               "Plural-Forms: nplurals=2; plural=(n != 1);\n")


def sample() -> Catalog:
    return Catalog(header=HEADER, entries=[
        Entry(msgid="uno dos tres", msgstr="FIXTURE a"),                        # translated, 3 words
        Entry(msgid="cuatro cinco", msgstr="FIXTURE b", flags=["fuzzy"]),       # fuzzy, 2 words
        Entry(msgid="seis", msgstr=""),                                        # untranslated, 1 word
        Entry(msgid="siete ocho", msgstr="", flags=["fuzzy"]),                 # untranslated (empty)
        Entry(msgid="un conjunto", msgid_plural="%d conjuntos", msgstr_plural=["FIXTURE", ""]),  # untranslated
        Entry(msgid="nueve", msgctxt="ctx", msgstr="FIXTURE c"),               # translated
        Entry(msgid="viejo texto", msgstr="FIXTURE d", obsolete=True),         # not counted
    ])


def test_counts() -> None:
    counts = status.count_catalog(sample())
    assert counts.entries == {"translated": 2, "fuzzy": 1, "untranslated": 3}
    assert counts.words == {"translated": 4, "fuzzy": 2, "untranslated": 5}
    assert counts.percent == round(100 * 4 / 11, 1)
    assert status.count_text(pofile.dumps(sample())).as_dict() == counts.as_dict()


def _write(path: Path, catalog: Catalog) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(pofile.dumps(catalog), encoding="utf-8")
    return path


def test_project_table_json_and_svg(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = make_project(tmp_path)
    _write(project.catalogdir("yua") / "capitulo.po", sample())
    _write(project.catalogdir("yua") / "anexos" / "plantilla.po", sample())
    _write(project.catalogdir("yua") / "sphinx.po", sample())  # interface strings: not a document
    svg = tmp_path / "progreso.svg"
    assert main(["--root", str(project.root), "status", "--svg", str(svg)]) == 0
    table = capsys.readouterr().out
    assert "yua       anexos/plantilla" in table and "sphinx" not in table
    assert "(total)" in table and "36.4%" in table
    assert main(["--root", str(project.root), "status", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    yua = data["languages"]["yua"]
    assert yua["name"] == "Maaya t'aan"
    assert set(yua["documents"]) == {"capitulo", "anexos/plantilla"}
    assert yua["totals"]["entries"] == {"translated": 4, "fuzzy": 2, "untranslated": 6, "total": 12}
    assert data["languages"]["en"]["totals"]["entries"]["total"] == 0
    tree = ET.parse(svg)
    assert tree.getroot().tag == "{http://www.w3.org/2000/svg}svg"
    text = svg.read_text(encoding="utf-8")
    assert "<script" not in text and "href" not in text and "Maaya t&#x27;aan (yua)" in text
    assert "36.4%" in text


def test_paths_of_another_project(tmp_path: Path) -> None:
    other = tmp_path / "otro"
    _write(other / "locales" / "fr" / "LC_MESSAGES" / "guide" / "intro.po", sample())
    loose = Catalog(header=Entry(msgid="", msgstr="Language: pt_BR\n"), entries=[Entry(msgid="um dois", msgstr="x")])
    _write(other / "po" / "pt_BR.po", loose)
    result = status.paths_status([other])
    assert set(result.languages) == {"fr", "pt_BR"}
    assert set(result.languages["fr"].documents) == {"guide/intro"}
    assert result.languages["pt_BR"].totals.percent == 100.0


def test_fifty_thousand_entries_in_under_a_second(tmp_path: Path) -> None:
    """A corpus the size of 40 editions: the fast reader must keep status interactive."""
    words = ["datos", "abiertos", "política", "publicación", "conjunto", "dependencia", "portal", "calidad", "apertura", "gobierno"]
    for lang in ("aaa", "bbb"):
        base = tmp_path / lang / "LC_MESSAGES"
        base.mkdir(parents=True)
        for doc in range(25):
            lines = ['msgid ""', 'msgstr ""', f'"Language: {lang}\\n"', ""]
            for i in range(1000):
                msgid = " ".join(words[(i + k) % 10] for k in range(8 + i % 30)) + f" {doc}-{i}"
                if i % 10 == 0:
                    lines += ["#, fuzzy", f'#| msgid "{msgid[:-2]}"']
                lines += [f"#: ../../source/doc{doc}.md:{i}", "msgid \"\"", f'"{msgid[:60]}"', f'"{msgid[60:]}"',
                          f'msgstr "{"FIXTURE " + msgid if i % 3 else ""}"', ""]
            (base / f"doc{doc}.po").write_text("\n".join(lines), encoding="utf-8")
    best = float("inf")
    for _ in range(2):
        started = time.perf_counter()
        result = status.paths_status([tmp_path])
        best = min(best, time.perf_counter() - started)
    total = sum(lang.totals.total_entries for lang in result.languages.values())
    assert total == 50_000
    print(f"status: 50,000 entries in {best:.2f} s")
    assert best < 2.0  # ~0.4 s on a developer machine; generous for a loaded CI runner


def test_components_sharing_a_file_name_are_different_catalogs(tmp_path: Path, capsys) -> None:
    """Two `<component>/locale/de/LC_MESSAGES/messages.po` of 200 and 89 entries count 289."""
    tree = tmp_path / "tree"
    for component, size in (("alpha", 200), ("beta", 89)):
        catalog = Catalog(header=HEADER, entries=[Entry(msgid=f"{component} mensaje {i}", msgstr="FIXTURE" if i % 2 else "")
                                                  for i in range(size)])
        _write(tree / component / "locale" / "de" / "LC_MESSAGES" / "messages.po", catalog)
    result = status.paths_status([tree])
    assert result.languages["de"].totals.total_entries == 289
    assert set(result.languages["de"].documents) == {"alpha/locale:messages", "beta/locale:messages"}
    assert {name: c.total_entries for name, c in result.directories.items()} == {
        "alpha/locale": 200, "beta/locale": 89}
    assert main(["status", str(tree)]) == 0
    table = capsys.readouterr().out
    assert "directory" in table and "alpha/locale" in table and "289" in table
    assert main(["status", "--json", str(tree)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["directories"]["beta/locale"]["entries"]["total"] == 89


def test_a_catalog_gettext_refuses_is_reported_and_not_counted(tmp_path: Path, capsys) -> None:
    tree = tmp_path / "tree"
    _write(tree / "de" / "LC_MESSAGES" / "good.po", sample())
    bad = tree / "de" / "LC_MESSAGES" / "bad.po"
    bad.write_text('msgid ""\nmsgstr ""\n\nmsgid "uno"\nmsgstr "a"\n\nmsgid "dos"\nmsgstr "sin cerrar\n', encoding="utf-8")
    assert subprocess.run(["msgfmt", "-o", "/dev/null", str(bad)], capture_output=True, check=False).returncode != 0
    assert main(["status", str(tree)]) == 1
    err = capsys.readouterr().err
    assert f"{bad}:8: [po-syntax]" in err and "counted nothing in this file" in err
    result = status.paths_status([tree])
    assert result.languages["de"].totals.total_entries == 6 and result.skipped == [str(bad)]


def test_an_iso_8859_1_catalog_is_counted(tmp_path: Path) -> None:
    raw = ('msgid ""\nmsgstr ""\n"Language: de\\n"\n"Content-Type: text/plain; charset=ISO-8859-1\\n"\n\n'
           'msgid "Größe der Datei"\nmsgstr "FIXTURE Größe"\n').encode("latin-1")
    path = tmp_path / "latin.po"
    path.write_bytes(raw)
    result = status.paths_status([path])
    assert not result.problems
    assert result.languages["de"].totals.words["translated"] == 3


def test_the_builds_chart_counts_only_the_catalogs_that_changed(tmp_path: Path, monkeypatch) -> None:
    """The site's progress chart (scripts/site.py) counts with the build's StatCache: an unchanged
    catalog is not parsed again, a changed one is, and one gettext refuses is reported every time."""
    from scripts.matrix.statcache import StatCache  # noqa: PLC0415

    project = make_project(tmp_path)
    chapter = _write(project.catalogdir("yua") / "capitulo.po", sample())
    bad = project.catalogdir("yua") / "roto.po"
    bad.write_text('msgid ""\nmsgstr ""\n\nmsgid "dos"\nmsgstr "sin cerrar\n', encoding="utf-8")
    cache = StatCache(tmp_path / "files.json")
    first = status.project_status(project, cache)
    assert first.as_dict() == status.project_status(project).as_dict() and len(first.problems) == 1
    cache.save()

    parsed: list[str] = []
    real_parse = pofile.parse
    monkeypatch.setattr(pofile, "parse", lambda text, *a, **k: parsed.append(text) or real_parse(text, *a, **k))
    again = status.project_status(project, StatCache(tmp_path / "files.json"))
    assert again.as_dict() == first.as_dict() and len(again.problems) == 1
    assert len(parsed) == 1  # the refused catalog alone

    catalog = sample()
    catalog.entries[2].msgstr = "FIXTURE e"  # "seis" translated
    _write(chapter, catalog)
    changed = status.project_status(project, StatCache(tmp_path / "files.json"))
    assert changed.languages["yua"].documents["capitulo"].entries["translated"] == 3
