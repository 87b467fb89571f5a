"""Where the format directives of a `#, X-format` string are, so the writer never breaks inside one.

GNU gettext's write-po.c `wrap()` parses a string with the parser of the first format its flags
name (`X-format` or `possible-X-format`, in gettext's own order of formats) and forbids a line
break before every character of a *valid* directive except its first: "10% de" in a
python-format string holds the directive "% d", so msgcat never breaks between "%" and "d". An
invalid directive (FMTDIR_ERROR) is not protected, and the parser stops at the first error.

Each function below mirrors one of gettext 0.21's `format-*.c` parsers, as far as the extent of
its directives goes (argument types and counts, which only `msgfmt -c` needs, are not kept).
Brace-style formats (python-brace, perl-brace, csharp, java's MessageFormat...) are not parsed:
UAX #14 allows no break after "{" or before "}", so marking them changes no line; a format
without a parser here is written as if unflagged. tests/test_po_formats.py compares the result
with the installed msgcat for every flag, at the wrap boundary.
"""

from __future__ import annotations

from collections.abc import Callable

# The format flags GNU gettext 0.21 knows, in the order msgcat writes them; others are kept
# after them (msgcat would drop them; we never drop what a person wrote).
FORMAT_NAMES = (
    "c", "objc", "python", "python-brace", "java", "java-printf", "csharp", "javascript", "scheme",
    "lisp", "elisp", "librep", "ruby", "sh", "awk", "lua", "object-pascal", "smalltalk", "qt",
    "qt-plural", "kde", "kde-kuit", "boost", "tcl", "perl", "perl-brace", "php", "gcc-internal",
    "gfc-internal", "ycp",
)
# A parser returns the (start, end) index pairs, end inclusive, of the valid directives.
Spans = list[tuple[int, int]]


def _digits(s: str, i: int) -> int:
    while i < len(s) and "0" <= s[i] <= "9":
        i += 1
    return i


def _at(s: str, i: int) -> str:
    return s[i] if i < len(s) else ""


def _numbered(s: str, i: int) -> tuple[int, int | None]:
    """(index after `N$`, N) if an argument number starts at i, else (i, None)."""
    j = _digits(s, i)
    if j > i and _at(s, j) == "$":
        return j + 1, int(s[i:j])
    return i, None


def c_spans(s: str, translated: bool = False, objc: bool = False) -> Spans:
    """format-c-parse.h: %[N$][flags][width][.prec][size]conv, %<PRIdN> and %%."""
    spans: Spans = []
    numbered = unnumbered = False
    i, n = 0, len(s)
    while i < n:
        if s[i] != "%":
            i += 1
            continue
        start = i
        i += 1
        i, number = _numbered(s, i)
        if number == 0:
            return spans
        while _at(s, i) in (" ", "+", "-", "#", "0", "'") or (translated and _at(s, i) == "I"):
            i += 1
        for part in ("width", "precision"):
            if part == "precision":
                if _at(s, i) != ".":
                    break
                i += 1
            if _at(s, i) == "*":
                i += 1
                i, arg = _numbered(s, i)
                if arg == 0:
                    return spans
                if arg:
                    if unnumbered:
                        return spans
                    numbered = True
                else:
                    if numbered:
                        return spans
                    unnumbered = True
            else:
                i = _digits(s, i)
        if _at(s, i) == "<":
            end = s.find(">", i)
            macro = s[i + 1:end] if end > 0 else ""
            if not _c99_macro(macro):
                return spans
            i = end
            has_argument = conversion_ok = True
        else:
            for candidate in ("hh", "ll", "h", "l", "L", "q", "j", "z", "Z", "t"):
                if s.startswith(candidate, i):
                    i += len(candidate)
                    break
            conversion = _at(s, i)
            has_argument = conversion not in ("%", "m")
            # gettext 0.21 accepts any size with any conversion ("%lf", "%hs"); 0.22 does not.
            conversion_ok = bool(conversion) and (conversion in "%mcCsSdiuoxXeEfFgGaApn"
                                                  or (objc and conversion == "@"))
        if not conversion_ok:
            return spans
        if has_argument:
            if number:
                if unnumbered:
                    return spans
                numbered = True
            else:
                if numbered:
                    return spans
                unnumbered = True
        spans.append((start, i))
        i += 1
    return spans


def _c99_macro(macro: str) -> bool:
    if not macro.startswith("PRI") or len(macro) < 4 or macro[3] not in "diouxX":
        return False
    rest = macro[4:]
    for prefix in ("LEAST", "FAST", ""):
        if rest.startswith(prefix) and rest[len(prefix):] in ("8", "16", "32", "64"):
            return True
    return rest in ("MAX", "PTR")


def python_spans(s: str, translated: bool = False) -> Spans:
    """format-python.c: %[(name)][flags][width][.prec][hlL]conv and %%."""
    spans: Spans = []
    named = unnamed = False
    i, n = 0, len(s)
    while i < n:
        if s[i] != "%":
            i += 1
            continue
        start = i
        i += 1
        name = None
        if _at(s, i) == "(":
            depth, i = 0, i + 1
            name_start = i
            while i < n:
                if s[i] == "(":
                    depth += 1
                elif s[i] == ")":
                    if depth == 0:
                        break
                    depth -= 1
                i += 1
            if i >= n:
                return spans
            name = s[name_start:i]
            i += 1
        while _at(s, i) in ("-", "+", " ", "#", "0") and i < n:
            i += 1
        for part in ("width", "precision"):
            if part == "precision":
                if _at(s, i) != ".":
                    break
                i += 1
            if _at(s, i) == "*":
                i += 1
                if named:
                    return spans
                unnamed = True
            else:
                i = _digits(s, i)
        if _at(s, i) in ("h", "l", "L") and i < n:
            i += 1
        conversion = _at(s, i)
        if not conversion or conversion not in "%csrdiuoxXeEfgG":
            return spans
        if name is not None:
            if unnamed:
                return spans
            named = True
        elif conversion != "%":
            if named:
                return spans
            unnamed = True
        spans.append((start, i))
        i += 1
    return spans


