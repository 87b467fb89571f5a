"""Every check a catalog must pass before it is published, each with a stable code.

A translation reaches readers as HTML, PDF and EPUB, so a catalog is checked for what breaks a
build (syntax, headers, what `msgfmt -c` refuses), for what breaks the page (MyST roles, links,
code and footnotes that must survive translation), for what must never be published (raw HTML,
scripts, javascript: URLs, remote images, raw directives), and for the orthography the
language's community chose (NFC, its apostrophe). Codes are documented in CONTRIBUTING.md; the
list below is the single source for their meaning.
"""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

from scripts import pofile, terminology
from scripts.adoption import PLACEHOLDER_CODES, PLACEHOLDER_ROLES, check_placeholders
from scripts.atomic import write_atomic
from scripts.catalogs import (
    INTERFACE_DOMAIN,
    catalog_files,
    catalog_lock,
    docname_of,
    extract,
    first_difference,
    language_of_path,
    nplurals,
    pot_files,
    project_from,
)
from scripts.diagnostics import Diagnostic, display_path
from scripts.languages import APOSTROPHES, Language, Registry
from scripts.pofile import Catalog, Entry
from scripts.project import Project

# code -> what it means (CONTRIBUTING.md explains how to fix each one)
CODES = {
    "po-syntax": "the file is not a valid gettext catalog",
    "po-encoding": "the file is not UTF-8, or its header declares another charset",
    "po-header-language": "the Language header is missing or differs from the catalog's directory",
    "po-header-plural": "the Plural-Forms header is missing or differs from the registry",
    "po-header-fuzzy": "the header is marked fuzzy, so gettext would ignore it",
    "po-unknown-language": "a catalog for a language that is not in locale/languages.toml",
    "po-duplicate": "the same msgid appears twice",
    "po-newline": "msgid and msgstr do not both begin/end with a newline",
    "po-format": "format placeholders differ between msgid and msgstr",
    "po-plural-count": "the number of msgstr[N] forms differs from nplurals",
    "po-wrap": "not in the canonical wrapping (warning; `check --fix` or `wrap` fixes it)",
    "myst-role": "a MyST role or its target is missing or changed ({ref}, {term}, {doc}...)",
    "myst-link": "a link's URL or target is missing or changed",
    "myst-code": "inline code is missing or changed",
    "myst-fence": "a ``` or ::: fence opens or closes in the translation but not in the source",
    "myst-footnote": "a footnote reference [^x] is missing or changed",
    "myst-substitution": "a substitution {{ name }} is missing or changed",
    "myst-image": "an image's source is missing or changed",
    "unsafe-html": "raw HTML that the source text does not have",
    "unsafe-script": "a script, iframe, object, embed, style, form, meta, link or base element",
    "unsafe-handler": "an HTML event handler attribute (onclick=, onerror=...)",
    "unsafe-url": "a javascript:, vbscript: or data: URL",
    "unsafe-image": "an image loaded from another site",
    "unsafe-directive": "a {raw} or {eval-rst} directive or role",
    "unicode-nfc": "text not in Unicode NFC (`check --fix` fixes it)",
    "apostrophe": "a glottal mark other than the one the registry sets for the language",
    "whitespace": "leading or trailing spaces differ from the msgid",
    "term-inconsistent": "a glossary term of the msgid lacks its agreed translation (warning; scripts/terminology.py)",
    "catalog-missing": "a document has no catalog in a registered language",
    "catalog-stale": "a catalog's msgids differ from the current source",
    "catalog-orphan": "a catalog whose document no longer exists (warning)",
    **PLACEHOLDER_CODES,
}

_ROLE_RE = re.compile(r"\{([A-Za-z][\w.+:-]*)\}(`+)(.+?)(?<!`)\2(?!`)", re.DOTALL)
_LINK_ROLES = frozenset({"ref", "term", "doc", "numref", "download", "eq", "any", "cite", "footcite",
                         "keyword", "option", "envvar", "token", "py:func", "py:class", "py:mod"})
_CODE_RE = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.DOTALL)
_IMAGE_RE = re.compile(r"!\[[^\[\]]*\]\(\s*<?([^()\s>]*)>?(?:\s+[\"'][^\"']*[\"'])?\s*\)")
_LINK_RE = re.compile(r"(?<!!)\[[^\[\]]*\]\(\s*<?([^()\s>]*)>?(?:\s+[\"'][^\"']*[\"'])?\s*\)")
_AUTOLINK_RE = re.compile(r"<((?:https?|ftp|mailto):[^>\s]+)>")
_FOOTNOTE_RE = re.compile(r"\[\^([^\]\s]+)\]")
_SUBSTITUTION_RE = re.compile(r"\{\{\s*([^{}\s]+)\s*\}\}")
_TAG_RE = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)(?=[\s/>])[^<>]*>|<!--")
_SCRIPT_RE = re.compile(r"<\s*/?\s*(script|iframe|object|embed|style|form|meta|link|base|svg|math)\b",
                        re.IGNORECASE)
