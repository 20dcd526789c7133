"""The officers' console in a real browser at a desktop size, in Danish and English: an
officer makes an API key and sees its secret once, then revokes it; adds a member to a group
by name and removes them. axe-core finds 0 violations on each page, error states included."""

from __future__ import annotations

import re
from uuid import UUID

import pytest
from fastapi import FastAPI
from playwright.sync_api import Page, expect

from api.cli.serve import DEMO_SEED
from api.keys import KeyStore
from coprod.domain.organisation import Organisation
from coprod.domain.values import Role
from tests.browser.conftest import PageLog, assert_accessible
from tests.web.signin import sign_in_page

DESKTOP = {"width": 1280, "height": 900}
GROUP = f"nordbyen-residents-{DEMO_SEED}"


def _council() -> UUID:
    return Organisation.create_id(slug=f"demo-council-{DEMO_SEED}")


def _unexpected(log: PageLog) -> list[str]:
    """Errors but the browser's note of each page answered 400 on purpose."""
    expected = re.compile(r"^Failed to load resource: .* status of 400 ")
    return [e for e in log.errors() if not expected.match(e)]


def _submit(page: Page, form: str) -> None:
    with page.expect_navigation():
        page.locator(f"{form} button[type=submit]").first.click()


@pytest.mark.parametrize("lang", ["en", "da"])
def test_an_officer_makes_a_key_sees_its_secret_once_and_revokes_it(
    page: Page, page_log: PageLog, served_demo: str, demo_app: FastAPI, lang: str
) -> None:
    page.set_viewport_size(DESKTOP)
    sign_in_page(page, served_demo, demo_app, Role.COUNCIL_OFFICER, _council())
    page.goto(f"{served_demo}/console/keys?lang={lang}")
    assert page.locator("html").get_attribute("lang") == lang
    assert_accessible(page)
    _submit(page, "form.invite-form")  # no name: refused next to the field
    expect(page.locator("#label-error")).to_be_visible()
    assert_accessible(page)
    label = f"Browser key {lang}"
    page.locator("#label").fill(label)
    page.locator("#role").select_option("evaluator")
    _submit(page, "form.invite-form")
    secret = page.locator("#key-secret").input_value()
    assert secret.startswith("cpk_")
    assert_accessible(page)
    page.goto(f"{served_demo}/console/keys?lang={lang}")
    assert secret not in page.content(), "the secret is shown once"
    row = page.locator("table.keys tr", has_text=label)
    with page.expect_navigation():
        row.locator("button").click()
    expect(page.locator("p.ok")).to_contain_text(label)
    assert_accessible(page)
    keys: KeyStore = demo_app.state.keys
    assert keys.authenticate(secret) is None
    assert _unexpected(page_log) == []


@pytest.mark.parametrize("lang", ["en", "da"])
def test_an_officer_adds_and_removes_a_group_member(
    page: Page, page_log: PageLog, served_demo: str, demo_app: FastAPI, lang: str
) -> None:
    page.set_viewport_size(DESKTOP)
    sign_in_page(page, served_demo, demo_app, Role.COUNCIL_OFFICER, _council())
    page.goto(f"{served_demo}/console/members?lang={lang}")
    assert_accessible(page)
    section = page.locator("section.group", has=page.locator(f"#name-{GROUP}"))
    _submit(page, f"section.group:has(#name-{GROUP}) form.invite-form")
    expect(page.locator(f"#name-{GROUP}-error")).to_be_visible()
    assert_accessible(page)
    name = f"Karen Browser {lang}"
    page.locator(f"#name-{GROUP}").fill(name)
    _submit(page, f"section.group:has(#name-{GROUP}) form.invite-form")
    expect(page.locator("p.ok")).to_contain_text(name)
    row = section.locator("tr", has_text=name)
    expect(row).to_have_count(1)
    assert_accessible(page)
    with page.expect_navigation():
        row.locator("form button").click()
    expect(page.locator("p.ok")).to_be_visible()
    expect(section.locator("tr", has_text=name)).to_have_count(0)
    assert_accessible(page)
    assert _unexpected(page_log) == []
