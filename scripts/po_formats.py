"""Where the format directives of a `#, X-format` string are, so the writer never breaks inside one.

One job (over 400 lines: one small parser per gettext format).

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
# A parser gives the (start, end) index pairs, end inclusive, of the valid directives.
Spans = list[tuple[int, int]]


class _Args:
    """What a string's directives have referred to so far: gettext refuses some mixes."""

    __slots__ = ("kinds", "last", "count")

    def __init__(self) -> None:
        self.kinds: set[str] = set()   # "numbered", "unnumbered", "named", "unnamed"
        self.last = 0                  # java-printf: the previous directive's argument
        self.count = 0                 # java-printf: unnumbered arguments so far

    def add(self, kind: str, *exclusive: str) -> bool:
        """Record an argument of `kind`; False (a parse error) if one of `exclusive` was seen."""
        if self.kinds.intersection(exclusive):
            return False
        self.kinds.add(kind)
        return True

    def mix(self, numbered: bool) -> bool:
        """A numbered or unnumbered argument; numbered and unnumbered may not mix."""
        return self.add("numbered", "unnumbered") if numbered else self.add("unnumbered", "numbered")


# One directive: (string, index of its "%", the string's _Args, msgstr?) -> index of its last
# character, or None where gettext's parser reports an error (and stops).
Directive = Callable[[str, int, _Args, bool], "int | None"]


def _scan(s: str, directive: Directive, translated: bool) -> Spans:
    spans: Spans = []
    args = _Args()
    i = s.find("%")
    while i >= 0:
        end = directive(s, i, args, translated)
        if end is None:
            return spans
        spans.append((i, end))
        i = s.find("%", end + 1)
    return spans


def _digits(s: str, i: int) -> int:
    while i < len(s) and "0" <= s[i] <= "9":
        i += 1
    return i


def _at(s: str, i: int) -> str:
    return s[i] if i < len(s) else ""


def _skip(s: str, i: int, chars: str) -> int:
    """The index after the run of `chars` at i."""
    while i < len(s) and s[i] in chars:
        i += 1
    return i


def _isdigit(c: str, low: str = "0") -> bool:
    return bool(c) and low <= c <= "9"


def _numbered(s: str, i: int) -> tuple[int, int | None]:
    """(index after `N$`, N) if an argument number starts at i, else (i, None)."""
    j = _digits(s, i)
    if j > i and _at(s, j) == "$":
        return j + 1, int(s[i:j])
    return i, None


def _width_precision(s: str, i: int, star: Callable[[int], int | None] | None,
                     precision_digit: bool = False) -> int | None:
    """The index after `[width][.precision]`, each digits or (with `star`) a `*` it parses."""
    for part in ("width", "precision"):
        if part == "precision":
            if _at(s, i) != ".":
                break
            i += 1
        if star is not None and _at(s, i) == "*":
            after = star(i + 1)
            if after is None:
                return None
            i = after
        elif _isdigit(_at(s, i)):
            i = _digits(s, i)
        elif part == "precision" and precision_digit:
            return None
    return i


def _numbered_star(s: str, args: _Args, exclusive: bool = True) -> Callable[[int], int | None]:
    """A `*` or `*N$` width or precision (C, awk, boost)."""
    def star(i: int) -> int | None:
        i, number = _numbered(s, i)
        if number == 0 or (exclusive and not args.mix(bool(number))):
            return None
        return i
    return star


_C_FLAGS = frozenset(" +-#0'")
_C_SIZES = ("hh", "ll", "h", "l", "L", "q", "j", "z", "Z", "t")


def _c(s: str, start: int, args: _Args, translated: bool, objc: bool = False) -> int | None:
    """format-c-parse.h: %[N$][flags][width][.prec][size]conv, %<PRIdN> and %%."""
    i, number = _numbered(s, start + 1)
    if number == 0:
        return None
    while _at(s, i) in _C_FLAGS or (translated and _at(s, i) == "I"):
        i += 1
    after = _width_precision(s, i, _numbered_star(s, args))
    if after is None:
        return None
    i = after
    if _at(s, i) == "<":
        end = s.find(">", i)
        if end < 0 or not _c99_macro(s[i + 1:end]):
            return None
        i, has_argument = end, True
    else:
        for size in _C_SIZES:
            if s.startswith(size, i):
                i += len(size)
                break
        conversion = _at(s, i)
        # gettext 0.21 accepts any size with any conversion ("%lf", "%hs"); 0.22 does not.
        if not conversion or not (conversion in "%mcCsSdiuoxXeEfFgGaApn" or (objc and conversion == "@")):
            return None
        has_argument = conversion not in "%m"
    if has_argument and not args.mix(number is not None):
        return None
    return i


