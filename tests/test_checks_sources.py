"""check on other projects' kinds of catalogs, and without false alarms (issue 14's classes).

Each test writes the small catalog it needs: role targets named like HTML elements, "JavaScript:"
in prose, code spans holding tags, invisible bidi controls, reordered and plural formats of a
4-form language, reStructuredText catalogs in a directory tree, ISO-8859-1.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from scripts import checks, pofile
from scripts.__main__ import main
from scripts.checks_gettext import parse_msgfmt
from scripts.checks_markup import MYST_EXTENSIONS
from scripts.diagnostics import po_wrap
from scripts.languages import load_registry
from tests.translator_fixtures import make_project

REPO = Path(__file__).resolve().parent.parent
REGISTRY = load_registry(REPO / "locale" / "languages.toml")
EN_HEADER = "Language: en\nMIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\n" \
            "Content-Transfer-Encoding: 8bit\nPlural-Forms: nplurals=2; plural=(n != 1);\n"


def entry_codes(msgid: str, msgstr: str, fuzzy: bool = False) -> list[str]:
    report = checks._Reporter("x.po")
    entry = pofile.Entry(msgid=msgid, msgstr=msgstr, msgstr_line=1, flags=["fuzzy"] if fuzzy else [])
    checks.check_entry(entry, REGISTRY.get("en"), report)
    return [d.code for d in report.found]


def write_catalog(path: Path, entries: list[pofile.Entry], header: str = EN_HEADER, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    catalog = pofile.Catalog(header=pofile.Entry(msgid="", msgstr=header), entries=entries)
    path.write_bytes(pofile.dumps(catalog).encode(encoding))
    return path


def file_codes(path: Path) -> list[tuple[str, int]]:
    return [(d.code, d.line) for d in checks.check_file(path, REGISTRY, path.parent)]


# -- safety checks read what MyST produces --------------------------------------------------------

@pytest.mark.parametrize(("msgid", "msgstr"), [
    ("Una {term}`base de datos` abierta.", "An open {term}`database <base de datos>`."),
    ("El {ref}`encabezado <meta>` de la página.", "The page's {ref}`header <meta>`."),
    ("Vea {doc}`enlaces <link>`.", "See {doc}`links <link>`."),
    ("Escriba JavaScript: sólo si hace falta.", "Write JavaScript: only when needed."),
    ("Lenguajes: JavaScript: vbscript: data: nada más.", "Languages: JavaScript: vbscript: data: nothing else."),
    ("El elemento `<meta>` va en la cabecera.", "The `<meta>` element goes in the head."),
    ("Use ``<script src=x>`` con cuidado.", "Use ``<script src=x>`` with care."),
    ("Así:\n\n```{code-block} html\n<script>x()</script>\n```", "Thus:\n\n```{code-block} html\n<script>x()</script>\n```"),
    ("Un salto<br>de línea.", "A line<br>break."),
])
def test_what_is_not_html_or_a_link_is_not_reported(msgid: str, msgstr: str) -> None:
    assert entry_codes(msgid, msgstr) == []
    assert entry_codes(msgid, msgstr, fuzzy=True) == []


@pytest.mark.parametrize(("msgstr", "code"), [
    ("See the portal.<script>alert(1)</script>", "unsafe-script"),
    ('<iframe src="https://evil.example"></iframe>', "unsafe-script"),
    ("A {term}`database <base de datos>` and <meta http-equiv=refresh content=0>", "unsafe-script"),
    ('Open <b onmouseover="alert(1)">data</b>.', "unsafe-handler"),
    ("See [the portal](javascript:alert(1)).", "unsafe-url"),
    ("See <javascript:alert(1)>.", "unsafe-url"),
    ("See [the portal][p].\n\n[p]: vbscript:msgbox", "unsafe-url"),
    ('See <a href="java\tscript:alert(1)">it</a>.', "unsafe-url"),
    ('See <a href="&#106;avascript:alert(1)">it</a>.', "unsafe-url"),
    ("See [it](&#106;avascript:alert(1)).", "unsafe-url"),
    ("See {raw}`<b>x</b>`.", "unsafe-directive"),
    ("See the portal.\n\n```{raw} html\n<b>x</b>\n```", "unsafe-directive"),
    ("See the portal.\n\n:::{raw} latex\n\\input{/etc/hostname}\n:::", "unsafe-directive"),
    ("See the portal.\n\n~~~{eval-rst}\n.. include:: /etc/hostname\n~~~", "unsafe-directive"),
    ("See the portal.\n\n:::{note}\n:class: tip\n<script>alert(1)</script>\n:::", "unsafe-script"),
    ("See the portal.\n\n```{admonition} Title\n[x](javascript:alert(1))\n```", "unsafe-url"),
    ("- item\n\n  > <iframe src=x></iframe>", "unsafe-script"),
])
def test_real_attacks_are_still_caught(msgstr: str, code: str) -> None:
    assert code in entry_codes("Vea el portal.", msgstr)
    assert code in entry_codes("Vea el portal.", msgstr, fuzzy=True)


def test_a_tag_in_code_is_code_not_html() -> None:
    assert entry_codes("El elemento meta.", "The `<meta>` element.") == ["myst-code"]


def test_invisible_controls_the_msgid_lacks_are_reported() -> None:
    assert entry_codes("Pague 100 pesos.", "Pay \u202e001\u202c pesos.") == ["unsafe-invisible"]
    assert entry_codes("Pague 100 pesos.", "Pay 100\u200b pesos.") == ["unsafe-invisible"]
    assert entry_codes("Pague 100 pesos.", "Pay \u2067100\u2069 pesos.", fuzzy=True) == ["unsafe-invisible"]
    assert entry_codes("Una pala\u00adbra y \u200d.", "A wo\u00adrd and \u200d.") == []  # the msgid has them


# -- gettext's own checks are msgfmt's ------------------------------------------------------------

def test_reordered_c_format_is_accepted_and_a_missing_one_reported(tmp_path: Path) -> None:
    good = write_catalog(tmp_path / "en" / "LC_MESSAGES" / "a.po", [
        pofile.Entry(msgid="%d de %s", msgstr="%2$s has %1$d", flags=["c-format"]),
        pofile.Entry(msgid="%(a)s y %(b)s", msgstr="%(b)s and %(a)s", flags=["python-format"]),
    ])
    assert file_codes(good) == []
    bad = write_catalog(tmp_path / "en" / "LC_MESSAGES" / "b.po", [
        pofile.Entry(msgid="%(a)s y %(b)s", msgstr="%(b)s and more", flags=["python-format"]),
    ])
    assert [code for code, _ in file_codes(bad)] == ["po-format"]


WELSH = "Language: cy\nMIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\n" \
        "Plural-Forms: nplurals=4; plural=(n==1) ? 0 : (n==2) ? 1 : (n != 8 && n != 11) ? 2 : 3;\n"


def test_plural_forms_follow_the_catalogs_own_plural_forms(tmp_path: Path) -> None:
    """Welsh has 4 forms; forms 0 and 1 are for one number each, so they may leave %d out."""
    forms = ["Un ffeil", "Dwy ffeil", "%d ffeil", "%d o ffeiliau"]
    good = write_catalog(tmp_path / "cy.po", [
        pofile.Entry(msgid="%d file", msgid_plural="%d files", msgstr_plural=forms, flags=["c-format"])], WELSH)
    codes = [code for code, _ in file_codes(good)]
    assert "po-format" not in codes and "po-plural-count" not in codes
    assert codes == ["po-unknown-language"]  # cy is not one of this project's languages
    wrong = write_catalog(tmp_path / "wrong.po", [
        pofile.Entry(msgid="%d file", msgid_plural="%d files", msgstr_plural=[*forms[:2], "ffeiliau", forms[3]],
                     flags=["c-format"])], WELSH)
    assert "po-format" in [code for code, _ in file_codes(wrong)]
    short = write_catalog(tmp_path / "short.po", [
        pofile.Entry(msgid="%d file", msgid_plural="%d files", msgstr_plural=forms[:3], flags=["c-format"])], WELSH)
    assert "po-plural-count" in [code for code, _ in file_codes(short)]


def test_msgfmt_messages_map_to_codes() -> None:
    stderr = """x.po:3: nplurals = 2...
