"""status: counts, the fast reader agreeing with the full parser, JSON, SVG, other projects, speed."""

from __future__ import annotations

import json
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


entries = st.builds(
    Entry,
    msgid=st.text(st.sampled_from("ab c\n\"\\é’"), min_size=1, max_size=120),
    msgstr=st.sampled_from(["", "FIXTURE", "FIXTURE \"x\"\n" * 9]),
    msgctxt=st.sampled_from([None, "", "ctx"]),
    flags=st.sampled_from([[], ["fuzzy"], ["no-wrap"], ["fuzzy", "python-format"]]),
    obsolete=st.booleans(),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(entries, max_size=12, unique_by=lambda e: (e.msgctxt, e.msgid)), st.booleans())
def test_fast_reader_agrees_with_the_parser(items: list[Entry], with_header: bool) -> None:
    text = pofile.dumps(Catalog(header=HEADER if with_header else None, entries=items))
    assert status.count_text(text).as_dict() == status.count_catalog(pofile.parse(text)).as_dict()


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
