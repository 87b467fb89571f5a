"""Releases: tagged, reproducible, verifiable.

Each test makes a git repository of tests/roots/basic in tmp_path and releases it as a maintainer
would (`python -m scripts release`). The expensive part, building every edition, happens once per
module in `released`: a full release in one clone, and the same tag released the way the hosted
workflow does it (one clone per group of languages with `--lang`, a third clone gathering their
outputs with `--gather`), both at once. Every file of the two dist/ folders must be identical.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import zipfile
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from scripts.languages import Language
from scripts.project import Project
from scripts.release import sha256sums, site_files
from scripts.release_notes import Progress, changelog_section, release_notes, translation_progress
from scripts.release_tag import Tagged, semver_key, tagged_head
from scripts.status import Counts
from tests.conftest import copy_root, run_cli

VERSION = "1.0.0"
COMMIT_DATE = "2026-03-14T15:09:26Z"
COMMIT_EPOCH = 1773500966
STEM = f"politica-datos-abiertos-{VERSION}"
TAGS = ("es", "en", "yua")
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Equipo de pruebas", "GIT_AUTHOR_EMAIL": "pruebas@example.org",
    "GIT_COMMITTER_NAME": "Equipo de pruebas", "GIT_COMMITTER_EMAIL": "pruebas@example.org",
    "GIT_AUTHOR_DATE": COMMIT_DATE, "GIT_COMMITTER_DATE": COMMIT_DATE,
    "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
}
CHANGELOG = f"""# Registro de cambios

