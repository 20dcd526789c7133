"""The officers' console runs a co-commissioned tender: open the bids after the deadline,
award a lot with the full record (refused next to its field without one, nothing written),
sign the contract after the standstill (refused before it); another council is refused. A
tender of several lots: the officer names them in the service form, a group chooses the lot
each bid is for."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from uuid import UUID

import pytest
from fastapi.testclient import TestClient

from api.web.csrf import CSRF_FIELD
from coprod.domain.commissioning import ServiceNeed
from coprod.domain.tender import Tender
from coprod.domain.values import Role
from tests.api import commissioning_scenario as cc
from tests.api.scenario import TODAY, Scenario, running_scenario
from tests.web.signin import csrf_of, sign_in

DA = {"Accept-Language": "da"}
EN = {"Accept-Language": "en"}


@pytest.fixture
def s(tmp_path: Path) -> Iterator[Scenario]:
    with running_scenario(tmp_path) as running:
        yield running


def _officer(s: Scenario, side: str = "own") -> TestClient:
    sign_in(s.client, Role.COUNCIL_OFFICER, s.councils[side])  # type: ignore[index]
    return s.client


def _page(client: TestClient, tender: str, headers: dict[str, str] = EN) -> str:
    coprod = client.app.state.coprod  # type: ignore[attr-defined]
    client.app.state.reads.wait_for(coprod.recorder.max_notification_id())  # type: ignore[attr-defined]
    page = client.get(f"/console/tenders/{tender}", headers=headers)
    assert page.status_code == 200, page.text
    return page.text


def _log(s: Scenario) -> int:
    return s.coprod.recorder.max_notification_id() or 0


def test_an_officer_opens_the_bids_after_the_deadline(s: Scenario) -> None:
    ids = cc.closed_tender(s, "own")
    client = _officer(s)
    html = _page(client, ids["tender_id"])
    assert "Open the bids" in html
    done = client.post(
        f"/console/tenders/{ids['tender_id']}/open",
        data={CSRF_FIELD: csrf_of(html)},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert s.coprod.load(Tender, UUID(ids["tender_id"])).opened
    assert "Bids and scores" in _page(client, ids["tender_id"])


def _award(ids: dict[str, str], token: str, **fields: str) -> dict[str, str]:
    return {CSRF_FIELD: token, "lot_code": "main", "bid_id": ids["bid"], **fields}


@pytest.mark.parametrize(
    ("headers", "message"),
    [(EN, "must state its legal basis"), (DA, "skal angive sin hjemmel")],
)
def test_an_award_without_its_record_is_refused_next_to_the_field(
    s: Scenario, headers: dict[str, str], message: str
) -> None:
    ids = cc.scored_tender(s, "own")
    client = _officer(s)
    html = _page(client, ids["tender_id"], headers)
    before = _log(s)
    refused = client.post(
        f"/console/tenders/{ids['tender_id']}/award",
        data=_award(ids, csrf_of(html), decided_on=str(TODAY), standstill_days="10"),
        headers=headers,
    )
    assert refused.status_code == 400
    assert message in refused.text
    assert 'aria-describedby="legal_basis-error"' in refused.text
    assert _log(s) == before
    record = {
        "decided_on": str(TODAY),
        "standstill_days": "10",
        "legal_basis": "Udbudsloven § 162",
        "main_considerations": "The only bid, scored 7 of 10.",
        "facts": ids["bid"],
        "complaints_body": "Klagenævnet for Udbud",
        "complaints_procedure": "In writing.",
        "complaints_days": "45",
    }
    done = client.post(
        f"/console/tenders/{ids['tender_id']}/award",
        data=_award(ids, csrf_of(refused.text), **record),
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    assert "main" in s.coprod.load(Tender, UUID(ids["tender_id"])).awards


def test_the_contract_waits_for_the_standstill(s: Scenario) -> None:
    ids = cc.awarded_tender(s, "own")  # decided ten days ago, ten days' standstill
    client = _officer(s)
    html = _page(client, ids["tender_id"])
    terms = {
        "lot_code": "main",
        "value": "900",
        "starts_on": str(TODAY),
        "ends_on": str(TODAY + timedelta(days=365)),
    }
    early = client.post(
        f"/console/tenders/{ids['tender_id']}/contract",
        data={CSRF_FIELD: csrf_of(html), **terms, "signed_on": str(TODAY - timedelta(days=1))},
    )
    assert early.status_code == 400
    assert "standstill period has not ended yet" in early.text
    done = client.post(
        f"/console/tenders/{ids['tender_id']}/contract",
        data={CSRF_FIELD: csrf_of(early.text), **terms, "signed_on": str(TODAY)},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    assert "main" in s.coprod.load(Tender, UUID(ids["tender_id"])).contracts


def test_another_councils_officer_is_refused(s: Scenario) -> None:
    ids = cc.closed_tender(s, "other")
    client = _officer(s)
    assert client.get(f"/console/tenders/{ids['tender_id']}").status_code == 403
    process = client.get(f"/console/processes/{cc.need(s, 'own')['process_id']}")
    assert process.status_code == 200


def _service(token: str, **changes: str) -> dict[str, str]:
    form = {
        CSRF_FIELD: token,
        "need_code": "repair-cafe",
        "need_title": "A repair café",
        "need_description": "Monthly, with volunteers.",
        "defined_on": str(TODAY),
        "people_residents": "18",
        "people_officers": "2",
        "tender_code": "repair-2027",
        "tender_title": "Running the repair café",
        "lot_title": "The café",
        "deadline": str(TODAY + timedelta(days=30)),
        "estimated_value": "120000",
        "scale": "10",
        "criterion_1": "Plan made with residents",
        "weight_1": "70",
        "price_weight": "30",
    }
    return form | changes


@pytest.mark.parametrize(("headers", "message"), [(EN, "add up to 100"), (DA, "giver vægtene 100")])
def test_an_officer_starts_a_co_commissioned_service(
    s: Scenario, headers: dict[str, str], message: str
) -> None:
    process = cc.need(s, "own")["process_id"]
    client = _officer(s)
    page = client.get(f"/console/processes/{process}", headers=headers)
    assert f'href="/console/processes/{process}/services/new"' in page.text
    form = client.get(f"/console/processes/{process}/services/new", headers=headers)
    assert form.status_code == 200
    before = _log(s)
    refused = client.post(
        f"/console/processes/{process}/services",
        data=_service(csrf_of(form.text), weight_1="60"),
        headers=headers,
    )
    assert refused.status_code == 400
    assert message in refused.text
    no_residents = client.post(
        f"/console/processes/{process}/services",
        data=_service(csrf_of(form.text), people_residents=""),
        headers=headers,
    )
    assert no_residents.status_code == 400
    assert 'aria-describedby="people-error"' in no_residents.text
    assert _log(s) == before  # nothing written
    done = client.post(
        f"/console/processes/{process}/services",
        data=_service(csrf_of(form.text)),
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    assert done.headers["location"].startswith("/console/tenders/")


def test_an_officer_adds_a_resident_who_signs_in_to_the_panel(s: Scenario) -> None:
    ids = cc.open_tender(s, "own")
    client = _officer(s)
    html = _page(client, ids["tender_id"])
    made = client.post(
        f"/console/tenders/{ids['tender_id']}/panel",
        data={CSRF_FIELD: csrf_of(html), "role": "resident", "name": "Karen"},
    )
    assert made.status_code == 200, made.text
    link = re.search(r'value="(http[^"]+/invite/[^"]+)"', made.text)
    assert link is not None
    tender = s.coprod.load(Tender, UUID(ids["tender_id"]))
    (resident,) = [m for m, role in tender.panel.items() if role.value == "resident"]
    rows = s.coprod.recorder.select_notifications(1, 100_000)
    assert not any(b"Karen" in n.state for n in rows)  # the name is in the personal-data store
    client.cookies.clear()
    path = "/" + link.group(1).split("/", 3)[3]
    signin = client.get(path)
    client.post(path, data={CSRF_FIELD: csrf_of(signin.text)})
    panels = client.get("/my/panels")
    assert f'href="/my/panels/{ids["tender_id"]}"' in panels.text
    assert resident in tender.panel


def test_an_officer_records_a_co_design_session(s: Scenario) -> None:
    ids = cc.open_tender(s, "own")
    client = _officer(s)
    html = _page(client, ids["tender_id"])
    before = _log(s)
    session = {"session_code": "workshop-1", "session_on": str(TODAY), "outputs": "Open Fridays"}
    refused = client.post(
        f"/console/tenders/{ids['tender_id']}/sessions",
        data={CSRF_FIELD: csrf_of(html), **session},
    )
    assert refused.status_code == 400
    assert 'aria-describedby="session_people-error"' in refused.text
    assert 'value="workshop-1"' in refused.text  # what was typed stays
    assert _log(s) == before
    done = client.post(
        f"/console/tenders/{ids['tender_id']}/sessions",
        data={CSRF_FIELD: csrf_of(refused.text), **session, "session_people_residents": "9"},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    need = s.coprod.load(ServiceNeed, UUID(ids["need_id"]))
    assert need.sessions["workshop-1"].outputs == ("Open Fridays",)


def test_a_group_member_bids_until_the_deadline(s: Scenario) -> None:
    ids = cc.open_tender(s, "own")
    sign_in(s.client, Role.COMMUNITY_MEMBER, s.groups["own"])
    client = s.client
    public = client.get(f"/tenders/{ids['tender_id']}")
    assert f'href="/tenders/{ids["tender_id"]}/bid"' in public.text
    form = client.get(f"/tenders/{ids['tender_id']}/bid")
    refused = client.post(
        f"/tenders/{ids['tender_id']}/bid",
        data={CSRF_FIELD: csrf_of(form.text), "price": "-5", "documents": ""},
    )
    assert refused.status_code == 400
    assert 'aria-describedby="price-error"' in refused.text
    done = client.post(
        f"/tenders/{ids['tender_id']}/bid",
        data={CSRF_FIELD: csrf_of(form.text), "price": "38000", "documents": "https://x.org/a.pdf"},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    tender = s.coprod.load(Tender, UUID(ids["tender_id"]))
    (bid,) = tender.bids.values()
    assert (bid.bidder_id, bid.price.amount) == (s.groups["own"], 38000)
    shown = client.get(done.headers["location"], headers=EN).text
    assert "Your bid now: DKK\u00a038,000.00." in shown


def test_an_officer_records_a_moderated_score(s: Scenario) -> None:
    ids = cc.scored_tender(s, "own")
    client = _officer(s)
    html = _page(client, ids["tender_id"])
    target = f"{ids['bid']}/quality"
    assert f'value="{target}"' in html
    before = _log(s)
    refused = client.post(
        f"/console/tenders/{ids['tender_id']}/moderation",
        data={CSRF_FIELD: csrf_of(html), "moderation_target": target, "moderation_score": "12"},
    )
    assert refused.status_code == 400
    assert 'aria-describedby="moderation_reason-error"' in refused.text
    assert _log(s) == before
    done = client.post(
        f"/console/tenders/{ids['tender_id']}/moderation",
        data={
            CSRF_FIELD: csrf_of(html),
            "moderation_target": target,
            "moderation_score": "9",
            "moderation_reason": "Agreed after discussion",
        },
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    moderated = s.coprod.load(Tender, UUID(ids["tender_id"])).moderated
    assert moderated == {(UUID(ids["bid"]), "quality"): 9}


def _two_lots(token: str, **changes: str) -> dict[str, str]:
    form = {
        CSRF_FIELD: token,
        "need_code": "green-spaces",
        "need_title": "Green spaces cared for",
        "need_description": "Parks and verges, with residents.",
        "defined_on": str(TODAY),
        "people_residents": "25",
        "tender_code": "green-2027",
        "tender_title": "Caring for green spaces",
        "lot_title": "The north parks",
        "lot_title_2": "The south verges",
        "deadline": str(TODAY + timedelta(days=30)),
        "estimated_value": "200000",
        "scale": "10",
        "criterion_1": "Residents involved",
        "weight_1": "60",
        "price_weight": "40",
    }
    return form | changes


def _two_lot_tender(s: Scenario) -> UUID:
    """An officer starts the service in the console; returns the tender's id."""
    process = cc.need(s, "own")["process_id"]
    sign_in(s.client, Role.COUNCIL_OFFICER, s.councils["own"])
    form = s.client.get(f"/console/processes/{process}/services/new", headers=EN)
    assert "A second lot, awarded on its own (optional)" in form.text
    before = _log(s)
    too_long = s.client.post(
        f"/console/processes/{process}/services",
        data=_two_lots(csrf_of(form.text), lot_title_2="x" * 201),
        headers=DA,
    )
    assert too_long.status_code == 400
    assert 'aria-describedby="lot_title_2-error"' in too_long.text
    assert 'aria-describedby="lot_title-error"' not in too_long.text
    assert _log(s) == before  # nothing written
    done = s.client.post(
        f"/console/processes/{process}/services",
        data=_two_lots(csrf_of(form.text)),
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    return UUID(done.headers["location"].rsplit("/", 1)[-1])


def test_an_officer_names_two_lots_and_a_group_bids_for_the_second(s: Scenario) -> None:
    tender_id = _two_lot_tender(s)
    tender = s.coprod.load(Tender, tender_id)
    assert {code: lot.title for code, lot in tender.lots.items()} == {
        "lot-1": "The north parks",
        "lot-2": "The south verges",
    }
    s.client.cookies.clear()
    sign_in(s.client, Role.COMMUNITY_MEMBER, s.groups["own"])
    client: TestClient = s.client
    path = f"/tenders/{tender_id}/bid"
    form = client.get(path, headers=EN)
    assert 'name="lot_code" value="lot-2"' in form.text
    before = _log(s)
    unchosen = client.post(
        path, data={CSRF_FIELD: csrf_of(form.text), "price": "90000"}, headers=DA
    )
    assert unchosen.status_code == 400
    assert "Vælg den delaftale, du byder på." in unchosen.text
    assert 'aria-describedby="lot_code-error"' in unchosen.text
    made_up = {CSRF_FIELD: csrf_of(form.text), "price": "90000", "lot_code": "lot-9"}
    assert client.post(path, data=made_up).status_code == 400
    assert _log(s) == before  # nothing written
    chosen = {CSRF_FIELD: csrf_of(form.text), "price": "90000", "lot_code": "lot-2"}
    done = client.post(path, data=chosen, follow_redirects=False)
    assert done.status_code == 303, done.text
    (bid,) = s.coprod.load(Tender, tender_id).bids.values()
    assert (bid.lot_code, bid.bidder_id, bid.price.amount) == (
        "lot-2",
        s.groups["own"],
        Decimal(90000),
    )
    shown = client.get(done.headers["location"], headers=EN).text
    assert "Your bid for The south verges now: DKK\u00a090,000.00." in shown
    assert "The north parks now" not in shown


def test_a_tender_of_one_lot_asks_no_lot(s: Scenario) -> None:
    ids = cc.open_tender(s, "own")
    sign_in(s.client, Role.COMMUNITY_MEMBER, s.groups["own"])
    form = s.client.get(f"/tenders/{ids['tender_id']}/bid", headers=EN)
    assert 'name="lot_code"' not in form.text