def _c99_macro(macro: str) -> bool:
    if not macro.startswith("PRI") or len(macro) < 4 or macro[3] not in "diouxX":
        return False
    rest = macro[4:]
    for prefix in ("LEAST", "FAST", ""):
        if rest.startswith(prefix) and rest[len(prefix):] in ("8", "16", "32", "64"):
            return True
    return rest in ("MAX", "PTR")


def _python(s: str, start: int, args: _Args, translated: bool) -> int | None:
    """format-python.c: %[(name)][flags][width][.prec][hlL]conv and %%."""
    i, n = start + 1, len(s)
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
            return None
        name = s[name_start:i]
        i += 1
    i = _skip(s, i, "-+ #0")
    after = _width_precision(s, i, lambda j: j if args.add("unnamed", "named") else None)
    if after is None:
        return None
    i = after + (_at(s, after) in ("h", "l", "L"))  # a size letter, ignored
    conversion = _at(s, i)
    if not conversion or conversion not in "%csrdiuoxXeEfgG":
        return None
    if name is not None:
        if not args.add("named", "unnamed"):
            return None
    elif conversion != "%" and not args.add("unnamed", "named"):
        return None
    return i


def _printf(*, flags: str = "", conversions: str, percent_direct: bool = False, numbered: str = "",
            star: str = "", sizes: tuple[str, ...] = (), quote: bool = False, precision_digit: bool = False,
            exclusive: bool = False, fold_case: bool = False, max_flags: int = 1 << 30) -> Directive:
    """The printf-like parsers of gettext (awk, tcl, elisp, librep, php, lua, javascript, pascal).

    numbered: "strict" (`N$`, N=0 an error), "lenient" (`N$` only if N>0), "pascal" (`N:`);
    star: "numbered" (`*` or `*N$`), "simple" (`*`); exclusive: numbered and unnumbered
    arguments may not mix; percent_direct: `%%` only right after the `%`.
    """
    def directive(s: str, start: int, args: _Args, translated: bool) -> int | None:
        i = start + 1
        if percent_direct and _at(s, i) == "%":
            return i
        number: int | None = None
        if numbered in ("strict", "lenient"):
            j = _digits(s, i)
            if j > i and _at(s, j) == "$":
                number = int(s[i:j])
                if number == 0 and numbered == "strict":
                    return None
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
                if i >= len(s):
                    return None
            i += 1
        star_parser = (_numbered_star(s, args, exclusive) if star == "numbered"
                       else (lambda j: j) if star == "simple" else None)
        after = _width_precision(s, i, star_parser, precision_digit)
        if after is None:
            return None
        i = after
        for size in sizes:
            if s.startswith(size, i):
                i += len(size)
                break
        conversion = _at(s, i)
        if fold_case:
            conversion = conversion.lower()
        if not conversion or conversion not in conversions:
            return None
        if exclusive and conversion != "%" and not args.mix(number is not None):
            return None
        return i
    return directive


def _ruby(s: str, start: int, args: _Args, translated: bool) -> int | None:
    """format-ruby.c: %[flags][<name>][N$][width|*|*N$][.prec|.*|.*N$]conv and %{name}."""
    kinds = args.kinds
    i = start + 1
    name: str | None = None
    number = 0
    width = precision = False
    counted: list[str] = []  # argument kinds of width and precision
    while True:
        c = _at(s, i)
        if c and c in " #+-0":
            if width or precision:
                return None
            i += 1
        elif c == "<":
            if kinds & {"numbered", "unnumbered"} or number or counted or name is not None:
                return None
            end = s.find(">", i + 1)
            if end < 0:
                return None
            name, i = s[i + 1:end], end + 1
        elif _isdigit(c):
            j = _digits(s, i)
            if _at(s, j) == "$":
                if "named" in kinds or name is not None or "unnumbered" in kinds or "unnumbered" in counted \
                        or number:
                    return None
                number, i = int(s[i:j]), j + 1
            else:
                if width or precision:
                    return None
                width, i = True, j
        elif c == "*" or (c == "." and _at(s, i + 1) == "*"):
            is_precision = c == "."
            i += 2 if is_precision else 1
            j = _digits(s, i)
            if j > i and _at(s, j) == "$":
                if "named" in kinds or name is not None or "unnumbered" in kinds or "unnumbered" in counted:
                    return None
                if precision or (width and not is_precision) or int(s[i:j]) == 0:
                    return None
                counted.append("numbered")
                i = j + 1
            else:
                if "named" in kinds or name is not None or "numbered" in kinds or number \
                        or "numbered" in counted or precision or (width and not is_precision):
                    return None
                counted.append("unnumbered")
            if is_precision:
                precision = True
            else:
                width = True
        elif c == ".":
            i = _digits(s, i + 1)
            if precision:
                return None
            precision = True
        else:
            break
    c = _at(s, i)
    has_argument = True
    if c and c in "%\n":
        has_argument = False
    elif c == "{":
        if kinds & {"numbered", "unnumbered"} or number or counted or name is not None:
            return None
        end = s.find("}", i + 1)
        if end < 0:
            return None
        name, i = s[i + 1:end], end
    elif not c or c not in "spcdiuoxXbBfgGeEaA":
        return None
    kinds.update(counted)
    if has_argument:
        if name is not None:
            kinds.add("named")
        elif number:
            kinds.add("numbered")
        elif not args.add("unnumbered", "named", "numbered"):
            return None
    return i


