"""check: data-driven good/bad catalogs (exit code, code, path, line), project consistency, --fix.

Each tests/po/bad/<code>.po declares what it must produce in its first line,
`# expect: <code> <line>`, and must produce exactly that one diagnostic.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

from scripts import catalogs, checks, pofile
from scripts.__main__ import main
from scripts.checks_markup import markup_of
from scripts.diagnostic_codes import severity
from scripts.languages import load_registry
from tests.translator_fixtures import make_project

REPO = Path(__file__).resolve().parent.parent
PO = REPO / "tests" / "po"
GOOD = sorted((PO / "good").glob("*.po"))
BAD = sorted((PO / "bad").glob("*.po"))
REGISTRY = load_registry(REPO / "locale" / "languages.toml")
PROJECT_CODES = {"catalog-missing", "catalog-stale", "catalog-orphan"}
EXPECT_RE = re.compile(rb"^# expect: ([a-z-]+) (\d+)$", re.MULTILINE)


def expectation(path: Path) -> tuple[str, int]:
    match = EXPECT_RE.search(path.read_bytes().split(b"\n", 1)[0])
    assert match, f"{path.name} must start with '# expect: <code> <line>'"
    return match.group(1).decode(), int(match.group(2))


@pytest.mark.parametrize("path", GOOD, ids=lambda p: p.name)
def test_good_catalog_passes(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert checks.check_file(path, REGISTRY, REPO) == []
    assert main(["--root", str(REPO), "check", str(path)]) == 0
    assert "0 errors, 0 warnings" in capsys.readouterr().out
    subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(path)], check=True)


@pytest.mark.parametrize("path", BAD, ids=lambda p: p.name)
def test_bad_catalog_reports_its_code_at_its_line(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, line = expectation(path)
    found = checks.check_file(path, REGISTRY, REPO)
    assert [(d.code, d.line) for d in found] == [(code, line)], [str(d) for d in found]
    assert found[0].hint, "every diagnostic says how to fix it"
    status = main(["--root", str(REPO), "check", str(path)])
    err = capsys.readouterr().err
    shown = path.relative_to(REPO).as_posix()
    where = f"{shown}:{line}" if line else shown
    assert f"{where}: [{code}] " in err and " — " in err
    assert status == (1 if severity(code) == "error" else 0)  # po-wrap, po-charset: warnings


def test_every_code_has_a_bad_file_and_documentation() -> None:
    covered = {expectation(path)[0] for path in BAD} | PROJECT_CODES
    assert covered == set(checks.CODES)
    assert {path.stem for path in BAD} == {expectation(path)[0] for path in BAD}
    guide = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
    for code in checks.CODES:
        assert f"`{code}`" in guide, f"{code} is not documented in CONTRIBUTING.md"


@pytest.mark.parametrize("code", ["po-newline", "po-format", "po-plural-count", "po-duplicate", "po-syntax"])
def test_what_msgfmt_refuses_is_refused(code: str) -> None:
    done = subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(PO / "bad" / f"{code}.po")],
                          capture_output=True, text=True, check=False)
    assert done.returncode != 0


def test_fuzzy_entries_are_not_held_to_the_new_msgid(tmp_path: Path) -> None:
    """After a source change, a fuzzy entry's markup differs from the new msgid: not an error."""
    path = tmp_path / "en.po"
    shutil.copy(PO / "good" / "en.po", path)
    catalog = pofile.read(path)
    entry = next(e for e in catalog.entries if e.fuzzy)
    assert markup_of(entry.msgid).roles != markup_of(entry.msgstr).roles
    assert checks.check_file(path, REGISTRY) == []


def test_fix_applies_only_safe_fixes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = make_project(tmp_path)
    base = project.catalogdir("en")
    base.mkdir(parents=True)
    nfc = base / "nfc.po"
    shutil.copy(PO / "bad" / "unicode-nfc.po", nfc)
    wrap = base / "wrap.po"
    shutil.copy(PO / "bad" / "po-wrap.po", wrap)
    role = base / "role.po"
    shutil.copy(PO / "bad" / "myst-role.po", role)
    role_before = role.read_bytes()
    status = main(["--root", str(project.root), "check", "--fix", str(nfc), str(wrap), str(role)])
    captured = capsys.readouterr()
    assert status == 1  # the role problem remains: it is not a safe fix
    assert "[myst-role]" in captured.err and "[unicode-nfc]" not in captured.err and "[po-wrap]" not in captured.err
    fixed = pofile.read(nfc).entries[0].msgstr
    assert fixed == unicodedata.normalize("NFC", fixed) == "Política policy."
    assert wrap.read_text(encoding="utf-8").endswith('msgid "Datos abiertos."\nmsgstr "Open data."\n')
    assert role.read_bytes() == role_before


