"""The bilingual edition: Spanish beside the translation, paragraph by paragraph, as INALI and the
state governments publish laws in Indigenous languages (readers who read both; reviewers who
check a translation against its source).

Before Sphinx's Locale transform replaces a translatable node's text, ``RememberSource`` keeps
the Spanish text on the node (``policy_source_text``); the translated doctree then holds both
sides of every message, in document order, and the ``bilingual`` builder writes them as rows:

- HTML, one page per chapter (toctree order) and an index, in ``<outdir>/html``; two columns on
  wide screens, one after the other on phones, each side with its own ``lang``;
- LaTeX for xelatex, ``<outdir>/<basename>-bilingue.tex``, with ``paracol`` keeping the columns
  aligned paragraph by paragraph, Spanish hyphenation on the Spanish side and the edition's
  LaTeX language on the other, FreeSerif (which covers ꞌ ʼ ’ and combining marks).

An untranslated message is one row across both columns, shown once and marked (the margin rule
and sign of scripts.sphinxext.honesty in the PDF, ``lang="es"`` and the sign on the web).

The writer is hand-written: Sphinx's HTML and LaTeX writers render one document in one
language, and no Sphinx or docutils writer renders two aligned texts. Rows are plain text
(emphasis and links are on the edition's own pages), which is what parallel text needs.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.builders.latex.constants import ADDITIONAL_SETTINGS
from sphinx.builders.latex.util import ExtBabel
from sphinx.transforms import SphinxTransform
from sphinx.util.docutils import new_document
from sphinx.util.nodes import extract_messages
from sphinx.util.texescape import escape

from scripts.csp import content_security_policy, meta_element
from scripts.project import edition_basename
from scripts.site_layout import BILINGUAL_INDEX
from scripts.sphinxext import honesty
from scripts.sphinxext.editions import edition_of

SOURCE_TEXT = "policy_source_text"
SOURCE_NODE = "policy_source_node"
HTML_DIR = "html"
STYLESHEET = "bilingue.css"
TEX_SUFFIX = "-bilingue"


class RememberSource(SphinxTransform):
    """Keep the source text of every translatable node, for the bilingual edition."""

    default_priority = 19  # before Locale (20)

    def apply(self, **kwargs: Any) -> None:
        config = self.env.config
        if not config.language or config.language == (config.policy_source_language or "es"):
            return
        for node, _msg in extract_messages(self.document):
            node[SOURCE_TEXT] = node.astext()
            # The Spanish node itself: its references and parameters get their text only when
            # the doctree is resolved, which the builder does for this copy too.
            node[SOURCE_NODE] = node.deepcopy()


@dataclass(frozen=True)
class Row:
    kind: str  # "heading", "term", "caption" or "text"
    level: int  # heading level (1 = the chapter's title)
    source: str
    translation: str | None  # None: not translated (shown once, in Spanish, marked)


def _kind(node: nodes.Element) -> tuple[str, int]:
    if isinstance(node, nodes.title) and isinstance(node.parent, nodes.section):
        level = sum(1 for ancestor in _ancestors(node) if isinstance(ancestor, nodes.section))
        return "heading", level
    if isinstance(node, nodes.term):
        return "term", 0
    if isinstance(node, (nodes.caption, nodes.title, nodes.rubric)):
        return "caption", 0
    return "text", 0


def _ancestors(node: nodes.Node) -> Iterator[nodes.Node]:
    while node.parent is not None:
        node = node.parent
        yield node


def document_rows(doctree: nodes.document, resolve: Callable[[nodes.Element], str] | None = None) -> list[Row]:
    """Every message of one document, in order, with its source and translation. An untranslated
    node is its own source; a translated one's source is the Spanish copy RememberSource kept,
    resolved by `resolve` (its text before resolution lacks reference and parameter text)."""
    rows = []
    for node in doctree.findall(nodes.Element):
        if "translated" not in node or isinstance(node, nodes.image):
            continue
        kind, level = _kind(node)
        text = node.astext().strip()
        if not text:
            continue
        if not node["translated"]:
            rows.append(Row(kind, level, text, None))
            continue
        copy = node.get(SOURCE_NODE)
        source = resolve(copy) if resolve is not None and isinstance(copy, nodes.Element) else None
        rows.append(Row(kind, level, (source or str(node.get(SOURCE_TEXT, text))).strip(), text))
    return rows


# ---------------------------------------------------------------- HTML


def page_file(docname: str) -> str:
    """One flat directory of pages ("anexos/plantilla" -> "anexos.plantilla.html"), so every
    page's relative links (stylesheet, neighbours) are the same."""
    return docname.replace("/", ".") + ".html"

