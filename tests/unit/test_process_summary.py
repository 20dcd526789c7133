"""The store-free parts of the read side: the shared fast ballot decoder and the time key."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from uuid import uuid4

import pytest

from coprod.application import Coprod
from coprod.application.base import SYSTEM_ACTOR
from coprod.domain.ballot import AgeBand, Ballot, BallotChannel, MarkedBallot, Sex
from coprod.domain.phases import Phase
from coprod.domain.process import Process, ProcessKind
from coprod.domain.values import Actor, Money, Role
from coprod.domain.voting import BallotChoices, BallotOption, SelectionRule, VoteMethod, VotingRules
from projections.impact.model import ImpactModel
from projections.process_summary import ProcessSummaryModel
from projections.stored_ballot import StoredBallot, parse_stored_ballot, stored_ballot, to_us


def _stored_ballot(
    app: Coprod, choices: BallotChoices, method: VoteMethod, **demographics: Any
) -> Any:
    officer = Actor(uuid4(), Role.COUNCIL_OFFICER, uuid4())
    process = Process.open(officer, uuid4(), "p", "P", ProcessKind.PB_CYCLE, "DKK")
    process.set_budget(officer, Money.of(100, "DKK"))
    process.set_rules(officer, VotingRules(method, points=10), SelectionRule("greedy"))
    for phase in (Phase.DEVELOPMENT, Phase.REVIEW, Phase.VOTE):
        process.advance_phase(officer, phase)
    ids = choices.chosen
    process.open_ballot(officer, tuple(BallotOption(p, Money.of(10, "DKK")) for p in ids))
    pseudonym = hashlib.sha256(b"voter").hexdigest()
    marked = MarkedBallot(pseudonym, choices, BallotChannel.ONLINE, **demographics)
    ballot = Ballot.cast(SYSTEM_ACTOR, process, marked)
    [event] = ballot.collect_events()
    return event, app.mapper.to_stored_event(event)


def test_fast_decoder_reads_what_the_mapper_reads(app: Coprod) -> None:
    a, b, c = uuid4(), uuid4(), uuid4()
    cases = [
        (BallotChoices(approvals=(a, b)), VoteMethod.APPROVAL, {"area_code": "a"}),
        (BallotChoices(approvals=(c,)), VoteMethod.APPROVAL, {}),
        (BallotChoices(points=((a, 3), (c, 2))), VoteMethod.CUMULATIVE, {"sex": Sex.FEMALE}),
        (
            BallotChoices(ranking=(c, a, b)),
            VoteMethod.RANKED,
            {"area_code": 'n"orth \\ é', "age_band": AgeBand.AGE_75_PLUS},
        ),
    ]
    for choices, method, demographics in cases:
        event, stored = _stored_ballot(app, choices, method, **demographics)
        fast = parse_stored_ballot(stored.state)
        assert fast == StoredBallot.of(event)
        assert fast == StoredBallot(
            process_id=event.process_id.hex,
            ts_us=to_us(event.timestamp),
            approvals=tuple(p.hex for p in choices.approvals),
            points=tuple((p.hex, n) for p, n in choices.points),
            ranking=tuple(p.hex for p in choices.ranking),
            area_code=demographics.get("area_code"),
            age_band=None if "age_band" not in demographics else demographics["age_band"].value,
            sex=None if "sex" not in demographics else demographics["sex"].value,
        )
        # Every model that counts ballots gets this one decoding.
        assert ProcessSummaryModel().decode(stored, app.mapper) == fast
        assert ImpactModel().decode(stored, app.mapper) == fast


def test_fast_decoder_declines_an_unexpected_layout(app: Coprod) -> None:
    """A newer class version or a changed layout falls back to the library's mapper."""
    assert parse_stored_ballot(b'{"class_version": 2, "timestamp": {}}') is None
    assert parse_stored_ballot(b'{"timestamp": "2026-01-01"}') is None
    event, stored = _stored_ballot(app, BallotChoices(approvals=(uuid4(),)), VoteMethod.APPROVAL)
    # A stray entry in the choices the patterns would not read: refused, not misread.
    odd = stored.state.replace(b'"approvals":[', b'"approvals":[{"_type_":"other"},', 1)
    assert parse_stored_ballot(odd) is None
    fallback = replace(stored, state=odd)
    with pytest.raises(Exception):  # noqa: B017, PT011 - the mapper itself refuses this shape
        stored_ballot(fallback, app.mapper)
    assert stored_ballot(stored, app.mapper) == StoredBallot.of(event)


def test_time_key_is_exact_to_the_microsecond_in_any_zone() -> None:
    moment = datetime(2026, 5, 1, 12, 0, 0, 123_456, tzinfo=UTC)
    assert to_us(moment) == 1_777_636_800_123_456
    assert to_us(moment.astimezone(timezone(timedelta(hours=2)))) == to_us(moment)
    assert to_us(moment + timedelta(microseconds=1)) == to_us(moment) + 1


def test_table_names_carry_the_version_and_generation() -> None:
    assert ProcessSummaryModel.key() == "process_summary_v3"
    assert ProcessSummaryModel.tables(2)[0] == "process_summary_v3_g2_tracking"
    assert "process_summary_v3_g2_tallies" in ProcessSummaryModel.tables(2)
