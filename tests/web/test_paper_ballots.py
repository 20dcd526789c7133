"""Paper ballots through the console pages: one officer types a ballot in, a second checks it
against the paper, and only then does it count. The four-eyes rule is the one policy's (the
officer who typed it in is refused, next to the buttons, in Danish and English); refusals of
the declared rules show next to their field and write nothing."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.http.app import create_app
from api.web.csrf import CSRF_FIELD
from coprod.adapters.config import parse_database_url
from coprod.application import SYSTEM_ACTOR, Coprod
from coprod.application.commands.people import RegisterOrganisation
from coprod.domain.organisation import OrganisationKind
from coprod.domain.paper_ballot import PaperBallot
from coprod.domain.values import Role
from coprod.domain.voting import VoteMethod
from tests.web.signin import csrf_of, sign_in
from tests.web.voting_site import open_vote


@dataclass
class Desk:
    """A vote with two officers of its council at the paper-ballot desk."""

    app: FastAPI
    typist: TestClient
    checker: TestClient
    process: UUID
    options: list[UUID]

    @property
    def coprod(self) -> Coprod:
        app: Coprod = self.app.state.coprod
        return app

    def count(self, topic: str) -> int:
        notifications = self.coprod.recorder.select_notifications(1, 10_000)
        return sum(1 for n in notifications if n.topic.endswith(topic))

    def enter(self, fields: Mapping[str, object], lang: str = "en") -> Any:
        path = f"/console/processes/{self.process}/paper-ballots"
        page = self.typist.get(path, params={"lang": lang})
        assert page.status_code == 200, page.text
        data: dict[str, object] = {CSRF_FIELD: csrf_of(page.text), **fields}
        if "approve" in data:
            data["approve"] = [str(self.options[i]) for i in data["approve"]]  # type: ignore[attr-defined]
        return self.typist.post(f"{path}?lang={lang}", data=data)

    def act(
        self, client: TestClient, paper_id: UUID, act: str, lang: str = "en", **form: str
    ) -> Any:
        page = client.get(f"/console/paper-ballots/{paper_id}", params={"lang": lang})
        assert page.status_code == 200, page.text
        data = {CSRF_FIELD: csrf_of(page.text), **form}
        return client.post(f"/console/paper-ballots/{paper_id}/{act}?lang={lang}", data=data)


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[Desk]:
    app = create_app(parse_database_url(f"sqlite:///{tmp_path / 'p.sqlite'}"), worker=True)
    with TestClient(app) as typist:
        process, options = open_vote(app.state.coprod, VoteMethod.KNAPSACK)
        council = app.state.coprod.get_process(process).council_id
        checker = TestClient(app)
        sign_in(typist, Role.COUNCIL_OFFICER, council)
        sign_in(checker, Role.COUNCIL_OFFICER, council)
        yield Desk(app, typist, checker, process, options)


def _paper_id(desk: Desk, serial: str) -> UUID:
    return PaperBallot.create_id(desk.process, serial)


def test_a_paper_ballot_counts_only_after_a_second_officer_confirms_it(desk: Desk) -> None:
    entered = desk.enter({"serial": "P-0001", "approve": [1, 2], "age_band": "30-44"})
    assert entered.status_code == 200  # the redirect, followed: the list
    assert "P-0001" in entered.text
    assert "you: another officer checks it" in entered.text
    assert desk.count("PaperBallot.Entered") == 1
    assert desk.count("Ballot.BallotCast") == 0

    keys = desk.app.state.keys
    council = desk.coprod.get_process(desk.process).council_id
    key = {"Authorization": f"Bearer {keys.create(council, Role.COUNCIL_OFFICER).secret}"}
    listed = desk.checker.get(f"/api/v1/processes/{desk.process}/paper-ballots", headers=key)
    assert listed.status_code == 200  # the same queue over HTTP
    assert [(i["serial"], i["entered_by_you"]) for i in listed.json()["items"]] == [
        ("P-0001", False)
    ]
    home = desk.checker.get("/console?lang=en").text  # the console's queues count it
    assert (
        '<a href="#paper-ballots">Paper ballots waiting for a second officer</a>: <strong>1</strong>'
        in home
    )
    assert "1 paper to check" in home

    check = desk.checker.get(f"/console/paper-ballots/{_paper_id(desk, 'P-0001')}")
    assert "Rain garden" in check.text
    assert "Benches" in check.text
    assert "Street trees" not in check.text

    confirmed = desk.act(desk.checker, _paper_id(desk, "P-0001"), "confirm")
    assert confirmed.status_code == 200
    assert "checked and confirmed: it counts" in confirmed.text
    assert desk.count("Ballot.BallotCast") == 1
    assert "P-0001" not in confirmed.text.split("Waiting for a second officer")[1].split("<h2")[0]
    home = desk.checker.get("/console?lang=da").text
    assert "Papirstemmesedler, der venter på en anden medarbejder</a>: <strong>0</strong>" in home


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("en", "a second officer must check it against the paper"),
        ("da", "en anden medarbejder skal kontrollere den mod papiret"),
    ],
)
def test_the_officer_who_typed_it_in_cannot_confirm_it(desk: Desk, lang: str, message: str) -> None:
    desk.enter({"serial": "P-0002", "approve": [0]})
    refused = desk.act(desk.typist, _paper_id(desk, "P-0002"), "confirm", lang)
    assert refused.status_code == 403
    assert message in refused.text
    assert 'id="four_eyes-error"' in refused.text
    assert desk.count("Ballot.BallotCast") == 0
    assert desk.count("PaperBallot.Confirmed") == 0


def test_an_over_budget_entry_is_refused_next_to_the_choices(desk: Desk) -> None:
    refused = desk.enter({"serial": "P-0003", "approve": [0, 1]})
    assert refused.status_code == 400
    assert 'id="choices-error"' in refused.text
    assert "more than the" in refused.text
    assert 'value="P-0003"' in refused.text  # what was typed stays
    assert desk.count("PaperBallot.Entered") == 0


def test_a_missing_or_repeated_paper_number_is_refused_next_to_the_field(desk: Desk) -> None:
    missing = desk.enter({"serial": " ", "approve": [0]}, lang="da")
    assert missing.status_code == 400
    assert 'id="serial-error"' in missing.text
    assert "Skriv nummeret" in missing.text
    desk.enter({"serial": "P-0004", "approve": [0]})
    again = desk.enter({"serial": "P-0004", "approve": [2]})
    assert again.status_code == 400
    assert "was entered already" in again.text
    assert desk.count("PaperBallot.Entered") == 1


def test_a_discard_needs_a_reason_and_never_counts(desk: Desk) -> None:
    desk.enter({"serial": "P-0005", "approve": [2]})
    paper = _paper_id(desk, "P-0005")
    no_reason = desk.act(desk.checker, paper, "discard", reason="")
    assert no_reason.status_code == 400
    assert 'id="reason-error"' in no_reason.text
    assert desk.count("PaperBallot.Discarded") == 0
    discarded = desk.act(desk.checker, paper, "discard", reason="Benches not ticked on paper")
    assert discarded.status_code == 200
    assert "never counts" in discarded.text
    assert desk.count("PaperBallot.Discarded") == 1
    assert desk.count("Ballot.BallotCast") == 0


def test_another_councils_officer_sees_neither_the_desk_nor_an_entry(desk: Desk) -> None:
    desk.enter({"serial": "P-0006", "approve": [0]})
    other = desk.coprod.register_organisation(
        RegisterOrganisation(slug="sydby", kind=OrganisationKind.COUNCIL, display_name="Sydby"),
        SYSTEM_ACTOR,
    ).aggregate_id
    stranger = TestClient(desk.app)
    sign_in(stranger, Role.COUNCIL_OFFICER, other)
    assert stranger.get(f"/console/processes/{desk.process}/paper-ballots").status_code == 403
    page = stranger.get(f"/console/paper-ballots/{_paper_id(desk, 'P-0006')}")
    assert page.status_code == 403
    assert "P-0006" not in page.text


def test_a_resident_is_refused_the_desk(desk: Desk) -> None:
    resident = TestClient(desk.app)
    council = desk.coprod.get_process(desk.process).council_id
    sign_in(resident, Role.RESIDENT, council)
    assert resident.get(f"/console/processes/{desk.process}/paper-ballots").status_code == 403
