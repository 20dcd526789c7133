"""The timeline's handlers for delivery: the project, its milestones, spend, match funding,
completion and outcomes, and the community's commitments and logged work."""

from __future__ import annotations

from typing import Any

from eventsourcing.persistence import Tracking

from coprod.domain.commitment import Commitment, Contribution
from coprod.domain.project import Project
from projections.timeline.batch import TimelineBatch
from projections.timeline.events import handlers
from projections.timeline.summaries import Summary, summary
from projections.timeline.values import as_text


def _project_row(
    e: Any, t: Tracking, b: TimelineBatch, stage: str, line: Summary, **extra: Any
) -> None:
    project = e.originator_id.hex
    chain = b.chain(project)
    if chain is not None:
        b.row(chain, e, t, stage, line, **extra)


@handlers.on(Project.ProjectFunded)
def _funded(e: Project.ProjectFunded, t: Tracking, b: TimelineBatch) -> None:
    project, chain = e.originator_id.hex, e.proposal_id.hex
    if b.subject_of(chain) is None:  # a co-commissioned project: its chain is the winning bid
        b.subject(chain, chain, "bid", e.process_id.hex, e.timestamp)
    b.subject(project, chain, "project", e.process_id.hex, e.timestamp)
    _project_row(
        e,
        t,
        b,
        "project",
        summary("project_funded", title=e.title, approved=as_text(e.approved)),
        changes=b.changes(
            project, "", {"title": e.title, "approved": e.approved, "status": "in_delivery"}
        ),
        links=[("funded_by", "decision", e.decision_id.hex), ("delivers", "idea", chain)],
    )


@handlers.on(Project.MilestoneScheduled)
def _milestone_scheduled(e: Project.MilestoneScheduled, t: Tracking, b: TimelineBatch) -> None:
    project = e.originator_id.hex
    values = {"title": e.title, "due_on": e.due_on, "status": "scheduled"}
    _project_row(
        e,
        t,
        b,
        "milestone",
        summary("milestone_scheduled", code=e.code, title=e.title, due_on=e.due_on),
        item=e.code,
        changes=b.changes(project, e.code, values),
    )
    b.set(project, e.code, "_row:milestone", str(t.notification_id))


def _milestone_change(
    e: Any, t: Tracking, b: TimelineBatch, line: Summary, values: dict[str, Any], **extra: Any
) -> None:
    project = e.originator_id.hex
    _project_row(
        e,
        t,
        b,
        "milestone",
        line,
        item=e.code,
        changes=b.changes(project, e.code, values),
        **extra,
    )


@handlers.on(Project.MilestoneStarted)
def _milestone_started(e: Project.MilestoneStarted, t: Tracking, b: TimelineBatch) -> None:
    values = {"status": "started", "started_on": e.started_on}
    line = summary("milestone_started", code=e.code, started_on=e.started_on)
    _milestone_change(e, t, b, line, values)


@handlers.on(Project.MilestoneMet)
def _milestone_met(e: Project.MilestoneMet, t: Tracking, b: TimelineBatch) -> None:
    values = {"status": "met", "met_on": e.met_on, "evidence_url": e.evidence_url}
    _milestone_change(
        e,
        t,
        b,
        summary("milestone_met", code=e.code, met_on=e.met_on),
        values,
        links=[("evidence", "url", e.evidence_url)],
    )


@handlers.on(Project.MilestoneDelayed)
def _milestone_delayed(e: Project.MilestoneDelayed, t: Tracking, b: TimelineBatch) -> None:
    before = b.get(e.originator_id.hex, e.code, "due_on")
    scheduled = b.get(e.originator_id.hex, e.code, "_row:milestone")
    _milestone_change(
        e,
        t,
        b,
        summary("milestone_delayed", code=e.code, due_before=before, due_on=e.new_due_on),
        {"due_on": e.new_due_on},
        reason=e.reason,
        corrects=None if scheduled is None else int(scheduled),
    )


