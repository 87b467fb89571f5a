"""Defence in depth: whatever a catalog says, an edition carries no script and the build fetches
nothing.

Translations come from anyone, and MyST publishes raw HTML, `{raw}`, `{eval-rst}`, math (raw
LaTeX, and MathJax from another site), images from any address and files from any path as they
are. `check` rejects all of that before a catalog is merged; this module makes an edition safe
even from a catalog that was never checked, and applies the same rules to the Spanish source.

- While a document is read, its translations are parsed with file insertion off ({include},
  {literalinclude}, `raw :file:/:url:`, csv-table files), and MyST's `{{ }}` substitutions are
  off (they evaluate Jinja expressions, which can run code on the build machine).
- After it is read, and again before each builder writes it (so that nothing reaches the image
  downloader, which fetches remote images for LaTeX and EPUB), every raw node, math, http-equiv
  meta, link with a scheme other than http(s)/mailto, image with a scheme or a data: URL, and
  image or download outside source/ is neutralised: shown as text, or dropped.
- Interface strings (sphinx.po) whose markup differs from their msgid are not used, titles
  taken from catalogs are escaped in the templates, and a sphinx.js among the catalogs is never served.
- Every HTML page carries a Content-Security-Policy: scripts only from the site itself (plus
  the hashes of the theme's own inline scripts), nothing from any other origin; and every page
  written is audited for inline script, event handlers and unsafe URLs.

Each neutralisation is a warning of type ``policy`` with a stable subtype (``unsafe-html``,
``unsafe-url``...), so the build matrix fails that edition with `path:line: [code] ...` while
every other edition goes on.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from docutils import nodes
from markupsafe import Markup
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.transforms import SphinxTransform
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging

from scripts import pofile

logger = logging.getLogger(__name__)

WARNING_TYPE = "policy"
# Codes only the build reports; the others it uses (unsafe-html, -script, -handler, -url, -image,
# -directive) mean what scripts/checks.py CODES says.
CODES = {
    "unsafe-math": "math, which would pass raw LaTeX to the PDF and load MathJax from another site",
    "unsafe-path": "an image or download outside source/",
    "translation-unused": "a translation Sphinx cannot use (not one paragraph like its msgid)",
}
LINK_SCHEMES = frozenset({"http", "https", "mailto"})
# Browsers drop these anywhere in a URL before reading its scheme ("java\tscript:").
_URL_IGNORED = re.compile(r"[\x00-\x20\x7f]+")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_MARKUP = re.compile(r"<[^<>]*>|&#?\w+;|[<>\"&`]")
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def url_scheme(url: str) -> str | None:
    """The scheme a browser would see in `url` (lowercase), '//' for a network path, or None."""
    cleaned = _URL_IGNORED.sub("", url)
    if cleaned.startswith(("//", "\\\\", "/\\", "\\/")):
        return "//"
    match = _SCHEME.match(cleaned)
    return match.group(1).lower() if match else None


def _snippet(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


# ---------------------------------------------------------------- locating a problem


def _source_line(node: nodes.Node) -> tuple[str | None, int | None]:
    current: nodes.Node | None = node
    source = line = None
    while current is not None and (source is None or line is None):
        source = source or getattr(current, "source", None)
        line = line or getattr(current, "line", None)
        current = current.parent
    return source, line


def _catalog_line(po_path: Path, needle: str) -> int | None:
    """The line of the entry whose translation contains `needle` (the offending text)."""
    try:
        catalog = pofile.read(po_path)
    except (OSError, pofile.PoSyntaxError):
        return None
    needle = needle.strip()
    for entry in catalog.entries:
        if not entry.obsolete and any(needle and needle in text for text in entry.translations):
            return entry.msgstr_line or entry.line
    return None


def _location(env: Any, node: nodes.Node, needle: str) -> str | None:
    """`path:line` of a problem: in the catalog when the text came from a translation."""
    source, line = _source_line(node)
    if source is None:
        return f"{env.doc2path(env.docname)}" if getattr(env, "docname", None) else None
    if "<translated>" in source:
        source_path = source.split(":", 1)[0]
        docname = env.path2doc(source_path)
        language = env.config.language
        for base in env.config.locale_dirs:
            po_path = Path(base) / language / "LC_MESSAGES" / f"{docname}.po"
            if po_path.is_file():
                found = _catalog_line(po_path, needle)
                return f"{po_path}:{found or 0}"
        return source_path
    return f"{source}:{line or 0}"


# ---------------------------------------------------------------- problems found while reading
#
# The builders of an edition share one read of the sources (HTML reads, LaTeX and EPUB reuse the
# pickled environment), so a warning given while reading would fail the HTML alone and let the
# PDF and the EPUB through. Problems found while reading are kept in the environment, per
# document, and reported by every builder when it finishes.


def record_problem(env: Any, location: str | None, code: str, message: str, hint: str) -> None:
    docname = env.docname
    env.policy_problems = getattr(env, "policy_problems", {})
    env.policy_problems.setdefault(docname, []).append((location, code, message, hint))


def _purge_problems(app: Sphinx, env: Any, docname: str) -> None:
    getattr(env, "policy_problems", {}).pop(docname, None)


def _merge_problems(app: Sphinx, env: Any, docnames: set[str], other: Any) -> None:
    env.policy_problems = getattr(env, "policy_problems", {})
    for docname in docnames:
        if docname in getattr(other, "policy_problems", {}):
            env.policy_problems[docname] = other.policy_problems[docname]


def report_problems(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None:
        return
    problems = getattr(app.env, "policy_problems", {})
    for docname in sorted(problems):
        if docname not in app.env.found_docs:
            continue
        for location, code, message, hint in problems[docname]:
            logger.warning("%s — %s", message, hint, type=WARNING_TYPE, subtype=code, location=location)


# ---------------------------------------------------------------- the doctree


def _replace_with_text(node: nodes.Element, text: str) -> None:
    if isinstance(node.parent, nodes.TextElement):
        node.replace_self(nodes.Text(text) if text else [])
    elif text.strip():
        node.replace_self(nodes.paragraph(text, text))
    else:
        node.parent.remove(node)


def _outside(path: Path, srcdir: Path) -> bool:
    try:
        path.resolve().relative_to(srcdir.resolve())
    except ValueError:
        return True
    return False


class _Sanitizer:
    """One pass over a doctree; `resolve_path` maps a local file reference to an absolute path
    (None: paths are not checked in this pass)."""

    def __init__(self, env: Any, resolve_path: Any, record: bool) -> None:
        self.env = env
        self.resolve_path = resolve_path
        self.srcdir = Path(env.srcdir)
        self.record = record

    def warn(self, node: nodes.Node, code: str, needle: str, message: str, hint: str) -> None:
        location = _location(self.env, node, needle)
        if self.record:
            record_problem(self.env, location, code, message, hint)
        else:
            logger.warning("%s — %s", message, hint, type=WARNING_TYPE, subtype=code, location=location)

    def run(self, doctree: nodes.Node) -> None:
        for node in list(doctree.findall(nodes.raw)):
            self.raw(node)
        for node in list(doctree.findall(nodes.math)) + list(doctree.findall(nodes.math_block)):
            self.math(node)
        for node in list(doctree.findall(nodes.meta)):
            if any(key.lower() == "http-equiv" for key in node.attributes):
                self.warn(node, "unsafe-script", node.get("content", ""),
                          f"an http-equiv meta element is not published ({_snippet(node.get('content', ''))})",
                          "remove the meta directive (it could redirect readers to another site)")
                node.parent.remove(node)
        for node in list(doctree.findall(nodes.image)):
            self.image(node)
        for node in list(doctree.findall(addnodes.download_reference)):
            self.download(node)
        for node in list(doctree.findall(nodes.Element)):
            if "refuri" in node.attributes and node.parent is not None:
                self.link(node)

    def raw(self, node: nodes.raw) -> None:
        text = node.astext()
        formats = node.get("format", "").split()
        if "html" in formats:
            self.warn(node, "unsafe-html", text, f"raw HTML is not published, it is shown as text: {_snippet(text)}",
                      "write MyST (*emphasis*, **strong**, [text](https://...)) instead of HTML")
        else:
            self.warn(node, "unsafe-directive", text,
                      f"raw {' '.join(formats) or 'output'} is not published, it is shown as text: {_snippet(text)}",
                      "remove the {raw} directive or role; write MyST text")
        _replace_with_text(node, text)

    def math(self, node: nodes.Element) -> None:
        text = node.astext()
        self.warn(node, "unsafe-math", text, f"math is not published, it is shown as code: {_snippet(text)}",
                  "write the formula as text (math would pass raw LaTeX to the PDF and load MathJax "
                  "from another site)")
        if isinstance(node, nodes.math_block):
            node.replace_self(nodes.literal_block(text, text))
        else:
            node.replace_self(nodes.literal(text, text))

    def image(self, node: nodes.image) -> None:
        uri = node.get("uri", "")
        scheme = url_scheme(uri)
        alt = node.get("alt", "")
        if scheme == "data":
            self.warn(node, "unsafe-url", uri, f"an image from a data: URL is not published ({_snippet(uri)})",
                      "add the image as a file under source/ and refer to it by its path")
        elif scheme is not None:
            self.warn(node, "unsafe-image", uri, f"an image from another site is not published ({_snippet(uri)})",
                      "add the image as a file under source/ and refer to it by its path; the build "
                      "never downloads images")
        elif self.resolve_path is not None and _outside(self.resolve_path(uri), self.srcdir):
            self.warn(node, "unsafe-path", uri, f"an image outside source/ is not published ({_snippet(uri)})",
                      "refer to a file under source/ (images live in source/imagenes/)")
        else:
            return
        _replace_with_text(node, alt)

    def download(self, node: addnodes.download_reference) -> None:
        target = node.get("reftarget", "")
        if not target or "filename" in node or url_scheme(target) is not None or self.resolve_path is None:
            return  # links are checked as links; collected files were checked when read
        if _outside(self.resolve_path(target), self.srcdir):
            self.warn(node, "unsafe-path", target, f"a download outside source/ is not published ({_snippet(target)})",
                      "refer to a file under source/")
            node.replace_self(node.children or [nodes.Text(target)])

    def link(self, node: nodes.Element) -> None:
        uri = node["refuri"]
        scheme = url_scheme(uri)
        if scheme is None or scheme in LINK_SCHEMES or scheme == "//":
            return
        self.warn(node, "unsafe-url", uri, f"a {scheme}: link is not published ({_snippet(uri)})",
                  "link to an http(s) address, an email (mailto:), or a page of the policy")
        if isinstance(node, nodes.reference):
            children = list(node.children) or [nodes.Text(uri)]
            if isinstance(node.parent, nodes.TextElement) or not all(isinstance(c, nodes.Inline | nodes.Text) for c in children):
                node.replace_self(children)
            else:
                node.replace_self(nodes.paragraph("", "", *children))
        else:
            del node["refuri"]


def _read_path_resolver(env: Any) -> Any:
    docname = env.docname
    return lambda uri: Path(env.relfn2path(uri.split("?", 1)[0], docname)[1])


class SanitizeDoctree(SphinxTransform):
    """After every transform that can produce nodes from text (translations at 20, substitutions
    at 220, external targets at 640), before doctree-read (880) collects images and downloads."""

    default_priority = 870

    def apply(self, **kwargs: Any) -> None:
        _Sanitizer(self.env, _read_path_resolver(self.env), record=True).run(self.document)


class SanitizeBeforeWriting(SphinxPostTransform):
    """The same rules on the doctree a builder is about to write, before the image downloader
    (priority 100) and converters: a doctree pickled by an older build cannot bring back what the
    reading pass removes."""

    default_priority = 5

    def run(self, **kwargs: Any) -> None:
        srcdir = Path(self.env.srcdir)
        _Sanitizer(self.env, lambda uri: srcdir / uri.split("?", 1)[0], record=False).run(self.document)


class NoFileInsertionInTranslations(SphinxTransform):
    """Translations are parsed by Sphinx's Locale transform (priority 20) with the document's own
    settings; with file insertion off there, a msgstr cannot pull any file of the build machine
    (or a URL) into an edition. Restored afterwards for the rest of the document."""

    default_priority = 19

    def apply(self, **kwargs: Any) -> None:
        settings = self.document.settings
        self.document["policy_file_insertion"] = getattr(settings, "file_insertion_enabled", True)
        settings.file_insertion_enabled = False


class RestoreFileInsertion(SphinxTransform):
    default_priority = 21

    def apply(self, **kwargs: Any) -> None:
        if "policy_file_insertion" in self.document:
            self.document.settings.file_insertion_enabled = self.document["policy_file_insertion"]
            del self.document["policy_file_insertion"]


# ---------------------------------------------------------------- configuration and interface strings


def markup_of(text: str) -> Counter[str]:
    """Tags, entities and the characters that end an attribute or start markup, with counts."""
    return Counter(_MARKUP.findall(text))


def _project_interface_catalogs(app: Sphinx, config: Config) -> list[Path]:
    from scripts.sphinxext.editions import edition_language, registry_of  # noqa: PLC0415

    project, _ = registry_of(app)
    lang = edition_language(app, config)
    return [project.catalogdir(tag) / "sphinx.po" for tag in lang.interface_chain]


def _unsafe_interface_strings(app: Sphinx, config: Config) -> dict[str, str]:
    """msgid -> msgstr of every interface translation that adds markup; each is reported."""
    unsafe: dict[str, str] = {}
    for po_path in _project_interface_catalogs(app, config):
        if not po_path.is_file():
            continue
        try:
            catalog = pofile.read(po_path)
        except pofile.PoSyntaxError:
            continue  # reported by the catalog check
        for entry in catalog.entries:
            if entry.obsolete or entry.msgid_plural is not None:
                continue
            if entry.msgstr and markup_of(entry.msgstr) != markup_of(entry.msgid):
                unsafe[entry.msgid] = entry.msgstr
                logger.warning("the interface string %s adds markup (%s) and is not used — %s",
                               _snippet(entry.msgid, 40), _snippet(entry.msgstr, 40),
                               "keep the msgid's HTML, quotes and & exactly; translate only the words",
                               type=WARNING_TYPE, subtype="unsafe-html",
                               location=f"{po_path}:{entry.msgstr_line}")
    return unsafe


def _drop_from_translators(translator: Any, unsafe: dict[str, str]) -> None:
    seen = set()
    while translator is not None and id(translator) not in seen:
        seen.add(id(translator))
        catalog = getattr(translator, "_catalog", None)
        if isinstance(catalog, dict):
            for msgid, msgstr in unsafe.items():
                if catalog.get(msgid) == msgstr:
                    del catalog[msgid]
        translator = getattr(translator, "_fallback", None)


def harden_config(app: Sphinx, config: Config) -> None:
    # `{{ expression }}` is evaluated by Jinja outside any sandbox, with the build environment in
    # reach: in a msgstr it would run code on the build machine. The policy uses none.
    extensions = list(getattr(config, "myst_enable_extensions", []) or [])
    if "substitution" in extensions:
        config.myst_enable_extensions = [e for e in extensions if e != "substitution"]
    unsafe = _unsafe_interface_strings(app, config)
    if unsafe:
        import sphinx.locale  # noqa: PLC0415

        for translator in {id(t): t for t in (app.translator, *sphinx.locale.translators.values())}.values():
            _drop_from_translators(translator, unsafe)
    for po_path in _project_interface_catalogs(app, config):
        script = po_path.with_suffix(".js")
        if script.is_file():
            logger.warning("a sphinx.js among the catalogs would run in every page and is not served — %s",
                           "delete it: interface strings come from sphinx.po only",
                           type=WARNING_TYPE, subtype="unsafe-script", location=f"{script}:1")


_PLURAL_EXPR = re.compile(r"^[n0-9\s()!=<>&|?:%+*/-]+$")


def translations_script(text: str) -> str | None:
    """translations.js without `new Function` (which the CSP forbids: doctools.js evaluates the
    plural expression as a string) and without any interface string that adds markup (one is
    written into the page as HTML by sphinx_highlight.js). None if `text` is not Sphinx's form."""
    try:
        data = json.loads(text[text.index("(") + 1: text.rindex(")")])
        messages = dict(data["messages"])
    except (ValueError, KeyError, TypeError):
        return None
    safe = {}
    for msgid, value in messages.items():
        forms = value if isinstance(value, list) else [value]
        if all(isinstance(f, str) and (not f or markup_of(f) == markup_of(msgid)) for f in forms):
            safe[msgid] = value
    expr = str(data.get("plural_expr", "(n != 1)"))
    if not _PLURAL_EXPR.match(expr):
        expr = "(n != 1)"
    return (
        "// Interface translations (written by scripts/sphinxext/sanitize.py; no eval, for the CSP).\n"
        f"Object.assign(Documentation.TRANSLATIONS, {json.dumps(safe, indent=1, sort_keys=True)});\n"
        f"Documentation.PLURAL_EXPR = (n) => +({expr});\n"
        f"Documentation.LOCALE = {json.dumps(str(data.get('locale', '')))};\n"
    )


