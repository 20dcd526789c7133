"""The public pages in a real browser: axe-core finds 0 violations on every page, in both
languages, on a desktop and at 320 px; the pages work by keyboard alone, stay on the host,
log no error (a CSP violation is a console error) and carry a visitor from the home page
to the story of a funded project, a rejected proposal and the impact figures.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import PageLog, assert_accessible

PHONE = {"width": 320, "height": 800}
#: An address that is no page: the 404 page must pass axe too.
NOT_FOUND = "/no-such-page-here"
DESKTOP = {"width": 1280, "height": 900}


#: Links as the pages print them: readable addresses (/p/<code>[/projects/<slug>]).
PROCESS_LINK = "main a[href^='/p/']:not([href*='/projects/'])"
PROJECT_LINK = "main a[href^='/p/'][href*='/projects/']"


def _first_link(page: Page, selector: str) -> str:
    href = page.locator(selector).first.get_attribute("href")
    assert href is not None, f"no link {selector} on {page.url}"
    return href


def public_pages(page: Page, base: str) -> list[str]:
    """Every kind of public page of the demo: found by following links, as a visitor would."""
    page.goto(f"{base}/?lang=en")
    process = _first_link(page, PROCESS_LINK)
    page.goto(f"{base}{process}/projects")
    project = _first_link(page, PROJECT_LINK)
    page.goto(f"{base}{process}/projects?show=all&status=rejected")
    rejected = _first_link(page, "a[href^='/proposals/']")
    tender = _tender_page(page, base)
    page.goto(f"{base}{tender}")
    commissioned = _first_link(page, "main a[href^='/projects/']")
    return [
        "/",
        process,
        f"{process}/projects",
        f"{process}/projects?show=all",
        project,
        rejected,
        f"{process}/impact",
        tender,
        commissioned,
        NOT_FOUND,
    ]


def _tender_page(page: Page, base: str) -> str:
    """The demo's co-commissioned service, from the process page that lists it."""
    page.goto(f"{base}/?lang=en")
    processes = [a.get_attribute("href") for a in page.locator(PROCESS_LINK).all()]
    for process in processes:
        page.goto(f"{base}{process}")
        links = page.locator("main a[href^='/tenders/']")
        if links.count():
            return str(links.first.get_attribute("href"))
    raise AssertionError("no process page links to a tender")


@pytest.mark.parametrize("lang", ["en", "da"])
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone-320"])
def test_every_public_page_passes_axe(
    page: Page, page_log: PageLog, served_demo: str, lang: str, viewport: dict[str, int]
) -> None:
    page.set_viewport_size(viewport)
    for path in public_pages(page, served_demo):
        separator = "&" if "?" in path else "?"
        page.goto(f"{served_demo}{path}{separator}lang={lang}")
        assert page.locator("html").get_attribute("lang") == lang
        assert_accessible(page)
        if viewport is PHONE:
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE["width"], f"{path} scrolls sideways at 320 px ({width} px)"
    assert page_log.foreign_requests() == []
    # the browser reports the 404 page's own status as a failed load, and nothing else
    assert [e for e in page_log.errors() if NOT_FOUND not in e] == []


def test_keyboard_alone_reaches_the_projects(page: Page, served_demo: str) -> None:
    page.goto(f"{served_demo}/?lang=en")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    # the skip link's jump lands asynchronously: wait for it (a miss times out and fails)
    page.wait_for_url(re.compile(r"#main$"), timeout=5_000)
    for _ in range(20):  # tab on until the first process link has focus
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('href') || ''").startswith("/p/"):
            break
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/p/[^/]+$"))
    focused = page.locator("a", has_text="Projects and proposals")
    focused.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/projects$"))
    page.locator("#f-area").focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.tagName") == "BUTTON"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"area="))


def test_a_visitor_follows_the_money_and_the_reasons(
    page: Page, page_log: PageLog, served_demo: str
) -> None:
    page.goto(f"{served_demo}/?lang=en")
    page.locator(PROCESS_LINK).first.click()
    why = page.locator("table", has_text="Why each proposal is in or out")
    selected = why.locator("tr", has_text="Selected").first
    assert re.search(r"in: ranked \d+", selected.inner_text())
    selected.locator("a").click()
    page.wait_for_url(re.compile(r"/proposals/"))
    page.get_by_role("link", name="The project it became").click()
    page.wait_for_url(re.compile(r"/p/[^/]+/projects/"))  # a readable address
    assert page.get_by_role("heading", name="Spend against the approved amount").is_visible()
    assert page.get_by_role("img", name=re.compile("^Spend: ")).is_visible()
    assert page.get_by_role("heading", name="The council's decision").is_visible()
    page.go_back()
    page.go_back()
    out = why.locator("tr", has_text="Not selected").first
    assert "out:" in out.inner_text()
    process = page.url
    page.get_by_role("link", name="Projects and proposals").click()
    page.get_by_label("Every idea and proposal").check()
    page.get_by_role("button", name="Filter").click()  # the choices follow the list shown
    page.get_by_label("Status").select_option("rejected")
    page.get_by_role("button", name="Filter").click()
    page.locator("table.list a").first.click()
    assert page.get_by_role("heading", name="Legal basis").is_visible()
    assert page.get_by_role("heading", name="How to complain").is_visible()
    page.locator("nav.crumbs a").nth(1).click()
    assert page.url == process
    page.get_by_role("link", name="Impact").click()
    assert page.get_by_role("heading", name="About these figures").is_visible()
    page.get_by_role("link", name="Dansk").click()
    assert page.locator("html").get_attribute("lang") == "da"
    assert page.get_by_role("heading", name="Om tallene").is_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile(r"\(PDF\)")).click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    path = download.path()
    with open(path, "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    assert page_log.foreign_requests() == []
    assert page_log.errors() == []
