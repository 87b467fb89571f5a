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

pytestmark = pytest.mark.slow

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


def test_every_chapter_is_in_the_source_and_the_toctree() -> None:
    index = (REPO / "source" / "index.md").read_text(encoding="utf-8")
    for name, title in CHAPTERS.items():
        source = REPO / "source" / f"{name}.md"
        assert source.is_file(), f"missing chapter {name}"
        assert re.search(rf"^# {re.escape(title)}\s*$", source.read_text(encoding="utf-8"), flags=re.M), name
        assert re.search(rf"^{re.escape(name)}$", index, flags=re.M), f"{name} not in the toctree"


def test_every_edition_builds_without_warnings(built_repository: Project) -> None:
    registry = built_repository.registry()
    for tag in registry.tags:
        for name in CHAPTERS:
            page = built_repository.sitedir / tag / f"{name}.html"
            assert page.is_file(), page
        for suffix in ("pdf", "epub"):
            assert (built_repository.distdir / built_repository.dist_name(tag, suffix)).is_file()


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


def test_english_is_complete_and_nothing_is_fuzzy() -> None:
    catalogs = sorted((REPO / "locale" / "en" / "LC_MESSAGES").glob("*.po"))
    assert len(catalogs) >= len(CHAPTERS) + 1
    for path in catalogs:
        po = polib.pofile(str(path))
        assert not po.untranslated_entries(), f"{path.name}: {po.untranslated_entries()[0].msgid[:60]!r} untranslated"
        assert not po.fuzzy_entries(), f"{path.name}: fuzzy {po.fuzzy_entries()[0].msgid[:60]!r}"


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


def test_spanish_body_is_long_enough(built_repository: Project) -> None:
    counts = {name: words(body_text(built_repository.sitedir / "es" / f"{name}.html")) for name in CHAPTERS}
    for name in LONG_CHAPTERS:
        assert counts[name] >= 1500, f"{name}: {counts[name]} words"
    assert sum(counts.values()) >= 12000, counts


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


def test_lifecycle_diagram_is_an_svg_with_alternative_text(built_repository: Project) -> None:
    es = _figure(built_repository.sitedir / "es" / "gestion-y-gobernanza.html", "ciclo-de-vida-datos")
    en = _figure(built_repository.sitedir / "en" / "gestion-y-gobernanza.html", "ciclo-de-vida-datos")
    assert es["src"].endswith("ciclo-de-vida-datos.svg") and len(es["alt"]) > 40
    assert en["src"].endswith("ciclo-de-vida-datos.en.svg")  # the diagram's own text, in English
    assert en["alt"] != es["alt"] and "lifecycle" in en["alt"].lower() or "stages" in en["alt"]


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


def test_english_edition_has_english_titles(built_repository: Project) -> None:
    page = (built_repository.sitedir / "en" / "index.html").read_text(encoding="utf-8")
    assert "Model Open Data Policy" in page
    pdf = built_repository.distdir / built_repository.dist_name("en", "pdf")
    text = subprocess.run(["pdftotext", "-l", "1", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Model Open Data Policy" in text


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