BILINGUAL_CSS = """*{box-sizing:border-box}
body{font-family:"Noto Serif","FreeSerif",Georgia,serif;line-height:1.5;margin:0 auto;padding:1rem;max-width:72rem;
color:#1a1a1a;background:#fff;overflow-wrap:anywhere}
header p,nav{font-family:system-ui,sans-serif;font-size:.95rem}
.pair{display:grid;grid-template-columns:minmax(0,1fr);gap:.2rem 2rem;margin:0 0 1rem}
.pair>div{min-width:0}.pair>div>*{margin:0}
.pair .es{color:#333}
.pair .tr{border-left:3px solid #0b5394;padding-left:.6rem}
.pair.untranslated .es{border-left:4px double #1a1a1a;padding-left:.6rem}
.sign{font-family:system-ui,sans-serif;font-size:.8rem;font-weight:700;margin-right:.4rem}
.columns{display:none}
@media (min-width:48rem){.pair{grid-template-columns:minmax(0,1fr) minmax(0,1fr)}
.pair .tr{border-left:0;padding-left:0}.pair.untranslated>div{grid-column:1/-1}
.columns{display:grid;font-family:system-ui,sans-serif;font-weight:700;border-bottom:1px solid #999}}
@media (prefers-color-scheme:dark){body{color:#e6e6e6;background:#131416}.pair .es{color:#ccc}
.pair.untranslated .es{border-color:#e6e6e6}a{color:#8ab4f8}}
"""


def _html_block(row: Row, text: str) -> str:
    escaped = html.escape(text)
    if row.kind == "heading":
        level = min(row.level + 1, 6)
        return f"<h{level}>{escaped}</h{level}>"
    if row.kind == "term":
        return f"<p><strong>{escaped}</strong></p>"
    if row.kind == "caption":
        return f"<p><em>{escaped}</em></p>"
    return f"<p>{escaped}</p>"


def html_rows(rows: list[Row], tag: str, sign_title: str) -> str:
    out = []
    for row in rows:
        if row.translation is None:
            sign = f'<span class="sign" title="{html.escape(sign_title)}">{honesty.SIGN}</span>'
            block = _html_block(row, row.source).replace(">", ">" + sign, 1)
            out.append(f'<div class="pair untranslated"><div class="es" lang="es">{block}</div></div>')
        else:
            out.append(f'<div class="pair"><div class="es" lang="es">{_html_block(row, row.source)}</div>'
                       f'<div class="tr" lang="{tag}">{_html_block(row, row.translation)}</div></div>')
    return "\n".join(out)


def html_page(*, tag: str, interface_lang: str, title: str, header: str, body: str, nav: str) -> str:
    return f"""<!DOCTYPE html>
<html lang="{tag}">
<head>
<meta charset="utf-8">
{meta_element(content_security_policy([]))}<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<link rel="stylesheet" href="{STYLESHEET}">
</head>
<body>
<header lang="{interface_lang}">{header}</header>
<nav lang="{interface_lang}">{nav}</nav>
<main>
{body}
</main>
</body>
</html>
"""


# ---------------------------------------------------------------- LaTeX


def latex_text(text: str) -> str:
    return escape(text)  # the full map: keeps U+0027 straight (xelatex would curl it into U+2019)


def _latex_block(row: Row, text: str) -> str:
    escaped = latex_text(text)
    if row.kind == "heading":
        size = "\\Large" if row.level <= 1 else "\\large"
        return f"{{{size}\\bfseries\\raggedright {escaped}\\par}}"
    if row.kind == "term":
        return f"\\textbf{{{escaped}}}\\par"
    if row.kind == "caption":
        return f"\\textit{{{escaped}}}\\par"
    return escaped + "\\par"


