"""A resident votes with a code in a real browser, on a phone and a desktop, in Danish and
English: a knapsack ballot over the budget is refused with the reason, a valid one is cast, a
second ballot with the same code is refused, and the receipt checks out; axe finds nothing on
any of these pages, error states included."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from uuid import UUID

import pytest
import uvicorn
from fastapi import FastAPI
from playwright.sync_api import BrowserContext, Page, ViewportSize, expect

from api.http.app import create_app
from coprod.adapters.config import parse_database_url
from coprod.application import Coprod
from coprod.domain.values import Role
from coprod.domain.voting import VoteMethod
from tests.browser.conftest import assert_accessible
from tests.web.signin import sign_in_page
from tests.web.voting_site import codes, open_vote

PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
#: What the refusal and the pages say, by language.
TEXTS = {
    "en": {
        "over": "more than the DKK\u00a01,000.00 you can spend",
        "continue": "Continue",
        "cast": "Cast my ballot",
        "counted": "Your ballot is counted",
        "used": "This code has been used",
        "check": "Check",
        "receipt_ok": "Counted: this ballot has been counted since",
        "unknown": "This code does not open this vote",
    },
    "da": {
        "over": "mere end de 1.000,00\u00a0kr., du kan bruge",
        "continue": "Fortsæt",
        "cast": "Afgiv min stemme",
        "counted": "Din stemme er talt med",
        "used": "Denne kode er brugt",
        "check": "Tjek",
        "receipt_ok": "Talt med: denne stemmeseddel har været talt med siden",
        "unknown": "Denne kode åbner ikke denne afstemning",
    },
}


@dataclass
class Served:
    url: str
    app: FastAPI
    process: UUID
    options: list[UUID]

    def code(self) -> str:
        coprod: Coprod = self.app.state.coprod
        return codes(coprod, self.process, 1)[0]


@pytest.fixture(scope="module")
def served_vote(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """A knapsack vote (limit 1000 DKK; options 600, 500, 300) served on a free port."""
    database = tmp_path_factory.mktemp("vote") / "vote.sqlite"
    app = create_app(parse_database_url(f"sqlite:///{database}"))
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert thread.is_alive(), "the server did not start"
        assert time.monotonic() < deadline, "the server did not start in time"
        time.sleep(0.05)
    process, options = open_vote(app.state.coprod, VoteMethod.KNAPSACK)
    try:
        yield Served(f"http://127.0.0.1:{port}", app, process, options)
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()


@pytest.fixture
def voter(context: BrowserContext) -> tuple[Page, list[str]]:
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return page, errors


@pytest.mark.parametrize("lang", ["da", "en"])
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone-390", "desktop"])
def test_a_resident_votes_with_a_code(
    voter: tuple[Page, list[str]], served_vote: Served, lang: str, viewport: ViewportSize
) -> None:
    page, errors = voter
    text = TEXTS[lang]
    page.set_viewport_size(viewport)
    vote_url = f"{served_vote.url}/processes/{served_vote.process}/vote"
    page.goto(f"{vote_url}?lang={lang}")
    assert_accessible(page)

    page.fill("#code", "ABCD-EFGH-JKMN")  # a code never issued
    page.get_by_role("button", name=text["continue"]).click()
    expect(page.locator("#code-error")).to_contain_text(text["unknown"])
    assert_accessible(page)

    code = served_vote.code()
    page.fill("#code", code.lower())
    page.get_by_role("button", name=text["continue"]).click()
    boxes = page.locator("input[name=approve]")
    expect(boxes).to_have_count(3)
    assert_accessible(page)

    boxes.nth(0).check()
    boxes.nth(1).check()  # 600 + 500: over the limit of 1000
    expect(page.locator("#budget-left")).to_have_class("budget-left over")  # live, static JS
    page.get_by_role("button", name=text["cast"]).click()
    expect(page.locator("#choices-error")).to_contain_text(text["over"])
    expect(page.locator("input[name=approve]").nth(1)).to_be_checked()  # kept as marked
    assert_accessible(page)

    page.locator("input[name=approve]").nth(1).uncheck()
    page.locator("input[name=approve]").nth(2).check()
    page.get_by_role("button", name=text["cast"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(text["counted"])
    receipt = page.locator("#receipt").inner_text()
    assert_accessible(page)

    page.goto(f"{vote_url}?code={code}&lang={lang}")
    expect(page.get_by_role("heading", level=1)).to_have_text(text["used"])
    assert_accessible(page)

    page.goto(f"{served_vote.url}/processes/{served_vote.process}/receipt?lang={lang}")
    page.fill("#receipt", receipt)
    page.get_by_role("button", name=text["check"], exact=True).click()
    expect(page.locator("#receipt-result")).to_contain_text(text["receipt_ok"])
    assert_accessible(page)
    # the refusals answer 400 and 410, which chromium logs; nothing else may be logged
    assert [e for e in errors if not e.startswith("Failed to load resource")] == []


def test_the_budget_left_works_with_javascript_off(
    browser_without_js: BrowserContext, served_vote: Served
) -> None:
    page = browser_without_js.new_page()
    page.goto(
        f"{served_vote.url}/processes/{served_vote.process}/vote?code={served_vote.code()}&lang=en"
    )
    page.locator("input[name=approve]").nth(0).check()
    page.get_by_role("button", name="Check my ballot").click()
    expect(page.locator("#budget-left [data-left]")).to_have_text("DKK\u00a0400.00")
    expect(page.get_by_role("status")).to_contain_text("can be counted as marked")
    # (axe runs as a script: it scans this page state with JavaScript on, below)


def test_a_checked_ballot_passes_axe(voter: tuple[Page, list[str]], served_vote: Served) -> None:
    page, _errors = voter
    page.goto(
        f"{served_vote.url}/processes/{served_vote.process}/vote?code={served_vote.code()}&lang=da"
    )
    page.locator("input[name=approve]").nth(2).check()
    page.get_by_role("button", name="Tjek min stemmeseddel").click()
    expect(page.get_by_role("status")).to_contain_text("kan tælles med")
    assert_accessible(page)


@pytest.fixture
def browser_without_js(context: BrowserContext) -> Iterator[BrowserContext]:
    ctx = context.browser.new_context(java_script_enabled=False)  # type: ignore[union-attr]
    yield ctx
    ctx.close()


PAPER_TEXTS = {
    "en": {"enter": "Enter the paper ballot", "over": "more than the", "confirm": "confirm"},
    "da": {"enter": "Indtast papirstemmesedlen", "over": "mere end de", "confirm": "bekræft"},
}


@pytest.mark.parametrize(
    ("lang", "viewport"), [("da", PHONE), ("en", DESKTOP)], ids=["da-phone", "en-desktop"]
)
def test_two_officers_enter_and_check_a_paper_ballot(
    context: BrowserContext, served_vote: Served, lang: str, viewport: ViewportSize
) -> None:
    """One officer types a paper in (an over-budget typo refused first); the same officer
    cannot confirm it (four eyes); a second officer confirms it and it counts."""
    text = PAPER_TEXTS[lang]
    coprod: Coprod = served_vote.app.state.coprod
    council = coprod.get_process(served_vote.process).council_id
    typist = context.new_page()
    typist.set_viewport_size(viewport)
    sign_in_page(typist, served_vote.url, served_vote.app, Role.COUNCIL_OFFICER, council)
    typist.goto(
        f"{served_vote.url}/console/processes/{served_vote.process}/paper-ballots?lang={lang}"
    )
    assert_accessible(typist)

    serial = f"B-{lang}-{viewport['width']}"
    typist.fill("#serial", serial)
    boxes = typist.locator("input[name=approve]")
    boxes.nth(0).check()
    boxes.nth(1).check()
    typist.get_by_role("button", name=text["enter"]).click()
    expect(typist.locator("#choices-error")).to_contain_text(text["over"])
    assert_accessible(typist)

    typist.locator("input[name=approve]").nth(1).uncheck()
    typist.get_by_role("button", name=text["enter"]).click()
    expect(typist.get_by_role("status")).to_be_visible()
    typist.get_by_role("link", name=serial).click()
    entry_url = typist.url.split("?")[0]
    typist.get_by_role("button", name=re.compile(text["confirm"])).click()
    expect(typist.locator("#four_eyes-error")).to_be_visible()
    assert_accessible(typist)

    checker_context = context.browser.new_context(viewport=viewport)  # type: ignore[union-attr]
    checker = checker_context.new_page()
    sign_in_page(checker, served_vote.url, served_vote.app, Role.COUNCIL_OFFICER, council)
    checker.goto(f"{entry_url}?lang={lang}")
    assert_accessible(checker)
    checker.get_by_role("button", name=re.compile(text["confirm"])).click()
    expect(checker.get_by_role("status")).to_be_visible()
    expect(checker.get_by_role("link", name=serial)).to_have_count(0)
    assert_accessible(checker)
    checker_context.close()


@pytest.mark.parametrize(
    ("lang", "viewport"), [("da", PHONE), ("en", DESKTOP)], ids=["da-phone", "en-desktop"]
)
def test_an_invited_resident_votes_without_a_code(
    context: BrowserContext, served_vote: Served, lang: str, viewport: ViewportSize
) -> None:
    """Signed in through the council's invitation, a resident gets the ballot straight away,
    casts it once, and is told so on a second visit; axe finds nothing on these pages."""
    text = TEXTS[lang]
    coprod: Coprod = served_vote.app.state.coprod
    council = coprod.get_process(served_vote.process).council_id
    page = context.new_page()
    page.set_viewport_size(viewport)
    sign_in_page(page, served_vote.url, served_vote.app, Role.RESIDENT, council)
    vote_url = f"{served_vote.url}/processes/{served_vote.process}/vote?lang={lang}"
    page.goto(vote_url)
    expect(page.locator("#code")).to_have_count(0)
    assert_accessible(page)
    page.locator("input[name=approve]").nth(2).check()
    page.get_by_role("button", name=text["cast"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(text["counted"])
    assert_accessible(page)
    page.goto(vote_url)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Du har stemt" if lang == "da" else "You have voted"
    )
    assert_accessible(page)
