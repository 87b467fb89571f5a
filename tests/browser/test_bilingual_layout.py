"""The bilingual HTML edition in Chromium: two columns on a desktop, one after the other on a
phone, never a horizontal scroll bar (issue 16)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from scripts.project import Project

pytestmark = pytest.mark.slow

BOXES_JS = """() => {
  const pair = document.querySelector(".pair:not(.untranslated)");
  const [es, tr] = pair.children;
  const a = es.getBoundingClientRect(), b = tr.getBoundingClientRect();
  return {esTop: a.top, trTop: b.top, esBottom: a.bottom, esLeft: a.left, trLeft: b.left,
          scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth};
}"""


@pytest.mark.parametrize(("width", "height", "columns"), [(360, 740, 1), (1280, 800, 2)])
def test_bilingual_page_fits_phone_and_desktop(chromium_browser: Any, built_basic: Project, tmp_path: Path,
                                               width: int, height: int, columns: int) -> None:
    page_path = built_basic.sitedir / "bilingue" / "yua" / "capitulo.html"
    context = chromium_browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.goto(page_path.as_uri())
    boxes = page.evaluate(BOXES_JS)
    shot = tmp_path / f"bilingue-{width}.png"
    page.screenshot(path=str(shot), full_page=True)
    context.close()
    assert shot.stat().st_size > 1000
    assert boxes["scroll"] <= boxes["client"], boxes  # no horizontal scrolling
    if columns == 2:
        assert boxes["esTop"] == boxes["trTop"] and boxes["trLeft"] > boxes["esLeft"], boxes
    else:
        assert boxes["trTop"] >= boxes["esBottom"], boxes  # Spanish, then the translation