Formato: [Keep a Changelog](https://keepachangelog.com/es-ES/1.1.0/).

## [Sin publicar]

## [{VERSION}] - 2026-03-14

### Añadido

- Primera versión del proyecto de prueba, en tres lenguas.

[Sin publicar]: https://example.org/compare/v{VERSION}...HEAD
[{VERSION}]: https://example.org/releases/v{VERSION}
"""


def git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=root, env={**os.environ, **GIT_ENV}, capture_output=True,
                          text=True, check=True)
    return done.stdout.strip()


def make_repo(dest: Path, tag: str | None = f"v{VERSION}") -> Path:
    """The fixture project as a git repository whose HEAD is tagged `tag`.

    The fixture's yua catalogs mix glottal marks on purpose (they test the PDF fonts), which
    `check` rightly refuses for a language whose registry entry names one; a release needs
    catalogs that pass, so this copy registers no particular mark for yua.
    """
    root = copy_root("basic", dest).root
    registry = root / "locale" / "languages.toml"
    text = registry.read_text(encoding="utf-8")
    registry.write_text(re.sub(r'(tag = "yua"(?:\n[^\[]*?)apostrophe = )"[^"]*"', r'\1"none"', text),
                        encoding="utf-8")
    (root / ".gitignore").write_text("/build/\n/dist/\n*.mo\n", encoding="utf-8")
    (root / "CHANGELOG.md").write_text(CHANGELOG, encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Proyecto de prueba")
    if tag:
        git(root, "tag", "-a", tag, "-m", f"Versión {tag}")
    return root


def clone(source: Path, dest: Path) -> Path:
    subprocess.run(["git", "clone", "-q", str(source), str(dest)], check=True, env={**os.environ, **GIT_ENV})
    return dest


def release(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # run_cli sets POLICY_VERSION=1.2.3 and another SOURCE_DATE_EPOCH: the tag must win over both.
    return run_cli("release", *args, root=root)


@dataclass
class Released:
    full: Path  # `release` in one clone
    gathered: Path  # `release --lang ...` in two clones, `release --gather` in a third
    log: str


def _copy_outputs(source: Path, dest: Path, tags: tuple[str, ...]) -> None:
    """What one job of the release workflow uploads: its editions and its part of the site,
    without hidden files (upload-artifact leaves them out)."""
    for tag in tags:
        for suffix in ("pdf", "epub", "bilingue.pdf"):  # as .github/workflows/release.yml uploads them
            name = f"{STEM}-{tag}.{suffix}"
            (dest / "dist").mkdir(exist_ok=True)
            if suffix != "bilingue.pdf" or (source / "dist" / name).is_file():
                shutil.copy2(source / "dist" / name, dest / "dist" / name)
        for part in (tag, f"bilingue/{tag}"):
            if (source / "build" / "site" / part).is_dir():
                shutil.copytree(source / "build" / "site" / part, dest / "build" / "site" / part,
                                ignore=lambda _dir, names: [n for n in names if n.startswith(".")])


@pytest.fixture(scope="module")
def released(tmp_path_factory: pytest.TempPathFactory) -> Released:
    base = tmp_path_factory.mktemp("release")
    origin = make_repo(base / "origin")
    full = clone(origin, base / "full")
    jobs = {("es", "en"): clone(origin, base / "job-es-en"), ("yua",): clone(origin, base / "job-yua")}
    gathered = clone(origin, base / "gather")

    runs: list[Callable[[], subprocess.CompletedProcess[str]]] = [lambda: release(full)]
    for tags, root in jobs.items():
        runs.append(lambda tags=tags, root=root: release(root, *[a for t in tags for a in ("--lang", t)]))
    with ThreadPoolExecutor(max_workers=len(runs)) as pool:
        done = list(pool.map(lambda run: run(), runs))
    log = "\n".join(f"$ {' '.join(map(str, d.args[3:]))}\n{d.stdout}\n{d.stderr}" for d in done)
    assert all(d.returncode == 0 for d in done), log

    for tags, root in jobs.items():
        _copy_outputs(root, gathered, tags)
    gather = release(gathered, "--gather")
    assert gather.returncode == 0, f"{gather.stdout}\n{gather.stderr}"
    return Released(full, gathered, log + gather.stdout)


# ---------------------------------------------------------------- a tagged release


def expected_files() -> set[str]:
    editions = {f"{STEM}-{tag}.{suffix}" for tag in TAGS for suffix in ("pdf", "epub")}
    editions.add(f"{STEM}-yua.bilingue.pdf")  # the fixture's Indigenous language has a bilingual edition
    return editions | {f"{STEM}-html.zip", f"{STEM}-notas.md", "SHA256SUMS", "manifest.json"}


@pytest.mark.slow
def test_release_writes_every_file(released: Released) -> None:
    dist = released.full / "dist"
    assert {p.name for p in dist.iterdir()} == expected_files()


@pytest.mark.slow
def test_second_release_is_byte_identical(released: Released) -> None:
    """Another clone, another directory, the work split as CI splits it: the same bytes."""
    first, second = released.full / "dist", released.gathered / "dist"
    assert sorted(p.name for p in first.iterdir()) == sorted(p.name for p in second.iterdir())
    different = [p.name for p in sorted(first.iterdir()) if p.read_bytes() != (second / p.name).read_bytes()]
    assert different == []


@pytest.mark.slow
def test_sha256sums_verifies_with_sha256sum(released: Released) -> None:
    dist = released.full / "dist"
    done = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=dist, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    listed = {line.split("  ", 1)[1] for line in (dist / "SHA256SUMS").read_text().splitlines()}
    assert listed == expected_files() - {"SHA256SUMS"}


@pytest.mark.slow
def test_manifest_describes_every_edition(released: Released) -> None:
    dist = released.full / "dist"
    data = json.loads((dist / "manifest.json").read_text(encoding="utf-8"))
    assert data["version"] == VERSION
    assert data["tag"] == f"v{VERSION}"
    assert data["commit"] == git(released.full, "rev-parse", "HEAD")
    assert data["date"] == COMMIT_DATE
    assert data["source_date_epoch"] == COMMIT_EPOCH
    assert [e["language"] for e in data["editions"]] == list(TAGS)
    coverage = {e["language"]: e["coverage"] for e in data["editions"]}
    assert coverage["es"]["source"] is True
    assert coverage["en"]["percent"] == 100.0
    assert 0 < coverage["yua"]["percent"] < 100
    assert coverage["yua"]["entries"]["translated"] < coverage["yua"]["entries"]["total"]
    listed = [*(f for e in data["editions"] for f in e["files"]), data["site"], data["notes"]]
    for entry in listed:
        path = dist / entry["name"]
        assert entry["size"] == path.stat().st_size
        assert entry["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.slow
def test_release_notes_hold_changelog_and_progress(released: Released) -> None:
    notes = (released.full / "dist" / f"{STEM}-notas.md").read_text(encoding="utf-8")
    assert "Primera versión del proyecto de prueba, en tres lenguas." in notes
    assert "[Sin publicar]" not in notes and "https://example.org/releases" not in notes
    for autonym in ("English (`en`)", "Maaya t'aan (`yua`)", "Español (`es`)"):
        assert autonym in notes
    assert "| English (`en`) | 100.0 %" in notes


@pytest.mark.slow
def test_site_archive_is_the_whole_site(released: Released) -> None:
    with zipfile.ZipFile(released.full / "dist" / f"{STEM}-html.zip") as archive:
        names = archive.namelist()
        assert all(n.startswith(f"{STEM}-html/") for n in names)
        assert not [n for n in names if "/." in n], "hidden build files in the archive"
        for tag in TAGS:
            page = archive.read(f"{STEM}-html/{tag}/index.html").decode()
            assert f'lang="{tag}"' in page
            # the version in the footer of every edition
            assert re.search(rf'class="policy-version">[^<]*\b{re.escape(VERSION)}\b', page), tag
            for suffix in ("pdf", "epub"):
                assert f"{STEM}-html/descargas/{STEM}-{tag}.{suffix}" in names
        assert archive.read(f"{STEM}-html/index.html")
        dates = {info.date_time for info in archive.infolist()}
        assert len(dates) == 1


# ---------------------------------------------------------------- the version everywhere


def pdf_objects(path: Path) -> bytes:
    """The PDF with its compressed streams inflated, to find catalog entries such as /Lang."""
    data = path.read_bytes()
    parts = [data]
    for match in re.finditer(rb"stream\r?\n", data):
        try:
            parts.append(zlib.decompressobj().decompress(data[match.end():]))
        except zlib.error:
            continue
    return b"\n".join(parts)


@pytest.mark.slow
@pytest.mark.parametrize(("tag", "title", "cover_word"), [
    ("es", "Proyecto de prueba", "Versión"),
    ("en", "Test project", "Version"),
    ("yua", None, "Versión"),  # no interface catalog of its own: Spanish, never English
])
def test_pdf_states_its_version_and_metadata(released: Released, tag: str, title: str | None,
                                              cover_word: str) -> None:
    pdf = released.full / "dist" / f"{STEM}-{tag}.pdf"
    info = dict(re.findall(r"^([A-Za-z ]+):\s+(.*)$",
                           subprocess.run(["pdfinfo", "-isodates", str(pdf)], capture_output=True, text=True,
                                          check=True).stdout, re.MULTILINE))
    if title:
        assert info["Title"] == title
    assert info["Author"] == "Equipo de pruebas"
    assert info["Subject"]
    assert "datos abiertos" in info["Keywords"]
    assert info["CreationDate"] == COMMIT_DATE
    cover = subprocess.run(["pdftotext", "-l", "1", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout
    assert f"{cover_word} {VERSION}" in cover
    objects = pdf_objects(pdf)
    assert f"/Lang({tag})".encode() in objects
    assert b"/Outlines" in objects  # bookmarks


@pytest.mark.slow
@pytest.mark.parametrize("tag", TAGS)
def test_epub_metadata_has_version_and_date(released: Released, tag: str) -> None:
    with zipfile.ZipFile(released.full / "dist" / f"{STEM}-{tag}.epub") as epub:
        opf = epub.read("content.opf").decode()
    assert f'<meta property="ibooks:version">{VERSION}</meta>' in opf
    assert f"<dc:language>{tag}</dc:language>" in opf
    assert f"<dc:date>{COMMIT_DATE}</dc:date>" in opf


# ---------------------------------------------------------------- refusals (nothing is built)


def assert_refused(done: subprocess.CompletedProcess[str], code: str, *fragments: str) -> None:
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"[{code}]" in done.stderr, done.stderr
    for fragment in fragments:
        assert fragment in done.stderr, done.stderr


def test_refuses_a_dirty_tree(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo")
    with (root / "source" / "index.md").open("a", encoding="utf-8") as handle:
        handle.write("\nUn cambio sin commit.\n")
    (root / "notas-sueltas.txt").write_text("sin seguimiento\n", encoding="utf-8")
    done = release(root)
    assert_refused(done, "release-dirty", "source/index.md", "notas-sueltas.txt", "commit or stash")
    assert not (root / "dist").exists()


def test_refuses_an_untagged_head(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo", tag=None)
    assert_refused(release(root), "release-untagged", "HEAD is not at a tag", "git tag -a")


def test_refuses_a_tag_that_is_not_a_version(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo", tag="primera-edicion")
    assert_refused(release(root), "release-not-semver", "primera-edicion")


def test_refuses_a_failing_catalog(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo", tag=None)
    catalog = root / "locale" / "en" / "LC_MESSAGES" / "capitulo.po"
    with catalog.open("a", encoding="utf-8") as handle:
        handle.write('\nmsgid "Una entrada rota\nmsgstr ""\n')
    git(root, "commit", "-q", "-am", "Un catálogo roto")
    git(root, "tag", f"v{VERSION}")
    done = release(root)
    assert_refused(done, "release-checks", "locale/en/LC_MESSAGES/capitulo.po:", "[po-syntax]")
    assert not (root / "dist").exists()


def test_refuses_a_version_the_changelog_does_not_describe(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo", tag="v1.1.0")
    assert_refused(release(root), "release-changelog", "1.1.0", "CHANGELOG.md")


@pytest.mark.slow
def test_refuses_when_an_edition_fails(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo", tag=None)
    # A reference to a label that does not exist: the catalogs and their checks accept it (the
    # new message is in every catalog, untranslated), the build (-W) does not.
    paragraph = "Véase {ref}`una-etiqueta-que-no-existe`."
    with (root / "source" / "capitulo.md").open("a", encoding="utf-8") as handle:
        handle.write(f"\n{paragraph}\n")
    for tag in ("en", "yua"):
        with (root / "locale" / tag / "LC_MESSAGES" / "capitulo.po").open("a", encoding="utf-8") as handle:
            handle.write(f'\nmsgid "{paragraph}"\nmsgstr ""\n')
    git(root, "commit", "-q", "-am", "Una referencia rota")
    git(root, "tag", f"v{VERSION}")
    done = release(root, "--lang", "es")
    assert_refused(done, "release-edition-failed", "es html FAILED", "nothing was published")
    assert not (root / "dist" / "SHA256SUMS").exists()


def test_gather_refuses_missing_editions(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo")
    assert_refused(release(root, "--gather"), "release-missing-edition", f"{STEM}-yua.pdf", "--lang yua")


# ---------------------------------------------------------------- the parts


def test_release_matrix_lists_the_registry(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo")
    done = run_cli("release-matrix", root=root, check=True)
    assert json.loads(done.stdout) == list(TAGS)


def test_semver_precedence() -> None:
    tags = ["v1.0.0", "v0.9.12", "v1.0.0-rc.1", "v1.0.0-alpha", "v1.0.0-rc.10", "v1.0.0-rc.2", "v0.10.0"]
    assert sorted(tags, key=semver_key) == [
        "v0.9.12", "v0.10.0", "v1.0.0-alpha", "v1.0.0-rc.1", "v1.0.0-rc.2", "v1.0.0-rc.10", "v1.0.0"]


def test_changelog_section() -> None:
    assert changelog_section(CHANGELOG, VERSION) == (
        "### Añadido\n\n- Primera versión del proyecto de prueba, en tres lenguas.")
    assert changelog_section(CHANGELOG, "Sin publicar") == ""
    assert changelog_section(CHANGELOG, "2.0.0") is None


def test_sha256sums_is_read_by_sha256sum(tmp_path: Path) -> None:
    files = []
    for name, data in (("b.pdf", b"%PDF"), ("a b.epub", b"PK"), ("c.zip", b"")):
        (tmp_path / name).write_bytes(data)
        files.append(tmp_path / name)
    (tmp_path / "SHA256SUMS").write_text(sha256sums(files), encoding="ascii")
    done = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=tmp_path, capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert [line.split(": ")[0] for line in done.stdout.splitlines()] == ["a b.epub", "b.pdf", "c.zip"]


def test_site_files_leave_out_build_bookkeeping(tmp_path: Path) -> None:
    for rel in ("index.html", "es/index.html", "es/.buildinfo", "es/.buildinfo.bak", ".hidden/x.html"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(rel, encoding="utf-8")
    assert sorted(site_files(tmp_path)) == ["es/index.html", "index.html"]


def test_progress_since_the_previous_tag(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo")
    catalog = root / "locale" / "yua" / "LC_MESSAGES" / "capitulo.po"
    text = catalog.read_text(encoding="utf-8")
    catalog.write_text(text.replace('msgid "Sección con referencias"\nmsgstr ""',
                                    'msgid "Sección con referencias"\nmsgstr "FIXTURE-YUA sección"'),
                       encoding="utf-8")
    git(root, "commit", "-q", "-am", "yua: una sección más")
    git(root, "tag", "v1.1.0")
    tagged = tagged_head(root)
    assert (tagged.tag, tagged.previous, tagged.version) == ("v1.1.0", f"v{VERSION}", "1.1.0")
    progress = {p.language.tag: p for p in translation_progress(Project(root), tagged)}
    assert progress["es"].now is None
    assert progress["en"].before is not None and progress["en"].now is not None
    assert progress["en"].now.percent == progress["en"].before.percent == 100.0
    yua = progress["yua"]
    assert yua.before is not None and yua.now is not None
    assert yua.now.words["translated"] > yua.before.words["translated"]
    notes = release_notes(tagged, "- Cambios.", list(progress.values()), [])
    assert "Progreso desde v1.0.0" in notes
    assert re.search(r"\| Maaya t'aan \(`yua`\) \| [\d.]+ % .*\| \+[\d.]+ puntos", notes), notes


def test_notes_of_a_first_release_and_a_new_language() -> None:
    lang = Language("tzo", "Bats'i k'op", "Tsotsil", "Tsotsil", "es", "U+2019")
    counts = Counts()
    counts.words.update(translated=3, untranslated=1)
    later = Tagged("v2.0.0", "0" * 40, COMMIT_EPOCH, "v1.0.0")
    assert "| Bats'i k'op (`tzo`) | 75.0 % (3 de 4 palabras) | edición nueva |" in release_notes(
        later, "", [Progress(lang, counts, None)], [])
    first = Tagged("v1.0.0", "0" * 40, COMMIT_EPOCH, None)
    assert "Progreso (primera versión)" in release_notes(first, "", [Progress(lang, counts, None)], [])
