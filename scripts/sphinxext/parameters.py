"""Adoption parameters inside Sphinx: the {param} and {blank} roles and the {variante} directive.

{param}`name` cites a parameter of source/_parametros.toml; {blank}`hint` is a blank of an
annex form that every reader fills in (never an adoption value). The roles make placeholder
nodes at read time, so doctrees and catalogs never hold a value; at write time a post-transform
turns each parameter into a labelled blank (the model) or into the adoption's value as one plain
Text node (an adoption, `-D policy_adoption=adopciones/SLUG/adopcion.toml`), which every writer
escapes: a value is never parsed as HTML, MyST or LaTeX. MyST substitutions are not used because
they evaluate Jinja.

{variante} wraps text that applies to one choice (`:::{variante} gobierno-tipo municipio`) in a
Sphinx `only` node whose expression tests tags set from the adoption, so the gettext builder
extracts every branch and each adoption shows only its own; the model shows all of them, each
under a label.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ConfigError
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from scripts import adoption as adoption_mod
from scripts.adoption_check import check_adoption
from scripts.diagnostics import PipelineError

logger = logging.getLogger(__name__)

LATEX_PREAMBLE = r"""
% adoption parameters (scripts/sphinxext/parameters.py)
\expandafter\def\csname DUrolepolicy-param\endcsname#1{\textsf{#1}}
\expandafter\def\csname DUrolepolicy-blank\endcsname#1{\rule[-0.3ex]{1.2em}{0.4pt}\,\emph{#1}}
\expandafter\def\csname DUrolepolicy-variant-label\endcsname#1{\textsf{\textbf{#1}}}
"""


class parameter(nodes.inline):  # noqa: N801 - docutils names node classes in lowercase
    """A {param}`name` until the write phase decides what it shows."""


class form_blank(nodes.inline):  # noqa: N801
    """A {blank}`hint` of an annex form."""


class variant_label(nodes.paragraph):  # noqa: N801
    """Where the model names the choice a variant belongs to; removed in an adoption."""


def _state(app: Sphinx) -> tuple[adoption_mod.Schema, adoption_mod.Adoption | None]:
    return app.policy_parameter_schema, app.policy_adoption_values  # type: ignore[attr-defined]


def load_parameters(app: Sphinx, config: Config) -> None:
    """Read the schema and the adoption once per build; a bad adoption stops the build."""
    path = Path(app.srcdir) / config.policy_parameters_schema
    try:
        # A project without parameters (the test roots) has an empty schema: any {param} is unknown.
        schema = adoption_mod.load_schema(path) if path.exists() else adoption_mod.Schema(path, {})
    except PipelineError as exc:
        raise ConfigError(str(exc)) from None
    chosen: adoption_mod.Adoption | None = None
    if config.policy_adoption:
        path = Path(config.policy_adoption)
        path = path if path.is_absolute() else (Path(app.confdir) / path)
        problems = check_adoption(path, schema, _registry_tags(app))
        if problems:
            raise ConfigError("\n".join(str(d) for d in problems))
        chosen = adoption_mod.read_adoption(path)
    app.policy_parameter_schema = schema  # type: ignore[attr-defined]
    app.policy_adoption_values = chosen  # type: ignore[attr-defined]
    for tag in adoption_mod.choice_tags(schema, chosen):
        app.tags.add(tag)
    elements: dict[str, Any] = dict(config.latex_elements)
    elements["preamble"] = elements.get("preamble", "") + LATEX_PREAMBLE
    config.latex_elements = elements


def _registry_tags(app: Sphinx) -> set[str]:
    from scripts.project import Project
    try:
        return set(Project(Path(app.confdir)).registry().tags)
    except PipelineError:
        return {"es"}


def param_role(name: str, rawtext: str, text: str, lineno: int, inliner: Any,
               options: dict[str, Any] | None = None, content: list[str] | None = None
               ) -> tuple[list[nodes.Node], list[nodes.system_message]]:
    key = text.strip()
    node = parameter(rawtext, "", classes=["policy-param"], param=key)
    node.source, node.line = inliner.reporter.get_source_and_line(lineno)
    env = inliner.document.settings.env
    schema = getattr(env.app, "policy_parameter_schema", None)
    if schema is not None and key not in schema:
        logger.warning("[param-unknown] {param}`%s` is not declared in %s — use a declared name or declare it",
                       key, adoption_mod.SCHEMA_NAME, location=node, type="policy", subtype="param-unknown")
    return [node], []


def blank_role(name: str, rawtext: str, text: str, lineno: int, inliner: Any,
               options: dict[str, Any] | None = None, content: list[str] | None = None
               ) -> tuple[list[nodes.Node], list[nodes.system_message]]:
    return [form_blank(rawtext, "", nodes.Text(text), classes=["policy-blank"])], []


class VariantDirective(SphinxDirective):
    """`:::{variante} PARAMETER VALUE [VALUE...]`: text for some values of a choice parameter."""

    required_arguments = 2
    optional_arguments = 8
    has_content = True
    option_spec: ClassVar[dict[str, Any]] = {"class": directives.class_option}

    def run(self) -> list[nodes.Node]:
        name, values = self.arguments[0], self.arguments[1:]
        schema = getattr(self.env.app, "policy_parameter_schema", None)
        if schema is not None:
            param = schema.parameters.get(name)
            if param is None or param.type != "choice" or any(v not in param.choices for v in values):
                raise self.error(f"[param-unknown] variante {name} {' '.join(values)}: not a choice of "
                                 f"{adoption_mod.SCHEMA_NAME} — name a choice parameter and some of its values")
        expr = " or ".join(["modelo", *(adoption_mod.variant_tag(name, v) for v in values)])
        only = addnodes.only(expr=expr)
        self.set_source_info(only)
        box = nodes.container(classes=["policy-variant"])
        box += variant_label("", "", classes=["policy-variant-label"], param=name, values=values)
        self.state.nested_parse(self.content, self.content_offset, box)
        only += box
        return [only]


def _babel_locale(tag: str) -> str:
    """Without scripts.sphinxext.editions (a bare test project): the tag if CLDR knows it."""
    import babel
    try:
        babel.Locale.parse(tag)
    except (babel.UnknownLocaleError, ValueError):
        return "es_MX"
    return tag


# The guide's generated table speaks the reader's language; Indigenous editions show Spanish.
TABLE_WORDS = {
    "es": {"name": "Parámetro", "meaning": "Qué es", "type": "Tipo", "required": "Obligatorio",
           "default": "Predeterminado", "yes": "sí", "no": "no", "when": "si", "derived": "se calcula",
           "text": "texto", "date": "fecha", "integer": "número entero", "url": "dirección web",
           "email": "correo electrónico", "choice": "opción", "image": "imagen SVG o PNG",
           "languages": "lenguas", "recurring": "día del año (MM-DD)"},
    "en": {"name": "Parameter", "meaning": "What it is", "type": "Type", "required": "Required",
           "default": "Default", "yes": "yes", "no": "no", "when": "if", "derived": "computed",
           "text": "text", "date": "date", "integer": "whole number", "url": "web address",
           "email": "e-mail address", "choice": "choice", "image": "SVG or PNG image",
           "languages": "languages", "recurring": "day of the year (MM-DD)"},
}


def _cell(*children: nodes.Node | str) -> nodes.entry:
    para = nodes.paragraph()
    for child in children:
        para += nodes.Text(child) if isinstance(child, str) else child
    return nodes.entry("", para)


def parameters_table(schema: adoption_mod.Schema, tag: str) -> nodes.table:
    """The schema as a table: generated, so the guide can never disagree with `adopt new`/`check`."""
    words = TABLE_WORDS.get(tag, TABLE_WORDS["es"])
    table = nodes.table(classes=["policy-parameters"])
    group = nodes.tgroup(cols=5)
    table += group
    for width in (22, 34, 18, 10, 16):
        group += nodes.colspec(colwidth=width)
    head = nodes.thead()
    head += nodes.row("", *(_cell(words[k]) for k in ("name", "meaning", "type", "required", "default")))
    group += head
    body = nodes.tbody()
    for name, param in schema.parameters.items():
        kind = words["recurring"] if param.recurring else words[param.type]
        if param.choices:
            kind += ": " + ", ".join(param.choices)
        if param.derived:
            required = words["derived"]
        elif param.when:
            required = words["when"] + " " + ", ".join(f"{k} = {v}" for k, v in param.when.items())
        else:
            required = words["yes"] if param.required else words["no"]
        default = param.default_for(tag)
        shown = "" if default in (None, "") else (", ".join(default) if isinstance(default, list) else str(default))
        body += nodes.row("", _cell(nodes.literal(name, name)), _cell(param.label(tag)), _cell(kind),
                          _cell(required), _cell(shown))
    group += body
    return table


class ParametersTableDirective(SphinxDirective):
    """`:::{parametros-tabla}`: a placeholder the write phase fills with the schema's table."""

    def run(self) -> list[nodes.Node]:
        self.env.note_dependency(str(Path(self.env.srcdir) / self.config.policy_parameters_schema))
        return [parameters_table_placeholder()]


