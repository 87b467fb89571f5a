"""An adoption built for real: the example municipality in Spanish, English and Nahuatl, in every
format (site, PDF, EPUB, DOCX), and a hostile parameter file in Spanish.

One build of each is shared by the session (a copy of the repository's sources, catalogs and
adoptions in tmp_path). The checks read every output as a reader gets it: the HTML pages'
text, pdftotext of the PDF, the EPUB's XHTML, and the DOCX converted by LibreOffice.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from scripts import adoption as adoption_mod
from scripts.project import Project, dist_filename
from tests.conftest import REPO, run_cli

SLUG = "ejemplo-municipio"
LANGS = ("es", "en", "nhe")
NAME = "San Ejemplo de las Flores"
TITLES = {"es": f"Política de datos abiertos del Municipio de {NAME}",
          "en": f"Open Data Policy of the Municipality of {NAME}",
          "nhe": f"Política de datos abiertos del Municipio de {NAME}"}  # no Nahuatl translation yet: Spanish
VERSION = "1.2.3"  # run_cli's POLICY_VERSION
# The chosen licence (cc-by-4.0) and the sentences only the other two choices have.
CHOSEN_LICENCE = "con la única condición de citar la fuente"
OTHER_LICENCES = ("sin condición alguna", "homologarse con los datos del gobierno federal",
                  "Dedicación al dominio público Creative Commons CC0 1.0 Universal")
HOSTILE = '<script>alert(1)</script> *énfasis* $\\input{/etc/passwd}$ {param}`portal-url` ]]>'


def _copy_repository(dest: Path) -> Project:
    dest.mkdir(parents=True)
    shutil.copy2(REPO / "conf.py", dest / "conf.py")
    for part in ("source", "locale", "adopciones"):
        shutil.copytree(REPO / part, dest / part, ignore=shutil.ignore_patterns("*.mo"))
    return Project(dest)


def _build(project: Project, adoption: str, *extra: str) -> subprocess.CompletedProcess[str]:
    return run_cli("build", "--adoption", adoption, *extra, root=project.root, timeout=1800)


@pytest.fixture(scope="session")
def example(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The example adoption built in its three languages and every format. Read only."""
    project = _copy_repository(tmp_path_factory.mktemp("adoption") / "repo")
    done = _build(project, f"adopciones/{SLUG}")
    assert done.returncode == 0, f"adoption build failed:\n{done.stdout}\n{done.stderr}"
    return project


@pytest.fixture(scope="session")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """An adoption whose government name is script, MyST and LaTeX, built in Spanish."""
    project = _copy_repository(tmp_path_factory.mktemp("hostile") / "repo")
    folder = project.root / "adopciones" / "hostil"
    shutil.copytree(project.root / "adopciones" / SLUG, folder)
    path = folder / adoption_mod.ADOPTION_FILE
    text = path.read_text(encoding="utf-8")
    value = HOSTILE.replace("\\", "\\\\").replace('"', '\\"')
    text = re.sub(r"^gobierno-nombre = .*$", lambda _: f'gobierno-nombre = "{value}"', text, flags=re.MULTILINE)
    path.write_text(re.sub(r"^idiomas = .*$", 'idiomas = ["es"]', text, flags=re.MULTILINE), encoding="utf-8")
    done = _build(project, "adopciones/hostil")
    assert done.returncode == 0, f"hostile build failed:\n{done.stdout}\n{done.stderr}"
    return project


# ---------------------------------------------------------------- reading outputs as text


def site_dir(project: Project, slug: str) -> Path:
    return project.root / "build" / "adopciones" / slug / "site"


def dist_file(project: Project, slug: str, tag: str, suffix: str) -> Path:
    return project.root / "dist" / slug / dist_filename(VERSION, tag, suffix)


