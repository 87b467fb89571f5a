"""Search for editions in languages Sphinx has no search support for (the Indigenous ones).

Sphinx indexes an unknown language with the English stemmer ("enlace" becomes "enlac") and
splits words at ``'``, ``’`` and at combining marks, so ``k'aax`` is indexed as ``k`` + ``aax``
and ``a̱`` loses its macron. For such an edition this module registers a search language that

- does not stem (the text is an Indigenous language, or Spanish where it is not translated yet);
- keeps combining marks inside words and joins the letters around an apostrophe;
- folds the glottal mark's spellings (``'`` ``’`` ``‘`` ``ʼ`` ``ꞌ``) to ``'`` and normalises to NFC,
  both when indexing and when reading the query, so a reader typing ``k'aax`` on any keyboard
  finds the ``kꞌaax`` of a community that writes the saltillo. The text itself is never changed.

The Python tokenizer (`split`) and the JavaScript one (`JS_SPLITTER`) must cut identically; the
tests feed both the same strings. Languages Sphinx supports (es, en) keep Sphinx's own search.
"""

from __future__ import annotations

import functools
import re
import sys
import unicodedata
from typing import Any

import sphinx.search
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.search import SearchLanguage

# Every spelling of the glottal stop / ejective mark that LANGUAGES.md lists, plus the left
# single quote that word processors substitute; all fold to the ASCII apostrophe.
GLOTTAL_MARKS = "'\u2018\u2019\u02bc\ua78b\ua78c"
_FOLD = str.maketrans({mark: "'" for mark in GLOTTAL_MARKS})


@functools.cache
def _mark_class() -> str:
    """A regex character class of every combining mark (Unicode category M*)."""
    ranges: list[tuple[int, int]] = []
    for code in range(sys.maxunicode + 1):
        if unicodedata.category(chr(code)).startswith("M"):
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1] = (ranges[-1][0], code)
            else:
                ranges.append((code, code))
    return "".join(f"\\U{a:08x}" if a == b else f"\\U{a:08x}-\\U{b:08x}" for a, b in ranges)


@functools.cache
def _word_re() -> re.Pattern[str]:
    char = rf"[\w{_mark_class()}]"
    return re.compile(rf"{char}+(?:'{char}+)*")


def fold(text: str) -> str:
    """The form words are indexed and looked up in: NFC, one apostrophe for every glottal mark."""
    return unicodedata.normalize("NFC", text).translate(_FOLD)


def split(text: str) -> list[str]:
    return _word_re().findall(fold(text))


# The same cut in the browser: \p{L}\p{N}_ is Python's \w, \p{M} the combining marks.
JS_SPLITTER = r"""
/* scripts/sphinxext/search.py: keeps glottal marks and combining marks inside words. */
var splitQuery = (query) => {
  const folded = query.normalize("NFC").replace(/[\u0027\u2018\u2019\u02BC\uA78B\uA78C]/gu, "'");
  return folded.match(/[\p{L}\p{N}\p{M}_]+(?:'[\p{L}\p{N}\p{M}_]+)*/gu) || [];
};
"""


class OrthographicSearch(SearchLanguage):
    """No stemming, no stop words; words cut as the language's orthography cuts them."""

    language_name = "Orthographic"
    js_splitter_code = JS_SPLITTER

    def split(self, input: str) -> list[str]:  # noqa: A002 - Sphinx's signature
        return split(input)

    def stem(self, word: str) -> str:
        return word.lower()


def search_language_for(tag: str) -> type[SearchLanguage]:
    return type(f"OrthographicSearch_{tag.replace('-', '_')}", (OrthographicSearch,), {"lang": tag})


def register(app: Sphinx, config: Config) -> None:
    tag = config.html_search_language or config.language
    if tag and tag not in sphinx.search.languages and tag.partition("_")[0] not in sphinx.search.languages:
        app.add_search_language(search_language_for(tag))


def setup(app: Sphinx) -> dict[str, Any]:
    return {"parallel_read_safe": True, "parallel_write_safe": True}
