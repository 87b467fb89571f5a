"""What a translation's markup amounts to, read with MyST's own parser, and the checks on it.

Sphinx parses every msgstr on its own with MyST-Parser, so the safe way to know whether a
translation carries raw HTML, a role or a link is to parse it as MyST does: `<base de datos>`
inside ``{term}`database <base de datos>` `` is a role target, `<meta>` inside backticks is
code, "JavaScript:" in a sentence is text. The same parser (MyST's markdown-it configuration,
with the extensions `scripts.sphinxext.defaults` enables) reads the msgid and the msgstr, and the
checks compare what they found: the markup the source has must survive (myst-*), and nothing that
runs or fetches may be added (unsafe-*). Two settings differ from a build, on purpose: every link
destination is accepted (markdown-it would otherwise turn `[x](javascript:...)` into text and
hide the attempt) and link URLs are not percent-encoded (they are compared, not written).

Catalogs of reStructuredText projects are recognised (`is_restructuredtext`): for them only the
checks that mean the same in reST run (see `rest_problems`).
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from scripts.adoption import PLACEHOLDER_ROLES

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

# report(line, code, message, hint)
Report = Callable[[int, str, str, str], None]

LINK_ROLES = frozenset({"ref", "term", "doc", "numref", "download", "eq", "any", "cite", "footcite", "keyword",
                        "option", "envvar", "token", "py:func", "py:class", "py:mod"})
# scripts/sphinxext/defaults.py's myst_enable_extensions (a test keeps them equal; importing it here
# would load Sphinx for every `check`). substitution stays although the build hardens it away:
# a {{ }} must still be compared.
MYST_EXTENSIONS = frozenset({"colon_fence", "deflist", "fieldlist", "substitution", "attrs_block"})
RAW_NAMES = frozenset({"raw", "eval-rst"})
# Directives whose content is shown as it is written, not parsed as MyST
LITERAL_DIRECTIVES = frozenset({"code", "code-block", "sourcecode", "code-cell", "literalinclude", "math",
                                "csv-table", "graphviz", "mermaid"})
_DIRECTIVE_OPTIONS_RE = re.compile(r"\A(?:---\n(?:[^\n]*\n)*?---\n|(?:[ \t]*:[\w-]+:[^\n]*\n)*)")
# A text needs parsing only if it has one of these: HTML or an autolink, code, a backtick fence or a
# role, a substitution, a link, a reference definition, a footnote, a colon or tilde fence.
_NEEDS_PARSING_RE = re.compile(r"[<`]|\{\{|\]\(|\]:|\]\[|\[\^|:::|~~~")
_SCRIPT_RE = re.compile(r"<\s*/?\s*(script|iframe|object|embed|style|form|meta|link|base|svg|math)\b", re.IGNORECASE)
_HANDLER_RE = re.compile(r"<[^<>]*?\s(on[a-z]+)\s*=", re.IGNORECASE)
_TAG_RE = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)(?=[\s/>])[^<>]*>|<!--")
_ATTR_URL_RE = re.compile(r"\b(?:href|src|action|formaction|srcset|xlink:href|data)\s*=\s*"
                          r"(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+))", re.IGNORECASE)
# Browsers drop controls and spaces anywhere in a URL before reading its scheme ("java\tscript:").
_URL_IGNORED_RE = re.compile(r"[\x00-\x20\x7f]+")
_BAD_SCHEME_RE = re.compile(r"^(javascript|vbscript|data):", re.IGNORECASE)
_REMOTE_RE = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)
_FENCE_LINE_RE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,}|:{3,})", re.MULTILINE)


def bad_scheme(url: str) -> bool:
    """True for a javascript:, vbscript: or data: URL, as a browser would read its scheme (after
    decoding character references, as it does in an attribute)."""
    return bool(_BAD_SCHEME_RE.match(_URL_IGNORED_RE.sub("", html.unescape(url))))


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    from markdown_it.renderer import RendererHTML  # noqa: PLC0415 - loaded only when a text has markup
    from myst_parser.config.main import MdParserConfig  # noqa: PLC0415
    from myst_parser.parsers.mdit import create_md_parser  # noqa: PLC0415

    md = create_md_parser(MdParserConfig(enable_extensions=set(MYST_EXTENSIONS)), RendererHTML)
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    md.normalizeLink = lambda url: url  # type: ignore[method-assign]
    md.core.ruler.disable(["text_join", "wordcount"], ignoreInvalid=True)  # nothing compared comes from them
    md.block.ruler.disable(["front_matter", "table", "heading", "lheading", "hr"], ignoreInvalid=True)
    md.inline.ruler.disable(["emphasis"], ignoreInvalid=True)
    md.inline.ruler2.disable(["balance_pairs", "emphasis", "fragments_join"], ignoreInvalid=True)
    return md


@dataclass
class Markup:
    """The markup of one text, as MyST reads it."""

    roles: Counter[tuple[str, str]] = field(default_factory=Counter)
    code: Counter[str] = field(default_factory=Counter)
    links: Counter[str] = field(default_factory=Counter)
    images: Counter[str] = field(default_factory=Counter)
    footnotes: Counter[str] = field(default_factory=Counter)
    substitutions: Counter[str] = field(default_factory=Counter)
    html: Counter[str] = field(default_factory=Counter)  # raw HTML fragments, as written
    raw: int = 0  # {raw} / {eval-rst} roles and directives
    fences: Counter[str] = field(default_factory=Counter)


def _role(name: str, content: str) -> tuple[str, str]:
    if name not in LINK_ROLES:
        return (name, "")
    target = content.strip()
    if target.endswith(">") and "<" in target:
        target = target[target.rindex("<") + 1:-1].strip()
    return (name, target)


def _inline(children: Iterable[Token], found: Markup) -> None:
    for token in children:
        kind = token.type
        if kind == "myst_role":
            name = str(token.meta.get("name", ""))
            if name in RAW_NAMES:
                found.raw += 1
            elif name in PLACEHOLDER_ROLES:
                pass  # adoption parameters: compared by name by adoption.check_placeholders (param-*)
            else:
                found.roles[_role(name, token.content)] += 1
        elif kind == "code_inline":
            found.code[token.content.strip()] += 1
        elif kind == "link_open":
            found.links[str(token.attrs.get("href", ""))] += 1
        elif kind == "image":
            found.images[str(token.attrs.get("src", ""))] += 1
        elif kind == "footnote_ref":
            found.footnotes[str(token.meta.get("label", ""))] += 1
        elif kind == "substitution_inline":
            found.substitutions[token.content.strip()] += 1
        elif kind == "html_inline":
            found.html[token.content] += 1
        if token.children and kind != "image":
            _inline(token.children, found)


_NO_MARKUP = Markup()


@lru_cache(maxsize=4096)
def markup_of(text: str) -> Markup:
    """Everything MyST would make of `text` that the checks compare (cached: msgids repeat).

    Most sentences have no markup at all: they get one shared empty Markup, never parsed."""
    needs_parsing = _NEEDS_PARSING_RE.search(text)
    fences = _FENCE_LINE_RE.findall(text) if ("``" in text or "~~" in text or "::" in text) else []
    if not needs_parsing and not fences:
        return _NO_MARKUP
    found = Markup()
    found.fences.update(fence[0] * 3 for fence in fences)
    if not needs_parsing:
        return found
    tokens = _parser().parse(text, {})
    for token in tokens:
        kind = token.type
        if kind == "inline" and token.children:
            _inline(token.children, found)
        elif kind == "html_block":
            found.html[token.content] += 1
        elif kind in ("fence", "colon_fence") and token.info.startswith("{"):
            name = token.info[1:].split("}", 1)[0].strip()
            if name in RAW_NAMES:
                found.raw += 1
            elif name not in LITERAL_DIRECTIVES:  # MyST parses a directive's content as MyST
                _merge(found, markup_of(_DIRECTIVE_OPTIONS_RE.sub("", token.content)))
        elif kind == "substitution_block":
            found.substitutions[token.content.strip()] += 1
    return found


def _merge(into: Markup, other: Markup) -> None:
    for name in ("roles", "code", "links", "images", "footnotes", "substitutions", "html", "fences"):
        getattr(into, name).update(getattr(other, name))
    into.raw += other.raw


def _show(item: object) -> str:
    if isinstance(item, tuple):
        name, target = item
        return f"{{{name}}}`{target}`" if target else f"{{{name}}}"
    return repr(item)


def _differs(report: Report, line: int, code: str, what: str, source: Counter[Any], translation: Counter[Any],
             hint: str) -> None:
    missing = source - translation
    extra = translation - source
    if not missing and not extra:
        return
    parts = []
    if missing:
        parts.append("missing " + ", ".join(_show(x) for x in sorted(missing, key=str)))
    if extra:
        parts.append("not in the source " + ", ".join(_show(x) for x in sorted(extra, key=str)))
    report(line, code, f"{what}: {'; '.join(parts)}", hint)


def unsafe_problems(text: str, source: str, line: int, report: Report) -> bool:
    """The safety checks that need no comparison of markup (they run on fuzzy entries too).

    Raw HTML the msgid has verbatim is the source's own (the build checks the source); only what
    the translation adds is reported. True if an unsafe element or attribute was reported.
    """
    mine = markup_of(text)
    if mine is _NO_MARKUP:
        return False
    theirs = markup_of(source)
    added_html = list((mine.html - theirs.html).elements())
    unsafe = False
    script = next((m for fragment in added_html if (m := _SCRIPT_RE.search(fragment))), None)
    if script:
        unsafe = True
        report(line, "unsafe-script", f"the translation contains <{script.group(1)}>",
               "remove the element; translations are text and MyST markup only")
    handler = next((m for fragment in added_html if (m := _HANDLER_RE.search(fragment))), None)
    if handler:
        unsafe = True
        report(line, "unsafe-handler", f"the translation contains an event handler ({handler.group(1)}=)",
               "remove the attribute; translations are text and MyST markup only")
    urls = [*mine.links, *mine.images]
    urls += [next(g for g in m.groups() if g is not None) for fragment in added_html
             for m in _ATTR_URL_RE.finditer(fragment)]
    bad = [url for url in urls if bad_scheme(url)]
    if bad:
        report(line, "unsafe-url", f"the translation links to {bad[0]!r}", "use the http(s) address the source text uses")
    if mine.raw > theirs.raw:
        report(line, "unsafe-directive", "the translation contains a {raw} or {eval-rst} directive or role",
               "remove it; raw output is never allowed in a translation")
    return unsafe


def markup_problems(text: str, source: str, line: int, report: Report, unsafe_reported: bool) -> None:
    """The markup of the source that must survive in the translation, and HTML it must not add."""
    mine = markup_of(text)
    theirs = markup_of(source)
    if mine is theirs or mine == theirs:
        return
    if mine.fences != theirs.fences:
        report(line, "myst-fence", "a code or directive fence (```, ~~~, :::) opens or closes here that the "
               "msgid does not have", "write the text as one paragraph, like the msgid: no line starting with "
               "``` or :::, or exactly the fences the msgid has")
    _differs(report, line, "myst-role", "roles differ", theirs.roles, mine.roles,
             "keep each {role}`target` of the source; translate only the text before <target>, "
             "e.g. {term}`open data <datos abiertos>`")
    _differs(report, line, "myst-code", "inline code differs", theirs.code, mine.code,
             "copy every `code` span of the source unchanged")
    images = Counter({src: n for src, n in mine.images.items() if not bad_scheme(src)})
    remote = [src for src in images if _REMOTE_RE.match(src) and src not in theirs.images]
    for src in remote:
        del images[src]  # reported below as unsafe-image
    _differs(report, line, "myst-image", "image sources differ", theirs.images, images,
             "keep the image path of the source: ![translated alt text](same/path.png)")
    if remote:
        report(line, "unsafe-image", f"the translation loads an image from {remote[0]!r}",
               "use the image of the source; images are stored in the repository (source/imagenes)")
    links = Counter({href: n for href, n in mine.links.items() if not bad_scheme(href)})
    _differs(report, line, "myst-link", "link targets differ", theirs.links, links,
             "keep the (URL) of every [text](URL) of the source; translate only the [text]")
    _differs(report, line, "myst-footnote", "footnote references differ", theirs.footnotes, mine.footnotes,
             "keep every [^label] of the source, with the same label")
    _differs(report, line, "myst-substitution", "substitutions differ", theirs.substitutions, mine.substitutions,
             "keep every {{ name }} of the source unchanged")
    added = mine.html - theirs.html
    if not added or unsafe_reported:
        return
    source_tags = Counter(m.group(2).lower() for f in theirs.html.elements() for m in _TAG_RE.finditer(f) if m.group(2))
    tags = Counter(m.group(2).lower() for f in mine.html.elements() for m in _TAG_RE.finditer(f) if m.group(2))
    comments = sum("<!--" in f for f in mine.html.elements()) - sum("<!--" in f for f in theirs.html.elements())
    extra_tags = tags - source_tags
    if extra_tags or comments > 0:
        what = f"<{sorted(extra_tags)[0]}>" if extra_tags else "an HTML comment"
        report(line, "unsafe-html", f"the translation adds raw HTML ({what})",
               "use MyST markup (*emphasis*, **strong**, [links](URL)) instead of HTML")


# reStructuredText: what tells a reST catalog from a MyST one, and the checks that mean the same.
_REST_MARKUP_RE = re.compile(r"(?<![\w`]):[A-Za-z][\w.+-]*(?::[\w.+-]+)*:`|`[^`\n]+`__?(?![\w`])|^\.\. [\w-]+::",
                             re.MULTILINE)
_MYST_MARKUP_RE = re.compile(r"\{[A-Za-z][\w.+:-]*\}`|\]\(|\[\^|\{\{")
_REST_SUFFIXES = (".rst", ".rest", ".txt")
_REST_RAW_RE = re.compile(r"^\s*\.\.\s+raw::|:raw(?:-[\w]+)?:`", re.IGNORECASE | re.MULTILINE)
_REST_URL_RE = re.compile(r"<([^<>`]+)>`__?")
_REST_IMAGE_RE = re.compile(r"^\s*\.\.\s+(?:image|figure)::\s*(\S+)", re.IGNORECASE | re.MULTILINE)
REST_SKIPPED = ("myst-role", "myst-link", "myst-code", "myst-fence", "myst-footnote", "myst-substitution",
                "myst-image", "unsafe-html", "unsafe-script", "unsafe-handler")


def is_restructuredtext(msgids: Iterable[str], references: Iterable[str]) -> bool:
    """Whether a catalog's source is reStructuredText: by the files its `#:` references name, or,
    without references, by which markup its msgids use more."""
    suffixes = Counter(ref.rsplit(":", 1)[0].rsplit(".", 1)[-1].lower() for ref in references if "." in ref)
    rest = sum(suffixes[s.lstrip(".")] for s in _REST_SUFFIXES)
    if rest or suffixes["md"]:
        return rest > suffixes["md"]
    rest_marks = myst_marks = 0
    for msgid in msgids:
        if "`" in msgid or ".. " in msgid:
            rest_marks += len(_REST_MARKUP_RE.findall(msgid))
        if "{" in msgid or "](" in msgid or "[^" in msgid:
            myst_marks += len(_MYST_MARKUP_RE.findall(msgid))
    return rest_marks > myst_marks


def rest_problems(text: str, source: str, line: int, report: Report) -> None:
    """The safety checks of a reST translation: raw output, script URLs in links, remote images
    (raw HTML in reST text is shown as text, so it is not looked for)."""
    if len(_REST_RAW_RE.findall(text)) > len(_REST_RAW_RE.findall(source)):
        report(line, "unsafe-directive", "the translation contains a raw directive or role",
               "remove it; raw output is never allowed in a translation")
    bad = [url for url in _REST_URL_RE.findall(text) if bad_scheme(url)]
    if bad:
        report(line, "unsafe-url", f"the translation links to {bad[0]!r}", "use the http(s) address the source uses")
    source_images = set(_REST_IMAGE_RE.findall(source))
    remote = [src for src in _REST_IMAGE_RE.findall(text) if _REMOTE_RE.match(src) and src not in source_images]
    if remote:
        report(line, "unsafe-image", f"the translation loads an image from {remote[0]!r}", "use the source's image")