def page_text(raw: str) -> str:
    """What a reader sees of an HTML page: no scripts, styles or tags, entities decoded."""
    raw = re.sub(r"<(script|style)\b.*?</\1>", " ", raw, flags=re.DOTALL)
    return html.unescape(re.sub(r"<[^>]+>", " ", raw))


def pdf_text(path: Path, last_page: int | None = None) -> str:
    pages = ["-l", str(last_page)] if last_page else []
    return subprocess.run(["pdftotext", *pages, "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def epub_text(path: Path) -> str:
    with zipfile.ZipFile(path) as epub:
        return "\n".join(page_text(epub.read(name).decode("utf-8")) for name in epub.namelist()
                         if name.endswith((".xhtml", ".html")))


def docx_text(path: Path, tmp: Path) -> str:
    """The DOCX as LibreOffice opens it: converted to PDF by soffice, read by pdftotext."""
    profile = tmp / f"lo-{os.getpid()}-{path.stem}"
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{profile}", "--convert-to", "pdf",
                    "--outdir", str(tmp), str(path)], capture_output=True, text=True, check=True, timeout=300)
    return pdf_text(tmp / f"{path.stem}.pdf")


def leftovers(text: str, schema: adoption_mod.Schema) -> list[str]:
    """Placeholders, labelled blanks and parameter names left in a text."""
    found = [m for m in ("{param}", "{blank}", "{variante}") if m in text]
    for name, parameter in schema.parameters.items():
        labels = {parameter.meaning["es"], parameter.meaning["en"]}
        found += [f"[{label}]" for label in labels if f"[{label}]" in text]
        if "-" in name and re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text):
            found.append(name)
    return found


@pytest.fixture(scope="session")
def schema() -> adoption_mod.Schema:
    return adoption_mod.load_schema(REPO / "source" / adoption_mod.SCHEMA_NAME)


# ---------------------------------------------------------------- the example


@pytest.mark.parametrize("tag", LANGS)
def test_every_format_of_every_language_is_built(example: Project, tag: str) -> None:
    assert (site_dir(example, SLUG) / tag / "index.html").is_file()
    for suffix in ("pdf", "epub", "docx"):
        assert dist_file(example, SLUG, tag, suffix).is_file(), suffix
    assert dist_file(example, SLUG, f"{tag}-instrumento", "docx").is_file()
    assert not (site_dir(example, SLUG) / "yua").exists()  # not one of the adoption's languages


@pytest.mark.parametrize("tag", LANGS)
def test_no_placeholder_left_in_any_html_page(example: Project, schema: adoption_mod.Schema, tag: str) -> None:
    pages = sorted((site_dir(example, SLUG) / tag).glob("*.html"))
    assert len(pages) > 10
    found = {page.name: left for page in pages
             if (left := leftovers(page_text(page.read_text(encoding="utf-8")), schema))}
    assert not found
    assert not any("policy-param" in page.read_text(encoding="utf-8") for page in pages)


@pytest.mark.parametrize("tag", LANGS)
def test_title_is_the_adopted_one_on_every_page(example: Project, tag: str) -> None:
    for page in sorted((site_dir(example, SLUG) / tag).glob("*.html")):
        title = re.search(r"<title>(.*?)</title>", page.read_text(encoding="utf-8"), re.DOTALL)
        assert title and TITLES[tag] in html.unescape(title.group(1)), page.name


@pytest.mark.parametrize("tag", LANGS)
def test_pdf_cover_has_the_government_and_no_placeholder(example: Project, schema: adoption_mod.Schema,
                                                          tag: str) -> None:
    pdf = dist_file(example, SLUG, tag, "pdf")
    cover = " ".join(pdf_text(pdf, last_page=1).split())
    assert NAME in cover and TITLES[tag].split(NAME)[0].strip() in cover
    assert not leftovers(pdf_text(pdf), schema)


