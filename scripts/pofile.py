"""The gettext PO format: a fast reader and a writer whose output is byte-for-byte msgcat's.

One job, the file format, in one module (over 400 lines): reader, writer and header helpers.

Why not polib or Babel: reading 50,000 entries with them takes seconds, and neither writes the
wrapping that GNU gettext (and therefore Poedit and Weblate) writes, so every save by a tool
would re-wrap whole files. This module reads a catalog in one pass over its lines, remembers
where every entry is (for `path:line` diagnostics), and writes it back the way `msgcat` with its
default width of 79 columns would: same line breaks, same comment and flag normalisation, active
entries first and obsolete ones last. It reads any charset gettext reads (see `decode`).

Which gettext the writer follows: GNU gettext 0.21 (Debian 12), whose write-po.c `wrap()`
breaks lines with libunistring 1.0's UAX #14 tables (scripts/linebreak_tables.py, generated
from the installed library by `python -m scripts.linebreak`) and never inside a valid format
directive of the first `X-format` flag of the entry (scripts/po_formats.py mirrors gettext 0.21's
format parsers). One deliberate difference: a plural entry translated only in msgstr[1..] stays
when obsolete (msgcat drops it; we never drop a translator's text).

When gettext changes its wrapping (a new libunistring, a new format or parser rule): regenerate
the tables with `python -m scripts.linebreak`, adjust scripts/po_formats.py, and run
`pytest tests/test_catalogs.py tests/test_po_formats.py`, which compare this writer with the
installed msgcat byte for byte; then `python -m scripts wrap` once over locale/ and commit the
rewrapped catalogs in a commit of their own, so that translators' diffs stay readable.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from scripts.diagnostics import Diagnostic, PipelineError, display_path
from scripts.linebreak import POSSIBLE, PROHIBITED, UNDEFINED, is_plain, text_width, width_breaks
from scripts.po_formats import FORMAT_NAMES, directive_mask

PAGE_WIDTH = 79

_FORMAT_RANK = {name: rank for rank, name in enumerate(FORMAT_NAMES)}


class PoSyntaxError(Exception):
    """A catalog that gettext itself would refuse; `code` is po-syntax or po-encoding."""

    def __init__(self, line: int, message: str, hint: str = "", code: str = "po-syntax") -> None:
        super().__init__(message)
        self.line = line
        self.message = message
        self.hint = hint or "compare with the entries around it: each is msgid \"...\" then msgstr \"...\""
        self.code = code


@dataclass(eq=False, slots=True)
class Entry:
    msgid: str
    msgstr: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr_plural: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)       # "# " translator comments
    extracted: list[str] = field(default_factory=list)      # "#." from the source
    references: list[str] = field(default_factory=list)     # "#:" file:line
    flags: list[str] = field(default_factory=list)          # "#,"
    previous_msgctxt: str | None = None                      # "#| msgctxt"
    previous_msgid: str | None = None                        # "#| msgid"
    previous_msgid_plural: str | None = None
    obsolete: bool = False
    line: int = 0         # line of the msgid keyword
    msgstr_line: int = 0  # line of the (first) msgstr keyword

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @fuzzy.setter
    def fuzzy(self, value: bool) -> None:
        if value and "fuzzy" not in self.flags:
            self.flags.insert(0, "fuzzy")
        elif not value and "fuzzy" in self.flags:
            self.flags.remove("fuzzy")
            self.previous_msgctxt = self.previous_msgid = self.previous_msgid_plural = None

    @property
    def translations(self) -> list[str]:
        """Every msgstr of the entry (one, or one per plural form)."""
        return self.msgstr_plural if self.msgid_plural is not None else [self.msgstr]

    @property
    def has_translation(self) -> bool:
        return any(self.translations)

    @property
    def translated(self) -> bool:
        return not self.obsolete and not self.fuzzy and all(self.translations)


@dataclass(eq=False)
class Catalog:
    header: Entry | None = None
    entries: list[Entry] = field(default_factory=list)   # without the header, in file order
    header_lines: dict[str, int] = field(default_factory=dict)  # header field -> line number

    def header_fields(self) -> dict[str, str]:
        return parse_header(self.header.msgstr) if self.header else {}

    @property
    def active(self) -> list[Entry]:
        return [e for e in self.entries if not e.obsolete]

    @property
    def nplurals(self) -> int | None:
        """The number of plural forms the catalog's own Plural-Forms declares (None: no header)."""
        plural_forms = self.header_fields().get("Plural-Forms")
        return nplurals(plural_forms) if plural_forms else None


