"""Projects: fund one from a decision, then milestones, spend, outcomes, completion."""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid4

from fastapi import APIRouter, Response
from pydantic import Field

from api.http.deps import CoprodApp, ExpectedVersion, OfficerCall, PublicReader
from api.http.fields import BusinessDate, Code, Count, Prose, Text, Url
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
from coprod.application.commands import projects as cmd
from coprod.domain.project import MilestoneStatus, Project, ProjectStatus

router = APIRouter(tags=["projects"])


class ScheduleMilestone(Body):
    code: Code
    title: Text
    due_on: BusinessDate


class StartMilestone(Body):
    started_on: BusinessDate


class MeetMilestone(Body):
    met_on: BusinessDate
    evidence_url: Url = Field(description="An http(s) link to the evidence")


class DelayMilestone(Body):
    new_due_on: BusinessDate
    reason: Prose


class Reason(Body):
    reason: Prose


class RecordSpend(Body):
    spend_id: UUID | None = Field(default=None, description="Your id for the spend; made if absent")
    amount: MoneyModel
    spent_on: BusinessDate
    purpose: Prose


class CorrectSpend(Body):
    amount: MoneyModel
    reason: Prose


class Complete(Body):
    completed_on: BusinessDate


class DefineIndicator(Body):
    code: Code
    description: Prose
    unit: Code
    target: DecimalText


class ReportOutcome(Body):
    actual: DecimalText
    beneficiaries: Count | None = None
    reported_on: BusinessDate


class MilestoneView(View):
    code: str
    title: str
    due_on: date
    original_due_on: date
    status: MilestoneStatus
    met_on: date | None


class SpendView(View):
    spend_id: UUID
    amount: MoneyModel
    spent_on: BusinessDate
    purpose: Prose


class IndicatorView(View):
    code: str
    description: str
    unit: str
    target: str
    latest_actual: str | None


class ProjectView(View):
    id: UUID
    version: int
    process_id: UUID
    proposal_id: UUID
    decision_id: UUID
    title: str
    status: ProjectStatus
    approved: MoneyModel
    spent: MoneyModel
    completed_on: date | None
    milestones: list[MilestoneView]
    spends: list[SpendView]
    indicators: list[IndicatorView]


def _view(p: Project) -> ProjectView:
    return ProjectView(
        id=p.id,
        version=p.version,
        process_id=p.process_id,
        proposal_id=p.proposal_id,
        decision_id=p.decision_id,
        title=p.title,
        status=p.status,
        approved=money_out(p.approved),
        spent=money_out(p.spent),
        completed_on=p.completed_on,
        milestones=[
            MilestoneView(
                code=m.code,
                title=m.title,
                due_on=m.due_on,
                original_due_on=m.original_due_on,
                status=m.status,
                met_on=m.met_on,
            )
            for m in p.milestones.values()
        ],
        spends=[
            SpendView(
                spend_id=s.spend_id,
                amount=money_out(s.amount),
                spent_on=s.spent_on,
                purpose=s.purpose,
            )
            for s in p.spends.values()
        ],
        indicators=[
            IndicatorView(
                code=i.code,
                description=i.description,
                unit=i.unit,
                target=str(i.target),
                latest_actual=str(i.reports[-1].actual) if i.reports else None,
            )
            for i in p.indicators.values()
        ],
    )


@router.post("/decisions/{decision_id}/project", status_code=201)
def fund_project(
    decision_id: UUID, call: OfficerCall, expected: ExpectedVersion, response: Response
) -> CommandResult:
    """Fund a project from an in-force funding decision; If-Match is the decision's version."""
    command = cmd.FundProject(decision_id=decision_id, expected_version=expected)
    return run_command(response, call.app.fund_project, command, call.actor, created="projects")


@router.get("/projects/{project_id}")
def get_project(
    project_id: UUID, who: PublicReader, app: CoprodApp, response: Response
) -> ProjectView:
    """The project as it stands now: milestones, spend and outcomes (public)."""
    project = app.get_project(project_id)
    response.headers["ETag"] = etag(project.version)
    return _view(project)


@router.post("/projects/{project_id}/milestones")
def schedule_milestone(
    project_id: UUID,
    body: ScheduleMilestone,
    call: OfficerCall,
    expected: ExpectedVersion,
    response: Response,
) -> CommandResult:
    """Plan a milestone with its due date; the original date is kept for the on-time rate."""
    command = cmd.ScheduleMilestone(
        project_id=project_id,
        code=body.code,
        title=body.title,
        due_on=body.due_on,
        expected_version=expected,
    )
    return run_command(response, call.app.schedule_milestone, command, call.actor)


@router.post("/projects/{project_id}/milestones/{code}/start")
def start_milestone(
    project_id: UUID,
    code: str,
    body: StartMilestone,
    call: OfficerCall,
    expected: ExpectedVersion,
    response: Response,
) -> CommandResult:
    """Record that work on a milestone started."""
    command = cmd.StartMilestone(
        project_id=project_id, code=code, started_on=body.started_on, expected_version=expected
    )
    return run_command(response, call.app.start_milestone, command, call.actor)