class parameters_table_placeholder(nodes.General, nodes.Element):  # noqa: N801
    pass


class ResolveParameters(SphinxPostTransform):
    """Labelled blanks in the model; the adoption's values, as plain text, in an adoption."""

    default_priority = 60  # after OnlyNodeTransform (50): only the variants kept need values

    def run(self, **kwargs: Any) -> None:
        schema, chosen = _state(self.app)
        tag = self.config.language or "es"
        locale = getattr(self.config, "policy_date_locale", "") or _babel_locale(tag)
        values = adoption_mod.resolve(schema, chosen, tag, locale)
        for node in list(self.document.findall(parameter)):
            key = node["param"]
            if key in values:
                node.parent.replace(node, nodes.Text(values[key]))
                continue
            if chosen is not None:
                logger.warning("[param-empty] %s has no value in %s — fill it in", key, self.config.policy_adoption,
                               location=node, type="policy", subtype="param-empty")
            label = schema[key].label(tag) if key in schema else key
            node.replace_self(nodes.inline("", f"[{label}]", classes=["policy-param"]))
        for node in list(self.document.findall(form_blank)):
            node.replace_self(nodes.inline("", "", *node.children, classes=["policy-blank"]))
        for node in list(self.document.findall(parameters_table_placeholder)):
            node.replace_self(parameters_table(schema, tag))
        for node in list(self.document.findall(variant_label)):
            if chosen is not None:
                node.parent.remove(node)
                continue
            key = node["param"]
            param = schema[key]
            shown = ", ".join(param.choices[v].get(tag) or param.choices[v]["es"] for v in node["values"])
            label = param.label(tag)
            text = f"{label[0].upper()}{label[1:]}: {shown}"
            node.replace_self(nodes.paragraph("", "", nodes.inline("", text, classes=["policy-variant-label"])))


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("policy_adoption", "", "env", types=[str])
    app.add_config_value("policy_parameters_schema", adoption_mod.SCHEMA_NAME, "env", types=[str])
    app.add_role(adoption_mod.PARAM_ROLE, param_role)
    app.add_role(adoption_mod.BLANK_ROLE, blank_role)
    app.add_directive("variante", VariantDirective)
    app.add_node(parameter)
    app.add_node(form_blank)
    app.add_node(variant_label)
    app.add_node(parameters_table_placeholder)
    app.add_directive("parametros-tabla", ParametersTableDirective)
    app.add_post_transform(ResolveParameters)
    app.add_css_file("parameters.css")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
