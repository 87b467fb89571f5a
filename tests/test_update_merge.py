"""update's merge is GNU msgmerge --previous: plural forms, several catalogs, other charsets."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scripts import catalogs, pofile
from scripts.diagnostics import PipelineError
from scripts.languages import load_registry
from scripts.pofile import Catalog, Entry
from tests.translator_fixtures import make_project

REPO = Path(__file__).resolve().parent.parent
YUA = load_registry(REPO / "locale" / "languages.toml").get("yua")
FOUR = replace(YUA, plural_forms="nplurals=4; plural=(n==1 ? 0 : n==2 ? 1 : n<5 ? 2 : 3);")
POT_HEADER = Entry(msgid="", msgstr="POT-Creation-Date: 2026-01-01 00:00+0000\n"
                                    "Content-Type: text/plain; charset=UTF-8\n")


def _msgfmt_c(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(path)], capture_output=True, text=True,
                          check=False)


def test_a_four_form_language_gets_four_forms_from_a_two_form_template(tmp_path: Path) -> None:
    pot = Catalog(header=POT_HEADER, entries=[
        Entry(msgid="one dataset", msgid_plural="%d datasets", msgstr_plural=["", ""], flags=["c-format"]),
        Entry(msgid="one file", msgid_plural="%d files", msgstr_plural=["", ""], flags=["c-format"])])
    po = catalogs.merge(pot, None, FOUR, "capitulo")
    po.entries[1].msgstr_plural = ["FIXTURE %d a", "FIXTURE %d b", "FIXTURE %d c", "FIXTURE %d d"]
    again = catalogs.merge(pot, po, FOUR, "capitulo")
    assert [len(e.msgstr_plural) for e in again.entries] == [4, 4]
    assert again.nplurals == 4
    path = tmp_path / "four.po"
    path.write_text(pofile.dumps(again), encoding="utf-8")
    done = _msgfmt_c(path)
    assert done.returncode == 0, done.stderr


def test_update_follows_the_catalogs_plural_forms_not_a_fixed_two(tmp_path: Path) -> None:
    pot = Catalog(header=POT_HEADER, entries=[Entry(msgid="a year", msgid_plural="%d years",
                                                    msgstr_plural=["", ""])])
    merged = catalogs.merge(pot, None, YUA, "capitulo")
    assert [len(e.msgstr_plural) for e in merged.entries] == [pofile.nplurals(YUA.plural_forms)]


def test_merge_text_is_msgmerge_previous(tmp_path: Path) -> None:
    """The merge is msgmerge's, byte for byte, apart from the header fields the registry sets."""
    pot_path = tmp_path / "doc.pot"
    pot_path.write_text(pofile.dumps(Catalog(header=POT_HEADER, entries=[
        Entry(msgid="Los datos se publican cada semana en el portal del estado."),
        Entry(msgid="Nuevo párrafo.")])), encoding="utf-8")
    po = Catalog(entries=[
        Entry(msgid="Los datos se publican cada mes en el portal del estado.", msgstr="FIXTURE mes"),
        Entry(msgid="Párrafo quitado.", msgstr="FIXTURE quitado")])
    po.header = catalogs.new_header(Catalog(header=POT_HEADER), YUA, "doc")
    po_path = tmp_path / "doc.po"
    po_path.write_text(pofile.dumps(po), encoding="utf-8")
    ours = catalogs.merge_text(pot_path, POT_HEADER, po, po_path.read_text(encoding="utf-8"), YUA, "doc",
                               po_path=po_path)
    theirs = subprocess.run(["msgmerge", "--quiet", "--previous", "-o", "-", str(po_path), str(pot_path)],
                            capture_output=True, text=True, check=True).stdout
    assert catalogs._first_block(ours)[1] == catalogs._first_block(theirs)[1]
    merged = pofile.parse(ours)
    assert merged.entries[0].fuzzy
    assert merged.entries[0].previous_msgid == "Los datos se publican cada mes en el portal del estado."
    assert merged.entries[-1].obsolete and merged.entries[-1].msgstr == "FIXTURE quitado"


