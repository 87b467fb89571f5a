"""An incremental build shows what a full build shows: a title changed in one catalog reaches
every page that names it (scripts/sphinxext/navigation.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from scripts.project import Project
from tests.conftest import run_cli


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.mark.slow
def test_a_changed_title_reaches_the_pages_of_other_documents(basic_project: Project) -> None:
    root = basic_project.root
    (root / "source" / "anexo.md").write_text("# Anexo\n\nUn anexo.\n", encoding="utf-8")
    _replace(root / "source" / "index.md", "capitulo\n", "capitulo\nanexo\n")
    run_cli("build", "--lang", "en", "--formats", "html", root=root, check=True)
    annex = root / "build" / "site" / "en" / "anexo.html"
    assert "Data chapter" in annex.read_text(encoding="utf-8")  # the sidebar and the previous-page link

    _replace(root / "locale" / "en" / "LC_MESSAGES" / "capitulo.po", 'msgstr "Data chapter"',
             'msgstr "Chapter on data"')
    run_cli("build", "--lang", "en", "--formats", "html", root=root, check=True)
    # The annex's source and catalog did not change, and no toctree includes it anew: Sphinx alone
    # would leave this page as it was.
    page = annex.read_text(encoding="utf-8")
    assert "Chapter on data" in page
    assert "Data chapter" not in page
