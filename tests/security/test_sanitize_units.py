"""The small pieces of the defence, one input at a time: how a URL's scheme is read (as a browser
reads it), what the page audit catches, the CSP-safe translations.js, and Sphinx's warnings in
the pipeline's diagnostic shape."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from scripts.csp import content_security_policy, theme_script_hashes
from scripts.sphinx_warnings import sphinx_diagnostics
from scripts.sphinxext import audit
from scripts.sphinxext.audit import audit_page
from scripts.sphinxext.interface_safety import markup_of
from scripts.sphinxext.sanitize import url_scheme
from scripts.sphinxext.translations_js import translations_script


@pytest.mark.parametrize(("url", "scheme"), [
    ("https://example.org/x", "https"),
    ("mailto:a@b.c", "mailto"),
    ("javascript:alert(1)", "javascript"),
    ("JaVaScRiPt:alert(1)", "javascript"),
    (" \tjava\nscript:alert(1)", "javascript"),
    ("\x01javascript:alert(1)", "javascript"),
    ("data:text/html,<script>", "data"),
    ("vbscript:msgbox", "vbscript"),
    ("//127.0.0.2/x.png", "//"),
    ("\\\\127.0.0.2\\x.png", "//"),
    ("imagenes/ciclo.svg", None),
    ("/imagenes/ciclo.svg", None),
    ("#inicio", None),
    ("capitulo.html#x", None),
    ("", None),
])
def test_url_scheme_reads_like_a_browser(url: str, scheme: str | None) -> None:
    assert url_scheme(url) == scheme


@pytest.mark.parametrize(("page", "code"), [
    ('<p onclick="x()">a</p>', "unsafe-handler"),
    ("<svg><a xlink:href='javascript:alert(1)'>x</a></svg>", "unsafe-url"),
    ('<a href=" javascript:alert(1)">x</a>', "unsafe-url"),
    ('<iframe src="capitulo.html"></iframe>', "unsafe-script"),
    ('<meta http-equiv="refresh" content="0;url=https://example.org">', "unsafe-script"),
    ('<img src="http://127.0.0.2/t.png">', "unsafe-image"),
    ('<img srcset="//127.0.0.2/t.png 2x">', "unsafe-image"),
    ('<link rel="stylesheet" href="https://127.0.0.2/x.css">', "unsafe-image"),
    ("<script>alert(1)</script>", "unsafe-script"),
    ('<object data="data:text/html,x"></object>', "unsafe-url"),
])
def test_page_audit_finds_what_could_run_or_fetch(page: str, code: str) -> None:
    assert code in {found for _, found, _ in audit_page(page, set())}


def test_page_audit_accepts_a_normal_page() -> None:
    page = ('<html><head><meta http-equiv="Content-Security-Policy" content="default-src \'self\'">'
            '<link rel="stylesheet" href="_static/x.css"><script src="_static/a.js"></script></head>'
            '<body><a href="https://example.org/">x</a><a href="mailto:a@b.c">m</a>'
            '<img src="_images/ciclo.svg" alt="&lt;script&gt;"><p>&lt;script&gt;alert(1)&lt;/script&gt;</p>'
            '</body></html>')
    assert audit_page(page, set()) == []


def test_theme_inline_script_is_allowed_only_by_its_hash(tmp_path: Path) -> None:
    (tmp_path / "base.html").write_text("<body><script>\n  setTheme();\n</script>"
                                        "<script>{{ dangerous }}</script></body>", encoding="utf-8")
    hashes = theme_script_hashes([tmp_path])
    assert len(hashes) == 1
    assert audit_page("<script>\n  setTheme();\n</script>", set(hashes)) == []
    assert audit_page("<script>\n  setTheme(); alert(1)\n</script>", set(hashes))
    policy = content_security_policy(hashes)
    assert hashes[0] in policy and "'unsafe-inline'" not in policy.split("script-src", 1)[1].split(";")[0]


def test_markup_of_counts_tags_entities_and_attribute_breakers() -> None:
    assert markup_of("Next") == markup_of("Siguiente")
    assert markup_of("%(a)s &#8212; %(b)s") == markup_of("%(a)s &#8212; %(b)s (es)")
    assert markup_of("Search") != markup_of('Search"><b>')
    assert markup_of("Maaya t'aan") == markup_of("Maya")  # an apostrophe is a letter, not markup


def test_translations_script_drops_markup_and_never_evaluates() -> None:
    data = {"locale": "yua", "plural_expr": "(n != 1)", "messages": {
        "Hide Search Matches": "<img src=x onerror=alert(1)>", "Search": "Kaxan",
        "Search Results": ["Results", "Results"]}}
    script = translations_script("Documentation.addTranslations(" + json.dumps(data) + ");")
    assert script is not None
    assert "onerror" not in script and "Kaxan" in script and "new Function" not in script
    assert "PLURAL_EXPR = (n) => +((n != 1));" in script
    hostile = dict(data, plural_expr="alert(document.cookie)")
    script = translations_script("Documentation.addTranslations(" + json.dumps(hostile) + ");")
    assert script is not None and "alert" not in script and "(n != 1)" in script
    assert translations_script("alert(1)") is None


def test_sphinx_warnings_become_diagnostics(tmp_path: Path) -> None:
    (tmp_path / "source").mkdir()
    (tmp_path / "source" / "capitulo.md").write_text("# T\n\nUna nota para los lectores.\n", encoding="utf-8")
    catalog = tmp_path / "locale" / "en" / "LC_MESSAGES" / "capitulo.po"
    catalog.parent.mkdir(parents=True)
    catalog.write_text('msgid ""\nmsgstr ""\n"Language: en\\n"\n\n'
                       '#: ../../source/capitulo.md:3\nmsgid "Una nota para los lectores."\nmsgstr "A note."\n',
                       encoding="utf-8")
    text = "\n".join([
        f"{tmp_path}/source/capitulo.md:9: WARNING: undefined label: 'x' [ref.ref]",
        f"{tmp_path}/source/capitulo.md:3:<translated>:1: WARNING: Unknown interpreted text role \"rf\". [docutils]",
        f"{tmp_path}/locale/en/LC_MESSAGES/capitulo.po:7: WARNING: raw HTML is not published — write MyST "
        "[policy.unsafe-html]",
        "WARNING: a warning without a place",
        "    an indented echo of the directive",
        f"{tmp_path}/source/capitulo.md: ERROR: Unknown directive type \"nope\". [myst.directive_unknown]",
    ])
    found = [str(d) for d in sphinx_diagnostics(text, tmp_path, "en")]
    assert found[0].startswith("source/capitulo.md:9: [ref.ref] undefined label: 'x' — ")
    assert found[1].startswith("locale/en/LC_MESSAGES/capitulo.po:7: [docutils] Unknown interpreted text role")
    assert "(translation of source/capitulo.md:3)" in found[1]
    assert found[2] == "locale/en/LC_MESSAGES/capitulo.po:7: [unsafe-html] raw HTML is not published — write MyST"
    assert found[3].startswith("conf.py: [sphinx] a warning without a place — ")
    assert found[4].startswith("source/capitulo.md: [myst.directive_unknown] Unknown directive type")
    assert len(found) == 5


@pytest.mark.parametrize("message", ['"raw" directive disabled.', 'Directive "include" disabled.',
                                     '"include" directive disabled.'])
def test_docutils_refusals_are_unsafe_directives(tmp_path: Path, message: str) -> None:
    """raw_enabled and file_insertion_enabled are off (scripts.sphinxext.sanitize); docutils and
    MyST then refuse the directive with their own words, reported with the pipeline's code."""
    found = sphinx_diagnostics(f"{tmp_path}/source/capitulo.md:27: WARNING: {message}", tmp_path)
    assert [(d.path, d.line, d.code) for d in found] == [("source/capitulo.md", 27, "unsafe-directive")]


