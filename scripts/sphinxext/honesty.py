"""Every download tells the truth about its language: the PDF's title page and the EPUB's first
page name the edition's language (autonym and Spanish name) and, for a partial edition, how much
is translated and that the rest is the Spanish original; untranslated passages carry a printable
mark in the PDF and ``lang="es"`` in the EPUB (scripts.sphinxext.progress adds the class that
becomes the attribute); the EPUB's metadata lists the source language after the edition's, and
the PDF's subject says what the edition is.

The percentage is known only once every document has been read, after the configuration is
fixed, so the LaTeX title page and PDF subject are set in ``env-updated`` on the builder's
context (which Sphinx fills from ``latex_elements`` before reading and renders after writing).
All words come from the interface catalogs, so an Indigenous edition says them in Spanish (its
interface fallback), never in English, and no Indigenous text is invented.

The PDF mark is a rule in the left margin with the sign "[es]" beside it (framed.sty's
``\\MakeFramed``, which Sphinx already loads, so it breaks across pages): it survives black and
white printing and photocopies, where a coloured background would not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from babel.numbers import format_percent
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.builders.epub3 import Epub3Builder
from sphinx.environment import BuildEnvironment
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.nodes import NodeMatcher
from sphinx.util.texescape import escape

from scripts.sphinxext import progress
from scripts.sphinxext.draft import insert_under_title
from scripts.sphinxext.editions import edition_of
from scripts.sphinxext.site_context import interface_language

LATEX_BUILDERS = ("latex",)
EPUB_BUILDERS = ("epub",)
NOTICE_CLASS = "policy-edition-notice"
SIGN = "[es]"  # beside the margin rule of every untranslated passage of the PDF
# Parents inside which a paragraph can be framed with a margin rule. Not table cells or footnotes;
# not list items (a frame right after \\item is a LaTeX error) nor admonitions (Sphinx's own frame
# would overlap the rule): there the paragraph gets the sign at its start instead.
FRAMEABLE_PARENTS = (nodes.section, nodes.document, nodes.definition, nodes.block_quote, nodes.compound,
                     nodes.container)

LATEX_MARKS = r"""
% Untranslated passages (scripts/sphinxext/honesty.py): a rule in the left margin and a sign.
\providecommand{\policyuntranslatedsign}{{\footnotesize\sffamily\bfseries [es]}}
\pdfstringdefDisableCommands{\def\policyuntranslatedsign{}}
% framed.sty calls \FrameCommand{<box>} once per page of the passage; the sign is raised to the
% box's first line (the box's baseline is its last).
\newenvironment{policyuntranslated}{%
  \def\FrameCommand##1{\setbox0=\hbox{##1}%
    \makebox[0pt][r]{\raisebox{\dimexpr\ht0-\ht\strutbox\relax}{\policyuntranslatedsign}\hspace{5pt}}%
    \vrule width 1.6pt\hspace{7pt}\box0}%
  \MakeFramed{\advance\hsize-\width\FrameRestore}}%
  {\endMakeFramed}
"""


@dataclass(frozen=True)
class EditionNotice:
    """What a download says about its language, in the edition's interface language."""

    language: str  # "Maaya t'aan (maya yucateco)"
    heading: str  # "Edición en Maaya t'aan (Maya yucateco)"
    percent: int | None  # None: the source edition or a complete one
    lines: tuple[str, ...]  # the sentences under the heading (the draft notice first, if any)
    summary: str  # heading and percentage in one line, for the PDF's subject
    interface_lang: str
    draft: bool


def language_label(autonym: str, name_es: str) -> str:
    return autonym if autonym == name_es else f"{autonym} ({name_es})"


def edition_notice(app: Sphinx, mark: str) -> EditionNotice:
    """The notice of this edition; `mark` says how its untranslated passages are shown (PDF or EPUB)."""
    edition = edition_of(app)
    lang = edition.language
    _ = app.translator.gettext
    label = language_label(lang.autonym, lang.name_es)
    heading = _("Edition in %(language)s") % {"language": label}
    found = progress.edition_progress(app.env)
    if found is None or found.complete:
        return EditionNotice(label, heading, None, (), heading, interface_language(app, lang), False)
    locale = app.config.policy_date_locale or edition.registry.source.tag
    percent = format_percent(found.percent / 100, locale=locale)
    lines = [_("This edition is %(percent)s translated.") % {"percent": percent},
             _("The rest is the Spanish original.") + " " + mark]
    draft = lang.is_draft(found.percent)
    if draft:
        lines.insert(0, _("Draft") + ": " + _("this translation has only begun; it is offered as a draft, "
                                               "not yet as the edition in this language."))
    return EditionNotice(label, heading, found.percent, tuple(lines), f"{heading}: {lines[-2]}",
                         interface_language(app, lang), draft)


def _pdf_mark(app: Sphinx) -> str:
    return app.translator.gettext("In this PDF, it is marked with a rule in the left margin and the sign %(sign)s.") \
        % {"sign": SIGN}


