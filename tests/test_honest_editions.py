"""Issue 16: every download tells the truth about its language, and the bilingual edition.

Built on tests/roots/basic (es source, en complete, yua partial with synthetic strings that carry
ꞌ U+A78C, ʼ U+02BC, ’ U+2019 and combining marks; not Maya text).
"""

from __future__ import annotations

import re
import subprocess
import unicodedata
import zipfile
from pathlib import Path

import pytest

from scripts.project import Project
from scripts.sphinxext.honesty import add_source_language
from tests.conftest import run_cli
from tests.test_release import pdf_objects

pytestmark = pytest.mark.slow

VERSION = "1.2.3"
EPUBCHECK = ["java", "-jar", "/usr/share/java/epubcheck.jar"]
TRANSLATED_SOURCE = "Los datos abiertos se publican en formatos abiertos."
TRANSLATED = "FIXTURE-YUA saltillo kꞌaax, modifier aʼal, right quote bats’i"
UNTRANSLATED = "Colección de datos publicada como una unidad."


def dist(project: Project, tag: str, suffix: str) -> Path:
    return project.distdir / f"politica-datos-abiertos-{VERSION}-{tag}.{suffix}"


def pdftotext(path: Path, *options: str) -> str:
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", *options, str(path), "-"], capture_output=True, text=True,
                          check=True)
    return unicodedata.normalize("NFC", done.stdout)


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


# ---------------------------------------------------------------- PDF and EPUB of a partial edition


def test_partial_pdf_title_page_names_language_percentage_and_the_spanish_rest(built_basic: Project) -> None:
    cover = flat(pdftotext(dist(built_basic, "yua", "pdf"), "-l", "1"))
    assert "Edición en Maaya t'aan (Maya yucateco)" in cover
    assert "Esta edición está traducida al 25%." in cover
    assert "El resto es el original en español." in cover
    assert "margen izquierdo y el signo [es]" in cover  # the mark is explained where it is first seen
    assert "Borrador" in cover  # 25 % is under the default draft_below (50)
    assert "translated" not in cover and "Edition" not in cover  # Spanish interface, never English


def test_complete_editions_name_their_language_without_a_percentage(built_basic: Project) -> None:
    english = flat(pdftotext(dist(built_basic, "en", "pdf"), "-l", "1"))
    assert "Edition in English (Inglés)" in english and "%" not in english
    spanish = flat(pdftotext(dist(built_basic, "es", "pdf"), "-l", "1"))
    assert "Edición en Español" in spanish and "%" not in spanish


def test_untranslated_paragraphs_carry_the_printed_mark(built_basic: Project) -> None:
    body = pdftotext(dist(built_basic, "yua", "pdf"), "-f", "3")
    marked = [line for line in body.splitlines() if line.strip().startswith("[es]")]
    assert marked, body
    assert TRANSLATED.split(",")[0] in body
    assert not any("FIXTURE-YUA saltillo" in line for line in marked)  # a translated paragraph is not marked
    assert "[es]" not in pdftotext(dist(built_basic, "en", "pdf"), "-f", "2")


@pytest.mark.parametrize(("tag", "subject"), [("yua", "Edición en Maaya t'aan (Maya yucateco): Esta edición está "
                                                       "traducida al 25%."),
                                              ("en", "Edition in English (Inglés)")])
def test_pdf_metadata_matches_the_edition(built_basic: Project, tag: str, subject: str) -> None:
    pdf = dist(built_basic, tag, "pdf")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert subject in info
    assert f"/Lang({tag})".encode() in pdf_objects(pdf)


def test_partial_epub_first_page_metadata_and_language_of_passages(built_basic: Project) -> None:
    with zipfile.ZipFile(dist(built_basic, "yua", "epub")) as epub:
        opf = epub.read("content.opf").decode()
        first = epub.read("index.xhtml").decode()
        chapter = epub.read("capitulo.xhtml").decode()
    assert re.findall(r"<dc:language>([^<]*)</dc:language>", opf) == ["yua", "es"]  # primary first
    notice = first.split('class="policy-edition-notice', 1)[1].split("</div>", 1)[0]
    assert 'lang="es"' in notice.split(">", 1)[0]  # the notice is in Spanish, and says so
    assert "Edición en Maaya t&#x27;aan (Maya yucateco)" in notice or "Edición en Maaya t'aan" in notice
    assert "traducida al 25%" in notice and "El resto es el original en español." in notice
    untranslated = re.search(r"<p[^>]*>\s*" + re.escape(UNTRANSLATED), chapter)
    assert untranslated and 'lang="es"' in untranslated.group(0)
    assert 'xml:lang="es"' in untranslated.group(0), "EPUB content is XML: xml:lang beside lang"
    translated = re.search(r"<p[^>]*>\s*FIXTURE-YUA saltillo", chapter)
    assert translated and 'lang="es"' not in translated.group(0)