def _clean_translations_js(app: Sphinx, exception: Exception | None) -> None:
    """translations.js is built from sphinx.po (scripts.sphinxext.interface) or copied by Sphinx
    from a sphinx.js in locale_dirs: never serve a file a translator wrote, and rewrite the others
    in a form the CSP allows."""
    if exception is not None or app.builder.format != "html":  # the site and the EPUB
        return
    target = Path(app.outdir) / "_static" / "translations.js"
    if not target.is_file():
        return
    source = app.builder._get_translations_js() if hasattr(app.builder, "_get_translations_js") else None
    localedir = Path(app.confdir) / "locale"
    if source and Path(source).resolve().is_relative_to(localedir.resolve()):
        target.unlink()
        return
    rewritten = translations_script(target.read_text(encoding="utf-8"))
    if rewritten is None:
        logger.warning("translations.js is not in Sphinx's form and is not served — %s",
                       "report this: the pipeline writes it from sphinx.po",
                       type=WARNING_TYPE, subtype="unsafe-script", location=f"{target}:1")
        target.unlink()
    else:
        target.write_text(rewritten, encoding="utf-8")


# ---------------------------------------------------------------- Content-Security-Policy


def theme_script_hashes(template_dirs: list[str | Path]) -> list[str]:
    """CSP hashes of the inline scripts the theme's templates write (furo sets the colour theme
    before the page paints); scripts with template code in them are never trusted."""
    hashes = set()
    for base in template_dirs:
        base = Path(base)
        if not base.is_dir():
            continue
        for path in base.rglob("*.html"):
            for body in _INLINE_SCRIPT.findall(path.read_text(encoding="utf-8", errors="replace")):
                if "{{" in body or "{%" in body or "{#" in body:
                    continue
                digest = base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode()
                hashes.add(f"'sha256-{digest}'")
    return sorted(hashes)