@handlers.on(Project.MilestoneCancelled)
def _milestone_cancelled(e: Project.MilestoneCancelled, t: Tracking, b: TimelineBatch) -> None:
    line = summary("milestone_cancelled", code=e.code)
    _milestone_change(e, t, b, line, {"status": "cancelled"}, reason=e.reason)


@handlers.on(Project.SpendRecorded)
def _spend(e: Project.SpendRecorded, t: Tracking, b: TimelineBatch) -> None:
    project, item = e.originator_id.hex, e.spend_id.hex
    values = {"amount": e.amount, "spent_on": e.spent_on, "purpose": e.purpose}
    _project_row(
        e,
        t,
        b,
        "spend",
        summary("spend_recorded", amount=as_text(e.amount), spent_on=e.spent_on, purpose=e.purpose),
        item=item,
        changes=b.changes(project, item, values),
    )
    b.set(project, item, "_row:spend", str(t.notification_id))


@handlers.on(Project.SpendCorrected)
def _spend_corrected(e: Project.SpendCorrected, t: Tracking, b: TimelineBatch) -> None:
    project, item = e.originator_id.hex, e.spend_id.hex
    before = b.get(project, item, "amount")
    original = b.get(project, item, "_row:spend")
    _project_row(
        e,
        t,
        b,
        "spend",
        summary("spend_corrected", before=before, amount=as_text(e.amount)),
        item=item,
        reason=e.reason,
        changes=b.changes(project, item, {"amount": e.amount}),
        corrects=None if original is None else int(original),
    )


@handlers.on(Project.MatchFundingRecorded)
def _match_funding(e: Project.MatchFundingRecorded, t: Tracking, b: TimelineBatch) -> None:
    project, item = e.originator_id.hex, e.funding_id.hex
    values = {"source": e.source, "amount": e.amount, "received_on": e.received_on}
    _project_row(
        e,
        t,
        b,
        "match_funding",
        summary(
            "match_funding",
            amount=as_text(e.amount),
            source=e.source,
            received_on=e.received_on,
        ),
        item=item,
        changes=b.changes(project, item, values),
    )


@handlers.on(Project.ProjectCompleted)
def _completed(e: Project.ProjectCompleted, t: Tracking, b: TimelineBatch) -> None:
    project = e.originator_id.hex
    values = {"status": "completed", "completed_on": e.completed_on}
    _project_row(
        e,
        t,
        b,
        "completion",
        summary("project_completed", completed_on=e.completed_on),
        changes=b.changes(project, "", values),
    )


@handlers.on(Project.ProjectCancelled)
def _cancelled(e: Project.ProjectCancelled, t: Tracking, b: TimelineBatch) -> None:
    project = e.originator_id.hex
    _project_row(
        e,
        t,
        b,
        "completion",
        summary("project_cancelled"),
        reason=e.reason,
        changes=b.changes(project, "", {"status": "cancelled"}),
    )


@handlers.on(Project.OutcomeIndicatorDefined)
def _indicator(e: Project.OutcomeIndicatorDefined, t: Tracking, b: TimelineBatch) -> None:
    project = e.originator_id.hex
    values = {"description": e.description, "unit": e.unit, "target": e.target}
    _project_row(
        e,
        t,
        b,
        "outcomes",
        summary(
            "indicator_defined",
            code=e.code,
            description=e.description,
            target=e.target,
            unit=e.unit,
        ),
        item=e.code,
        changes=b.changes(project, e.code, values),
    )


@handlers.on(Project.OutcomeReported)
def _reported(e: Project.OutcomeReported, t: Tracking, b: TimelineBatch) -> None:
    project = e.originator_id.hex
    target = b.get(project, e.code, "target")
    values = {
        "actual": e.actual,
        "beneficiaries": e.beneficiaries,
        "reported_on": e.reported_on,
    }
    _project_row(
        e,
        t,
        b,
        "outcomes",
        summary(
            "outcome_reported" if e.beneficiaries is None else "outcome_reported_beneficiaries",
            code=e.code,
            reported_on=e.reported_on,
            actual=e.actual,
            target=target,
            beneficiaries=e.beneficiaries,
        ),
        item=e.code,
        changes=b.changes(project, e.code, values),
    )