def _audit_run(app: SimpleNamespace, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    monkeypatch.setattr(audit, "warn", lambda _message, _hint, code, location: found.append((code, location)))
    audit.audit_output(app, None)  # type: ignore[arg-type]
    return found


def test_page_audit_reads_again_every_page_that_changed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Findings are remembered by a page's size and time: a page changed since (even one written
    outside Sphinx) is read again, a page written within the clock's resolution is never taken
    from the record, and a page with a finding is reported at every build, not once."""
    outdir, doctrees = tmp_path / "html", tmp_path / "doctrees"
    outdir.mkdir()
    doctrees.mkdir()
    app = SimpleNamespace(builder=SimpleNamespace(format="html", name="html"), outdir=str(outdir),
                          doctreedir=str(doctrees), policy_csp="")
    clean, bad = outdir / "clean.html", outdir / "bad.html"
    clean.write_text("<p>Hola</p>", encoding="utf-8")
    bad.write_text("<p>x</p><iframe src='a.html'></iframe>", encoding="utf-8")
    past = time.time() - 60
    for page in (clean, bad):
        os.utime(page, (past, past))
    assert [code for code, _ in _audit_run(app, monkeypatch)] == ["unsafe-script"]
    assert [code for code, _ in _audit_run(app, monkeypatch)] == ["unsafe-script"]  # remembered, still reported
    record = json.loads((doctrees / "audit-html.json").read_text(encoding="utf-8"))
    assert str(clean) in record

    clean.write_text("<p>Hola</p><script>alert(1)</script>", encoding="utf-8")
    os.utime(clean, (past + 1, past + 1))
    assert sorted(loc.split(":")[0] for _, loc in _audit_run(app, monkeypatch)) == sorted([str(bad), str(clean)])

    fresh = outdir / "fresh.html"
    fresh.write_text("<p>nuevo</p>", encoding="utf-8")
    assert len(_audit_run(app, monkeypatch)) == 2
    assert str(fresh) not in json.loads((doctrees / "audit-html.json").read_text(encoding="utf-8"))
