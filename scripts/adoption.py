"""Adoption parameters: what a state or municipality fills in to make the model its own policy.

The schema (source/_parametros.toml) declares every parameter once; the sources cite them with
the MyST role {param}`name`, which survives gettext unchanged, so one set of translations serves
the model and every adoption. An adoption is one TOML file (adopciones/SLUG/adopcion.toml) that
`adopt new` writes from the schema and `adopt check` validates. Values are untrusted: they are
formatted here as plain strings and inserted into documents as text nodes, never parsed.

TOML is read with the standard library's tomllib; it keeps no line numbers, so the lines of
diagnostics come from a scan of the file's `key =` lines. Dates are written with Babel. A logo
is validated without an imaging library (the project has none): a PNG by its signature and
header chunk, an SVG by a defusedxml parse that refuses scripts, handlers and outside references.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
import tomllib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from babel.dates import format_date, format_skeleton
from babel.numbers import format_decimal

from scripts.atomic import write_atomic
from scripts.diagnostics import Diagnostic, PipelineError, display_path
from scripts.project import Project

SCHEMA_NAME = "_parametros.toml"  # in source/, next to the text whose blanks it declares
ADOPTIONS_DIR = "adopciones"
ADOPTION_FILE = "adopcion.toml"
SOURCE_TAG = "es"  # the language every value must have; the others fall back to it
TYPES = ("text", "date", "integer", "url", "email", "choice", "image", "languages")
PARAM_ROLE = "param"
BLANK_ROLE = "blank"
PLACEHOLDER_ROLES = (PARAM_ROLE,)  # compared by name by check_placeholders, not by myst-role
NAME_RE = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")

# Their codes (adoption-*, param-*) are in the one table, scripts/diagnostic_codes.py.
_PARAM_RE = re.compile(r"\{" + PARAM_ROLE + r"\}`([^`]*)`")
_KEY_LINE_RE = re.compile(r'^\s*"?([A-Za-z0-9_-]+)"?\s*(?:\.\s*"?([A-Za-z0-9_-]+)"?\s*)?=')
_SECTION_RE = re.compile(r'^\s*\[\s*"?([A-Za-z0-9_-]+)"?\s*\]')
_TOML_LINE_RE = re.compile(r"at line (\d+)")
_URL_RE = re.compile(r"^https://[A-Za-z0-9.-]+\.[A-Za-z]{2,}(?::\d+)?(?:/[^\s<>\"'`]*)?$")
_EMAIL_RE = re.compile(r"^[^@\s<>\"'`]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")
_RECURRING_RE = re.compile(r"^(\d{2})-(\d{2})$")
BUSINESS_DAYS_PER_MONTH = 21
PLAN_CONSULTATION_DAYS = 15  # business days of public consultation on a plan (planes-de-apertura.md)


def _months(days: int) -> int:
    return -(-days // BUSINESS_DAYS_PER_MONTH)


# The calendar derived from the deadlines, so that no milestone comes before what it depends on.
DERIVED: dict[str, Callable[[dict[str, Any]], int]] = {
    "fase-1-inicio": lambda v: v["plazo-plan-meses"] + 1,
    "hito-enlaces-mes": lambda v: _months(max(v["plazo-comite-dias"], v["plazo-enlace-dias"])),
    "hito-primeros-mes": lambda v: v["plazo-plan-meses"] + 3,
}


@dataclass(frozen=True)
class Parameter:
    """One declared parameter; `meaning` is also the label of the model's blank."""

    name: str
    type: str
    meaning: dict[str, str]
    help: str = ""
    required: bool = False
    default: Any = None
    choices: dict[str, dict[str, Any]] = field(default_factory=dict)  # value -> {es, en[, when]}
    recurring: bool = False
    when: dict[str, str] = field(default_factory=dict)
    minimum: int | None = None
    maximum: int | None = None
    derived: bool = False
    line: int = 0

    def label(self, tag: str) -> str:
        """The meaning in the edition's language, else Spanish (Indigenous editions)."""
        return self.meaning.get(tag) or self.meaning["es"]

    def default_for(self, tag: str) -> Any:
        if isinstance(self.default, dict):
            return self.default.get(tag, self.default.get("es"))
        return self.default


@dataclass(frozen=True)
class Schema:
    path: Path
    parameters: dict[str, Parameter]

    def __contains__(self, name: object) -> bool:
        return name in self.parameters

    def __getitem__(self, name: str) -> Parameter:
        return self.parameters[name]


@dataclass
class Adoption:
    """A parameter file as read: values (a table of per-language values for overrides) and lines."""

    path: Path
    values: dict[str, Any]
    lines: dict[str, int]


