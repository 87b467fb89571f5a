"""The readers' site in Chromium: switching language, downloading, searching, progress, language
of the page and of the interface, accessibility. The site is the basic fixture (es complete,
en complete, yua partly translated with glottal marks), built once and served on 127.0.0.1;
every page must log no console error and request nothing from another host (`site_page`)."""

from __future__ import annotations

import re
import zipfile
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po

from scripts.project import Project
from tests.browser.conftest import AXE_VERSION, TAGS, VERSION, manifests, open_context

pytestmark = [pytest.mark.browser, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
CHAPTER = "capitulo.html"
H1 = {"es": "Capítulo de datos", "en": "Data chapter", "yua": "FIXTURE-YUA capítulo t'aan"}


def switcher(page: Any) -> Any:
    return page.locator("nav.policy-languages")


# ---------------------------------------------------------------- language switcher


def test_switching_language_keeps_the_chapter(site_page: Any) -> None:
    page = site_page
    page.goto(f"es/{CHAPTER}")
    for tag, autonym in (("en", "English"), ("yua", "Maaya t'aan"), ("es", "Español")):
        switcher(page).get_by_role("link", name=re.compile("^" + re.escape(autonym))).click()
        page.wait_for_load_state()
        assert page.url.endswith(f"/{tag}/{CHAPTER}")
        assert page.locator("html").get_attribute("lang") == tag
        assert page.locator("article h1").inner_text().rstrip("#").strip() == H1[tag]
        current = switcher(page).locator("[aria-current=page]")
        assert current.get_attribute("hreflang") == tag


def test_switcher_shows_autonym_and_spanish_name(site_page: Any) -> None:
    site_page.goto(f"en/{CHAPTER}")
    links = switcher(site_page).get_by_role("link")
    texts = [" ".join(t.split()) for t in links.all_inner_texts()]
    assert texts == ["Español", "English (Inglés)", "Maaya t'aan (Maya yucateco)"]
    name = switcher(site_page).locator(".policy-language-name").first
    assert name.get_attribute("lang") == "es"


@pytest.mark.parametrize("viewport", [{"width": 360, "height": 740}, {"width": 1280, "height": 800}],
                         ids=["phone", "desktop"])
def test_switcher_is_visible_without_opening_a_menu(browser: Any, site_url: str, viewport: dict[str, int]) -> None:
    context, log = open_context(browser, site_url, viewport=viewport)
    page = context.new_page()
    page.goto(f"yua/{CHAPTER}")
    for link in switcher(page).get_by_role("link").all():
        assert link.is_visible()
        box = link.bounding_box()
        assert box is not None
        assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"] + 1
        assert box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"]
    context.close()
    assert not log.problems()


# ---------------------------------------------------------------- downloads


@pytest.mark.parametrize("tag", TAGS)
def test_every_download_link_answers_with_its_file(site_page: Any, tag: str) -> None:
    page = site_page
    page.goto(f"{tag}/{CHAPTER}")
    own = page.locator(".policy-footer-downloads a[download]")
    # this edition's PDF and EPUB (and yua's bilingual PDF) are in the footer
    assert own.count() == (3 if tag == "yua" else 2)
    for link in own.all():
        assert f"-{VERSION}-{tag}." in link.get_attribute("href")
        size = link.locator("xpath=following-sibling::span[contains(@class,'policy-size')]").inner_text()
        assert re.fullmatch(r"\(\d[\d.,]*\s(kB|MB)\)", size), size
    checked = set()
    for link in page.locator(".policy-downloads a[download], .policy-footer-downloads a[download]").all():
        url = link.evaluate("a => a.href")
        if url in checked:
            continue
        checked.add(url)
        response = page.request.get(url)
        assert response.status == 200, url
        body = response.body()
        if url.endswith(".pdf"):
            assert response.headers["content-type"] == "application/pdf"
            assert body.startswith(b"%PDF-")
        else:
            assert url.endswith(".epub")
            assert response.headers["content-type"] == "application/epub+zip"
            with zipfile.ZipFile(BytesIO(body)) as epub:
                assert epub.namelist()[0] == "mimetype"
                assert epub.read("mimetype") == b"application/epub+zip"
    # every language's PDF and EPUB, and yua's bilingual PDF (the fixture's Indigenous language asks for one)
    assert len(checked) == 2 * len(TAGS) + 1, "every language's downloads are offered on every page"


# ---------------------------------------------------------------- search


def search(page: Any, tag: str, query: str) -> list[str]:
    page.goto(f"{tag}/search.html?q={query}")
    # searchtools replaces the "Searching…" title (and its pulsing dots) when it is done.
    page.wait_for_function("() => typeof Search !== 'undefined' && Search.title && Search.title.children.length === 0")
    return page.locator("#search-results ul.search li > a").evaluate_all("links => links.map(a => a.pathname)")


@pytest.mark.parametrize(("tag", "query"), [
    ("es", "formatos"),        # Spanish stemming: "formatos" finds "formatos"
    ("es", "publicación"),
    ("en", "published"),
    ("yua", "k'aax"),          # the text writes kꞌaax, with the saltillo U+A78C
    ("yua", "kꞌaax"),
    ("yua", "bats’i"),         # U+2019, as written
    ("yua", "bats'i"),         # typed on a keyboard without ’
    ("yua", "aʼal"),           # U+02BC
    ("yua", "a\u0331"),        # a + combining macron below, which NFC cannot compose
])
def test_search_finds_the_page(site_page: Any, tag: str, query: str) -> None:
    found = search(site_page, tag, query)
    assert f"/{tag}/{CHAPTER}" in found, f"{query!r} in {tag}: {found}"


# ---------------------------------------------------------------- translation progress


def test_progress_banner_in_a_partly_translated_edition(site_page: Any, site_project: Project) -> None:
    percent = manifests(site_project)["yua"]["progress"]["percent"]
    assert 0 < percent < 100
    page = site_page
    for name in ("index.html", CHAPTER):
        page.goto(f"yua/{name}")
        banner = page.locator(".policy-progress")
        assert banner.is_visible()
        assert f"{percent}" in banner.inner_text()
        assert banner.locator("progress").get_attribute("value") == str(percent)
        assert banner.get_by_role("link").get_attribute("href").startswith("https://git.example/politica")
    untranslated = page.locator("article p.untranslated").first
    assert untranslated.get_attribute("lang") == "es"
    assert untranslated.evaluate("p => getComputedStyle(p).borderInlineStartStyle") == "dashed"
    translated = page.locator("article p", has_text="kꞌaax").first
    assert translated.get_attribute("lang") is None and "untranslated" not in (translated.get_attribute("class") or "")


@pytest.mark.parametrize("tag", ["es", "en"])
def test_no_progress_banner_in_a_complete_edition(site_page: Any, tag: str) -> None:
    for name in ("index.html", CHAPTER):
        site_page.goto(f"{tag}/{name}")
        assert site_page.locator(".policy-progress").count() == 0
        assert site_page.locator("article .untranslated").count() == 0


def test_translate_this_page_links_to_its_catalog(site_page: Any) -> None:
    site_page.goto(f"yua/{CHAPTER}")
    link = site_page.get_by_role("link", name="Traducir esta página")
    assert link.get_attribute("href") == "https://git.example/politica/blob/HEAD/locale/yua/LC_MESSAGES/capitulo.po"


# ---------------------------------------------------------------- every page: lang, alternates, errors


def site_pages(project: Project) -> list[tuple[str, str]]:
    pages = [(tag, f"{tag}/{page}") for tag, m in manifests(project).items() for page in m["pages"]]
    pages += [(tag, f"{tag}/{extra}") for tag in TAGS for extra in ("search.html?q=datos", "genindex.html")]
    return pages


def test_every_page_has_its_language_and_alternates(site_page: Any, site_project: Project) -> None:
    for tag, path in site_pages(site_project):
        site_page.goto(path)
        assert site_page.locator("html").get_attribute("lang") == tag, path
        alternates = site_page.locator("link[rel=alternate][hreflang]").evaluate_all(
            "links => links.map(l => [l.hreflang, l.getAttribute('href')])")
        assert [a[0] for a in alternates] == [*TAGS, "x-default"], path
        page_name = path.split("/", 1)[1].split("?")[0]
        assert dict(alternates)["en"] == f"https://politica.example/en/{page_name}"
        assert site_page.locator("meta[property='og:title']").get_attribute("content")
        assert site_page.locator("meta[property='og:description']").get_attribute("content")
    # The settled policy: titles and descriptions are each edition's own.
    site_page.goto("en/index.html")
    assert site_page.locator("meta[property='og:description']").get_attribute("content") == "A small project for the tests"
    assert site_page.locator("meta[property='og:locale']").get_attribute("content") == "en"


def test_chooser_and_not_found_page(site_page: Any) -> None:
    page = site_page
    page.goto("index.html")
    assert page.locator("html").get_attribute("lang") == "es"
    tags = page.locator("ul.editions > li").evaluate_all("items => items.map(li => li.dataset.tag)")
    assert tags == ["es", "en", "yua"], "es-MX browser: Spanish first, then the registry's order"
    assert "25" in page.locator("li[data-tag=yua] .progress").inner_text()
    page.policy_log.expected_missing.add(page.url.replace("index.html", "yua/no-such-page.html"))
    response = page.goto("yua/no-such-page.html")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "Página no encontrada"
    page.get_by_role("link", name="Maaya t'aan").click()
    page.wait_for_load_state()
    assert page.url.endswith("/yua/index.html")


@pytest.mark.parametrize(("locale", "first"), [("en-US", "en"), ("yua-MX", "yua"), ("fr-FR", "es")])
def test_chooser_offers_the_browser_language_first(browser: Any, site_url: str, locale: str, first: str) -> None:
    context, log = open_context(browser, site_url, locale=locale)
    page = context.new_page()
    page.goto("index.html")
    tags = page.locator("ul.editions > li").evaluate_all("items => items.map(li => li.dataset.tag)")
    assert tags[0] == first
    suggested = page.locator("li.preferred .suggested")
    assert suggested.count() == (0 if locale == "fr-FR" else 1)
    context.close()
    assert not log.problems()


# ---------------------------------------------------------------- interface language


def english_interface_strings() -> list[str]:
    """English strings of the interface that have a different Spanish translation."""
    with (REPO / "scripts" / "sphinxext" / "locale" / "es" / "LC_MESSAGES" / "sphinx.po").open("rb") as handle:
        catalog = read_po(handle)
    found = {m.id.split("%(")[0].strip() for m in catalog
             if m.id and isinstance(m.id, str) and m.string and m.string != m.id and "<" not in m.id}
    found |= {"Search", "Search Results", "Searching", "Preparing search", "Hide Search Matches", "Index",
              "Contents", "Navigation", "Link to this"}
    return sorted(s for s in found if len(s) >= 4)


INTERFACE_TEXT_JS = """() => {
  const parts = [document.title];
  const article = document.querySelector("article");
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, parent = node.parentElement;
    if (!parent || parent.closest("script, style")) continue;
    if (article && article.contains(node) && !parent.closest(".policy-progress, #search-results > h2, .search-summary"))
      continue;
    parts.push(node.textContent);
  }
  for (const el of document.querySelectorAll("[aria-label], [title], [placeholder]"))
    for (const name of ["aria-label", "title", "placeholder"])
      if (el.hasAttribute(name)) parts.push(el.getAttribute(name));
  return parts.join("\\n");
}"""


@pytest.mark.parametrize("tag", ["yua", "es"])
def test_interface_is_spanish_not_english(site_page: Any, tag: str) -> None:
    english = english_interface_strings()
    assert "Next" in english and "Translate this page" in english
    for path in (f"{tag}/index.html", f"{tag}/{CHAPTER}", f"{tag}/genindex.html", f"{tag}/search.html?q=datos"):
        site_page.goto(path)
        if "search" in path:
            site_page.wait_for_function("() => Search.title && Search.title.children.length === 0")
        text = site_page.evaluate(INTERFACE_TEXT_JS)
        leaks = [s for s in english if re.search(rf"(?<![\w]){re.escape(s)}(?![\w])", text)]
        assert not leaks, f"English interface strings in {path}: {leaks}"


# ---------------------------------------------------------------- accessibility


AXE_PAGES = [(path, "light") for path in (
    "index.html", "es/index.html", f"en/{CHAPTER}", f"yua/{CHAPTER}", "yua/search.html?q=k'aax", "yua/genindex.html",
    "yua/no-such-page.html")] + [("index.html", "dark"), (f"yua/{CHAPTER}", "dark")]


@pytest.mark.parametrize(("path", "scheme"), AXE_PAGES)
def test_no_serious_accessibility_violation(browser: Any, site_url: str, axe_source: str, path: str,
                                            scheme: str) -> None:
    # bypass_csp: the site forbids inline scripts, and axe is injected as one.
    context, log = open_context(browser, site_url, bypass_csp=True, color_scheme=scheme)
    page = context.new_page()
    if "no-such-page" in path:
        log.expected_missing.add(site_url + path)
    page.goto(path)
    if "search" in path:
        page.wait_for_function("() => Search.title && Search.title.children.length === 0")
    page.add_script_tag(content=axe_source)
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    context.close()
    assert results["testEngine"]["version"] == AXE_VERSION and results["passes"], "axe did not run"
    serious = [f"{v['id']} ({v['impact']}): {v['help']} — " + "; ".join(n["target"][0] for n in v["nodes"][:5])
               for v in results["violations"] if v["impact"] in ("serious", "critical")]
    assert not serious, f"{path}:\n  " + "\n  ".join(serious)
    assert not log.problems()