def content_security_policy(script_hashes: list[str]) -> str:
    """Everything from the site itself; inline style (furo's colour variables and SVG icons, no
    request can come of it) and data: images (furo's CSS icons); no inline script, no other
    origin, no plugins, no frames, no <base>."""
    return "; ".join([
        "default-src 'self'",
        "script-src " + " ".join(["'self'", *script_hashes]),
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "media-src 'self'",
        "object-src 'none'",
        "frame-src 'none'",
        "worker-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
    ])


def _prepare_csp(app: Sphinx) -> None:
    templates = getattr(app.builder, "templates", None)
    dirs = list(getattr(templates, "pathchain", []) or [])
    app.policy_csp = content_security_policy(theme_script_hashes(dirs))  # type: ignore[attr-defined]


def escape_titles(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    """The edition's title comes from a catalog (scripts.sphinxext.editions), and furo writes
    `docstitle` and `project` without escaping them."""
    for key in ("docstitle", "shorttitle", "project"):
        value = context.get(key)
        if isinstance(value, str) and not isinstance(value, Markup):
            context[key] = Markup(html.escape(value, quote=True))


def add_csp(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    if app.builder.name == "epub" or not getattr(app, "policy_csp", None):
        return
    meta = f'<meta http-equiv="Content-Security-Policy" content="{html.escape(app.policy_csp)}">\n'
    context["metatags"] = meta + (context.get("metatags") or "")


# ---------------------------------------------------------------- auditing the written pages

_URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href", "poster", "data", "srcset",
                             "background", "cite", "ping"})