def _printf(s: str, *, flags: str = "", conversions: str, percent_direct: bool = False,
            numbered: str = "", star: str = "", sizes: tuple[str, ...] = (), quote: bool = False,
            precision_digit: bool = False, exclusive: bool = False, fold_case: bool = False,
            max_flags: int = 1 << 30) -> Spans:
    """The printf-like parsers of gettext (awk, tcl, elisp, librep, php, lua, pascal...).

    numbered: "strict" (`N$`, N=0 an error), "lenient" (`N$` only if N>0), "pascal" (`N:`);
    star: "numbered" (`*` or `*N$`), "simple" (`*`); exclusive: numbered and unnumbered
    arguments may not mix; percent_direct: `%%` only right after the `%`.
    """
    spans: Spans = []
    seen_numbered = seen_unnumbered = False

    def mix(is_numbered: bool) -> bool:
        """Record an argument; False if it mixes numbered and unnumbered (an error)."""
        nonlocal seen_numbered, seen_unnumbered
        if not exclusive:
            return True
        if (is_numbered and seen_unnumbered) or (not is_numbered and seen_numbered):
            return False
        seen_numbered |= is_numbered
        seen_unnumbered |= not is_numbered
        return True

    i, n = 0, len(s)
    while i < n:
        if s[i] != "%":
            i += 1
            continue
        start = i
        i += 1
        if percent_direct and _at(s, i) == "%":
            spans.append((start, i))
            i += 1
            continue
        number: int | None = None
        if numbered in ("strict", "lenient"):
            j = _digits(s, i)
            if j > i and _at(s, j) == "$":
                number = int(s[i:j])
                if number == 0 and numbered == "strict":
                    return spans
                if number > 0:
                    i = j + 1
                else:
                    number = None
        elif numbered == "pascal":
            j = _digits(s, i)
            if _at(s, j) == ":":
                number, i = 0, j + 1
            elif _at(s, i) == "*" and _at(s, i + 1) == ":":
                i += 2
        taken = 0
        while _at(s, i) and _at(s, i) in flags and taken < max_flags:
            taken += 1
            if quote and s[i] == "'":
                i += 1
                if i >= n:
                    return spans
            i += 1
        for part in ("width", "precision"):
            if part == "precision":
                if _at(s, i) != ".":
                    break
                i += 1
            if star and _at(s, i) == "*":
                i += 1
                arg = None
                if star == "numbered":
                    i, arg = _numbered(s, i)
                    if arg == 0:
                        return spans
                if not mix(bool(arg)):
                    return spans
            elif "0" <= _at(s, i) <= "9" and _at(s, i):
                i = _digits(s, i)
            elif part == "precision" and precision_digit:
                return spans
        for size in sizes:
            if s.startswith(size, i):
                i += len(size)
                break
        conversion = _at(s, i)
        if fold_case:
            conversion = conversion.lower()
        if not conversion or conversion not in conversions:
            return spans
        if conversion != "%" and not mix(number is not None):
            return spans
        spans.append((start, i))
        i += 1
    return spans


PARSERS: dict[str, Callable[[str, bool], Spans]] = {
    "c": c_spans,
    "objc": lambda s, translated: c_spans(s, translated, objc=True),
    "python": python_spans,
    "awk": lambda s, _t: _printf(s, flags=" +-#0", conversions="%csdiuoxXeEfgG", numbered="strict",
                                 star="numbered", exclusive=True),
    "tcl": lambda s, _t: _printf(s, flags=" +-#0", conversions="csdiuoxXeEfgG", percent_direct=True,
                                 numbered="strict", star="simple", sizes=("h", "l"), exclusive=True),
    "elisp": lambda s, _t: _printf(s, flags=" +-#0", conversions="%cdixXoeEfgGsS", numbered="lenient",
                                   star="simple"),
    "librep": lambda s, _t: _printf(s, flags="-^0+ ", conversions="%cdxXosS", numbered="lenient"),
    "php": lambda s, _t: _printf(s, flags="0- '", quote=True, conversions="bduoxXefcs", percent_direct=True,
                                 numbered="strict", sizes=("l",), precision_digit=True),
    "lua": lambda s, _t: _printf(s, conversions="cdiouXxaAEefgGsq", percent_direct=True),
    "object-pascal": lambda s, _t: _printf(s, flags="-", conversions="duxefgnmsp", percent_direct=True,
                                           numbered="pascal", star="simple", precision_digit=True,
                                           fold_case=True, max_flags=1),
}


def directive_mask(flags: tuple[str, ...] | list[str], value: str, translated: bool) -> list[bool] | None:
    """Per character of `value`: True where gettext forbids a line break before it; None if nothing is."""
    if not value:
        return None
    wanted = {f[9:-7] if f.startswith("possible-") else f[:-7] for f in flags
              if f.endswith("-format") and not f.startswith("no-")}
    for name in FORMAT_NAMES:
        if name in wanted:
            parser = PARSERS.get(name)
            if parser is None:
                return None
            spans = parser(value, translated)
            if not spans:
                return None
            mask = [False] * len(value)
            for start, end in spans:
                for index in range(start + 1, end + 1):
                    mask[index] = True
            return mask
    return None
