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


def ruby_spans(s: str, translated: bool = False) -> Spans:
    """format-ruby.c: %[flags][<name>][N$][width|*|*N$][.prec|.*|.*N$]conv and %{name}."""
    spans: Spans = []
    kinds: set[str] = set()  # "named", "numbered", "unnumbered" arguments seen so far
    i, n = 0, len(s)
    while i < n:
        if s[i] != "%":
            i += 1
            continue
        start = i
        i += 1
        name: str | None = None
        number = 0
        width = precision = False
        counted: list[str] = []  # argument kinds of width and precision
        while True:
            c = _at(s, i)
            if c and c in " #+-0":
                if width or precision:
                    return spans
                i += 1
            elif c == "<":
                if kinds & {"numbered", "unnumbered"} or number or counted or name is not None:
                    return spans
                end = s.find(">", i + 1)
                if end < 0:
                    return spans
                name, i = s[i + 1:end], end + 1
            elif c and "0" <= c <= "9":
                j = _digits(s, i)
                if _at(s, j) == "$":
                    if "named" in kinds or name is not None or "unnumbered" in kinds or "unnumbered" in counted \
                            or number:
                        return spans
                    number, i = int(s[i:j]), j + 1
                else:
                    if width or precision:
                        return spans
                    width, i = True, j
            elif c == "*" or (c == "." and _at(s, i + 1) == "*"):
                is_precision = c == "."
                i += 2 if is_precision else 1
                j = _digits(s, i)
                if j > i and _at(s, j) == "$":
                    if "named" in kinds or name is not None or "unnumbered" in kinds or "unnumbered" in counted:
                        return spans
                    if precision or (width and not is_precision) or int(s[i:j]) == 0:
                        return spans
                    counted.append("numbered")
                    i = j + 1
                else:
                    if "named" in kinds or name is not None or "numbered" in kinds or number \
                            or "numbered" in counted or precision or (width and not is_precision):
                        return spans
                    counted.append("unnumbered")
                if is_precision:
                    precision = True
                else:
                    width = True
            elif c == ".":
                i = _digits(s, i + 1)
                if precision:
                    return spans
                precision = True
            else:
                break
        c = _at(s, i)
        has_argument = True
        if c in ("%", "\n") and c:
            has_argument = False
        elif c == "{":
            if kinds & {"numbered", "unnumbered"} or number or counted or name is not None:
                return spans
            end = s.find("}", i + 1)
            if end < 0:
                return spans
            name, i = s[i + 1:end], end
        elif not c or c not in "spcdiuoxXbBfgGeEaA":
            return spans
        kinds.update(counted)
        if has_argument:
            if name is not None:
                kinds.add("named")
            elif number:
                kinds.add("numbered")
            else:
                if kinds & {"named", "numbered"}:
                    return spans
                kinds.add("unnumbered")
        spans.append((start, i))
        i += 1
    return spans


def _nonzero_number(s: str, i: int) -> tuple[int, int | None]:
    """(index after `N$`, N) for N starting with 1-9 (perl), else (i, None)."""
    if "1" <= _at(s, i) <= "9" and _at(s, i):
        j = _digits(s, i)
        if _at(s, j) == "$":
            return j + 1, int(s[i:j])
    return i, None


def perl_spans(s: str, translated: bool = False) -> Spans:
    """format-perl.c: %[N$][flags][vector][width][.prec][size]conv."""
    spans: Spans = []
    i, n = 0, len(s)
    while i < n:
        if s[i] != "%":
            i += 1
            continue
        start = i
        i, _number = _nonzero_number(s, i + 1)
        while _at(s, i) and _at(s, i) in " +-#0":
            i += 1
        if _at(s, i) == "v":
            i += 1
        elif _at(s, i) == "*":
            if _at(s, i + 1) == "v":
                i += 2
            else:
                j, vector = _nonzero_number(s, i + 1)
                if vector is not None and _at(s, j) == "v":
                    i = j + 1
        if _at(s, i) == "*":
            i, _width = _nonzero_number(s, i + 1)
        elif "1" <= _at(s, i) <= "9" and _at(s, i):
            i = _digits(s, i)
        if _at(s, i) == ".":
            i += 1
            if _at(s, i) == "*":
                i, _precision = _nonzero_number(s, i + 1)
            else:
                i = _digits(s, i)
        size = ""
        for candidate in ("ll", "h", "l", "L", "q", "V", "I64", "I32", "I"):
            if s.startswith(candidate, i):
                size = candidate
                i += len(candidate)
                break
        conversion = _at(s, i)
        if not conversion or conversion not in "%cs_DiUOdubpnoxXeEfFgG":
            return spans
        if conversion in "eEfFgG" and size in ("h", "l"):
            return spans
        spans.append((start, i))
        i += 1
    return spans


