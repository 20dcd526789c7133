"""Signing in on a phone with an invitation, in a real browser: the invitation page, the
account page and signing out, in Danish and English at 390x844; axe-core finds 0 violations
on the invitation, the expired and used pages, the account page, the "please sign in" page
and the officer's invitation console (with a refused field, and with a link and QR code)."""

from __future__ import annotations

import re
from datetime import timedelta
from uuid import UUID

import pytest
from fastapi import FastAPI
from playwright.sync_api import Page, expect

from api.cli.serve import DEMO_SEED
from api.demo.signin import demo_invitations
from api.invitations import InvitationStore
from api.web.session import SESSION_COOKIE
from coprod.domain.organisation import Organisation
from coprod.domain.values import Role
from tests.browser.conftest import PageLog, assert_accessible
from tests.web.signin import sign_in_page

PHONE = {"width": 390, "height": 844}
SIGN_IN = {"en": "Sign in", "da": "Log ind"}
SIGN_OUT = {"en": "Sign out", "da": "Log ud"}


def _people(app: FastAPI) -> dict[str, tuple[str, object]]:
    """Fresh invitations for the demo's officer and volunteer: who -> (path, invitation)."""
    store: InvitationStore = app.state.invitations
    made = demo_invitations(app.state.coprod, DEMO_SEED, store)
    return {m.who: (m.new.path, m.new.invitation) for m in made}


def _unexpected(log: PageLog) -> list[str]:
    """Errors but the browser's note of each page answered 400, 401 or 410 on purpose."""
    expected = re.compile(r"^Failed to load resource: .* status of (400|401|410) ")
    return [e for e in log.errors() if not expected.match(e)]


def _fits_the_phone(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} scrolls sideways ({width}px)"


@pytest.mark.parametrize("lang", ["en", "da"])
def test_a_volunteer_signs_in_on_a_phone_and_out_again(
    page: Page, page_log: PageLog, served_demo: str, demo_app: FastAPI, lang: str
) -> None:
    page.set_viewport_size(PHONE)
    path, _ = _people(demo_app)["volunteer"]
    page.goto(f"{served_demo}{path}?lang={lang}")
    assert page.locator("html").get_attribute("lang") == lang
    assert "Nordbyen" in page.locator("main").inner_text()
    assert_accessible(page)
    _fits_the_phone(page)
    with page.expect_navigation():
        page.get_by_role("button", name=SIGN_IN[lang]).click()
    assert page.url.endswith("/my/commitments")  # a group member lands on the group's page
    assert_accessible(page)
    page.goto(f"{served_demo}/account")
    assert_accessible(page)
    _fits_the_phone(page)
    header = page.locator("header.site").inner_text()
    assert "Nordbyen Residents' Association" in header
    cookie = next(c for c in page.context.cookies() if c["name"] == SESSION_COOKIE)
    assert cookie["httpOnly"]
    assert cookie["sameSite"] == "Lax"
    # the link is spent: opening it again says so
    spent = page.goto(f"{served_demo}{path}")
    assert spent is not None
    assert spent.status == 410
    assert_accessible(page)
    page.goto(f"{served_demo}/account")
    with page.expect_navigation():
        page.get_by_role("button", name=SIGN_OUT[lang], exact=True).click()
    assert_accessible(page)
    response = page.goto(f"{served_demo}/account")
    assert response is not None
    assert response.status == 401
    assert_accessible(page)
    assert page_log.foreign_requests() == []
    assert _unexpected(page_log) == []


@pytest.mark.parametrize("lang", ["en", "da"])
def test_an_expired_invitation_page_passes_axe(
    page: Page, served_demo: str, demo_app: FastAPI, lang: str
) -> None:
    page.set_viewport_size(PHONE)
    store: InvitationStore = demo_app.state.invitations
    new = store.create(_council(demo_app), Role.RESIDENT)
    past = store.now() - timedelta(days=1)
    p = store.tables.p
    with store.cursor() as c:
        c.execute(
            f"UPDATE {store.table} SET expires_at = {p} WHERE invitation_id = {p}",
            (past.isoformat(timespec="microseconds"), str(new.invitation.invitation_id)),
        )
    response = page.goto(f"{served_demo}{new.path}?lang={lang}")
    assert response is not None
    assert response.status == 410
    expect(page.locator("h1")).to_have_text(
        {"en": "This invitation has expired", "da": "Invitationen er udløbet"}[lang]
    )
    assert_accessible(page)
    _fits_the_phone(page)


def _council(app: FastAPI) -> UUID:
    return Organisation.create_id(slug=f"demo-council-{DEMO_SEED}")


@pytest.mark.parametrize("lang", ["en", "da"])
def test_the_officers_invitation_console_passes_axe(
    page: Page, page_log: PageLog, served_demo: str, demo_app: FastAPI, lang: str
) -> None:
    page.set_viewport_size(PHONE)
    sign_in_page(page, served_demo, demo_app, Role.COUNCIL_OFFICER, _council(demo_app))
    page.goto(f"{served_demo}/console/invitations?lang={lang}")
    assert_accessible(page)
    page.locator("#group").fill("no-such-group")
    with page.expect_navigation():
        page.locator("form.invite-form button[type=submit]").click()
    expect(page.locator("#group-error")).to_be_visible()
    assert_accessible(page)
    page.locator("#group").fill(f"nordbyen-residents-{DEMO_SEED}")
    with page.expect_navigation():
        page.locator("form.invite-form button[type=submit]").click()
    link = page.locator("#invitation-link").input_value()
    assert re.search(r"/invite/cpi_", link)
    expect(page.locator("figure.qr svg")).to_be_visible()
    assert_accessible(page)
    _fits_the_phone(page)
    assert _unexpected(page_log) == []
