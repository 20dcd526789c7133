"""A process: one PB cycle or co-production programme, with its budget, rules and phases.

The process is also the ballot box's lid: it opens and closes the vote and holds the
ballot paper (shortlisted proposals and their costs), so every ballot is checked against
exactly what voters were shown.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date
from enum import Enum
from uuid import UUID

from eventsourcing.domain import event

from coprod.domain.aggregate import CoprodAggregate, keep_stored_topics, natural_id
from coprod.domain.errors import InvalidInput, PhaseError, RuleViolation
from coprod.domain.hearing_dates import DEFAULT_MIN_HEARING_DAYS
from coprod.domain.inputs import check_business_date, check_same_currency
from coprod.domain.phases import Phase
from coprod.domain.stored import stored_as
from coprod.domain.values import Actor, Money, require_positive, require_text
from coprod.domain.voting import (
    BallotChoices,
    BallotOption,
    SelectionRule,
    VotingRules,
    check_ballot,
)

#: Disclosure control (DOMAIN.md §6): smallest published count of people, by default and ever.
DEFAULT_DISCLOSURE_K = 5
MIN_DISCLOSURE_K = 3
#: Party hearings (DOMAIN.md §5): bounds of the least days between sending and deadline.
MIN_HEARING_DAYS_FLOOR = 1
MIN_HEARING_DAYS_CEILING = 365


@stored_as("process_kind")
class ProcessKind(Enum):
    PB_CYCLE = "pb_cycle"
    COPRODUCTION_PROGRAMME = "coproduction_programme"


@stored_as("area")
@dataclass(frozen=True)
class Area:
    """A district of the process; population and need feed the need-weighted allocation."""

    code: str
    name: str
    population: int | None = None
    need_weight: int | None = None


@stored_as("phase_dates")
@dataclass(frozen=True)
class PhaseDates:
    """The planned dates of one phase, published in advance."""

    phase: Phase
    starts_on: date
    ends_on: date

    def __post_init__(self) -> None:
        if self.ends_on < self.starts_on:
            raise InvalidInput("ends_on", f"{self.phase.value} ends before it starts")


class Process(CoprodAggregate):
    """A PB cycle or co-production programme run by one council."""

    class Opened(CoprodAggregate.Created):
        """A council opened a process; its id derives from (council, code).

        Version 2 added `kind`: version-1 processes predate co-production programmes and
        were all PB cycles, which is what the upcaster fills in.
        """

        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, object]) -> None:
            state["kind"] = ProcessKind.PB_CYCLE

        council_id: UUID
        code: str
        name: str
        kind: ProcessKind
        currency: str

    class BudgetSet(CoprodAggregate.Event):
        """The pot (F available to residents) and the budget base B it is a share of."""

        pot: Money
        budget_base: Money | None

    class EligiblePopulationSet(CoprodAggregate.Event):
        """E, the number of people eligible to vote, for turnout."""

        eligible: int

    class AreasDefined(CoprodAggregate.Event):
        """The districts of the process."""

        areas: tuple[Area, ...]

    class RulesSet(CoprodAggregate.Event):
        """The voting and selection rules, declared before the vote."""

        voting: VotingRules
        selection: SelectionRule

    class PhasesScheduled(CoprodAggregate.Event):
        """The planned phase dates."""

        schedule: tuple[PhaseDates, ...]

    class PhaseAdvanced(CoprodAggregate.Event):
        """The process moved forward to a later phase."""

        from_phase: Phase
        to_phase: Phase

    class BallotOpened(CoprodAggregate.Event):
        """Voting opened on this ballot paper (shortlisted proposals with costs)."""

        options: tuple[BallotOption, ...]

    class BallotClosed(CoprodAggregate.Event):
        """Voting closed; no later ballot is counted."""

    class DisclosureThresholdSet(CoprodAggregate.Event):
        """Published tables of this process hide counts of people below k (DOMAIN.md §6).

        Danish councils use 5 (the default until this is set), UK councils 10; never below 3.
        """

        k: int

    class MinimumHearingPeriodSet(CoprodAggregate.Event):
        """A hearing's deadline must lie at least this many days after it is sent (default 14)."""

        days: int

    @staticmethod
    def create_id(council_id: UUID, code: str) -> UUID:
        return natural_id("process", council_id, code)

    @event(Opened)
    def __init__(
        self, actor: Actor, council_id: UUID, code: str, name: str, kind: ProcessKind, currency: str
    ) -> None:
        self.council_id = council_id
        self.code = code
        self.name = name
        self.kind = kind
        self.currency = currency
        self.phase = Phase.IDEAS
        self.pot: Money | None = None
        self.budget_base: Money | None = None
        self.eligible: int | None = None
        self.areas: tuple[Area, ...] = ()
        self.voting: VotingRules | None = None
        self.selection: SelectionRule | None = None
        self.schedule: tuple[PhaseDates, ...] = ()
        self.ballot_options: tuple[BallotOption, ...] = ()
        self.ballot_state = "not_opened"
        self.disclosure_k = DEFAULT_DISCLOSURE_K
        self.min_hearing_days = DEFAULT_MIN_HEARING_DAYS

    @classmethod
    def open(
        cls, actor: Actor, council_id: UUID, code: str, name: str, kind: ProcessKind, currency: str
    ) -> Process:
        """Open a process, refusing blank names and bad currencies before anything is recorded."""
        require_text("code", code, max_length=80)
        require_text("name", name, max_length=200)
        Money.of(0, currency)  # validates the currency code
        return cls(
            actor=actor,
            council_id=council_id,
            code=code.strip(),
            name=name.strip(),
            kind=kind,
            currency=currency,
        )

    # -- setup ---------------------------------------------------------------------------------

    def set_budget(self, actor: Actor, pot: Money, budget_base: Money | None = None) -> None:
        self._before(Phase.VOTE, "set the budget")
        require_positive("pot", pot)
        self._in_currency("pot", pot)
        if budget_base is not None:
            self._in_currency("budget_base", budget_base)
            if budget_base < pot:
                raise InvalidInput("budget_base", f"{budget_base} is smaller than the pot {pot}")
        self._set_budget(actor=actor, pot=pot, budget_base=budget_base)

    @event(BudgetSet)
    def _set_budget(self, actor: Actor, pot: Money, budget_base: Money | None) -> None:
        self.pot = pot
        self.budget_base = budget_base

    def set_eligible_population(self, actor: Actor, eligible: int) -> None:
        if eligible < 1:
            raise InvalidInput("eligible", "must be at least 1")
        self._set_eligible(actor=actor, eligible=eligible)

    @event(EligiblePopulationSet)
    def _set_eligible(self, actor: Actor, eligible: int) -> None:
        self.eligible = eligible

    def define_areas(self, actor: Actor, areas: tuple[Area, ...]) -> None:
        self._before(Phase.VOTE, "define areas")
        codes = [a.code for a in areas]
        if len(set(codes)) != len(codes):
            raise InvalidInput("areas", "area codes must be unique")
        self._define_areas(actor=actor, areas=tuple(areas))

    @event(AreasDefined)
    def _define_areas(self, actor: Actor, areas: tuple[Area, ...]) -> None:
        self.areas = areas

    def set_rules(self, actor: Actor, voting: VotingRules, selection: SelectionRule) -> None:
        self._before(Phase.VOTE, "set the voting rules")
        if voting.budget_limit is not None:
            self._in_currency("budget_limit", voting.budget_limit)
        self._set_rules(actor=actor, voting=voting, selection=selection)

    @event(RulesSet)
    def _set_rules(self, actor: Actor, voting: VotingRules, selection: SelectionRule) -> None:
        self.voting = voting
        self.selection = selection

    def schedule_phases(self, actor: Actor, schedule: tuple[PhaseDates, ...]) -> None:
        for dates in schedule:
            check_business_date("starts_on", dates.starts_on)
            check_business_date("ends_on", dates.ends_on)
        ordered = sorted(schedule, key=lambda p: p.phase.order)
        for earlier, later in itertools.pairwise(ordered):
            if later.starts_on < earlier.ends_on:
                raise InvalidInput(
                    "schedule", f"{later.phase.value} starts before {earlier.phase.value} ends"
                )
        self._schedule(actor=actor, schedule=tuple(ordered))

    @event(PhasesScheduled)
    def _schedule(self, actor: Actor, schedule: tuple[PhaseDates, ...]) -> None:
        self.schedule = schedule

    def advance_phase(self, actor: Actor, to_phase: Phase) -> None:
        """Move forward only; the vote phase needs a budget and declared rules first."""
        if to_phase.order <= self.phase.order:
            raise PhaseError(
                f"cannot go from {self.phase.value} back or sideways to {to_phase.value}"
            )
        if to_phase.order >= Phase.VOTE.order and (self.pot is None or self.voting is None):
            raise PhaseError("set the budget and the voting rules before the vote phase")
        if self.ballot_state == "open":
            raise PhaseError("close the ballot before leaving the vote phase")
        self._advance(actor=actor, from_phase=self.phase, to_phase=to_phase)

    @event(PhaseAdvanced)
    def _advance(self, actor: Actor, from_phase: Phase, to_phase: Phase) -> None:
        self.phase = to_phase

    def set_disclosure_threshold(self, actor: Actor, k: int) -> None:
        """Set k for published tables; allowed in any phase, since reports are made in all."""
        if isinstance(k, bool) or not isinstance(k, int):
            raise InvalidInput("k", f"must be a whole number, not {type(k).__name__}")
        if k < MIN_DISCLOSURE_K:
            raise InvalidInput("k", f"must be at least {MIN_DISCLOSURE_K}, got {k}")
        self._set_disclosure_threshold(actor=actor, k=k)

    @event(DisclosureThresholdSet)
    def _set_disclosure_threshold(self, actor: Actor, k: int) -> None:
        self.disclosure_k = k

    def set_minimum_hearing_period(self, actor: Actor, days: int) -> None:
        """Set the least days between sending a party hearing and its deadline; any phase."""
        if isinstance(days, bool) or not isinstance(days, int):
            raise InvalidInput("days", f"must be a whole number, not {type(days).__name__}")
        if not MIN_HEARING_DAYS_FLOOR <= days <= MIN_HEARING_DAYS_CEILING:
            raise InvalidInput(
                "days",
                f"must be between {MIN_HEARING_DAYS_FLOOR} and {MIN_HEARING_DAYS_CEILING}, got {days}",
            )
        self._set_minimum_hearing_period(actor=actor, days=days)

    @event(MinimumHearingPeriodSet)
    def _set_minimum_hearing_period(self, actor: Actor, days: int) -> None:
        self.min_hearing_days = days

    # -- the vote ------------------------------------------------------------------------------

    def open_ballot(self, actor: Actor, options: tuple[BallotOption, ...]) -> None:
        self.require_phase("open the ballot", Phase.VOTE)
        if self.ballot_state != "not_opened":
            raise PhaseError(f"the ballot is already {self.ballot_state.replace('_', ' ')}")
        if not options:
            raise RuleViolation(
                "a ballot needs at least one shortlisted proposal", rule="empty-ballot"
            )
        for option in options:
            self._in_currency("cost", option.cost)
        self._open_ballot(actor=actor, options=tuple(options))

    @event(BallotOpened)
    def _open_ballot(self, actor: Actor, options: tuple[BallotOption, ...]) -> None:
        self.ballot_options = options
        self.ballot_state = "open"

    def close_ballot(self, actor: Actor) -> None:
        if self.ballot_state != "open":
            raise PhaseError("the ballot is not open")
        self._close_ballot(actor=actor)

    @event(BallotClosed)
    def _close_ballot(self, actor: Actor) -> None:
        self.ballot_state = "closed"

    def check_ballot(self, choices: BallotChoices) -> None:
        """Refuse a ballot that this process would not count (closed, or against the rules)."""
        if self.ballot_state != "open":
            raise PhaseError(
                f"the ballot is {self.ballot_state.replace('_', ' ')}; ballots are refused"
            )
        assert self.voting is not None
        check_ballot(self.voting, self.ballot_options, choices)

    # -- guards used by other aggregates' use cases ------------------------------------------

    def require_phase(self, doing: str, *allowed: Phase) -> None:
        if self.phase not in allowed:
            names = " or ".join(p.value for p in allowed)
            raise PhaseError(f"cannot {doing} in the {self.phase.value} phase (only in {names})")

    def _before(self, phase: Phase, doing: str) -> None:
        if self.phase.order >= phase.order:
            raise PhaseError(f"cannot {doing} once the process has reached the {phase.value} phase")

    def _in_currency(self, field: str, money: Money) -> None:
        check_same_currency(field, money.currency, self.currency)


keep_stored_topics("coprod.process", Process)
