"""Figures next to their targets: the printed table and the JSON file."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any


@dataclass
class Measure:
    """One figure of the table. `passed` is None where there is no target or nothing was measured."""

    key: str
    label: str
    shown: str                    # the figure as printed ("41.2 s (CPU 60.3 s)")
    value: float | None = None    # the number compared with the target
    unit: str = ""
    target: float | None = None
    target_text: str = ""         # the target as printed ("≤ 0.5x")
    passed: bool | None = None
    note: str = ""

    @property
    def verdict(self) -> str:
        if self.passed is None:
            return "n/a" if self.target_text and self.value is None else ""
        return "PASS" if self.passed else "MISS"


def at_most(key: str, label: str, value: float | None, target: float, unit: str, shown: str | None = None,
            note: str = "") -> Measure:
    """A figure whose target is an upper bound."""
    if shown is None:
        shown = "not measured" if value is None else f"{value:.2f}{unit}" if unit == "x" else f"{value:.2f} {unit}"
    target_text = f"≤ {target:g}{unit}" if unit == "x" else f"≤ {target:g} {unit}"
    passed = None if value is None else value <= target
    return Measure(key, label, shown, value, unit, target, target_text, passed, note)


def info(key: str, label: str, shown: str, value: float | None = None, unit: str = "", note: str = "") -> Measure:
    """A figure printed for context, with no target."""
    return Measure(key, label, shown, value, unit, note=note)


def _wrap(text: str, width: int) -> list[str]:
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return [*lines, line] if line else lines or [""]


def table(measures: list[Measure]) -> str:
    """A plain-text table: measure | measured | target | result, notes wrapped under their row."""
    label_w = max(len("measure"), *(len(m.label) for m in measures))
    shown_w = min(44, max(len("measured"), *(len(m.shown) for m in measures)))
    target_w = max(len("target"), *(len(m.target_text) for m in measures))
    rule = f"{'-' * label_w}-+-{'-' * shown_w}-+-{'-' * target_w}-+-------"
    lines = [f"{'measure':<{label_w}} | {'measured':<{shown_w}} | {'target':<{target_w}} | result", rule]
    for m in measures:
        shown = _wrap(m.shown, shown_w)
        lines.append(f"{m.label:<{label_w}} | {shown[0]:<{shown_w}} | {m.target_text:<{target_w}} | {m.verdict}")
        for more in shown[1:]:
            lines.append(f"{'':<{label_w}} | {more:<{shown_w}} | {'':<{target_w}} |")
        if m.note:
            for part in _wrap(m.note, label_w + shown_w + target_w + 4):
                lines.append(f"    ↳ {part}")
    return "\n".join(lines)


def write_json(path: Path, results: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = dict(results)
    data["measures"] = [{**asdict(m), "verdict": m.verdict} for m in results["measures"]]
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
