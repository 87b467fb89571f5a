"""Where GNU gettext may break a line inside a PO string, so our files wrap exactly like msgcat's.

Poedit, Weblate and msgmerge/msgcat all write catalogs through GNU gettext's wrapping, which
breaks lines at the opportunities of Unicode's line-breaking algorithm (UAX #14) as implemented
by libunistring, and measures columns with its character widths. A writer that only broke at
spaces would re-wrap every long paragraph that contains a hyphen, a slash or a « quote », and a
translator's pull request would then show lines they never touched.

The character classes and the pair table come from libunistring 1.0 (the library msgcat 0.21
links on Debian 12); `python -m scripts.linebreak` regenerates scripts/linebreak_tables.py from
the installed library. The algorithm below mirrors libunistring's u8_possible_linebreaks and
u8_width_linebreaks for a UTF-8, non-CJK encoding.
"""

from __future__ import annotations

import bisect
import re
import sys
from functools import lru_cache
from pathlib import Path

from scripts import linebreak_tables as _tables

# Results per character: may the line break *before* this character? (libunistring's values)
UNDEFINED = 0  # only in overrides: "decide by the algorithm"
PROHIBITED = 1
POSSIBLE = 2
MANDATORY = 3

# Line-breaking classes, numbered as in libunistring (lbrktables.h).
WJ, GL, B2, BA, BB, HY, CL, CP1, CP2, EX, IN, NS, OP1, OP2, QU, IS, NU, PO, PR, SY = range(20)
AL, H2, H3, ID1, ID2, JL, JV, JT, HL, RI, ZWJ, EB, EM = range(20, 33)
BK, CR, LF, CM, ZW, SP = 33, 34, 35, 36, 37, 38
HL_BA = 100  # artificial: a Hebrew letter followed by a hyphen or BA

_D, _I, _P = 1, 2, 3
_PAIRS = _tables.PAIRS


@lru_cache(maxsize=4096)
def line_class(ch: str) -> int:
    """The (resolved) line-breaking class of one character."""
    code = ord(ch)
    if code < 128:
        return _tables.ASCII_CLASSES[code]
    return _tables.CLASS_VALUES[bisect.bisect_right(_tables.CLASS_STARTS, code) - 1]


@lru_cache(maxsize=4096)
def char_width(ch: str) -> int:
    """Columns the character occupies: 0 (combining), 1, 2 (East Asian wide), -1 (control)."""
    code = ord(ch)
    if 0x20 <= code < 0x7F:
        return 1
    return _tables.WIDTH_VALUES[bisect.bisect_right(_tables.WIDTH_STARTS, code) - 1]


def is_plain(text: str) -> bool:
    """Every character one column wide (no combining, wide or control character)."""
    return _odd_width_re().search(text) is None


def text_width(text: str) -> int:
    if _odd_width_re().search(text) is None:
        return len(text)
    return sum(w for w in map(char_width, text) if w > 0)


def _bmp_set(starts: tuple[int, ...], values: tuple[int, ...], keep: object) -> str:
    """A regex character class body for the BMP code points whose value satisfies `keep`.

    Only the BMP: there the regex engine compiles the class to a bitmap; with astral ranges it
    would test every range in turn. Astral characters simply take the slow path.
    """
    parts = []
    for i, value in enumerate(values):
        first = starts[i]
        if first > 0xFFFF:
            break
        if keep(value):  # type: ignore[operator]
            last = min(starts[i + 1] - 1 if i + 1 < len(starts) else 0x10FFFF, 0xFFFF)
            parts.append(f"{re.escape(chr(first))}-{re.escape(chr(last))}")
    return "".join(parts)


def _class_set(*wanted: int) -> str:
    return _bmp_set(_tables.CLASS_STARTS, _tables.CLASS_VALUES, lambda v: v in wanted)


@lru_cache(maxsize=1)
def _unit_re() -> re.Pattern[str]:
    # A unit is an alphabetic character followed by alphabetic characters and combining marks, a
    # run of spaces, or any other single character. No break can fall inside a unit (AL x AL is
    # prohibited, X CM is X, SP x SP), so the algorithm steps over words instead of characters.
    return re.compile(f"[{_class_set(AL)}][{_class_set(AL, CM)}]*| +|.", re.DOTALL)


@lru_cache(maxsize=1)
def _odd_width_re() -> re.Pattern[str]:
    """Characters whose width is not 1 (combining, wide, control)."""
    odd = _bmp_set(_tables.WIDTH_STARTS, _tables.WIDTH_VALUES, lambda v: v != 1)
    return re.compile(f"[{odd}\U00010000-\U0010FFFF]")


_CLASS_CACHE: dict[str, int] = {}


