"""A catalog full of attacks, built as if nobody had checked it: no script reaches a reader, no
request leaves the site, the build machine fetches nothing and reads no file outside the project.

The English catalogs of tests/roots/basic are replaced by translations carrying script, event
handlers, javascript:/data: URLs, remote images on 127.0.0.2 (a listener that records every
connection), {raw}, {eval-rst}, math, file inclusion, path traversal and a Jinja expression;
the interface catalog adds markup to the theme's strings, and a sphinx.js sits among the catalogs.
The build must refuse the edition (each attack named with its code) and still write, in its
staging directory, pages that Chromium opens without a dialog, a foreign request or a CSP
report, with the CSP enforced and with it bypassed (the sanitiser alone).
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from scripts import pofile
from scripts.project import Project
from tests.conftest import copy_root, run_cli
from tests.robustness import diagnostics, problems, status
from tests.security.conftest import Listener, listening, open_context, static_server

pytestmark = [pytest.mark.slow, pytest.mark.browser]

SECRET = "TOP-SECRET-7f3a9c"


def payload_translations(remote: str, secret_file: Path, marker: Path) -> dict[str, dict[str, str]]:
    """docname -> msgid -> hostile msgstr, for the English catalogs of the basic fixture."""
    return {
        "capitulo": {
            "Capítulo de datos": "Data <img src=x onerror=alert(1)> chapter",
            "Los datos abiertos se publican en formatos abiertos.":
                f"Open <script>alert(2)</script> data [x](javascript:alert(3)) ![t]({remote}/track.png) "
                '<a href="javascript:alert(4)">a</a> [d](data:text/html;base64,PHNjcmlwdD5hbGVydCg1KTwvc2NyaXB0Pg==) '
                "<svg onload=alert(5)></svg> <style>body{background:url(" + remote + "/css.png)}</style>",
            "Sección con referencias": "Section <img src=x onerror=alert(6)> with references",
            "Consulte la {ref}`sección inicial <inicio>` y el {term}`conjunto de datos`.":
                "See the {ref}`first section <inicio>` and the {term}`dataset <conjunto de datos>` "
                "{math}`\\input{/etc/hostname}` ![p](data:image/png;base64,iVBORw0KGgo=) "
                f'<iframe src="{remote}/frame"></iframe> [j](JaVaScRiPt:alert(7)) [v](vbscript:msgbox(1))',
            "Una nota para los lectores.": "```{raw} html\n<script>alert(8)</script>\n```",
            "Diagrama de tres etapas del ciclo": '" onerror="alert(9)',
            "Ciclo de los datos.":
                "```{eval-rst}\n.. raw:: html\n\n   <script>alert(10)</script>\n\n"
                f".. image:: {remote}/rst.png\n\n`x <javascript:alert(11)>`_\n```",
            "conjunto de datos": "dataset",
            "Colección de datos publicada como una unidad.":
                "A collection {{ lipsum.__globals__.os.system('touch " + str(marker) + "') }} "
                "{download}`../../../../../../../../../etc/hostname` ![z](../../../../../../../../../etc/hostname) "
                f"```{{include}} {secret_file}\n```",
        },
        "index": {
            "Proyecto de prueba": "Test <img src=x onerror=alert(12)> project",
            "Un proyecto pequeño para las pruebas": "```{literalinclude} " + str(secret_file) + "\n```",
            "Este proyecto existe para probar el flujo de publicación.":
                f"This project <img src={remote}/pixel.gif> exists <b onmouseover=alert(13)>to test</b>.",
        },
        "sphinx": {
            "Next": "<img src=x onerror=alert(14)>",
            "Link to this heading": '" onmouseover="alert(15)',
            "Hide Search Matches": "<img src=x onerror=alert(16)>",
            "Search": "Search\"><script>alert(17)</script>",
        },
    }


def write_catalog(path: Path, language: str, translations: dict[str, str]) -> None:
    header = pofile.Entry(msgid="", msgstr=(
        f"Language: {language}\nMIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\n"
        "Content-Transfer-Encoding: 8bit\nPlural-Forms: nplurals=2; plural=(n != 1);\n"))
    catalog = pofile.Catalog(header=header, entries=[pofile.Entry(msgid=k, msgstr=v) for k, v in translations.items()])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(pofile.dumps(catalog), encoding="utf-8")


@pytest.fixture(scope="module")
def remote_site_module() -> Iterator[Listener]:
    with listening() as listener:
        yield listener


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory, remote_site_module: Listener) -> dict[str, Any]:
    """The hostile build, with the listener that stood for the remote site during it."""
    listener = remote_site_module
    base = tmp_path_factory.mktemp("hostile")
    project = copy_root("basic", base / "basic")
    secret = base / "secret.txt"
    secret.write_text(f"{SECRET}\n", encoding="utf-8")
    marker = base / "jinja-ran"
    for docname, translations in payload_translations(listener.base, secret, marker).items():
        write_catalog(project.catalogdir("en") / f"{docname}.po", "en", translations)
    (project.catalogdir("en") / "sphinx.js").write_text("alert(18);\n", encoding="utf-8")

    done = run_cli("build", "--lang", "en", "--formats", "html,epub,pdf", root=project.root)
    return {"project": project, "done": done, "listener": listener, "marker": marker}


def test_the_edition_is_refused_with_every_attack_named(hostile: dict[str, Any]) -> None:
    project: Project = hostile["project"]
    done = hostile["done"]
    assert done.returncode == 1, done.stdout + done.stderr
    for fmt in ("html", "epub", "pdf"):
        assert status(project, "en", fmt) == "failed"
    found = {(d["path"], d["code"]) for d in diagnostics(problems(project, "en"))}
    codes = {code for _, code in found}
    for code in ("unsafe-html", "unsafe-script", "unsafe-handler", "unsafe-url", "unsafe-image", "unsafe-directive"):
        assert code in codes, f"{code} not reported; got {sorted(codes)}"
    assert ("locale/en/LC_MESSAGES/capitulo.po", "unsafe-script") in found
    assert not (project.sitedir / "en").exists(), "a refused edition was published"


def test_the_build_machine_made_no_request_and_ran_no_template(hostile: dict[str, Any]) -> None:
    assert hostile["listener"].connections == []
    assert not hostile["marker"].exists(), "a {{ }} expression in a msgstr ran on the build machine"


def test_no_file_of_the_build_machine_reaches_an_output(hostile: dict[str, Any]) -> None:
    work = hostile["project"].builddir / "work" / "en"
    for path in work.rglob("*"):
        if path.is_file() and path.suffix in {".html", ".xhtml", ".tex", ".js", ".txt", ".opf", ".ncx"}:
            assert SECRET not in path.read_text(encoding="utf-8", errors="replace"), f"{path} holds the secret file"
    assert not list(work.rglob("hostname")), "a file from outside source/ was copied into the edition"


def test_the_staged_latex_carries_no_raw_latex_and_no_remote_image(hostile: dict[str, Any]) -> None:
    tex = next((hostile["project"].builddir / "work" / "en" / "latex").glob("*.tex")).read_text(encoding="utf-8")
    assert "\\input{/etc" not in tex
    assert not re.search(r"includegraphics[^\n]*(https?:|127\.0\.0\.2|data:)", tex)


def _pages(directory: Path) -> list[Path]:
    return sorted(p for p in directory.rglob("*") if p.suffix in {".html", ".xhtml"} and p.is_file())


DOM_AUDIT = """() => {
  const bad = [];
  for (const el of document.querySelectorAll('*')) {
    for (const a of el.attributes) {
      const name = a.name.toLowerCase(), value = a.value.replace(/[\\x00-\\x20]/g, '').toLowerCase();
      if (name.startsWith('on')) bad.push(`${el.tagName} ${name}=`);
      if (['href', 'src', 'action', 'formaction', 'xlink:href', 'srcset', 'poster'].includes(name)) {
        if (/^(javascript|vbscript):/.test(value)) bad.push(`${el.tagName} ${name}=${value}`);
        if (/^data:/.test(value) && el.tagName !== 'IMG') bad.push(`${el.tagName} ${name}=data:`);
        if (/^(https?:)?\\/\\//.test(value) && name !== 'href') bad.push(`${el.tagName} ${name}=${value}`);
      }
    }
  }
  for (const tag of ['iframe', 'object', 'embed', 'base']) {
    if (document.querySelector(tag)) bad.push(`<${tag}>`);
  }
  const inline = [...document.scripts].filter((s) => !s.src).map((s) => s.textContent.trim());
  return {bad, inline};
}"""


@pytest.mark.parametrize("bypass_csp", [False, True], ids=["with-csp", "sanitiser-alone"])
def test_chromium_opens_every_staged_page_safely(hostile: dict[str, Any], chromium: Any, bypass_csp: bool) -> None:
    work = hostile["project"].builddir / "work" / "en"
    server, base = static_server(work)
    try:
        context, visit = open_context(chromium, base, bypass_csp=bypass_csp)
        page = context.new_page()
        pages = _pages(work / "html") + _pages(work / "epub")
        assert len(pages) >= 6
        for path in pages:
            page.goto(f"{base}/{path.relative_to(work).as_posix()}")
            page.wait_for_load_state("load")
            page.mouse.move(200, 200)
            audit = page.evaluate(DOM_AUDIT)
            assert audit["bad"] == [], f"{path.name}: {audit['bad']}"
            for script in audit["inline"]:
                assert script == 'document.body.dataset.theme = localStorage.getItem("theme") || "auto";', \
                    f"{path.name}: unexpected inline script {script[:80]!r}"
        page.goto(f"{base}/html/search.html?q=alert")
        page.wait_for_timeout(1000)
        page.goto(f"{base}/html/capitulo.html?highlight=alert")
        page.wait_for_timeout(500)
        context.close()
    finally:
        server.shutdown()
    assert visit.dialogs == []
    assert visit.foreign_requests == []
    assert visit.errors == []
    if not bypass_csp:
        assert visit.csp_violations == []
    assert hostile["listener"].connections == []


def test_a_script_among_the_catalogs_is_never_served(hostile: dict[str, Any]) -> None:
    project: Project = hostile["project"]
    served = project.builddir / "work" / "en" / "html" / "_static" / "translations.js"
    assert not served.exists() or "alert" not in served.read_text(encoding="utf-8")
    found = {(d["path"], d["code"]) for d in diagnostics(problems(project, "en"))}
    assert ("locale/en/LC_MESSAGES/sphinx.js", "unsafe-script") in found


def test_loopback_listener_sees_what_an_unprotected_build_fetches(tmp_path: Path, remote_site: Listener) -> None:
    """The control: plain Sphinx + MyST (without this pipeline) does fetch a remote image for the
    EPUB, and the listener records it; so the empty list above means something."""
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "conf.py").write_text('extensions = ["myst_parser"]\nproject = "x"\nversion = "1"\n',
                                              encoding="utf-8")
    (tmp_path / "src" / "index.md").write_text(f"# X\n\n![t]({remote_site.base}/track.png)\n", encoding="utf-8")
    subprocess.run([sys.executable, "-m", "sphinx", "-q", "-b", "epub", str(tmp_path / "src"), str(tmp_path / "out")],
                   capture_output=True, text=True, timeout=300, check=False)
    assert any("/track.png" in c for c in remote_site.connections), remote_site.connections


def test_every_payload_is_in_the_catalogs_the_build_read(hostile: dict[str, Any]) -> None:
    """Guards the test itself: the hostile translations really are what the build was given."""
    project: Project = hostile["project"]
    entries = {e.msgid: e.msgstr for p in project.catalogdir("en").glob("*.po") for e in pofile.read(p).entries}
    listener: Listener = hostile["listener"]
    base = project.root.parent
    expected = payload_translations(listener.base, base / "secret.txt", base / "jinja-ran")
    for translations in expected.values():
        for msgid, msgstr in translations.items():
            assert entries.get(msgid) == msgstr
