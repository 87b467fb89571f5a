"""The readers' site without a browser: what scripts/site.py assembles, the progress arithmetic,
the search tokenizer, the interface strings of the site's templates, and where "Translate this
page" leads when the project names no repository. Browser tests: tests/browser/."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from babel.messages.pofile import read_po

from scripts.languages import load_registry
from scripts.project import Project
from scripts.site import chooser_html, fill_download_sizes, format_size, not_found_html, sitemap_xml
from scripts.sphinxext import interface, search
from scripts.sphinxext.progress import Progress
from tests.conftest import REPO, ROOTS, run_cli

REGISTRY = load_registry(ROOTS / "basic" / "locale" / "languages.toml")


def manifest(tag: str, percent: int, pages: list[str] | None = None, title: str = "") -> dict[str, Any]:
    return {"tag": tag, "version": "1.2.3", "title": title, "site_url": "",
            "pages": pages or ["index.html", "capitulo.html"],
            "progress": {"percent": percent, "translated": percent, "total": 100}}


# ---------------------------------------------------------------- sizes


@pytest.mark.parametrize(("size", "locale", "text"), [
    (1, "es_MX", "1\u00a0kB"),
    (37_400, "es_MX", "37\u00a0kB"),
    (999_000, "en", "999\u00a0kB"),
    (1_234_567, "es_MX", "1.2\u00a0MB"),  # Mexico writes a decimal point
    (1_234_567, "es_ES", "1,2\u00a0MB"),
    (1_234_567, "en", "1.2\u00a0MB"),
    (12_000_000, "en", "12.0\u00a0MB"),
])
def test_format_size(size: int, locale: str, text: str) -> None:
    assert format_size(size, locale) == text


PAGE = ('<li class="policy-download" data-policy-file="a.pdf"><a href="a.pdf">PDF</a> '
        '<span class="policy-size" data-policy-file="a.pdf"></span></li>'
        '<li class="policy-download" data-policy-file="a.epub"><a href="a.epub">EPUB</a> '
        '<span class="policy-size" data-policy-file="a.epub"></span></li>')


def test_fill_download_sizes_fills_hides_and_refills() -> None:
    filled = fill_download_sizes(PAGE, {"a.pdf": 40_000}, "es_MX")
    assert 'data-policy-file="a.pdf">(40\u00a0kB)</span>' in filled
    assert '<li class="policy-download" data-policy-file="a.epub" hidden>' in filled
    assert '<li class="policy-download" data-policy-file="a.pdf">' in filled
    assert fill_download_sizes(filled, {"a.pdf": 40_000}, "es_MX") == filled, "idempotent"
    again = fill_download_sizes(filled, {"a.pdf": 2_000_000, "a.epub": 9_000}, "es_MX")
    assert "(2.0\u00a0MB)" in again and "(9\u00a0kB)" in again and " hidden" not in again


# ---------------------------------------------------------------- chooser, sitemap, 404


def test_chooser_lists_built_editions_with_progress_and_downloads() -> None:
    manifests = {"es": manifest("es", 100, title="Proyecto de prueba"), "yua": manifest("yua", 25, title="Título")}
    sizes = {"politica-datos-abiertos-1.2.3-yua.pdf": 39_000}
    text = chooser_html(REGISTRY, "1.2.3", manifests, sizes)
    assert re.findall(r'<li data-tag="(\w+)">', text) == ["es", "yua"], "en was not built: not offered"
    assert "25\u00a0%" in text or "25%" in text
    assert 'href="descargas/politica-datos-abiertos-1.2.3-yua.pdf"' in text and "(39\u00a0kB)" in text
    assert "yua.epub" not in text, "no link to a file that does not exist"
    assert 'lang="yua">Título</span>' in text and '<script src="chooser.js" defer>' in text
    assert "<script>" not in text, "no inline script (Content-Security-Policy)"


def test_sitemap_has_every_page_and_alternate() -> None:
    manifests = {tag: manifest(tag, 100) for tag in ("es", "en")}
    manifests["yua"] = manifest("yua", 25, pages=["index.html"])
    root = ET.fromstring(sitemap_xml(REGISTRY, manifests, "https://x.example/p/"))
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    locs = [u.findtext("s:loc", namespaces=ns) for u in root.findall("s:url", ns)]
    assert locs == ["https://x.example/p/", "https://x.example/p/es/capitulo.html", "https://x.example/p/en/capitulo.html",
                    "https://x.example/p/es/index.html", "https://x.example/p/en/index.html",
                    "https://x.example/p/yua/index.html"]
    chapter = root.findall("s:url", ns)[1]
    assert [link.get("hreflang") for link in chapter.findall("x:link", ns)] == ["es", "en", "x-default"]


@pytest.mark.parametrize(("base", "prefix"), [("https://x.example/politica/", "/politica/"), ("", "")])
def test_not_found_page_links(base: str, prefix: str) -> None:
    text = not_found_html(REGISTRY, {"es": {}, "yua": {}}, base)
    assert f'href="{prefix}yua/index.html"' in text and f'href="{prefix}site.css"' in text
    assert 'href="' + prefix + 'en/' not in text


# ---------------------------------------------------------------- progress and search


@pytest.mark.parametrize(("translated", "total", "percent", "complete"), [
    (0, 12, 0, False), (3, 12, 25, False), (2, 3, 66, False), (199, 200, 99, False), (12, 12, 100, True),
    (0, 0, 100, True),
])
def test_progress_rounds_down(translated: int, total: int, percent: int, complete: bool) -> None:
    progress = Progress(translated, total)
    assert (progress.percent, progress.complete) == (percent, complete)


def test_fold_changes_only_the_glottal_mark() -> None:
    assert search.fold("Kꞌaax BATSʼI a\u0331") == "K'aax BATS'I a\u0331"


def test_known_languages_keep_sphinx_search() -> None:
    import sphinx.search  # noqa: PLC0415

    assert "es" in sphinx.search.languages and "en" in sphinx.search.languages
    assert issubclass(search.search_language_for("yua"), search.OrthographicSearch)
    assert search.search_language_for("yua").lang == "yua"


# ---------------------------------------------------------------- interface strings


def test_every_template_string_has_a_spanish_translation() -> None:
    ours = interface.extract_interface_messages([REPO / "scripts" / "sphinxext" / "templates"])
    with (REPO / "scripts" / "sphinxext" / "locale" / "es" / "LC_MESSAGES" / "sphinx.po").open("rb") as handle:
        catalog = read_po(handle)
    missing = [f"{msgid} ({', '.join(where)})" for msgid, where in ours.items()
               if catalog.get(msgid) is None or not catalog.get(msgid).string or catalog.get(msgid).fuzzy]
    assert not missing, "add these to scripts/sphinxext/locale/es/LC_MESSAGES/sphinx.po:\n  " + "\n  ".join(missing)


# ---------------------------------------------------------------- without a repository


@pytest.fixture(scope="module")
def without_repository(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The basic fixture with a translators' page (in no catalog yet) and no repository; HTML only."""
    from tests.conftest import copy_root  # noqa: PLC0415

    project = copy_root("basic", tmp_path_factory.mktemp("norepo") / "basic")
    (project.srcdir / "traducir.md").write_text(
        "---\norphan: true\n---\n\n# Cómo traducir\n\nCada edición se traduce en sus catálogos.\n", encoding="utf-8")
    # yua "translates" the title with the same words, and not the paragraph; en has no catalog.
    header = (project.catalogdir("yua") / "index.po").read_text(encoding="utf-8").split("\n\n")[0]
    (project.catalogdir("yua") / "traducir.po").write_text(
        header + '\n\nmsgid "Cómo traducir"\nmsgstr "Cómo traducir"\n\n'
        'msgid "Cada edición se traduce en sus catálogos."\nmsgstr ""\n', encoding="utf-8")
    done = run_cli("build", "--formats", "html", root=project.root)
    assert done.returncode == 0, f"build failed:\n{done.stdout}\n{done.stderr}"
    return project


