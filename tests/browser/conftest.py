"""Real-browser fixtures: a live server on a free port and Chromium at phone size.

The server runs the session's `app` in a daemon thread; the database (SQLite
temp file or PostgreSQL) is shared with the test thread, so tests can prepare
data with tests.factories and check what the browser changed.

Every test here is marked `browser` (pytestmark in each module). Without
/usr/bin/chromium they are skipped with a clear reason instead of failing.
Any request to another host, failed CSS/JS/image or console error (such as a
CSP refusal of an inline style) fails the test that caused it.
"""

import logging
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from werkzeug.serving import make_server

CHROMIUM = Path("/usr/bin/chromium")
SKIP_REASON = "Chromium fehlt (/usr/bin/chromium) – Browser-Tests übersprungen"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
    "locale": "de-DE",
}
LOCAL_SCHEMES = {"data", "blob", "about"}


class PageProblems:
    """What a page did that it should not: off-site requests, failed loads, console errors."""

    def __init__(self, origin: str):
        self.origin = origin
        self.foreign_requests: list[str] = []
        self.failed_subresources: list[str] = []
        self.console_errors: list[str] = []

    def watch(self, page) -> None:
        page.on("request", self._on_request)
        page.on("response", self._on_response)
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.console_errors.append(f"JS-Fehler: {error}"))

    def _on_request(self, request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in LOCAL_SCHEMES:
            return
        if f"{parts.scheme}://{parts.netloc}" != self.origin:
            self.foreign_requests.append(f"{request.method} {request.url}")

    def _on_response(self, response) -> None:
        # Error pages themselves (404, 400) are expected; their CSS/JS/icons are not.
        if response.status >= 400 and response.request.resource_type != "document":
            self.failed_subresources.append(f"{response.status} {response.url}")

    def _on_console(self, message) -> None:
        if message.type != "error":
            return
        if message.text.startswith("Failed to load resource"):
            return  # documents with an error status; sub-resources are checked above
        self.console_errors.append(message.text)  # e.g. CSP refusing an inline style

    def report(self) -> str:
        lines = []
        if self.foreign_requests:
            lines.append("Anfragen an fremde Hosts: " + ", ".join(self.foreign_requests))
        if self.failed_subresources:
            lines.append("Fehlgeschlagene Ressourcen: " + ", ".join(self.failed_subresources))
        if self.console_errors:
            lines.append("Konsolenfehler: " + " | ".join(self.console_errors))
        return "\n".join(lines)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """Fail the test itself (not its teardown) when a page misbehaved."""
    result = yield
    problems = item.funcargs.get("page_problems")
    if problems is not None and problems.report():
        raise AssertionError(problems.report())
    return result


@pytest.fixture(scope="session")
def live_server(app):
    """The app served over real HTTP on a free port, for the whole session."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no access log per request
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def chromium():
    if not CHROMIUM.exists():
        pytest.skip(SKIP_REASON)
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="playwright fehlt – Browser-Tests übersprungen"
    )
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page_problems(live_server):
    """Collects off-site requests and errors of `phone`; any of them fails the test."""
    return PageProblems(live_server)


@pytest.fixture
def new_phone(chromium, live_server, page_problems):
    """Opens phone-sized pages; `new_phone(width=360)` for other sizes."""
    contexts = []

    def open_page(**overrides):
        options = {**PHONE, **overrides}
        if "width" in overrides:
            options.pop("width")
            options["viewport"] = {"width": overrides["width"], "height": 800}
        context = chromium.new_context(base_url=live_server, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page_problems.watch(page)
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def phone(new_phone):
    """A fresh page in a 390×844 touch phone context (German locale)."""
    return new_phone()
