"""A resident signed in through the council's invitation votes without a code: once, under
a pseudonym of who they are, recorded under an anonymous actor so the ballot never names them;
refusals as for codes, and a resident of another council is asked for a code."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from uuid import UUID

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.http.app import create_app
from api.web.csrf import CSRF_FIELD
from coprod.adapters.config import parse_database_url
from coprod.application import SYSTEM_ACTOR, Coprod
from coprod.application.commands.people import RegisterOrganisation, RegisterPerson
from coprod.application.voting_codes import INVITED_VOTER
from coprod.domain.organisation import OrganisationKind
from coprod.domain.values import Role
from coprod.domain.voting import VoteMethod
from tests.web.signin import csrf_of, sign_in
from tests.web.voting_site import open_vote, receipt_of


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[FastAPI, TestClient, UUID, list[UUID]]]:
    app = create_app(parse_database_url(f"sqlite:///{tmp_path / 'i.sqlite'}"))
    with TestClient(app) as client:
        process, options = open_vote(app.state.coprod, VoteMethod.KNAPSACK)
        yield app, client, process, options


def _cast_topics(coprod: Coprod) -> list[object]:
    notifications = coprod.recorder.select_notifications(1, 10_000)
    return [n for n in notifications if n.topic.endswith("Ballot.BallotCast")]


def _vote(client: TestClient, process: UUID, options: list[UUID], picks: list[int]) -> object:
    page = client.get(f"/processes/{process}/vote")
    assert page.status_code == 200, page.text
    data = {
        CSRF_FIELD: csrf_of(page.text),
        "code": "",
        "action": "cast",
        "approve": [str(options[i]) for i in picks],
    }
    return client.post(f"/processes/{process}/vote", data=data)


def test_an_invited_resident_votes_once_without_a_code(
    site: tuple[FastAPI, TestClient, UUID, list[UUID]],
) -> None:
    app, client, process, options = site
    coprod: Coprod = app.state.coprod
    council = coprod.get_process(process).council_id
    person = coprod.register_person(RegisterPerson(details={"name": "Ada"}), SYSTEM_ACTOR)
    principal = sign_in(client, Role.RESIDENT, council, person.aggregate_id)

    page = client.get(f"/processes/{process}/vote")
    assert page.status_code == 200
    assert 'name="approve"' in page.text
    assert "invitation: you can cast one ballot" in page.text

    over = _vote(client, process, options, [0, 1])  # 600 + 500 > 1000
    assert over.status_code == 400  # type: ignore[attr-defined]
    assert 'id="choices-error"' in over.text  # type: ignore[attr-defined]
    assert _cast_topics(coprod) == []

    cast = _vote(client, process, options, [1, 2])
    assert cast.status_code == 200  # type: ignore[attr-defined]
    receipt = receipt_of(cast.text)  # type: ignore[attr-defined]
    stored = _cast_topics(coprod)
    assert len(stored) == 1
    state = stored[0].state  # type: ignore[attr-defined]
    assert principal.actor.id.hex.encode() not in state
    assert str(principal.actor.id).encode() not in state
    assert INVITED_VOTER.id.hex.encode() in state or str(INVITED_VOTER.id).encode() in state

    again = client.get(f"/processes/{process}/vote")
    assert again.status_code == 410
    assert "You have voted" in again.text

    other_session = TestClient(app)  # the same person, signed in anew
    sign_in(other_session, Role.RESIDENT, council, person.aggregate_id)
    second = _vote_after_voting(other_session, process, options)
    assert second.status_code == 410
    assert len(_cast_topics(coprod)) == 1

    checked = client.get(f"/processes/{process}/receipt", params={"receipt": receipt})
    assert "Counted" in checked.text


def _vote_after_voting(client: TestClient, process: UUID, options: list[UUID]) -> object:
    """A POST as if the ballot page were still open in another tab."""
    token = csrf_of(client.get("/account").text)
    data = {CSRF_FIELD: token, "code": "", "action": "cast", "approve": [str(options[2])]}
    return client.post(f"/processes/{process}/vote", data=data)


def test_a_resident_of_another_council_is_asked_for_a_code(
    site: tuple[FastAPI, TestClient, UUID, list[UUID]],
) -> None:
    app, client, process, options = site
    coprod: Coprod = app.state.coprod
    other = coprod.register_organisation(
        RegisterOrganisation(slug="sydby", kind=OrganisationKind.COUNCIL, display_name="Sydby"),
        SYSTEM_ACTOR,
    ).aggregate_id
    sign_in(client, Role.RESIDENT, other)
    page = client.get(f"/processes/{process}/vote")
    assert page.status_code == 200
    assert 'id="code"' in page.text
    assert 'name="approve"' not in page.text
    refused = _vote_after_voting(client, process, options)
    assert refused.status_code == 400
    assert _cast_topics(coprod) == []


def test_an_officer_signed_in_is_asked_for_a_code_like_anyone(
    site: tuple[FastAPI, TestClient, UUID, list[UUID]],
) -> None:
    app, client, process, _options = site
    council = app.state.coprod.get_process(process).council_id
    sign_in(client, Role.COUNCIL_OFFICER, council)
    page = client.get(f"/processes/{process}/vote")
    assert 'id="code"' in page.text