# ----------------------------------------------------------------------------------------------
# Reading

def _key_lines(text: str) -> dict[str, int]:
    """Line of each top-level `key = ...`, `key.sub = ...` (as "key" and "key.sub") and `[key]`."""
    found: dict[str, int] = {}
    for number, raw in enumerate(text.splitlines(), 1):
        match = _SECTION_RE.match(raw) or _KEY_LINE_RE.match(raw)
        if not match:
            continue
        key = match.group(1)
        found.setdefault(key, number)
        if match.re is _KEY_LINE_RE and match.group(2):
            found.setdefault(f"{key}.{match.group(2)}", number)
    return found


def _read_toml(path: Path, code: str, root: Path | None) -> tuple[dict[str, Any], dict[str, int]]:
    shown = display_path(path, root)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PipelineError(Diagnostic(shown, 0, code, f"cannot read the file ({exc})",
                                       "check the path; the file must be UTF-8 text")) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        where = _TOML_LINE_RE.search(str(exc))
        raise PipelineError(Diagnostic(shown, int(where.group(1)) if where else 1, code,
                                       f"not valid TOML: {str(exc).split(' (at')[0]}",
                                       'write `name = "value"`, one per line; quote every text')) from None
    return data, _key_lines(text)


def schema_path(project: Project) -> Path:
    return project.srcdir / SCHEMA_NAME


def load_schema(path: Path, root: Path | None = None) -> Schema:
    """Parse and validate the schema; a malformed schema is the maintainers' error, reported at its line."""
    data, lines = _read_toml(path, "adoption-schema", root)
    shown = display_path(path, root)
    problems: list[Diagnostic] = []

    def problem(name: str, message: str, hint: str) -> None:
        problems.append(Diagnostic(shown, lines.get(name, 1), "adoption-schema", message, hint))

    parameters: dict[str, Parameter] = {}
    for name, entry in data.items():
        if name == "schema":
            continue
        if not isinstance(entry, dict) or not NAME_RE.match(name):
            problem(name, f"{name!r} is not a parameter table with a lowercase ASCII name",
                    "declare [name-with-hyphens] followed by its keys")
            continue
        kind = entry.get("type")
        meaning = entry.get("meaning", {})
        if kind not in TYPES:
            problem(name, f"{name}: type {kind!r} is not one of {', '.join(TYPES)}", "set a known type")
            continue
        if not isinstance(meaning, dict) or not meaning.get("es") or not meaning.get("en"):
            problem(name, f"{name}: meaning needs es and en", 'meaning = { es = "...", en = "..." }')
            continue
        choices = entry.get("choices", {})
        if kind == "choice" and not choices:
            problem(name, f"{name}: a choice without choices", 'add choices.value = { es = "...", en = "..." }')
        parameters[name] = Parameter(
            name=name, type=kind, meaning=dict(meaning), help=str(entry.get("help", "")),
            required=bool(entry.get("required", False)), default=entry.get("default"),
            choices={k: dict(v) for k, v in choices.items()}, recurring=bool(entry.get("recurring", False)),
            when=dict(entry.get("when", {})), minimum=entry.get("min"), maximum=entry.get("max"),
            derived=bool(entry.get("derived", False)), line=lines.get(name, 0))
        if parameters[name].derived and name not in DERIVED:
            problem(name, f"{name}: derived, but scripts/adoption.py has no rule for it", "add it to DERIVED")
    for parameter in parameters.values():
        for other, value in parameter.when.items():
            if other not in parameters or value not in parameters[other].choices:
                problem(parameter.name, f"{parameter.name}: when = {{ {other} = {value!r} }} names no declared choice",
                        "name a choice parameter and one of its values")
    if problems:
        raise PipelineError(problems)
    return Schema(path, parameters)


def read_adoption(path: Path, root: Path | None = None) -> Adoption:
    data, lines = _read_toml(path, "adoption-unreadable", root)
    return Adoption(path, data, lines)


# ----------------------------------------------------------------------------------------------
# Validation

def _is_date(text: str, recurring: bool) -> bool:
    if recurring:
        match = _RECURRING_RE.match(text)
        if not match:
            return False
        text = f"2000-{text}"  # a leap year: 02-29 is a valid day of the year
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10


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
    if kind == "date" and not _is_date(value, parameter.recurring):
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


def _effective(schema: Schema, values: dict[str, Any]) -> dict[str, Any]:
    return {name: values.get(name, p.default_for(SOURCE_TAG)) for name, p in schema.parameters.items()}


