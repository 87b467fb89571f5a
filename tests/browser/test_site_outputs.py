"""What the readers' site build writes, read as files: search indexes, sitemap, manifests,
download sizes, 404 page. Same build as the browser tests (`site_project`), no browser."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from scripts.project import Project
from scripts.site import assemble_site
from tests.browser.conftest import SITE_URL, TAGS, VERSION, manifests

pytestmark = pytest.mark.slow

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


def search_terms(project: Project, tag: str) -> set[str]:
    text = (project.sitedir / tag / "searchindex.js").read_text(encoding="utf-8")
    index = json.loads(text[len("Search.setIndex("):-1])
    return set(index["terms"]) | set(index["titleterms"])


def test_indigenous_index_keeps_glottal_and_combining_marks(site_project: Project) -> None:
    terms = search_terms(site_project, "yua")
    # Every spelling of the glottal mark is indexed as ', the text's own spelling left alone.
    assert {"k'aax", "bats'i", "a'al", "t'aan", "a\u0331", "e\u0331", "\u0268\u0301"} <= terms
    assert not {"k", "aax", "bat", "bats", "i", "t", "aan", "\u0268"} & terms, "words cut at a mark"
    assert "publicación" in terms and not {"combin", "modifi"} & terms, "no stemming at all"
    static = site_project.sitedir / "yua" / "_static"
    assert not (static / "english-stemmer.js").exists()
    assert "splitQuery" in (static / "language_data.js").read_text(encoding="utf-8")


def test_spanish_and_english_keep_their_stemmers(site_project: Project) -> None:
    assert {"format", "public"} <= search_terms(site_project, "es")  # formatos, publican
    assert (site_project.sitedir / "es" / "_static" / "spanish-stemmer.js").is_file()
    assert {"publish", "format"} <= search_terms(site_project, "en")


def test_manifests_count_translation_progress(site_project: Project) -> None:
    found = manifests(site_project)
    assert found["es"]["progress"]["percent"] == 100
    en = found["en"]["progress"]
    assert en["translated"] == en["total"] > 0 and en["percent"] == 100
    yua = found["yua"]["progress"]
    assert 0 < yua["translated"] < yua["total"] and yua["percent"] == 100 * yua["translated"] // yua["total"]
    assert {m["version"] for m in found.values()} == {VERSION}
    assert found["yua"]["pages"] == ["capitulo.html", "index.html"]


def test_sitemap_lists_every_page_with_its_alternates(site_project: Project) -> None:
    root = ET.parse(site_project.sitedir / "sitemap.xml").getroot()
    urls = root.findall("s:url", NS)
    assert urls[0].findtext("s:loc", namespaces=NS) == SITE_URL
    pages = urls[1:]
    assert len(pages) == 2 * len(TAGS)
    for url in pages:
        loc = url.findtext("s:loc", namespaces=NS)
        assert loc.startswith(SITE_URL)
        alternates = {link.get("hreflang"): link.get("href") for link in url.findall("x:link", NS)}
        assert set(alternates) == {*TAGS, "x-default"}
        assert loc in alternates.values()
        page = loc.rsplit("/", 1)[1]
        assert all(alternates[tag] == f"{SITE_URL}{tag}/{page}" for tag in TAGS)


def pages_of(project: Project) -> list[Path]:
    return sorted(p for tag in TAGS for p in (project.sitedir / tag).rglob("*.html"))


def test_every_download_size_is_filled_in(site_project: Project) -> None:
    empty = re.compile(r'<span class="policy-size" data-policy-file="[^"]+"></span>')
    for page in pages_of(site_project):
        text = page.read_text(encoding="utf-8")
        assert 'class="policy-size"' in text, page
        assert not empty.search(text), f"{page}: size left empty"
        assert " hidden>" not in text, f"{page}: a download hidden although every file was built"
    es = (site_project.sitedir / "es" / "index.html").read_text(encoding="utf-8")
    en = (site_project.sitedir / "en" / "index.html").read_text(encoding="utf-8")
    assert re.search(r"\(\d+\u00a0kB\)", es) and re.search(r"\(\d+\u00a0kB\)", en)


def test_assembling_again_changes_nothing(site_project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POLICY_VERSION", VERSION)
    before = {p: p.stat().st_mtime_ns for p in pages_of(site_project)}
    done: dict[str, Any] = assemble_site(Project(site_project.root))
    assert done["written"] == [] and done["pages_filled"] == 0
    assert done["editions"] == list(TAGS) and done["sitemap"]
    assert {p: p.stat().st_mtime_ns for p in pages_of(site_project)} == before


def test_not_found_page_links_from_the_site_root(site_project: Project) -> None:
    text = (site_project.sitedir / "404.html").read_text(encoding="utf-8")
    assert 'href="/yua/index.html"' in text and 'href="/site.css"' in text
    assert "<base" not in text and "Content-Security-Policy" in text
