"""`adopt check`: a government's parameter file validated against the schema, line by line.

The file is untrusted input: every value is checked for its declared type (dates are real dates,
URLs are https, choices are among the schema's, languages are registered), a logo must be a PNG
or an SVG without scripts or outside references (checked without an imaging library: a PNG by its
signature and header chunk, an SVG by a defusedxml parse), and the deadlines must make a calendar
that can be met. Each problem is `path:line: [adoption-…] what — how to fix it`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scripts.adoption import (
    _EMAIL_RE,
    _URL_RE,
    PLAN_CONSULTATION_DAYS,
    SOURCE_TAG,
    Adoption,
    Parameter,
    Schema,
    effective_values,
    is_date,
    months_of,
    read_adoption,
)
from scripts.diagnostics import Diagnostic, PipelineError, display_path

# ----------------------------------------------------------------------------------------------
# Validation

def check_logo(path: Path) -> str | None:
    """Why `path` is not a logo we can safely put on a cover, or None if it is fine."""
    try:
        data = path.read_bytes()
    except OSError:
        return "the file does not exist or cannot be read"
    if path.suffix.lower() == ".png":
        if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR" or len(data) < 33:
            return "not a PNG image (its signature or header is wrong)"
        return None
    if path.suffix.lower() != ".svg":
        return f"a {path.suffix or 'file without extension'}: only .svg and .png are accepted"
    from defusedxml import ElementTree
    from defusedxml.common import DefusedXmlException
    try:
        tree = ElementTree.fromstring(data)
    except (ElementTree.ParseError, DefusedXmlException, ValueError) as exc:
        return f"not a readable SVG ({exc})"
    if not tree.tag.endswith("svg"):
        return "the XML's root element is not <svg>"
    for element in tree.iter():
        local = element.tag.rsplit("}", 1)[-1].lower()
        if local in ("script", "foreignobject", "iframe", "object", "embed"):
            return f"the SVG contains <{local}>"
        for attribute, value in element.attrib.items():
            name = attribute.rsplit("}", 1)[-1].lower()
            if name.startswith("on"):
                return f"the SVG has an event handler ({name}=)"
            if name == "href" and not value.strip().startswith("#"):
                return f"the SVG refers to an outside resource ({value[:60]!r})"
            if "url(" in value.replace(" ", "") and "url(#" not in value.replace(" ", ""):
                return "the SVG refers to an outside resource through url(...)"
        if local == "style" and "@import" in (element.text or "") + "".join(element.itertext()):
            return "the SVG imports an outside style sheet"
    return None


def _check_value(parameter: Parameter, value: Any, base: Path, tags: set[str]) -> tuple[str, str, str] | None:
    """(code, what, how) if `value` does not fit `parameter`."""
    kind = parameter.type
    if kind == "integer":
        if isinstance(value, bool) or not isinstance(value, int):
            return "adoption-type", f"{parameter.name} must be a whole number, not {value!r}", \
                f"write {parameter.name} = {parameter.default or 30} (no quotes)"
        if (parameter.minimum is not None and value < parameter.minimum) or \
                (parameter.maximum is not None and value > parameter.maximum):
            return "adoption-type", f"{parameter.name} = {value} is outside {parameter.minimum}–{parameter.maximum}", \
                "choose a value within the range the guide gives"
        return None
    if kind == "languages":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return "adoption-type", f"{parameter.name} must be a list of language tags", 'write ["es", "en"]'
        unknown = [v for v in value if v not in tags]
        if unknown:
            return "adoption-type", f"{parameter.name}: {unknown[0]!r} is not in locale/languages.toml", \
                f"use tags of the registry: {', '.join(sorted(tags))}"
        if SOURCE_TAG not in value:
            return "adoption-type", f"{parameter.name} lacks {SOURCE_TAG!r}, the language the policy is adopted in", \
                f'add it: {parameter.name} = ["{SOURCE_TAG}", ...]'
        return None
    if not isinstance(value, str):
        return "adoption-type", f"{parameter.name} must be text in quotes, not {value!r}", \
            f'write {parameter.name} = "..."'
    if kind == "date" and not is_date(value, parameter.recurring):
        form = "MM-DD (a day of the year, e.g. 03-31)" if parameter.recurring else "AAAA-MM-DD (e.g. 2027-01-15)"
        return "adoption-date", f"{parameter.name} = {value!r} is not a date", f"write it as {form}"
    if kind == "url" and not _URL_RE.match(value):
        return "adoption-type", f"{parameter.name} = {value!r} is not an https:// address", \
            "write the full address, e.g. https://datos.ejemplo.gob.mx"
    if kind == "email" and not _EMAIL_RE.match(value):
        return "adoption-type", f"{parameter.name} = {value!r} is not an e-mail address", \
            "write an address like datos@ejemplo.gob.mx"
    if kind == "choice" and value not in parameter.choices:
        return "adoption-type", f"{parameter.name} = {value!r} is not one of its choices", \
            f"write one of: {', '.join(parameter.choices)}"
    if kind == "image":
        inside = not Path(value).is_absolute() and ".." not in Path(value).parts
        why = check_logo(base / value) if inside else "the logo must be a file in the adoption's own folder"
        if why:
            return "adoption-logo", f"{parameter.name} = {value!r}: {why}", \
                "give a PNG or a plain SVG (no scripts, no links to other files) next to the parameter file"
    return None


def check_adoption(path: Path, schema: Schema, tags: set[str], root: Path | None = None) -> list[Diagnostic]:
    """Every problem of one parameter file, each at its line (0 when the parameter is absent)."""
    shown = display_path(path, root)
    try:
        adoption = read_adoption(path, root)
    except PipelineError as exc:
        return exc.diagnostics
    effective = effective_values(schema, {k: (v.get(SOURCE_TAG) if isinstance(v, dict) else v)
                                    for k, v in adoption.values.items()})
    found = [Diagnostic(shown, *problem) for problem in (
        *_entry_problems(schema, adoption, tags), *_missing(schema, adoption, effective),
        *_choice_rules(schema, adoption, effective))]
    if not found:
        found += _check_calendar(schema, adoption, shown)
    return sorted(found, key=lambda d: (d.line, d.code))


Problem = tuple[int, str, str, str]  # line, code, what, how


def _entry_problems(schema: Schema, adoption: Adoption, tags: set[str]) -> list[Problem]:
    """What is wrong with each entry the file has: unknown, computed, mistyped, bad language."""
    found: list[Problem] = []
    for name, value in adoption.values.items():
        line = adoption.lines.get(name, 0)
        if name not in schema:
            close = [p for p in schema.parameters if p.replace("-", "") == name.replace("-", "").replace("_", "")]
            found.append((line, "adoption-unknown", f"{name!r} is not an adoption parameter",
                          f"did you mean {close[0]!r}?" if close else
                          "remove it, or see the parameters in source/_parametros.toml"))
            continue
        parameter = schema[name]
        if parameter.derived:
            deadlines = ", ".join(p for p in schema.parameters if p.startswith("plazo-"))
            found.append((line, "adoption-unknown", f"{name} is computed from the deadlines",
                          f"remove it; change {deadlines} instead"))
            continue
        if isinstance(value, dict) and parameter.type != "text":
            found.append((line, "adoption-type", f"{name} is a {parameter.type}: it has one value for every language",
                          f"write {name} = ... without .{next(iter(value), 'en')}"))
            continue
        per_language = value if isinstance(value, dict) else {SOURCE_TAG: value}
        for tag, item in per_language.items():
            item_line = adoption.lines.get(f"{name}.{tag}", line)
            if tag not in tags:
                found.append((item_line, "adoption-override",
                              f"{name}.{tag}: {tag!r} is not a language of locale/languages.toml",
                              f"use one of {', '.join(sorted(tags))}"))
            elif item not in ("", []) or parameter.type == "languages":  # empty: reported as missing
                problem = _check_value(parameter, item, adoption.path.parent, tags)
                if problem:
                    found.append((item_line, *problem))
        if isinstance(value, dict) and SOURCE_TAG not in value:
            found.append((line, "adoption-missing", f"{name} has no Spanish value ({name}.es)",
                          f'add {name}.es = "..." : the other languages fall back to it'))
    return found


def _missing(schema: Schema, adoption: Adoption, effective: dict[str, Any]) -> list[Problem]:
    found: list[Problem] = []
    for name, parameter in schema.parameters.items():
        needed = parameter.required or (parameter.when and all(
            effective.get(other) == wanted for other, wanted in parameter.when.items()))
        value = adoption.values.get(name)
        if isinstance(value, dict):
            value = value.get(SOURCE_TAG)
        if needed and value in (None, "") and parameter.default_for(SOURCE_TAG) in (None, ""):
            found.append((adoption.lines.get(name, 0), "adoption-missing",
                          f"{name} ({parameter.meaning['es']}) is required and has no value",
                          f'write {name} = "..." ({parameter.help or parameter.meaning["es"]})'))
    return found


def _choice_rules(schema: Schema, adoption: Adoption, effective: dict[str, Any]) -> list[Problem]:
    """Options valid only with another parameter's value (a reglamento is municipal)."""
    found: list[Problem] = []
    for name, parameter in schema.parameters.items():
        value = effective.get(name)
        option: dict[str, Any] = parameter.choices.get(value, {}) if isinstance(value, str) else {}
        requires: dict[str, str] = option.get("when") or {}
        for other, wanted in requires.items():
            if effective.get(other) != wanted:
                found.append((adoption.lines.get(name, 0), "adoption-type",
                              f"{name} = {value!r} is only for {other} = {wanted!r}",
                              f"choose another {name}, or set {other} = {wanted!r}"))
    return found


def plan_months_needed(liaison_days: int, inventory_days: int) -> int:
    """Months before a first plan can be published: liaisons, then inventories, then consultation."""
    return months_of(liaison_days + inventory_days + PLAN_CONSULTATION_DAYS)


def _check_calendar(schema: Schema, adoption: Adoption, shown: str) -> list[Diagnostic]:
    names = ("plazo-enlace-dias", "plazo-inventario-dias", "plazo-plan-meses")
    if not all(name in schema for name in names):
        return []
    liaison, inventory, plan = (adoption.values.get(n, schema[n].default) for n in names)
    if not all(isinstance(v, int) for v in (liaison, inventory, plan)):
        return []
    needed = plan_months_needed(liaison, inventory)
    if plan >= needed:
        return []
    line = adoption.lines.get("plazo-plan-meses") or adoption.lines.get("plazo-inventario-dias", 0)
    return [Diagnostic(shown, line, "adoption-calendar",
                       f"plazo-plan-meses = {plan}, but liaisons ({liaison} business days), inventories "
                       f"({inventory}) and the plan's consultation ({PLAN_CONSULTATION_DAYS}) take {needed} months",
                       f"set plazo-plan-meses = {needed} or more, or shorten the other deadlines")]

