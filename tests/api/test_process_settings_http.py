"""Process settings and case-file business dates over HTTP.

The disclosure threshold k and the minimum hearing period are set by an officer of the
process's council (ETag/If-Match like every other setting); out-of-range values are 422
naming the field, a member's key is 403; nothing is written on a refusal. Facts and hearings
take their business dates (``noted_on``, ``sent_on``) from the body, and the hearing-date
rules judge them as they do in Python.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.api.conftest import event_topics
from tests.api.scenario import TODAY, Scenario, running_scenario


@pytest.fixture
def s(tmp_path: Path) -> Iterator[Scenario]:
    with running_scenario(tmp_path) as running:
        yield running


def _process(s: Scenario, pid: str) -> Any:
    answer = s.client.get(f"/api/v1/processes/{pid}", headers=s.officer("own"))
    assert answer.status_code == 200, answer.text
    return answer


def test_an_officer_sets_the_minimum_hearing_period_and_hearings_follow_it(s: Scenario) -> None:
    ids = s.proposal("own", "review")
    pid, prop = ids["process"], ids["proposal"]
    before = _process(s, pid)
    assert before.json()["min_hearing_days"] == 14
    answer = s.client.post(
        f"/api/v1/processes/{pid}/minimum-hearing-period",
        json={"days": 21},
        headers={**s.officer("own"), "If-Match": before.headers["ETag"]},
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["version"] == before.json()["version"] + 1
    assert answer.headers["ETag"] != before.headers["ETag"]
    assert _process(s, pid).json()["min_hearing_days"] == 21
    fact = s.fact("own", prop, known_to_party=False)
    hearing = {"party_id": prop, "fact_ids": [fact], "deadline": str(TODAY + timedelta(14))}
    refused = s.client.post(
        f"/api/v1/proposals/{prop}/hearings", json=hearing, headers=s.officer("own")
    )
    assert (refused.status_code, refused.json()["rule"]) == (422, "hearing-period")
    assert "of 21 days" in refused.json()["detail"]
    s.post(
        f"/proposals/{prop}/hearings",
        s.officer("own"),
        {**hearing, "deadline": str(TODAY + timedelta(21))},
    )


def test_a_stale_if_match_on_a_setting_is_a_conflict(s: Scenario) -> None:
    pid = s.process("own")
    stale = _process(s, pid).headers["ETag"]
    s.post(f"/processes/{pid}/disclosure-threshold", s.officer("own"), {"k": 7})
    answer = s.client.post(
        f"/api/v1/processes/{pid}/minimum-hearing-period",
        json={"days": 30},
        headers={**s.officer("own"), "If-Match": stale},
    )
    assert answer.status_code == 412, answer.text
    assert _process(s, pid).json()["min_hearing_days"] == 14


def test_an_officer_sets_the_disclosure_threshold(s: Scenario) -> None:
    pid = s.process("own")
    assert _process(s, pid).json()["disclosure_k"] == 5
    made = s.post(f"/processes/{pid}/disclosure-threshold", s.officer("own"), {"k": 10})
    assert set(made) == {"id", "version", "position", "item_id"}
    assert made["id"] == pid
    assert _process(s, pid).json()["disclosure_k"] == 10


@pytest.mark.parametrize(
    ("path", "field", "bad"),
    [
        ("minimum-hearing-period", "days", 0),
        ("minimum-hearing-period", "days", 366),
        ("minimum-hearing-period", "days", "14"),
        ("minimum-hearing-period", "days", True),
        ("disclosure-threshold", "k", 2),
        ("disclosure-threshold", "k", -1),
        ("disclosure-threshold", "k", 5.5),
    ],
)
def test_out_of_range_settings_are_422_naming_the_field(
    s: Scenario, path: str, field: str, bad: Any
) -> None:
    pid = s.process("own")
    before = len(event_topics(s.coprod))
    answer = s.client.post(
        f"/api/v1/processes/{pid}/{path}", json={field: bad}, headers=s.officer("own")
    )
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert field in answer.text
    assert len(event_topics(s.coprod)) == before
    view = _process(s, pid).json()
    assert (view["disclosure_k"], view["min_hearing_days"]) == (5, 14)


@pytest.mark.parametrize(
    ("path", "body"),
    [("minimum-hearing-period", {"days": 1}), ("disclosure-threshold", {"k": 3})],
)
def test_a_member_may_not_change_a_process_setting(
    s: Scenario, path: str, body: dict[str, int]
) -> None:
    pid = s.process("own")
    before = len(event_topics(s.coprod))
    answer = s.client.post(f"/api/v1/processes/{pid}/{path}", json=body, headers=s.member("own"))
    assert answer.status_code == 403, answer.text
    assert "only a council officer" in answer.json()["detail"]
    assert len(event_topics(s.coprod)) == before


def test_facts_and_hearings_carry_the_business_dates_sent(s: Scenario) -> None:
    prop = s.proposal("own", "review")["proposal"]
    officer = s.officer("own")
    noted, sent = TODAY - timedelta(40), TODAY - timedelta(30)
    fact = s.post(
        f"/proposals/{prop}/facts",
        officer,
        {
            "summary": "The site is leased",
            "adverse": True,
            "essential": True,
            "known_to_party": False,
            "noted_on": str(noted),
        },
    )["item_id"]
    body = {"party_id": prop, "fact_ids": [fact], "sent_on": str(sent)}
    short = {**body, "deadline": str(sent + timedelta(13))}
    refused = s.client.post(f"/api/v1/proposals/{prop}/hearings", json=short, headers=officer)
    assert refused.status_code == 422, refused.text
    assert refused.json()["rule"] == "hearing-period"
    assert str(sent + timedelta(14)) in refused.json()["detail"]
    early = {**body, "sent_on": str(noted - timedelta(1)), "deadline": str(TODAY)}
    refused = s.client.post(f"/api/v1/proposals/{prop}/hearings", json=early, headers=officer)
    assert (refused.status_code, refused.json()["rule"]) == (422, "date-before-case")
    hearing = s.post(
        f"/proposals/{prop}/hearings", officer, {**body, "deadline": str(sent + timedelta(14))}
    )["item_id"]
    case = s.coprod.get_proposal(uuid.UUID(prop))
    assert case.facts[uuid.UUID(fact)].noted_on == noted
    assert case.hearings[uuid.UUID(hearing)].sent_on == sent


def test_a_business_date_with_a_time_or_in_the_future_is_refused(s: Scenario) -> None:
    prop = s.proposal("own", "review")["proposal"]
    fact = {"summary": "Site", "adverse": True, "essential": True, "known_to_party": False}
    path = f"/api/v1/proposals/{prop}/facts"
    with_time = {**fact, "noted_on": f"{TODAY}T10:00:00"}
    answer = s.client.post(path, json=with_time, headers=s.officer("own"))
    assert (answer.status_code, answer.json()["rule"]) == (422, "date-type")
    future = {**fact, "noted_on": str(TODAY + timedelta(3))}
    answer = s.client.post(path, json=future, headers=s.officer("own"))
    assert (answer.status_code, answer.json()["rule"]) == (422, "date-in-future")
    assert not s.coprod.get_proposal(uuid.UUID(prop)).facts