@router.post("/projects/{project_id}/milestones/{code}/meet")
def meet_milestone(
    project_id: UUID,
    code: str,
    body: MeetMilestone,
    call: OfficerCall,
    expected: ExpectedVersion,
    response: Response,
) -> CommandResult:
    """Record that a milestone was met, with a link to the evidence."""
    command = cmd.MeetMilestone(
        project_id=project_id,
        code=code,
        met_on=body.met_on,
        evidence_url=body.evidence_url,
        expected_version=expected,
    )
    return run_command(response, call.app.meet_milestone, command, call.actor)


@router.post("/projects/{project_id}/milestones/{code}/delay")
def delay_milestone(
    project_id: UUID,
    code: str,
    body: DelayMilestone,
    call: OfficerCall,
    expected: ExpectedVersion,
    response: Response,
) -> CommandResult:
    """Move a milestone's due date later, with the reason."""
    command = cmd.DelayMilestone(
        project_id=project_id,
        code=code,
        new_due_on=body.new_due_on,
        reason=body.reason,
        expected_version=expected,
    )
    return run_command(response, call.app.delay_milestone, command, call.actor)


@router.post("/projects/{project_id}/milestones/{code}/cancel")
def cancel_milestone(
    project_id: UUID,
    code: str,
    body: Reason,
    call: OfficerCall,
    expected: ExpectedVersion,
    response: Response,
) -> CommandResult:
    """Cancel a milestone, with the reason."""
    command = cmd.CancelMilestone(
        project_id=project_id, code=code, reason=body.reason, expected_version=expected
    )
    return run_command(response, call.app.cancel_milestone, command, call.actor)


@router.post("/projects/{project_id}/spend")
def record_spend(
    project_id: UUID,
    body: RecordSpend,
    call: OfficerCall,
    expected: ExpectedVersion,
    response: Response,
) -> CommandResult:
    """Record money spent on the project; the result's item_id is the spend's id."""
    spend_id = body.spend_id or uuid4()
    command = cmd.RecordSpend(
        project_id=project_id,
        amount=body.amount.to_money(),
        spent_on=body.spent_on,
        purpose=body.purpose,
        spend_id=spend_id,
        expected_version=expected,
    )
    return run_command(response, call.app.record_spend, command, call.actor, item_id=spend_id)


@router.post("/projects/{project_id}/spend/{spend_id}/correct")
def correct_spend(
    project_id: UUID,
    spend_id: UUID,
    body: CorrectSpend,
    call: OfficerCall,
    expected: ExpectedVersion,
    response: Response,
) -> CommandResult:
    """Correct a recorded spend to a new amount, with the reason."""
    command = cmd.CorrectSpend(
        project_id=project_id,
        spend_id=spend_id,
        amount=body.amount.to_money(),
        reason=body.reason,
        expected_version=expected,
    )
    return run_command(response, call.app.correct_spend, command, call.actor)


@router.post("/projects/{project_id}/complete")
def complete_project(
    project_id: UUID,
    body: Complete,
    call: OfficerCall,
    expected: ExpectedVersion,
    response: Response,
) -> CommandResult:
    """Mark the project delivered."""
    command = cmd.CompleteProject(
        project_id=project_id, completed_on=body.completed_on, expected_version=expected
    )
    return run_command(response, call.app.complete_project, command, call.actor)


@router.post("/projects/{project_id}/cancel")
def cancel_project(
    project_id: UUID,
    body: Reason,
    call: OfficerCall,
    expected: ExpectedVersion,
    response: Response,
) -> CommandResult:
    """Cancel the project, with the reason."""
    command = cmd.CancelProject(
        project_id=project_id, reason=body.reason, expected_version=expected
    )
    return run_command(response, call.app.cancel_project, command, call.actor)


@router.post("/projects/{project_id}/indicators")
def define_indicator(
    project_id: UUID,
    body: DefineIndicator,
    call: OfficerCall,
    expected: ExpectedVersion,
    response: Response,
) -> CommandResult:
    """Declare an outcome indicator and its target."""
    command = cmd.DefineIndicator(
        project_id=project_id,
        code=body.code,
        description=body.description,
        unit=body.unit,
        target=decimal("target", body.target),
        expected_version=expected,
    )
    return run_command(response, call.app.define_indicator, command, call.actor)


@router.post("/projects/{project_id}/indicators/{code}/outcomes")
def report_outcome(
    project_id: UUID,
    code: str,
    body: ReportOutcome,
    call: OfficerCall,
    expected: ExpectedVersion,
    response: Response,
) -> CommandResult:
    """Report a reading of an outcome indicator."""
    command = cmd.ReportOutcome(
        project_id=project_id,
        code=code,
        actual=decimal("actual", body.actual),
        beneficiaries=body.beneficiaries,
        reported_on=body.reported_on,
        expected_version=expected,
    )
    return run_command(response, call.app.report_outcome, command, call.actor)
