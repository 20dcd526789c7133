"""A resident on a tender's evaluation panel, signed in through an invitation: declares their
conflicts before seeing the bids, then scores; a score off the scale is refused next to its
field and nothing is written; a person off the panel finds no such page."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from uuid import UUID

import pytest

from api.web.csrf import CSRF_FIELD
from coprod.application.commands import commissioning as cmd
from coprod.domain.commissioning_terms import PanelRole
from coprod.domain.tender import Tender
from coprod.domain.values import Role
from tests.api import commissioning_scenario as cc
from tests.api.scenario import Scenario, registrar, running_scenario
from tests.web.signin import csrf_of, sign_in


@pytest.fixture
def s(tmp_path: Path) -> Iterator[Scenario]:
    with running_scenario(tmp_path) as running:
        yield running


def _wait(s: Scenario) -> None:
    s.api.state.reads.wait_for(s.coprod.recorder.max_notification_id())


@pytest.mark.parametrize(("lang", "refusal"), [("en", "from 0 to 10"), ("da", "fra 0 til 10")])
def test_a_resident_declares_then_scores(s: Scenario, lang: str, refusal: str) -> None:
    ids = cc.closed_tender(s, "own")
    tender_id = UUID(ids["tender_id"])
    resident = UUID(s.person("own"))
    officer = registrar(s.councils["own"])
    appoint = cmd.AppointPanelMember(
        tender_id=tender_id, member_id=resident, role=PanelRole.RESIDENT
    )
    s.coprod.appoint_panel_member(appoint, officer)
    s.coprod.open_bids(cmd.OpenBids(tender_id=tender_id), officer)
    client = s.client
    sign_in(client, Role.RESIDENT, s.councils["own"], actor_id=resident)
    _wait(s)
    headers = {"Accept-Language": lang}
    listed = client.get("/my/panels", headers=headers)
    assert f'href="/my/panels/{tender_id}"' in listed.text
    page = client.get(f"/my/panels/{tender_id}", headers=headers)
    assert page.status_code == 200
    assert 'name="conflicted"' in page.text
    assert 'name="score-' not in page.text  # no bid to score, nor its price, before it
    declared = client.post(
        f"/my/panels/{tender_id}/declare",
        data={CSRF_FIELD: csrf_of(page.text)},
        follow_redirects=False,
    )
    assert declared.status_code == 303
    page = client.get(f"/my/panels/{tender_id}", headers=headers)
    bid = Tender.bid_id_for(tender_id, s.groups["own"], "main")
    field = f"score-{bid}-quality"
    assert f'name="{field}"' in page.text
    before = s.coprod.recorder.max_notification_id()
    refused = client.post(
        f"/my/panels/{tender_id}/scores",
        data={CSRF_FIELD: csrf_of(page.text), field: "11"},
        headers=headers,
    )
    assert refused.status_code == 400
    assert refusal in refused.text
    assert f'aria-describedby="{field}-error"' in refused.text
    assert s.coprod.recorder.max_notification_id() == before
    done = client.post(
        f"/my/panels/{tender_id}/scores",
        data={CSRF_FIELD: csrf_of(refused.text), field: "8"},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text[-3000:]
    assert s.coprod.load(Tender, tender_id).scores[(bid, "quality", resident)] == Decimal(8)


def test_a_person_off_the_panel_finds_no_such_page(s: Scenario) -> None:
    ids = cc.closed_tender(s, "own")
    sign_in(s.client, Role.RESIDENT, s.councils["own"])
    assert s.client.get(f"/my/panels/{ids['tender_id']}").status_code == 404
    assert "not on any evaluation panel" in s.client.get("/my/panels").text