_JAVA_FLAG_BITS = {"#": 1, "0": 2, "-": 4, " ": 8, "+": 16, ",": 32, "(": 64}
_WIDTH, _PRECISION = 128, 256
_JAVA_INVALID = {  # conversion -> flags, width and precision it refuses (format-java-printf.c)
    "%": 1 | 2 | 8 | 16 | 32 | 64 | _PRECISION, "n": 127 | _WIDTH | _PRECISION,
    **dict.fromkeys("bBhHsS", 2 | 8 | 16 | 32 | 64), **dict.fromkeys("cC", 1 | 2 | 8 | 16 | 32 | 64 | _PRECISION),
    "d": 1 | _PRECISION, **dict.fromkeys("oxX", 32 | _PRECISION), **dict.fromkeys("eEfgG", 0),
    **dict.fromkeys("aA", 32 | 64), **dict.fromkeys("tT", 1 | 2 | 8 | 16 | 32 | 64 | _PRECISION),
}


def java_printf_spans(s: str, translated: bool = False) -> Spans:
    """format-java-printf.c: %[N$|<][flags][width][.prec]conv, %t/%T with a date suffix."""
    spans: Spans = []
    last_argument = 0
    unnumbered = 0
    i, n = 0, len(s)
    while i < n:
        if s[i] != "%":
            i += 1
            continue
        start = i
        i += 1
        number = 0
        if _at(s, i) == "<":
            if not last_argument:
                return spans
            number, i = last_argument, i + 1
        else:
            i, found = _numbered(s, i)
            if found == 0:
                return spans
            number = found or 0
        flags = 0
        while _at(s, i) in _JAVA_FLAG_BITS and _at(s, i):
            flags |= _JAVA_FLAG_BITS[s[i]]
            i += 1
        if "0" <= _at(s, i) <= "9" and _at(s, i):
            i, flags = _digits(s, i), flags | _WIDTH
        if _at(s, i) == ".":
            j = _digits(s, i + 1)
            if j == i + 1:
                return spans
            i, flags = j, flags | _PRECISION
        conversion = _at(s, i)
        if not conversion or conversion not in _JAVA_INVALID or flags & _JAVA_INVALID[conversion]:
            return spans
        if conversion in "tT":
            i += 1
            if not _at(s, i) or _at(s, i) not in "HIklMSLNpzZsQBbhAaCYyjmdeRTrDFc":
                return spans
        if conversion not in "%n":
            if not number:
                unnumbered += 1
                number = unnumbered
            last_argument = number
        spans.append((start, i))
        i += 1
    return spans


def smalltalk_spans(s: str, translated: bool = False) -> Spans:
    """format-smalltalk.c (smalltalk and ycp): %1 to %9 and %%."""
    spans: Spans = []
    i, n = 0, len(s)
    while i < n:
        if s[i] != "%":
            i += 1
            continue
        c = _at(s, i + 1)
        if not c or c not in "%123456789":
            return spans
        spans.append((i, i + 1))
        i += 2
    return spans