def latex_rows(rows: list[Row], other_language: str | None) -> str:
    """The rows as paracol text: each translated pair synchronised (\\switchcolumn*), each
    untranslated row outside the columns, once, framed with the margin rule."""
    out = ["\\begin{paracol}{2}"]
    for index, row in enumerate(rows):
        if row.translation is None:
            # A run of untranslated rows is one framed block between two parallel stretches.
            starts = index == 0 or rows[index - 1].translation is not None
            ends = index + 1 == len(rows) or rows[index + 1].translation is not None
            out += [*(["\\end{paracol}", "\\begin{policyuntranslated}"] if starts else []),
                    _latex_block(row, row.source),
                    *(["\\end{policyuntranslated}", "\\begin{paracol}{2}"] if ends else [])]
            continue
        translation = _latex_block(row, row.translation)
        if other_language:
            # The translation's hyphenation patterns only: polyglossia's otherlanguage sets the
            # whole language up again (fonts, captions, dates) at each of the ~2,400 rows, and paracol
            # replays it; a fully translated English edition took 25 s per xelatex pass, 4 s with this.
            translation = f"\\begin{{hyphenrules}}{{{other_language}}}{translation}\\end{{hyphenrules}}"
        out += [_latex_block(row, row.source), "\\switchcolumn", translation, "\\switchcolumn*"]
    out.append("\\end{paracol}")
    return "\n".join(out)


def latex_document(*, title: str, heading: str, lines: list[str], info: dict[str, str], main_language: str,
                   other_language: str | None, chapters: list[str]) -> str:
    from scripts.sphinxext.metadata import hypersetup  # noqa: PLC0415

    fonts = ADDITIONAL_SETTINGS["xelatex"]["fontpkg"]
    other = f"\\setotherlanguage{{{other_language}}}\n" if other_language else ""
    notice = "\\\\\n".join(latex_text(line).replace(latex_text(honesty.SIGN), "\\policyuntranslatedsign{}")
                           for line in lines)
    return f"""\\documentclass[11pt,letterpaper]{{article}}
\\tracinglostchars=2
\\usepackage{{fontspec}}
{fonts}
\\usepackage{{polyglossia}}
\\setmainlanguage{{{main_language}}}
{other}\\usepackage[margin=2cm]{{geometry}}
\\usepackage{{paracol}}
\\usepackage{{framed}}
\\usepackage{{hyperref}}
\\newcommand{{\\sphinxhyphen}}{{\\discretionary{{-}}{{}}{{-}}}}
\\pdfstringdefDisableCommands{{\\def\\sphinxhyphen{{-}}}}
{hypersetup(info, "xelatex")}
{honesty.LATEX_MARKS}
\\setlength{{\\parindent}}{{0pt}}
\\setlength{{\\parskip}}{{0.6ex}}
\\setlength{{\\columnseprule}}{{0.4pt}}
\\begin{{document}}
\\begin{{center}}
{{\\LARGE\\bfseries {latex_text(title)}\\par}}
\\bigskip
{{\\large {latex_text(heading)}\\par}}
\\bigskip
\\begin{{minipage}}{{0.85\\textwidth}}\\centering
{notice}
\\end{{minipage}}
\\end{{center}}
\\bigskip
{chr(10).join(chapters)}
\\end{{document}}
"""


# ---------------------------------------------------------------- the builder


