"""The policy itself, built exactly as `make` builds it: every chapter present, every reference
resolving in every edition (warnings are errors), the English catalogs complete, the Spanish text
long enough (counted from the built pages, not from the Markdown), the licence everywhere."""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import polib
import pytest

from scripts.project import Project

REPO = Path(__file__).resolve().parent.parent
CHAPTERS = {
    "presentacion": "Presentación",
    "principios": "Principios",
    "gestion-y-gobernanza": "Gestión y gobernanza de datos",
    "infraestructura-y-capacidades": "Infraestructura y capacidades para datos de calidad",
    "requisitos-tecnicos-y-legales": "Requisitos técnicos y legales para la apertura",
    "planes-de-apertura": "Planes de apertura y socialización",
    "generacion-de-valor": "Estrategias de generación de valor y reutilización",
    "implementacion-y-evaluacion": "Implementación, seguimiento y evaluación",
    "glosario": "Glosario",
    "anexos": "Anexos",
    "referencias": "Referencias",
    "version-breve": "Versión breve",
    "lista-municipio": "Lista de verificación para un municipio pequeño",
}
LONG_CHAPTERS = ("gestion-y-gobernanza", "infraestructura-y-capacidades", "requisitos-tecnicos-y-legales",
                 "planes-de-apertura", "generacion-de-valor")


@pytest.fixture(scope="module")
def built_repository() -> Project:
    """`make` on the repository (reuses an up-to-date build; rebuilds what changed)."""
    env = {k: v for k, v in os.environ.items() if k not in {"POLICY_VERSION", "POLICY_BUILD_DIR", "POLICY_DIST_DIR"}}
    done = subprocess.run([sys.executable, "-m", "scripts", "build"], cwd=REPO, env=env, capture_output=True,
                          text=True, check=False, timeout=1800)
    assert done.returncode == 0, f"`make` failed on the repository:\n{done.stdout[-6000:]}\n{done.stderr[-3000:]}"
    return Project(REPO)


