"""Checks and writes inside the recording transaction: a refusal writes nothing at all."""

from __future__ import annotations

import uuid
from uuid import UUID

import pytest

from coprod.adapters.recording import InTransaction, Transaction
from coprod.application import Coprod
from coprod.application.ballots import ballot_still_open
from coprod.application.commands.processes import CloseBallot
from coprod.domain.ballot import Ballot, BallotChannel, MarkedBallot
from coprod.domain.errors import PhaseError
from coprod.domain.process import Process
from coprod.domain.values import Actor
from tests.unit.test_ballot import P1, approve, open_vote, pseudonym


def test_a_refusing_check_writes_neither_events_nor_the_writes(
    app: Coprod, officer: Actor, council_id: UUID
) -> None:
    pid = open_vote(app, officer, council_id)
    before = app.recorder.max_notification_id()
    written: list[str] = []

    def refuse(transaction: Transaction) -> None:
        raise PhaseError("refused inside the transaction")

    def write(transaction: Transaction) -> None:
        written.append(transaction.backend)

    process = app.load(Process, pid)
    ballot = Ballot.cast(
        officer, process, MarkedBallot(pseudonym(1), approve(P1), BallotChannel.ONLINE)
    )
    with pytest.raises(PhaseError):
        app.commit(ballot, within=InTransaction(checks=(refuse,), writes=(write,)))
    assert app.recorder.max_notification_id() == before
    assert written == []
    assert not app.exists(ballot.id)


def test_writes_run_once_with_the_events(app: Coprod, officer: Actor, council_id: UUID) -> None:
    pid = open_vote(app, officer, council_id)
    written: list[str] = []
    steps = InTransaction(writes=(lambda t: written.append(t.backend),))
    process = app.load(Process, pid)
    ballot = Ballot.cast(
        officer, process, MarkedBallot(pseudonym(2), approve(P1), BallotChannel.ONLINE)
    )
    app.commit(ballot, within=steps + InTransaction())
    assert len(written) == 1
    assert written[0] in ("memory", "sqlite", "postgres")
    assert app.exists(ballot.id)


def test_a_ballot_loaded_open_is_refused_once_the_close_is_recorded(
    app: Coprod, officer: Actor, council_id: UUID
) -> None:
    pid = open_vote(app, officer, council_id)
    loaded_open = app.load(Process, pid)
    ballot = Ballot.cast(
        officer, loaded_open, MarkedBallot(pseudonym(3), approve(P1), BallotChannel.ONLINE)
    )
    app.close_ballot(
        CloseBallot(process_id=pid), officer
    )  # recorded between loading and saving the ballot
    with pytest.raises(PhaseError, match="ballot is closed"):
        app.commit(ballot, within=ballot_still_open(loaded_open))
    assert not app.exists(ballot.id)


def test_topics_after_lists_only_later_events(
    app: Coprod, officer: Actor, council_id: UUID
) -> None:
    pid = open_vote(app, officer, council_id)
    version = app.load(Process, pid).version
    app.close_ballot(CloseBallot(process_id=pid), officer)
    seen: list[list[str]] = []

    def look(transaction: Transaction) -> None:
        seen.append(transaction.topics_after(pid, version))
        seen.append(transaction.topics_after(uuid.uuid4(), 0))

    process = app.load(Process, pid)
    process.set_disclosure_threshold(officer, 7)
    app.commit(process, within=InTransaction(checks=(look,)))
    assert seen[0] == ["coprod.process:Process.BallotClosed"]
    assert seen[1] == []
