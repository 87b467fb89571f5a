"""The build matrix on a real fixture project: real Sphinx, real xelatex, real epubcheck.

tests/roots/basic has es (source), en (complete) and yua (partly translated with synthetic test
strings that carry ꞌ U+A78C, ʼ U+02BC, ’ U+2019, ' and combining marks; not Maya text).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import unicodedata
import zipfile
from pathlib import Path

import pytest

from scripts.matrix.orchestrator import IN_WORKERS_ENV
from scripts.project import Project
from tests.conftest import copy_root, run_cli

pytestmark = pytest.mark.slow

VERSION = "1.2.3"  # conftest.run_cli sets POLICY_VERSION
TAGS = ("es", "en", "yua")
EPUBCHECK = ["java", "-jar", "/usr/share/java/epubcheck.jar"]


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def dist(project: Project, tag: str, suffix: str) -> Path:
    return project.distdir / f"politica-datos-abiertos-{VERSION}-{tag}.{suffix}"


def pdftotext(path: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_every_edition_exists(built_basic: Project) -> None:
    for tag in TAGS:
        assert (built_basic.sitedir / tag / "index.html").is_file()
        assert (built_basic.sitedir / tag / "capitulo.html").is_file()
        assert dist(built_basic, tag, "pdf").stat().st_size > 10_000
        assert dist(built_basic, tag, "epub").stat().st_size > 5_000


def test_chooser_lists_autonyms(built_basic: Project) -> None:
    chooser = (built_basic.sitedir / "index.html").read_text(encoding="utf-8")
    for tag, autonym in (("es", "Español"), ("en", "English"), ("yua", "Maaya t&#x27;aan")):
        assert f'href="{tag}/index.html"' in chooser
        assert autonym in chooser


@pytest.mark.parametrize("tag", TAGS)
def test_html_lang_on_every_page(built_basic: Project, tag: str) -> None:
    pages = sorted((built_basic.sitedir / tag).rglob("*.html"))
    assert len(pages) >= 4
    for page in pages:
        head = page.read_text(encoding="utf-8")[:400]
        assert re.search(rf'<html[^>]*\blang="{tag}"', head), page


def test_translated_headings(built_basic: Project) -> None:
    en = (built_basic.sitedir / "en" / "capitulo.html").read_text(encoding="utf-8")
    assert re.search(r"<h1>Data chapter", en)
    assert "Section with references" in en
    yua = (built_basic.sitedir / "yua" / "capitulo.html").read_text(encoding="utf-8")
    assert "FIXTURE-YUA capítulo t&#39;aan" in yua or "FIXTURE-YUA capítulo t'aan" in yua
    # Untranslated text of a partial edition falls back to the Spanish source.
    assert "Sección con referencias" in yua


def test_indigenous_edition_interface_is_spanish_never_english(built_basic: Project) -> None:
    page = (built_basic.sitedir / "yua" / "capitulo.html").read_text(encoding="utf-8")
    visible = re.sub(r"<script.*?</script>|<style.*?</style>", "", page, flags=re.S)
    for spanish in ("Anterior", "En esta página", "Saltar al contenido", "Volver arriba", "Nota"):
        assert spanish in visible, spanish
    attributes_and_text = " ".join(re.findall(r'aria-label="([^"]*)"', visible)
                                   + re.findall(r">([^<>]+)<", visible))
    for english in ("Next", "Previous", "On this page", "Skip to content", "Back to top", "Toggle",
                    "Light mode", "Dark mode", "Made with", "Copyright", "Contents", "Note"):
        assert not re.search(rf"\b{re.escape(english)}\b", attributes_and_text), english
    translations = (built_basic.sitedir / "yua" / "_static" / "translations.js").read_text(encoding="utf-8")
    decoded = translations.encode("ascii", "backslashreplace").decode("unicode_escape")
    assert re.search(r'"Search Results":\s*"Resultados de la búsqueda"', decoded), translations[:300]


def test_dates_use_a_locale_babel_knows(built_basic: Project) -> None:
    yua = (built_basic.sitedir / "yua" / "index.html").read_text(encoding="utf-8")
    assert "1 de enero de 2026" in yua
    en = (built_basic.sitedir / "en" / "index.html").read_text(encoding="utf-8")
    assert "January 1, 2026" in en
    logs = "".join(p.read_text(encoding="utf-8", errors="replace")
                   for p in (built_basic.builddir / "logs").glob("*.log"))
    assert "Invalid Babel locale" not in logs
    assert "no Babel option known" not in logs


def test_pdf_keeps_every_glottal_mark_and_combining_character(built_basic: Project) -> None:
    text = nfc(pdftotext(dist(built_basic, "yua", "pdf")))
    assert "k\ua78caax" in text  # U+A78C saltillo
    assert "a\u02bcal" in text  # U+02BC modifier letter apostrophe
    assert "bats\u2019i" in text  # U+2019, kept as written
    assert "t'aan" in text  # ASCII apostrophe not turned into a curly quote
    assert nfc("a\u0331 e\u0331 \u0268\u0301") in text  # combining macron below, ɨ with acute


def test_pdf_titles_and_spanish_typesetting_for_indigenous_edition(built_basic: Project) -> None:
    text = pdftotext(dist(built_basic, "yua", "pdf"))
    assert "FIXTURE-YUA título k\ua78caax" in text
    assert "Índice general" in text  # Spanish labels, not "Contents"
    tex = (built_basic.builddir / "work" / "yua" / "latex" / "politica-datos-abiertos-yua.tex").read_text(encoding="utf-8")
    assert r"\setmainlanguage{spanish}" in tex
    assert "english" not in tex.lower().split(r"\begin{document}")[0].replace("englishname", "")
    en_tex = (built_basic.builddir / "work" / "en" / "latex" / "politica-datos-abiertos-en.tex").read_text(encoding="utf-8")
    assert r"\setmainlanguage{english}" in en_tex


@pytest.mark.parametrize("tag", TAGS)
def test_pdf_fonts_are_embedded(built_basic: Project, tag: str) -> None:
    out = subprocess.run(["pdffonts", str(dist(built_basic, tag, "pdf"))], capture_output=True, text=True,
                         check=True).stdout.splitlines()[2:]
    assert out, "no fonts listed"
    for row in out:
        columns = row.split()
        assert columns[-5] == "yes", f"font not embedded: {row}"


@pytest.mark.parametrize("tag", TAGS)
def test_epubcheck_reports_no_error_and_no_warning(built_basic: Project, tag: str) -> None:
    done = subprocess.run([*EPUBCHECK, str(dist(built_basic, tag, "epub"))], capture_output=True, text=True,
                          check=False)
    assert "0 fatals / 0 errors / 0 warnings" in done.stdout + done.stderr, done.stdout + done.stderr
    assert done.returncode == 0


@pytest.mark.parametrize(("tag", "title"), [("es", "Proyecto de prueba"), ("en", "Test project"),
                                            ("yua", "FIXTURE-YUA título k\ua78caax")])
def test_epub_metadata_per_edition(built_basic: Project, tag: str, title: str) -> None:
    with zipfile.ZipFile(dist(built_basic, tag, "epub")) as epub:
        names = epub.namelist()
        assert names[0] == "mimetype" and epub.getinfo("mimetype").compress_type == zipfile.ZIP_STORED
        opf = epub.read("content.opf").decode("utf-8")
    assert f"<dc:language>{tag}</dc:language>" in opf
    assert f"<dc:title>{title}</dc:title>" in opf
    assert f">politica-datos-abiertos-{tag}</dc:identifier>" in opf
    assert "CC BY 4.0" in opf  # the licence travels with the book (dc:rights)


def test_second_build_skips_every_edition(built_basic: Project) -> None:
    done = run_cli("build", root=built_basic.root)
    assert done.returncode == 0, done.stdout + done.stderr
    results = [json.loads((built_basic.builddir / "logs" / f"{tag}.result.json").read_text()) for tag in TAGS]
    assert all(f["status"] == "skipped" for r in results for f in r["formats"]), results


def test_downloads_are_linked_from_every_page(built_basic: Project) -> None:
    for tag in TAGS:
        page = (built_basic.sitedir / tag / "capitulo.html").read_text(encoding="utf-8")
        for suffix in ("pdf", "epub"):
            name = f"politica-datos-abiertos-{VERSION}-{tag}.{suffix}"
            assert f"../descargas/{name}" in page
            assert (built_basic.sitedir / "descargas" / name).is_file()


def test_a_failing_edition_does_not_stop_the_others(basic_project: Project) -> None:
    broken = basic_project.catalogdir("yua") / "capitulo.po"
    broken.write_text(broken.read_text(encoding="utf-8") + '\nmsgid "unterminated\nmsgstr ""\n', encoding="utf-8")
    done = run_cli("build", "--formats", "html", root=basic_project.root)
    assert done.returncode == 1
    assert "yua html FAILED" in done.stdout
    assert "FAILED: yua/html" in done.stdout
    for tag in ("es", "en"):
        assert (basic_project.sitedir / tag / "capitulo.html").is_file()
    assert not (basic_project.sitedir / "yua").exists()


def test_unknown_language_is_refused_with_the_registered_ones(basic_project: Project) -> None:
    done = run_cli("build", "--lang", "tzo", root=basic_project.root)
    assert done.returncode == 1
    assert "[registry-unknown-language]" in done.stderr and "es, en, yua" in done.stderr


def test_a_relative_root_is_the_same_project(basic_project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    from scripts.matrix.fingerprint import fingerprint

    monkeypatch.chdir(basic_project.root.parent)
    relative = Project(Path(basic_project.root.name))
    assert relative.root == basic_project.root
    assert fingerprint(relative, "yua", "html") == fingerprint(basic_project, "yua", "html")


def test_results_keep_diagnostics_across_the_worker_boundary() -> None:
    from scripts.diagnostics import Diagnostic
    from scripts.matrix.results import EditionResult, FormatResult, summarize

    glyph = Diagnostic("locale/yua/LC_MESSAGES/capitulo.po", 12, "pdf-missing-glyph", "Missing character: x",
                       "add a font")
    result = EditionResult("yua", [FormatResult("pdf", "failed", 1.0, problems=[glyph], details=["xelatex failed:"])])
    back = EditionResult.from_dict(json.loads(json.dumps(result.as_dict())), log="build/logs/yua.log")
    assert back.formats[0].problems == [glyph]
    assert result.as_dict()["formats"][0]["problems"] == [str(glyph), "xelatex failed:"]
    text, ok = summarize([back])
    assert not ok and f"      {glyph}" in text and "FAILED: yua/pdf" in text


def test_every_config_inited_step_is_in_the_one_ordered_list() -> None:
    from scripts import sphinxext

    modules = sorted(Path(sphinxext.__file__).parent.glob("*.py"))
    connecting = [p.name for p in modules if '"config-inited"' in p.read_text(encoding="utf-8")]
    assert connecting == ["__init__.py"], connecting
    assert sphinxext.CONFIGURATION[0] is sphinxext.editions.apply_edition_config  # resolves the edition
    assert sphinxext.CONFIGURATION[-1] is sphinxext.editions.apply_rights


def test_sphinxopts_and_sphinxbuild_as_in_sphinx_makefile(basic_project: Project, tmp_path: Path) -> None:
    """SPHINXOPTS reaches every builder (and the fingerprint); SPHINXBUILD replaces the in-process
    Sphinx with the named program, given the pipeline's own arguments and the person's options."""
    # -t: `only` blocks select on tags; a fixture page that shows one only with the tag proves it.
    page = basic_project.srcdir / "capitulo.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n```{only} sondeo\nTexto solo con la etiqueta sondeo.\n```\n",
                    encoding="utf-8")
    done = run_cli("build", "--lang", "es", "--formats", "html", root=basic_project.root)
    assert done.returncode == 0, done.stderr
    html = basic_project.sitedir / "es" / "capitulo.html"
    assert "solo con la etiqueta sondeo" not in html.read_text(encoding="utf-8")
    done = run_cli("build", "--lang", "es", "--formats", "html", root=basic_project.root,
                   env={"SPHINXOPTS": "-t sondeo"})
    assert done.returncode == 0, done.stderr
    assert "solo con la etiqueta sondeo" in html.read_text(encoding="utf-8"), "SPHINXOPTS did not rebuild with -t"

    record = tmp_path / "argv.txt"
    wrapper = tmp_path / "sphinx-build-wrapper"
    wrapper.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > {record}\nexec {sys.executable} -m sphinx "$@"\n',
                       encoding="utf-8")
    wrapper.chmod(0o755)
    done = run_cli("build", "--lang", "en", "--formats", "html", root=basic_project.root,
                   env={"SPHINXBUILD": str(wrapper), "SPHINXOPTS": "-t sondeo"})
    assert done.returncode == 0, done.stdout + done.stderr
    argv = record.read_text(encoding="utf-8").splitlines()
    assert argv[:2] == ["-b", "html"] and "language=en" in argv and "-W" in argv
    assert argv[argv.index("-t") + 1] == "sondeo"
    assert (basic_project.sitedir / "en" / "capitulo.html").is_file()


def _edition_files(project: Project, tag: str) -> dict[str, bytes]:
    """Every file a reader gets of one edition: its site pages and assets, its downloads."""
    site = project.sitedir / tag
    files = {f"site/{p.relative_to(site)}": p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}
    files.update({f"dist/{p.name}": p.read_bytes() for p in sorted(project.distdir.glob(f"*-{tag}.*"))})
    return files


@pytest.mark.slow
def test_the_workers_shortcuts_write_what_plain_sphinx_writes(tmp_path: Path) -> None:
    """The worker runs Sphinx in its own process with shortcuts of its own (the cyclic collector
    off, figure numbering skipped when nothing was read, doctrees shared between builders, one
    LaTeX table renderer: scripts/matrix/worker.py and speedups.py); SPHINXBUILD runs plain
    sphinx-build instead. A full build, then one after a changed translation, make the same files
    both ways."""
    wrapper = tmp_path / "sphinx-build"
    wrapper.write_text(f'#!/bin/sh\nexec {sys.executable} -m sphinx "$@"\n', encoding="utf-8")
    wrapper.chmod(0o755)
    ways = {"worker": {}, "plain": {"SPHINXBUILD": str(wrapper)}}
    projects = {way: copy_root("basic", tmp_path / way) for way in ways}
    for project in projects.values():  # a numbered figure that another page refers to
        index = project.srcdir / "index.md"
        index.write_text(index.read_text(encoding="utf-8") + "\nVéase la {numref}`cap-figura`.\n", encoding="utf-8")

    def build_both() -> dict[str, dict[str, bytes]]:
        for way, env in ways.items():
            run_cli("build", "--lang", "en", "--formats", "html,epub,pdf", root=projects[way].root, env=env,
                    check=True)
        return {way: _edition_files(project, "en") for way, project in projects.items()}

    full = build_both()
    assert any(name.endswith(".pdf") for name in full["worker"])
    assert full["worker"] == full["plain"], sorted(n for n in full["worker"] if full["plain"].get(n) != full["worker"][n])
    for project in projects.values():  # a translation changed, and a figure before the other: numbers shift
        catalog = project.catalogdir("en") / "capitulo.po"
        catalog.write_text(catalog.read_text(encoding="utf-8").replace(
            'msgstr "Open data is published in open formats."', 'msgstr "Open data is always published in open formats."'),
            encoding="utf-8")
        index = project.srcdir / "index.md"
        index.write_text(index.read_text(encoding="utf-8") + "\n```{figure} imagenes/ciclo.svg\n:alt: Otra vez\n\n"
                         "Otra figura.\n```\n", encoding="utf-8")
    again = build_both()
    assert b"Fig. 2" in again["worker"]["site/index.html"]
    assert again["worker"] != full["worker"]
    assert again["worker"] == again["plain"], sorted(n for n in again["worker"] if again["plain"].get(n) != again["worker"][n])


@pytest.mark.slow
def test_an_edition_building_alone_starts_xelatex_first_and_writes_the_same_files(tmp_path: Path) -> None:
    """With a core to spare (one edition stale, two jobs) the worker writes the LaTeX first and
    lets xelatex typeset while it writes the site and the EPUB (formats.build_order); with one job
    it keeps the table's order. Both orders make the same files, after a full build and after a
    changed translation (the site's builder then reads nothing: the LaTeX builder read it). A
    single edition is built in the main process (scripts/matrix/orchestrator.py); in a worker
    process (POLICY_BUILD_IN_WORKERS=1) it makes the same files, the assembled site's included."""
    jobs = {"alone": "2", "in_turn": "1", "worker": "2"}
    environments = {"worker": {IN_WORKERS_ENV: "1"}}
    projects = {way: copy_root("basic", tmp_path / way) for way in jobs}

    def build_both() -> dict[str, dict[str, bytes]]:
        for way, count in jobs.items():
            run_cli("build", "--lang", "en", "--formats", "html,epub,pdf", "--jobs", count,
                    root=projects[way].root, env=environments.get(way), check=True)
        files = {way: _edition_files(project, "en") for way, project in projects.items()}
        for way in ("alone", "worker"):
            site = projects[way].sitedir
            files[way].update({f"whole-site/{p.relative_to(site)}": p.read_bytes()
                               for p in sorted(site.rglob("*")) if p.is_file()})
        assert projects["worker"].builddir.joinpath("logs", "en.log").is_file()
        return files

    def first_builder(way: str) -> str:
        records = json.loads((projects[way].builddir / "logs" / "en.phases.json").read_text(encoding="utf-8"))
        return records[0]["phase"].split()[1].rstrip(":")  # "sphinx <builder>: set-up"

    full = build_both()
    assert (first_builder("alone"), first_builder("in_turn")) == ("latex", "html")
    assert full["alone"] == full["worker"], sorted(n for n in full["alone"] if full["worker"].get(n) != full["alone"][n])
    full["alone"] = _edition_files(projects["alone"], "en")
    assert full["alone"] == full["in_turn"], sorted(n for n in full["alone"] if full["in_turn"].get(n) != full["alone"][n])
    for project in projects.values():
        catalog = project.catalogdir("en") / "capitulo.po"
        catalog.write_text(catalog.read_text(encoding="utf-8").replace(
            'msgstr "Open data is published in open formats."', 'msgstr "Open data is always published in open formats."'),
            encoding="utf-8")
    again = build_both()
    assert (first_builder("alone"), first_builder("in_turn")) == ("latex", "html")
    assert b"Open data is always published" in again["alone"]["site/capitulo.html"]
    assert again["alone"] == again["worker"], sorted(n for n in again["alone"] if again["worker"].get(n) != again["alone"][n])
    again["alone"] = _edition_files(projects["alone"], "en")
    assert again["alone"] == again["in_turn"], sorted(n for n in again["alone"] if again["in_turn"].get(n) != again["alone"][n])


def test_an_svg_is_converted_again_only_when_it_or_rsvg_convert_changed(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """scripts/sphinxext/images.py keeps a figure's conversion between LaTeX builds."""
    import shutil  # noqa: PLC0415

    from scripts.sphinxext.images import RsvgConverter  # noqa: PLC0415

    real = shutil.which("rsvg-convert")
    assert real, "make test installs librsvg2-bin"
    tools, log = tmp_path / "bin", tmp_path / "runs.txt"
    tools.mkdir()
    wrapper = tools / "rsvg-convert"

    def install_wrapper(version: str) -> None:
        wrapper.write_text(f'#!/bin/sh\n# {version}\necho run >> {log}\nexec {real} "$@"\n', encoding="utf-8")
        wrapper.chmod(0o755)

    install_wrapper("2.54")
    monkeypatch.setenv("PATH", f"{tools}{os.pathsep}{os.environ['PATH']}")
    svg = tmp_path / "figura.svg"
    svg.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10"><rect width="20" height="10"/></svg>',
                   encoding="utf-8")
    output = tmp_path / "images" / "figura.pdf"
    output.parent.mkdir()
    converter = object.__new__(RsvgConverter)  # convert() uses nothing of Sphinx's application

    def runs() -> int:
        return len(log.read_text(encoding="utf-8").splitlines()) if log.exists() else 0

    assert converter.convert(svg, output) and runs() == 1 and output.read_bytes().startswith(b"%PDF")
    assert converter.convert(svg, output) and runs() == 1  # kept
    svg.write_text(svg.read_text(encoding="utf-8").replace('width="20" height="10"/>', 'width="10" height="10"/>'),
                   encoding="utf-8")
    assert converter.convert(svg, output) and runs() == 2  # the figure changed
    install_wrapper("2.58, a longer script")  # rsvg-convert upgraded
    assert converter.convert(svg, output) and runs() == 3
    output.unlink()
    assert converter.convert(svg, output) and runs() == 4 and output.is_file()  # the output went missing
    svg.write_text("<svg", encoding="utf-8")
    with pytest.raises(Exception, match="rsvg-convert could not convert"):
        converter.convert(svg, output)
    assert not output.with_name("figura.pdf.source").exists()


def test_a_command_imports_its_own_module_and_help_lists_every_verb(capsys: pytest.CaptureFixture[str]) -> None:
    """scripts/__main__.py: the table of verbs is each module's COMMANDS; a command line imports
    only the module of its verb; --help and an unknown verb still see every verb."""
    import importlib  # noqa: PLC0415

    from scripts.__main__ import COMMAND_MODULES, main, requested_verb  # noqa: PLC0415

    for name, verbs in COMMAND_MODULES.items():
        assert set(importlib.import_module(name).COMMANDS) == set(verbs), name
    assert requested_verb(["--root", "x", "status", "--json"]) == "status"
    assert requested_verb(["--root=x", "build", "--lang", "en"]) == "build"
    assert requested_verb(["--help"]) is None and requested_verb([]) is None
    probe = ("import sys; from scripts.__main__ import COMMAND_MODULES, make_parser; make_parser('status'); "
             "print(' '.join(sorted(m for m in COMMAND_MODULES if m in sys.modules)))")
    loaded = subprocess.run([sys.executable, "-c", probe], cwd=Path(__file__).resolve().parent.parent,
                            capture_output=True, text=True, check=True).stdout.split()
    assert "scripts.status" in loaded and "scripts.release" not in loaded and "scripts.worksheet" not in loaded
    with pytest.raises(SystemExit) as stop:
        main(["no-such-verb"])
    assert stop.value.code == 2
    error = capsys.readouterr().err
    assert all(verb in error for verbs in COMMAND_MODULES.values() for verb in verbs), error