_HANDLER_RE = re.compile(r"<[^<>]*?\s(on[a-z]+)\s*=", re.IGNORECASE)
_BAD_SCHEME_RE = re.compile(r"^\s*(javascript|vbscript|data)\s*:", re.IGNORECASE)
_SCRIPT_SCHEME_RE = re.compile(r"\b(javascript|vbscript)\s*:", re.IGNORECASE)
_ATTR_URL_RE = re.compile(r"\b(?:href|src|action|formaction|srcset)\s*=\s*[\"']?\s*([^\"'\s>]+)", re.IGNORECASE)
_DIRECTIVE_RE = re.compile(r"\{(raw|eval-rst)\}|\.\.\s+raw::", re.IGNORECASE)
_REMOTE_RE = re.compile(r"^\s*(?:https?:)?//", re.IGNORECASE)
_PY_FORMAT_RE = re.compile(r"%(?:\(([^)]*)\))?[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?([diouxXeEfFgGcrsa%])")
_BRACE_FORMAT_RE = re.compile(r"\{\{|\}\}|\{([^{}]*)\}")
_SPACES = " \t\u00a0\u202f\u3000"
_MARKS = "".join(APOSTROPHES.values())


def _edges(text: str) -> tuple[str, str]:
    """The spaces a text starts and ends with (newlines are po-newline's business)."""
    body = text.strip("\n")
    start = body[: len(body) - len(body.lstrip(_SPACES))]
    end = body[len(body.rstrip(_SPACES)):] if body.strip(_SPACES) else ""
    return start, end


def _roles(text: str) -> tuple[Counter[tuple[str, str]], str]:
    """(role, target) of every role, and the text with the roles blanked out."""
    found: Counter[tuple[str, str]] = Counter()
    for match in _ROLE_RE.finditer(text):
        name, content = match.group(1), match.group(3).strip()
        if name in ("raw", "eval-rst", *PLACEHOLDER_ROLES):
            continue  # unsafe-directive reports these; param-* the adoption parameters
        if name in _LINK_ROLES:
            target = content
            if content.endswith(">") and "<" in content:
                target = content[content.rindex("<") + 1:-1].strip()
            found[(name, target)] += 1
        else:
            found[(name, "")] += 1
    return found, _ROLE_RE.sub(" ", text)


def _code_spans(text: str) -> Counter[str]:
    return Counter(m.group(2).strip() for m in _CODE_RE.finditer(text))


def _without_code(text: str) -> str:
    return _CODE_RE.sub(" ", text)


def _format_placeholders(text: str, flags: list[str]) -> object:
    if "python-format" in flags or "c-format" in flags:
        names = []
        positional = []
        for match in _PY_FORMAT_RE.finditer(text):
            if match.group(2) == "%":
                continue
            if match.group(1) is not None:
                names.append(match.group(1))
            else:
                positional.append(match.group(2))
        return (sorted(set(names)), positional)
    if "python-brace-format" in flags:
        return sorted({(m.group(1) or "").split("!")[0].split(":")[0]
                       for m in _BRACE_FORMAT_RE.finditer(text) if m.group(1) is not None})
    return None


def _flat(placeholders: object) -> list[list[str]]:
    if isinstance(placeholders, tuple):
        return [list(part) for part in placeholders]
    return [list(placeholders)]  # type: ignore[call-overload]


class _Reporter:
    def __init__(self, shown: str) -> None:
        self.shown = shown
        self.found: list[Diagnostic] = []

    def __call__(self, line: int, code: str, message: str, hint: str, severity: str = "error") -> None:
        self.found.append(Diagnostic(self.shown, line, code, message, hint, severity))


_FENCE_LINE_RE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,}|:{3,})", re.MULTILINE)


def _fence_lines(text: str) -> list[str]:
    """The fence markers that open or close a block at the start of a line."""
    return [m.group(1)[0] * 3 for m in _FENCE_LINE_RE.finditer(text)]