def boost_spans(s: str, translated: bool = False) -> Spans:
    """format-boost.c: %%, %N%, %|spec|, %[N$]printf-spec."""
    spans: Spans = []
    seen_numbered = seen_unnumbered = False
    i, n = 0, len(s)
    while i < n:
        if s[i] != "%":
            i += 1
            continue
        start = i
        i += 1
        if _at(s, i) == "%":
            spans.append((start, i))
            i += 1
            continue
        brackets = _at(s, i) == "|"
        i += brackets
        number = 0
        done = False
        if "1" <= _at(s, i) <= "9" and _at(s, i):
            j = _digits(s, i)
            if (not brackets and _at(s, j) == "%") or _at(s, j) == "$":
                number, done = int(s[i:j]), _at(s, j) == "%"
                i = j + 1
        has_argument = True
        if not done:
            while _at(s, i) and _at(s, i) in " +-#0'_=hl":
                i += 1
            for part in ("width", "precision"):
                if part == "precision":
                    if _at(s, i) != ".":
                        break
                    i += 1
                if _at(s, i) == "*":
                    i, arg = _numbered(s, i + 1)
                    if arg == 0 or (arg and seen_unnumbered) or (not arg and seen_numbered):
                        return spans
                    seen_numbered |= bool(arg)
                    seen_unnumbered |= not arg
                else:
                    i = _digits(s, i)
            while _at(s, i) and _at(s, i) in "hlL":
                i += 1
            c = _at(s, i)
            if c and c in "cCsSidouxXeEfgGp":
                i += 1
            elif c in ("t", "n") and c:
                i += 1
                has_argument = False
            elif c == "T" and i + 1 < n:
                i += 2
                has_argument = False
            elif c == "|" and brackets:
                pass
            else:
                return spans
            if brackets:
                if _at(s, i) != "|":
                    return spans
                i += 1
        if has_argument:
            if (number and seen_unnumbered) or (not number and seen_numbered):
                return spans
            seen_numbered |= bool(number)
            seen_unnumbered |= not number
        spans.append((start, i - 1))
    return spans


def gcc_internal_spans(s: str, translated: bool = False) -> Spans:
    """format-gcc-internal.c: %%, %<, %>, %', %m, %[N$][q+#l ll w]conv, %.Ns, %.*s."""
    spans: Spans = []
    seen_numbered = seen_unnumbered = False
    i, n = 0, len(s)
    while i < n:
        if s[i] != "%":
            i += 1
            continue
        start = i
        i += 1
        c = _at(s, i)
        if c and c in "%<>'m":
            spans.append((start, i))
            i += 1
            continue
        i, number = _numbered(s, i)
        if number == 0:
            return spans
        seen: dict[str, int] = {}
        while _at(s, i) and _at(s, i) in "qlw+#":
            flag = s[i]
            seen[flag] = seen.get(flag, 0) + 1
            if seen[flag] > (2 if flag == "l" else 1) or ("l" in seen and "w" in seen):
                return spans
            i += 1
        c = _at(s, i)
        if c == ".":
            i += 1
            if "0" <= _at(s, i) <= "9" and _at(s, i):
                i = _digits(s, i)
            elif _at(s, i) == "*":
                i, arg = _numbered(s, i + 1)
                if arg is not None and (arg == 0 or seen_unnumbered or not number or arg != number - 1):
                    return spans
                if (arg and seen_unnumbered) or (not arg and seen_numbered):
                    return spans
                seen_numbered |= bool(arg)
                seen_unnumbered |= not arg
            else:
                return spans
            if _at(s, i) != "s":
                return spans
        elif not c or c not in "csidouxpHJKDFTEACLOPQV":
            return spans
        if (number and seen_unnumbered) or (not number and seen_numbered):
            return spans
        seen_numbered |= bool(number)
        seen_unnumbered |= not number
        spans.append((start, i))
        i += 1
    return spans


def gfc_internal_spans(s: str, translated: bool = False) -> Spans:
    """format-gfc-internal.c: %%, %[N$]C, L, c, s, [l]i, [l]d, [l]u."""
    spans: Spans = []
    i, n = 0, len(s)
    while i < n:
        if s[i] != "%":
            i += 1
            continue
        start = i
        i += 1
        if _at(s, i) != "%":
            i, number = _numbered(s, i)
            if number == 0:
                return spans
            if _at(s, i) and _at(s, i) in "CLcs":
                pass
            else:
                if _at(s, i) == "l":
                    i += 1
                if not _at(s, i) or _at(s, i) not in "idu":
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
    "ruby": ruby_spans,
    "perl": perl_spans,
    "java-printf": java_printf_spans,
    "javascript": lambda s, _t: _printf(s, flags="-+ 0I", conversions="%csbdoxXfj", numbered="strict",
                                        exclusive=True),
    "smalltalk": smalltalk_spans,
    "ycp": smalltalk_spans,
    "boost": boost_spans,
    "gcc-internal": gcc_internal_spans,
    "gfc-internal": gfc_internal_spans,
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
