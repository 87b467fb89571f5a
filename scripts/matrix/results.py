"""What a build reports: per format, per edition, and the summary a person reads.

Problems stay `Diagnostic` objects from the worker to the final summary; only the worker's
result file (build/logs/<tag>.result.json, which crosses the process boundary) carries them as
data, beside their printed lines for whoever reads the file.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from scripts.diagnostics import Diagnostic
from scripts.formats import for_edition


@dataclass
class FormatResult:
    format: str
    status: str  # "built", "skipped", "failed"
    seconds: float = 0.0
    output: str = ""
    problems: list[Diagnostic] = field(default_factory=list)
    details: list[str] = field(default_factory=list)  # what a tool printed, shown after the problems

    @property
    def lines(self) -> list[str]:
        return [*(str(d) for d in self.problems), *self.details]

    def as_dict(self) -> dict[str, Any]:
        return {"format": self.format, "status": self.status, "seconds": self.seconds, "output": self.output,
                "problems": self.lines, "diagnostics": [asdict(d) for d in self.problems],
                "details": self.details}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FormatResult:
        return cls(data["format"], data["status"], data["seconds"], data["output"],
                   [Diagnostic(**d) for d in data["diagnostics"]], list(data["details"]))


@dataclass
class EditionResult:
    tag: str
    formats: list[FormatResult] = field(default_factory=list)
    seconds: float = 0.0
    log: str = ""

    @property
    def failed(self) -> bool:
        return any(f.status == "failed" for f in self.formats)

    def as_dict(self) -> dict[str, Any]:
        return {"tag": self.tag, "formats": [f.as_dict() for f in self.formats], "seconds": self.seconds,
                "log": self.log}

    @classmethod
    def from_dict(cls, data: dict[str, Any], log: str = "") -> EditionResult:
        return cls(data["tag"], [FormatResult.from_dict(f) for f in data["formats"]], data["seconds"],
                   log or data.get("log", ""))


@dataclass
class BuildOptions:
    formats: tuple[str, ...] = field(default_factory=for_edition)  # the model's, or an adoption's
    tags: tuple[str, ...] = ()
    jobs: int = 0
    force: bool = False
    outdir: Path | None = None  # where the HTML editions go (default: the site)
    # The worker's xelatex gets a core of its own: formats.build_order(background_first=True).
    background_first: bool = False


def summarize(results: list[EditionResult]) -> tuple[str, bool]:
    lines = []
    ok = True
    for res in results:
        cells = ", ".join(f"{f.format} {f.status}" + (f" {f.seconds:.1f}s" if f.status == "built" else "")
                          for f in res.formats)
        lines.append(f"  {res.tag:<6} {cells}")
        for f in res.formats:
            if f.status == "failed":
                ok = False
                lines.append(f"    {res.tag} {f.format} FAILED (log: {res.log})")
                lines.extend(f"      {p}" for p in f.lines[:25])
    failed = [f"{r.tag}/{f.format}" for r in results for f in r.formats if f.status == "failed"]
    lines.append("all editions built" if ok else f"FAILED: {', '.join(failed)}")
    return "\n".join(lines), ok
