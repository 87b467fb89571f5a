"""The format table (scripts/formats.py) is the only place that lists output formats."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from scripts import formats

REPO = Path(__file__).resolve().parent.parent
NAMES = {fmt.name for fmt in formats.TABLE} | {fmt.builder for fmt in formats.TABLE} | {"docx", "odt"}
JOINED = re.compile(r"\b(" + "|".join(sorted(NAMES)) + r")\s*[,|/]\s*(" + "|".join(sorted(NAMES)) + r")\b")


def stray_lists(path: Path, root: Path = REPO) -> list[str]:
    """Literal tuples, lists, sets and dicts naming two formats or more, and strings joining them."""
    found = []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        items: list[ast.expr | None] = []
        if isinstance(node, ast.Tuple | ast.List | ast.Set):
            items = list(node.elts)
        elif isinstance(node, ast.Dict):
            items = list(node.keys)
        named = {i.value for i in items if isinstance(i, ast.Constant) and isinstance(i.value, str)} & NAMES
        if len(named) >= 2:
            found.append(f"{path.relative_to(root)}:{node.lineno}: {sorted(named)}")
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and JOINED.search(node.value):
            found.append(f"{path.relative_to(root)}:{node.lineno}: {node.value[:60]!r}")
    return found


# Modules whose names merely coincide with formats: system_deps.py maps make targets, which follow
# Sphinx's Makefile (`make html`, `make epub`), to Debian packages; it runs before any venv exists.
NOT_FORMAT_LISTS = {"system_deps.py"}


def test_no_module_lists_formats_but_the_table() -> None:
    table = REPO / "scripts" / "formats.py"
    modules = [p for d in ("scripts", "benchmarks") for p in sorted((REPO / d).rglob("*.py"))
               if p != table and p.name not in NOT_FORMAT_LISTS]
    found = [line for path in modules for line in stray_lists(path)]
    assert not found, "formats listed outside scripts/formats.py:\n" + "\n".join(found)


def test_the_grep_finds_a_stray_list(tmp_path: Path) -> None:
    module = tmp_path / "stray.py"
    module.write_text('FORMATS = ("html", "epub", "pdf")\nHELP = "html,epub"\n', encoding="utf-8")
    assert len(stray_lists(module, tmp_path)) == 2


@pytest.mark.parametrize("fmt", formats.TABLE, ids=lambda f: f.name)
def test_every_row_names_a_producer_that_exists(fmt: formats.OutputFormat) -> None:
    assert callable(fmt.produce())
    assert fmt.published == bool(fmt.suffix)


def test_build_order_and_downloads_follow_the_rank() -> None:
    assert [f.name for f in formats.build_order(list(formats.NAMES))][0] == formats.SITE
    assert [f.name for f in formats.published(adoption=True)] == [f.name for f in formats.build_order(formats.NAMES)
                                                                   if f.published]
    # the model publishes no editable edition; an adoption does (scripts/formats.py says why)
    assert [f.name for f in formats.published(adoption=False)] == [f.name for f in formats.published(adoption=True)
                                                                    if not f.adoption_only]
    assert "docx" in formats.for_edition(adoption=True) and "docx" not in formats.for_edition(adoption=False)
    assert formats.in_table_order(["pdf", "html", "nope"]) == ["html", "pdf"]
