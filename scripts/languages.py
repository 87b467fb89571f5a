"""The language registry, `locale/languages.toml`: the one place that says which editions exist.

Everything else (conf.py, the build matrix, the site, the checks, the release) asks this module.
The registry is validated on load so that a mistake made by hand (a duplicate tag, a collection
code such as ``nah`` used as if it were one language) stops every command with an explanation
instead of producing a wrong edition.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scripts.diagnostics import Diagnostic, PipelineError, display_path

REGISTRY_NAME = "languages.toml"
DEFAULT_PLURAL_FORMS = "nplurals=2; plural=(n != 1);"

# The characters a community may use for the glottal stop / ejective mark. The registry names
# one of them per language (or "none" where the orthography has no such letter); checks enforce
# it and no tool ever converts one into another.
APOSTROPHES = {
    "U+0027": "'",
    "U+2019": "\u2019",
    "U+02BC": "\u02bc",
    "U+A78C": "\ua78c",
}
APOSTROPHE_POLICIES = (*APOSTROPHES, "none")

# ISO 639 codes that name a group of languages rather than one language. An edition is written
# in one variety, so these are refused with the reason and individual codes to choose from.
COLLECTIVE_CODES: dict[str, tuple[str, str]] = {
    "nah": ("the Nahuatl languages (a collection, ISO 639-5)",
            "nhe (Eastern Huasteca), nhw (Western Huasteca), nhi (Zacatlán-Ahuacatlán-Tepetzintla), "
            "nch (Central Huasteca), ncj (Northern Puebla), azz (Highland Puebla)"),
    "oto": ("the Otomian languages (a family, ISO 639-5), which includes Mazahua and Pame",
            "ote (Mezquital Otomi), otq (Querétaro Otomi), maz (Central Mazahua)"),
    "myn": ("the Mayan languages (a family, ISO 639-5)",
            "yua (Yucatec Maya), tzo (Tsotsil), tzh (Tseltal), ctu (Chol), toj (Tojolabal)"),
    "omq": ("the Oto-Manguean languages (a family, ISO 639-5)",
            "zai (Isthmus Zapotec), mxb (Tezoatlán Mixtec), maz (Central Mazahua)"),
    "azc": ("the Uto-Aztecan languages (a family, ISO 639-5)", "nhe, nhw, nch, tar (Central Tarahumara)"),
    "zap": ("Zapotec, a macrolanguage of 57 individual languages",
            "zai (Isthmus Zapotec), zaw (Mitla Zapotec), zpq (Zoogocho Zapotec)"),
    "nai": ("the North American Indian languages (a collection, ISO 639-5)", "the code of one language"),
    "cai": ("the Central American Indian languages (a collection, ISO 639-5)", "the code of one language"),
    "sai": ("the South American Indian languages (a collection, ISO 639-5)", "the code of one language"),
    "mis": ("'uncoded languages', which names no language", "the language's own ISO 639-3 code"),
    "mul": ("'multiple languages', which names no language", "one edition per language"),
    "und": ("'undetermined', which names no language", "the language's own ISO 639-3 code"),
}

TAG_RE = re.compile(r"^[a-z]{2,3}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?$")

_REQUIRED = ("tag", "autonym", "name_es", "name_en", "latex_language", "apostrophe")
_OPTIONAL = {
    "source": False,
    "indigenous": False,
    "interface_fallback": "",
    "date_locale": "",
    "plural_forms": DEFAULT_PLURAL_FORMS,
    "inali_agrupacion": "",
    "inali_variante": "",
    "verified": True,
    "note": "",
    "bilingual": None,  # None: on for Indigenous languages (set when the entry is read)
    "draft_below": None,  # None: DEFAULT_DRAFT_BELOW
}
# Under this percentage translated, an edition's PDF and EPUB are offered as a *borrador* (draft)
# rather than as the language's edition: below half, most of what a reader gets is Spanish.
DEFAULT_DRAFT_BELOW = 50
_KNOWN_KEYS = frozenset(_REQUIRED) | frozenset(_OPTIONAL)


@dataclass(frozen=True)
class Language:
    """Everything the pipeline needs to know about one edition's language."""

    tag: str
    autonym: str
    name_es: str
    name_en: str
    latex_language: str
    apostrophe: str
    source: bool = False
    indigenous: bool = False
    interface_fallback: str = ""
    date_locale: str = ""
    plural_forms: str = DEFAULT_PLURAL_FORMS
    inali_agrupacion: str = ""
    inali_variante: str = ""
    verified: bool = True
    note: str = ""
    bilingual: bool = False  # publish a bilingual (Spanish beside this language) edition
    draft_below: int = DEFAULT_DRAFT_BELOW  # percent translated under which PDF/EPUB are a draft
    line: int = 0

    @property
    def apostrophe_char(self) -> str | None:
        """The one character this language writes its glottal mark with, if it has one."""
        return APOSTROPHES.get(self.apostrophe)

    def is_draft(self, percent: int) -> bool:
        """Whether an edition this far translated is offered as a draft, not as the edition."""
        return not self.source and percent < self.draft_below

    @property
    def interface_chain(self) -> list[str]:
        """Languages whose interface strings this edition shows, most preferred first."""
        return [self.tag, self.interface_fallback] if self.interface_fallback else [self.tag]