def test_project_check_finds_missing_stale_orphan_and_unknown(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    project = make_project(tmp_path)
    catalogs.update(project)
    assert checks.check_project(project, do_extract=False) == []
    (project.catalogdir("en") / "index.po").unlink()                      # missing
    stale = project.catalogdir("yua") / "capitulo.po"                     # stale
    catalog = pofile.read(stale)
    catalog.entries.pop()
    stale.write_text(pofile.dumps(catalog), encoding="utf-8")
    orphan = project.catalogdir("yua") / "borrado.po"                      # orphan
    shutil.copy(stale, orphan)
    unknown = project.localedir / "xyz" / "LC_MESSAGES" / "index.po"       # unregistered language
    unknown.parent.mkdir(parents=True)
    shutil.copy(project.catalogdir("en") / "capitulo.po", unknown)
    found = {(d.path, d.code) for d in checks.check_project(project, do_extract=False)}
    assert ("locale/en/LC_MESSAGES/index.po", "catalog-missing") in found
    assert ("locale/yua/LC_MESSAGES/capitulo.po", "catalog-stale") in found
    assert ("locale/yua/LC_MESSAGES/borrado.po", "catalog-orphan") in found
    assert ("locale/xyz/LC_MESSAGES/index.po", "po-unknown-language") in found
    assert main(["--root", str(project.root), "check", "--no-extract"]) == 1
    err = capsys.readouterr().err
    assert "add-language xyz" in err and "python -m scripts update" in err


def test_apostrophe_policy_follows_the_registry() -> None:
    tzo, yua, en = REGISTRY.get("tzo"), REGISTRY.get("yua"), REGISTRY.get("en")

    def codes(text: str, language, msgid: str = "Texto.") -> list[str]:
        report = checks._Reporter("x.po")
        checks.check_entry(pofile.Entry(msgid=msgid, msgstr=text, msgstr_line=1), language, report)
        return [d.code for d in report.found]

    assert codes("FIXTURE k’op", tzo) == []
    assert codes("FIXTURE k'op", tzo) == codes("FIXTURE kʼop", tzo) == codes("FIXTURE kꞌop", tzo) == ["apostrophe"]
    assert codes("FIXTURE k'aax", yua) == [] and codes("FIXTURE k’aax", yua) == ["apostrophe"]
    assert codes("'quoted' text", tzo) == []                 # quotes, not a glottal mark
    assert codes("FIXTURE Maaya t'aan", tzo, "Maaya t'aan") == []   # a word quoted from the source
    assert codes("The committee’s plan", en) == []          # policy "none": nothing enforced


def test_contributing_terminology_tables_are_the_csv_files() -> None:
    """CONTRIBUTING shows each language's table (locale/<tag>/terminologia.csv), row for row."""
    from scripts import terminology

    guide = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
    section = guide[guide.index("### Terminología"):guide.index("## English")]
    for language in REGISTRY.translations:
        terms = terminology.load_table(REPO / "locale", language.tag)
        assert terminology.table_path(REPO / "locale", language.tag).is_file(), language.tag
        if language.indigenous:
            assert terms == [], "the Indigenous tables are filled by their translators only"
            continue
        heading = f"#### {language.name_es} (`{language.tag}`)"
        assert heading in section, heading
        block = section[section.index(heading):].split("\n\n")[1]
        assert block.splitlines() == terminology.markdown_table(terms, language.name_en)
    english = terminology.load_table(REPO / "locale", "en")
    assert len(english) == 60 and english[0].es == "accesibilidad" and english[0].translation == "accessibility"


def test_term_check_counts_running_words_only_and_honours_term_ok(tmp_path: Path) -> None:
    from scripts import terminology

    terms = [terminology.Term("formato abierto", "open format", "", "", 2),
             terminology.Term("dependencia", "agency", "", "", 3)]
    linked = terminology.missing_terms("Use un {term}`formato abierto`.", "Use an {term}`open <formato abierto>` one.",
                                       terms)
    assert linked == []
    placeholder = terminology.missing_terms("La {param}`dependencia-coordinadora` publica.", "The {param}`x` publishes.",
                                            terms)
    assert placeholder == []
    code = terminology.missing_terms("Escriba `` {term}`formato abierto` `` así.", "Write it like that.", terms)
    assert code == []
    plain = terminology.missing_terms("Reduce la dependencia de un proveedor.", "Reduces dependence on a supplier.", terms)
    assert [t.es for t in plain] == ["dependencia"]
    assert terminology.accepted_terms(["term-ok: Dependencia, formato abierto", "other"]) == {"dependencia",
                                                                                               "formato abierto"}
