"""Commands on community commitments and the work logged against them.

Each is handled by the :class:`coprod.application.Coprod` method of the same name in snake
case (``app.log_contribution(LogContribution(...), actor)``); ``expected_version`` is the
version of the commitment or contribution acted on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from uuid import UUID

from coprod.application.commands import Command
from coprod.domain.commitment import CoproductionLevel, CoproductionPhase, InKindAsset

__all__ = [
    "DisputeContribution",
    "LogContribution",
    "MakeCommitment",
    "MarkCommitmentLapsed",
    "MarkCommitmentMet",
    "VerifyContribution",
]


@dataclass(frozen=True, kw_only=True)
class MakeCommitment(Command):
    """A community group pledges hours, an in-kind asset, or both, to an existing project."""

    organisation_id: UUID
    project_id: UUID
    phase: CoproductionPhase
    level: CoproductionLevel
    pledged_hours: Decimal | None = None
    in_kind: InKindAsset | None = None


@dataclass(frozen=True, kw_only=True)
class MarkCommitmentMet(Command):
    """An officer certifies the pledge met, which makes its in-kind value count."""

    commitment_id: UUID
    expected_version: int | None = None


@dataclass(frozen=True, kw_only=True)
class MarkCommitmentLapsed(Command):
    """The pledge will not be met, for the stated reason."""

    commitment_id: UUID
    reason: str
    expected_version: int | None = None


@dataclass(frozen=True, kw_only=True)
class LogContribution(Command):
    """A day's work against the group's own commitment: hours and a head count, never names.

    ``organisation_id`` and ``project_id`` default to the commitment's own; ``client_id`` is
    the phone's id for the log, so a resend is recognised; ``today`` is for tests.
    """

    commitment_id: UUID
    hours: Decimal
    people_count: int
    phase: CoproductionPhase
    level: CoproductionLevel
    worked_on: date
    organisation_id: UUID | None = None
    project_id: UUID | None = None
    seconds_to_log: int | None = None
    client_id: UUID | None = None
    today: date | None = None


@dataclass(frozen=True, kw_only=True)
class VerifyContribution(Command):
    """An officer of the project's council confirms the logged work."""

    contribution_id: UUID
    expected_version: int | None = None


@dataclass(frozen=True, kw_only=True)
class DisputeContribution(Command):
    """An officer questions the logged work, with the reason."""

    contribution_id: UUID
    reason: str
    expected_version: int | None = None


@dataclass(frozen=True, kw_only=True)
class ConfirmMilestone(Command):
    """A group confirms that a milestone of the project it pledged to was met (DOMAIN.md §2),
    with a public link to the evidence; the event names the group's member as who confirmed."""

    commitment_id: UUID
    code: str
    met_on: date
    evidence_url: str
