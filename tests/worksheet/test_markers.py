"""Markers ⟦n⟧ stand for MyST markup in a worksheet and become exactly that markup again."""

from __future__ import annotations

from pathlib import Path

import pytest

from scripts import pofile, terminology
from scripts.worksheet.markers import MarkerError, from_markers, like_source, plain, to_markers
from scripts.worksheet.transfer import CODES

REPO = Path(__file__).resolve().parents[2]
ENGLISH = sorted((REPO / "locale" / "en" / "LC_MESSAGES").glob("*.po"))
SOURCE = ("Vea los {term}`datos abiertos`, la {ref}`sección inicial <inicio>`[^ley], el código `CSV`, "
          "el [portal](https://datos.gob.mx), *esto* y **aquello**, y {ref}`inicio`.")


def test_every_msgid_of_the_policy_comes_back_byte_for_byte() -> None:
    count = 0
    for path in ENGLISH:
        for entry in pofile.read(path).active:
            marked = to_markers(entry.msgid)
            assert from_markers(marked.text, marked) == entry.msgid
            count += 1
    assert count > 1000


def test_the_english_reference_uses_the_spanish_numbers() -> None:
    """Shown with the source's numbers, a real English translation restores to itself."""
    shown = 0
    for path in ENGLISH:
        for entry in pofile.read(path).active:
            marked = to_markers(entry.msgid)
            reference = like_source(entry.msgstr, marked)
            if "⟦" in reference:
                shown += 1
                assert from_markers(reference, marked) == entry.msgstr
    assert shown > 100


def test_markers_in_a_worksheet_and_back() -> None:
    marked = to_markers(SOURCE)
    assert marked.text == ("Vea los ⟦1⟧datos abiertos⟦/1⟧, la ⟦2⟧sección inicial⟦/2⟧⟦3⟧, el código ⟦4⟧, "
                           "el ⟦5⟧portal⟦/5⟧, ⟦6⟧esto⟦/6⟧ y ⟦7⟧aquello⟦/7⟧, y ⟦8⟧.")
    translated = ("FIXTURE ⟦7⟧b⟦/7⟧ ⟦6⟧a⟦/6⟧ ⟦5⟧p⟦/5⟧ ⟦4⟧ ⟦2⟧s⟦/2⟧⟦3⟧ ⟦1⟧FIXTURE-datos⟦/1⟧ ⟦8⟧.")
    assert from_markers(translated, marked) == (
        "FIXTURE **b** *a* [p](https://datos.gob.mx) `CSV` {ref}`s <inicio>`[^ley] "
        "{term}`FIXTURE-datos <datos abiertos>` {ref}`inicio`.")


@pytest.mark.parametrize(("translation", "said"), [
    ("⟦1⟧a⟦/1⟧ ⟦2⟧b⟦/2⟧⟦3⟧ ⟦4⟧ ⟦5⟧c⟦/5⟧ ⟦6⟧d⟦/6⟧ ⟦7⟧e⟦/7⟧", "⟦8⟧ ({ref}`inicio`) is missing"),
    ("⟦1⟧a⟦/1⟧ ⟦2⟧b⟦/2⟧⟦3⟧⟦3⟧ ⟦4⟧ ⟦5⟧c⟦/5⟧ ⟦6⟧d⟦/6⟧ ⟦7⟧e⟦/7⟧ ⟦8⟧", "appears twice"),
    ("⟦1⟧a⟦/1⟧ ⟦9⟧ ⟦2⟧b⟦/2⟧⟦3⟧ ⟦4⟧ ⟦5⟧c⟦/5⟧ ⟦6⟧d⟦/6⟧ ⟦7⟧e⟦/7⟧ ⟦8⟧", "⟦9⟧ is not in the Spanish text"),
    ("⟦1⟧a⟦/1⟧ ⟦2⟧b⟦/2⟧⟦3⟧ ⟦4⟧ ⟦5⟧c ⟦6⟧d⟦/5⟧⟦/6⟧ ⟦7⟧e⟦/7⟧ ⟦8⟧", "overlap"),
    ("⟦1⟧a⟦/1⟧ ⟦2⟧b⟦/2⟧⟦3⟧ ⟦4⟧ ⟦5⟧c⟦/5⟧ ⟦6⟧d⟦/6⟧ ⟦7⟧e ⟦8⟧", "⟦7⟧ is never closed"),
    ("⟦1⟧a⟦/1⟧ ⟦2⟧b⟦/2⟧⟦/3⟧ ⟦4⟧ ⟦5⟧c⟦/5⟧ ⟦6⟧d⟦/6⟧ ⟦7⟧e⟦/7⟧ ⟦8⟧", "stands alone"),
    ("⟦1⟧a ⟦4⟧⟦/1⟧ ⟦2⟧b⟦/2⟧⟦3⟧ ⟦5⟧c⟦/5⟧ ⟦6⟧d⟦/6⟧ ⟦7⟧e⟦/7⟧ ⟦8⟧", "cannot hold other markup"),
    ("⟦1⟧a⟦/1⟧ ⟦2⟧b⟦/2⟧⟦3⟧ ⟦4⟧ ⟦5⟧c⟦/5⟧ ⟦6⟧d⟦/6⟧ ⟦7⟧e⟦/7⟧ ⟦8⟧ ⟦x", "broken marker"),
])
def test_a_broken_marker_is_named(translation: str, said: str) -> None:
    with pytest.raises(MarkerError, match=said.replace("(", r"\(").replace(")", r"\)")):
        from_markers(translation, to_markers(SOURCE))


def test_plain_text_is_what_a_reader_sees() -> None:
    assert plain(SOURCE) == ("Vea los datos abiertos, la sección inicial, el código CSV, el portal, esto y "
                             "aquello, y .")


def test_terms_are_found_in_visible_words_longest_first() -> None:
    terms = [terminology.Term("datos personales", "personal data"),
             terminology.Term("datos personales sensibles", "sensitive personal data"),
             terminology.Term("formato abierto", "open format")]
    found = terminology.terms_in("Los datos personales sensibles y los Datos Personales.", terms)
    assert [t.es for t in found] == ["datos personales sensibles", "datos personales"]
    # a role's target is not a use of the term; its visible words are
    assert terminology.missing_terms("Un {term}`archivo <formato abierto>`.", "A file.", terms) == []
    assert [t.es for t in terminology.missing_terms("En formato abierto.", "In a free format.", terms)] == [
        "formato abierto"]


def test_worksheet_codes_are_documented() -> None:
    guide = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
    for code in CODES:
        assert f"| `{code}` |" in guide and guide.count(f"`{code}`") >= 2, code