def test_pdf_cover_carries_the_logo(example: Project) -> None:
    pdf = dist_file(example, SLUG, "es", "pdf")
    listed = subprocess.run(["pdfimages", "-list", "-l", "1", str(pdf)], capture_output=True, text=True, check=False)
    tex = (example.root / "build" / "adopciones" / SLUG / "work" / "es" / "latex")
    assert "sphinxlogo" in next(tex.glob("*.tex")).read_text(encoding="utf-8") or listed.stdout.count("\n") > 2
    assert (tex / "adoption-logo.pdf").is_file() or any(tex.glob("*logo*"))


@pytest.mark.parametrize("tag", LANGS)
def test_epub_has_no_placeholder(example: Project, schema: adoption_mod.Schema, tag: str) -> None:
    text = epub_text(dist_file(example, SLUG, tag, "epub"))
    assert NAME in text
    assert not leftovers(text, schema)


def test_instrument_is_filled_in_everywhere(example: Project, tmp_path: Path) -> None:
    heading = f"Acuerdo SEF-DA-001/2027 POR EL QUE SE ADOPTA LA POLÍTICA DE DATOS ABIERTOS DE {NAME}"
    session = "en sesión ordinaria de cabildo celebrada el 12 de febrero de 2027"
    anexos = page_text((site_dir(example, SLUG) / "es" / "anexos.html").read_text(encoding="utf-8"))
    assert heading in " ".join(anexos.split()) and session in " ".join(anexos.split())
    assert heading in " ".join(pdf_text(dist_file(example, SLUG, "es", "pdf")).split())
    instrument = " ".join(docx_text(dist_file(example, SLUG, "es-instrumento", "docx"), tmp_path).split())
    assert heading in instrument and session in instrument
    assert "Dirección de Datos Abiertos y Gobierno Digital" in instrument


@pytest.mark.parametrize("tag", ["es", "en"])
def test_docx_opens_in_libreoffice_filled_in(example: Project, schema: adoption_mod.Schema, tag: str,
                                             tmp_path: Path) -> None:
    text = docx_text(dist_file(example, SLUG, tag, "docx"), tmp_path)
    flat = " ".join(text.split())
    assert TITLES[tag] in flat
    assert ("Open Data and Digital Government Office" if tag == "en" else "Dirección de Datos Abiertos") in flat
    assert not leftovers(text, schema)


def test_chosen_licence_and_no_other(example: Project, tmp_path: Path) -> None:
    texts = {
        "html": " ".join(page_text((site_dir(example, SLUG) / "es" / name).read_text(encoding="utf-8"))
                         for name in ("anexos.html", "requisitos-tecnicos-y-legales.html")),
        "pdf": pdf_text(dist_file(example, SLUG, "es", "pdf")),
        "epub": epub_text(dist_file(example, SLUG, "es", "epub")),
    }
    for fmt, text in texts.items():
        flat = " ".join(text.split())
        assert CHOSEN_LICENCE in flat, fmt
        assert "Creative Commons Atribución 4.0 Internacional" in flat, fmt
        assert not [other for other in OTHER_LICENCES if other in flat], fmt


def test_the_guide_gives_way_to_the_front_matter(example: Project) -> None:
    site = site_dir(example, SLUG) / "es"
    assert not (site / "adoptar.html").exists()
    front = " ".join(page_text((site / "adopcion.html").read_text(encoding="utf-8")).split())
    assert "adoptó esta política mediante el Acuerdo SEF-DA-001/2027" in front
    english = " ".join(page_text((site_dir(example, SLUG) / "en" / "adopcion.html").read_text(encoding="utf-8")).split())
    assert "adopted this policy by Agreement SEF-DA-001/2027" in english
    assert "published in the Municipal Gazette of San Ejemplo de las Flores" in english


