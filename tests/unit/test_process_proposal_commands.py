"""The process and proposal handlers take a command value and the actor, and apply the policy
themselves: the same refusals the HTTP routes answer, checked here without HTTP."""

from __future__ import annotations

import dataclasses
import uuid
from uuid import UUID

import pytest

from coprod.application import Coprod
from coprod.application.commands.processes import (
    OpenProcess,
    SetBudget,
    SetDisclosureThreshold,
    SetMinimumHearingPeriod,
)
from coprod.application.commands.proposals import (
    AmendIdea,
    MergeIdeas,
    RecordFact,
    Shortlist,
    SubmitIdea,
    WithdrawIdea,
)
from coprod.domain.errors import NotAllowed, StaleVersion
from coprod.domain.values import Actor, Money, Role
from tests.unit.test_proposal import new_idea, new_process


@pytest.fixture
def other_officer() -> Actor:
    """An officer of another council."""
    return Actor(uuid.uuid4(), Role.COUNCIL_OFFICER, uuid.uuid4())


def test_commands_are_frozen_and_keyword_only() -> None:
    command = Shortlist(proposal_id=uuid.uuid4())
    with pytest.raises(dataclasses.FrozenInstanceError):
        command.proposal_id = uuid.uuid4()  # type: ignore[misc]
    with pytest.raises(TypeError):
        Shortlist(uuid.uuid4())  # type: ignore[misc]
    assert command.expected_version is None


def test_an_officer_opens_processes_for_their_own_council_only(
    app: Coprod, officer: Actor, other_officer: Actor, council_id: UUID
) -> None:
    command = OpenProcess(council_id=council_id, code="pb", name="PB", currency="DKK")
    with pytest.raises(NotAllowed, match="only for their own council"):
        app.open_process(command, other_officer)
    assert app.open_process(command, officer).version == 1


def test_another_councils_officer_is_refused_before_the_version_is_compared(
    app: Coprod, officer: Actor, other_officer: Actor, council_id: UUID
) -> None:
    pid = new_process(app, officer, council_id)
    stale = SetBudget(process_id=pid, pot=Money.of(5, "DKK"), expected_version=1)
    with pytest.raises(NotAllowed, match="another council"):
        app.set_budget(stale, other_officer)
    with pytest.raises(StaleVersion):
        app.set_budget(stale, officer)


@pytest.mark.parametrize(
    "command",
    [
        lambda pid: SetDisclosureThreshold(process_id=pid, k=7),
        lambda pid: SetMinimumHearingPeriod(process_id=pid, days=21),
    ],
)
def test_privacy_and_hearing_settings_are_for_the_councils_officers_only(
    app: Coprod, officer: Actor, member: Actor, council_id: UUID, command: object
) -> None:
    pid = new_process(app, officer, council_id)
    made = command(pid)  # type: ignore[operator]
    handler = getattr(app, _snake(type(made).__name__))
    with pytest.raises(NotAllowed, match="only a council officer"):
        handler(made, member)
    assert handler(made, officer).version > 1


def test_an_idea_is_changed_by_its_organisation_or_the_council(
    app: Coprod, officer: Actor, member: Actor, other_officer: Actor, council_id: UUID
) -> None:
    pid = new_process(app, officer, council_id)
    idea = new_idea(app, member, pid)
    stranger = Actor(uuid.uuid4(), Role.COMMUNITY_MEMBER, uuid.uuid4())
    amend = AmendIdea(proposal_id=idea, title="Benches and a table")
    with pytest.raises(NotAllowed, match="another organisation"):
        app.amend_idea(amend, stranger)
    with pytest.raises(NotAllowed, match="another council"):
        app.withdraw_idea(WithdrawIdea(proposal_id=idea, reason="no"), other_officer)
    assert app.amend_idea(amend, member).version == 2
    colleague = Actor(uuid.uuid4(), Role.COMMUNITY_MEMBER, member.organisation_id)
    assert app.amend_idea(AmendIdea(proposal_id=idea, description="Six"), colleague).version == 3


def test_a_merge_needs_the_right_to_change_both_ideas(
    app: Coprod, officer: Actor, member: Actor, council_id: UUID
) -> None:
    pid = new_process(app, officer, council_id)
    mine = new_idea(app, member, pid)
    theirs = new_idea(app, Actor(uuid.uuid4(), Role.COMMUNITY_MEMBER, uuid.uuid4()), pid)
    with pytest.raises(NotAllowed):
        app.merge_ideas(MergeIdeas(source_id=mine, target_id=theirs), member)
    receipt = app.merge_ideas(MergeIdeas(source_id=mine, target_id=theirs), officer)
    assert receipt.aggregate_id == mine


def test_the_case_file_is_kept_by_the_councils_officer(
    app: Coprod, officer: Actor, other_officer: Actor, member: Actor, council_id: UUID
) -> None:
    pid = new_process(app, officer, council_id)
    idea = app.submit_idea(
        SubmitIdea(process_id=pid, title="A lamp", description="By the path."), member
    ).aggregate_id
    fact = RecordFact(
        proposal_id=idea,
        fact_id=uuid.uuid4(),
        summary="The path is unlit",
        adverse=False,
        essential=True,
        known_to_party=True,
    )
    with pytest.raises(NotAllowed, match="another council"):
        app.record_fact(fact, other_officer)
    assert app.record_fact(fact, officer).version == 2


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")