@handlers.on(Commitment.CommitmentMade)
def _commitment(e: Commitment.CommitmentMade, t: Tracking, b: TimelineBatch) -> None:
    cid, project = e.originator_id.hex, e.project_id.hex
    found = b.subject_of(project)
    if found is None:
        return
    b.subject(cid, found[0], "commitment", found[1], e.timestamp)
    kind = e.in_kind
    pledge = ("_hours" if e.pledged_hours is not None else "") + ("_in_kind" if kind else "")
    values = {
        "phase": e.phase,
        "level": e.level,
        "pledged_hours": e.pledged_hours,
        "in_kind": None if e.in_kind is None else e.in_kind.description,
        "in_kind_value": None if e.in_kind is None else e.in_kind.fair_value,
        "status": "open",
    }
    b.row(
        found[0],
        e,
        t,
        "community",
        summary(
            "commitment" + pledge,
            hours=e.pledged_hours,
            in_kind=None if kind is None else kind.description,
            value=None if kind is None else as_text(kind.fair_value),
            phase=e.phase.value,
            level=e.level.value,
        ),
        changes=b.changes(cid, "", values),
        links=[("by", "organisation", e.organisation_id.hex), ("to", "project", project)],
    )


def _community_row(
    e: Any, t: Tracking, b: TimelineBatch, line: Summary, status: str, **extra: Any
) -> None:
    sid = e.originator_id.hex
    chain = b.chain(sid)
    if chain is not None:
        changes = b.changes(sid, "", {"status": status})
        b.row(chain, e, t, "community", line, changes=changes, **extra)


@handlers.on(Commitment.CommitmentMet)
def _commitment_met(e: Commitment.CommitmentMet, t: Tracking, b: TimelineBatch) -> None:
    _community_row(e, t, b, summary("commitment_met"), "met")


@handlers.on(Commitment.CommitmentLapsed)
def _commitment_lapsed(e: Commitment.CommitmentLapsed, t: Tracking, b: TimelineBatch) -> None:
    _community_row(e, t, b, summary("commitment_lapsed"), "lapsed", reason=e.reason)


@handlers.on(Contribution.ContributionLogged)
def _contribution(e: Contribution.ContributionLogged, t: Tracking, b: TimelineBatch) -> None:
    sid, project = e.originator_id.hex, e.project_id.hex
    found = b.subject_of(project)
    if found is None:
        return
    b.subject(sid, found[0], "contribution", found[1], e.timestamp)
    values = {
        "hours": e.hours,
        "people_count": e.people_count,
        "phase": e.phase,
        "level": e.level,
        "worked_on": e.worked_on,
        "status": "logged",
    }
    b.row(
        found[0],
        e,
        t,
        "community",
        summary(
            "work_logged",
            hours=e.hours,
            people=e.people_count,
            worked_on=e.worked_on,
            phase=e.phase.value,
            level=e.level.value,
        ),
        changes=b.changes(sid, "", values),
        links=[
            ("by", "organisation", e.organisation_id.hex),
            ("against", "commitment", e.commitment_id.hex),
            ("to", "project", project),
        ],
    )


@handlers.on(Contribution.ContributionVerified)
def _contribution_verified(
    e: Contribution.ContributionVerified, t: Tracking, b: TimelineBatch
) -> None:
    _community_row(e, t, b, summary("work_verified"), "verified")


@handlers.on(Contribution.ContributionDisputed)
def _contribution_disputed(
    e: Contribution.ContributionDisputed, t: Tracking, b: TimelineBatch
) -> None:
    _community_row(e, t, b, summary("work_disputed"), "disputed", reason=e.reason)