class BilingualBuilder(Builder):
    """Writes the bilingual edition (HTML pages and a .tex file) from the translated doctrees."""

    name = "bilingual"
    format = "bilingual"
    epilog = "The bilingual edition is in %(outdir)s."
    supported_image_types = []  # noqa: RUF012 - Sphinx declares it on the class

    def init(self) -> None:
        self.rows: dict[str, list[Row]] = {}

    def get_outdated_docs(self) -> str:
        return "all documents"

    def get_target_uri(self, docname: str, typ: str | None = None) -> str:
        return page_file(docname)

    def prepare_writing(self, docnames: Any) -> None:
        pass

    def write_doc(self, docname: str, doctree: nodes.document) -> None:
        def resolve(copy: nodes.Element) -> str:
            scratch = new_document(doctree.get("source", docname), doctree.settings)
            scratch += copy.deepcopy()
            self.env.apply_post_transforms(scratch, docname)
            return scratch.astext()

        self.rows[docname] = document_rows(doctree, resolve)

    def reading_order(self) -> list[str]:
        order: list[str] = []

        def visit(docname: str) -> None:
            if docname in order or docname not in self.rows:
                return
            order.append(docname)
            for child in self.env.toctree_includes.get(docname, []):
                visit(child)

        visit(self.config.root_doc)
        return order + sorted(set(self.rows) - set(order))

    def finish(self) -> None:
        edition = edition_of(self.app)
        lang = edition.language
        _ = self.app.translator.gettext
        notice = honesty.edition_notice(self.app, _(
            "It is shown once, across both columns, and marked with a rule in the left margin and the sign "
            "%(sign)s.") % {"sign": honesty.SIGN})
        heading = _("Bilingual edition: Spanish and %(language)s") % {"language": notice.language}
        order = self.reading_order()
        self.write_html(order, lang.tag, notice.interface_lang, heading, list(notice.lines))
        babel = ExtBabel(lang.latex_language or lang.tag, True)
        other = babel.get_language() if babel.is_supported_language() else None
        info = {"pdftitle": f"{self.config.project} — {heading}", "pdfauthor": self.config.author,
                "pdfsubject": heading, "pdflang": lang.tag}
        chapters = [latex_rows(self.rows[name], other if other != "spanish" else None) for name in order]
        tex = latex_document(title=self.config.project, heading=heading, lines=list(notice.lines), info=info,
                             main_language="spanish", other_language=other if other != "spanish" else None,
                             chapters=chapters)
        path = Path(self.outdir) / f"{edition_basename(lang.tag)}{TEX_SUFFIX}.tex"
        path.write_text(tex, encoding="utf-8")

    def write_html(self, order: list[str], tag: str, interface_lang: str, heading: str, lines: list[str]) -> None:
        outdir = Path(self.outdir) / HTML_DIR
        outdir.mkdir(parents=True, exist_ok=True)
        sign_title = self.app.translator.gettext("The rest is the Spanish original.")
        title = self.config.project
        header = (f"<p><strong>{html.escape(heading)}</strong></p>"
                  + "".join(f"<p>{html.escape(line)}</p>" for line in lines))
        titles = {name: next((r.translation or r.source for r in self.rows[name] if r.kind == "heading"), name)
                  for name in order}
        index_links = "\n".join(f'<li><a href="{html.escape(page_file(name))}" lang="{tag}">{html.escape(titles[name])}</a></li>'
                                for name in order)
        pages = {BILINGUAL_INDEX.removesuffix(".html"): ("", f"<ul>\n{index_links}\n</ul>")}
        _ = self.app.translator.gettext
        for position, name in enumerate(order):
            links = [f'<a href="{BILINGUAL_INDEX}" aria-label="{html.escape(_("Index"))}">↑</a>']
            if position > 0:
                links.insert(0, f'<a href="{html.escape(page_file(order[position - 1]))}" rel="prev" '
                                f'aria-label="{html.escape(_("Previous"))}">←</a>')
            if position + 1 < len(order):
                links.append(f'<a href="{html.escape(page_file(order[position + 1]))}" rel="next" '
                             f'aria-label="{html.escape(_("Next"))}">→</a>')
            pages[name] = (" ".join(links), html_rows(self.rows[name], tag, sign_title))
        for name, (nav, body) in pages.items():
            page = html_page(tag=tag, interface_lang=interface_lang, title=f"{titles.get(name, title)} — {heading}",
                             header=header, body=body, nav=nav)
            (outdir / page_file(name)).write_text(page, encoding="utf-8")
        (outdir / STYLESHEET).write_text(BILINGUAL_CSS, encoding="utf-8")


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_transform(RememberSource)
    app.add_builder(BilingualBuilder)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

