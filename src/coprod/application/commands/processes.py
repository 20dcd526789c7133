"""Commands on a process: open it, set its budget, rules, areas, schedule and settings, move it.

Each is handled by the :class:`coprod.application.Coprod` method of the same name in snake
case (``app.set_budget(SetBudget(...), actor)``); ``expected_version`` is the process's.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from coprod.application.commands import Command
from coprod.domain.phases import Phase
from coprod.domain.process import Area, PhaseDates, ProcessKind
from coprod.domain.values import Money
from coprod.domain.voting import SelectionRule, VotingRules

__all__ = [
    "AdvancePhase",
    "CloseBallot",
    "DefineAreas",
    "OpenProcess",
    "SchedulePhases",
    "SetBudget",
    "SetDisclosureThreshold",
    "SetEligiblePopulation",
    "SetMinimumHearingPeriod",
    "SetRules",
]


@dataclass(frozen=True, kw_only=True)
class OpenProcess(Command):
    """Open a process for a council; the same (council, code) twice is AlreadyExists."""

    council_id: UUID
    code: str
    name: str
    currency: str
    kind: ProcessKind = ProcessKind.PB_CYCLE


@dataclass(frozen=True, kw_only=True)
class SetBudget(Command):
    """The pot residents allocate, and the budget base it is a share of (before the vote)."""

    process_id: UUID
    pot: Money
    budget_base: Money | None = None
    expected_version: int | None = None


@dataclass(frozen=True, kw_only=True)
class SetEligiblePopulation(Command):
    """How many people may vote: the denominator of turnout."""

    process_id: UUID
    eligible: int
    expected_version: int | None = None


@dataclass(frozen=True, kw_only=True)
class DefineAreas(Command):
    """The districts of the process; ideas and ballots then name one of them."""

    process_id: UUID
    areas: tuple[Area, ...]
    expected_version: int | None = None


@dataclass(frozen=True, kw_only=True)
class SetRules(Command):
    """The voting and selection rules, declared before the vote."""

    process_id: UUID
    voting: VotingRules
    selection: SelectionRule
    expected_version: int | None = None


@dataclass(frozen=True, kw_only=True)
class SchedulePhases(Command):
    """The planned dates of the phases."""

    process_id: UUID
    schedule: tuple[PhaseDates, ...]
    expected_version: int | None = None


@dataclass(frozen=True, kw_only=True)
class AdvancePhase(Command):
    """Move the process forward to a later phase; never back."""

    process_id: UUID
    to_phase: Phase
    expected_version: int | None = None


@dataclass(frozen=True, kw_only=True)
class CloseBallot(Command):
    """Close the vote; later ballots are refused."""

    process_id: UUID
    expected_version: int | None = None


@dataclass(frozen=True, kw_only=True)
class SetDisclosureThreshold(Command):
    """The k of the process's published tables: counts of people below k are suppressed."""

    process_id: UUID
    k: int
    expected_version: int | None = None


@dataclass(frozen=True, kw_only=True)
class SetMinimumHearingPeriod(Command):
    """The least days a party gets to answer a hearing in this process."""

    process_id: UUID
    days: int
    expected_version: int | None = None