_NPLURALS_RE = re.compile(r"nplurals\s*=\s*(\d+)")


def nplurals(plural_forms: str) -> int:
    """nplurals of a Plural-Forms value; 2 (gettext's default, Germanic) when it says none."""
    match = _NPLURALS_RE.search(plural_forms)
    return int(match.group(1)) if match else 2


def parse_header(text: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    for line in text.split("\n"):
        name, sep, value = line.partition(":")
        if sep and name.strip():
            fields[name.strip()] = value.strip()
    return fields


def set_header_field(text: str, name: str, value: str, after: str | None = None) -> str:
    """Header text with `name` set to `value`, in place if present, else after `after` or last."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    for i, line in enumerate(lines):
        if line.partition(":")[0].strip() == name:
            lines[i] = f"{name}: {value}"
            return "\n".join(lines) + "\n"
    position = len(lines)
    if after is not None:
        for i, line in enumerate(lines):
            if line.partition(":")[0].strip() == after:
                position = i + 1
    lines.insert(position, f"{name}: {value}")
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------------------------
# Reading

_ESCAPES = {"n": "\n", "t": "\t", "\\": "\\", '"': '"', "r": "\r", "a": "\a", "b": "\b",
            "f": "\f", "v": "\v"}
_ESCAPE_RE = re.compile(r'\\(?:([0-7]{1,3})|x([0-9a-fA-F]+)|(.)|$)|"', re.DOTALL)
_PLURAL_RE = re.compile(r"msgstr\[(\d+)\]$")


def unescape(body: str, lineno: int) -> str:
    """The text of a PO string body (between its quotes)."""
    def replace(match: re.Match[str]) -> str:
        octal, hexa, char = match.groups()
        if match.group(0) == '"':
            raise PoSyntaxError(lineno, 'a quote inside a string is not escaped',
                                'write \\" for a quotation mark inside a string')
        if octal or hexa:
            value = int(octal, 8) if octal else int(hexa, 16)
            if value == 0 or value > 0x7F:
                raise PoSyntaxError(lineno, f"byte escape {match.group(0)!r} in a string",
                                    "write the character itself (the file is UTF-8)")
            return chr(value)
        if char is None:
            raise PoSyntaxError(lineno, "a string ends with a lone backslash",
                                "write \\\\ for a backslash")
        if char not in _ESCAPES:
            raise PoSyntaxError(lineno, f"invalid escape sequence \\{char}",
                                "write \\\\ for a backslash; gettext knows \\n \\t \\\" \\\\")
        return _ESCAPES[char]

    return _ESCAPE_RE.sub(replace, body)


def _string(text: str, lineno: int) -> str:
    text = text.strip()
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        raise PoSyntaxError(lineno, "expected a string in double quotes",
                            'every line of a msgid/msgstr is "text" in double quotes')
    body = text[1:-1]
    if "\\" not in body and '"' not in body:
        return body
    return unescape(body, lineno)


_CHARSET_RE = re.compile(rb"charset\s*=\s*([A-Za-z0-9_.:-]+)")
_UTF8_NAMES = frozenset({"utf-8", "utf8"})


def declared_charset(raw: bytes) -> str | None:
    """The charset the header's Content-Type declares (as written), or None.

    Read from the bytes: every charset gettext supports is ASCII-compatible in the header.
    """
    head = raw[:8192]
    at = head.find(b"Content-Type:")
    if at < 0:
        return None
    match = _CHARSET_RE.search(head, at, at + 200)
    return match.group(1).decode("ascii") if match else None


def is_utf8(charset: str | None) -> bool:
    return charset is not None and charset.lower().replace("_", "-") in _UTF8_NAMES


def decode(raw: bytes) -> str:
    """The text of a catalog file in the charset its header declares, as gettext reads it.

    UTF-8 when the header declares it (or declares nothing, or the placeholder CHARSET); any
    other charset that Python knows (ISO-8859-1, CP1252, KOI8-R, EUC-JP...) is decoded with it.
    PoSyntaxError(po-encoding) for a byte-order mark, an unknown charset or invalid bytes. This
    project still wants UTF-8 for its own catalogs: that is `check`'s warning (see
    `declared_charset` and `to_utf8`), not a refusal to read.
    """
    if raw.startswith(b"\xef\xbb\xbf"):
        raise PoSyntaxError(1, "the file starts with a byte-order mark",
                            "save as UTF-8 without BOM (Poedit and Weblate do)", "po-encoding")
    charset = declared_charset(raw)
    encoding = "utf-8"
    if charset is not None and not is_utf8(charset) and charset.upper() != "CHARSET":
        try:
            encoding = codecs.lookup(charset).name
        except LookupError:
            raise PoSyntaxError(_header_line(raw), f"unknown charset {charset!r} in the header",
                                "declare charset=UTF-8 and save the file as UTF-8", "po-encoding") from None
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise PoSyntaxError(line, f"not valid {charset if encoding != 'utf-8' else 'UTF-8'} "
                                  f"(byte 0x{raw[exc.start]:02x})",
                            "save the file as UTF-8 (Poedit: File > Save; editors: 'encoding UTF-8')",
                            "po-encoding") from None


def _header_line(raw: bytes) -> int:
    at = raw.find(b"Content-Type:")
    return raw[:at].count(b"\n") + 1 if at >= 0 else 1


def to_utf8(raw: bytes) -> str:
    """The catalog re-encoded as UTF-8 with its header saying so (what `check --fix` writes)."""
    catalog = parse(decode(raw))
    if catalog.header is not None:
        fields = catalog.header_fields()
        content_type = fields.get("Content-Type", "text/plain; charset=UTF-8")
        content_type = re.sub(r"charset\s*=\s*[\w.:-]+", "charset=UTF-8", content_type)
        if "charset=" not in content_type:
            content_type += "; charset=UTF-8"
        catalog.header.msgstr = set_header_field(catalog.header.msgstr, "Content-Type", content_type)
    return dumps(catalog)


class _Builder:
    """Accumulates the lines of one entry."""

    __slots__ = ("comments", "extracted", "references", "flags", "prev", "msgctxt", "msgid",
                 "msgid_plural", "msgstr", "plural", "phase", "target", "obsolete", "line",
                 "msgstr_line", "first_line")

    def __init__(self) -> None:
        self.comments: list[str] = []
        self.extracted: list[str] = []
        self.references: list[str] = []
        self.flags: list[str] = []
        self.prev: dict[str, str] = {}
        self.msgctxt: str | None = None
        self.msgid: str | None = None
        self.msgid_plural: str | None = None
        self.msgstr: list[str] = []
        self.plural = False
        self.phase = 0  # 0 comments, 1 msgctxt, 2 msgid, 3 msgid_plural, 4 msgstr
        self.target: tuple[str, int] | None = None
        self.obsolete = False
        self.line = 0
        self.msgstr_line = 0
        self.first_line = 0


def parse(text: str) -> Catalog:
    """Read PO text. Raises PoSyntaxError with the line of the first problem."""
    catalog = Catalog()
    entries = catalog.entries
    b = _Builder()
    header_lines: dict[str, int] = {}

    def finish(lineno: int) -> None:
        nonlocal b
        if b.phase == 0:
            if b.prev:
                raise PoSyntaxError(lineno, "a '#|' previous msgid without an entry after it",
                                    "remove the '#|' lines or add the entry they belong to")
            return
        if b.phase < 4:
            raise PoSyntaxError(b.line or lineno, "msgid without msgstr",
                                'add msgstr "" after the msgid (and its continuation lines)')
        entry = Entry(
            msgid=b.msgid or "",
            msgctxt=b.msgctxt,
            msgid_plural=b.msgid_plural,
            comments=b.comments, extracted=b.extracted, references=b.references, flags=b.flags,
            obsolete=b.obsolete, line=b.line, msgstr_line=b.msgstr_line,
        )
        if b.prev:
            entry.previous_msgctxt = b.prev.get("msgctxt")
            entry.previous_msgid = b.prev.get("msgid")
            entry.previous_msgid_plural = b.prev.get("msgid_plural")
        if b.plural:
            entry.msgstr_plural = b.msgstr
        else:
            entry.msgstr = b.msgstr[0]
        if entry.msgid == "" and entry.msgctxt is None and not entry.obsolete and catalog.header is None:
            catalog.header = entry
            catalog.header_lines = dict(header_lines)
        else:
            entries.append(entry)
        header_lines.clear()
        b = _Builder()

    def append_string(piece: str, lineno: int) -> None:
        """A continuation line: add its string to the field the last keyword opened."""
        target = b.target
        if target is None or target[0].startswith("prev_"):
            raise PoSyntaxError(lineno, "a string line without a keyword before it",
                                'continuation lines follow msgid "..." or msgstr "..."')
        name = target[0]
        if name == "msgstr":
            b.msgstr[target[1]] += piece
            if b.msgid == "" and b.msgctxt is None:
                key = piece.partition(":")[0].strip()
                if key:
                    header_lines[key] = lineno
        elif name == "msgid":
            b.msgid = (b.msgid or "") + piece
        elif name == "msgid_plural":
            b.msgid_plural = (b.msgid_plural or "") + piece
        else:
            b.msgctxt = (b.msgctxt or "") + piece

    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    for lineno, line in enumerate(lines, 1):
        if not line:
            continue
        first = line[0]
        if first == '"':
            body = line[1:-1]
            if line[-1] != '"' or len(line) < 2 or "\\" in body or '"' in body:
                body = _string(line, lineno)
            append_string(body, lineno)
            continue
        if line[-1] == "\r":
            line = line[:-1]
        if not line or line.isspace():
            continue
        first = line[0]
        if first in " \t":
            line = line.lstrip()
            first = line[0]
        obsolete = False
        if first == "#":
            second = line[1:2]
            if second == "~":
                obsolete = True
                line = line[2:]
                if line.startswith("|"):
                    line = "#" + line  # an obsolete previous msgid: parse as "#| ..."
                else:
                    line = line.lstrip()
                    if not line:
                        continue
                first = line[0] if line else ""
            if first == "#":
                second = line[1:2]
                if second == "|":
                    rest = line[2:].strip()
                    if rest.startswith('"'):
                        if b.target is None or not b.target[0].startswith("prev_"):
                            raise PoSyntaxError(lineno, "a '#|' continuation line without a '#|' keyword")
                        name = b.target[0][5:]
                        b.prev[name] += _string(rest, lineno)
                        continue
                    keyword, _, value = rest.partition(" ")
                    if keyword not in ("msgctxt", "msgid", "msgid_plural"):
                        raise PoSyntaxError(lineno, f"unknown keyword {keyword!r} in a '#|' line",
                                            "a '#|' line holds msgctxt, msgid or msgid_plural")
                    if b.phase >= 4:
                        finish(lineno)
                    elif b.phase > 0:
                        raise PoSyntaxError(lineno, "a '#|' line inside an entry",
                                            "'#|' lines go before the msgid they describe")
                    b.prev[keyword] = _string(value, lineno)
                    b.target = ("prev_" + keyword, 0)
                    if not b.first_line:
                        b.first_line = lineno
                    continue
                if b.phase >= 4:
                    finish(lineno)
                elif b.phase > 0:
                    raise PoSyntaxError(lineno, "a comment inside an entry (msgid without msgstr?)",
                                        'comments go before the msgid; add msgstr "" after the msgid')
                if not b.first_line:
                    b.first_line = lineno
                if second == ",":
                    b.flags.extend(f for f in (x.strip() for x in line[2:].split(",")) if f)
                elif second == ":":
                    b.references.extend(line[2:].split())
                elif second == ".":
                    rest = line[2:]
                    b.extracted.append(rest[1:] if rest.startswith(" ") else rest)
                else:
                    rest = line[1:]
                    b.comments.append(rest[1:] if rest.startswith(" ") else rest)
                b.target = None
                continue
        if first == '"':
            append_string(_string(line, lineno), lineno)
            continue
        keyword, _, value = line.partition(" ")
        if "\t" in keyword:
            keyword, _, rest = keyword.partition("\t")
            value = rest + " " + value
        if keyword == "msgid":
            if b.phase >= 4:
                finish(lineno)
            if b.phase not in (0, 1):
                raise PoSyntaxError(b.line, "msgid without msgstr",
                                    'add msgstr "" after the msgid (and its continuation lines)')
            b.msgid = _string(value, lineno)
            b.phase = 2
            b.line = lineno
            b.obsolete = obsolete
            b.target = ("msgid", 0)
        elif keyword == "msgstr":
            if b.phase != 2:
                raise PoSyntaxError(lineno, "msgstr without a msgid before it",
                                    "every msgstr follows its msgid")
            b.msgstr = [_string(value, lineno)]
            b.phase = 4
            b.msgstr_line = lineno
            b.target = ("msgstr", 0)
        elif keyword == "msgctxt":
            if b.phase >= 4:
                finish(lineno)
            if b.phase != 0:
                raise PoSyntaxError(lineno, "msgctxt in the middle of an entry",
                                    "msgctxt comes before the msgid")
            b.msgctxt = _string(value, lineno)
            b.phase = 1
            b.obsolete = obsolete
            b.target = ("msgctxt", 0)
        elif keyword == "msgid_plural":
            if b.phase != 2:
                raise PoSyntaxError(lineno, "msgid_plural without a msgid before it")
            b.msgid_plural = _string(value, lineno)
            b.phase = 3
            b.target = ("msgid_plural", 0)
        elif keyword.startswith("msgstr["):
            match = _PLURAL_RE.match(keyword)
            if not match:
                raise PoSyntaxError(lineno, f"malformed keyword {keyword!r}", "write msgstr[0], msgstr[1]...")
            index = int(match.group(1))
            if b.phase == 3:
                b.plural = True
                b.msgstr = []
                b.msgstr_line = lineno
            elif not (b.phase == 4 and b.plural):
                raise PoSyntaxError(lineno, f"{keyword} without msgid_plural",
                                    "plural forms need msgid_plural; otherwise write msgstr")
            if index != len(b.msgstr):
                raise PoSyntaxError(lineno, f"{keyword} out of order",
                                    "number the forms msgstr[0], msgstr[1]... in order")
            b.msgstr.append(_string(value, lineno))
            b.phase = 4
            b.target = ("msgstr", index)
        else:
            raise PoSyntaxError(lineno, f"unexpected text {line.strip()[:30]!r}",
                                'a line is a comment (#...), a keyword (msgid, msgstr...) or a "string"')
    finish(len(lines) + 1)
    return catalog


def read(path: Path) -> Catalog:
    return parse(decode(path.read_bytes()))


def syntax_diagnostic(exc: PoSyntaxError, path: Path | str, root: Path | None = None,
                      hint: str | None = None) -> Diagnostic:
    """The one translation of a reading error into `path:line: [po-syntax|po-encoding] ...`."""
    return Diagnostic(display_path(path, root), exc.line, exc.code, exc.message,
                      exc.hint if hint is None else hint)


def read_checked(path: Path, root: Path | None = None) -> Catalog:
    """The catalog at `path`, or PipelineError pointing at the line gettext would refuse.

    Every module that reads a catalog should come through here (or `read` + `syntax_diagnostic`)
    so that a broken file is reported the same way everywhere.
    """
    try:
        return read(path)
    except PoSyntaxError as exc:
        raise PipelineError(syntax_diagnostic(exc, path, root)) from None


# ----------------------------------------------------------------------------------------------
# Writing

_WRITE_ESCAPES = {"\a": "a", "\b": "b", "\f": "f", "\n": "n", "\r": "r", "\t": "t", "\v": "v",
                  "\\": "\\", '"': '"'}
_NEEDS_ESCAPE = re.compile(r'[\a\b\f\n\r\t\v\\"]')


def _escape(raw: str, protected: list[bool] | None = None) -> tuple[str, list[int] | None]:
    """The quoted form of `raw` and, if it has escapes or format directives, its break overrides.

    `protected[i]` True: no break before raw[i] (inside a format directive, as write-po.c).
    """
    if not _NEEDS_ESCAPE.search(raw) and (protected is None or True not in protected):
        return raw, None
    out: list[str] = []
    overrides: list[int] = []
    for index, ch in enumerate(raw):
        brk = PROHIBITED if protected is not None and protected[index] else UNDEFINED
        letter = _WRITE_ESCAPES.get(ch)
        if letter is None:
            out.append(ch)
            overrides.append(brk)
        else:
            out.append("\\" + letter)
            overrides += (brk, PROHIBITED)  # never break inside an escape sequence
    if raw.endswith("\n"):
        overrides[-2] = PROHIBITED  # nor just before the final \n
    return "".join(out), overrides


def _wrap(out: list[str], prefix: str, name: str, value: str, wrap: bool, formats: tuple[str, ...] = ()) -> None:
    """Append the lines of `name "value"` exactly as gettext's write-po.c wraps them."""
    if len(value) + len(prefix) + len(name) + 3 <= PAGE_WIDTH and is_plain(value) and '"' not in value \
            and "\\" not in value:
        out.append(f'{prefix}{name} "{value}"')  # short and plain: one line, nothing to decide
        return
    out.extend(_wrapped(prefix, name, value, wrap, formats))


