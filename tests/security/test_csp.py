"""Every page of every edition carries a Content-Security-Policy that allows no inline script and no
other origin, and the site still works under it: Chromium reports no violation and no error on
any page, and the search finds what it should.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import pytest

from scripts.project import Project
from tests.robustness import TAGS, build_fixture
from tests.security.conftest import open_context, static_server

pytestmark = [pytest.mark.slow, pytest.mark.browser]

CSP_META = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">')


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Project:
    return build_fixture(tmp_path_factory.mktemp("csp") / "basic")


def _edition_pages(project: Project) -> list[Path]:
    return sorted(p for tag in TAGS for p in (project.sitedir / tag).rglob("*.html"))


def test_every_page_declares_the_policy_before_anything_loads(site: Project) -> None:
    pages = _edition_pages(site)
    assert len(pages) >= 12
    for page in pages:
        text = page.read_text(encoding="utf-8")
        metas = CSP_META.findall(text)
        assert len(metas) == 1, page
        policy = html.unescape(metas[0])
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
        assert directives["default-src"] == "'self'"
        assert "'unsafe-inline'" not in directives["script-src"] and "'unsafe-eval'" not in directives["script-src"]
        assert not re.search(r"https?:|\*", policy), policy
        assert directives["object-src"] == "'none'" and directives["base-uri"] == "'none'"
        head = text.split("</head>", 1)[0]
        position = head.index("Content-Security-Policy")
        for tag in ("<script", "<style", "<link"):
            assert tag not in head[:position], f"{page}: {tag} before the policy"


def test_translations_js_never_evaluates_a_string(site: Project) -> None:
    for tag in TAGS:
        script = site.sitedir / tag / "_static" / "translations.js"
        if script.exists():
            assert "new Function" not in script.read_text(encoding="utf-8")


def test_chromium_reports_no_violation_and_search_works(site: Project, chromium: Any) -> None:
    server, base = static_server(site.sitedir)
    try:
        context, visit = open_context(chromium, base)
        page = context.new_page()
        for path in _edition_pages(site):
            page.goto(f"{base}/{path.relative_to(site.sitedir).as_posix()}")
            page.wait_for_load_state("load")
        found = {}
        for tag, word in (("es", "datos"), ("en", "data"), ("yua", "datos")):
            page.goto(f"{base}/{tag}/search.html?q={word}")
            page.wait_for_selector("#search-results ul.search li", timeout=15000)
            found[tag] = page.locator("#search-results ul.search li").count()
        context.close()
    finally:
        server.shutdown()
    assert visit.csp_violations == []
    assert visit.errors == []
    assert visit.foreign_requests == []
    assert all(count >= 1 for count in found.values()), found
