"""Adoption parameters: what a state or municipality fills in to make the model its own policy.

The schema (source/_parametros.toml) declares every parameter once; the sources cite them with
the MyST role {param}`name`, which survives gettext unchanged, so one set of translations serves
the model and every adoption. An adoption is one TOML file (adopciones/SLUG/adopcion.toml) that
`adopt new` writes from the schema and `adopt check` validates. Values are untrusted: they are
formatted here as plain strings and inserted into documents as text nodes, never parsed.

This module is the model of an adoption: the schema, reading a parameter file, the values as
text, and the `param-*` check of catalogs. Validation (`adopt check`) is scripts/adoption_check.py;
the `adopt` command and `adopt new` are scripts/adopt_command.py; the build dimension is
scripts/adoption_build.py. TOML is read with the standard library's tomllib; it keeps no line
numbers, so the lines of diagnostics come from a scan of the file's `key =` lines. Dates are
written with Babel.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from babel.dates import format_date, format_skeleton
from babel.numbers import format_decimal

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


def months_of(days: int) -> int:
    return -(-days // BUSINESS_DAYS_PER_MONTH)


# The calendar derived from the deadlines, so that no milestone comes before what it depends on.
DERIVED: dict[str, Callable[[dict[str, Any]], int]] = {
    "fase-1-inicio": lambda v: v["plazo-plan-meses"] + 1,
    "hito-enlaces-mes": lambda v: months_of(max(v["plazo-comite-dias"], v["plazo-enlace-dias"])),
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


def effective_values(schema: Schema, values: dict[str, Any]) -> dict[str, Any]:
    return {name: values.get(name, p.default_for(SOURCE_TAG)) for name, p in schema.parameters.items()}



def is_date(text: str, recurring: bool) -> bool:
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


# ----------------------------------------------------------------------------------------------
# Values as text

def format_value(parameter: Parameter, value: Any, tag: str, date_locale: str) -> str:
    """The text a value is shown as in one edition: dates and numbers in its language."""
    if isinstance(value, dict):
        value = value.get(tag) or value.get("es", "")
    if parameter.type == "date" and isinstance(value, str) and is_date(value, parameter.recurring):
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
    effective = effective_values(schema, adoption.values)
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
