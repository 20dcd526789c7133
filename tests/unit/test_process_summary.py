"""The store-free parts of the process summary: the fast ballot decoder and the time key."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from uuid import uuid4

from coprod.application import Coprod
from coprod.application.base import SYSTEM_ACTOR
from coprod.ballot import Ballot, BallotChannel
from coprod.phases import Phase
from coprod.process import Process, ProcessKind
from coprod.values import Actor, Money
from coprod.voting import BallotChoices, BallotOption, SelectionRule, VoteMethod, VotingRules
from projections.process_summary import BallotFact, ProcessSummaryModel, _ballot_fact, to_us


def _stored_ballot(app: Coprod, officer: Actor, choices: BallotChoices, method: VoteMethod) -> Any:
    process = Process.open(officer, uuid4(), "p", "P", ProcessKind.PB_CYCLE, "DKK")
    process.set_budget(officer, Money.of(100, "DKK"))
    process.set_rules(officer, VotingRules(method, points=10), SelectionRule("greedy"))
    for phase in (Phase.DEVELOPMENT, Phase.REVIEW, Phase.VOTE):
        process.advance_phase(officer, phase)
    ids = choices.chosen
    process.open_ballot(officer, tuple(BallotOption(p, Money.of(10, "DKK")) for p in ids))
    pseudonym = hashlib.sha256(b"voter").hexdigest()
    ballot = Ballot.cast(
        SYSTEM_ACTOR, process, pseudonym, choices, BallotChannel.ONLINE, area_code="a"
    )
    [event] = ballot.collect_events()
    return event, app.mapper.to_stored_event(event)


def test_fast_decoder_reads_what_the_mapper_reads(app: Coprod, officer: Actor) -> None:
    a, b, c = uuid4(), uuid4(), uuid4()
    cases = [
        (BallotChoices(approvals=(a, b)), VoteMethod.APPROVAL),
        (BallotChoices(points=((a, 3), (c, 2))), VoteMethod.CUMULATIVE),
        (BallotChoices(ranking=(c, a, b)), VoteMethod.RANKED),
    ]
    for choices, method in cases:
        event, stored = _stored_ballot(app, officer, choices, method)
        fact = _ballot_fact(stored.state)
        assert fact == BallotFact(
            process_id=event.process_id.hex,
            ts_us=to_us(event.timestamp),
            approvals=tuple(p.hex for p in choices.approvals),
            points=tuple((p.hex, n) for p, n in choices.points),
            ranking=tuple(p.hex for p in choices.ranking),
        )


def test_fast_decoder_declines_an_unexpected_layout() -> None:
    """A newer class version or a changed layout falls back to the library's mapper."""
    assert _ballot_fact(b'{"class_version": 2, "timestamp": {}}') is None
    assert _ballot_fact(b'{"timestamp": "2026-01-01"}') is None


def test_time_key_is_exact_to_the_microsecond_in_any_zone() -> None:
    moment = datetime(2026, 5, 1, 12, 0, 0, 123_456, tzinfo=UTC)
    assert to_us(moment) == 1_777_636_800_123_456
    assert to_us(moment.astimezone(timezone(timedelta(hours=2)))) == to_us(moment)
    assert to_us(moment + timedelta(microseconds=1)) == to_us(moment) + 1


def test_table_names_carry_the_version_and_generation() -> None:
    assert ProcessSummaryModel.key() == "process_summary_v1"
    assert ProcessSummaryModel.tables(2)[0] == "process_summary_v1_g2_tracking"
    assert "process_summary_v1_g2_tallies" in ProcessSummaryModel.tables(2)