@dataclass(frozen=True)
class Registry:
    path: Path
    languages: tuple[Language, ...] = field(default_factory=tuple)

    @property
    def tags(self) -> list[str]:
        return [lang.tag for lang in self.languages]

    @property
    def source(self) -> Language:
        return next(lang for lang in self.languages if lang.source)

    @property
    def translations(self) -> list[Language]:
        return [lang for lang in self.languages if not lang.source]

    def get(self, tag: str) -> Language:
        for lang in self.languages:
            if lang.tag == tag:
                return lang
        known = ", ".join(self.tags)
        raise PipelineError(Diagnostic(
            display_path(self.path), 0, "registry-unknown-language",
            f"language {tag!r} is not registered (registered: {known})",
            f"use one of those tags, or add it with `python -m scripts add-language {tag}`"))

    def __contains__(self, tag: object) -> bool:
        return tag in self.tags


def _entry_lines(text: str) -> list[int]:
    """Line numbers of each ``[[language]]`` header, so problems point at their entry."""
    return [i for i, line in enumerate(text.splitlines(), 1) if line.strip() == "[[language]]"]


def _key_line(text: str, start: int, key: str) -> int:
    lines = text.splitlines()
    for i in range(max(start, 1), len(lines) + 1):
        stripped = lines[i - 1].strip()
        if i > start and stripped == "[[language]]":
            break
        if re.match(rf"{re.escape(key)}\s*=", stripped):
            return i
    return start


def check_tag(tag: str) -> str | None:
    """Why `tag` cannot name an edition, or None if it can."""
    if tag in COLLECTIVE_CODES:
        what, instead = COLLECTIVE_CODES[tag]
        return (f"{tag!r} is {what}, not one language; an edition is written in one variety — "
                f"use an individual ISO 639-3 code such as {instead}")
    if not TAG_RE.match(tag):
        return (f"{tag!r} is not a BCP 47 language tag — use a lowercase ISO 639 code "
                "(e.g. 'yua', 'tzo', 'nhe'), optionally with a region ('es-MX')")
    return None


