"""The doctree sanitiser: whatever a catalog or the source says, an edition's doctree carries no
script and makes the build fetch nothing.

Translations come from anyone, and MyST publishes raw HTML, math (raw LaTeX, and MathJax from
another site), images from any address and files from any path as they are. `check` rejects all
of that before a catalog is merged; this makes an edition safe even from a catalog that was never
checked, and applies the same rules to the Spanish source. Where docutils has its own switch it
is used instead (`docutils_switches`: `raw_enabled` and `file_insertion_enabled` off for every
document and every translation, so {raw}, {include}, {literalinclude}, `raw :file:/:url:` and
csv-table files are refused by docutils itself, with its own warning). MyST's `{{ }}`
substitutions are not enabled (they evaluate Jinja expressions, which can run code on the build
machine). This module covers what no switch does:

- after a document is read, and again before each builder writes it (so that nothing reaches the
  image downloader, which fetches remote images for LaTeX and EPUB), every raw node (MyST's HTML
  blocks and inline HTML, which the build must report at their line, so MyST's syntax stays on),
  math, http-equiv meta, link with a scheme other than http(s)/mailto, image with a scheme or a
  data: URL, and image or download outside source/ is neutralised: shown as text, or dropped;
- each one is a problem recorded for every builder (scripts.sphinxext.problems), so the build
  matrix fails that edition with `path:line: [code] ...` while every other edition goes on.

Interface strings, the CSP, translations.js and the audit of written pages have their own modules.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform
from sphinx.transforms.post_transforms import SphinxPostTransform

from scripts.sphinxext.problems import location_of, record_problem, snippet, warn

LINK_SCHEMES = frozenset({"http", "https", "mailto"})
# Browsers drop these anywhere in a URL before reading its scheme ("java\tscript:").
_URL_IGNORED = re.compile(r"[\x00-\x20\x7f]+")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")


def url_scheme(url: str) -> str | None:
    """The scheme a browser would see in `url` (lowercase), '//' for a network path, or None."""
    cleaned = _URL_IGNORED.sub("", url)
    if cleaned.startswith(("//", "\\\\", "/\\", "\\/")):
        return "//"
    match = _SCHEME.match(cleaned)
    return match.group(1).lower() if match else None


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
        location = location_of(self.env, node, needle)
        if self.record:
            record_problem(self.env, location, code, message, hint)
        else:
            warn(message, hint, code, location)

    def run(self, doctree: nodes.Node) -> None:
        for node in list(doctree.findall(nodes.raw)):
            self.raw(node)
        for node in list(doctree.findall(nodes.math)) + list(doctree.findall(nodes.math_block)):
            self.math(node)
        for node in list(doctree.findall(nodes.meta)):
            if any(key.lower() == "http-equiv" for key in node.attributes):
                self.warn(node, "unsafe-script", node.get("content", ""),
                          f"an http-equiv meta element is not published ({snippet(node.get('content', ''))})",
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
            self.warn(node, "unsafe-html", text, f"raw HTML is not published, it is shown as text: {snippet(text)}",
                      "write MyST (*emphasis*, **strong**, [text](https://...)) instead of HTML")
        else:
            self.warn(node, "unsafe-directive", text,
                      f"raw {' '.join(formats) or 'output'} is not published, it is shown as text: {snippet(text)}",
                      "remove the {raw} directive or role; write MyST text")
        _replace_with_text(node, text)

    def math(self, node: nodes.Element) -> None:
        text = node.astext()
        self.warn(node, "unsafe-math", text, f"math is not published, it is shown as code: {snippet(text)}",
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
            self.warn(node, "unsafe-url", uri, f"an image from a data: URL is not published ({snippet(uri)})",
                      "add the image as a file under source/ and refer to it by its path")
        elif scheme is not None:
            self.warn(node, "unsafe-image", uri, f"an image from another site is not published ({snippet(uri)})",
                      "add the image as a file under source/ and refer to it by its path; the build "
                      "never downloads images")
        elif self.resolve_path is not None and _outside(self.resolve_path(uri), self.srcdir):
            self.warn(node, "unsafe-path", uri, f"an image outside source/ is not published ({snippet(uri)})",
                      "refer to a file under source/ (images live in source/imagenes/)")
        else:
            return
        _replace_with_text(node, alt)

    def download(self, node: addnodes.download_reference) -> None:
        target = node.get("reftarget", "")
        if not target or "filename" in node or url_scheme(target) is not None or self.resolve_path is None:
            return  # links are checked as links; collected files were checked when read
        if _outside(self.resolve_path(target), self.srcdir):
            self.warn(node, "unsafe-path", target, f"a download outside source/ is not published ({snippet(target)})",
                      "refer to a file under source/")
            node.replace_self(node.children or [nodes.Text(target)])

    def link(self, node: nodes.Element) -> None:
        uri = node["refuri"]
        scheme = url_scheme(uri)
        if scheme is None or scheme in LINK_SCHEMES or scheme == "//":
            return
        self.warn(node, "unsafe-url", uri, f"a {scheme}: link is not published ({snippet(uri)})",
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


def docutils_switches(app: Sphinx) -> None:
    """docutils' own switches, in the settings every document (and every translation Sphinx's
    Locale transform parses with the document's settings) is read with."""
    app.env.settings["raw_enabled"] = False
    app.env.settings["file_insertion_enabled"] = False


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("builder-inited", docutils_switches)
    app.add_transform(SanitizeDoctree)
    app.add_post_transform(SanitizeBeforeWriting)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