def _nonzero_number(s: str, i: int) -> tuple[int, int | None]:
    """(index after `N$`, N) for N starting with 1-9 (perl), else (i, None)."""
    if _isdigit(_at(s, i), "1"):
        j = _digits(s, i)
        if _at(s, j) == "$":
            return j + 1, int(s[i:j])
    return i, None


def _perl(s: str, start: int, args: _Args, translated: bool) -> int | None:
    """format-perl.c: %[N$][flags][vector][width][.prec][size]conv."""
    i, _number = _nonzero_number(s, start + 1)
    i = _skip(s, i, " +-#0")
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
    elif _isdigit(_at(s, i), "1"):
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
        return None
    if conversion in "eEfFgG" and size in ("h", "l"):
        return None
    return i


_JAVA_FLAG_BITS = {"#": 1, "0": 2, "-": 4, " ": 8, "+": 16, ",": 32, "(": 64}
_WIDTH, _PRECISION = 128, 256
_JAVA_INVALID = {  # conversion -> flags, width and precision it refuses (format-java-printf.c)
    "%": 1 | 2 | 8 | 16 | 32 | 64 | _PRECISION, "n": 127 | _WIDTH | _PRECISION,
    **dict.fromkeys("bBhHsS", 2 | 8 | 16 | 32 | 64), **dict.fromkeys("cC", 1 | 2 | 8 | 16 | 32 | 64 | _PRECISION),
    "d": 1 | _PRECISION, **dict.fromkeys("oxX", 32 | _PRECISION), **dict.fromkeys("eEfgG", 0),
    **dict.fromkeys("aA", 32 | 64), **dict.fromkeys("tT", 1 | 2 | 8 | 16 | 32 | 64 | _PRECISION),
}


def _java_printf(s: str, start: int, args: _Args, translated: bool) -> int | None:
    """format-java-printf.c: %[N$|<][flags][width][.prec]conv, %t/%T with a date suffix."""
    i = start + 1
    if _at(s, i) == "<":
        if not args.last:
            return None
        number, i = args.last, i + 1
    else:
        i, found = _numbered(s, i)
        if found == 0:
            return None
        number = found or 0
    flags = 0
    while _at(s, i) in _JAVA_FLAG_BITS:
        flags |= _JAVA_FLAG_BITS[s[i]]
        i += 1
    if _isdigit(_at(s, i)):
        i, flags = _digits(s, i), flags | _WIDTH
    if _at(s, i) == ".":
        j = _digits(s, i + 1)
        if j == i + 1:
            return None
        i, flags = j, flags | _PRECISION
    conversion = _at(s, i)
    if conversion not in _JAVA_INVALID or flags & _JAVA_INVALID[conversion]:
        return None
    if conversion in "tT":
        i += 1
        if not _at(s, i) or _at(s, i) not in "HIklMSLNpzZsQBbhAaCYyjmdeRTrDFc":
            return None
    if conversion not in "%n":
        if not number:
            args.count += 1
            number = args.count
        args.last = number
    return i


def _smalltalk(s: str, start: int, args: _Args, translated: bool) -> int | None:
    """format-smalltalk.c (smalltalk and ycp): %1 to %9 and %%."""
    c = _at(s, start + 1)
    return start + 1 if c and c in "%123456789" else None


def _boost(s: str, start: int, args: _Args, translated: bool) -> int | None:
    """format-boost.c: %%, %N%, %|spec|, %[N$]printf-spec."""
    i, n = start + 1, len(s)
    if _at(s, i) == "%":
        return i
    brackets = _at(s, i) == "|"
    i += brackets
    number = 0
    if _isdigit(_at(s, i), "1"):
        j = _digits(s, i)
        if (not brackets and _at(s, j) == "%") or _at(s, j) == "$":
            number = int(s[i:j])
            if _at(s, j) == "%":  # %N%: done
                return j if args.mix(True) else None
            i = j + 1
    has_argument = True
    i = _skip(s, i, " +-#0'_=hl")
    after = _width_precision(s, i, _numbered_star(s, args))
    if after is None:
        return None
    i = after
    i = _skip(s, i, "hlL")
    c = _at(s, i)
    if c and c in "cCsSidouxXeEfgGp":
        i += 1
    elif c and c in "tn":
        i += 1
        has_argument = False
    elif c == "T" and i + 1 < n:
        i += 2
        has_argument = False
    elif not (c == "|" and brackets):
        return None
    if brackets:
        if _at(s, i) != "|":
            return None
        i += 1
    if has_argument and not args.mix(bool(number)):
        return None
    return i - 1