def _epub_mark(app: Sphinx) -> str:
    return app.translator.gettext("It is marked as Spanish, so that screen readers read it with a Spanish voice.")


# ---------------------------------------------------------------- PDF


def title_page_block(notice: EditionNotice) -> str:
    """LaTeX for the foot of the title page (Sphinx's ``\\authoraddress``)."""
    parts = ["{\\bfseries " + escape(notice.heading) + "}"]
    parts += [escape(line).replace(escape(SIGN), "\\policyuntranslatedsign{}") for line in notice.lines]
    body = "\\\\\n".join(parts)
    return "\\authoraddress{\\begin{minipage}[t]{0.8\\textwidth}\\raggedleft\\normalsize\n" + body + \
        "\n\\end{minipage}}\n"


def pdf_subject(config: Any, notice: EditionNotice) -> str:
    return f"{config.policy_subtitle or config.project} — {notice.summary}"


def set_title_page(app: Sphinx, env: BuildEnvironment) -> None:
    """Put the edition's notice on the PDF's title page and in its subject, once progress is known."""
    if app.builder.name not in LATEX_BUILDERS:
        return
    notice = edition_notice(app, _pdf_mark(app))
    context = app.builder.context  # type: ignore[attr-defined]
    maketitle = context.get("maketitle", "\\sphinxmaketitle")
    context["maketitle"] = title_page_block(notice) + maketitle
    context["preamble"] = context.get("preamble", "") + LATEX_MARKS
    context["hyperref"] = context.get("hyperref", "") + \
        "\n\\hypersetup{pdfsubject={" + escape(pdf_subject(app.config, notice), app.config.latex_engine) + "}}"


class MarkUntranslatedForPrint(SphinxPostTransform):
    """Frame untranslated paragraphs with the margin rule; sign untranslated headings, terms and
    captions (which cannot hold a frame) at their start."""

    default_priority = 800
    builders = LATEX_BUILDERS

    def run(self, **kwargs: Any) -> None:
        if progress.document_progress(self.env, self.env.docname) is None:
            return
        # The first section title is the document's title: LaTeX takes it as plain text (the title
        # page shows the edition's translated title and its notice instead).
        document_title = next((t for t in self.document.findall(nodes.title) if isinstance(t.parent, nodes.section)),
                              None)
        for node in list(NodeMatcher(nodes.Element, translated=False).findall(self.document)):
            if isinstance(node, nodes.image) or node is document_title:
                continue  # an image's alt text is not printed
            if isinstance(node, nodes.paragraph) and isinstance(node.parent, FRAMEABLE_PARENTS):
                parent = node.parent
                index = parent.index(node)
                parent.insert(index + 1, nodes.raw("", "\n\\end{policyuntranslated}\n", format="latex"))
                parent.insert(index, nodes.raw("", "\n\\begin{policyuntranslated}\n", format="latex"))
            elif isinstance(node, nodes.TextElement):
                node.insert(0, nodes.raw("", "\\policyuntranslatedsign{} ", format="latex"))


# ---------------------------------------------------------------- EPUB


def notice_node(notice: EditionNotice, edition_tag: str) -> nodes.container:
    classes = [NOTICE_CLASS]
    if notice.interface_lang != edition_tag:
        classes.append(f"language-{notice.interface_lang}")  # lang="es" on the Spanish notice of yua
    box = nodes.container(classes=classes)
    box += nodes.paragraph("", "", nodes.strong(text=notice.heading))
    for line in notice.lines:
        box += nodes.paragraph(text=line)
    return box


def add_epub_notice(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """The EPUB's first page (the root document) opens with the edition's notice."""
    if app.builder.name not in EPUB_BUILDERS or docname != app.config.root_doc:
        return
    insert_under_title(doctree, notice_node(edition_notice(app, _epub_mark(app)), edition_of(app).language.tag))


DC_LANGUAGE_RE = re.compile(r"(\s*)(<dc:language>[^<]*</dc:language>)")


def add_source_language(opf: str, source_tag: str) -> str:
    """A partial edition's package lists the source language after the edition's own: EPUB 3's
    dc:language is repeatable (one per language of the content), and the edition's stays first."""
    if f"<dc:language>{source_tag}</dc:language>" in opf:
        return opf
    return DC_LANGUAGE_RE.sub(lambda m: f"{m.group(1)}{m.group(2)}{m.group(1)}<dc:language>{source_tag}</dc:language>",
                              opf, count=1)


class EditionEpub3Builder(Epub3Builder):
    """EPUB 3 whose metadata says that a partial edition is partly in the source language."""

    def build_content(self) -> None:
        super().build_content()
        found = progress.edition_progress(self.env)
        if found is None or found.complete:
            return
        path = Path(self.outdir) / "content.opf"
        text = path.read_text(encoding="utf-8")
        path.write_text(add_source_language(text, self.config.policy_source_language), encoding="utf-8")


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_builder(EditionEpub3Builder, override=True)
    app.add_post_transform(MarkUntranslatedForPrint)
    app.connect("env-updated", set_title_page)
    app.connect("doctree-resolved", add_epub_notice)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