def test_an_iso_8859_1_catalog_is_read_and_updated_to_utf8(tmp_path: Path) -> None:
    raw = ('msgid ""\nmsgstr ""\n"Language: yua\\n"\n"Content-Type: text/plain; charset=ISO-8859-1\\n"\n\n'
           'msgid "Política de datos"\nmsgstr "FIXTURE política"\n').encode("latin-1")
    path = tmp_path / "latin.po"
    path.write_bytes(raw)
    assert pofile.declared_charset(raw) == "ISO-8859-1"
    catalog = pofile.read(path)
    assert catalog.entries[0].msgstr == "FIXTURE política"
    converted = pofile.to_utf8(raw)
    assert "charset=UTF-8" in converted and "FIXTURE política" in converted
    pot = Catalog(header=POT_HEADER, entries=[Entry(msgid="Política de datos")])
    merged = catalogs.merge(pot, catalog, YUA, "latin")
    assert merged.entries[0].msgstr == "FIXTURE política"
    assert "charset=UTF-8" in merged.header_fields()["Content-Type"]


def test_a_catalog_in_an_unknown_charset_is_refused_at_its_header() -> None:
    raw = b'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=NO-SUCH-8\\n"\n'
    try:
        pofile.decode(raw)
    except pofile.PoSyntaxError as exc:
        assert (exc.code, exc.line) == ("po-encoding", 3)
    else:
        raise AssertionError("an unknown charset was accepted")


# ---------------------------------------------------------------------------- the promise, extended

WORDS = ["datos", "abiertos", "portal", "plan", "comité", "apertura", "calidad", "publica", "%d", "k'aax"]
sentence = st.lists(st.sampled_from(WORDS), min_size=1, max_size=10).map(" ".join)


@st.composite
def component(draw: st.DrawFn) -> tuple[Catalog, list[tuple[str, str | None]]]:
    """A catalog with singular and plural entries in any state, and the new source's messages."""
    po = Catalog()
    old = draw(st.lists(sentence, min_size=1, max_size=6, unique=True))
    for msgid in old:
        if draw(st.booleans()):
            forms = [draw(st.sampled_from(["", f"FIXTURE {msgid} {n}"])) for n in range(2)]
            po.entries.append(Entry(msgid=msgid, msgid_plural=msgid + " (pl)", msgstr_plural=forms,
                                    flags=["fuzzy"] if any(forms) and draw(st.booleans()) else []))
        else:
            po.entries.append(Entry(msgid=msgid, msgstr=draw(st.sampled_from(["", f"FIXTURE {msgid[::-1]}"]))))
    new: list[tuple[str, str | None]] = []
    for entry in po.entries:
        action = draw(st.sampled_from(["keep", "edit", "drop", "to-plural"]))
        if action == "keep":
            new.append((entry.msgid, entry.msgid_plural))
        elif action == "edit":
            new.append((entry.msgid + " " + draw(st.sampled_from(WORDS)), entry.msgid_plural))
        elif action == "to-plural":
            new.append((entry.msgid, entry.msgid + " (otros)"))
    new += [(m, None) for m in draw(st.lists(sentence, max_size=3))]
    return po, list(dict((m, (m, p)) for m, p in new).values())


def _pot_of(messages: list[tuple[str, str | None]]) -> Catalog:
    return Catalog(header=POT_HEADER, entries=[
        Entry(msgid=m, msgid_plural=p, msgstr_plural=["", ""] if p is not None else [])
        for m, p in messages])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(component(), min_size=2, max_size=3), st.sampled_from([YUA, FOUR]))
