"""A volunteer on a phone (390x844), in Danish and English: signs in with an invitation,
opens a commitment, logs hours while offline, comes back online and sees the log once;
axe-core finds 0 violations on "my commitments", the log form and its error state."""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI
from playwright.sync_api import Page, expect

from api.cli.serve import DEMO_SEED
from api.demo.data import GROUPS
from coprod.domain.organisation import Organisation
from coprod.domain.values import Role
from tests.browser.conftest import PageLog, assert_accessible
from tests.web.signin import sign_in_page

PHONE = {"width": 390, "height": 844}
QUEUED = {"en": "No connection", "da": "Ingen forbindelse"}
LOG = {"en": "Log", "da": "Registrér"}
#: A head count no other log of the demo has, so the new row can be counted.
PEOPLE = {"en": "17", "da": "18"}


def _fits_the_phone(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} scrolls sideways ({width}px)"


@pytest.mark.parametrize("lang", ["en", "da"])
def test_a_volunteer_logs_hours_offline_and_sees_the_log_once(
    page: Page, page_log: PageLog, served_demo: str, demo_app: FastAPI, lang: str
) -> None:
    page.set_viewport_size(PHONE)
    group = Organisation.create_id(slug=f"{GROUPS[0][0]}-{DEMO_SEED}")
    sign_in_page(page, served_demo, demo_app, Role.COMMUNITY_MEMBER, group)
    page.goto(f"{served_demo}/my/commitments?lang={lang}")
    assert page.locator("html").get_attribute("lang") == lang
    assert_accessible(page)
    _fits_the_phone(page)
    page.locator("ul.commitments h2 a").first.click()
    page.wait_for_url(re.compile(r"/my/commitments/[0-9a-f-]{36}/log$"))
    assert_accessible(page)
    _fits_the_phone(page)
    rows = page.locator("table.logs tbody tr", has_text=PEOPLE[lang])
    assert rows.count() == 0

    page.context.set_offline(True)
    page.fill("#hours", "4,5" if lang == "da" else "4.5")
    page.fill("#people_count", PEOPLE[lang])
    page.get_by_role("button", name=LOG[lang], exact=True).click()  # tap 3: the date is today
    expect(page.locator("#log-status")).to_contain_text(QUEUED[lang])
    waiting = "JSON.parse(localStorage.getItem('coprod-log-queue') || '[]').length"
    assert page.evaluate(waiting) == 1

    page.context.set_offline(False)
    page.wait_for_url(re.compile(r"\?done=1$"), timeout=20_000)
    assert page.evaluate(waiting) == 0
    assert rows.count() == 1
    page.reload()
    assert rows.count() == 1
    assert_accessible(page)

    page.fill("#hours", "lots")  # passes the browser, refused by the server
    page.get_by_role("button", name=LOG[lang], exact=True).click()
    expect(page.locator("#hours-error")).to_be_visible()
    assert page.locator("#hours").get_attribute("aria-invalid") == "true"
    assert_accessible(page)
    assert not page_log.blocked
    unexpected = [e for e in page_log.errors() if not re.search(r"status of 400 ", e)]
    assert not unexpected, unexpected
