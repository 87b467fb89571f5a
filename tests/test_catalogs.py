"""Catalogs: msgcat-identical writing, deterministic update, no translation ever lost, locking."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scripts import atomic, catalogs, pofile
from scripts.__main__ import main
from scripts.languages import load_registry
from scripts.pofile import Catalog, Entry
from tests.translator_fixtures import make_project, snapshot, write_docs

REPO = Path(__file__).resolve().parent.parent
GOOD = sorted((REPO / "tests" / "po" / "good").glob("*.po"))
EPOCH = "1767225600"

# Text that exercises the wrapping: long paragraphs, MyST, URLs, hyphens, quotes, the four
# glottal marks, combining marks, East Asian wide characters, emoji, escapes, tabs.
PIECES = [
    "datos", "abiertos", "política", "k'aax", "bats’i", "k’op", "tsʼiib", "kꞌaax", "Ⱥ", "a̱", "e̱", "ɨ́",
    "Hñähñu", "«cita»", "—", "–", "…", "{term}`datos abiertos`", "[enlace](https://example.org/a/b-c?d=e&f=g)",
    "`code`", "[^1]", "{{ sub }}", "C:\\ruta", '"comillas"', "\t", "x-y", "a/b", "100 %", "$5", "(paréntesis)",
    "¿qué?", "¡sí!", "https://datos.gob.mx/busca/dataset/muy-largo-identificador-de-conjunto-de-datos",
    "中文字符", "😀", "\u00a0", "\u202f", "e\u0301", "\u200b", "A" * 90, "12,5", "3.14", "<br>", "anti-corrupción",
]


def random_text(rng: random.Random) -> str:
    parts = []
    for _ in range(rng.choice([0, 1, 3, 8, 15, 30, 60])):
        parts.append(rng.choice(PIECES))
        parts.append(rng.choice([" ", " ", " ", "\n", "", "  ", ", ", ". "]))
    text = "".join(parts)
    if rng.random() < 0.2:
        text += "\n"
    if rng.random() < 0.1:
        text = "\n" + text
    return text


def random_catalog(seed: int, size: int = 300) -> Catalog:
    rng = random.Random(seed)
    catalog = Catalog(header=Entry(msgid="", msgstr="Language: yua\nContent-Type: text/plain; charset=UTF-8\n"
                                                  "Plural-Forms: nplurals=2; plural=(n != 1);\n"))
    seen: set[str] = set()
    for _ in range(size):
        msgid = random_text(rng) or "x"
        if msgid in seen:
            continue
        seen.add(msgid)
        entry = Entry(msgid=msgid, msgstr=random_text(rng) if rng.random() < 0.7 else "")
        if rng.random() < 0.3:
            entry.flags = ["fuzzy"]
            entry.previous_msgid = random_text(rng) or "p"
        if rng.random() < 0.3:
            entry.references = [f"../../source/{rng.choice(['a', 'capitulo-largo'])}.md:{rng.randint(1, 999)}"
                                for _ in range(rng.randint(1, 8))]
        if rng.random() < 0.2:
            entry.comments = ["nota del traductor", ""]
        if rng.random() < 0.1:
            entry.msgctxt = random_text(rng) or "ctx"
        if rng.random() < 0.05:
            entry.flags.append("no-wrap")
        if rng.random() < 0.1:
            entry.msgid_plural = msgid + " (plural)"
            entry.msgstr_plural = [entry.msgstr, entry.msgstr]
        if rng.random() < 0.1 and entry.has_translation:
            entry.obsolete = True
            entry.references = []
        catalog.entries.append(entry)
    return catalog


def msgcat(path: Path) -> str:
    done = subprocess.run(["msgcat", str(path)], capture_output=True, text=True, check=True)
    return done.stdout


# ---------------------------------------------------------------------------- canonical form

@pytest.mark.parametrize("seed", range(4))
def test_writer_matches_msgcat_byte_for_byte(tmp_path: Path, seed: int) -> None:
    path = tmp_path / "random.po"
    text = pofile.dumps(random_catalog(seed))
    path.write_text(text, encoding="utf-8")
    assert msgcat(path) == text


def test_writer_normalises_like_msgcat(tmp_path: Path) -> None:
    """Comments, references, flags and entry order come out as msgcat writes them."""
    source = (
        '#comment without space\n#.extracted\n#: b.md:3 ./c.md:4 b.md:3\n'
        '#, python-format, fuzzy, no-wrap, range: 1..5\n#| msgid "old"\nmsgid "x %s"\nmsgstr "y %s"\n\n'
        '#, fuzzy\n#~ msgid "gone"\n#~ msgstr "ido"\n\n#~ msgid "gone, untranslated"\n#~ msgstr ""\n\n'
        '#, fuzzy\nmsgid "untranslated"\nmsgstr ""\n\n'
        'msgid "a"\nmsgid_plural "as"\nmsgstr[0] "b"\nmsgstr[1] "bs"\n')
    path = tmp_path / "messy.po"
    path.write_text(source, encoding="utf-8")
    assert pofile.dumps(pofile.read(path)) == msgcat(path)


@pytest.mark.parametrize("path", GOOD, ids=lambda p: p.name)
def test_good_catalogs_are_canonical(path: Path) -> None:
    assert pofile.dumps(pofile.read(path)) == path.read_text(encoding="utf-8") == msgcat(path)


def test_wrap_check_and_fix(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = make_project(tmp_path)
    target = project.catalogdir("en") / "capitulo.po"
    target.parent.mkdir(parents=True)
    long = "Los datos abiertos se publican en formatos abiertos y se actualizan cada mes sin falta."
    target.write_text(f'msgid ""\nmsgstr "Language: en\\n"\n\nmsgid "{long}"\nmsgstr "{long}"\n', encoding="utf-8")
    assert main(["--root", str(project.root), "wrap", "--check"]) == 1
    assert "locale/en/LC_MESSAGES/capitulo.po:4: [po-wrap]" in capsys.readouterr().err
    assert main(["--root", str(project.root), "wrap"]) == 0
    assert target.read_text(encoding="utf-8") == msgcat(target)
    assert main(["--root", str(project.root), "wrap", "--check"]) == 0


def test_parse_errors_carry_their_line() -> None:
    with pytest.raises(pofile.PoSyntaxError) as caught:
        pofile.parse('msgid "a"\nmsgstr "b"\n\nmsgid "c\n')
    assert caught.value.line == 4 and caught.value.code == "po-syntax"
    with pytest.raises(pofile.PoSyntaxError) as caught:
        pofile.decode(b'msgid "a"\nmsgstr "\xe9"\n')
    assert caught.value.line == 2 and caught.value.code == "po-encoding"


# ---------------------------------------------------------------------------- update

@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    return make_project(tmp_path)


def _translate(path: Path, prefix: str) -> None:
    catalog = pofile.read(path)
    for entry in catalog.entries:
        entry.msgstr = f"{prefix} {entry.msgid}"
    path.write_text(pofile.dumps(catalog), encoding="utf-8")


def test_update_creates_catalogs_with_registry_headers(project) -> None:
    interface = project.catalogdir("yua") / "sphinx.po"  # interface strings: not a document
    interface.parent.mkdir(parents=True)
    interface.write_text('msgid ""\nmsgstr "Language: yua\\n"\n\nmsgid "Next"\nmsgstr "FIXTURE"\n\n\n', encoding="utf-8")
    before = interface.read_bytes()
    report = catalogs.update(project)
    assert interface.read_bytes() == before  # left alone, even though not canonical
    assert interface not in report.created + report.updated + report.orphans
    assert not (project.catalogdir("en") / "sphinx.po").exists()
    created = sorted(p.relative_to(project.localedir).as_posix() for p in report.created)
    assert created == [f"{tag}/LC_MESSAGES/{doc}.po" for tag in ("en", "yua")
                       for doc in ("anexos/plantilla", "capitulo", "index")]
    for path in report.created:
        catalog = pofile.read(path)
        fields = catalog.header_fields()
        tag = path.relative_to(project.localedir).parts[0]
        assert fields["Language"] == tag
        assert fields["Plural-Forms"] == "nplurals=2; plural=(n != 1);"
        assert fields["Content-Type"] == "text/plain; charset=UTF-8"
        assert not catalog.header.fuzzy
        subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(path)], check=True)
        assert path.read_text(encoding="utf-8") == msgcat(path)


def test_update_twice_changes_no_byte(project, monkeypatch: pytest.MonkeyPatch) -> None:
    catalogs.update(project)
    _translate(project.catalogdir("en") / "capitulo.po", "FIXTURE-EN")
    catalogs.update(project, do_extract=False)
    before = snapshot(project.localedir)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(EPOCH) + 86400))  # a later commit, same text
    report = catalogs.update(project)
    assert report.updated == [] and report.created == []
    assert snapshot(project.localedir) == before  # same bytes, not even rewritten


def test_changed_paragraph_becomes_fuzzy_and_removed_one_obsolete(project) -> None:
    catalogs.update(project)
    path = project.catalogdir("en") / "capitulo.po"
    _translate(path, "FIXTURE-EN")
    old_text = "Los datos abiertos se publican en formatos abiertos y se actualizan cada mes."
    write_docs(project.root, {"capitulo.md": """\
        # Capítulo de datos

        Los datos abiertos se publican en formatos abiertos y se actualizan cada semana.

        Consulte la {ref}`sección inicial <inicio>` y el [portal](https://datos.gob.mx).
        """})
    catalogs.update(project)
    catalog = pofile.read(path)
    by_id = {e.msgid: e for e in catalog.entries}
    changed = by_id["Los datos abiertos se publican en formatos abiertos y se actualizan cada semana."]
    assert changed.fuzzy and changed.previous_msgid == old_text
    assert changed.msgstr == f"FIXTURE-EN {old_text}"
    gone = by_id["Un párrafo que después desaparece de la fuente."]
    assert gone.obsolete and gone.msgstr.startswith("FIXTURE-EN")
    assert path.read_text(encoding="utf-8").rstrip().endswith('#~ msgstr "FIXTURE-EN Un párrafo que después desaparece de la fuente."')
    # and the paragraph coming back revives its translation
    write_docs(project.root, {"capitulo.md": "# Capítulo de datos\n\nUn párrafo que después desaparece de la fuente.\n"})
    catalogs.update(project)
    revived = {e.msgid: e for e in pofile.read(path).entries}["Un párrafo que después desaparece de la fuente."]
    assert not revived.obsolete and not revived.fuzzy and revived.msgstr.startswith("FIXTURE-EN")


def test_second_run_waits_then_refuses(project) -> None:
    with catalogs.catalog_lock(project):
        done = subprocess.run(
            [sys.executable, "-m", "scripts", "--root", str(project.root), "update", "--wait", "0.3"],
            cwd=REPO, capture_output=True, text=True, check=False)
    assert done.returncode == 1
    assert "[catalogs-locked]" in done.stderr and "nothing was written" in done.stderr
    assert not list(project.localedir.rglob("*.po"))


def test_write_atomic_does_not_touch_unchanged_files(tmp_path: Path) -> None:
    path = tmp_path / "a.po"
    assert atomic.write_atomic(path, "x\n")
    stamp = path.stat().st_mtime_ns
    assert not atomic.write_atomic(path, "x\n")
    assert path.stat().st_mtime_ns == stamp
    assert atomic.write_atomic(path, "y\n") and path.read_text() == "y\n"
    assert [p.name for p in tmp_path.iterdir()] == ["a.po"]  # no temporary file left behind


# ---------------------------------------------------------------------------- the promise

WORDS = ["datos", "abiertos", "portal", "plan", "comité", "apertura", "calidad", "publica", "cada", "mes",
         "{term}`datos`", "[portal](https://datos.gob.mx)", "k'aax", "a̱"]
sentence = st.lists(st.sampled_from(WORDS), min_size=1, max_size=14).map(" ".join)


@st.composite
def histories(draw: st.DrawFn) -> tuple[list[str], Catalog, list[str]]:
    """An old source, a catalog translated against it (in any state), and a new source."""
    old_ids = draw(st.lists(sentence, min_size=1, max_size=8, unique=True))
    po = Catalog()
    for msgid in old_ids:
        entry = Entry(msgid=msgid, msgstr=draw(st.sampled_from(["", f"FIXTURE {msgid[::-1]}", "FIXTURE otra"])))
        if entry.msgstr and draw(st.booleans()):
            entry.fuzzy = True
        po.entries.append(entry)
    for msgid in draw(st.lists(sentence, max_size=3, unique=True)):
        if msgid not in old_ids:
            po.entries.append(Entry(msgid=msgid, msgstr=f"FIXTURE viejo {msgid}", obsolete=True))
    new_ids: list[str] = []
    for msgid in old_ids:
        action = draw(st.sampled_from(["keep", "edit", "drop"]))
        if action == "keep":
            new_ids.append(msgid)
        elif action == "edit":
            new_ids.append(msgid + " " + draw(st.sampled_from(WORDS)))
    new_ids += draw(st.lists(sentence, max_size=4))
    new_ids = list(dict.fromkeys(draw(st.permutations(new_ids))))
    return old_ids, po, new_ids


def _pot(msgids: list[str]) -> Catalog:
    return Catalog(header=Entry(msgid="", msgstr="POT-Creation-Date: 2026-01-01 00:00+0000\n"),
                   entries=[Entry(msgid=m, references=[f"../../source/capitulo.md:{i}"]) for i, m in enumerate(msgids)])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(histories())
def test_update_never_loses_a_translation(history: tuple[list[str], Catalog, list[str]]) -> None:
    _old_ids, po, new_ids = history
    language = load_registry(REPO / "locale" / "languages.toml").get("yua")
    merged = merge_and_reload(_pot(new_ids), po, language)
    for old in po.entries:
        for text in old.translations:
            if text:
                # kept as translated (same msgid), as fuzzy (under a changed msgid) or as obsolete
                assert any(text in e.translations and (e.obsolete or e.fuzzy or e.msgid == old.msgid)
                           for e in merged.entries), f"lost {text!r}"
    # every msgid of the new source is there, in the source's order, before the obsolete ones
    assert [e.msgid for e in merged.entries if not e.obsolete] == new_ids
    # and updating again with the same source changes nothing
    again = merge_and_reload(_pot(new_ids), merged, language)
    assert pofile.dumps(again) == pofile.dumps(merged)


def merge_and_reload(pot: Catalog, po: Catalog, language) -> Catalog:
    return pofile.parse(pofile.dumps(catalogs.merge(pot, po, language, "capitulo")))
