"""The writer keeps format directives whole, exactly as msgcat does, for every format gettext knows."""

from __future__ import annotations

import random
import subprocess
from pathlib import Path

import pytest

from scripts import pofile
from scripts.po_formats import FORMAT_NAMES, PARSERS, directive_mask
from scripts.pofile import Catalog, Entry

HEADER = Entry(msgid="", msgstr="Content-Type: text/plain; charset=UTF-8\n")

# Directive-like pieces of many formats (and near misses). Left out: "${x}" with python-brace
# and some "%." forms with object-pascal, on which gettext 0.21's msgcat itself truncates the
# string or aborts (its bugs, not a wrapping rule).
PIECES = [
    "10% de", "100% compliant", "%-style", "% d", "%s", "%(name)s", "%(a b)s", "%5.2f", "%-5s", "%1$s", "%2$d",
    "% %", "%%", "50% más", "%m", "%<PRId64>", "%ld", "%lf", "%hhd", "% -d", "%'d", "%#x", "%*d",
    "{0}", "{name}", "{0, number}", "$var", "%1", "~A", "~ A", "%l1", "%|1$s|", "%1%", "{x: >5}",
    "%L1", "%<b>", "%{x}", "%n", "%@", "%-10s", "% s", "%+d", "%i", "%q", "%Z", "otra-cosa", "a/b",
    "%<a b%>", "%qs", "%<a>s", "%{a b}", "%vd", "% vd", "%tY", "%<s", "%0:s", "%.5s", "%' x", "% 5d",
    "%- d", "%+ d", "%C", "%L", "%lu", "%9", "%0", "%|-5d|", "%j", "%b", "%_", "%D", "%U", "%1$- d",
    "%-", "% ", "%(", "\n",
]
WORDS = ["datos", "abiertos", "x", "conjunto", "de", "la"]


def _text(rng: random.Random) -> str:
    words: list[str] = []
    while sum(map(len, words)) < rng.randint(30, 260):
        words.append(rng.choice(PIECES) if rng.random() < 0.4 else rng.choice(WORDS) + "a" * rng.randint(0, 9))
    return rng.choice([" ", "", "  "]).join(words)


def _msgcat(path: Path) -> str:
    done = subprocess.run(["msgcat", str(path)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize("name", FORMAT_NAMES)
def test_every_format_flag_wraps_like_msgcat(tmp_path: Path, name: str) -> None:
    rng = random.Random(name)
    catalog = Catalog(header=HEADER)
    seen: set[str] = set()
    for _ in range(150):
        msgid = _text(rng)
        if msgid in seen:
            continue
        seen.add(msgid)
        flag = f"{name}-format" if rng.random() < 0.8 else f"possible-{name}-format"
        entry = Entry(msgid=msgid, msgstr=_text(rng), flags=[flag])
        if rng.random() < 0.2:
            entry.flags.insert(0, "fuzzy")
            entry.previous_msgid = _text(rng)
        catalog.entries.append(entry)
    path = tmp_path / f"{name}.po"
    text = pofile.dumps(catalog)
    path.write_text(text, encoding="utf-8")
    assert _msgcat(path) == text


@pytest.mark.parametrize("directive", ["10% de", "100% compliant", "%-style", "%(name)s", "% 5d"])
@pytest.mark.parametrize("shift", range(-3, 4))
def test_python_format_at_the_wrap_boundary(tmp_path: Path, directive: str, shift: int) -> None:
    """The directive straddles column 79 in every position: msgcat never splits it; nor do we."""
    lead = "a " * ((74 - len(directive) + shift) // 2)
    msgid = f"{lead}{directive} y más texto después para que la línea se parta"
    catalog = Catalog(header=HEADER, entries=[Entry(msgid=msgid, msgstr=msgid, flags=["python-format"])])
    text = pofile.dumps(catalog)
    path = tmp_path / "boundary.po"
    path.write_text(text, encoding="utf-8")
    assert _msgcat(path) == text
    lines = [line for line in text.split("\n") if line.startswith('"')]
    core = directive.split()[0] if directive != "% 5d" else "% 5d"
    assert any(core in line for line in lines)  # the directive itself is on one line


def test_unflagged_and_no_format_strings_are_not_parsed() -> None:
    assert directive_mask(("no-python-format",), "10% de", False) is None
    assert directive_mask((), "10% de", False) is None
    assert directive_mask(("python-format",), "10% de", False) == [False, False, False, True, True, False]
    assert directive_mask(("python-format",), "50% más", False) is None  # invalid: not protected


def test_the_first_format_in_gettexts_order_decides() -> None:
    # c comes before python in gettext's list: "%(x)s" is invalid C, so nothing is protected
    assert directive_mask(("python-format", "c-format"), "%(a b)s", False) is None
    assert directive_mask(("python-format",), "%(a b)s", False) == [False] + [True] * 6


def test_every_parser_named_is_a_format_gettext_knows() -> None:
    assert set(PARSERS) <= set(FORMAT_NAMES)
