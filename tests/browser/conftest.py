"""The readers' site, built from the basic fixture and read in a real browser.

`site_project` is tests/roots/basic with what a deployed site has and the fixture leaves out:
the site's URL (for the sitemap and the canonical links), a repository (for "Translate this
page") and the repository's current Spanish interface catalog (the fixture's copy may lag behind
the templates). Its site is built once per session; its PDF and EPUB files are those of the
session's full build of the fixture (`built_basic`). `site_url` serves the
result on 127.0.0.1 with a threaded http.server that answers missing paths with the site's
404.html, as static hosts do.

Pages are driven by the PyPI `playwright` package through Debian's Chromium (never
`playwright install`). Every page a test opens records console errors, failed requests and any
request for another host (those are aborted, so no test can reach the network); the `page`
fixture fails the test if any happened.

axe-core is the axe.min.js that the PyPI package axe-playwright-python ships: it comes with the
locked, hash-checked test dependencies, so the test needs neither npm nor a download of its own.
POLICY_AXE_JS may point at another axe.min.js.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from scripts.project import Project
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, REPO, copy_root, run_cli  # noqa: E402,F401

AXE_VERSION = "4.12.1"  # the axe-core that axe-playwright-python 0.1.8 (requirements.lock) ships
SITE_URL = "https://politica.example/"
REPOSITORY = "https://git.example/politica"
VERSION = "1.2.3"  # run_cli sets POLICY_VERSION
TAGS = ("es", "en", "yua")


@pytest.fixture(scope="session")
def site_project(built_basic: Project, tmp_path_factory: pytest.TempPathFactory) -> Project:
    project = copy_root("basic", tmp_path_factory.mktemp("site") / "basic")
    with (project.root / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write(f"\npolicy_site_url = {SITE_URL!r}\npolicy_repository = {REPOSITORY!r}\n")
    # The PDF and EPUB files do not depend on the settings above: the session's full build of
    # the same fixture provides them, and only the site is built again.
    shutil.copytree(built_basic.distdir, project.distdir)
    done = run_cli("build", "--formats", "html", root=project.root)
    assert done.returncode == 0, f"site build failed:\n{done.stdout}\n{done.stderr}"
    return project


def manifests(project: Project) -> dict[str, dict[str, Any]]:
    return {tag: json.loads((project.sitedir / tag / "edition.json").read_text(encoding="utf-8")) for tag in TAGS}


class _SiteHandler(SimpleHTTPRequestHandler):
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map,
                      ".epub": "application/epub+zip", ".pdf": "application/pdf",
                      ".js": "text/javascript", ".xml": "application/xml"}

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        pass

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


@pytest.fixture(scope="session")
def site_url(site_project: Project) -> Iterator[str]:
    handler = functools.partial(_SiteHandler, directory=str(site_project.sitedir))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def browser(chromium_browser: Any) -> Any:
    return chromium_browser


@dataclass
class PageLog:
    """What a page did that a reader's browser should never do."""

    host: str
    expected_missing: set[str] = field(default_factory=set)  # URLs a test asks for knowing they are not there
    console_errors: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        return ([f"console error: {e}" for e in self.console_errors]
                + [f"request to another host: {u}" for u in self.foreign_requests]
                + [f"failed request: {u}" for u in self.failed_requests])


def open_context(browser: Any, site_url: str, **options: Any) -> tuple[Any, PageLog]:
    """A browser context that records problems and lets no request leave 127.0.0.1."""
    log = PageLog(host=urlsplit(site_url).netloc)
    context = browser.new_context(base_url=site_url, **{"locale": "es-MX", **options})

    def foreign(url: str) -> bool:
        parts = urlsplit(url)
        return parts.scheme not in ("data", "blob", "about") and parts.netloc != log.host

    def refuse(route: Any) -> None:
        log.foreign_requests.append(route.request.url)
        route.abort()

    context.route(foreign, refuse)

    def on_console(message: Any) -> None:
        url = message.location.get("url", "")
        if message.type == "error" and not (url in log.expected_missing and "404" in message.text):
            log.console_errors.append(f"{message.text} ({url})")

    def on_failed(request: Any) -> None:
        if urlsplit(request.url).netloc == log.host:
            log.failed_requests.append(f"{request.url}: {request.failure}")

    def on_response(response: Any) -> None:
        if response.status >= 400 and response.url not in log.expected_missing:
            log.failed_requests.append(f"{response.url}: HTTP {response.status}")

    context.on("console", on_console)
    context.on("weberror", lambda error: log.console_errors.append(f"uncaught: {error.error}"))
    context.on("requestfailed", on_failed)
    context.on("response", on_response)
    return context, log


@pytest.fixture
def site_page(browser: Any, site_url: str) -> Iterator[Any]:
    """A page on the served site; the test fails if the page logged an error or left the site."""
    context, log = open_context(browser, site_url)
    page = context.new_page()
    page.policy_log = log
    try:
        yield page
    finally:
        context.close()
    if problems := log.problems():
        pytest.fail("the page misbehaved:\n  " + "\n  ".join(problems))


def fetch_axe() -> str:
    """axe.min.js as locked in requirements.lock (axe-playwright-python ships it)."""
    override = os.environ.get("POLICY_AXE_JS")
    if override:
        return Path(override).read_text(encoding="utf-8")
    import axe_playwright_python

    script = Path(axe_playwright_python.__file__).with_name("axe.min.js")
    if not script.is_file():
        pytest.fail(f"{script} is missing — reinstall the test dependencies: make venv")
    return script.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def axe_source() -> str:
    return fetch_axe()