def test_update_never_loses_a_translation_plural_and_several_catalogs(
        components: list[tuple[Catalog, list[tuple[str, str | None]]]], language) -> None:
    merged_all = []
    for index, (po, messages) in enumerate(components):
        po.header = catalogs.new_header(Catalog(header=POT_HEADER), language, f"c{index}")
        merged = pofile.parse(pofile.dumps(catalogs.merge(_pot_of(messages), po, language, f"c{index}")))
        merged_all.append(merged)
        for old in po.entries:
            for text in old.translations:
                if text:  # each catalog keeps its own translations, whatever the others hold
                    assert any(text in e.translations or f"before the update: {text}" in e.comments
                               for e in merged.entries), f"lost {text!r}"
        assert [e.msgid for e in merged.entries if not e.obsolete] == [m for m, _ in messages]
        forms = pofile.nplurals(language.plural_forms)
        old_keys = {e.key for e in po.entries}
        assert all(len(e.msgstr_plural) == forms for e in merged.entries  # new plural entries
                   if e.msgid_plural is not None and not e.obsolete and e.key not in old_keys
                   and not e.has_translation)
        again = catalogs.merge(_pot_of(messages), merged, language, f"c{index}")
        assert pofile.dumps(again) == pofile.dumps(merged)
    assert len(merged_all) == len(components)


def test_a_plural_translation_survives_its_msgid_becoming_singular() -> None:
    """msgmerge keeps only msgstr[0] when the msgid lost its plural (found by the property test
    above): the other forms stay on the entry as "before the update" comments, and it is fuzzy."""
    po = Catalog(header=None, entries=[Entry(msgid="datos", msgid_plural="datos (pl)", msgstr_plural=["uno", "dos"])])
    po.header = catalogs.new_header(Catalog(header=POT_HEADER), YUA, "c")
    merged = pofile.parse(pofile.dumps(catalogs.merge(_pot_of([("datos", None)]), po, YUA, "c")))
    entry = next(e for e in merged.entries if e.msgid == "datos" and not e.obsolete)
    assert entry.msgstr == "uno"
    assert "before the update: dos" in entry.comments and entry.fuzzy


def test_update_merges_on_every_core_reports_in_order_and_stops_at_a_broken_catalog(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """update_language runs msgmerge for several catalogs at once: the report keeps the templates'
    order, new catalogs get the umask's mode, and a catalog gettext refuses stops the update with
    its path and line while its bytes stay on disk."""
    project = make_project(tmp_path)
    docs = [f"doc-{i:02}" for i in range(8)]

    def write_pots(extra: str) -> None:
        for doc in docs:
            pot = project.potdir / f"{doc}.pot"
            pot.parent.mkdir(parents=True, exist_ok=True)
            pot.write_text(pofile.dumps(_pot_of([(f"Texto de {doc}{extra}", None)])), encoding="utf-8")

    real = shutil.which("msgmerge")
    assert real, "make test installs gettext"
    tools, log = tmp_path / "bin", tmp_path / "running"
    tools.mkdir()
    log.mkdir()
    # Each run marks itself, waits, and records how many runs were marked at that moment.
    (tools / "msgmerge").write_text(
        f'#!/bin/sh\ntouch {log}/$$; sleep 0.2; ls {log} | wc -l >> {tmp_path}/counts; rm {log}/$$\n'
        f'exec {real} "$@"\n', encoding="utf-8")
    (tools / "msgmerge").chmod(0o755)
    monkeypatch.setenv("PATH", f"{tools}{os.pathsep}{os.environ['PATH']}")

    write_pots("")
    old_umask = os.umask(0o027)
    try:
        report = catalogs.update(project, ["yua"], do_extract=False)
    finally:
        os.umask(old_umask)
    expected = [project.catalogdir("yua") / f"{doc}.po" for doc in docs]
    assert report.created == expected and report.updated == []
    assert {path.stat().st_mode & 0o777 for path in expected} == {0o640}
    counts = [int(n) for n in (tmp_path / "counts").read_text(encoding="utf-8").split()]
    if (os.cpu_count() or 1) > 1:
        assert max(counts) > 1, counts  # two merges ran at once

    broken = expected[5]
    broken.write_text(broken.read_text(encoding="utf-8") + '\nmsgid "roto"\nmsgstr "sin cerrar\n', encoding="utf-8")
    before = broken.read_bytes()
    write_pots(" (cambiado)")
    with pytest.raises(PipelineError) as failed:
        catalogs.update(project, ["yua"], do_extract=False)
    assert "doc-05.po:" in str(failed.value.diagnostics[0]) and "[po-syntax]" in str(failed.value.diagnostics[0])
    assert broken.read_bytes() == before