_FETCHING = frozenset({"src", "poster", "data", "srcset", "background"})
_FORBIDDEN_ELEMENTS = frozenset({"iframe", "frame", "object", "embed", "base", "applet"})


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
                    self.problems.append((line, "unsafe-image", f"<{tag} {name}=> loads {_snippet(value)}"))
                elif tag == "link" and scheme is not None and scheme != "data" and name == "href":
                    rel = next((v or "" for n, v in attrs if n.lower() == "rel"), "")
                    if any(r in rel.lower().split() for r in ("stylesheet", "preload", "prefetch", "icon",
                                                              "modulepreload", "manifest")):
                        self.problems.append((line, "unsafe-image", f"<link rel={rel!r}> loads {_snippet(value)}"))

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            body = "".join(self._script)
            digest = base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode()
            if f"'sha256-{digest}'" not in self.allowed_hashes:
                self.problems.append((self._script_line, "unsafe-script",
                                      f"an inline script the theme does not write ({_snippet(body)})"))
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
    outdir = Path(app.outdir)
    for page in sorted(outdir.rglob("*")):
        if page.suffix not in {".html", ".xhtml"} or not page.is_file():
            continue
        text = page.read_text(encoding="utf-8", errors="replace")
        for line, code, what in audit_page(text, allowed):
            logger.warning("%s in the written page — %s", what,
                           "a translation or a template let markup through; find its source with `check`",
                           type=WARNING_TYPE, subtype=code, location=f"{page}:{line}")


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_transform(NoFileInsertionInTranslations)
    app.add_transform(RestoreFileInsertion)
    app.add_transform(SanitizeDoctree)
    app.add_post_transform(SanitizeBeforeWriting)
    # After editions (100, titles) and interface (200, interface catalogs).
    app.connect("config-inited", harden_config, priority=800)
    app.connect("builder-inited", _prepare_csp)
    app.connect("html-page-context", escape_titles, priority=900)
    app.connect("html-page-context", add_csp, priority=900)
    app.connect("env-purge-doc", _purge_problems)
    app.connect("env-merge-info", _merge_problems)
    app.connect("build-finished", report_problems, priority=300)
    app.connect("build-finished", _clean_translations_js, priority=400)
    app.connect("build-finished", audit_output, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