def _gcc_internal(s: str, start: int, args: _Args, translated: bool) -> int | None:
    """format-gcc-internal.c: %%, %<, %>, %', %m, %[N$][q+#l ll w]conv, %.Ns, %.*s."""
    i = start + 1
    c = _at(s, i)
    if c and c in "%<>'m":
        return i
    i, number = _numbered(s, i)
    if number == 0:
        return None
    seen: dict[str, int] = {}
    while _at(s, i) and _at(s, i) in "qlw+#":
        flag = s[i]
        seen[flag] = seen.get(flag, 0) + 1
        if seen[flag] > (2 if flag == "l" else 1) or ("l" in seen and "w" in seen):
            return None
        i += 1
    c = _at(s, i)
    if c == ".":
        i += 1
        if _isdigit(_at(s, i)):
            i = _digits(s, i)
        elif _at(s, i) == "*":
            i, arg = _numbered(s, i + 1)
            if arg is not None and (arg == 0 or "unnumbered" in args.kinds or not number or arg != number - 1):
                return None
            if not args.mix(bool(arg)):
                return None
        else:
            return None
        if _at(s, i) != "s":
            return None
    elif not c or c not in "csidouxpHJKDFTEACLOPQV":
        return None
    if not args.mix(number is not None):
        return None
    return i


def _gfc_internal(s: str, start: int, args: _Args, translated: bool) -> int | None:
    """format-gfc-internal.c: %%, %[N$]C, L, c, s, [l]i, [l]d, [l]u."""
    i = start + 1
    if _at(s, i) == "%":
        return i
    i, number = _numbered(s, i)
    if number == 0:
        return None
    if _at(s, i) and _at(s, i) in "CLcs":
        return i
    if _at(s, i) == "l":
        i += 1
    return i if _at(s, i) and _at(s, i) in "idu" else None


PARSERS: dict[str, Directive] = {
    "c": _c,
    "objc": lambda s, start, args, translated: _c(s, start, args, translated, objc=True),
    "python": _python,
    "awk": _printf(flags=" +-#0", conversions="%csdiuoxXeEfgG", numbered="strict", star="numbered", exclusive=True),
    "tcl": _printf(flags=" +-#0", conversions="csdiuoxXeEfgG", percent_direct=True, numbered="strict",
                   star="simple", sizes=("h", "l"), exclusive=True),
    "elisp": _printf(flags=" +-#0", conversions="%cdixXoeEfgGsS", numbered="lenient", star="simple"),
    "librep": _printf(flags="-^0+ ", conversions="%cdxXosS", numbered="lenient"),
    "php": _printf(flags="0- '", quote=True, conversions="bduoxXefcs", percent_direct=True, numbered="strict",
                   sizes=("l",), precision_digit=True),
    "lua": _printf(conversions="cdiouXxaAEefgGsq", percent_direct=True),
    "javascript": _printf(flags="-+ 0I", conversions="%csbdoxXfj", numbered="strict", exclusive=True),
    "object-pascal": _printf(flags="-", conversions="duxefgnmsp", percent_direct=True, numbered="pascal",
                             star="simple", precision_digit=True, fold_case=True, max_flags=1),
    "ruby": _ruby,
    "perl": _perl,
    "java-printf": _java_printf,
    "smalltalk": _smalltalk,
    "ycp": _smalltalk,
    "boost": _boost,
    "gcc-internal": _gcc_internal,
    "gfc-internal": _gfc_internal,
}


def directive_mask(flags: tuple[str, ...] | list[str], value: str, translated: bool) -> list[bool] | None:
    """Per character of `value`: True where gettext forbids a line break before it; None if nothing is."""
    if not value or "%" not in value:
        return None
    wanted = {f[9:-7] if f.startswith("possible-") else f[:-7] for f in flags
              if f.endswith("-format") and not f.startswith("no-")}
    for name in FORMAT_NAMES:
        if name in wanted:
            directive = PARSERS.get(name)
            if directive is None:
                return None
            spans = _scan(value, directive, translated)
            if not spans:
                return None
            mask = [False] * len(value)
            for start, end in spans:
                for index in range(start + 1, end + 1):
                    mask[index] = True
            return mask
    return None