x.po:13: ...but some messages have only one plural form
x.po:3: warning: header field 'Last-Translator' missing in header
x.po:15: duplicate message definition...
x.po:12: ...this is the location of the first definition
x.po:18: 'msgid' and 'msgstr' entries do not both begin with '\\n'
x.po:20: a format specification for argument 'a' doesn't exist in 'msgstr'
x.po:2: nplurals = 2 but plural expression can produce values as large as 2
x.po:9: context separator <EOT> within string
msgfmt: found 6 fatal errors
"""
    found = [(d.code, d.line) for d in parse_msgfmt(stderr, "x.po")]
    assert found == [("po-plural-count", 13), ("po-duplicate", 15), ("po-newline", 18), ("po-format", 20),
                     ("po-header-plural", 2), ("po-msgfmt", 9)]


def test_without_msgfmt_check_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    path = write_catalog(tmp_path / "en.po", [pofile.Entry(msgid="Datos.", msgstr="Data.")])
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert main(["--root", str(REPO), "check", str(path)]) == 1
    assert "[msgfmt-missing]" in capsys.readouterr().err


# -- source syntax, directories, NFC -------------------------------------------------------------

REST_ENTRIES = [
    pofile.Entry(msgid="See :ref:`install <installing>` and :doc:`usage`.",
                 msgstr="Vea :ref:`la instalación <installing>` y :doc:`usage`.", references=["../../usage.rst:3"]),
    pofile.Entry(msgid="The ``<meta>`` element, `Python <https://python.org>`_.",
                 msgstr="El elemento ``<meta>``, `Python <https://python.org>`_.", references=["../../usage.rst:9"]),
]


def test_a_rest_catalog_gets_no_myst_hints_and_one_note_per_run(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    tree = tmp_path / "project"
    for component in ("core", "web", "docs/api"):
        write_catalog(tree / component / "locale" / "en" / "LC_MESSAGES" / "usage.po", REST_ENTRIES)
    status = main(["--root", str(REPO), "check", str(tree)])
    captured = capsys.readouterr()
    assert status == 0, captured.err
    assert captured.err.count("[source-rest]") == 1 and "3 catalogs" in captured.err
    assert "[myst-" not in captured.err and "[unsafe-" not in captured.err
    assert "3 catalogs checked: 0 errors, 0 warnings" in captured.out


def test_a_rest_catalog_without_references_is_recognised_by_its_markup(tmp_path: Path) -> None:
    entries = [pofile.Entry(msgid=e.msgid, msgstr=e.msgstr) for e in REST_ENTRIES]
    path = write_catalog(tmp_path / "en" / "LC_MESSAGES" / "usage.po", entries)
    assert file_codes(path) == [("source-rest", 0)]


@pytest.mark.parametrize(("msgstr", "code"), [
    ("Vea `el portal <javascript:alert(1)>`_.", "unsafe-url"),
    ("Vea el portal.\n\n.. raw:: html\n\n   <script>alert(1)</script>", "unsafe-directive"),
    ("Vea el portal.\n\n.. image:: https://evil.example/x.png", "unsafe-image"),
])
def test_a_rest_catalog_still_gets_its_safety_checks(tmp_path: Path, msgstr: str, code: str) -> None:
    entries = [*REST_ENTRIES, pofile.Entry(msgid="See the portal.", msgstr=msgstr, references=["../../usage.rst:20"])]
    path = write_catalog(tmp_path / "en" / "LC_MESSAGES" / "usage.po", entries)
    assert code in [c for c, _ in file_codes(path)]


def test_check_recurses_into_a_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_catalog(tmp_path / "a" / "en" / "LC_MESSAGES" / "good.po", [pofile.Entry(msgid="Datos.", msgstr="Data.")])
    write_catalog(tmp_path / "b" / "c" / "en" / "LC_MESSAGES" / "bad.po",
                  [pofile.Entry(msgid="Vea {ref}`inicio`.", msgstr="See {ref}`start`.")])
    assert main(["--root", str(REPO), "check", str(tmp_path)]) == 1
    captured = capsys.readouterr()
    assert "b/c/en/LC_MESSAGES/bad.po:" in captured.err and "[myst-role]" in captured.err
    assert "2 catalogs checked: 1 errors" in captured.out


def test_the_nfc_hint_says_what_nfc_does_to_that_text() -> None:
    composes = checks._Reporter("x.po")
    checks.check_entry(pofile.Entry(msgid="Política.", msgstr="Politica\u0301 policy.", msgstr_line=1),
                       REGISTRY.get("en"), composes)
    assert [d.code for d in composes.found] == ["unicode-nfc"] and "composes" in composes.found[0].hint
    decomposes = checks._Reporter("x.po")  # U+0958 is excluded from composition: NFC decomposes it
    checks.check_entry(pofile.Entry(msgid="Texto.", msgstr="\u0958 text.", msgstr_line=1),
                       REGISTRY.get("en"), decomposes)
    assert [d.code for d in decomposes.found] == ["unicode-nfc"] and "decomposes" in decomposes.found[0].hint
    assert "composes" not in decomposes.found[0].hint.replace("decomposes", "")
    assert "canonical order" in checks.nfc_effect("x\u0301\u0328")  # marks reordered, nothing composed
    assert "canonical equivalent" in checks.nfc_effect("\u2126")      # OHM SIGN -> GREEK CAPITAL OMEGA


# -- encodings -----------------------------------------------------------------------------------

LATIN1 = EN_HEADER.replace("UTF-8", "ISO-8859-1")


def test_an_iso_8859_1_catalog_is_read_warned_and_converted_by_fix(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    entries = [pofile.Entry(msgid="Política de datos.", msgstr="Data policy (versión inglesa).")]
    path = write_catalog(tmp_path / "en" / "LC_MESSAGES" / "a.po", entries, LATIN1, "iso-8859-1")
    assert b"Pol\xedtica" in path.read_bytes()
    found = checks.check_file(path, REGISTRY, tmp_path)
    assert [(d.code, d.severity) for d in found] == [("po-charset", "warning")]
    project = make_project(tmp_path / "project")  # --fix takes the project's catalog lock
    assert main(["--root", str(project.root), "check", str(path)]) == 0
    assert main(["--root", str(project.root), "check", "--fix", str(path)]) == 0
    capsys.readouterr()
    text = path.read_bytes().decode("utf-8")
    assert "charset=UTF-8" in text and "Política de datos." in text and "versión inglesa" in text
    assert checks.check_file(path, REGISTRY, tmp_path) == []


def test_an_encoding_the_bytes_do_not_follow_is_an_error(tmp_path: Path) -> None:
    entries = [pofile.Entry(msgid="Política.", msgstr="Policy (versión).")]
    lying = write_catalog(tmp_path / "en" / "LC_MESSAGES" / "a.po", entries, LATIN1)  # UTF-8 bytes
    assert [(d.code, d.severity) for d in checks.check_file(lying, REGISTRY, tmp_path)] == [("po-encoding", "error")]
    ascii_header = EN_HEADER.replace("UTF-8", "ASCII")
    invalid = write_catalog(tmp_path / "en" / "LC_MESSAGES" / "b.po", entries, ascii_header, "iso-8859-1")
    found = checks.check_file(invalid, REGISTRY, tmp_path)
    assert [d.code for d in found] == ["po-encoding"] and found[0].line > 1


# -- one definition for po-wrap and catalog-orphan ------------------------------------------------

def test_po_wrap_is_one_warning(tmp_path: Path) -> None:
    path = write_catalog(tmp_path / "en" / "LC_MESSAGES" / "a.po", [pofile.Entry(msgid="Datos.", msgstr="Data.")])
    path.write_text(path.read_text(encoding="utf-8").replace('msgstr "Data."', 'msgstr ""\n"Data."'),
                    encoding="utf-8")
    found = checks.check_file(path, REGISTRY, tmp_path)
    assert found == [po_wrap("en/LC_MESSAGES/a.po", found[0].line)] and found[0].severity == "warning"


def test_check_parses_with_the_extensions_the_build_enables() -> None:
    from scripts.sphinxext.defaults import myst_enable_extensions

    assert {*myst_enable_extensions, "substitution"} == MYST_EXTENSIONS
