"""The search index an incremental build writes is the one a full build writes.

Sphinx's HTML builder updates `searchindex.js` in place: it reads the previous index
(`IndexBuilder.load`), drops the documents it writes again (`prune`) and feeds them anew. Two
things go wrong there (Sphinx 9), and a reader searching a locally built site saw them:

- `load` does not read back the index entries (`indexentries`: the glossary's terms, among
  others), so every document not written again lost its entries from the search results;
- `prune` empties a word's set of documents but keeps the word, so a word that left the text
  stayed in the index, pointing nowhere.

Here `load` also restores the index entries of the documents in the previous index, `prune`
drops emptied words and the entries of the documents written again, and the entries are frozen
in document order, the order a full build feeds them in. Sphinx has no setting for this;
tests/test_incremental.py compares an incremental index with a forced build's, byte for byte.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sphinx.application import Sphinx
from sphinx.search import IndexBuilder

_PATCHED = "_policy_complete_index"


class _Loaded:
    """A stand-in format whose load returns data already read (so the index file is read once)."""

    def __init__(self, frozen: Any) -> None:
        self.frozen = frozen

    def load(self, _stream: Any) -> Any:
        return self.frozen


def _complete_incremental_index() -> None:
    if getattr(IndexBuilder, _PATCHED, False):
        return
    setattr(IndexBuilder, _PATCHED, True)
    sphinx_load, sphinx_prune, sphinx_freeze = IndexBuilder.load, IndexBuilder.prune, IndexBuilder.freeze

    def load(self: IndexBuilder, stream: Any, format: Any) -> None:  # noqa: A002 - Sphinx's name
        fmt = self.formats[format] if isinstance(format, str) else format
        frozen = fmt.load(stream)
        sphinx_load(self, stream, _Loaded(frozen))  # raises on an old or foreign index, as before
        index2fn = frozen["docnames"]
        restored: dict[str, list[tuple[str, str, str]]] = {}
        for entry, places in frozen.get("indexentries", {}).items():
            for doc, entry_id, main in places:
                restored.setdefault(index2fn[doc], []).append((entry, entry_id, "main" if main else ""))
        for docname, entries in restored.items():
            self._index_entries[docname] = sorted(entries)

    def prune(self: IndexBuilder, docnames: Iterable[str]) -> None:
        keep = set(docnames)
        sphinx_prune(self, keep)
        for mapping in (self._mapping, self._title_mapping):
            for word in [word for word, docs in mapping.items() if not docs]:
                del mapping[word]
        for docname in [docname for docname in self._index_entries if docname not in keep]:
            del self._index_entries[docname]

    def freeze(self: IndexBuilder) -> dict[str, Any]:
        entries = dict(self._index_entries)
        self._index_entries.clear()
        self._index_entries.update(sorted(entries.items()))
        return sphinx_freeze(self)

    IndexBuilder.load = load  # type: ignore[method-assign]
    IndexBuilder.prune = prune  # type: ignore[method-assign]
    IndexBuilder.freeze = freeze  # type: ignore[method-assign]


def setup(app: Sphinx) -> dict[str, Any]:
    _complete_incremental_index()
    return {"parallel_read_safe": True, "parallel_write_safe": True}
