"""``/docs`` and ``/redoc`` render in a real browser from the app alone: offline, no errors."""

from __future__ import annotations

from playwright.sync_api import Page

from tests.browser.conftest import PageLog, assert_accessible

RENDER_TIMEOUT_MS = 30_000


def _assert_stayed_home(page_log: PageLog) -> None:
    assert page_log.foreign_requests() == [], "requests left the served host"
    assert page_log.errors() == [], "the page logged errors"


def test_swagger_ui_renders_offline(page: Page, page_log: PageLog, served_demo: str) -> None:
    response = page.goto(f"{served_demo}/docs")
    assert response is not None
    assert response.ok
    page.locator(".opblock").first.wait_for(state="visible", timeout=RENDER_TIMEOUT_MS)
    assert page.locator(".opblock").count() > 10
    page.wait_for_load_state("networkidle")
    assert f"{served_demo}/openapi.json" in page_log.requests
    _assert_stayed_home(page_log)


def test_redoc_renders_offline(page: Page, page_log: PageLog, served_demo: str) -> None:
    response = page.goto(f"{served_demo}/redoc")
    assert response is not None
    assert response.ok
    page.locator("[data-section-id^='operation/']").first.wait_for(
        state="attached", timeout=RENDER_TIMEOUT_MS
    )
    page.locator(".api-content h1").first.wait_for(state="visible", timeout=RENDER_TIMEOUT_MS)
    page.wait_for_load_state("networkidle")
    assert f"{served_demo}/openapi.json" in page_log.requests
    _assert_stayed_home(page_log)


def test_swagger_ui_passes_axe(page: Page, page_log: PageLog, served_demo: str) -> None:
    """0 violations, with no rule turned off: swagger-a11y.js and .css repair the markup.

    Also shows axe runs under the pages' CSP: it is injected by evaluate, not a script.
    """
    page.goto(f"{served_demo}/docs")
    page.locator(".opblock").first.wait_for(state="visible", timeout=RENDER_TIMEOUT_MS)
    assert_accessible(page)
    _assert_stayed_home(page_log)


def test_swagger_ui_passes_axe_while_used(page: Page, page_log: PageLog, served_demo: str) -> None:
    """An operation opened, tried and run, then the authorisations dialog: still 0 violations."""
    page.goto(f"{served_demo}/docs")
    page.locator(".opblock").first.wait_for(state="visible", timeout=RENDER_TIMEOUT_MS)
    operation = page.locator(".opblock.opblock-get").first
    operation.locator(".opblock-summary-control").click()
    operation.locator(".try-out__btn").click()
    operation.locator(".execute").click()
    operation.locator(".responses-wrapper .live-responses-table").wait_for(state="visible")
    assert_accessible(page)
    page.locator(".btn.authorize").first.click()
    page.locator(".modal-ux [role=dialog]").wait_for(state="visible")
    assert_accessible(page)
    _assert_stayed_home(page_log)


def test_redoc_passes_axe(page: Page, page_log: PageLog, served_demo: str) -> None:
    """0 violations, with no rule turned off: redoc-a11y.js levels the operations' headings."""
    page.goto(f"{served_demo}/redoc")
    page.locator(".api-content h1").first.wait_for(state="visible", timeout=RENDER_TIMEOUT_MS)
    assert_accessible(page)
    _assert_stayed_home(page_log)
