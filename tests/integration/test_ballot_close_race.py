"""Casting and closing cannot interleave: no ballot is stored after ``BallotClosed``.

A storm of casts races the close on real stores. Every accepted cast must be counted alike
by the outcome, the process summary and the impact figures, and every late cast must be
refused with a phase error that says the ballot is closed.
"""

from __future__ import annotations

import random
import threading
import time
import uuid

import pytest

from coprod.adapters.config import parse_database_url
from coprod.application import Coprod
from coprod.application.commands.ballots import CastBallot
from coprod.application.commands.processes import CloseBallot
from coprod.domain.ballot import Ballot, BallotChannel
from coprod.domain.errors import PhaseError
from coprod.domain.values import Actor
from coprod.domain.voting import VoteMethod
from projections.impact.report import impact_report
from projections.process_summary import process_summary
from projections.registry import Projector
from tests.integration.test_impact import cells
from tests.integration.test_projection_runner import choices_for, open_vote, pseudonym

ROUNDS = 20
CASTERS = 4
CASTS_PER_CASTER = 6
EARLY = 5
APPROVAL = VoteMethod.APPROVAL


@pytest.fixture(params=["sqlite", "postgres"])
def store_url(request: pytest.FixtureRequest) -> str:
    url: str = request.getfixturevalue(f"{request.param}_url")
    return url


def storm(app: Coprod, round_no: int) -> tuple[uuid.UUID, int, int, list[str]]:
    """One round: casters race one close; returns the process, accepted, refused, surprises."""
    pid, options, officer = open_vote(app)
    for i in range(EARLY):  # enough voters that the impact report publishes V (k = 5)
        app.cast_ballot(
            CastBallot(
                process_id=pid,
                voter_pseudonym=pseudonym(("early", round_no, i)),
                choices=choices_for(i, options, APPROVAL),
                channel=BallotChannel.ONLINE,
            ),
            officer,
        )
    accepted = EARLY
    refused = 0
    surprises: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(CASTERS + 1)

    def caster(worker: int) -> None:
        nonlocal accepted, refused
        start.wait()
        for i in range(CASTS_PER_CASTER):
            n = (round_no, worker, i)
            try:
                app.cast_ballot(
                    CastBallot(
                        process_id=pid,
                        voter_pseudonym=pseudonym(n),
                        choices=choices_for(worker + i, options, APPROVAL),
                        channel=BallotChannel.ONLINE,
                    ),
                    officer,
                )
            except PhaseError as e:
                with lock:
                    refused += 1
                    if "closed" not in str(e):
                        surprises.append(str(e))
            else:
                with lock:
                    accepted += 1

    def closer(officer: Actor = officer) -> None:
        start.wait()
        time.sleep(random.uniform(0, 0.02))  # land the close somewhere inside the storm
        app.close_ballot(CloseBallot(process_id=pid), officer)

    threads = [threading.Thread(target=caster, args=(w,)) for w in range(CASTERS)]
    threads.append(threading.Thread(target=closer))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return pid, accepted, refused, surprises


def stored_ballots(app: Coprod, pid: uuid.UUID) -> int:
    """Ballots in the log for the process, counted or not, read without any counting rule."""
    count = 0
    for notification in app.recorder.select_notifications(start=1, limit=10**7):
        if notification.topic.endswith("Ballot.BallotCast"):
            cast = app.mapper.to_domain_event(notification)
            if isinstance(cast, Ballot.BallotCast) and cast.process_id == pid:
                count += 1
    return count


@pytest.mark.slow
def test_no_ballot_is_stored_after_the_close(store_url: str) -> None:
    app = Coprod(parse_database_url(store_url))
    late_accepted = 0
    refused_total = 0
    accepted_total = 0
    try:
        for round_no in range(ROUNDS):
            pid, accepted, refused, surprises = storm(app, round_no)
            assert surprises == []
            refused_total += refused
            accepted_total += accepted
            stored = stored_ballots(app, pid)
            late_accepted += stored - accepted
            assert stored == accepted, "every stored ballot is one that got a receipt"
            outcome = app.compute_outcome(pid, "greedy")
            with Projector(app) as projector:
                projector.catch_up()
            summary = process_summary(pid, settings=app.settings)
            impact = impact_report(pid, settings=app.settings)
            assert summary.ballots_cast == accepted
            assert outcome.tally.ballots == accepted
            assert cells(impact, "turnout")["all"]["voters_V"] == accepted
        assert late_accepted == 0
        # The storm really raced: across the rounds some casts came after the close.
        assert refused_total > 0
        assert accepted_total > 0
        print(f"{store_url.split(':')[0]}: {accepted_total} accepted, {refused_total} refused")
    finally:
        app.close()
