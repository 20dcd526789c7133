"""Contributions: work a community group logs against its own commitment; officers check it."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from fastapi import APIRouter, Response
from pydantic import Field

from api.http.deps import (
    CoprodApp,
    CurrentPrincipal,
    ExpectedVersion,
    Officer,
    Writer,
)
from api.http.fields import BusinessDate, Count, PeopleCount, Prose
from api.http.routes.common import (
    Body,
    CommandResult,
    DecimalText,
    View,
    decimal,
    etag,
    run_command,
)
from coprod.application.commands import contributions as cmd
from coprod.domain.commitment import CoproductionLevel, CoproductionPhase

router = APIRouter(tags=["contributions"])


class LogContribution(Body):
    hours: DecimalText
    people_count: PeopleCount
    phase: CoproductionPhase
    level: CoproductionLevel
    worked_on: BusinessDate
    seconds_to_log: Count | None = Field(default=None, description="How long logging took")
    client_id: UUID | None = Field(
        default=None, description="The phone's own id for this log: a resend is a 409, not a copy"
    )


class Reason(Body):
    reason: Prose


class ContributionView(View):
    id: UUID
    version: int
    commitment_id: UUID
    organisation_id: UUID
    project_id: UUID
    hours: str
    people_count: PeopleCount
    phase: CoproductionPhase
    level: CoproductionLevel
    worked_on: date
    status: str


@router.post("/commitments/{commitment_id}/contributions", status_code=201)
def log_contribution(
    commitment_id: UUID, body: LogContribution, who: Writer, app: CoprodApp, response: Response
) -> CommandResult:
    """Log a day's work (hours and a head count, never names) against your group's commitment."""
    command = cmd.LogContribution(  # the commitment's own group and project
        commitment_id=commitment_id,
        hours=decimal("hours", body.hours),
        people_count=body.people_count,
        phase=body.phase,
        level=body.level,
        worked_on=body.worked_on,
        seconds_to_log=body.seconds_to_log,
        client_id=body.client_id,
    )
    return run_command(response, app.log_contribution, command, who.actor, created="contributions")


@router.get("/contributions/{contribution_id}")
def get_contribution(
    contribution_id: UUID, who: CurrentPrincipal, app: CoprodApp, response: Response
) -> ContributionView:
    """The logged work, for its group, the project's council officers and evaluators."""
    c = app.visible_contribution(who.actor, contribution_id)
    response.headers["ETag"] = etag(c.version)
    return ContributionView(
        id=c.id,
        version=c.version,
        commitment_id=c.commitment_id,
        organisation_id=c.organisation_id,
        project_id=c.project_id,
        hours=str(c.hours),
        people_count=c.people_count,
        phase=c.phase,
        level=c.level,
        worked_on=c.worked_on,
        status=c.status,
    )


@router.post("/contributions/{contribution_id}/verify")
def verify_contribution(
    contribution_id: UUID,
    who: Officer,
    app: CoprodApp,
    expected: ExpectedVersion,
    response: Response,
) -> CommandResult:
    """Confirm the logged work (council officer of the project's council)."""
    command = cmd.VerifyContribution(contribution_id=contribution_id, expected_version=expected)
    return run_command(response, app.verify_contribution, command, who.actor)


@router.post("/contributions/{contribution_id}/dispute")
def dispute_contribution(
    contribution_id: UUID,
    body: Reason,
    who: Officer,
    app: CoprodApp,
    expected: ExpectedVersion,
    response: Response,
) -> CommandResult:
    """Question the logged work, with the reason."""
    command = cmd.DisputeContribution(
        contribution_id=contribution_id, reason=body.reason, expected_version=expected
    )
    return run_command(response, app.dispute_contribution, command, who.actor)
