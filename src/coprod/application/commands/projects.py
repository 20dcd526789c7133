"""Commands on a funded project: fund it, plan and meet milestones, spend, finish, report.

Each is handled by the :class:`coprod.application.Coprod` method of the same name in snake
case (``app.record_spend(RecordSpend(...), actor)``); ``expected_version`` is the project's,
except for :class:`FundProject`, where it is the version of the decision that funds it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from uuid import UUID

from coprod.application.commands import Command
from coprod.domain.values import Money

__all__ = [
    "CancelMilestone",
    "CancelProject",
    "CompleteProject",
    "CorrectSpend",
    "DefineIndicator",
    "DelayMilestone",
    "FundProject",
    "MeetMilestone",
    "RecordMatchFunding",
    "RecordSpend",
    "ReportOutcome",
    "ScheduleMilestone",
    "StartMilestone",
]


@dataclass(frozen=True, kw_only=True)
class FundProject(Command):
    """Turn an in-force funding decision into a project; the version is the decision's, so a
    project is never funded from a decision corrected or reopened since the caller read it."""

    decision_id: UUID
    expected_version: int | None = None


@dataclass(frozen=True, kw_only=True)
class ScheduleMilestone(Command):
    """Plan a milestone; its first due date is kept for the on-time rate."""

    project_id: UUID
    code: str
    title: str
    due_on: date
    expected_version: int | None = None


@dataclass(frozen=True, kw_only=True)
class StartMilestone(Command):
    """Work on a planned milestone began."""

    project_id: UUID
    code: str
    started_on: date
    expected_version: int | None = None


@dataclass(frozen=True, kw_only=True)
class MeetMilestone(Command):
    """A milestone was reached, with a public link to the evidence."""

    project_id: UUID
    code: str
    met_on: date
    evidence_url: str
    expected_version: int | None = None


@dataclass(frozen=True, kw_only=True)
class DelayMilestone(Command):
    """A milestone's due date moves later, with the reason."""

    project_id: UUID
    code: str
    new_due_on: date
    reason: str
    expected_version: int | None = None


@dataclass(frozen=True, kw_only=True)
class CancelMilestone(Command):
    """A milestone will not be delivered, with the reason."""

    project_id: UUID
    code: str
    reason: str
    expected_version: int | None = None


@dataclass(frozen=True, kw_only=True)
class RecordSpend(Command):
    """Money spent on the project; pass your own ``spend_id`` to make a retry safe (a repeat
    is AlreadyExists) and to correct it later, else a fresh id is made."""

    project_id: UUID
    amount: Money
    spent_on: date
    purpose: str
    spend_id: UUID | None = None
    expected_version: int | None = None


@dataclass(frozen=True, kw_only=True)
class CorrectSpend(Command):
    """A recorded spend's right amount, with the reason (0 = recorded in error)."""

    project_id: UUID
    spend_id: UUID
    amount: Money
    reason: str
    expected_version: int | None = None


@dataclass(frozen=True, kw_only=True)
class RecordMatchFunding(Command):
    """Money from outside the council; pass ``funding_id`` to make a retry safe."""

    project_id: UUID
    source: str
    amount: Money
    received_on: date
    funding_id: UUID | None = None
    expected_version: int | None = None


@dataclass(frozen=True, kw_only=True)
class CompleteProject(Command):
    """The project was delivered (every milestone met or cancelled, one met)."""

    project_id: UUID
    completed_on: date
    expected_version: int | None = None


@dataclass(frozen=True, kw_only=True)
class CancelProject(Command):
    """The project will not be delivered, with the reason."""

    project_id: UUID
    reason: str
    expected_version: int | None = None


@dataclass(frozen=True, kw_only=True)
class DefineIndicator(Command):
    """An outcome the project should achieve: what is measured, its unit and target."""

    project_id: UUID
    code: str
    description: str
    unit: str
    target: Decimal
    expected_version: int | None = None


@dataclass(frozen=True, kw_only=True)
class ReportOutcome(Command):
    """A reading of an outcome indicator, and how many people benefited."""

    project_id: UUID
    code: str
    actual: Decimal
    reported_on: date
    beneficiaries: int | None = None
    expected_version: int | None = None