def test_how_to_adopt_the_model_is_left_out_of_an_adopted_policy(example: Project) -> None:
    """presentacion.md's section on adopting the model: gone from the adoption (body, table of
    contents and section numbers, in every language), kept in the model."""
    for tag, title in (("es", "Cómo adoptar y adaptar esta política"), ("en", "How to adopt and adapt this policy")):
        page = (site_dir(example, SLUG) / tag / "presentacion.html").read_text(encoding="utf-8")
        assert title not in page and "pres-adopcion" not in page, tag
        numbers = re.findall(r'<h2><span class="section-number">([\d.]+) </span>', page)
        assert numbers == [f"1.{n}." for n in range(1, len(numbers) + 1)], numbers
    model = (REPO / "source" / "presentacion.md").read_text(encoding="utf-8")
    assert "(pres-adopcion)=\n## Cómo adoptar y adaptar esta política" in model


def test_second_build_skips_every_edition(example: Project) -> None:
    done = _build(example, f"adopciones/{SLUG}")
    assert done.returncode == 0
    assert not re.search(r"\w+ built", done.stdout.replace("all editions built", "")), done.stdout
    assert "skipped" in done.stdout


@pytest.mark.slow
def test_a_corrected_value_reaches_every_page_of_the_next_build(tmp_path: Path) -> None:
    """An official corrects the gazette's name and builds again: Sphinx tracks the sources and the
    catalogs, not the parameter file, and used to rewrite no page (the old name stayed in the site
    and the EPUB). scripts/matrix/fingerprint.pipeline_digest makes the change one Sphinx sees."""
    project = _copy_repository(tmp_path / "repo")
    adoption = f"adopciones/{SLUG}"
    old, new = "la Gaceta Municipal de San Ejemplo de las Flores", "el Boletín Oficial Corregido"
    assert _build(project, adoption, "--lang", "es", "--formats", "html,epub").returncode == 0
    pages = sorted(site_dir(project, SLUG).joinpath("es").glob("*.html"))
    assert [p.name for p in pages if old in p.read_text(encoding="utf-8")]

    toml = project.root / adoption / adoption_mod.ADOPTION_FILE
    text = toml.read_text(encoding="utf-8")
    assert f'publicacion-oficial.es = "{old}"' in text
    toml.write_text(text.replace(f'publicacion-oficial.es = "{old}"', f'publicacion-oficial.es = "{new}"'),
                    encoding="utf-8")
    done = _build(project, adoption, "--lang", "es", "--formats", "html,epub")
    assert done.returncode == 0, done.stdout + done.stderr
    stale = [p.name for p in pages if old in p.read_text(encoding="utf-8")]
    assert not stale, f"the old value is still in {stale}"
    assert any(new in p.read_text(encoding="utf-8") for p in pages)
    epub = epub_text(dist_file(project, SLUG, "es", "epub"))
    assert new in epub
    assert old not in epub


def test_the_model_site_links_the_example(example: Project) -> None:
    from scripts.site import assemble_site

    site = example.root / "build" / "site"
    site.mkdir(parents=True, exist_ok=True)
    assemble_site(Project(example.root))
    chooser = (site / "index.html").read_text(encoding="utf-8")
    assert f'href="adopciones/{SLUG}/index.html">Ejemplo de adopción</a>' in chooser
    assert (site / "adopciones" / SLUG / "es" / "index.html").is_file()


# ---------------------------------------------------------------- hostile values


def test_hostile_value_is_text_in_html(hostile: Project) -> None:
    pages = sorted((site_dir(hostile, "hostil") / "es").glob("*.html"))
    raw = "\n".join(page.read_text(encoding="utf-8") for page in pages)
    assert "<script>alert(1)</script>" not in raw
    assert "<em>énfasis</em>" not in raw
    assert HOSTILE in page_text((site_dir(hostile, "hostil") / "es" / "adopcion.html").read_text(encoding="utf-8"))


def test_hostile_value_is_text_in_pdf_epub_and_docx(hostile: Project, tmp_path: Path) -> None:
    shown = " ".join(HOSTILE.split())
    assert shown in " ".join(pdf_text(dist_file(hostile, "hostil", "es", "pdf")).split())
    assert shown in " ".join(epub_text(dist_file(hostile, "hostil", "es", "epub")).split())
    assert shown in " ".join(docx_text(dist_file(hostile, "hostil", "es", "docx"), tmp_path).split())


