"""A broken catalog fails its own edition, with `path:line: [code] what — how to fix`, while every
other edition builds and the broken edition's previous outputs stay exactly as they were.

Each case starts from one good HTML build of tests/roots/basic (made once for the module), breaks
the English catalog of `capitulo` in one way and rebuilds that edition; one case rebuilds every
edition to show the others go on.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from scripts.project import Project
from tests.conftest import run_cli
from tests.robustness import (
    assert_reported,
    build_fixture,
    clone,
    edition_outputs,
    problems,
    status,
)

pytestmark = pytest.mark.slow

CATALOG = "locale/en/LC_MESSAGES/capitulo.po"


def replace(old: bytes, new: bytes) -> Callable[[bytes], bytes]:
    def edit(data: bytes) -> bytes:
        assert old in data, f"fixture changed: {old!r} not in {CATALOG}"
        return data.replace(old, new, 1)
    return edit


NOTE = b'msgid "Una nota para los lectores."\nmsgstr "A note for readers."'
REFS = b'{ref}`first section <inicio>`'

# (id, edit of the catalog's bytes, code expected at CATALOG:LINE)
BAD_CATALOGS = [
    ("syntax-unquoted", replace(b'msgstr "Data chapter"', b"msgstr Data chapter"), "po-syntax"),
    ("unterminated-string", replace(b'msgstr "Data chapter"', b'msgstr "Data chapter'), "po-syntax"),
    ("keyword-typo", replace(b'msgstr "Data chapter"', b'msgstrr "Data chapter"'), "po-syntax"),
    ("invalid-utf8", replace(b'msgstr "Data chapter"', b'msgstr "Data \xff\xfe chapter"'), "po-encoding"),
    ("header-language", replace(b'"Language: en\\n"', b'"Language: fr\\n"'), "po-header-language"),
    ("header-charset", replace(b"charset=UTF-8", b"charset=ISO-8859-1"), "po-encoding"),
    ("header-plural", replace(b"nplurals=2; plural=(n != 1);", b"nplurals=3; plural=(n > 2);"),
     "po-header-plural"),
    ("duplicate-msgid", replace(NOTE, NOTE + b'\n\nmsgid "Una nota para los lectores."\nmsgstr "A note."'),
     "po-duplicate"),
    ("empty-file", lambda data: b"", "po-header-language"),
    ("role-without-backticks", replace(REFS, b"{ref}first section <inicio>"), "myst-role"),
    ("changed-ref-target", replace(REFS, b"{ref}`first section <otro-lugar>`"), "myst-role"),
    ("link-to-missing-target", replace(b'msgstr "A note for readers."', b'msgstr "A note for [readers](#no-such-target)."'),
     "myst-link"),
    ("list-instead-of-paragraph", replace(b'msgstr "A note for readers."', b'msgstr "- A note for readers."'),
     "translation-unused"),
]


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> Project:
    return build_fixture(tmp_path_factory.mktemp("good") / "basic")


@pytest.mark.parametrize(("edit", "code"), [pytest.param(e, c, id=i) for i, e, c in BAD_CATALOGS])
def test_bad_catalog_is_reported_and_publishes_nothing(good: Project, tmp_path: Path,
                                                       edit: Callable[[bytes], bytes], code: str) -> None:
    project = clone(good, tmp_path / "basic")
    before = edition_outputs(project, "en")
    assert before, "the good build published no English edition"
    catalog = project.root / CATALOG
    catalog.write_bytes(edit(catalog.read_bytes()))

    done = run_cli("build", "--lang", "en", "--formats", "html", root=project.root)

    assert done.returncode == 1, done.stdout + done.stderr
    assert status(project, "en") == "failed"
    found = assert_reported(problems(project, "en"), CATALOG, code)
    assert int(found["line"] or 0) >= 1, found
    assert f"{CATALOG}:" in done.stdout  # the summary names the file
    assert edition_outputs(project, "en") == before, "a broken build replaced the good English edition"


def test_other_editions_build_beside_a_broken_catalog(good: Project, tmp_path: Path) -> None:
    project = clone(good, tmp_path / "basic")
    before = edition_outputs(project, "en")
    catalog = project.root / CATALOG
    catalog.write_bytes(catalog.read_bytes().replace(b'msgstr "Data chapter"', b'msgstr "Data chapter'))

    done = run_cli("build", "--formats", "html", "--force", root=project.root)

    assert done.returncode == 1, done.stdout + done.stderr
    assert (status(project, "es"), status(project, "en"), status(project, "yua")) == ("built", "failed", "built")
    assert "FAILED: en/html" in done.stdout
    assert edition_outputs(project, "en") == before
    for tag in ("es", "yua"):
        assert (project.sitedir / tag / "capitulo.html").is_file()


def test_header_only_catalog_builds_in_spanish(good: Project, tmp_path: Path) -> None:
    """A catalog with a header and no translation is not an error: the Spanish text is shown."""
    project = clone(good, tmp_path / "basic")
    catalog = project.root / CATALOG
    header = catalog.read_text(encoding="utf-8").split("\n\n", 1)[0] + "\n"
    catalog.write_text(header, encoding="utf-8")

    done = run_cli("build", "--formats", "html", "--force", root=project.root)

    assert done.returncode == 0, done.stdout + done.stderr
    page = (project.sitedir / "en" / "capitulo.html").read_text(encoding="utf-8")
    assert "Los datos abiertos se publican en formatos abiertos." in page


def test_catalog_of_unregistered_language_is_reported(good: Project, tmp_path: Path) -> None:
    project = clone(good, tmp_path / "basic")
    stray = project.root / "locale" / "fr" / "LC_MESSAGES" / "capitulo.po"
    stray.parent.mkdir(parents=True)
    stray.write_bytes((project.root / CATALOG).read_bytes().replace(b"Language: en", b"Language: fr"))

    done = run_cli("build", "--formats", "html", root=project.root)

    assert done.returncode == 1, done.stdout + done.stderr
    assert_reported(done.stderr, "locale/fr/LC_MESSAGES/capitulo.po", "po-unknown-language")
    for tag in ("es", "en", "yua"):  # every registered edition is built (or still up to date)
        assert status(project, tag) in {"built", "skipped"}
    assert not (project.sitedir / "fr").exists()