@lru_cache(maxsize=32768)
def _wrapped(prefix: str, name: str, value: str, wrap: bool, formats: tuple[str, ...] = ()) -> tuple[str, ...]:
    # The same msgid is written once per language: remember its lines.
    out: list[str] = []
    mask = directive_mask(formats, value, name.startswith("msgstr")) if formats else None
    after_break = len(prefix) + 1
    width = (PAGE_WIDTH if wrap else 1 << 30) - 1 - after_break
    first_line = True
    pos = 0
    size = len(value)
    while True:
        newline = value.find("\n", pos)
        end = size if newline < 0 else newline + 1
        portion, overrides = _escape(value[pos:end], mask[pos:end] if mask is not None else None)
        more = end < size
        start = len(prefix) + len(name) + 2 - after_break if first_line else 0
        breaks: list[int] | None = None
        portion_width = text_width(portion)
        if first_line and portion and (more or start > width):
            out.append(f'{prefix}{name} ""')  # write-po.c: an empty first line, then the text
            first_line = False
            start = 0
        if start + portion_width > width:
            # One pass of the line breaker per portion. On the first line, write-po.c breaks
            # after `msgid ""` whenever the text would be broken at all; the greedy breaker
            # breaks a text too wide for its line exactly when it has a break opportunity, so
            # the breaks from column 0 answer both questions (when the text is wider than a
            # whole line; otherwise one line from column 0 holds it and only the existence of
            # an opportunity matters).
            if first_line and portion_width > width:
                breaks = width_breaks(portion, width, 0, overrides)
                if POSSIBLE in breaks:
                    out.append(f'{prefix}{name} ""')
                    first_line = False
                else:
                    breaks = None
            else:
                breaks = width_breaks(portion, width, start, overrides)
                if first_line and POSSIBLE in breaks:
                    out.append(f'{prefix}{name} ""')
                    first_line = False
                    breaks = None  # from column 0 the whole portion fits on one line
        lead = f"{prefix}{name} " if first_line else prefix
        if breaks and POSSIBLE in breaks:
            cut = 0
            for i, kind in enumerate(breaks):
                if kind == POSSIBLE:
                    out.append(f'{lead}"{portion[cut:i]}"')
                    lead = prefix
                    cut = i
            out.append(f'{lead}"{portion[cut:]}"')
        else:
            out.append(f'{lead}"{portion}"')
        first_line = False
        pos = end
        if pos >= size:
            break
    return tuple(out)


