"""The search tokenizer cuts words the same way in Python (the index) and in the browser (the
query): otherwise a word found in the text could never be found by typing it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scripts.sphinxext import search

pytestmark = pytest.mark.browser

GLOTTAL = "'\u2018\u2019\u02bc\ua78b\ua78c"
MARKS = "".join(chr(c) for c in range(0x0300, 0x0370)) + "\u1ab0\u1dc0\u20d0"
OTHER = " \t\n-.,;:!?¿¡()«»\"_0123456789ⱥɇʉꞹɨ"
TEXT = st.text(st.one_of(st.characters(max_codepoint=0x024F, categories=("L", "N")),
                         st.sampled_from(GLOTTAL + MARKS + OTHER)), max_size=40)


@pytest.fixture(scope="module")
def splitter_page(browser: Any) -> Iterator[Any]:
    context = browser.new_context()
    page = context.new_page()
    page.add_script_tag(content=search.JS_SPLITTER)
    yield page
    context.close()


@pytest.mark.parametrize(("text", "words"), [
    ("kꞌaax k'aax k’aax kʼaax k‘aax", ["k'aax"] * 5),
    ("Bats’i k’op", ["Bats'i", "k'op"]),
    ("'hola' ka' 'a", ["hola", "ka", "a"]),
    ("a̱ e̱ ɨ́ ã ï", ["a\u0331", "e\u0331", "\u0268\u0301", "ã", "ï"]),
    ("a\u0303", ["ã"]),  # composed by NFC
    ("Màaya t'àan, 2024", ["Màaya", "t'àan", "2024"]),
    ("Ⱥ Ɇ Ʉ ꞹ", ["Ⱥ", "Ɇ", "Ʉ", "ꞹ"]),
])
def test_words(splitter_page: Any, text: str, words: list[str]) -> None:
    assert search.split(text) == words
    assert splitter_page.evaluate("s => splitQuery(s)", text) == words


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=TEXT)
def test_python_and_browser_cut_alike(splitter_page: Any, text: str) -> None:
    assert splitter_page.evaluate("s => splitQuery(s)", text) == search.split(text)
