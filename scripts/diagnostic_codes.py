"""The one table of diagnostic codes: every `[code]` the pipeline can print, what it means, how
serious it is and how to fix it.

A code is a promise to the people who read it (translators search CONTRIBUTING.md for it, CI
logs are grepped for it), so each is defined once, here. `tests/test_diagnostic_codes.py` reads
every module of `scripts/` and fails when a module emits a code this table does not have, and
when CONTRIBUTING.md does not document one of them. Sphinx's and MyST's own warning types
(`ref.ref`, `myst.xref_missing`...) pass through under their own names, documented by those
projects; `sphinx` and `docutils` stand for warnings that carry no type.

Severity: an `error` fails the command; a `warning` is reported and the command still succeeds;
`info` says what a command did not do (it is printed once, never counted as a problem).
"""

from __future__ import annotations

from dataclasses import dataclass

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Code:
    name: str
    reporter: str  # the command or stage that reports it: check, build, registry, release...
    meaning: str
    fix: str
    severity: str = "error"


_ROWS = (
    # `check` (scripts/checks*.py): the catalog and its header
    Code("po-syntax", "check", "the file is not a valid gettext catalog",
         "correct the line named, comparing it with the entries around it, or open and save it in Poedit"),
    Code("po-encoding", "check", "the file's bytes are not valid in the charset its header declares "
         "(or it starts with a byte-order mark)", "save the file as UTF-8 without BOM and declare charset=UTF-8"),
    Code("po-charset", "check", "a valid catalog in a charset other than UTF-8 (gettext reads it; this "
         "project keeps its catalogs in UTF-8)", "`python -m scripts check --fix FILE` converts it", "warning"),
    Code("po-header-language", "check", "the Language header is missing or differs from the catalog's directory",
         "set `Language: TAG` to the directory's name (`make update-po` does)"),
    Code("po-header-plural", "check", "the Plural-Forms header is missing, invalid, or differs from the registry",
         "`make update-po` sets it from the registry; change `plural_forms` there if the community decided so"),
    Code("po-header-fuzzy", "check", "the header is marked fuzzy, so gettext would ignore it",
         "remove the `#, fuzzy` line above msgid \"\""),
    Code("po-unknown-language", "check", "a catalog for a language that is not in locale/languages.toml",
         "register it with `python -m scripts add-language TAG`"),
    Code("po-duplicate", "check", "the same msgid appears twice (msgfmt -c)", "keep one entry, merging the translations"),
    Code("po-newline", "check", "msgid and msgstr do not both begin/end with a newline (msgfmt -c)",
         "begin and end the translation as the msgid does"),
    Code("po-format", "check", "format directives differ between msgid and msgstr (msgfmt -c, following the "
         "catalog's Plural-Forms)", "keep every %(name)s / {name} / %d of the msgid; %2$s reorders them"),
    Code("po-plural-count", "check", "the number of msgstr[N] forms differs from the header's nplurals (msgfmt -c)",
         "write msgstr[0] to msgstr[nplurals-1]"),
    Code("po-msgfmt", "check", "gettext's `msgfmt -c` refuses the catalog for another reason (its message says why)",
         "correct the line named; `msgfmt -c -o /dev/null FILE` shows gettext's own message"),
    Code("msgfmt-missing", "check", "gettext's msgfmt is not installed, so the gettext-level checks cannot run",
         "install gettext (`make system`, or `apt-get install gettext`)"),
    Code("po-wrap", "check", "not in the canonical form (msgcat's wrapping at 79 columns)",
         "`python -m scripts wrap FILE` or `check --fix FILE` (or save it in Poedit)", "warning"),
    Code("source-rest", "check", "the catalogs' msgids are reStructuredText, not MyST: the MyST markup and "
         "HTML checks were skipped for them", "nothing to fix; said once per run", "info"),
    # `check`: MyST markup that must survive translation
    Code("myst-role", "check", "a MyST role or its target is missing or changed ({ref}, {term}, {doc}...)",
         "keep `{role}` and its target; translate only the visible text"),
    Code("myst-link", "check", "a link's URL or target is missing or changed", "in [text](URL) translate the text only"),
    Code("myst-code", "check", "inline code is missing or changed", "copy every `code` span unchanged"),
    Code("myst-fence", "check", "a ``` or ::: fence opens or closes in the translation but not in the source",
         "write one paragraph, as the msgid is"),
    Code("myst-footnote", "check", "a footnote reference [^x] is missing or changed", "keep every [^label]"),
    Code("myst-substitution", "check", "a substitution {{ name }} is missing or changed", "copy it unchanged"),
    Code("myst-image", "check", "an image's source is missing or changed", "in ![alt](path) translate the alt text only"),
    # `check` (and the build, on the doctree and the written pages): what must never be published
    Code("unsafe-html", "check", "raw HTML that the source text does not have", "use MyST markup instead"),
    Code("unsafe-script", "check", "a script, iframe, object, embed, style, form, meta, link or base element",
         "remove it; translations are text and MyST markup only"),
    Code("unsafe-handler", "check", "an HTML event handler attribute (onclick=, onerror=...)", "remove it"),
    Code("unsafe-url", "check", "a javascript:, vbscript: or data: URL", "use the https:// address of the source"),
    Code("unsafe-image", "check", "an image loaded from another site", "use the source's image (source/imagenes/)"),
    Code("unsafe-directive", "check", "a {raw} or {eval-rst} directive or role (or a file insertion, in the build)",
         "remove it; a translation never inserts raw output"),
    Code("unsafe-invisible", "check", "invisible bidirectional controls or zero-width characters the msgid does "
         "not have: readers could see other text than the reviewers approved", "delete them (U+202A–U+202E, "
         "U+2066–U+2069, U+200B–U+200D, U+2060, U+FEFF)"),
    # `check`: orthography and spacing
    Code("unicode-nfc", "check", "text not in Unicode NFC", "`python -m scripts check --fix FILE`"),
    Code("apostrophe", "check", "a glottal mark other than the one the registry sets for the language",
         "write the registry's mark, or change `apostrophe` in the registry"),
    Code("whitespace", "check", "leading or trailing spaces differ from the msgid", "copy the msgid's spaces"),
    # `check` on the whole project
    Code("catalog-missing", "check", "a document has no catalog in a registered language", "`make update-po`"),
    Code("catalog-stale", "check", "a catalog's msgids differ from the current source", "`make update-po`, commit"),
    Code("catalog-orphan", "check", "a catalog whose document no longer exists (kept, never deleted)",
         "move its translations to the renamed document's catalog, or delete the file", "warning"),
    # the build (scripts/sphinxext, scripts/build.py, scripts/sphinx_warnings.py)
    Code("unsafe-math", "build", "math in a translation or the source: published as code, never as LaTeX/MathJax",
         "write the expression as text, as the source does"),
    Code("unsafe-path", "build", "an image, download or inclusion outside source/", "use the source's files only"),
    Code("translation-unused", "build", "a translation Sphinx cannot use (not one paragraph or title like its msgid)",
         "write it in the msgid's shape; a title starting with a number is written `1\\. Title`"),
    Code("pdf-missing-glyph", "build", "no font of the PDF has a character of the text",
         "write the character as the orthography does, or add a font that has it"),
    Code("pdf-no-log", "build", "xelatex wrote no log, so the PDF's problems cannot be read", "see build/logs/TAG.log"),
    Code("sphinx", "build", "a Sphinx warning without a type of its own", "correct the line named"),
    Code("docutils", "build", "a docutils error or severe message without a type of its own", "correct the markup"),
    # catalogs: update, extraction, the lock; status
    Code("catalogs-locked", "update", "another command is writing the catalogs", "let it finish and run again"),
    Code("extract-failed", "update", "Sphinx could not extract the messages into .pot templates",
         "run the command shown to see the whole error; fix the source or conf.py"),
    Code("update-source-language", "update", "the source language (es) has no catalogs to update",
         "name a translation's tag, or none"),
    Code("update-no-templates", "update", "no .pot templates to update from", "run `update` without --no-extract"),
    Code("status-no-path", "status", "the path given to `status` does not exist", "give a .po file or a directory"),
    # the language registry (locale/languages.toml) and add-language
    Code("registry-missing", "registry", "locale/languages.toml does not exist", "restore it from git"),
    Code("registry-encoding", "registry", "the registry is not valid UTF-8", "save it as UTF-8"),
    Code("registry-syntax", "registry", "the registry is not valid TOML", "fix the syntax, or restore it from git"),
    Code("registry-empty", "registry", "the registry has no [[language]] entries", "add one per edition"),
    Code("registry-unknown-key", "registry", "a key the registry does not know", "use the keys the message lists"),
    Code("registry-missing-key", "registry", "an entry without a required key", "add the key the message names"),
    Code("registry-bad-tag", "registry", "a tag that is not one BCP 47 language (or is a collective code)",
         "use an individual ISO 639 code"),
    Code("registry-duplicate-tag", "registry", "a tag registered twice", "remove one of the entries"),
    Code("registry-bad-apostrophe", "registry", "an apostrophe policy that is not one of the known marks",
         "name the mark's code point, or none"),
    Code("registry-missing-inali", "registry", "an Indigenous language without its INALI group and variety",
         "set inali_agrupacion and inali_variante"),
    Code("registry-source", "registry", "not exactly one language is marked source = true", "mark es only"),
    Code("registry-bad-fallback", "registry", "an interface fallback that is not another registered language, "
         "or English for an Indigenous edition", 'use interface_fallback = "es"'),
    Code("registry-bad-value", "registry", "bilingual or draft_below with a value of the wrong kind or range",
         "bilingual = true/false (not on the source); draft_below = 0..100"),
    Code("registry-unknown-language", "registry", "a tag that is not registered", "use a registered tag, or add it"),
    Code("add-language-tag", "add-language", "the tag cannot name an edition", "use an individual ISO 639 code"),
    Code("add-language-exists", "add-language", "the language is already registered", "edit its entry instead"),
    Code("add-language-apostrophe", "add-language", "an apostrophe that is not one of the known marks",
         "give the mark's code point, or none"),
    Code("add-language-missing", "add-language", "answers missing and no terminal to ask them",
         "give them as options"),
    # preview and release
    Code("preview-failed", "preview", "the draft of a language did not build", "run `check` on its catalogs"),
    Code("release-no-git", "release", "not a git working tree", "release from a clone of the repository"),
    Code("release-dirty", "release", "the working tree differs from HEAD", "commit or stash, tag, release again"),
    Code("release-untagged", "release", "HEAD is not at a tag", "tag the commit (`git tag -a vX.Y.Z`)"),
    Code("release-not-semver", "release", "HEAD's tag is not vMAJOR.MINOR.PATCH", "add a semantic version tag"),
    Code("release-several-tags", "release", "HEAD carries several version tags", "delete the wrong tag"),
    Code("release-changelog", "release", "no changelog section for the version", "write it in CHANGELOG.md"),
    Code("release-missing-edition", "release", "a language has no output to publish", "build it first"),
    Code("release-checks", "release", "catalog errors: a release publishes only catalogs that pass `make check`",
         "fix them, commit, tag the new commit"),
    Code("release-edition-failed", "release", "an edition failed to build, so nothing was published",
         "fix what the summary names, commit, tag, release again"),
    # `check` and the build: adoption parameters in the text and its translations
    Code("param-unknown", "check", "a {param}`name` whose name is not in the schema (misspelt or translated)",
         "copy the name between backquotes from the msgid: it is never translated"),
    Code("param-missing", "check", "the msgstr lacks a {param}`name` of its msgid",
         "keep every {param}`name` of the msgid, unchanged; move it where the sentence needs it"),
    Code("param-added", "check", "the msgstr has a {param}`name` its msgid does not have",
         "use only the msgid's {param} placeholders, as many times as it has them"),
    Code("param-empty", "build", "an adoption leaves a parameter the text uses without a value",
         "fill it in the adoption's file (`python -m scripts adopt check FILE` lists it)"),
    # `adopt check`: a government's parameter file (adopciones/SLUG/adopcion.toml)
    Code("adoption-unreadable", "adopt", "the parameter file cannot be read or is not valid TOML",
         "correct the line named (quotes around text, `=` between name and value)"),
    Code("adoption-missing", "adopt", "a required parameter is absent or empty", "write its value"),
    Code("adoption-unknown", "adopt", "a parameter the schema does not declare (misspelt or removed)",
         "use a name of source/_parametros.toml (`adopt new` writes them all)"),
    Code("adoption-type", "adopt", "a value of the wrong type, out of range, or not one of the choices",
         "write a value of the type the comment above it names"),
    Code("adoption-date", "adopt", "a date that is not a real date in the form AAAA-MM-DD (or MM-DD)",
         "write the date as AAAA-MM-DD, e.g. 2027-01-15"),
    Code("adoption-override", "adopt", "a per-language value for a language that is not in the registry",
         "use a registered tag (es, en, nhe...)"),
    Code("adoption-logo", "adopt", "the logo is missing, not a PNG/SVG, or an SVG with scripts or outside references",
         "give a PNG, or an SVG without scripts and without external links or images"),
    Code("adoption-calendar", "adopt", "the deadlines cannot all be met: the first plan comes before the "
         "inventories and the consultation", "lengthen the plan's deadline or shorten the earlier ones"),
    Code("adoption-schema", "adopt", "source/_parametros.toml itself is malformed", "correct the line named"),
    # `check` (terminology) and worksheets
    Code("term-inconsistent", "check", "the msgid uses a term of the language's agreed terminology "
         "(locale/<tag>/terminologia.csv) and the translation lacks its agreed translation",
         "use the agreed translation; if another was agreed, change the table", "warning"),
    Code("term-table", "terminology", "a terminology table (locale/<tag>/terminologia.csv) is malformed",
         "keep the header es,traduccion,nota,acordado_por and one term per row"),
    Code("worksheet-not-a-worksheet", "worksheet", "the file is not a worksheet made by `worksheet export` "
         "(or cannot be read)", "import the file the export wrote, saved as .xlsx, .ods, .docx or .csv"),
    Code("worksheet-language", "worksheet", "the worksheet's language is not the one asked for, or not a "
         "registered translation", "import it for its own language (`--language`), or export one for this language"),
    Code("worksheet-row", "worksheet", "a row without a valid ID, with an unknown ID, or repeated",
         "keep the ID column as exported; do not copy rows"),
    Code("worksheet-formula", "worksheet", "a translation cell holds a spreadsheet formula",
         "write the translation as text (start it with an apostrophe in the spreadsheet if needed)"),
    Code("worksheet-marker", "worksheet", "a marker ⟦n⟧ is missing, repeated, unknown or misplaced",
         "keep every ⟦n⟧…⟦/n⟧ of the Spanish column around the words that correspond"),
    Code("worksheet-conflict", "worksheet", "the Spanish text or the catalog's translation changed since the export",
         "review the row in the conflicts file; `--force` replaces (the old text is kept in that file)"),
    Code("worksheet-format", "worksheet", "`worksheet export --formats` names a format other than xlsx, ods, docx",
         "choose among xlsx, ods and docx"),
    # catalogs and set-up
    Code("update-msgmerge", "update", "GNU msgmerge is missing or failed, so the catalogs were not updated",
         "install gettext (`apt-get install gettext`); the message shows msgmerge's own words"),
    Code("system-unknown-target", "system", "scripts/system_deps.py was asked for a target it does not know",
         "use a target of its TARGETS table (`python3 scripts/system_deps.py --list`)"),
)

CODES: dict[str, Code] = {row.name: row for row in _ROWS}
assert len(CODES) == len(_ROWS), "a code is defined twice"
assert all(row.severity in SEVERITIES for row in _ROWS)


def severity(code: str) -> str:
    """The severity of a code; a code not in the table (Sphinx's own types) is an error."""
    row = CODES.get(code)
    return row.severity if row else "error"


def reported_by(reporter: str) -> dict[str, Code]:
    return {name: row for name, row in CODES.items() if row.reporter == reporter}
