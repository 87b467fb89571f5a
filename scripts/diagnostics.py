"""One shape for every problem the pipeline reports to a person.

`path:line: [code] what is wrong — how to fix it` is the format editors, CI logs and
translators' terminals all understand; every module reports through it so that a code is
defined once (scripts/diagnostic_codes.py: meaning, severity, fix), documented once
(CONTRIBUTING.md) and can be searched for. `diagnostic()` takes a code's severity from that table,
so no caller can make a warning an error in one place and not in another.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from scripts.diagnostic_codes import CODES, severity


@dataclass(frozen=True, order=True)
class Diagnostic:
    path: str
    line: int
    code: str
    message: str
    hint: str = ""
    severity: str = "error"  # "error" fails the command; "warning" is reported only

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        text = f"{where}: [{self.code}] {self.message}"
        return f"{text} — {self.hint}" if self.hint else text

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


class PipelineError(Exception):
    """An error a person must act on; carries one or more diagnostics."""

    def __init__(self, diagnostics: list[Diagnostic] | Diagnostic) -> None:
        self.diagnostics = [diagnostics] if isinstance(diagnostics, Diagnostic) else diagnostics
        super().__init__("\n".join(str(d) for d in self.diagnostics))


def display_path(path: Path | str, root: Path | None = None) -> str:
    """A path as short as it can be while still being found from the project root."""
    p = Path(path)
    base = root or Path.cwd()
    try:
        return str(p.resolve().relative_to(base.resolve()))
    except ValueError:
        return str(p)


def diagnostic(code: str, path: str, line: int, message: str, hint: str | None = None) -> Diagnostic:
    """A Diagnostic whose severity (and, without a hint, fix) come from the code's one definition."""
    fix = hint if hint is not None else (CODES[code].fix if code in CODES else "")
    return Diagnostic(path, line, code, message, fix, severity(code))


def po_wrap(shown: str, line: int) -> Diagnostic:
    """The one `po-wrap` diagnostic (`check` and `wrap --check` report the same thing alike)."""
    return diagnostic("po-wrap", shown, line,
                      "not in the canonical gettext form (msgcat's wrapping at 79 columns)",
                      f"run `python -m scripts wrap {shown}` or `python -m scripts check --fix {shown}` "
                      "(or save it in Poedit)")


def catalog_orphan(shown: str, docname: str) -> Diagnostic:
    """The one `catalog-orphan` diagnostic (`check` reports it; `update` keeps the file and says so)."""
    return diagnostic("catalog-orphan", shown, 0, f"no document {docname!r} in source/ any more; the catalog is kept",
                      "move its translations to the renamed document's catalog, or delete the file")
