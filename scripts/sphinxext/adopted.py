"""What makes an edition an adopted policy rather than the model, beyond its filled-in values.

With `policy_adoption` set (scripts/adoption_build.py sets it for every edition of
`build --adoption`): the title is the adopted one ("Política de datos abiertos del Municipio
de …"), taken from the front matter's catalog in the edition's language and filled in as plain
text; the PDF cover carries the government's logo (an SVG converted with rsvg-convert, as the
figures are); the adopters' guide (adoptar.md) gives way to the adopted policy's own front
matter (adopcion.md), and references to the guide lead there. The model excludes the front
matter instead. The gettext builder excludes neither, so both are translated once, in the
model's catalogs: no msgid depends on an adoption.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.addnodes import pending_xref
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.directives.other import TocTree
from sphinx.environment import BuildEnvironment
from sphinx.errors import ConfigError
from sphinx.util.nodes import explicit_title_re, make_refnode
from sphinx.util.texescape import escape

from scripts import adoption as adoption_mod
from scripts.diagnostics import PipelineError
from scripts.project import Project

GUIDE_DOC = "adoptar"  # the model's chapter on how to adopt it
FRONT_DOC = "adopcion"  # the adopted policy's front matter, in its place
# The adopted title, one msgid per kind of government (paragraphs of adopcion.md, so that
# translators translate them where they translate the rest).
TITLES = {
    "municipio": "Política de datos abiertos del Municipio de {param}`gobierno-nombre`",
    "estado": "Política de datos abiertos del Estado de {param}`gobierno-nombre`",
}
_PARAM_RE = re.compile(r"\{" + adoption_mod.PARAM_ROLE + r"\}`([^`]*)`")
# Sections (by their `(label)=`) that explain how to adopt the model: an adopted policy leaves them
# out. Sphinx's `only` cannot hold a whole section (the heading would stay behind), hence a
# doctree-read step that removes the section node itself, before Sphinx collects the toc.
MODEL_ONLY_SECTIONS = frozenset({"pres-adopcion"})


def is_adoption(config: Config) -> bool:
    return bool(config.policy_adoption)


def _adoption_path(app: Sphinx, config: Config) -> Path:
    path = Path(config.policy_adoption)
    return path if path.is_absolute() else Path(app.confdir) / path


def adopted_title(project: Project, tag: str, values: dict[str, Any], filled: dict[str, str],
                  allow_fuzzy: bool) -> str:
    """The adopted title in the edition's language: the front matter's translation of the title
    of this kind of government, its parameters replaced by their plain-text values."""
    from scripts.sphinxext.editions import catalog_translations  # noqa: PLC0415

    msgid = TITLES.get(str(values.get("gobierno-tipo")), TITLES["municipio"])
    found = catalog_translations(project.catalogdir(tag), FRONT_DOC, [msgid], allow_fuzzy)
    text = found.get(msgid, msgid)
    return _PARAM_RE.sub(lambda m: filled.get(m.group(1), m.group(0)), text)


def apply_adopted_title(app: Sphinx, config: Config) -> None:
    """Right after the edition's configuration: the adopted title wherever it put the model's."""
    if not is_adoption(config):
        return
    project = Project(Path(app.confdir))
    path = _adoption_path(app, config)
    try:
        schema = adoption_mod.load_schema(Path(app.srcdir) / config.policy_parameters_schema)
        chosen = adoption_mod.read_adoption(path)
        registry = project.registry()
    except PipelineError as exc:
        raise ConfigError(str(exc)) from None
    from scripts.site_layout import babel_locale_for  # noqa: PLC0415

    tag = config.language or registry.source.tag
    filled = adoption_mod.resolve(schema, chosen, tag, babel_locale_for(registry.get(tag), registry))
    title = adopted_title(project, tag, chosen.values, filled, bool(config.gettext_allow_fuzzy_translations))
    config.project = config.html_title = config.html_short_title = config.epub_title = title
    # Sphinx puts latex_documents' title into \title{} as LaTeX; a value is text.
    config.latex_documents = [(doc, target, escape(title, config.latex_engine), *rest)
                              for doc, target, _title, *rest in config.latex_documents]


def left_out(config: Config) -> str:
    """The document this edition leaves out: the front matter (model) or the guide (adoption)."""
    return GUIDE_DOC if is_adoption(config) else FRONT_DOC


class EditionTocTree(TocTree):
    """Sphinx's toctree, without the entry of the document the edition leaves out.

    The root document lists both the adopters' guide and an adoption's front matter. For an
    entry naming an excluded document Sphinx warns (toc.excluded) and marks the page to be read
    again in every later run (``env.note_reread``), so each builder of an edition (HTML, LaTeX,
    EPUB, one after another on the same doctrees) read index.md again, numbered every figure of
    the edition again and pickled the environment again. Leaving that one entry out before
    Sphinx parses it gives the same toctree, with nothing to re-read. The gettext builder,
    which keeps both documents, sees every entry.
    """

    content: StringList

    def run(self) -> list[nodes.Node]:
        omitted = left_out(self.config)
        if omitted not in self.env.found_docs:
            suffixes = tuple(self.config.source_suffix)
            kept = [(line, item) for line, item in zip(self.content, self.content.items, strict=True)
                    if _entry_docname(line, suffixes) != omitted]
            self.content = StringList([line for line, _ in kept], items=[item for _, item in kept])
        return super().run()


def _entry_docname(entry: str, suffixes: tuple[str, ...]) -> str:
    """The document a toctree line names, as Sphinx reads it ("Title <doc>", "doc.md")."""
    explicit = explicit_title_re.match(entry.strip())
    name = (explicit.group(2) if explicit else entry).strip()
    for suffix in suffixes:
        if name.endswith(suffix):
            return name.removesuffix(suffix)
    return name


def apply_adoption_config(app: Sphinx, config: Config) -> None:
    """Which of the guide and the front matter the edition has; an adoption's logo on the cover."""
    # The model leaves out the adopted front matter; an adoption, the adopters' guide (set here,
    # not per builder, so that the builders sharing one doctree agree on the configuration).
    config.exclude_patterns = [*config.exclude_patterns, f"{left_out(config)}.*"]
    if not is_adoption(config):
        return
    path = _adoption_path(app, config)
    logo = adoption_mod.read_adoption(path).values.get("logotipo")
    if not isinstance(logo, str) or not logo:
        return
    source = (path.parent / logo).resolve()  # validated by `adopt check` (parameters.load_parameters)
    config.html_logo = str(source)
    if source.suffix.lower() == ".svg":
        converted = Path(app.doctreedir) / "adoption-logo.pdf"
        converted.parent.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(["rsvg-convert", "--format=pdf", f"--output={converted}", str(source)],
                              capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise ConfigError(f"{path}: [adoption-logo] rsvg-convert could not convert {logo}: {done.stderr.strip()}"
                              " — give a plain SVG or a PNG")
        source = converted
    config.latex_logo = str(source)


def extract_both_front_matters(app: Sphinx) -> None:
    """The gettext builder keeps the guide and the front matter: the model's catalogs translate
    them once for every adoption."""
    if app.builder.name == "gettext":
        left_out = {f"{GUIDE_DOC}.*", f"{FRONT_DOC}.*"}
        app.config.exclude_patterns = [p for p in app.config.exclude_patterns if p not in left_out]


def adopted_root_title(app: Sphinx, doctree: nodes.document) -> None:
    """The root document's heading is the adopted title (before Sphinx records the titles)."""
    if not is_adoption(app.config) or app.env.docname != app.config.root_doc:
        return
    for title in doctree.findall(nodes.title):
        title.children = []
        title += nodes.Text(app.config.project)
        break


def guide_to_front_matter(app: Sphinx, env: BuildEnvironment, node: pending_xref,
                          contnode: nodes.Element) -> nodes.Element | None:
    """In an adoption, a reference to the adopters' guide leads to the adopted front matter."""
    if not is_adoption(app.config) or node.get("reftype") != "ref" \
            or not str(node.get("reftarget", "")).startswith(GUIDE_DOC) or FRONT_DOC not in env.titles:
        return None
    text = env.titles[FRONT_DOC].astext()
    return make_refnode(app.builder, node["refdoc"], FRONT_DOC, "", nodes.inline(text, text), text)


def drop_model_only_sections(app: Sphinx, doctree: nodes.document) -> None:
    """In an adoption, remove the sections of MODEL_ONLY_SECTIONS (translated or not) with their
    labels, before Sphinx collects the page's titles, table of contents and section numbers."""
    if not is_adoption(app.config) or app.builder.name == "gettext":
        return
    for section in list(doctree.findall(nodes.section)):
        if MODEL_ONLY_SECTIONS.isdisjoint(section["ids"]) or section.parent is None:
            continue
        ids = {refid for node in section.findall(nodes.Element) for refid in node["ids"]}
        section.parent.remove(section)
        for name, refid in list(doctree.nameids.items()):
            if refid in ids:
                del doctree.nameids[name]
        for refid in ids:
            doctree.ids.pop(refid, None)


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_directive("toctree", EditionTocTree, override=True)
    app.connect("builder-inited", extract_both_front_matters)
    app.connect("doctree-read", adopted_root_title, priority=400)  # before the TitleCollector (500)
    app.connect("doctree-read", drop_model_only_sections, priority=400)  # before the TocTreeCollector
    app.connect("missing-reference", guide_to_front_matter)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
