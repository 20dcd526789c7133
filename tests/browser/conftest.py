"""Real-browser fixtures: Debian's chromium driven by Playwright, the demo app on a real port.

The browser is found by its path (``COPROD_CHROMIUM``, default ``/usr/bin/chromium``) and is
never downloaded: ``playwright install`` is not part of the set-up. Without it the tests fail
(never skip), so a CI without a browser cannot pass unnoticed; ``.ci/run`` installs it.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import uvicorn
from axe_playwright_python.sync_playwright import Axe
from fastapi import FastAPI
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Playwright,
    Route,
    sync_playwright,
)
from playwright.sync_api import Request as BrowserRequest

from api.cli.serve import _seed
from api.http.app import create_app
from coprod.adapters.config import parse_database_url

DEFAULT_CHROMIUM = "/usr/bin/chromium"
#: Schemes a page may load without leaving the machine.
LOCAL_SCHEMES = {"data", "blob", "about"}
SERVER_START_TIMEOUT_S = 60.0
#: The app behind each served demo's base URL, for tests that need its stores (sign-in).
SERVED_APPS: dict[str, FastAPI] = {}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in tests/browser carries the ``browser`` marker (``-m 'not browser'``)."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """The chromium binary to drive; a missing one fails the run with how to install it."""
    path = os.environ.get("COPROD_CHROMIUM", DEFAULT_CHROMIUM)
    if not os.path.isfile(path) or not os.access(path, os.X_OK):
        pytest.fail(
            f"no chromium at {path}: the browser tests need one. Install Debian's with "
            "`apt-get install chromium` (.ci/run does), or point COPROD_CHROMIUM at a "
            "chromium binary. Playwright's own browser download is not used.",
            pytrace=False,
        )
    return path


@pytest.fixture(scope="session")
def playwright_driver() -> Iterator[Playwright]:
    """Playwright's sync driver for the session (it starts a Node process; once is enough)."""
    driver = sync_playwright().start()
    yield driver
    driver.stop()


@pytest.fixture(scope="session")
def browser(playwright_driver: Playwright, chromium_path: str) -> Iterator[Browser]:
    """Headless chromium from ``chromium_path``; ``--no-sandbox`` because CI runs as root."""
    launched = playwright_driver.chromium.launch(
        executable_path=chromium_path, args=["--no-sandbox"]
    )
    yield launched
    launched.close()


@pytest.fixture(
    scope="session", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def served_demo(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The app as ``coprod serve --demo`` builds it, on each store in turn (a temp SQLite file,
    then a fresh schema on PostgreSQL with the projection worker in the serving process), on
    a free port: every journey runs on both stores.

    Uvicorn runs in a background thread on a socket bound here (port 0: no race for a
    port). Yields the base URL, e.g. ``http://127.0.0.1:41234``; shuts the server down after.
    """
    if request.param == "sqlite":
        database = tmp_path_factory.mktemp("browser") / "demo.sqlite"
        yield from _serve(f"sqlite:///{database}")
        return
    from tests.postgres_server import fresh_schema

    with fresh_schema(request.getfixturevalue("postgres_database_url")) as url:
        yield from _serve(url)


def _serve(database_url: str) -> Iterator[str]:
    app = create_app(parse_database_url(database_url), on_start=_seed, worker=True)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            sock.close()
            pytest.fail("the demo server did not start (see the log above)", pytrace=False)
        time.sleep(0.05)
    SERVED_APPS[f"http://127.0.0.1:{port}"] = app
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()


@dataclass
class PageLog:
    """Everything a page asked for and complained about, for tests to assert on."""

    origin: str
    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def is_local(self, url: str) -> bool:
        """Served by the app under test, or never sent over the network at all."""
        parts = urlsplit(url)
        return parts.scheme in LOCAL_SCHEMES or f"{parts.scheme}://{parts.netloc}" == self.origin

    def foreign_requests(self) -> list[str]:
        """Requests to any host other than the served one (they were blocked, too)."""
        return [url for url in self.requests if not self.is_local(url)]

    def errors(self) -> list[str]:
        """Console errors and uncaught exceptions, in one list to assert empty."""
        return self.console_errors + self.page_errors


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    """A fresh browser profile per test (no cache, cookies or storage carried over)."""
    ctx = browser.new_context()
    yield ctx
    ctx.close()


@pytest.fixture
def page_log(served_demo: str, context: BrowserContext) -> PageLog:
    """Records every request the test's pages (and their workers) make; off-host ones fail.

    Requests leaving 127.0.0.1 are aborted rather than sent, so a regression shows up as a
    listed request and a console error, never as a test that needs the internet.
    """
    log = PageLog(origin=served_demo)

    def on_request(request: BrowserRequest) -> None:
        log.requests.append(request.url)

    def guard(route: Route) -> None:
        if log.is_local(route.request.url):
            route.continue_()
        else:
            log.blocked.append(route.request.url)
            route.abort("blockedbyclient")

    context.on("request", on_request)
    context.route("**/*", guard)
    return log


@pytest.fixture
def page(context: BrowserContext, page_log: PageLog) -> Page:
    """A page in the test's context whose console errors and exceptions go to ``page_log``."""
    new_page = context.new_page()

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            log_text = f"{message.text} ({message.location.get('url', '?')})"
            page_log.console_errors.append(log_text)

    new_page.on("console", on_console)
    new_page.on("pageerror", lambda error: page_log.page_errors.append(str(error)))
    return new_page


def assert_accessible(page: Page, *, disable: dict[str, str] | None = None) -> None:
    """Fail listing every axe-core violation on the page (id, impact, help, target nodes).

    axe is injected through Playwright's evaluate, which the page's CSP does not govern, so
    a strict ``script-src 'self'`` does not stop the scan. ``disable`` turns off named rules,
    each with the reason it is off (for markup the project does not write, e.g. a vendored UI).
    """
    options: dict[str, object] = {"resultTypes": ["violations"]}
    if disable:
        options["rules"] = {rule: {"enabled": False} for rule in disable}
    results = Axe().run(page, options=options)
    assert "violations" in results.response, "axe did not run on the page"
    if results.violations_count:
        lines = [f"{results.violations_count} accessibility violation(s) on {page.url}:"]
        for violation in results.response["violations"]:
            lines.append(
                f"- {violation['id']} ({violation.get('impact')}): {violation['help']}"
                f" [{violation.get('helpUrl', '')}]"
            )
            lines.extend(f"    {node.get('target')}" for node in violation["nodes"])
        pytest.fail("\n".join(lines), pytrace=False)


@pytest.fixture
def demo_app(served_demo: str) -> FastAPI:
    """The app ``served_demo`` serves (its stores make invitations: tests/web/signin.py)."""
    return SERVED_APPS[served_demo]