def page(project: Project, tag: str, name: str) -> str:
    return (project.sitedir / tag / name).read_text(encoding="utf-8")


@pytest.mark.slow
def test_translate_links_go_to_the_translators_page(without_repository: Project) -> None:
    for tag in ("es", "en", "yua"):
        text = page(without_repository, tag, "capitulo.html")
        assert re.search(r'<div class="policy-translate"><a href="traducir.html">', text), tag
    banner = re.search(r'<div class="policy-progress".*?</div>', page(without_repository, "yua", "index.html"), re.S)
    assert banner and 'href="traducir.html"' in banner.group(0)


@pytest.mark.slow
def test_a_page_without_catalog_is_untranslated(without_repository: Project) -> None:
    """traducir.md has no en catalog: in the en edition it is Spanish, marked, and counted."""
    text = page(without_repository, "en", "traducir.html")
    assert re.search(r'<h1 class="untranslated" lang="es">Cómo traducir', text)
    assert '<p class="untranslated" lang="es">Cada edición' in text
    progress = json.loads(page(without_repository, "en", "edition.json"))["progress"]
    assert progress["total"] - progress["translated"] == 2
    assert 'class="policy-progress"' in page(without_repository, "en", "capitulo.html"), \
        "en is no longer complete: its pages say so"
    assert 'class="policy-progress"' not in page(without_repository, "es", "traducir.html")
    assert "untranslated" not in page(without_repository, "es", "traducir.html")


@pytest.mark.slow
def test_a_translation_identical_to_its_source_counts_as_translated(without_repository: Project) -> None:
    text = page(without_repository, "yua", "traducir.html")
    assert re.search(r"<h1>Cómo traducir", text), "same words as the source: translated, not marked"
    assert '<p class="untranslated" lang="es">Cada edición' in text


@pytest.mark.slow
def test_without_site_url_no_sitemap_and_relative_alternates(without_repository: Project) -> None:
    assert not (without_repository.sitedir / "sitemap.xml").exists()
    text = page(without_repository, "yua", "capitulo.html")
    assert '<link rel="alternate" hreflang="en" href="../en/capitulo.html">' in text
    assert '<link rel="alternate" hreflang="x-default" href="../index.html">' in text
    assert 'rel="canonical"' not in text