def test_hostile_value_is_text_on_the_pdf_cover_and_in_its_metadata(hostile: Project) -> None:
    """The title page and the document information: LaTeX escaped, so TeX typesets the value and
    runs none of it (before, \\title{} got the raw value and the cover printed /etc/passwd)."""
    pdf = dist_file(hostile, "hostil", "es", "pdf")
    cover = subprocess.run(["pdftotext", "-l", "1", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "$\\input{/etc/passwd}$" in " ".join(cover.split())
    title = next(line for line in info.splitlines() if line.startswith("Title:"))
    assert "$\\input{/etc/passwd}$" in title
    assert not re.search(r"root\s*:\s*x\s*:", cover + info)  # pdftotext spaces out the colons


# ---------------------------------------------------------------- release fan-out


def test_adoption_matrix_comes_from_adopciones_and_each_file(tmp_path: Path) -> None:
    from scripts.adoption_build import adoption_matrix

    project = _copy_repository(tmp_path / "repo")
    assert adoption_matrix(project) == [{"adoption": SLUG, "lang": tag} for tag in LANGS]
    second = project.root / "adopciones" / "otro"
    shutil.copytree(project.root / "adopciones" / SLUG, second)
    path = second / adoption_mod.ADOPTION_FILE
    path.write_text(re.sub(r"^idiomas = .*$", 'idiomas = ["en", "es"]', path.read_text(encoding="utf-8"),
                           flags=re.MULTILINE), encoding="utf-8")
    assert [e for e in adoption_matrix(project) if e["adoption"] == "otro"] == [
        {"adoption": "otro", "lang": "es"}, {"adoption": "otro", "lang": "en"}]
    done = run_cli("adoption-matrix", root=project.root, check=True)
    assert len(json.loads(done.stdout)) == 5


def test_release_workflow_fans_out_over_adoptions() -> None:
    import yaml

    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "release.yml").read_text(encoding="utf-8"))
    jobs = workflow["jobs"]
    plan = " ".join(step.get("run", "") for step in jobs["plan"]["steps"])
    assert "-m scripts adoption-matrix" in plan
    assert jobs["adoption"]["strategy"]["matrix"]["edition"] == "${{ fromJSON(needs.plan.outputs.adoptions) }}"
    assert "adoption" in jobs["gather"]["needs"]


def test_gather_archives_each_adoption_with_its_checksums(tmp_path: Path) -> None:
    from scripts.adoption_build import publish_adoptions

    project = _copy_repository(tmp_path / "repo")
    dist = project.root / "dist" / SLUG
    dist.mkdir(parents=True)
    for name in ("a-es.pdf", "a-es.docx", "a-es-instrumento.docx"):
        (dist / name).write_bytes(name.encode())
    site = project.root / "build" / "adopciones" / SLUG / "site" / "es"
    site.mkdir(parents=True)
    (site / "index.html").write_text("<html></html>", encoding="utf-8")
    (archive,) = publish_adoptions(project, VERSION, 1767225600)
    assert archive.name == f"politica-datos-abiertos-{VERSION}-adopcion-{SLUG}.zip"
    sums = (dist / "SHA256SUMS").read_text(encoding="ascii")
    assert sums.count("\n") == 3 and "a-es-instrumento.docx" in sums
    with zipfile.ZipFile(archive) as zipped:
        names = zipped.namelist()
    folder = archive.name.removesuffix(".zip")
    assert f"{folder}/SHA256SUMS" in names and f"{folder}/sitio/es/index.html" in names
    again = archive.read_bytes()
    publish_adoptions(project, VERSION, 1767225600)
    assert archive.read_bytes() == again  # reproducible
