"""Hearing-date refusals over HTTP: problem+json naming the rule, 422 for a date to change,
409 for a hearing to wait for; nothing written."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from tests.api.scenario import TODAY, Scenario, complete_record, running_scenario


@pytest.fixture
def s(tmp_path: Path) -> Iterator[Scenario]:
    with running_scenario(tmp_path) as running:
        yield running


def test_date_refusals_name_their_rule(s: Scenario) -> None:
    ids = s.proposal("own", "decision")
    officer = s.officer("own")
    fact = s.fact("own", ids["proposal"], known_to_party=False)
    path = f"/api/v1/proposals/{ids['proposal']}"
    before = s.client.get(f"{path}", headers=officer).json()
    short = {"party_id": ids["proposal"], "fact_ids": [fact], "deadline": str(TODAY)}
    answer = s.client.post(f"{path}/hearings", json=short, headers=officer)
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.json()["rule"] == "hearing-period"
    assert s.client.get(path, headers=officer).json() == before
    hearing = s.post(
        f"/proposals/{ids['proposal']}/hearings",
        officer,
        {**short, "deadline": str(TODAY + timedelta(14))},
    )["item_id"]
    early = {"answered_on": "2000-01-01", "response_ref": "Journal 1"}
    answer = s.client.post(f"{path}/hearings/{hearing}/answer", json=early, headers=officer)
    assert (answer.status_code, answer.json()["rule"]) == (422, "answer-before-hearing")
    decide = {"outcome": "rejected", "record": complete_record(fact), "decided_on": str(TODAY)}
    answer = s.client.post(f"{path}/decision", json=decide, headers=officer)
    assert (answer.status_code, answer.json()["rule"]) == (409, "hearing-pending")
    answer = s.client.post(
        f"{path}/decision", json={**decide, "decided_on": "2000-01-01"}, headers=officer
    )
    assert (answer.status_code, answer.json()["rule"]) == (422, "date-before-case")
