"""The gettext-level checks of a catalog, done by gettext itself, and reading any charset it reads.

`msgfmt -c` is the reference for what a catalog may contain: format directives of every
`*-format` flag (it accepts a reordered `%2$d … %1$s`), the plural forms of the catalog's own
`Plural-Forms` (a form used for one number only may leave the number out), `\\n` at both ends,
duplicates. Re-implementing those rules was wrong in exactly the cases gettext knows best, so its
messages are mapped here to the pipeline's `path:line: [code] …` lines instead. gettext's warnings
(header fields a translation tool fills in) are not problems for this project and are dropped.

Decoding is here too: gettext reads a catalog in the charset its header declares; so does
`decode`, which then says which charset it was (`check` warns, `check --fix` converts to UTF-8).
"""

from __future__ import annotations

import codecs
import os
import re
import shutil
import subprocess
from pathlib import Path

from scripts import pofile
from scripts.diagnostics import Diagnostic, PipelineError, diagnostic

_CHARSET_RE = re.compile(rb"charset\s*=\s*([A-Za-z0-9_.:-]+)")
_UTF8_NAMES = frozenset({"utf-8", "utf8"})
_LOCATION_RE = re.compile(r"^(?P<path>.*?):(?P<line>\d+):(?:\d+:)? (?P<message>.*)$")
# gettext's message (C locale) -> our code; the first pattern that matches wins.
_MESSAGE_CODES = (
    (re.compile(r"duplicate message definition"), "po-duplicate"),
    (re.compile(r"multibyte|charset|character set|encoding", re.IGNORECASE), "po-encoding"),
    (re.compile(r"do not both (?:begin|end) with"), "po-newline"),
    (re.compile(r"but some messages have"), "po-plural-count"),
    (re.compile(r"format"), "po-format"),
    (re.compile(r"plural expression|nplurals|Plural-Forms", re.IGNORECASE), "po-header-plural"),
    (re.compile(r"syntax error|missing 'msgstr|end-of-file|end of file|keyword|invalid control sequence"),
     "po-syntax"),
)
_C_LOCALE = {**os.environ, "LC_ALL": "C", "LANGUAGE": ""}  # gettext's messages in English, as mapped
_SKIPPED = re.compile(r"^warning: |^\.\.\.this is the location of the first definition|^nplurals = \d+\.\.\.$")


def _is_utf8(charset: str) -> bool:
    return charset.lower().replace("_", "-") in _UTF8_NAMES


def declared_charset(raw: bytes) -> str | None:
    """The charset the header's Content-Type declares, read from the bytes (the header of every
    charset gettext supports is ASCII), or None; the template placeholder CHARSET counts as none."""
    head = raw[: raw.find(b"\n\n") if b"\n\n" in raw else 4096]
    match = _CHARSET_RE.search(head)
    if not match or match.group(1).upper() == b"CHARSET":
        return None
    return match.group(1).decode("ascii")


def decode(raw: bytes) -> tuple[str, str | None]:
    """The catalog's text, and the charset it was decoded from when that is not UTF-8.

    A header that declares another charset than UTF-8 over bytes that are valid UTF-8 (and not
    plain ASCII) is read as UTF-8: the header is what is wrong, and `check` says so.
    PoSyntaxError(po-encoding) for a byte-order mark, an unknown charset or bytes invalid in it.
    """
    charset = declared_charset(raw)
    if charset is None or _is_utf8(charset):
        return pofile.decode(raw), None
    try:
        text = raw.decode("utf-8")
        if not raw.isascii():
            return text, None
    except UnicodeDecodeError:
        pass
    if raw.startswith(codecs.BOM_UTF8):
        return pofile.decode(raw), None  # raises po-encoding
    line = raw[: raw.find(b"charset")].count(b"\n") + 1
    try:
        encoding = codecs.lookup(charset).name
    except LookupError:
        raise pofile.PoSyntaxError(line, f"unknown charset {charset!r} in the header",
                                   "declare charset=UTF-8 and save the file as UTF-8", "po-encoding") from None
    try:
        return raw.decode(encoding), charset
    except UnicodeDecodeError as exc:
        bad_line = raw[: exc.start].count(b"\n") + 1
        raise pofile.PoSyntaxError(bad_line, f"not valid {charset} (byte 0x{raw[exc.start]:02x})",
                                   "save the file as UTF-8 and declare charset=UTF-8", "po-encoding") from None


def to_utf8_header(header_msgstr: str) -> str:
    """The header with its Content-Type charset set to UTF-8 (the rest unchanged)."""
    if re.search(r"charset\s*=", header_msgstr):
        return re.sub(r"charset\s*=\s*[\w.:-]+", "charset=UTF-8", header_msgstr)
    return header_msgstr + "Content-Type: text/plain; charset=UTF-8\n"


def start_msgfmt(path: Path, shown: str) -> subprocess.Popen[bytes]:
    """Start `msgfmt -c` on a catalog; `msgfmt_result` collects it. Started first, it runs while
    the pipeline's own checks of the same file do (most of its time is starting the process).

    PipelineError(msgfmt-missing) if gettext is not installed: the check would be incomplete.
    """
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        raise PipelineError(diagnostic("msgfmt-missing", shown, 0, "gettext's msgfmt is not installed"))
    return subprocess.Popen([msgfmt, "-c", "-o", os.devnull, "--", os.fspath(path)], stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=_C_LOCALE)


def msgfmt_result(process: subprocess.Popen[bytes], path: Path, shown: str) -> list[Diagnostic]:
    """What `msgfmt -c` refused in the catalog, as diagnostics of `shown`."""
    _, stderr = process.communicate()
    if not process.returncode:
        return []
    prefix = os.fspath(path) + ":"
    text = stderr.decode("utf-8", "replace")
    return parse_msgfmt("\n".join("-:" + line.removeprefix(prefix) if line.startswith(prefix) else line
                                   for line in text.splitlines()), shown)


def parse_msgfmt(stderr: str, shown: str) -> list[Diagnostic]:
    """msgfmt's error lines as diagnostics; warnings and its summary line are dropped."""
    found: list[Diagnostic] = []
    for raw_line in stderr.splitlines():
        match = _LOCATION_RE.match(raw_line)
        if not match:
            continue  # "msgfmt: found 1 fatal error", indented continuations
        message = match.group("message").strip()
        if _SKIPPED.search(message):
            continue
        code = "po-msgfmt"  # what gettext refuses that has no code of its own
        for pattern, known in _MESSAGE_CODES:
            if pattern.search(message):
                code = known
                break
        message = message.removeprefix("...").rstrip(".") if message.startswith("...") else message
        found.append(diagnostic(code, shown, int(match.group("line")), f"{message} (msgfmt -c)"))
    return found
