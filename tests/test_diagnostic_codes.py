"""One table of diagnostic codes: every code any module of scripts/ can emit is in it, and
CONTRIBUTING.md documents every code in it.

The emitted codes are found by reading the source (AST), where the pipeline writes them:
the code argument of `Diagnostic(...)`, `diagnostic(...)`, `PoSyntaxError(...)` and of the local
reporting helpers, `subtype=` of a Sphinx warning, `code = "..."` assignments, `(line, "code",
message)` tuples, the keys of a `CODES` dict, and `path: [code] message` text written by hand.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from scripts.diagnostic_codes import CODES, SEVERITIES, severity

REPO = Path(__file__).resolve().parent.parent
SCRIPTS = REPO / "scripts"
CODE_RE = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
# `path: [code] message`, written by hand in a string or an f-string
TEXT_CODE_RE = re.compile(r"(?:^|:\s)\[([a-z][a-z0-9]*(?:-[a-z0-9]+)+)\]\s")
# callee name -> index of its code argument
EMITTERS = {"Diagnostic": 2, "PoSyntaxError": 3, "diagnostic": 0, "problem": 1, "report": 1, "warn": 1,
            "record_problem": 2, "_differs": 2, "reject": 1}


def _callee(node: ast.Call) -> str:
    func = node.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def _strings(node: ast.AST | None) -> list[str]:
    """The string constants an expression can evaluate to (a constant, or either arm of `a if c else b`)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _strings(node.body) + _strings(node.orelse)
    if isinstance(node, ast.BoolOp):
        return [s for value in node.values for s in _strings(value)]
    return []


def codes_in(source: str) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            name = _callee(node)
            if name in EMITTERS and len(node.args) > EMITTERS[name]:
                found.update(_strings(node.args[EMITTERS[name]]))
            for keyword in node.keywords:
                if keyword.arg in ("code", "subtype") and (name in EMITTERS or keyword.arg == "subtype"):
                    found.update(_strings(keyword.value))
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name) and target.id in ("code", "CODE"):
                    found.update(_strings(node.value))
                elif isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple):
                    for left, right in zip(target.elts, node.value.elts, strict=False):
                        if isinstance(left, ast.Name) and left.id == "code":
                            found.update(_strings(right))
                elif isinstance(target, ast.Name) and target.id == "CODES" and isinstance(node.value, ast.Dict):
                    found.update(s for key in node.value.keys for s in _strings(key))
        elif isinstance(node, ast.Tuple) and len(node.elts) == 2 and isinstance(node.elts[0], ast.Call):
            if _callee(node.elts[0]) == "compile":  # (re.compile(gettext's message), "code")
                found.update(_strings(node.elts[1]))
        elif isinstance(node, ast.Tuple) and len(node.elts) in (3, 4):
            first, second, third = node.elts[:3]
            if not _strings(first) and isinstance(third, ast.Constant | ast.JoinedStr):
                found.update(_strings(second))
        elif isinstance(node, ast.Return) and isinstance(node.value, ast.Tuple) and node.value.elts:
            # a checker that returns (code, message, hint) for its caller to place
            found.update(s for s in _strings(node.value.elts[0]) if "-" in s)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            found.update(TEXT_CODE_RE.findall(node.value))
    return {code for code in found if CODE_RE.match(code)}


def emitted_codes() -> dict[str, set[str]]:
    """code -> the modules of scripts/ that emit it."""
    where: dict[str, set[str]] = {}
    for path in sorted(SCRIPTS.rglob("*.py")):
        if path.name == "diagnostic_codes.py":
            continue
        for code in codes_in(path.read_text(encoding="utf-8")):
            where.setdefault(code, set()).add(path.relative_to(REPO).as_posix())
    return where


def test_the_collector_finds_each_way_a_code_is_written() -> None:
    source = '''
Diagnostic(shown, 0, "a-one", "m")
raise PoSyntaxError(1, "m", "h", "a-two")
problem(line, "a-three", "m", "h")
logger.warning("x", type="policy", subtype="a-four")
code = "a-five" if x else "a-six"
code, hint = "a-seven", "h"
code = match.group(1) or ("a-eleven" if warning else "a-twelve")
MAP = ((re.compile("gettext says"), "a-thirteen"),)
problems.append((pos[0], "a-eight", f"m {x}"))
print(f"{path}: [a-nine] something")
CODES = {"a-ten": "m"}
SYSTEM = ("what", "not-a-code", check)
print("a [data-tag] selector and a-b-c text")
'''
    assert codes_in(source) == {f"a-{n}" for n in ("one", "two", "three", "four", "five", "six", "seven",
                                                   "eight", "nine", "ten", "eleven", "twelve", "thirteen")}


def test_every_emitted_code_is_in_the_registry() -> None:
    missing = {code: sorted(modules) for code, modules in emitted_codes().items() if code not in CODES}
    assert missing == {}, "add these codes to scripts/diagnostic_codes.py (and CONTRIBUTING.md)"


def test_every_registered_code_is_emitted_somewhere() -> None:
    emitted = emitted_codes()
    assert sorted(set(CODES) - set(emitted)) == []


@pytest.mark.parametrize("name", sorted(CODES))
def test_every_code_is_complete_and_documented(name: str) -> None:
    row = CODES[name]
    assert row.name == name and row.meaning and row.fix and row.reporter and row.severity in SEVERITIES
    guide = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
    spanish, english = guide.split("## English", 1)
    assert f"`{name}`" in spanish, f"{name} is not in the Spanish table of CONTRIBUTING.md"
    assert f"`{name}`" in english, f"{name} is not in the English section of CONTRIBUTING.md"


def test_severity_of_a_code_is_its_one_definition() -> None:
    assert severity("po-wrap") == "warning" and severity("catalog-orphan") == "warning"
    assert severity("po-syntax") == "error" and severity("source-rest") == "info"
    assert severity("ref.ref") == "error"  # Sphinx's own types fail the build, as -W makes them
