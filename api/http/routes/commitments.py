"""Commitments: a community group's pledge of hours or an in-kind asset to a project.

A commitment is the group's own business: another group's answers 404.
"""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

from fastapi import APIRouter, Response
from pydantic import Field

from api.http.deps import CoprodApp, CurrentPrincipal, ExpectedVersion, Writer
from api.http.fields import BusinessDate, Prose, Url
from api.http.routes.common import (
    Body,
    CommandResult,
    DecimalText,
    MoneyModel,
    View,
    decimal,
    etag,
    money_out,
    run_command,
)
from coprod.application.commands import contributions as cmd
from coprod.domain.commitment import CoproductionLevel, CoproductionPhase, InKindAsset

router = APIRouter(tags=["commitments"])


class InKindModel(Body):
    description: Prose
    fair_value: MoneyModel


class MakeCommitment(Body):
    organisation_id: UUID | None = None
    phase: CoproductionPhase
    level: CoproductionLevel
    pledged_hours: DecimalText | None = None
    in_kind: InKindModel | None = None


class Reason(Body):
    reason: Prose


class ConfirmMilestone(Body):
    met_on: BusinessDate
    evidence_url: Url = Field(description="An http(s) link to the evidence")


class CommitmentView(View):
    id: UUID
    version: int
    organisation_id: UUID
    project_id: UUID
    phase: CoproductionPhase
    level: CoproductionLevel
    pledged_hours: str | None
    in_kind: InKindModel | None
    status: str


@router.post("/projects/{project_id}/commitments", status_code=201)
def make_commitment(
    project_id: UUID, body: MakeCommitment, who: Writer, app: CoprodApp, response: Response
) -> CommandResult:
    """Pledge hours and/or an in-kind asset to a project for your own community group."""
    organisation_id = body.organisation_id or who.organisation_id
    hours: Decimal | None = (
        None if body.pledged_hours is None else decimal("pledged_hours", body.pledged_hours)
    )
    in_kind = (
        None
        if body.in_kind is None
        else InKindAsset(body.in_kind.description, body.in_kind.fair_value.to_money())
    )
    command = cmd.MakeCommitment(
        organisation_id=organisation_id,
        project_id=project_id,
        phase=body.phase,
        level=body.level,
        pledged_hours=hours,
        in_kind=in_kind,
    )
    return run_command(response, app.make_commitment, command, who.actor, created="commitments")


@router.get("/commitments/{commitment_id}")
def get_commitment(
    commitment_id: UUID, who: CurrentPrincipal, app: CoprodApp, response: Response
) -> CommitmentView:
    """The commitment, for its group, the project's council officers and evaluators."""
    c = app.visible_commitment(who.actor, commitment_id)
    response.headers["ETag"] = etag(c.version)
    in_kind = (
        None
        if c.in_kind is None
        else InKindModel(
            description=c.in_kind.description, fair_value=money_out(c.in_kind.fair_value)
        )
    )
    return CommitmentView(
        id=c.id,
        version=c.version,
        organisation_id=c.organisation_id,
        project_id=c.project_id,
        phase=c.phase,
        level=c.level,
        pledged_hours=None if c.pledged_hours is None else str(c.pledged_hours),
        in_kind=in_kind,
        status=c.status,
    )


@router.post("/commitments/{commitment_id}/met")
def mark_commitment_met(
    commitment_id: UUID, who: Writer, app: CoprodApp, expected: ExpectedVersion, response: Response
) -> CommandResult:
    """Certify the pledge fulfilled (an officer of the project's council only)."""
    command = cmd.MarkCommitmentMet(commitment_id=commitment_id, expected_version=expected)
    return run_command(response, app.mark_commitment_met, command, who.actor)


@router.post("/commitments/{commitment_id}/lapsed")
def mark_commitment_lapsed(
    commitment_id: UUID,
    body: Reason,
    who: Writer,
    app: CoprodApp,
    expected: ExpectedVersion,
    response: Response,
) -> CommandResult:
    """Mark the pledge as one that will not be fulfilled, with the reason."""
    command = cmd.MarkCommitmentLapsed(
        commitment_id=commitment_id, reason=body.reason, expected_version=expected
    )
    return run_command(response, app.mark_commitment_lapsed, command, who.actor)


@router.post("/commitments/{commitment_id}/milestones/{code}/confirm")
def confirm_milestone(
    commitment_id: UUID,
    code: str,
    body: ConfirmMilestone,
    who: Writer,
    app: CoprodApp,
    response: Response,
) -> CommandResult:
    """Confirm that a milestone of the commitment's project was met (DOMAIN.md §2: groups
    confirm milestones), with a link to the evidence: the pledging group's member, or an
    officer of the project's council. The event names who confirmed."""
    command = cmd.ConfirmMilestone(
        commitment_id=commitment_id, code=code, met_on=body.met_on, evidence_url=body.evidence_url
    )
    return run_command(response, app.confirm_milestone, command, who.actor)