def body_text(page: Path) -> str:
    """The visible text of a page's main content, as a reader sees it."""
    text = page.read_text(encoding="utf-8")
    match = re.search(r"<article[^>]*>(.*)</article>", text, flags=re.S)
    assert match, f"no <article> in {page}"
    content = re.sub(r"<(script|style)\b.*?</\1>", " ", match.group(1), flags=re.S)
    content = re.sub(r'<a class="headerlink"[^>]*>.*?</a>', " ", content, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", content))


def words(text: str) -> int:
    return len(re.findall(r"\w+", text))


@pytest.mark.slow
def test_every_chapter_is_in_the_source_and_the_toctree() -> None:
    index = (REPO / "source" / "index.md").read_text(encoding="utf-8")
    for name, title in CHAPTERS.items():
        source = REPO / "source" / f"{name}.md"
        assert source.is_file(), f"missing chapter {name}"
        assert re.search(rf"^# {re.escape(title)}\s*$", source.read_text(encoding="utf-8"), flags=re.M), name
        assert re.search(rf"^{re.escape(name)}$", index, flags=re.M), f"{name} not in the toctree"


@pytest.mark.slow
def test_every_edition_builds_without_warnings(built_repository: Project) -> None:
    registry = built_repository.registry()
    for tag in registry.tags:
        for name in CHAPTERS:
            page = built_repository.sitedir / tag / f"{name}.html"
            assert page.is_file(), page
        for suffix in ("pdf", "epub"):
            assert (built_repository.distdir / built_repository.dist_name(tag, suffix)).is_file()


@pytest.mark.slow
def test_every_reference_resolves_in_every_edition(built_repository: Project) -> None:
    # Sphinx warns (and the build fails) on an unknown {ref} or {term}; this also catches a
    # reference rendered without a link, and internal links to pages that do not exist.
    for tag in built_repository.registry().tags:
        edition = built_repository.sitedir / tag
        for page in sorted(edition.glob("*.html")):
            text = page.read_text(encoding="utf-8")
            assert 'class="xref std std-ref"' not in re.sub(r'<a [^>]*>\s*<span class="xref std std-ref">', "", text), page
            for target in re.findall(r'href="([^"#:?]+\.html)(?:#[^"]*)?"', text):
                if target.startswith("../"):
                    continue  # other editions and downloads: checked by the site tests
                assert (page.parent / target).is_file(), f"{page.name} links to missing {target}"
            for anchor in re.findall(r'href="#([^"]+)"', text):
                assert f'id="{anchor}"' in text, f"{page.name}: dangling anchor #{anchor}"


@pytest.mark.slow
def test_english_is_complete_and_nothing_is_fuzzy() -> None:
    catalogs = sorted((REPO / "locale" / "en" / "LC_MESSAGES").glob("*.po"))
    assert len(catalogs) >= len(CHAPTERS) + 1
    for path in catalogs:
        po = polib.pofile(str(path))
        assert not po.untranslated_entries(), f"{path.name}: {po.untranslated_entries()[0].msgid[:60]!r} untranslated"
        assert not po.fuzzy_entries(), f"{path.name}: fuzzy {po.fuzzy_entries()[0].msgid[:60]!r}"


@pytest.mark.slow
def test_indigenous_catalogs_are_in_sync_and_hold_no_invented_text() -> None:
    english = {p.name for p in (REPO / "locale" / "en" / "LC_MESSAGES").glob("*.po")} - {"sphinx.po"}
    for tag in ("nhe", "yua", "tzo"):
        directory = REPO / "locale" / tag / "LC_MESSAGES"
        assert {p.name for p in directory.glob("*.po")} - {"sphinx.po"} == english, tag
        for path in directory.glob("*.po"):
            po = polib.pofile(str(path))
            en = {e.msgid for e in polib.pofile(str(REPO / "locale" / "en" / "LC_MESSAGES" / path.name))}
            assert {e.msgid for e in po if not e.obsolete} == en, f"{tag}/{path.name} out of sync"
            # Translations into Indigenous languages come from speakers only (DEVELOPERS.md):
            # any text present must be a speaker's, never a machine draft that reached a build.
            for entry in po.translated_entries():
                assert "machine" not in (entry.comment + entry.tcomment).lower(), entry.msgid


@pytest.mark.slow
def test_spanish_body_is_long_enough(built_repository: Project) -> None:
    counts = {name: words(body_text(built_repository.sitedir / "es" / f"{name}.html")) for name in CHAPTERS}
    for name in LONG_CHAPTERS:
        assert counts[name] >= 1500, f"{name}: {counts[name]} words"
    assert sum(counts.values()) >= 12000, counts


@pytest.mark.slow
def test_glossary_has_at_least_forty_terms_used_by_the_chapters(built_repository: Project) -> None:
    glossary = (built_repository.sitedir / "es" / "glosario.html").read_text(encoding="utf-8")
    terms = re.findall(r'<dt id="term-', glossary)
    assert len(terms) >= 40
    used = sum((built_repository.sitedir / "es" / f"{name}.html").read_text(encoding="utf-8").count(
        'class="xref std std-term"') for name in CHAPTERS if name != "glosario")
    assert used >= 40


def _figure(page: Path, stem: str) -> dict[str, str]:
    tag = re.search(rf'<img[^>]*src="_images/{stem}[^"]*"[^>]*>', page.read_text(encoding="utf-8"))
    assert tag, f"no image {stem} in {page}"
    return dict(re.findall(r'(\w+)="([^"]*)"', tag.group(0)))


@pytest.mark.slow
def test_lifecycle_diagram_is_an_svg_with_alternative_text(built_repository: Project) -> None:
    es = _figure(built_repository.sitedir / "es" / "gestion-y-gobernanza.html", "ciclo-de-vida-datos")
    en = _figure(built_repository.sitedir / "en" / "gestion-y-gobernanza.html", "ciclo-de-vida-datos")
    assert es["src"].endswith("ciclo-de-vida-datos.svg") and len(es["alt"]) > 40
    assert en["src"].endswith("ciclo-de-vida-datos.en.svg")  # the diagram's own text, in English
    assert en["alt"] != es["alt"] and "lifecycle" in en["alt"].lower() or "stages" in en["alt"]


@pytest.mark.slow
def test_licence_in_every_edition(built_repository: Project) -> None:
    assert "CC BY 4.0" in (REPO / "README.md").read_text(encoding="utf-8")
    assert "Attribution 4.0 International" in (REPO / "LICENSE-TEXT").read_text(encoding="utf-8")
    for tag in built_repository.registry().tags:
        page = (built_repository.sitedir / tag / "index.html").read_text(encoding="utf-8")
        assert 'rel="license"' in page and "CC BY 4.0" in page
        pdf = built_repository.distdir / built_repository.dist_name(tag, "pdf")
        text = subprocess.run(["pdftotext", "-l", "4", str(pdf), "-"], capture_output=True, text=True,
                              check=True).stdout
        assert "CC BY 4.0" in text
        with zipfile.ZipFile(built_repository.distdir / built_repository.dist_name(tag, "epub")) as epub:
            assert "CC BY 4.0" in epub.read("content.opf").decode("utf-8")


@pytest.mark.slow
def test_english_edition_has_english_titles(built_repository: Project) -> None:
    page = (built_repository.sitedir / "en" / "index.html").read_text(encoding="utf-8")
    assert "Model Open Data Policy" in page
    pdf = built_repository.distdir / built_repository.dist_name("en", "pdf")
    text = subprocess.run(["pdftotext", "-l", "1", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Model Open Data Policy" in text


@pytest.mark.slow
def test_translators_page_shows_the_current_progress_chart(built_repository: Project) -> None:
    chart = (built_repository.sitedir / "progreso.svg").read_text(encoding="utf-8")
    assert chart.startswith("<svg") and "<script" not in chart and "href" not in chart
    for tag in built_repository.registry().tags:
        autonym = built_repository.registry().get(tag).autonym
        if tag != "es":
            assert autonym.replace("'", "&#x27;") in chart or autonym in chart, tag
        page = (built_repository.sitedir / tag / "traducir.html").read_text(encoding="utf-8")
        assert re.search(r'<figure class="policy-progress-chart"><img src="\.\./progreso\.svg" alt="[^"]{20,}"', page)
    readme = (REPO / "locale" / "progreso.svg").read_text(encoding="utf-8")
    assert readme.startswith("<svg")


# --- The policy as a legal instrument (issue 17) ----------------------------------------------
# A normative chapter states obligations; each obligation sits in a numbered provision that an
# adopting government can cite («Obligación 5.1»). The markup (CONTRIBUTING, «Disposiciones
# numeradas»): a label `(obligacion-C-N)=` right before `:::{admonition} Obligación C.N` with
# `:class: obligacion`, where C is the chapter's number in the toctree.
NORMATIVE = ("gestion-y-gobernanza", "infraestructura-y-capacidades", "requisitos-tecnicos-y-legales",
             "planes-de-apertura", "generacion-de-valor", "implementacion-y-evaluacion")
SUMMARIES = ("version-breve", "lista-municipio")
OBLIGATION_VERB = re.compile(r"\b(debe|deben|deberá|deberán)\b", re.IGNORECASE)
FENCE_OPEN = re.compile(r"^\s*(`{3,}|:{3,})\s*(\{[^}]*\})?\s*(.*)$")
PROVISION_TITLE = re.compile(r"Obligación (\d+)\.(\d+)")


def chapter_numbers() -> dict[str, int]:
    """The number Sphinx gives each page of the numbered toctree (1 for its first entry); the
    unnumbered toctree before it holds an adoption's front matter."""
    index = (REPO / "source" / "index.md").read_text(encoding="utf-8")
    trees = [part.split("```", 1)[0] for part in index.split("```{toctree}")[1:]]
    body = next(tree for tree in trees if ":numbered:" in tree)
    pages = [line.strip() for line in body.splitlines() if line.strip() and not line.startswith(":")]
    return {page: number for number, page in enumerate(pages, 1)}


def provisions(name: str) -> tuple[list[tuple[int, int, int]], list[tuple[int, str]]]:
    """The numbered provisions of a page (line, chapter, number) and the obligation lines outside them."""
    lines = (REPO / "source" / f"{name}.md").read_text(encoding="utf-8").splitlines()
    stack: list[tuple[str, bool]] = []  # (fence marker, is a provision)
    found: list[tuple[int, int, int]] = []
    loose: list[tuple[int, str]] = []
    for number, line in enumerate(lines, 1):
        opening = FENCE_OPEN.match(line)
        if stack and line.strip() and set(line.strip()) == {stack[-1][0][0]} and len(line.strip()) >= len(stack[-1][0]):
            stack.pop()
            continue
        if opening and (opening.group(2) or not stack or stack[-1][0][0] != opening.group(1)[0]):
            title = PROVISION_TITLE.fullmatch(opening.group(3).strip())
            is_provision = opening.group(2) == "{admonition}" and title is not None
            if is_provision:
                assert title is not None
                chapter, item = int(title.group(1)), int(title.group(2))
                assert lines[number - 2] == f"(obligacion-{chapter}-{item})=", f"{name}.md:{number}: label missing"
                assert lines[number] == ":class: obligacion", f"{name}.md:{number}: `:class: obligacion` missing"
                found.append((number, chapter, item))
            stack.append((opening.group(1), is_provision))
            continue
        in_code = any(marker.startswith("`") for marker, _ in stack)
        if not in_code and OBLIGATION_VERB.search(line) and not any(is_prov for _, is_prov in stack):
            loose.append((number, line.strip()[:80]))
    assert not stack, f"{name}.md: unclosed fence {stack[-1][0]}"
    return found, loose


def test_every_obligation_of_a_normative_chapter_sits_in_a_numbered_provision() -> None:
    numbers = chapter_numbers()
    for name in NORMATIVE:
        found, loose = provisions(name)
        assert not loose, f"{name}.md:{loose[0][0]}: «{loose[0][1]}» is an obligation outside a numbered provision"
        assert len(found) >= 3, name
        assert {chapter for _, chapter, _ in found} == {numbers[name]}, f"{name}: provisions numbered for another chapter"
        items = [item for _, _, item in found]
        assert len(items) == len(set(items)), f"{name}: a provision number is used twice"
        assert sorted(items) == list(range(1, len(items) + 1)), f"{name}: provision numbers skip {sorted(items)}"


def test_the_provision_checker_finds_a_loose_obligation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The checker above must fail on the mistakes a writer makes: a «debe» outside any provision,
    # or inside a note that is not a provision.
    source = tmp_path / "source"
    source.mkdir()
    (source / "x.md").write_text("# X\n\n(obligacion-1-1)=\n:::{admonition} Obligación 1.1\n:class: obligacion\n\n"
                                 "La dependencia debe publicar.\n:::\n\n:::{note}\nTambién debe avisar.\n:::\n\n"
                                 "Y deberá responder.\n", encoding="utf-8")
    monkeypatch.setattr(sys.modules[__name__], "REPO", tmp_path)
    found, loose = provisions("x")
    assert [(chapter, item) for _, chapter, item in found] == [(1, 1)]
    assert [line for line, _ in loose] == [11, 14]


def test_summaries_cite_provisions_that_exist_and_are_short() -> None:
    labels = {f"obligacion-{chapter}-{item}" for name in NORMATIVE for _, chapter, item in provisions(name)[0]}
    for name in SUMMARIES:
        text = (REPO / "source" / f"{name}.md").read_text(encoding="utf-8")
        cited = set(re.findall(r"<(obligacion-\d+-\d+)>`", text))
        assert len(cited) >= 10, f"{name} cites only {len(cited)} provisions"
        assert cited <= labels, f"{name} cites missing provisions: {sorted(cited - labels)}"
        assert not OBLIGATION_VERB.search(text), f"{name} summarises; obligations live in the numbered provisions"
    assert 1000 <= visible_words("version-breve") <= 3500  # about 5 to 8 printed pages with its tables
    assert visible_words("lista-municipio") <= 400  # one printed page


def visible_words(name: str) -> int:
    """Words of a page's source with each role counted as one word (labels and targets are not read)."""
    text = (REPO / "source" / f"{name}.md").read_text(encoding="utf-8")
    return words(re.sub(r"\{(?:ref|term|param)\}`[^`]*`", "x", re.sub(r"^\(.*\)=$", "", text, flags=re.M)))


def test_summaries_are_in_every_edition_and_translated_to_english() -> None:
    toctree = chapter_numbers()
    for name in SUMMARIES:
        assert name in toctree, f"{name} not in the toctree"
        english = polib.pofile(str(REPO / "locale" / "en" / "LC_MESSAGES" / f"{name}.po"))
        assert english.percent_translated() == 100 and not english.fuzzy_entries(), name
        for tag in ("nhe", "yua", "tzo"):
            assert (REPO / "locale" / tag / "LC_MESSAGES" / f"{name}.po").is_file(), f"{tag}: no catalog for {name}"


@pytest.mark.slow
def test_summaries_are_in_every_format(built_repository: Project) -> None:
    for tag in built_repository.registry().tags:
        catalog = REPO / "locale" / tag / "LC_MESSAGES" / "version-breve.po"  # none for the source
        entry = polib.pofile(str(catalog)).find("Versión breve") if catalog.is_file() else None
        translated = entry is not None and entry.msgstr and "fuzzy" not in entry.flags
        title = entry.msgstr if translated else "Versión breve"
        assert title in body_text(built_repository.sitedir / tag / "version-breve.html"), tag
        assert (built_repository.sitedir / tag / "lista-municipio.html").is_file(), tag
        with zipfile.ZipFile(built_repository.distdir / built_repository.dist_name(tag, "epub")) as epub:
            names = epub.namelist()
        assert any(n.endswith("version-breve.xhtml") for n in names), tag
        assert any(n.endswith("lista-municipio.xhtml") for n in names), tag
        pdf = built_repository.distdir / built_repository.dist_name(tag, "pdf")
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert title in text, tag
        assert "Obligación 3.1" in text or "Obligation 3.1" in text, tag


LOCATOR = re.compile(r"<https?://[^>]+>|doi\.org/10\.|el \d{1,2} de [a-z]+ de \d{4}")


def test_every_reference_has_issuer_title_year_and_a_way_to_find_it() -> None:
    text = (REPO / "source" / "referencias.md").read_text(encoding="utf-8")
    entries = [line[2:] for line in text.splitlines() if line.startswith("- ")]
    assert len(entries) >= 40
    for entry in entries:
        issuer = re.match(r"(.+?)\. (?=[*“])", entry)
        assert issuer, f"no issuer before the title: {entry[:70]}"
        assert "Diario Oficial" not in issuer.group(1), f"the gazette is where a law is published, not its author: {entry[:70]}"
        assert re.search(r"\*[^*]+\*|“[^”]+”", entry), f"no title: {entry[:70]}"
        assert re.search(r"\b(19|20)\d\d\b", entry), f"no year: {entry[:70]}"
        assert LOCATOR.search(entry), f"no URL, DOI or gazette date: {entry[:70]}"
    # The references chapter glosses every Mexican legal title in English, as the chapters do.
    english = polib.pofile(str(REPO / "locale" / "en" / "LC_MESSAGES" / "referencias.po"))
    legal = [e for e in english if "Diario Oficial" in e.msgid and e.msgid.startswith(("Congreso", "Presidencia",
                                                                                       "Secretaría", "Consejo", "Instituto"))]
    assert len(legal) >= 9
    for entry in legal:
        assert re.search(r"\*[^*]+\* \([A-Z][^)]+\)", entry.msgstr), f"no English gloss: {entry.msgstr[:70]}"


def test_corrected_statements_stay_corrected() -> None:
    # Issue 17's list of statements a reviewer found wrong; each must not come back.
    source = {name: (REPO / "source" / f"{name}.md").read_text(encoding="utf-8") for name in CHAPTERS}
    everything = "\n".join(source.values())
    assert "pensados para gobiernos nacionales" not in everything  # the Charter invites subnational adoption
    assert "órgano garante`" not in everything and "{term}`autoridad garante" in everything  # 2025 general laws
    assert "durante al menos seis meses" not in source["gestion-y-gobernanza"]  # old versions stay permanently
    assert "Simple Demographics Often Identify People Uniquely" in source["requisitos-tecnicos-y-legales"]  # Sweeney 2000
    assert "| Unicidad |" not in source["infraestructura-y-capacidades"]  # not an ISO/IEC 25012 characteristic
    assert "contraloría, o" not in source["gestion-y-gobernanza"] and "sin voto" in source["gestion-y-gobernanza"]
    english = "\n".join(e.msgstr for path in (REPO / "locale" / "en" / "LC_MESSAGES").glob("*.po")
                        for e in polib.pofile(str(path)))
    for wrong in ("dataset owner", "opening plan", "oversight body"):
        assert wrong not in english.lower(), wrong