def _normalise_references(references: list[str]) -> list[str]:
    seen: set[str] = set()
    result: list[str] = []
    for token in references:
        while token.startswith("./"):
            token = token[2:]
        file, sep, number = token.rpartition(":")
        if sep and number.isdigit() and file:
            token = f"{file}:{int(number)}"
        if token not in seen:
            seen.add(token)
            result.append(token)
    return result


def _ordered_flags(flags: list[str]) -> list[str]:
    """Flags in msgcat's order: fuzzy, format flags, range, no-wrap, then any unknown ones."""
    formats: dict[str, str] = {}
    others: list[str] = []
    fuzzy = rng = nowrap = ""
    for flag in flags:
        if flag == "fuzzy":
            fuzzy = flag
        elif flag == "no-wrap":
            nowrap = flag
        elif flag == "wrap":
            continue
        elif flag.startswith("range:"):
            rng = "range: " + flag[6:].strip()
        elif flag.endswith("-format"):
            stem = flag[:-7]
            negated = stem.startswith("no-")
            base = stem[3:] if negated else stem[9:] if stem.startswith("possible-") else stem
            if base in _FORMAT_RANK:
                formats[base] = f"no-{base}-format" if negated else f"{base}-format"
            else:
                others.append(flag)
        elif flag not in others:
            others.append(flag)
    ordered = [fuzzy] if fuzzy else []
    ordered += [formats[name] for name in sorted(formats, key=_FORMAT_RANK.__getitem__)]
    if rng:
        ordered.append(rng)
    if nowrap:
        ordered.append(nowrap)
    return ordered + others