def test_complete_epub_lists_only_its_own_language(built_basic: Project) -> None:
    with zipfile.ZipFile(dist(built_basic, "en", "epub")) as epub:
        opf = epub.read("content.opf").decode()
    assert re.findall(r"<dc:language>([^<]*)</dc:language>", opf) == ["en"]


def test_source_language_is_added_once_after_the_primary() -> None:
    opf = "<metadata>\n    <dc:language>yua</dc:language>\n    <dc:title>T</dc:title>"
    once = add_source_language(opf, "es")
    assert once == "<metadata>\n    <dc:language>yua</dc:language>\n    <dc:language>es</dc:language>\n    <dc:title>T</dc:title>"
    assert add_source_language(once, "es") == once


@pytest.mark.parametrize("tag", ["yua"])
def test_epubcheck_still_reports_nothing(built_basic: Project, tag: str) -> None:
    done = subprocess.run([*EPUBCHECK, str(dist(built_basic, tag, "epub"))], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 fatals / 0 errors / 0 warnings" in done.stdout


# ---------------------------------------------------------------- chooser and download lists


def test_chooser_and_download_lists_label_the_partial_edition(built_basic: Project) -> None:
    chooser = (built_basic.sitedir / "index.html").read_text(encoding="utf-8")
    yua = chooser.split('data-tag="yua"', 1)[1].split("</li>", 1)[0]
    assert "borrador, 25%" in yua and "PDF (borrador)" in yua and "EPUB (borrador)" in yua
    assert 'href="bilingue/yua/index-bilingue.html"' in yua
    english = chooser.split('data-tag="en"', 1)[1].split("</li>", 1)[0]
    assert "traducción completa" in english and "borrador" not in english and "bilingue" not in english
    page = (built_basic.sitedir / "en" / "index.html").read_text(encoding="utf-8")
    assert f'data-policy-file="politica-datos-abiertos-{VERSION}-yua.pdf">(borrador, 25%)</span>' in page
    assert f'data-policy-file="politica-datos-abiertos-{VERSION}-en.pdf"></span>' in page
    assert "bilingue/en/" not in page  # en does not ask for a bilingual edition
    maya = (built_basic.sitedir / "yua" / "capitulo.html").read_text(encoding="utf-8")
    assert '<a href="../bilingue/yua/index-bilingue.html">Edición bilingüe (HTML)</a>' in maya


# ---------------------------------------------------------------- the bilingual edition


def test_bilingual_pdf_sets_translation_beside_its_source(built_basic: Project) -> None:
    pdf = dist(built_basic, "yua", "bilingue.pdf")
    pages = pdftotext(pdf, "-layout").split("\f")
    page = next(p for p in pages if TRANSLATED_SOURCE in p)
    line = next(line for line in page.splitlines() if TRANSLATED_SOURCE in line)
    assert "FIXTURE-YUA saltillo" in line  # on the same line: side by side
    whole = "".join(pages)
    assert whole.count(UNTRANSLATED) == 1  # once, not duplicated
    # A run of untranslated paragraphs is one block across both columns, signed at its first line.
    run = whole.split("Sección con referencias", 1)
    assert run[0].rstrip().endswith("[es]") and UNTRANSLATED in run[1]
    assert "FIXTURE-YUA" not in run[1].split(UNTRANSLATED)[0]  # nothing translated inside the run
    for char in ("\ua78c", "\u02bc", "\u2019", "a\u0331", "e\u0331", "\u0268\u0301"):
        assert char in whole, repr(char)
    assert "t'aan" in whole  # U+0027 stays straight
    assert b"/Lang(yua)" in pdf_objects(pdf)
    assert not dist(built_basic, "en", "bilingue.pdf").exists()  # en does not ask for one
    assert not dist(built_basic, "es", "bilingue.pdf").exists()


def test_bilingual_pdf_has_no_missing_glyph_and_embeds_its_fonts(built_basic: Project) -> None:
    log = next((built_basic.builddir / "work" / "yua" / "bilingual").glob("*.log")).read_text(errors="replace")
    assert "Missing character" not in log
    fonts = subprocess.run(["pdffonts", str(dist(built_basic, "yua", "bilingue.pdf"))], capture_output=True,
                           text=True, check=True).stdout.splitlines()[2:]
    assert fonts and all(" yes " in line for line in fonts)


def test_bilingual_html_pairs_each_paragraph_with_its_source(built_basic: Project) -> None:
    page = (built_basic.sitedir / "bilingue" / "yua" / "capitulo.html").read_text(encoding="utf-8")
    pair = re.search(r'<div class="pair"><div class="es" lang="es"><p>' + re.escape(TRANSLATED_SOURCE)
                     + r'</p></div><div class="tr" lang="yua"><p>([^<]*)</p></div></div>', page)
    assert pair and unicodedata.normalize("NFC", pair.group(1)).startswith(TRANSLATED)
    assert page.count(UNTRANSLATED) == 1
    assert re.search(r'<div class="pair untranslated"><div class="es" lang="es"><p><span class="sign"[^>]*>\[es\]'
                     r'</span>' + re.escape(UNTRANSLATED), page)
    assert "<h2>Capítulo de datos</h2>" in page  # headings included
    assert "<strong>conjunto de datos</strong>" in page  # glossary terms included
    assert '<html lang="yua">' in page and "<script" not in page
    assert '<header lang="es">' in page  # yua's interface falls back to Spanish, marked as such


def test_bilingual_edition_is_byte_identical_twice(basic_project: Project) -> None:
    outputs = []
    for _ in range(2):
        run_cli("build", "--lang", "yua", "--formats", "bilingual", "--force", root=basic_project.root, check=True)
        outputs.append((dist(basic_project, "yua", "bilingue.pdf").read_bytes(),
                        (basic_project.sitedir / "bilingue" / "yua" / "capitulo.html").read_bytes()))
    assert outputs[0] == outputs[1]


def test_any_registered_language_can_ask_for_a_bilingual_edition(basic_project: Project) -> None:
    """en with `bilingual = true`: the Spanish side keeps the text of its references, resolved
    like the translation's (a reference's text is only known once the doctree is resolved)."""
    registry = basic_project.root / "locale" / "languages.toml"
    text = registry.read_text(encoding="utf-8")
    registry.write_text(text.replace('date_locale = "en"\n', 'date_locale = "en"\nbilingual = true\n', 1),
                        encoding="utf-8")
    run_cli("build", "--lang", "en", "--formats", "html,bilingual", root=basic_project.root, check=True)
    page = (basic_project.sitedir / "bilingue" / "en" / "capitulo.html").read_text(encoding="utf-8")
    assert ('<div class="pair"><div class="es" lang="es"><p>Consulte la sección inicial y el conjunto de datos.</p>'
            '</div><div class="tr" lang="en"><p>See the first section and the dataset.</p></div></div>') in page
    assert "untranslated" not in page  # a complete edition: every row in two columns
    assert '<header lang="en">' in page  # the interface is the edition's own language, and says so
    cover = flat(pdftotext(dist(basic_project, "en", "bilingue.pdf"), "-l", "1"))
    assert "Bilingual edition: Spanish and English (Inglés)" in cover  # English interface for en
    # The English column hyphenates as English, with polyglossia's light switch: its full
    # otherlanguage at every row made a complete edition's xelatex passes six times slower.
    tex = next((basic_project.builddir / "work" / "en" / "bilingual").glob("*.tex")).read_text(encoding="utf-8")
    assert "\\begin{hyphenrules}{english}See the first section" in tex and "otherlanguage}" not in tex


def test_bilingual_pages_are_one_flat_directory() -> None:
    from scripts.sphinxext.bilingual import page_file

    assert page_file("anexos/plantilla") == "anexos.plantilla.html"  # links stay relative to one folder
    assert page_file("index") == "index.html"
