"""An incremental build shows what a full build shows (scripts/sphinxext/navigation.py): a title
changed in one catalog reaches every page that names it, and a translation read by one builder
(`make pdf`) reaches the pages the next one writes (`make html`)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from scripts.project import Project
from scripts.sphinxext import catalog_gate
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


def _with_annex(root: Path) -> Path:
    (root / "source" / "anexo.md").write_text("# Anexo\n\nUn anexo.\n", encoding="utf-8")
    _replace(root / "source" / "index.md", "capitulo\n", "capitulo\nanexo\n")
    return root / "build" / "site" / "en"


@pytest.mark.slow
def test_a_translation_read_by_the_pdf_builder_reaches_the_html_pages(basic_project: Project) -> None:
    root = basic_project.root
    run_cli("build", "--lang", "en", "--formats", "pdf,html", root=root, check=True)
    catalog = root / "locale" / "en" / "LC_MESSAGES" / "capitulo.po"
    _replace(catalog, 'msgstr "Open data is published in open formats."',
             'msgstr "Open data is always published in open formats."')
    run_cli("build", "--lang", "en", "--formats", "pdf", root=root, check=True)  # make pdf: reads the change
    run_cli("build", "--lang", "en", "--formats", "html", root=root, check=True)  # make html: reads nothing
    # The PDF's builder read the catalog; the Markdown is older than the page, so Sphinx's own
    # test would leave the page as it was.
    assert "Open data is always published" in (root / "build" / "site" / "en" / "capitulo.html").read_text(
        encoding="utf-8")


@pytest.mark.slow
def test_a_title_read_by_one_build_reaches_the_pages_of_the_next(basic_project: Project) -> None:
    root = basic_project.root
    site = _with_annex(root)
    run_cli("build", "--lang", "en", "--formats", "html", root=root, check=True)
    _replace(root / "locale" / "en" / "LC_MESSAGES" / "capitulo.po", 'msgstr "Data chapter"',
             'msgstr "Chapter on data"')
    run_cli("build", "--lang", "en", "--formats", "pdf", root=root, check=True)  # reads the change
    run_cli("build", "--lang", "en", "--formats", "html", root=root, check=True)  # reads nothing
    page = (site / "anexo.html").read_text(encoding="utf-8")
    assert "Chapter on data" in page
    assert "Data chapter" not in page


def _epub_pages(epub: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(epub) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.mark.slow
def test_an_incremental_epub_is_the_epub_a_full_build_makes(basic_project: Project) -> None:
    """The EPUB's directory is kept between builds: only the changed page is written again, and
    the file is the one a forced build makes, byte for byte."""
    root = basic_project.root
    _with_annex(root)
    run_cli("build", "--lang", "en", "--formats", "epub", root=root, check=True)
    _replace(root / "locale" / "en" / "LC_MESSAGES" / "capitulo.po",
             'msgstr "Open data is published in open formats."', 'msgstr "Open data is always published in open formats."')
    run_cli("build", "--lang", "en", "--formats", "epub", root=root, check=True)
    epub = next((root / "dist").glob("*-en.epub"))
    incremental = epub.read_bytes()
    assert b"Open data is always published" in _epub_pages(epub)["capitulo.xhtml"]
    run_cli("build", "--lang", "en", "--formats", "epub", "--force", root=root, check=True)
    assert epub.read_bytes() == incremental


@pytest.mark.slow
def test_a_removed_document_leaves_neither_the_site_nor_the_epub(basic_project: Project) -> None:
    root = basic_project.root
    site = _with_annex(root)
    run_cli("build", "--lang", "en", "--formats", "html,epub", root=root, check=True)
    assert (site / "anexo.html").is_file()
    assert "anexo.xhtml" in _epub_pages(next((root / "dist").glob("*-en.epub")))

    (root / "source" / "anexo.md").unlink()
    _replace(root / "source" / "index.md", "capitulo\nanexo\n", "capitulo\n")
    run_cli("build", "--lang", "en", "--formats", "html,epub", root=root, check=True)
    assert not (site / "anexo.html").exists()
    assert "anexo.xhtml" not in _epub_pages(next((root / "dist").glob("*-en.epub")))


@pytest.mark.slow
def test_the_catalog_gate_checks_again_only_the_catalogs_that_changed(basic_project: Project) -> None:
    """A build checks each catalog of its edition (scripts/sphinxext/catalog_gate.py); a later
    build reuses the result of every catalog that did not change."""
    root = basic_project.root
    run_cli("build", "--lang", "en", "--formats", "html", root=root, check=True)
    cache = catalog_gate.cache_path(basic_project, "en")
    data = json.loads(cache.read_text(encoding="utf-8"))
    entry = next(entry for path, entry in data.items() if path.endswith("capitulo.po"))
    (name,) = [name for name in entry if name.startswith("gated-")]
    assert entry[name] == []
    # A result planted for the unchanged chapter catalog is believed, so it was not checked again...
    entry[name] = [[3, "po-syntax", "planted by the test", "-"]]
    cache.write_text(json.dumps(data), encoding="utf-8")
    _replace(root / "locale" / "en" / "LC_MESSAGES" / "index.po", 'msgstr "A small project for the tests"',
             'msgstr "A small project for tests"')
    done = run_cli("build", "--lang", "en", "--formats", "html", root=root)
    assert done.returncode != 0 and "planted by the test" in done.stdout + done.stderr
    # ...and once the chapter catalog changes, it is checked again.
    _replace(root / "locale" / "en" / "LC_MESSAGES" / "capitulo.po", 'msgstr "Data chapter"', 'msgstr "Data"')
    done = run_cli("build", "--lang", "en", "--formats", "html", root=root)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.slow
def test_an_incremental_search_index_is_the_one_a_full_build_writes(basic_project: Project) -> None:
    """Sphinx's update of searchindex.js lost the index entries (the glossary's terms) of every
    page it did not write again, and kept words no page has any more."""
    root = basic_project.root
    site = _with_annex(root)
    run_cli("build", "--lang", "en", "--formats", "html", root=root, check=True)
    catalog = root / "locale" / "en" / "LC_MESSAGES" / "capitulo.po"
    _replace(catalog, 'msgstr "Open data is published in open formats."', 'msgstr "Open data is published as zqxj."')
    run_cli("build", "--lang", "en", "--formats", "html", root=root, check=True)
    _replace(catalog, 'msgstr "Open data is published as zqxj."', 'msgstr "Open data is published as wvyk."')
    run_cli("build", "--lang", "en", "--formats", "html", root=root, check=True)
    incremental = (site / "searchindex.js").read_text(encoding="utf-8")
    assert "zqxj" not in incremental and "wvyk" in incremental
    run_cli("build", "--lang", "en", "--formats", "html", "--force", root=root, check=True)
    assert (site / "searchindex.js").read_text(encoding="utf-8") == incremental


@pytest.mark.slow
def test_no_page_is_read_again_by_every_builder(basic_project: Project) -> None:
    """The root toctree names a document the edition leaves out (the model leaves out an
    adoption's front matter, `adopcion`): Sphinx marks such a page to be read again in every later
    run, so each builder of the edition re-read it and pickled the environment again
    (scripts/sphinxext/adopted.EditionTocTree leaves the entry out first)."""
    import pickle  # noqa: PLC0415 - Sphinx's own environment file

    root = basic_project.root
    (root / "source" / "adopcion.md").write_text("# Portada de la adopción\n\nSolo en una adopción.\n",
                                                 encoding="utf-8")
    _replace(root / "source" / "index.md", "capitulo\n", "capitulo\nPortada <adopcion.md>\n")
    run_cli("build", "--lang", "en", "--formats", "html,epub", root=root, check=True)
    pickled = basic_project.doctreedir("en") / "environment.pickle"
    with pickled.open("rb") as handle:
        env = pickle.load(handle)  # noqa: S301 - written by this build
    assert "adopcion" not in env.found_docs
    assert env.reread_always == set()

    _replace(root / "locale" / "en" / "LC_MESSAGES" / "capitulo.po", 'msgstr "A note for readers."',
             'msgstr "A short note for readers."')
    run_cli("build", "--lang", "en", "--formats", "html", root=root, check=True)  # reads the changed page
    written = pickled.stat().st_mtime_ns
    run_cli("build", "--lang", "en", "--formats", "epub", root=root, check=True)
    assert pickled.stat().st_mtime_ns == written  # the EPUB's builder read nothing, so pickled nothing
