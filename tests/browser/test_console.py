"""The officers' console in a real browser (Chromium, desktop): an officer verifies a
contribution, is refused a rejection without a legal basis (the message next to the field),
records it with one, and publishes a release that the public impact page then shows.
axe-core finds 0 violations on every console page, error states included, in da and en.

The world is built over the live server's HTTP API with the same builders the API tests
use (tests/api/scenario.py), so the browser meets objects the use cases made.
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI
from playwright.sync_api import BrowserContext, Page, Route

from api.http.app import create_app
from api.keys import KeyStore
from coprod.adapters.config import parse_database_url
from coprod.application import SYSTEM_ACTOR
from coprod.application.commands import commissioning as cmd
from coprod.application.commands.people import RegisterOrganisation
from coprod.domain.commissioning_terms import PanelRole
from coprod.domain.organisation import OrganisationKind
from coprod.domain.values import Role
from tests.api import commissioning_scenario as cc
from tests.api.scenario import Scenario, registrar
from tests.browser.conftest import assert_accessible
from tests.web.signin import sign_in_page

DESKTOP = {"width": 1280, "height": 900}


class _Answer:
    def __init__(self, status_code: int, text: str) -> None:
        self.status_code = status_code
        self.text = text

    def json(self) -> Any:
        return json.loads(self.text)


class _Client:
    """The little of an HTTP client the scenario's builders use, over the real socket."""

    def __init__(self, base: str) -> None:
        self.base = base

    def post(self, path: str, json: Any = None, headers: dict[str, str] | None = None) -> _Answer:
        body = None if json is None else _dumps(json)
        request = urllib.request.Request(
            self.base + path,
            data=body or b"",
            headers={"Content-Type": "application/json", **(headers or {})},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                return _Answer(answer.status, answer.read().decode())
        except urllib.error.HTTPError as e:
            return _Answer(e.code, e.read().decode())


def _dumps(value: Any) -> bytes:
    return json.dumps(value).encode()


@dataclass
class World:
    base: str
    s: Scenario
    contribution: dict[str, str]
    decide: dict[str, str]
    #: co-commissioned tenders at three steps: "closed", "scored", "awarded"
    tenders: dict[str, dict[str, str]]


def _serve(app: FastAPI) -> Iterator[str]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("the console test server did not start", pytrace=False)
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    database: Path = tmp_path_factory.mktemp("console") / "console.sqlite"
    app = create_app(parse_database_url(f"sqlite:///{database}"))
    for base in _serve(app):
        coprod = app.state.coprod
        register = coprod.register_organisation
        council = OrganisationKind.COUNCIL
        councils = {
            side: register(
                RegisterOrganisation(slug=slug, kind=council, display_name=name), SYSTEM_ACTOR
            ).aggregate_id
            for side, slug, name in (("own", "aarhus", "Aarhus"), ("other", "odense", "Odense"))
        }
        group = OrganisationKind.COMMUNITY_GROUP
        groups = {
            side: register(
                RegisterOrganisation(slug=slug, kind=group, display_name=slug),
                registrar(councils[side]),
            ).aggregate_id
            for side, slug in (("own", "park-friends"), ("other", "lake-friends"))
        }
        store: KeyStore = app.state.keys
        keys, actors = {}, {}
        for name, org, role in (
            ("officer", councils["own"], Role.COUNCIL_OFFICER),
            ("other_officer", councils["other"], Role.COUNCIL_OFFICER),
            ("member", groups["own"], Role.COMMUNITY_MEMBER),
            ("other_member", groups["other"], Role.COMMUNITY_MEMBER),
        ):
            new = store.create(org, role, label=name)
            keys[name] = {"Authorization": f"Bearer {new.secret}"}
            actors[name] = new.key.actor_id
        client = _Client(base)
        s = Scenario(app, client, councils, groups, keys, actors)  # type: ignore[arg-type]
        contribution = s.contribution("own")
        decide = s.proposal("own", "decision")
        decide["fact"] = s.fact("own", decide["proposal"])
        tenders = {
            "closed": cc.closed_tender(s, "own"),
            "scored": cc.scored_tender(s, "own"),
            "awarded": cc.awarded_tender(s, "own"),
        }
        yield World(base, s, contribution, decide, tenders)


@pytest.fixture
def officer(context: BrowserContext, world: World) -> Page:
    """A desktop page signed in as the own council's officer; requests stay on the server."""

    def guard(route: Route) -> None:
        if route.request.url.startswith((world.base, "data:", "blob:", "about:")):
            route.continue_()
        else:
            route.abort("blockedbyclient")

    context.route("**/*", guard)
    page = context.new_page()
    page.set_viewport_size(DESKTOP)
    sign_in_page(page, world.base, world.s.api, Role.COUNCIL_OFFICER, world.s.councils["own"])
    return page


def test_an_officer_verifies_rejects_and_publishes(officer: Page, world: World) -> None:
    page, base = officer, world.base
    page.goto(f"{base}/console?lang=en")
    assert_accessible(page)
    # verify the waiting contribution
    page.get_by_role("button", name="Verify").first.click()
    page.wait_for_url(re.compile(r"done=verified"))
    assert page.get_by_role("status").inner_text() == "The contribution was verified."
    assert_accessible(page)
    # a rejection without a legal basis: refused, the message next to the field
    decision = f"{base}/console/proposals/{world.decide['proposal']}/decision"
    page.goto(decision)
    assert_accessible(page)
    page.select_option("#outcome", "rejected")
    page.fill("#main_considerations", "The site is not available")
    page.check("input[name=facts]")
    page.fill("#complaints_body", "Ankestyrelsen")
    page.fill("#complaints_procedure", "In writing")
    page.fill("#complaints_days", "28")
    page.get_by_role("button", name="Record the decision").click()
    error = page.locator("#legal_basis-error")
    assert "must state its legal basis" in error.inner_text()
    assert page.locator("#legal_basis").get_attribute("aria-describedby") == "legal_basis-error"
    assert_accessible(page)
    page.goto(f"{decision}?lang=da")
    assert_accessible(page)
    # with a legal basis it is recorded and shown on the proposal's public page
    page.goto(f"{decision}?lang=en")
    page.select_option("#outcome", "rejected")
    page.fill("#legal_basis", "Local Government Act §1")
    page.fill("#main_considerations", "The site is not available")
    page.check("input[name=facts]")
    page.fill("#complaints_body", "Ankestyrelsen")
    page.fill("#complaints_procedure", "In writing")
    page.fill("#complaints_days", "28")
    page.get_by_role("button", name="Record the decision").click()
    page.wait_for_url(f"{base}/proposals/{world.decide['proposal']}")
    assert "Local Government Act §1" in page.content()
    # publish a release: the public impact page changes
    process = world.contribution["process"]
    page.goto(f"{base}/processes/{process}/impact?lang=en")
    assert "No figures have been published" in page.content()
    page.goto(f"{base}/console/processes/{process}?lang=en")
    assert_accessible(page)
    page.fill("#note", "First figures")
    page.get_by_role("button", name="Publish the next release").click()
    page.wait_for_url(re.compile(r"done=published"))
    assert_accessible(page)
    page.goto(f"{base}/processes/{process}/impact?lang=en")
    assert "No figures have been published" not in page.content()


@pytest.mark.parametrize("lang", ["da", "en"])
def test_every_console_page_passes_axe_with_its_error_states(
    officer: Page, world: World, lang: str
) -> None:
    page, base = officer, world.base
    project = world.contribution["project"]
    pages = [
        "/console",
        f"/console/processes/{world.contribution['process']}",
        f"/console/projects/{project}",
        f"/console/proposals/{world.decide['proposal']}/decision",
        *(f"/console/tenders/{t['tender_id']}" for t in world.tenders.values()),
        f"/tenders/{world.tenders['awarded']['tender_id']}",
        f"/console/processes/{world.contribution['process']}/services/new",
        f"/tenders/{world.tenders['closed']['tender_id']}/bid",
    ]
    for path in pages:
        page.goto(f"{base}{path}?lang={lang}")
        assert_accessible(page)
    # error states: a dispute without a reason, a bad date, a refused phase
    page.goto(f"{base}/console/projects/{project}?lang={lang}")
    page.fill("#spend-amount", "-1")
    page.locator("form[action$='/spend'] button").click()
    assert page.locator("#spend-amount-error").count() == 1
    assert_accessible(page)
    page.goto(f"{base}/console/proposals/{world.decide['proposal']}/decision?lang={lang}")
    page.fill("#decided_on", "")
    page.locator("form.decision-form button").click()
    assert page.locator("#decided_on-error").count() == 1
    assert_accessible(page)
    # a tender's award without its record, a contract without its dates
    page.goto(f"{base}/console/tenders/{world.tenders['scored']['tender_id']}?lang={lang}")
    page.locator("form[action$='/award'] button").click()
    assert page.locator("#legal_basis-error").count() == 1
    assert_accessible(page)
    page.locator("form[action$='/moderation'] button").click()
    assert page.locator("#moderation_reason-error").count() == 1
    assert_accessible(page)
    page.goto(f"{base}/console/tenders/{world.tenders['awarded']['tender_id']}?lang={lang}")
    page.locator("form[action$='/contract'] button").click()
    assert page.locator("#signed_on-error").count() == 1
    assert_accessible(page)
    # a new service without its people and weights; a panel member's sign-in link
    page.goto(f"{base}/console/processes/{world.contribution['process']}/services/new?lang={lang}")
    page.locator("form[action$='/services'] button").click()
    assert page.locator("#people-error").count() == 1
    assert_accessible(page)
    page.goto(f"{base}/console/tenders/{world.tenders['closed']['tender_id']}?lang={lang}")
    page.locator("form[action$='/sessions'] button").click()
    assert page.locator("#session_people-error").count() == 1
    assert_accessible(page)
    page.goto(f"{base}/tenders/{world.tenders['closed']['tender_id']}/bid?lang={lang}")
    page.locator("form[action$='/bid'] button").click()
    assert page.locator("#price-error").count() == 1
    assert_accessible(page)
    page.goto(f"{base}/console/tenders/{world.tenders['closed']['tender_id']}?lang={lang}")
    page.locator("form[action$='/panel'] button").click()
    assert page.locator("#member-link").count() == 1
    assert_accessible(page)


def test_another_council_s_officer_gets_a_page_that_passes_axe(
    context: BrowserContext, world: World
) -> None:
    page = context.new_page()
    sign_in_page(page, world.base, world.s.api, Role.COUNCIL_OFFICER, world.s.councils["other"])
    page.goto(f"{world.base}/console/projects/{world.contribution['project']}?lang=da")
    assert "Ikke din kommunes sag" in page.content()
    assert_accessible(page)
    page.goto(f"{world.base}/console?lang=en")
    assert_accessible(page)
    assert uuid.UUID(world.contribution["project"])  # the own council's: never listed
    assert world.contribution["project"] not in page.content()


@pytest.mark.parametrize("lang", ["da", "en"])
def test_a_panel_member_s_pages_pass_axe(context: BrowserContext, world: World, lang: str) -> None:
    """A resident on a panel: the list, the declaration, the scores and a refused score."""
    s = world.s
    ids = cc.closed_tender(s, "own")
    tender = uuid.UUID(ids["tender_id"])
    resident = uuid.UUID(s.person("own"))
    officer = registrar(s.councils["own"])
    s.coprod.appoint_panel_member(
        cmd.AppointPanelMember(tender_id=tender, member_id=resident, role=PanelRole.RESIDENT),
        officer,
    )
    s.coprod.open_bids(cmd.OpenBids(tender_id=tender), officer)
    page = context.new_page()
    page.set_viewport_size(DESKTOP)
    sign_in_page(page, world.base, s.api, Role.RESIDENT, s.councils["own"], resident)
    s.api.state.reads.wait_for(s.coprod.recorder.max_notification_id())
    page.goto(f"{world.base}/my/panels?lang={lang}")
    assert_accessible(page)
    page.goto(f"{world.base}/my/panels/{tender}?lang={lang}")
    assert_accessible(page)
    page.locator("form[action$='/declare'] button").click()
    page.wait_for_url(f"{world.base}/my/panels/{tender}")
    page.goto(f"{world.base}/my/panels/{tender}?lang={lang}")
    assert_accessible(page)
    page.locator("input[name^='score-']").first.fill("99")
    page.locator("form[action$='/scores'] button").click()
    assert page.locator("p.error[id$='-error']").count() == 1
    assert_accessible(page)