def _differs(report: _Reporter, line: int, code: str, what: str, source: Counter, translation: Counter,
             hint: str) -> None:
    missing = source - translation
    extra = translation - source
    if not missing and not extra:
        return
    parts = []
    if missing:
        parts.append("missing " + ", ".join(_show(x) for x in sorted(missing, key=str)))
    if extra:
        parts.append("not in the source " + ", ".join(_show(x) for x in sorted(extra, key=str)))
    report(line, code, f"{what}: {'; '.join(parts)}", hint)


def _show(item: object) -> str:
    if isinstance(item, tuple):
        name, target = item
        return f"{{{name}}}`{target}`" if target else f"{{{name}}}"
    return repr(item)


def _is_letter(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "LM"


def _apostrophe_words(text: str, wrong: str) -> list[str]:
    """Words in which one of the `wrong` marks stands between letters."""
    words = []
    for match in re.finditer(f"[{re.escape(wrong)}]", text):
        i = match.start()
        if 0 < i < len(text) - 1 and _is_letter(text[i - 1]) and _is_letter(text[i + 1]):
            start, end = i, i + 1
            while start and (_is_letter(text[start - 1]) or text[start - 1] in _MARKS):
                start -= 1
            while end < len(text) and (_is_letter(text[end]) or text[end] in _MARKS):
                end += 1
            words.append(text[start:end])
    return words


def check_entry(entry: Entry, language: Language | None, report: _Reporter) -> None:
    """The checks of one entry's translation (each plural form against its source)."""
    line = entry.msgstr_line or entry.line
    source_all = entry.msgid if entry.msgid_plural is None else f"{entry.msgid}\n{entry.msgid_plural}"
    for index, translation in enumerate(entry.translations):
        if not translation:
            continue
        unsafe = _check_absolute(translation, source_all, language, line, report)
        if entry.fuzzy:
            continue
        source = entry.msgid if index == 0 or entry.msgid_plural is None else entry.msgid_plural
        _check_relative(entry, translation, source, line, report, unsafe)


def _check_absolute(text: str, source: str, language: Language | None, line: int, report: _Reporter) -> bool:
    """The checks that need no msgid to compare with; True if unsafe HTML was already reported."""
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        report(line, "unicode-nfc", "the translation is not in Unicode NFC",
               "run `python -m scripts check --fix FILE` (it composes é from e + ´ where Unicode can)")
    unsafe = False
    if "<" in text and (script := _SCRIPT_RE.search(text)):
        unsafe = True
        report(line, "unsafe-script", f"the translation contains <{script.group(1)}>",
               "remove the element; translations are text and MyST markup only")
    if "<" in text and (match := _HANDLER_RE.search(text)):
        unsafe = True
        report(line, "unsafe-handler", f"the translation contains an event handler ({match.group(1)}=)",
               "remove the attribute; translations are text and MyST markup only")
    bad: list[str] = []
    if ":" in text:
        urls = [m.group(1) for m in _LINK_RE.finditer(text)] + [m.group(1) for m in _IMAGE_RE.finditer(text)]
        urls += [m.group(1) for m in _ATTR_URL_RE.finditer(text)]
        bad = [u for u in urls if _BAD_SCHEME_RE.match(u)]
        if not bad and (m := _SCRIPT_SCHEME_RE.search(text)) and not _SCRIPT_SCHEME_RE.search(source):
            bad = [m.group(0)]
    if bad:
        report(line, "unsafe-url", f"the translation links to {bad[0]!r}",
               "use the http(s) address the source text uses")
    if ("{" in text or ".." in text) and len(_DIRECTIVE_RE.findall(text)) > len(_DIRECTIVE_RE.findall(source)):
        report(line, "unsafe-directive", "the translation contains a {raw} or {eval-rst} directive or role",
               "remove it; raw output is never allowed in a translation")
    if language is not None and language.apostrophe_char and any(mark in text for mark in _MARKS):
        wrong = "".join(c for c in _MARKS if c != language.apostrophe_char)
        words = [w for w in _apostrophe_words(text, wrong) if w not in source]
        if words:
            code_point = f"U+{ord(language.apostrophe_char):04X}"
            report(line, "apostrophe",
                   f"{words[0]!r} uses a glottal mark other than {language.apostrophe_char!r} ({code_point}), "
                   f"which locale/languages.toml sets for {language.tag}",
                   f"write {language.apostrophe_char!r} ({code_point}); if the community's usage changed, "
                   "change `apostrophe` in the registry instead")
    return unsafe


def _check_relative(entry: Entry, text: str, msgid: str, line: int, report: _Reporter,
                    unsafe_reported: bool) -> None:
    if msgid.startswith("\n") != text.startswith("\n"):
        report(line, "po-newline", "msgid and msgstr do not both begin with a newline (\\n)",
               "begin both with \\n, or neither")
    elif msgid.endswith("\n") != text.endswith("\n"):
        report(line, "po-newline", "msgid and msgstr do not both end with a newline (\\n)",
               "end both with \\n, or neither")
    if _edges(msgid) != _edges(text):
        report(line, "whitespace", "leading or trailing spaces differ from the msgid",
               "start and end the translation with exactly the spaces the msgid has")
    expected = _format_placeholders(msgid, entry.flags)
    found = _format_placeholders(text, entry.flags)
    if entry.msgid_plural is not None and expected is not None:
        # a plural form may leave the number out ("one dataset" for "%d datasets")
        mismatch = not all(set(f) <= set(e) for f, e in zip(_flat(found), _flat(expected), strict=True))
    else:
        mismatch = found != expected
    if expected is not None and mismatch:
        report(line, "po-format", "the format placeholders differ from the msgid's",
               "keep every %(name)s / {name} / %s of the msgid, unchanged")

    both = msgid + text
    if "```" in both or "~~~" in both or ":::" in both:
        fences = Counter(_fence_lines(text))
        if fences != Counter(_fence_lines(msgid)):
            report(line, "myst-fence", "a code or directive fence (```, ~~~, :::) opens or closes here that the "
                   "msgid does not have", "write the text as one paragraph, like the msgid: no line starting with "
                   "``` or :::, or exactly the fences the msgid has")
    if "{" in both:
        source_roles, source_rest = _roles(msgid)
        roles, rest = _roles(text)
        _differs(report, line, "myst-role", "roles differ", source_roles, roles,
                 "keep each {role}`target` of the source; translate only the text before <target>, "
                 "e.g. {term}`open data <datos abiertos>`")
    else:
        source_rest, rest = msgid, text
    check_placeholders(msgid, text, line, report)
    if "`" in both:
        _differs(report, line, "myst-code", "inline code differs", _code_spans(source_rest), _code_spans(rest),
                 "copy every `code` span of the source unchanged")
        source_plain, plain = _without_code(source_rest), _without_code(rest)
    else:
        source_plain, plain = source_rest, rest
    if "](" in both:
        source_images = Counter(m.group(1) for m in _IMAGE_RE.finditer(source_plain))
        images = Counter(m.group(1) for m in _IMAGE_RE.finditer(plain))
        remote = [src for src in images if _REMOTE_RE.match(src) and src not in source_images]
        for src in remote:
            del images[src]  # reported below as unsafe-image
        _differs(report, line, "myst-image", "image sources differ", source_images, images,
                 "keep the image path of the source: ![translated alt text](same/path.png)")
        if remote:
            report(line, "unsafe-image", f"the translation loads an image from {remote[0]!r}",
                   "use the image of the source; images are stored in the repository (source/imagenes)")
    if "](" in both or "<" in both:
        source_links = Counter(m.group(1) for m in _LINK_RE.finditer(source_plain))
        source_links.update(m.group(1) for m in _AUTOLINK_RE.finditer(source_plain))
        links = Counter(m.group(1) for m in _LINK_RE.finditer(plain) if not _BAD_SCHEME_RE.match(m.group(1)))
        links.update(m.group(1) for m in _AUTOLINK_RE.finditer(plain))
        _differs(report, line, "myst-link", "link targets differ", source_links, links,
                 "keep the (URL) of every [text](URL) of the source; translate only the [text]")
    if "[^" in both:
        _differs(report, line, "myst-footnote", "footnote references differ",
                 Counter(_FOOTNOTE_RE.findall(source_plain)), Counter(_FOOTNOTE_RE.findall(plain)),
                 "keep every [^label] of the source, with the same label")
    if "{{" in both:
        _differs(report, line, "myst-substitution", "substitutions differ",
                 Counter(_SUBSTITUTION_RE.findall(source_plain)), Counter(_SUBSTITUTION_RE.findall(plain)),
                 "keep every {{ name }} of the source unchanged")
    if "<" not in both:
        return
    source_tags = Counter(m.group(2).lower() for m in _TAG_RE.finditer(source_plain) if m.group(2))
    tags = Counter(m.group(2).lower() for m in _TAG_RE.finditer(plain) if m.group(2))
    comments = plain.count("<!--") - source_plain.count("<!--")
    extra_tags = tags - source_tags
    if (extra_tags or comments > 0) and not unsafe_reported:
        what = f"<{sorted(extra_tags)[0]}>" if extra_tags else "an HTML comment"
        report(line, "unsafe-html", f"the translation adds raw HTML ({what})",
               "use MyST markup (*emphasis*, **strong**, [links](URL)) instead of HTML")


def check_catalog_text(catalog: Catalog, shown: str, registry: Registry, directory_tag: str | None,
                       report: _Reporter | None = None) -> list[Diagnostic]:
    """Every per-file check of one parsed catalog."""
    report = report or _Reporter(shown)
    header = catalog.header
    fields = catalog.header_fields()
    lines = catalog.header_lines
    header_line = header.msgstr_line if header else 1
    declared = fields.get("Language", "").strip()
    tag = directory_tag or declared or None
    if header is None:
        report(1, "po-header-language", "the catalog has no header (msgid \"\")",
               "run `python -m scripts update`, which writes the header, or copy it from another catalog")
    elif directory_tag and declared != directory_tag:
        report(lines.get("Language", header_line), "po-header-language",
               f"Language is {declared!r} but the catalog is in the {directory_tag!r} directory",
               f'set "Language: {directory_tag}\\n" in the header (Poedit: Catalog > Properties)')
    elif not declared:
        report(lines.get("Language", header_line), "po-header-language", "the header has no Language",
               'add "Language: TAG\\n" to the header, with the tag of the catalog\'s language')
    if header is not None and header.fuzzy:
        report(header.line, "po-header-fuzzy", "the header is marked fuzzy; gettext then ignores it",
               "remove the `#, fuzzy` line above msgid \"\"")
    content_type = fields.get("Content-Type", "")
    charset = re.search(r"charset\s*=\s*([\w.-]+)", content_type)
    if header is not None and (not charset or charset.group(1).lower().replace("_", "-") not in ("utf-8", "utf8")):
        report(lines.get("Content-Type", header_line), "po-encoding",
               f"the header declares {content_type or 'no Content-Type'!r}, not UTF-8",
               'set "Content-Type: text/plain; charset=UTF-8\\n" and save the file as UTF-8')

    language: Language | None = None
    if tag is not None:
        if tag in registry:
            language = registry.get(tag)
        else:
            report(lines.get("Language", header_line) if not directory_tag else 1, "po-unknown-language",
                   f"{tag!r} is not in locale/languages.toml",
                   f"register it first: `python -m scripts add-language {tag}` (see CONTRIBUTING.md)")
    if language is not None and header is not None:
        plural = fields.get("Plural-Forms", "")
        if " ".join(plural.split()) != " ".join(language.plural_forms.split()):
            report(lines.get("Plural-Forms", header_line), "po-header-plural",
                   f"Plural-Forms is {plural!r}, the registry says {language.plural_forms!r}",
                   "run `python -m scripts update` (it sets the header from the registry), or change "
                   "plural_forms in locale/languages.toml if the translators decided otherwise")
    forms = nplurals(fields.get("Plural-Forms", "")) if fields.get("Plural-Forms") else None

    seen: dict[tuple[str | None, str], int] = {}
    for entry in catalog.entries:
        if entry.obsolete:
            continue
        if entry.key in seen:
            report(entry.line, "po-duplicate", f"this msgid is already at line {seen[entry.key]}",
                   "keep one of the two entries (merge their translations by hand)")
        else:
            seen[entry.key] = entry.line
        if entry.msgid_plural is not None and forms is not None and len(entry.msgstr_plural) != forms:
            report(entry.msgstr_line, "po-plural-count",
                   f"{len(entry.msgstr_plural)} plural forms, the header says nplurals={forms}",
                   f"write msgstr[0] to msgstr[{forms - 1}]")
        if entry.has_translation:
            check_entry(entry, language, report)
    terminology.check_terms(catalog.entries, language.tag if language else None, registry.path.parent, report)
    return report.found


def check_file(path: Path, registry: Registry, root: Path | None = None, *, wrapping: bool = True) -> list[Diagnostic]:
    shown = display_path(path, root)
    try:
        text = pofile.decode(path.read_bytes())
        catalog = pofile.parse(text)
    except pofile.PoSyntaxError as exc:
        return [Diagnostic(shown, exc.line, exc.code, exc.message, exc.hint)]
    except OSError as exc:
        return [Diagnostic(shown, 0, "po-syntax", f"cannot read the file: {exc.strerror}", "check the path")]
    found = check_catalog_text(catalog, shown, registry, language_of_path(path))
    if wrapping:
        canonical = pofile.dumps(catalog)
        if canonical != text:
            found.append(Diagnostic(shown, first_difference(text, canonical), "po-wrap",
                                    "not in the canonical gettext form (msgcat's wrapping at 79 columns)",
                                    f"run `python -m scripts check --fix {shown}`", "warning"))
    return found


def check_project(project: Project, *, do_extract: bool = True, wait: float = 30.0) -> list[Diagnostic]:
    """Every catalog, plus their consistency with the current sources' .pot templates."""
    registry = project.registry()
    root = project.root
    found: list[Diagnostic] = []
    for path in catalog_files(project):
        found += check_file(path, registry, root)
    if do_extract:
        with catalog_lock(project, wait):  # update may be rewriting build/gettext right now
            pots = extract(project).pots
    else:
        pots = pot_files(project)
    if pots:
        for language in registry.translations:
            base = project.catalogdir(language.tag)
            for docname, pot_path in pots.items():
                target = base / f"{docname}.po"
                shown = display_path(target, root)
                if not target.exists():
                    found.append(Diagnostic(shown, 0, "catalog-missing",
                                            f"document {docname!r} has no {language.tag} catalog",
                                            "run `python -m scripts update` (make update-po)"))
                    continue
                try:
                    current = {e.key for e in pofile.read(target).entries if not e.obsolete}
                except pofile.PoSyntaxError:
                    continue  # reported above
                expected = {e.key for e in pofile.read(pot_path).entries if not e.obsolete}
                if current != expected:
                    new, gone = len(expected - current), len(current - expected)
                    found.append(Diagnostic(shown, 0, "catalog-stale",
                                            f"{new} msgid(s) of the source missing, {gone} no longer in it",
                                            "run `python -m scripts update` (make update-po) and commit the result"))
            for path in catalog_files(project, language.tag):
                docname = docname_of(project, path)
                if docname not in pots and docname != INTERFACE_DOMAIN:
                    found.append(Diagnostic(display_path(path, root), 0, "catalog-orphan",
                                            f"no document {docname!r} in source/ any more",
                                            "move its translations to the renamed document's catalog, "
                                            "or delete the file", "warning"))
    return sorted(found)


def check_files(paths: Iterable[Path], registry: Registry, root: Path | None = None) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    for path in paths:
        found += check_file(path, registry, root)
    return found


def fix_file(path: Path) -> bool:
    """Apply the safe fixes (NFC of translations, canonical wrapping); True if the file changed."""
    catalog = pofile.read(path)
    for entry in catalog.entries:
        entry.msgstr = unicodedata.normalize("NFC", entry.msgstr)
        entry.msgstr_plural = [unicodedata.normalize("NFC", s) for s in entry.msgstr_plural]
        if entry.comments:
            entry.comments = [unicodedata.normalize("NFC", c) for c in entry.comments]
    return write_atomic(path, pofile.dumps(catalog))


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="*", type=Path, metavar="FILE.po",
                        help="catalogs to check on their own (default: every catalog, plus "
                             "consistency with the current sources)")
    parser.add_argument("--fix", action="store_true",
                        help="apply the safe fixes (Unicode NFC, canonical wrapping) and nothing else")
    parser.add_argument("--no-extract", action="store_true",
                        help="with no files: compare with the .pot templates already in build/gettext "
                             "instead of extracting them again")
    parser.add_argument("--wait", type=float, default=30.0, metavar="SECONDS")


def run(args: argparse.Namespace) -> int:
    """Check translation catalogs; each problem is printed as `path:line: [code] message — fix`."""
    project = project_from(args)
    registry = project.registry()
    paths: Sequence[Path] = list(args.files)
    if args.fix:
        with catalog_lock(project, args.wait):
            for path in paths or catalog_files(project):
                try:
                    if fix_file(path):
                        print(f"fixed {display_path(path, project.root)}")
                except pofile.PoSyntaxError:
                    pass  # reported below
    if paths:
        found = check_files(paths, registry, project.root)
    else:
        found = check_project(project, do_extract=not args.no_extract, wait=args.wait)
    for diagnostic in found:
        print(diagnostic, file=sys.stderr)
    errors = sum(d.is_error for d in found)
    warnings = len(found) - errors
    checked = len(paths) if paths else len(catalog_files(project))
    print(f"{checked} catalogs checked: {errors} errors, {warnings} warnings")
    return 1 if errors else 0


COMMANDS = {"check": (_add_arguments, run)}