def parse_registry(text: str, path: Path) -> Registry:
    """Validate registry text; raise PipelineError listing every problem found."""
    shown = display_path(path)
    problems: list[Diagnostic] = []

    def problem(line: int, code: str, message: str, hint: str) -> None:
        problems.append(Diagnostic(shown, line, code, message, hint))

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        line = int(match.group(1)) if match else (len(text.splitlines()) if "end of document" in str(exc) else 0)
        raise PipelineError(Diagnostic(
            shown, line, "registry-syntax",
            f"not valid TOML: {exc}",
            "fix the syntax (compare with the other entries), or restore the file with "
            "`git checkout -- locale/languages.toml`")) from None

    unknown_top = sorted(set(data) - {"language", "schema"})
    for key in unknown_top:
        problem(_key_line(text, 1, key), "registry-unknown-key", f"unknown top-level key {key!r}",
                "the registry holds only `schema` and `[[language]]` entries")
    entries = data.get("language", [])
    if not isinstance(entries, list) or not entries:
        raise PipelineError(Diagnostic(shown, 1, "registry-empty", "no [[language]] entries",
                                       "add one [[language]] table per edition"))

    starts = _entry_lines(text) + [0] * len(entries)
    languages: list[Language] = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(entries):
        start = starts[index]
        for key in sorted(set(entry) - _KNOWN_KEYS):
            problem(_key_line(text, start, key), "registry-unknown-key",
                    f"unknown key {key!r} in a [[language]] entry",
                    f"known keys: {', '.join(sorted(_KNOWN_KEYS))}")
        missing = [key for key in _REQUIRED if not str(entry.get(key, "")).strip()]
        for key in missing:
            problem(start, "registry-missing-key", f"entry without {key!r}",
                    f"every [[language]] needs: {', '.join(_REQUIRED)}")
        if missing:
            continue
        tag = entry["tag"]
        line = _key_line(text, start, "tag")
        if (why := check_tag(tag)) is not None:
            problem(line, "registry-bad-tag", why.split(" — ")[0], why.split(" — ", 1)[-1])
            continue
        if tag in seen:
            problem(line, "registry-duplicate-tag", f"tag {tag!r} is registered twice",
                    f"remove one of the entries (the other is at line {seen[tag]})")
            continue
        seen[tag] = line
        if entry["apostrophe"] not in APOSTROPHE_POLICIES:
            problem(_key_line(text, start, "apostrophe"), "registry-bad-apostrophe",
                    f"apostrophe policy {entry['apostrophe']!r} is not one of "
                    f"{', '.join(APOSTROPHE_POLICIES)}",
                    "name the code point this language writes its glottal mark with, or 'none'")
        if entry.get("indigenous") and not (entry.get("inali_agrupacion") and entry.get("inali_variante")):
            problem(start, "registry-missing-inali",
                    f"Indigenous language {tag!r} has no INALI agrupación/variante",
                    "set inali_agrupacion and inali_variante from INALI's catalogue (DOF 14/01/2008)")
        values = {key: entry.get(key, default) for key, default in _OPTIONAL.items()}
        values.update({key: entry[key] for key in _REQUIRED})
        for message in _edition_value_problems(values):
            key = message.split(" ", 1)[0]
            problem(_key_line(text, start, key), "registry-bad-value", f"{tag}: {message}",
                    "bilingual = true or false; draft_below = a whole percentage from 0 (never a draft) to 100")
        if values["bilingual"] is None or not isinstance(values["bilingual"], bool):
            values["bilingual"] = bool(values["indigenous"]) and not values["source"]
        if not isinstance(values["draft_below"], int) or isinstance(values["draft_below"], bool) \
                or not 0 <= values["draft_below"] <= 100:
            values["draft_below"] = DEFAULT_DRAFT_BELOW
        languages.append(Language(**values, line=start))

    if not problems:
        sources = [lang for lang in languages if lang.source]
        if len(sources) != 1:
            problem(1, "registry-source", f"{len(sources)} languages are marked source = true",
                    "exactly one language (es) is the source")
        tags = {lang.tag for lang in languages}
        for lang in languages:
            fallback = lang.interface_fallback
            if fallback and (fallback not in tags or fallback == lang.tag):
                problem(_key_line(text, lang.line, "interface_fallback"), "registry-bad-fallback",
                        f"{lang.tag}: interface_fallback {fallback!r} is not another registered language",
                        "Indigenous editions fall back to the source language: interface_fallback = \"es\"")
            if lang.indigenous and fallback == "en":
                problem(_key_line(text, lang.line, "interface_fallback"), "registry-bad-fallback",
                        f"{lang.tag}: an Indigenous edition must not fall back to English",
                        'use interface_fallback = "es"')
    if problems:
        raise PipelineError(problems)
    return Registry(path=path, languages=tuple(languages))


def _edition_value_problems(values: dict[str, Any]) -> list[str]:
    """What is wrong with the keys that shape an edition's downloads (each message starts with its key)."""
    found = []
    bilingual, draft_below = values.get("bilingual"), values.get("draft_below")
    if bilingual is not None and not isinstance(bilingual, bool):
        found.append(f"bilingual must be true or false, not {bilingual!r}")
    if bilingual and values.get("source"):
        found.append("bilingual cannot be set on the source language (it would be Spanish beside Spanish)")
    if draft_below is not None and (not isinstance(draft_below, int) or isinstance(draft_below, bool)
                                    or not 0 <= draft_below <= 100):
        found.append(f"draft_below must be a whole percentage from 0 to 100, not {draft_below!r}")
    return found


def load_registry(path: Path) -> Registry:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise PipelineError(Diagnostic(
            display_path(path), 0, "registry-missing", "the language registry does not exist",
            "restore it with `git checkout -- locale/languages.toml`")) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise PipelineError(Diagnostic(
            display_path(path), line, "registry-encoding", "the registry is not valid UTF-8",
            "save the file as UTF-8")) from None
    return parse_registry(text, path)


def render_entry(values: dict[str, Any]) -> str:
    """TOML text of one ``[[language]]`` entry, keys in a fixed order, for add-language."""
    order = [*_REQUIRED, *_OPTIONAL]
    lines = ["[[language]]"]
    for key in order:
        if key not in values:
            continue
        value = values[key]
        if value is None:
            continue
        if isinstance(value, bool):
            lines.append(f"{key} = {'true' if value else 'false'}")
        elif isinstance(value, int):
            lines.append(f"{key} = {value}")
        else:
            escaped = str(value).replace("\\", "\\\\").replace('"', '\\"')
            lines.append(f'{key} = "{escaped}"')
    return "\n".join(lines) + "\n"
