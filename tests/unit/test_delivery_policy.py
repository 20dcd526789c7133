"""The policy as the decision, project, outcome and release use cases apply it, without HTTP.

Another council's officer is refused (NotAllowed, HTTP 403) before anything else is judged,
a stale version included, and nothing is recorded; the system actor passes. The HTTP tests
check the same refusals at the door; these check that the handlers hold them for every door.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from uuid import UUID

import pytest

from coprod.application import SYSTEM_ACTOR, Coprod
from coprod.application.commands.decisions import (
    CorrectDecision,
    Decide,
    ReopenDecision,
    RevokeDecision,
)
from coprod.application.commands.outcomes import RecordOutcome
from coprod.application.commands.projects import FundProject
from coprod.application.commands.releases import PublishRelease
from coprod.domain.decision import DecisionOutcome
from coprod.domain.errors import NotAllowed
from coprod.domain.values import Actor, Role
from coprod.domain.voting import SelectionRule
from tests.unit.test_decision import D, at_decision, record
from tests.unit.test_outcome import approval_vote
from tests.unit.test_proposal import dkk

OTHER_COUNCIL = "is run by another council"


def stranger() -> Actor:
    """An officer of some other council."""
    return Actor(uuid.uuid4(), Role.COUNCIL_OFFICER, uuid.uuid4())


def test_another_councils_officer_neither_decides_nor_undoes_a_decision(
    app: Coprod, officer: Actor, member: Actor, council_id: UUID
) -> None:
    _, (prop,) = at_decision(app, officer, member, council_id)
    other = stranger()
    stale = Decide(
        proposal_id=prop, outcome=DecisionOutcome.DEFERRED, decided_on=D, expected_version=99
    )
    with pytest.raises(NotAllowed, match=OTHER_COUNCIL):
        app.decide(stale, other)
    funded = Decide(
        proposal_id=prop, outcome=DecisionOutcome.FUNDED_IN_FULL, amount=dkk(40_000), decided_on=D
    )
    decision = app.decide(funded, officer).aggregate_id
    correct = CorrectDecision(
        decision_id=decision,
        reason="r",
        outcome=DecisionOutcome.DEFERRED,
        decided_on=D,
        expected_version=99,
    )
    with pytest.raises(NotAllowed, match=OTHER_COUNCIL):
        app.correct_decision(correct, other)
    with pytest.raises(NotAllowed, match=OTHER_COUNCIL):
        app.reopen_decision(ReopenDecision(decision_id=decision, reason="r"), other)
    revoke = RevokeDecision(decision_id=decision, reason="r", record=record(), decided_on=D)
    with pytest.raises(NotAllowed, match=OTHER_COUNCIL):
        app.revoke_decision(revoke, other)
    assert app.get_decision(decision).version == 1
    with pytest.raises(NotAllowed, match=OTHER_COUNCIL):
        app.fund_project(FundProject(decision_id=decision, expected_version=99), other)
    project = app.fund_project(FundProject(decision_id=decision), SYSTEM_ACTOR)
    assert app.get_project(project.aggregate_id).decision_id == decision


def test_another_councils_officer_neither_records_an_outcome_nor_publishes(
    app: Coprod, officer: Actor, council_id: UUID
) -> None:
    pid, _ = approval_vote(app, officer, council_id, SelectionRule("greedy"))
    other = stranger()
    with pytest.raises(NotAllowed, match=OTHER_COUNCIL):
        app.record_outcome(RecordOutcome(process_id=pid, rule="greedy"), other)
    release = PublishRelease(
        process_id=pid,
        number=1,
        as_of=datetime(2026, 10, 1, tzinfo=UTC),
        position=1,
        figures="{}",
        counted="{}",
    )
    with pytest.raises(NotAllowed, match=OTHER_COUNCIL):
        app.publish_release(release, other)
    with pytest.raises(NotAllowed, match=OTHER_COUNCIL):
        app.releases_to_check(other, pid)
    app.record_outcome(RecordOutcome(process_id=pid, rule="greedy"), officer)
    app.publish_release(release, officer)
    assert [r.number for r in app.releases(pid)] == [1]
