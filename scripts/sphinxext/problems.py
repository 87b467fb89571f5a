"""Problems found while a document is read, reported by every builder of the edition.

The builders of an edition share one read of the sources (HTML reads, LaTeX and EPUB reuse the
pickled environment), so a warning given while reading would fail the HTML alone and let the PDF
and the EPUB through. Problems found while reading (by the sanitiser and the catalog gate) are
kept in the environment, per document, and reported by every builder when it finishes: each as a
warning of type ``policy`` with a stable subtype, which the build matrix turns into
`path:line: [code] message — hint` and a failed edition.

A problem in a translation is located at its catalog entry, where the person who fixes it works.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging

from scripts import pofile

logger = logging.getLogger(__name__)

WARNING_TYPE = "policy"


def snippet(text: str, limit: int = 60) -> str:
    """The offending text, short enough for one line of a report."""
    text = " ".join(text.split())
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def warn(message: str, hint: str, code: str, location: str | None) -> None:
    """Report one problem now, in the shape sphinx_warnings turns into a Diagnostic."""
    logger.warning("%s — %s", message, hint, type=WARNING_TYPE, subtype=code, location=location)


def _source_line(node: nodes.Node) -> tuple[str | None, int | None]:
    current: nodes.Node | None = node
    source = line = None
    while current is not None and (source is None or line is None):
        source = source or getattr(current, "source", None)
        line = line or getattr(current, "line", None)
        current = current.parent
    return source, line


def _catalog_line(po_path: Path, needle: str) -> int | None:
    """The line of the entry whose translation contains `needle` (the offending text)."""
    try:
        catalog = pofile.read(po_path)
    except (OSError, pofile.PoSyntaxError):
        return None
    needle = needle.strip()
    for entry in catalog.entries:
        if not entry.obsolete and any(needle and needle in text for text in entry.translations):
            return entry.msgstr_line or entry.line
    return None


def location_of(env: Any, node: nodes.Node, needle: str) -> str | None:
    """`path:line` of a problem: in the catalog when the text came from a translation."""
    source, line = _source_line(node)
    if source is None:
        return f"{env.doc2path(env.docname)}" if getattr(env, "docname", None) else None
    if "<translated>" in source:
        source_path = source.split(":", 1)[0]
        docname = env.path2doc(source_path)
        language = env.config.language
        for base in env.config.locale_dirs:
            po_path = Path(base) / language / "LC_MESSAGES" / f"{docname}.po"
            if po_path.is_file():
                found = _catalog_line(po_path, needle)
                return f"{po_path}:{found or 0}"
        return source_path
    return f"{source}:{line or 0}"


def record_problem(env: Any, location: str | None, code: str, message: str, hint: str) -> None:
    """Keep a problem of the document being read, for every builder to report."""
    docname = env.docname
    env.policy_problems = getattr(env, "policy_problems", {})
    env.policy_problems.setdefault(docname, []).append((location, code, message, hint))


def _purge_problems(app: Sphinx, env: Any, docname: str) -> None:
    getattr(env, "policy_problems", {}).pop(docname, None)


def _merge_problems(app: Sphinx, env: Any, docnames: set[str], other: Any) -> None:
    env.policy_problems = getattr(env, "policy_problems", {})
    for docname in docnames:
        if docname in getattr(other, "policy_problems", {}):
            env.policy_problems[docname] = other.policy_problems[docname]


def report_problems(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None:
        return
    problems = getattr(app.env, "policy_problems", {})
    for docname in sorted(problems):
        if docname not in app.env.found_docs:
            continue
        for location, code, message, hint in problems[docname]:
            warn(message, hint, code, location)


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("env-purge-doc", _purge_problems)
    app.connect("env-merge-info", _merge_problems)
    app.connect("build-finished", report_problems, priority=300)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
