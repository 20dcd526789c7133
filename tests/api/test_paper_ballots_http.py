"""Paper ballots over HTTP: one officer enters, the same officer cannot confirm (403), a
second officer confirms and the ballot counts; the same paper twice is a 409."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.keys import KeyStore
from coprod.application import Coprod
from coprod.domain.organisation import Organisation
from coprod.domain.values import Role
from coprod.domain.voting import VoteMethod
from tests.api.conftest import bearer
from tests.web.voting_site import open_vote


def _ballots(app: Coprod) -> int:
    notifications = app.recorder.select_notifications(1, 10_000)
    return sum(1 for n in notifications if n.topic.endswith("Ballot.BallotCast"))


def test_a_second_officer_checks_each_paper_ballot(
    api: FastAPI, client: TestClient, coprod: Coprod
) -> None:
    process, options = open_vote(coprod, VoteMethod.KNAPSACK)
    council = Organisation.create_id(slug="nordby")
    keys: KeyStore = api.state.keys
    first = bearer(keys.create(council, Role.COUNCIL_OFFICER, label="first").secret)
    second = bearer(keys.create(council, Role.COUNCIL_OFFICER, label="second").secret)
    body = {"serial": "P-0001", "choices": {"approvals": [str(options[2])]}, "age_band": "75+"}
    entered = client.post(f"/api/v1/processes/{process}/paper-ballots", json=body, headers=first)
    assert entered.status_code == 201, entered.text
    paper = entered.json()["id"]
    again = client.post(f"/api/v1/processes/{process}/paper-ballots", json=body, headers=second)
    assert again.status_code == 409
    over = {"serial": "P-0002", "choices": {"approvals": [str(o) for o in options[:2]]}}
    refused = client.post(f"/api/v1/processes/{process}/paper-ballots", json=over, headers=first)
    assert refused.status_code in (409, 422), refused.text
    assert "over" in refused.text
    own = client.post(f"/api/v1/paper-ballots/{paper}/confirm", headers=first)
    assert own.status_code == 403
    assert _ballots(coprod) == 0
    confirmed = client.post(f"/api/v1/paper-ballots/{paper}/confirm", headers=second)
    assert confirmed.status_code == 200, confirmed.text
    assert _ballots(coprod) == 1


def test_a_mismatched_entry_is_discarded_and_never_counts(
    api: FastAPI, client: TestClient, coprod: Coprod
) -> None:
    process, options = open_vote(coprod, VoteMethod.APPROVAL)
    council = Organisation.create_id(slug="nordby")
    keys: KeyStore = api.state.keys
    first = bearer(keys.create(council, Role.COUNCIL_OFFICER, label="first").secret)
    second = bearer(keys.create(council, Role.COUNCIL_OFFICER, label="second").secret)
    body = {"serial": "P-0009", "choices": {"approvals": [str(options[0])]}}
    paper = client.post(
        f"/api/v1/processes/{process}/paper-ballots", json=body, headers=first
    ).json()["id"]
    discarded = client.post(
        f"/api/v1/paper-ballots/{paper}/discard",
        json={"reason": "the paper has option 2 ticked"},
        headers=second,
    )
    assert discarded.status_code == 200, discarded.text
    assert client.post(f"/api/v1/paper-ballots/{paper}/confirm", headers=second).status_code == 409
    assert _ballots(coprod) == 0