def _breaks(text: str, width: int, start_column: int, overrides: list[int] | None) -> list[int]:
    """UAX #14 as libunistring applies it, then its greedy choice of breaks for `width`."""
    units = _unit_re().findall(text)
    result = [PROHIBITED] * len(text)
    odd = _odd_width_re().search(text) is not None
    classes = _CLASS_CACHE
    prev_prop = BK      # class of the previous character
    last_prop = BK      # class of the last character that is not a space
    seen_space = False  # a space since the last non-space character
    ri_count = 0
    last_p = -1
    last_column = start_column
    piece_width = 0
    pos = 0
    for unit in units:
        first = unit[0]
        prop = classes.get(first)
        if prop is None:
            prop = classes[first] = line_class(first)
        here = PROHIBITED
        if prop == AL and last_prop == AL and not seen_space and prev_prop != ZWJ:
            prev_prop = AL  # the common case: a word after a word character
        elif prop in (BK, LF, CR):
            here = MANDATORY
            prev_prop = prop
            last_prop = BK
            seen_space = False
        else:
            if prop == SP:
                seen_space = True
            elif prop == ZW:
                last_prop = ZW
                seen_space = False
            elif prop in (CM, ZWJ):
                if last_prop == BK:
                    last_prop = AL
                    seen_space = False
                elif last_prop == ZW or seen_space:
                    here = POSSIBLE
                    last_prop = AL
                    seen_space = False
            else:
                if last_prop == BK or prev_prop == ZWJ:
                    pass
                elif last_prop == ZW:
                    here = POSSIBLE
                elif last_prop == RI and prop == RI:
                    if seen_space or ri_count % 2 == 0:
                        here = POSSIBLE
                elif prev_prop == HL_BA:
                    pass
                else:
                    rule = _PAIRS[last_prop][prop]
                    if rule == _D or (rule == _I and seen_space):
                        here = POSSIBLE
                last_prop = prop
                seen_space = False
            prev_prop = HL_BA if (prev_prop == HL and prop in (HY, BA)) else prop
        ri_count = ri_count + 1 if prop == RI else 0
        if overrides is not None and overrides[pos] != UNDEFINED:
            here = overrides[pos]
        if here != PROHIBITED and last_p >= 0 and last_column + piece_width > width:
            result[last_p] = POSSIBLE
            last_column = 0
        if here == MANDATORY:
            result[pos] = MANDATORY
            last_p = -1
            last_column = 0
            piece_width = 0
        else:
            if here == POSSIBLE:
                last_p = pos
                last_column += piece_width
                piece_width = 0
            piece_width += text_width(unit) if odd else len(unit)
        pos += len(unit)
    if last_p >= 0 and last_column + piece_width > width:
        result[last_p] = POSSIBLE
    return result


def width_breaks(text: str, width: int, start_column: int, overrides: list[int] | None = None) -> list[int]:
    """Breaks that keep every line of `text` within `width` columns, as libunistring chooses them.

    Returns, per character, POSSIBLE where a line break is to be inserted before it (MANDATORY
    where the text itself breaks, PROHIBITED elsewhere). The first line starts at
    `start_column`; a piece too long for any line is left overlong.
    """
    return _breaks(text, width, start_column, overrides)


def _regenerate(target: Path) -> None:
    """Write linebreak_tables.py from the installed libunistring (a maintainer's tool)."""
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("unistring") or "libunistring.so.2"
    lib = ctypes.CDLL(name)
    base = ctypes.addressof(ctypes.c_char.in_dll(lib, "libunistring_unilbrkprop"))
    level1 = (ctypes.c_int * 15).from_address(base)
    n2 = max(level1) // 512 + 1
    level2 = (ctypes.c_int * (n2 * 512)).from_address(base + 60)
    n3 = max(level2) // 128 + 1
    level3 = (ctypes.c_ubyte * (n3 * 128)).from_address(base + 60 + n2 * 512 * 4)

    def raw_class(code: int) -> int:
        index1 = code >> 16
        if index1 < 15 and level1[index1] >= 0:
            index2 = level2[level1[index1] + ((code >> 7) & 511)]
            if index2 >= 0:
                return level3[index2 + (code & 127)]
        return 42

    # Resolved as libunistring does for a non-CJK encoding: AI, SA, XX -> AL; CB -> ID1.
    resolve = {40: AL, 41: AL, 42: AL, 39: ID1}
    classes = [resolve.get(c, c) for c in map(raw_class, range(0x110000))]
    lib.uc_width.argtypes = [ctypes.c_uint32, ctypes.c_char_p]
    widths = [lib.uc_width(code, b"UTF-8") for code in range(0x110000)]
    table = ctypes.addressof(ctypes.c_char.in_dll(lib, "libunistring_unilbrk_table"))
    pairs = (ctypes.c_ubyte * (33 * 33)).from_address(table)

    def runs(values: list[int]) -> tuple[list[int], list[int]]:
        starts, kinds = [0], [values[0]]
        for code in range(1, len(values)):
            if values[code] != values[code - 1]:
                starts.append(code)
                kinds.append(values[code])
        return starts, kinds

    def wrap_ints(name: str, numbers: list[int]) -> str:
        lines, line = [], ""
        for number in numbers:
            item = f"{number},"
            if len(line) + len(item) > 98:
                lines.append(line)
                line = ""
            line += item
        lines.append(line)
        return f"{name} = (\n" + "\n".join(lines) + "\n)\n"

    class_starts, class_values = runs(classes)
    width_starts, width_values = runs(widths)
    pair_rows = ",\n".join("    (" + ", ".join(str(pairs[r * 33 + c]) for c in range(33)) + ")" for r in range(33))
    target.write_text(
        '"""Generated by `python -m scripts.linebreak` from libunistring; do not edit."""\n\n'
        + wrap_ints("ASCII_CLASSES", classes[:128])
        + wrap_ints("CLASS_STARTS", class_starts)
        + wrap_ints("CLASS_VALUES", class_values)
        + wrap_ints("WIDTH_STARTS", width_starts)
        + wrap_ints("WIDTH_VALUES", width_values)
        + "PAIRS = (\n" + pair_rows + ",\n)\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    _regenerate(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("linebreak_tables.py"))
