"""Paper ballots: entered by one officer, counted only once a second officer checked them."""

from __future__ import annotations

import uuid
from uuid import UUID

import pytest

from coprod.application import Coprod
from coprod.application.commands.ballots import (
    ConfirmPaperBallot,
    DiscardPaperBallot,
    EnterPaperBallot,
)
from coprod.domain.ballot import Ballot, BallotChannel
from coprod.domain.errors import BallotRejected, DuplicateBallot, NotAllowed, PhaseError
from coprod.domain.paper_ballot import PaperBallot
from coprod.domain.values import Actor, Role
from tests.unit.test_ballot import P1, P2, P3, approve, open_vote


@pytest.fixture
def vote(app: Coprod, officer: Actor, council_id: UUID) -> UUID:
    return open_vote(app, officer, council_id)


@pytest.fixture
def second(council_id: UUID) -> Actor:
    return Actor(uuid.uuid4(), Role.COUNCIL_OFFICER, council_id)


def ballots(app: Coprod) -> list[UUID]:
    return [
        UUID(str(n.originator_id))
        for n in app.recorder.select_notifications(1, 1000)
        if n.topic.endswith("Ballot.BallotCast")
    ]


def enter(app: Coprod, vote: UUID, officer: Actor, serial: str = "P-0001") -> UUID:
    command = EnterPaperBallot(process_id=vote, serial=serial, choices=approve(P1, P3))
    return app.enter_paper_ballot(command, officer).aggregate_id


def test_a_paper_ballot_counts_once_a_second_officer_checked_it(
    app: Coprod, officer: Actor, second: Actor, vote: UUID
) -> None:
    paper = enter(app, vote, officer)
    assert ballots(app) == []
    with pytest.raises(NotAllowed) as refused:
        app.confirm_paper_ballot(ConfirmPaperBallot(paper_ballot_id=paper), officer)
    assert refused.value.rule == "four-eyes"
    assert ballots(app) == []
    app.confirm_paper_ballot(ConfirmPaperBallot(paper_ballot_id=paper), second)
    (ballot_id,) = ballots(app)
    ballot = app.load(Ballot, ballot_id)
    assert ballot.channel is BallotChannel.PAPER
    assert ballot.choices == approve(P1, P3)
    assert app.load(PaperBallot, paper).ballot_id == ballot_id
    with pytest.raises(PhaseError):
        app.confirm_paper_ballot(ConfirmPaperBallot(paper_ballot_id=paper), second)


def test_the_same_paper_cannot_be_entered_twice(app: Coprod, officer: Actor, vote: UUID) -> None:
    enter(app, vote, officer)
    with pytest.raises(DuplicateBallot):
        enter(app, vote, officer)


def test_a_typing_error_is_refused_at_entry(app: Coprod, officer: Actor, vote: UUID) -> None:
    over = EnterPaperBallot(process_id=vote, serial="P-0002", choices=approve(P1, P2))
    with pytest.raises(BallotRejected):
        app.enter_paper_ballot(over, officer)


def test_a_discarded_entry_never_counts(
    app: Coprod, officer: Actor, second: Actor, vote: UUID
) -> None:
    paper = enter(app, vote, officer)
    app.discard_paper_ballot(
        DiscardPaperBallot(paper_ballot_id=paper, reason="P3 is not ticked on the paper"), second
    )
    with pytest.raises(PhaseError):
        app.confirm_paper_ballot(ConfirmPaperBallot(paper_ballot_id=paper), second)
    assert ballots(app) == []


def test_only_the_councils_officers_enter_and_check(
    app: Coprod, officer: Actor, vote: UUID
) -> None:
    outsider = Actor(uuid.uuid4(), Role.COUNCIL_OFFICER, uuid.uuid4())
    with pytest.raises(NotAllowed):
        enter(app, vote, outsider)
    paper = enter(app, vote, officer)
    resident = Actor(uuid.uuid4(), Role.RESIDENT, officer.organisation_id)
    for actor in (outsider, resident):
        with pytest.raises(NotAllowed):
            app.confirm_paper_ballot(ConfirmPaperBallot(paper_ballot_id=paper), actor)
