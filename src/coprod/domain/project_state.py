"""What a project holds as it stands: its status, milestones, spends and outcome indicators.

The :class:`~coprod.domain.project.Project` aggregate derives these from its events and
never stores them; they live here so the aggregate module holds only the rules and events,
and a reader can see every shape a project's state takes in one place. The input checks the
project's commands share are here too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import Enum
from urllib.parse import urlparse
from uuid import UUID

from coprod.domain.errors import InvalidInput, RuleViolation
from coprod.domain.inputs import check_business_date
from coprod.domain.values import Money, require_text

__all__ = [
    "Milestone",
    "MilestoneStatus",
    "OutcomeIndicator",
    "OutcomeReport",
    "ProjectStatus",
    "Spend",
    "open_milestone",
    "require_beneficiaries",
    "require_date",
    "require_decimal",
    "require_deliverable",
    "require_http_url",
]


class ProjectStatus(Enum):
    """Where the project stands; derived from events, never stored itself."""

    IN_DELIVERY = "in_delivery"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class MilestoneStatus(Enum):
    """Where a milestone stands; met and cancelled are final."""

    SCHEDULED = "scheduled"
    STARTED = "started"
    MET = "met"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class Milestone:
    """A milestone as it stands now; the original due date is kept for the on-time rate."""

    code: str
    title: str
    scheduled_on: date
    due_on: date
    original_due_on: date
    status: MilestoneStatus = MilestoneStatus.SCHEDULED
    started_on: date | None = None
    met_on: date | None = None
    evidence_url: str | None = None
    delays: int = 0
    #: The community group whose member confirmed it met (DOMAIN.md §2), None if an officer did.
    confirmed_by_group: UUID | None = None

    @property
    def is_closed(self) -> bool:
        return self.status in (MilestoneStatus.MET, MilestoneStatus.CANCELLED)


@dataclass(frozen=True)
class Spend:
    """One spend as it stands now: `amount` is the latest corrected figure, if any."""

    spend_id: UUID
    amount: Money
    recorded_amount: Money
    spent_on: date
    purpose: str
    corrections: int = 0


@dataclass(frozen=True)
class OutcomeReport:
    """One reading of an indicator."""

    actual: Decimal
    beneficiaries: int | None
    reported_on: date


@dataclass(frozen=True)
class OutcomeIndicator:
    """A declared target and every reading reported against it, in the order recorded."""

    code: str
    description: str
    unit: str
    target: Decimal
    reports: tuple[OutcomeReport, ...] = ()


def require_date(field: str, value: object) -> None:
    """A business date: a real date within the range the domain accepts."""
    check_business_date(field, value)


def require_decimal(field: str, value: object) -> None:
    """An exact, finite Decimal: targets and readings are never floats, NaN or infinite."""
    if not isinstance(value, Decimal):
        raise InvalidInput(field, f"must be a Decimal, not {type(value).__name__}")
    if not value.is_finite():
        raise InvalidInput(field, "must be a finite number")


def require_http_url(field: str, value: str) -> str:
    """Evidence must be a public web link, not a file path or a note."""
    url = require_text(field, value, max_length=2000)
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc or any(c.isspace() for c in url):
        raise InvalidInput(field, f"{url!r} is not an http(s) link")
    return url


def open_milestone(milestones: Mapping[str, Milestone], code: str, doing: str) -> Milestone:
    """The milestone `code`, if it was scheduled and is not yet met or cancelled (both final)."""
    milestone = milestones.get(code)
    if milestone is None:
        raise RuleViolation(
            f"milestone {code!r} was never scheduled on this project",
            rule="milestone-scheduled",
        )
    if milestone.is_closed:
        raise RuleViolation(
            f"cannot {doing} milestone {code!r}: it is already {milestone.status.value}, "
            "which is final",
            rule="milestone-closed",
        )
    return milestone


def require_deliverable(milestones: Mapping[str, Milestone], completed_on: date) -> None:
    """A project completes once every milestone is met or cancelled and one was met.

    A project with no met milestone is refused: without one there is no delivery evidence
    and no date for vote-to-delivery time; cancel the project instead.
    """
    still_open = tuple(code for code, m in milestones.items() if not m.is_closed)
    if still_open:
        raise RuleViolation(
            f"cannot complete: milestones still open: {', '.join(still_open)}; "
            "meet them or cancel them with a reason",
            rule="milestones-open",
        )
    met = [m.met_on for m in milestones.values() if m.met_on is not None]
    if not met:
        raise RuleViolation(
            "cannot complete a project with no met milestone; schedule and meet at least one "
            "(or cancel the project)",
            rule="delivery-evidence",
        )
    if completed_on < max(met):
        raise InvalidInput(
            "completed_on", f"{completed_on} is before the last milestone was met ({max(met)})"
        )


def require_beneficiaries(value: object) -> None:
    """How many people benefited: a whole number of at least 0, or None (not counted)."""
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
        raise InvalidInput("beneficiaries", "must be a whole number of at least 0, or None")
