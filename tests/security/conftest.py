"""Chromium, a static server on 127.0.0.1, and a listener on 127.0.0.2 that stands for "another
site": every test that needs a remote address uses the listener, never an address outside this
machine, and asserts that nothing connected to it.
"""

from __future__ import annotations

import contextlib
import functools
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402,F401

REMOTE_HOST = "127.0.0.2"


@dataclass
class Listener:
    """A TCP listener on 127.0.0.2 that records every connection (and what was asked)."""

    port: int
    connections: list[str] = field(default_factory=list)

    @property
    def base(self) -> str:
        return f"http://{REMOTE_HOST}:{self.port}"


@contextlib.contextmanager
def listening() -> Iterator[Listener]:
    """A Listener on 127.0.0.2 for the duration of the block."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind((REMOTE_HOST, 0))
    server.listen(16)
    server.settimeout(0.2)
    listener = Listener(server.getsockname()[1])
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with conn:
                conn.settimeout(1)
                try:
                    first = conn.recv(1024).split(b"\r\n", 1)[0].decode("latin-1")
                except OSError:
                    first = ""
                listener.connections.append(first or "(connection)")
                with contextlib.suppress(OSError):
                    conn.sendall(b"HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n")

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield listener
    finally:
        stop.set()
        thread.join()
        server.close()


@pytest.fixture
def remote_site() -> Iterator[Listener]:
    with listening() as listener:
        yield listener


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        pass


def static_server(directory: Path) -> tuple[ThreadingHTTPServer, str]:
    """`directory` served on 127.0.0.1 (an ephemeral port); returns the server and its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture(scope="session")
def chromium(chromium_browser: Any) -> Any:
    return chromium_browser


@dataclass
class Visit:
    """What happened while pages were open: dialogs, requests that left the site, CSP reports,
    uncaught errors."""

    dialogs: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)
    csp_violations: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def open_context(browser: Any, base: str, *, bypass_csp: bool = False) -> tuple[Any, Visit]:
    """A browser context that aborts and records every request not for `base`."""
    context = browser.new_context(bypass_csp=bypass_csp)
    visit = Visit()

    def route(route: Any) -> None:
        url = route.request.url
        if url.startswith(base + "/") or url == base:
            route.continue_()
        else:
            visit.foreign_requests.append(url)
            route.abort()

    context.route("**/*", route)
    # Runs before any page script, outside the page's CSP (Playwright injects it).
    context.add_init_script("""
        document.addEventListener('securitypolicyviolation', (e) => {
            console.error('CSP-VIOLATION ' + e.violatedDirective + ' ' + e.blockedURI);
        });
    """)

    def on_page(page: Any) -> None:
        page.on("dialog", lambda dialog: (visit.dialogs.append(f"{dialog.type}: {dialog.message}"),
                                          dialog.dismiss()))
        page.on("console", lambda message: visit.csp_violations.append(message.text)
                if "CSP-VIOLATION" in message.text or "Content Security Policy" in message.text else None)
        page.on("pageerror", lambda error: visit.errors.append(str(error)))

    context.on("page", on_page)
    return context, visit
