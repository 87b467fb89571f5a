"""`adopt`: the command a government uses, and writing a new adoption's parameter file.

`adopt new SLUG` writes adopciones/SLUG/adopcion.toml from the schema, commented in Spanish, every
required entry empty, and never overwrites; `adopt check` validates (scripts/adoption_check.py);
`adopt table` prints the parameters' table the README and the adopters' guide show.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

from scripts.adoption import (
    ADOPTION_FILE,
    ADOPTIONS_DIR,
    Schema,
    load_schema,
    schema_path,
)
from scripts.adoption_check import check_adoption
from scripts.atomic import write_atomic
from scripts.diagnostics import Diagnostic, PipelineError, display_path
from scripts.project import Project

# ----------------------------------------------------------------------------------------------
# Writing a new adoption

def _toml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return _toml_string(str(value))


def new_adoption_text(schema: Schema, slug: str) -> str:
    """A commented parameter file: every parameter, required ones empty, defaults filled in."""
    out = [
        f"# Parámetros de adopción: {slug}",
        "#",
        "# Llene cada valor y compruebe el archivo con",
        f"#     python -m scripts adopt check {ADOPTIONS_DIR}/{slug}/{ADOPTION_FILE}",
        "# Los valores son texto: se publican tal cual, nunca como HTML, MyST ni LaTeX.",
        "# Para dar un texto distinto en otra lengua, escriba por ejemplo",
        '#     dependencia-coordinadora.es = "Dirección de Gobierno Digital"',
        '#     dependencia-coordinadora.en = "Digital Government Office"',
        "# Las fechas se escriben AAAA-MM-DD; los días del año, MM-DD.",
        "",
    ]
    for name, parameter in schema.parameters.items():
        if parameter.derived:
            continue
        out.append(f"# {parameter.meaning['es'][0].upper()}{parameter.meaning['es'][1:]}.")
        if parameter.help:
            out.append(f"# {parameter.help}")
        if parameter.choices:
            options = [value + "".join(f" (solo si {k} = {v})" for k, v in dict(text.get("when") or {}).items())
                       for value, text in parameter.choices.items()]
            out.append("# Opciones: " + ", ".join(options) + ".")
        status = "Obligatorio." if parameter.required else (
            "Obligatorio si " + ", ".join(f"{k} = {v}" for k, v in parameter.when.items()) + "."
            if parameter.when else "Opcional.")
        out.append(f"# {status}")
        default = parameter.default_for("es")
        if parameter.required or default is None:
            out.append(f'{name} = {"[]" if parameter.type == "languages" else chr(34) * 2}')
        else:
            out.append(f"{name} = {_toml_value(default)}")
            if isinstance(parameter.default, dict) and parameter.default.get("en"):
                out.append(f"# {name}.en = {_toml_value(parameter.default['en'])}")
        out.append("")
    return "\n".join(out)


def new_adoption(project: Project, slug: str) -> Path:
    """Write adopciones/SLUG/adopcion.toml; refuse to overwrite an existing adoption."""
    if not re.match(r"^[a-z0-9]+(?:-[a-z0-9]+)*$", slug):
        raise PipelineError(Diagnostic(slug, 0, "adoption-unreadable", f"{slug!r} is not a usable name",
                                       "use lowercase ASCII letters, digits and hyphens: zapopan, estado-de-mexico"))
    target = project.root / ADOPTIONS_DIR / slug / ADOPTION_FILE
    if target.exists():
        raise PipelineError(Diagnostic(display_path(target, project.root), 0, "adoption-unreadable",
                                       "this adoption already exists", "edit it, or choose another name"))
    schema = load_schema(schema_path(project), project.root)
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(target, new_adoption_text(schema, slug))
    return target


def markdown_table(schema: Schema) -> str:
    """The schema as the Markdown table README.md carries (a test keeps the two equal)."""
    rows = ["| parámetro · parameter | significado | meaning | tipo · type | obligatorio · required | predeterminado · default |",
            "| --- | --- | --- | --- | --- | --- |"]
    for name, param in schema.parameters.items():
        kind = param.type + (" (MM-DD)" if param.recurring else "")
        if param.choices:
            kind += ": " + ", ".join(f"`{c}`" for c in param.choices)
        required = "calculado · computed" if param.derived else (
            "sí · yes" if param.required else
            ("si · if " + ", ".join(f"{k} = {v}" for k, v in param.when.items()) if param.when else "no"))
        default = param.default_for("es")
        shown = "" if default in (None, "") else f"`{_toml_value(default)}`"
        rows.append(f"| `{name}` | {param.meaning['es']} | {param.meaning['en']} | {kind} | {required} | {shown} |")
    return "\n".join(rows) + "\n"


# ----------------------------------------------------------------------------------------------
# Command line

def _add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    new = sub.add_parser("new", help="write adopciones/SLUG/adopcion.toml from the schema")
    new.add_argument("slug", help="short ASCII name of the government, e.g. zapopan")
    check = sub.add_parser("check", help="validate parameter files")
    check.add_argument("files", nargs="*", type=Path,
                       help="adopciones/SLUG/adopcion.toml or adopciones/SLUG (default: every adoption)")
    sub.add_parser("table", help="print the parameters as the Markdown table of README.md")


def run(args: argparse.Namespace) -> int:
    """Start or validate an adoption: `adopt new SLUG`, `adopt check FILE...`, `adopt table`."""
    from scripts.catalogs import project_from

    project = project_from(args)
    if args.action == "new":
        path = new_adoption(project, args.slug)
        print(f"{display_path(path, project.root)}: written; fill it in, then run "
              f"`python -m scripts adopt check {display_path(path, project.root)}`")
        return 0
    schema = load_schema(schema_path(project), project.root)
    if args.action == "table":
        print(markdown_table(schema), end="")
        return 0
    tags = set(project.registry().tags)
    files = [path / ADOPTION_FILE if path.is_dir() else path for path in args.files] or \
        sorted((project.root / ADOPTIONS_DIR).glob(f"*/{ADOPTION_FILE}"))
    found: list[Diagnostic] = []
    for path in files:
        found += check_adoption(path, schema, tags, project.root)
    for diagnostic in found:
        print(diagnostic, file=sys.stderr)
    print(f"{len(files)} file(s), {len(found)} error(s)")
    return 1 if found else 0


COMMANDS = {"adopt": (_add_arguments, run)}