def _write_entry(out: list[str], entry: Entry) -> None:
    for comment in entry.comments:
        out.append(f"# {comment}" if comment else "#")
    for comment in entry.extracted:
        out.append(f"#. {comment}" if comment else "#.")
    references = _normalise_references(entry.references)
    if references:
        line = "#:"
        column = 2
        for token in references:
            if column > 2 and column + len(token) + 1 > PAGE_WIDTH:
                out.append(line)
                line, column = "#:", 2
            line += " " + token
            column += len(token) + 1
        out.append(line)
    flags = _ordered_flags(entry.flags)
    if flags and flags[0] == "fuzzy" and not entry.translations[0]:
        flags.pop(0)  # gettext drops "fuzzy" from an untranslated entry
    if flags:
        out.append("#, " + ", ".join(flags))
    wrap = "no-wrap" not in flags
    formats = tuple(f for f in entry.flags if f.endswith("-format"))
    prefix = "#~ " if entry.obsolete else ""
    previous_prefix = "#~| " if entry.obsolete else "#| "
    if entry.previous_msgctxt is not None:
        _wrap(out, previous_prefix, "msgctxt", entry.previous_msgctxt, wrap, formats)
    if entry.previous_msgid is not None:
        _wrap(out, previous_prefix, "msgid", entry.previous_msgid, wrap, formats)
    if entry.previous_msgid_plural is not None:
        _wrap(out, previous_prefix, "msgid_plural", entry.previous_msgid_plural, wrap, formats)
    if entry.msgctxt is not None:
        _wrap(out, prefix, "msgctxt", entry.msgctxt, wrap, formats)
    _wrap(out, prefix, "msgid", entry.msgid, wrap, formats)
    if entry.msgid_plural is not None:
        _wrap(out, prefix, "msgid_plural", entry.msgid_plural, wrap, formats)
        for index, text in enumerate(entry.msgstr_plural):
            _wrap(out, prefix, f"msgstr[{index}]", text, wrap, formats)
    else:
        _wrap(out, prefix, "msgstr", entry.msgstr, wrap, formats)


def dumps(catalog: Catalog) -> str:
    """The canonical text of a catalog: what `msgcat` would write for it."""
    out: list[str] = []
    ordered = [e for e in catalog.entries if not e.obsolete]
    ordered += [e for e in catalog.entries if e.obsolete and e.has_translation]
    if catalog.header is not None:
        ordered.insert(0, catalog.header)
    for index, entry in enumerate(ordered):
        if index:
            out.append("")
        _write_entry(out, entry)
    return "\n".join(out) + "\n" if out else ""
