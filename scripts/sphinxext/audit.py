"""The last line of defence: every page an edition writes is read back, and anything in it that
could run or fetch (inline script the theme does not write, event handlers, javascript:/data:
URLs, elements that load from another origin, frames, <base>, refresh) fails the edition.

The pages are read with the standard library's html.parser: nothing is rewritten here, only
found, so an HTML sanitiser library (which rewrites) would not do this job.

An incremental build writes a few pages; the others are the files an earlier run audited. Each
page's findings are remembered by its size and modification time (scripts/matrix/statcache, one
file per builder beside the doctrees), under a name carrying the digest of this module and of the
inline scripts allowed, so a page is read again whenever it or the audit changes. A page written
less than two seconds before the audit is always read (a file rewritten within the clock's
resolution could keep its size and time: git's "racily clean" entries).
"""

from __future__ import annotations

import contextlib
import re
import time
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

from scripts.csp import script_hash
from scripts.matrix.statcache import StatCache, code_name
from scripts.sphinxext.problems import snippet, warn
from scripts.sphinxext.sanitize import url_scheme

_URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href", "poster", "data", "srcset",
                             "background", "cite", "ping"})
_FETCHING = frozenset({"src", "poster", "data", "srcset", "background"})
_FORBIDDEN_ELEMENTS = frozenset({"iframe", "frame", "object", "embed", "base", "applet"})
_RACY_NS = 2_000_000_000


class _PageAudit(HTMLParser):
    def __init__(self, allowed_hashes: set[str]) -> None:
        super().__init__(convert_charrefs=True)
        self.allowed_hashes = allowed_hashes
        self.problems: list[tuple[int, str, str]] = []
        self._script: list[str] | None = None
        self._script_line = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        names = {name.lower() for name, _ in attrs}
        if tag in _FORBIDDEN_ELEMENTS:
            self.problems.append((line, "unsafe-script", f"a <{tag}> element"))
        if tag == "meta" and "http-equiv" in names:
            equiv = next((v or "" for n, v in attrs if n.lower() == "http-equiv"), "")
            if equiv.lower() not in {"content-security-policy", "content-type", "x-ua-compatible"}:
                self.problems.append((line, "unsafe-script", f"a <meta http-equiv={equiv!r}>"))
        if tag == "script" and "src" not in names:
            self._script, self._script_line = [], line
        for name, value in attrs:
            name = name.lower()
            if name.startswith("on"):
                self.problems.append((line, "unsafe-handler", f"an event handler {name}= on <{tag}>"))
            if name in _URL_ATTRIBUTES and value:
                scheme = url_scheme(value)
                if scheme in {"javascript", "vbscript"} or (scheme == "data" and tag != "img"):
                    self.problems.append((line, "unsafe-url", f"a {scheme}: URL in <{tag} {name}=>"))
                elif name in _FETCHING and scheme is not None and scheme != "data":
                    self.problems.append((line, "unsafe-image", f"<{tag} {name}=> loads {snippet(value)}"))
                elif tag == "link" and scheme is not None and scheme != "data" and name == "href":
                    rel = next((v or "" for n, v in attrs if n.lower() == "rel"), "")
                    if any(r in rel.lower().split() for r in ("stylesheet", "preload", "prefetch", "icon",
                                                              "modulepreload", "manifest")):
                        self.problems.append((line, "unsafe-image", f"<link rel={rel!r}> loads {snippet(value)}"))

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            body = "".join(self._script)
            if script_hash(body) not in self.allowed_hashes:
                self.problems.append((self._script_line, "unsafe-script",
                                      f"an inline script the theme does not write ({snippet(body)})"))
            self._script = None


_LONGEST_TAG = 8192  # Sphinx and the theme never write a start tag anywhere near this long


def _unclosed_tag(text: str) -> int | None:
    """Offset of a `<` whose tag runs on for more than _LONGEST_TAG characters, found in linear
    time; html.parser would rescan such a tag from every `<` inside it (quadratic)."""
    offset = 0
    for segment in text.split(">"):
        opening = segment.find("<")
        if opening != -1 and len(segment) - opening > _LONGEST_TAG:
            return offset + opening
        offset += len(segment) + 1
    return None


def audit_page(text: str, allowed_hashes: set[str]) -> list[tuple[int, str, str]]:
    """(line, code, what) for everything in a written page that could run or fetch."""
    if (start := _unclosed_tag(text)) is not None:
        return [(text.count("\n", 0, start) + 1, "unsafe-html",
                 f"a tag that does not close within {_LONGEST_TAG} characters")]
    parser = _PageAudit(allowed_hashes)
    try:
        parser.feed(text)
        parser.close()
    except (AssertionError, ValueError) as exc:  # html.parser gives up on some malformed markup
        parser.problems.append((parser.getpos()[0], "unsafe-html", f"markup the audit cannot read ({exc})"))
    return parser.problems


def audit_output(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":  # the site and the EPUB
        return
    allowed = set(re.findall(r"'sha256-[A-Za-z0-9+/=]+'", getattr(app, "policy_csp", "")))
    name = code_name("audit", __file__, extra="\0".join(sorted(allowed)))
    cache = StatCache(Path(app.doctreedir) / f"audit-{app.builder.name}.json")

    def findings(page: Path) -> list[list[Any]]:
        return [list(found) for found in audit_page(page.read_text(encoding="utf-8", errors="replace"), allowed)]

    now = time.time_ns()
    for page in sorted(Path(app.outdir).rglob("*")):
        if page.suffix not in {".html", ".xhtml"} or not page.is_file():
            continue
        recent = now - page.stat().st_mtime_ns < _RACY_NS
        for line, code, what in findings(page) if recent else cache.derived(page, name, findings):
            warn(f"{what} in the written page",
                 "a translation or a template let markup through; find its source with `check`", code,
                 f"{page}:{line}")
    with contextlib.suppress(OSError):  # a read-only doctree directory: the next build reads every page
        cache.save()


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("build-finished", audit_output, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
