"""Sphinx's warnings in the pipeline's one shape: `path:line: [code] what — how to fix`.

Sphinx writes `/abs/source/x.md:12: WARNING: message [type.subtype]`; a problem in a
translation comes as `/abs/source/x.md:12:<translated>:3: ...`, although the person who must fix
it edits the catalog. This module turns each warning into a Diagnostic: paths relative to the
project, a translation's problems moved to its catalog entry (found by the `#:` reference of the
source line), the warning type as the code (the pipeline's own `policy.X` warnings keep just
`X`, the code `check` uses for the same problem), and a hint for the common ones.
"""

from __future__ import annotations

import re
from pathlib import Path

from scripts import pofile
from scripts.diagnostics import Diagnostic, display_path

_LINE = re.compile(
    r"^(?:(?P<location>.*?):\s)?(?P<level>WARNING|ERROR|CRITICAL|SEVERE):\s(?P<message>.*?)"
    r"(?:\s\[(?P<code>[\w.-]+)\])?\s*$")
_LOCATION = re.compile(r"^(?P<path>.*?)(?::(?P<line>\d+))?(?P<translated>:<translated>(?::\d+)?)?$")

HINTS = {
    "ref.ref": "use a `(label)=` target defined in source/ (a translation keeps the source's targets)",
    "ref.numref": "use a `(label)=` target defined in source/ (a translation keeps the source's targets)",
    "ref.doc": "link to a document that exists in source/",
    "ref.term": "use a term the glossary defines, exactly as the glossary writes it",
    "ref.any": "use a target the Spanish source defines",
    "myst.xref_missing": "link to a `(label)=` target or a document of the source, or to a full https:// address",
    "myst.directive_unknown": "use a directive the source uses; compare with the Spanish text",
    "myst.directive_parse": "compare the directive's options and content with the Spanish text",
    "myst.role_unknown": "use a role the source uses ({ref}, {term}, {doc}...), with its backticks",
    "image.not_readable": "add the image under source/ or correct its path",
    "i18n.inconsistent_references": "keep every {ref}, {term}, link and footnote of the msgid in the msgstr "
                                    "(`python -m scripts check` shows which)",
    "toc.not_readable": "list only documents that exist in source/",
    "toc.excluded": "list only documents that exist in source/",
    "docutils": "correct the markup at that line; compare it with the Spanish source",
}
DEFAULT_HINT = "correct the text at that line; `python -m scripts check` explains problems in catalogs"


def _catalog_entry_line(po_path: Path, source: Path, source_rel: str, source_line: int) -> int | None:
    """Line of the entry whose `#:` reference is `source_rel:source_line`, or (a catalog without
    references) whose msgid starts with the text of that source line."""
    try:
        catalog = pofile.read(po_path)
    except (OSError, pofile.PoSyntaxError):
        return None
    entries = [e for e in catalog.entries if not e.obsolete]
    wanted = f"{source_rel}:{source_line}"
    for entry in entries:
        if any(ref.endswith(wanted) for ref in entry.references):
            return entry.msgstr_line or entry.line
    try:
        text = source.read_text(encoding="utf-8").splitlines()[source_line - 1].strip()
    except (OSError, UnicodeDecodeError, IndexError):
        return None
    text = text.lstrip("#>*-+0123456789. ").strip()
    if len(text) >= 8:
        for entry in entries:
            if entry.msgid.startswith(text[:60]):
                return entry.msgstr_line or entry.line
    return None


def _translation_location(root: Path, tag: str, source: Path, line: int) -> tuple[str, int] | None:
    srcdir = root / "source"
    try:
        rel = source.resolve().relative_to(srcdir.resolve())
    except ValueError:
        return None
    po_path = root / "locale" / tag / "LC_MESSAGES" / rel.with_suffix(".po")
    if not po_path.is_file():
        return None
    found = _catalog_entry_line(po_path, source, rel.as_posix(), line)
    return display_path(po_path, root), found or 0


def sphinx_diagnostics(text: str, root: Path, tag: str | None = None) -> list[Diagnostic]:
    """Every warning of a Sphinx run (its warning stream's text) as a Diagnostic, in order.

    Lines that only continue the previous warning (indented echoes of a directive) are dropped.
    """
    found: list[Diagnostic] = []
    for raw in text.splitlines():
        if not raw.strip() or raw[:1].isspace():
            continue
        match = _LINE.match(raw)
        if match is None:
            found.append(Diagnostic("", 0, "sphinx", raw.strip()))
            continue
        code = match.group("code") or ("sphinx" if match.group("level") == "WARNING" else "docutils")
        message = match.group("message").strip()
        hint = HINTS.get(code, DEFAULT_HINT)
        if message.startswith(("File insertion disabled", '"raw" directive disabled', '"include" directive disabled',
                               'Directive "include" disabled')):  # docutils' wording, then MyST's
            code, hint = "unsafe-directive", "a translation cannot bring in files: remove the {include}, {literalinclude} or {raw} directive"
        if code.startswith("policy."):
            code = code.removeprefix("policy.")
            message, sep, own_hint = message.partition(" — ")
            hint = own_hint if sep else hint
        path, line = "conf.py", 0
        if location := match.group("location"):
            parts = _LOCATION.match(location)
            assert parts is not None  # the pattern matches any string
            path = parts.group("path")
            line = int(parts.group("line") or 0)
            if parts.group("translated") and tag:
                moved = _translation_location(root, tag, Path(path), line)
                if moved:
                    message = f"{message} (translation of {display_path(path, root)}:{line})"
                    path, line = moved
                else:
                    message = f"{message} (in the {tag} translation)"
            path = display_path(path, root)
        found.append(Diagnostic(path, line, code, message, hint))
    return found
