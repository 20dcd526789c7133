"""Process rules: budget and rules before the vote, phases only forward, the ballot box lid."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import pytest

from coprod.application import Coprod
from coprod.application.commands.processes import (
    AdvancePhase,
    DefineAreas,
    OpenProcess,
    SchedulePhases,
    SetBudget,
    SetEligiblePopulation,
    SetRules,
)
from coprod.domain.errors import InvalidInput, NotFound, PhaseError, RuleViolation
from coprod.domain.phases import Phase
from coprod.domain.process import Area, PhaseDates, Process, ProcessKind
from coprod.domain.values import Actor, Money
from coprod.domain.voting import BallotChoices, BallotOption, SelectionRule, VoteMethod, VotingRules


def dkk(amount: int) -> Money:
    return Money(Decimal(amount), "DKK")


@pytest.fixture
def process(officer: Actor, council_id: uuid.UUID) -> Process:
    return Process.open(officer, council_id, "pb-2026", "PB 2026", ProcessKind.PB_CYCLE, "DKK")


def ready_for_vote(process: Process, officer: Actor) -> None:
    process.set_budget(officer, dkk(1_000_000))
    process.set_rules(
        officer, VotingRules(VoteMethod.APPROVAL, max_choices=2), SelectionRule("greedy")
    )
    process.advance_phase(officer, Phase.VOTE)


def test_open_refuses_blank_names_and_bad_currency(officer: Actor, council_id: uuid.UUID) -> None:
    with pytest.raises(InvalidInput, match="name: must not be empty"):
        Process.open(officer, council_id, "pb", "  ", ProcessKind.PB_CYCLE, "DKK")
    with pytest.raises(InvalidInput, match="'dkk' is not an ISO 4217 currency code"):
        Process.open(officer, council_id, "pb", "PB", ProcessKind.PB_CYCLE, "dkk")


def test_same_council_and_code_give_the_same_id(officer: Actor, council_id: uuid.UUID) -> None:
    first = Process.open(officer, council_id, "pb", "PB", ProcessKind.PB_CYCLE, "DKK")
    again = Process.open(officer, council_id, "pb", "Other name", ProcessKind.PB_CYCLE, "DKK")
    other = Process.open(officer, uuid.uuid4(), "pb", "PB", ProcessKind.PB_CYCLE, "DKK")
    assert first.id == again.id != other.id


def test_every_event_names_its_actor(process: Process, officer: Actor) -> None:
    process.set_eligible_population(officer, 500)
    assert {e.actor for e in process.collect_events()} == {officer}


def test_budget_must_be_positive_and_in_the_process_currency(
    process: Process, officer: Actor
) -> None:
    with pytest.raises(InvalidInput, match="pot: must be positive"):
        process.set_budget(officer, dkk(0))
    with pytest.raises(InvalidInput, match="pot: is in EUR; this process uses DKK"):
        process.set_budget(officer, Money(Decimal(100), "EUR"))
    with pytest.raises(InvalidInput, match=r"budget_base: .* is smaller than the pot"):
        process.set_budget(officer, dkk(100), budget_base=dkk(50))


def test_phases_only_move_forward(process: Process, officer: Actor) -> None:
    process.advance_phase(officer, Phase.REVIEW)
    with pytest.raises(PhaseError, match="cannot go from review back or sideways to development"):
        process.advance_phase(officer, Phase.DEVELOPMENT)


def test_vote_phase_needs_budget_and_rules(process: Process, officer: Actor) -> None:
    with pytest.raises(
        PhaseError, match="set the budget and the voting rules before the vote phase"
    ):
        process.advance_phase(officer, Phase.VOTE)


def test_rules_are_fixed_once_the_vote_phase_starts(process: Process, officer: Actor) -> None:
    ready_for_vote(process, officer)
    with pytest.raises(
        PhaseError, match="cannot set the voting rules once the process has reached the vote phase"
    ):
        process.set_rules(officer, VotingRules(VoteMethod.APPROVAL), SelectionRule("greedy"))
    with pytest.raises(PhaseError, match="cannot set the budget"):
        process.set_budget(officer, dkk(5))


def test_area_codes_unique(process: Process, officer: Actor) -> None:
    with pytest.raises(InvalidInput, match="area codes must be unique"):
        process.define_areas(officer, (Area("n", "North"), Area("n", "Nord")))


def test_schedule_must_not_overlap(process: Process, officer: Actor) -> None:
    overlapping = (
        PhaseDates(Phase.IDEAS, date(2026, 1, 1), date(2026, 2, 1)),
        PhaseDates(Phase.VOTE, date(2026, 1, 15), date(2026, 3, 1)),
    )
    with pytest.raises(InvalidInput, match="vote starts before ideas ends"):
        process.schedule_phases(officer, overlapping)
    with pytest.raises(InvalidInput, match="ends_on: vote ends before it starts"):
        PhaseDates(Phase.VOTE, date(2026, 3, 1), date(2026, 2, 1))


def test_no_ballot_outside_the_vote_phase(process: Process, officer: Actor) -> None:
    option = BallotOption(uuid.uuid4(), dkk(10))
    with pytest.raises(PhaseError, match="cannot open the ballot in the ideas phase"):
        process.open_ballot(officer, (option,))
    with pytest.raises(PhaseError, match="the ballot is not opened; ballots are refused"):
        process.check_ballot(BallotChoices(approvals=(option.proposal_id,)))


def test_ballot_box_opens_once_closes_once(process: Process, officer: Actor) -> None:
    ready_for_vote(process, officer)
    option = BallotOption(uuid.uuid4(), dkk(10))
    with pytest.raises(RuleViolation, match="at least one shortlisted proposal"):
        process.open_ballot(officer, ())
    process.open_ballot(officer, (option,))
    process.check_ballot(BallotChoices(approvals=(option.proposal_id,)))
    with pytest.raises(PhaseError, match="close the ballot before leaving the vote phase"):
        process.advance_phase(officer, Phase.DECISION)
    process.close_ballot(officer)
    with pytest.raises(PhaseError, match="the ballot is closed; ballots are refused"):
        process.check_ballot(BallotChoices(approvals=(option.proposal_id,)))
    with pytest.raises(PhaseError, match="already closed"):
        process.open_ballot(officer, (option,))
    with pytest.raises(PhaseError, match="not open"):
        process.close_ballot(officer)


def test_use_case_on_unknown_process_is_not_found(app: Coprod, officer: Actor) -> None:
    missing = uuid.uuid4()
    with pytest.raises(NotFound, match=f"no process with id {missing}"):
        app.set_eligible_population(SetEligiblePopulation(process_id=missing, eligible=10), officer)


def test_use_cases_record_and_reload(app: Coprod, officer: Actor, council_id: uuid.UUID) -> None:
    pid = app.open_process(
        OpenProcess(council_id=council_id, code="pb", name="PB", currency="DKK"), officer
    ).aggregate_id
    app.set_budget(SetBudget(process_id=pid, pot=dkk(1000), budget_base=dkk(100_000)), officer)
    app.define_areas(
        DefineAreas(process_id=pid, areas=(Area("n", "North", population=100, need_weight=2),)),
        officer,
    )
    app.schedule_phases(
        SchedulePhases(
            process_id=pid, schedule=(PhaseDates(Phase.IDEAS, date(2026, 1, 1), date(2026, 2, 1)),)
        ),
        officer,
    )
    app.set_rules(
        SetRules(
            process_id=pid,
            voting=VotingRules(VoteMethod.APPROVAL),
            selection=SelectionRule("greedy"),
        ),
        officer,
    )
    receipt = app.advance_phase(
        AdvancePhase(process_id=pid, to_phase=Phase.VOTE, expected_version=5), officer
    )
    process = app.get_process(pid)
    assert receipt.version == process.version == 6
    assert process.phase is Phase.VOTE
    assert process.budget_base == dkk(100_000)
    assert process.areas[0].need_weight == 2