def check_adoption(path: Path, schema: Schema, tags: set[str], root: Path | None = None) -> list[Diagnostic]:
    """Every problem of one parameter file, each at its line (0 when the parameter is absent)."""
    shown = display_path(path, root)
    try:
        adoption = read_adoption(path, root)
    except PipelineError as exc:
        return exc.diagnostics
    effective = _effective(schema, {k: (v.get(SOURCE_TAG) if isinstance(v, dict) else v)
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
    return _months(liaison_days + inventory_days + PLAN_CONSULTATION_DAYS)


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


# ----------------------------------------------------------------------------------------------
# Values as text

def format_value(parameter: Parameter, value: Any, tag: str, date_locale: str) -> str:
    """The text a value is shown as in one edition: dates and numbers in its language."""
    if isinstance(value, dict):
        value = value.get(tag) or value.get("es", "")
    if parameter.type == "date" and isinstance(value, str) and _is_date(value, parameter.recurring):
        if parameter.recurring:
            month, day = (int(part) for part in value.split("-"))
            return format_skeleton("MMMMd", dt.date(2000, month, day), locale=date_locale)
        return format_date(dt.date.fromisoformat(value), format="long", locale=date_locale)
    if parameter.type == "integer" and isinstance(value, int):
        return format_decimal(value, locale=date_locale)
    if parameter.type == "choice" and value in parameter.choices:
        texts = parameter.choices[value]
        return texts.get(tag) or texts["es"]
    if parameter.type == "url" and isinstance(value, str):
        return value.rstrip("/")
    if parameter.type == "languages" and isinstance(value, list):
        return ", ".join(value)
    return str(value)


def resolve(schema: Schema, adoption: Adoption | None, tag: str, date_locale: str) -> dict[str, str]:
    """Every parameter's text in one edition; empty without an adoption (the model shows blanks)."""
    if adoption is None:
        return {}
    out: dict[str, str] = {}
    effective = _effective(schema, adoption.values)
    for name, parameter in schema.parameters.items():
        value = adoption.values.get(name)
        if parameter.derived:
            value = DERIVED[name](effective)
        if value in (None, ""):
            value = parameter.default_for(tag)
        if value in (None, ""):
            continue
        out[name] = format_value(parameter, value, tag, date_locale)
    return out


def choice_tags(schema: Schema, adoption: Adoption | None) -> set[str]:
    """Sphinx tags for the variants an adoption selects (`only` expressions test them)."""
    if adoption is None:
        return {"modelo"}
    found = {"adopcion"}
    for name, parameter in schema.parameters.items():
        if parameter.type == "choice":
            value = adoption.values.get(name, parameter.default)
            if isinstance(value, str) and value in parameter.choices:
                found.add(variant_tag(name, value))
    return found


def variant_tag(name: str, value: str) -> str:
    """A Sphinx tag name (an identifier) for `name = value`."""
    return re.sub(r"\W", "_", f"{name}__{value}")


# ----------------------------------------------------------------------------------------------
# Placeholders in catalogs (called by scripts.checks)

def placeholders(text: str) -> Counter[str]:
    return Counter(_PARAM_RE.findall(text))


_SCHEMA_CACHE: dict[Path, frozenset[str]] = {}


def _declared(root: Path) -> frozenset[str]:
    path = root / "source" / SCHEMA_NAME
    if path not in _SCHEMA_CACHE:
        try:
            _SCHEMA_CACHE[path] = frozenset(load_schema(path).parameters)
        except PipelineError:
            _SCHEMA_CACHE[path] = frozenset()
    return _SCHEMA_CACHE[path]


def check_placeholders(msgid: str, msgstr: str, line: int, report: Callable[[int, str, str, str], None],
                       root: Path | None = None) -> None:
    """Report {param} placeholders a translation misspells, drops or adds."""
    if "{" + PARAM_ROLE + "}" not in msgid + msgstr:
        return
    declared = _declared(root or Project.discover(Path(__file__).parent).root)
    source, translated = placeholders(msgid), placeholders(msgstr)
    unknown = [name for name in translated if declared and name not in declared]
    for name in unknown:
        report(line, "param-unknown", f"{{param}}`{name}` is not an adoption parameter",
               "copy the name between backquotes from the msgid: it is never translated")
    missing = source - translated
    added = translated - source
    if missing and not unknown:
        report(line, "param-missing", f"the translation lacks {{param}}`{next(iter(missing))}`",
               "keep every {param}`name` of the msgid, unchanged; move it where the sentence needs it")
    if added and not unknown:
        report(line, "param-added", f"the translation adds {{param}}`{next(iter(added))}`",
               "use only the {param}`name` placeholders of the msgid, as many times as it does")


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
