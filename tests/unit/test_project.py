"""Funded projects: milestones, spend, completion and outcomes keep the delivery measures honest."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal
from uuid import UUID

import pytest

from coprod.application import Coprod
from coprod.application.commands.processes import OpenProcess
from coprod.application.commands.projects import (
    CancelMilestone,
    CancelProject,
    CompleteProject,
    CorrectSpend,
    DefineIndicator,
    DelayMilestone,
    FundProject,
    MeetMilestone,
    RecordSpend,
    ReportOutcome,
    ScheduleMilestone,
    StartMilestone,
)
from coprod.domain.decision import Decision, DecisionAct, DecisionOutcome
from coprod.domain.errors import (
    AlreadyExists,
    InvalidInput,
    NotAllowed,
    NotFound,
    RuleViolation,
    StaleVersion,
)
from coprod.domain.project import MilestoneStatus, Project, ProjectStatus
from coprod.domain.proposal import Proposal
from coprod.domain.values import Actor, Money, Role

D = date(2025, 3, 1)


def dkk(amount: int | str) -> Money:
    return Money.of(amount, "DKK")


def new_project(officer: Actor) -> Project:
    return Project.fund(
        officer, uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), "New playground", dkk(100_000)
    )


@pytest.fixture
def project(officer: Actor) -> Project:
    return new_project(officer)


def scheduled(project: Project, officer: Actor, *codes: str) -> Project:
    for code in codes:
        project.schedule_milestone(officer, code, f"milestone {code}", D + timedelta(days=90))
    return project


def refused_without_change(project: Project) -> tuple[int, int]:
    return project.version, len(project.pending_events)


# -- funding ----------------------------------------------------------------------------------


def test_fund_records_the_approved_amount_and_derives_the_id_from_the_proposal(
    officer: Actor,
) -> None:
    proposal_id = uuid.uuid4()
    project = Project.fund(officer, uuid.uuid4(), proposal_id, uuid.uuid4(), " Park ", dkk(5000))

    assert project.id == Project.create_id(proposal_id)
    assert project.title == "Park"
    assert project.approved == dkk(5000)
    assert project.status is ProjectStatus.IN_DELIVERY
    assert isinstance(project.pending_events[0], Project.ProjectFunded)


@pytest.mark.parametrize(("title", "approved"), [("", dkk(1)), ("Park", dkk(0)), ("Park", dkk(-5))])
def test_fund_refuses_a_blank_title_or_a_non_positive_amount(
    officer: Actor, title: str, approved: Money
) -> None:
    with pytest.raises(InvalidInput):
        Project.fund(officer, uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), title, approved)


# -- milestones -------------------------------------------------------------------------------


def test_milestone_lifecycle_scheduled_started_delayed_met(
    project: Project, officer: Actor
) -> None:
    scheduled(project, officer, "M1")
    m = project.milestones["M1"]
    project.start_milestone(officer, "M1", m.scheduled_on)
    project.delay_milestone(officer, "M1", m.due_on + timedelta(days=30), "supplier late")
    project.meet_milestone(officer, "M1", m.scheduled_on, "https://example.org/photo.jpg")

    m = project.milestones["M1"]
    assert m.status is MilestoneStatus.MET
    assert m.original_due_on == D + timedelta(days=90)
    assert m.due_on == D + timedelta(days=120)
    assert m.delays == 1
    assert m.evidence_url == "https://example.org/photo.jpg"
    assert [type(e).__name__ for e in project.pending_events[1:]] == [
        "MilestoneScheduled",
        "MilestoneStarted",
        "MilestoneDelayed",
        "MilestoneMet",
    ]


def test_a_duplicate_milestone_code_is_refused(project: Project, officer: Actor) -> None:
    scheduled(project, officer, "M1")
    before = refused_without_change(project)

    with pytest.raises(AlreadyExists, match="milestone 'M1'"):
        project.schedule_milestone(officer, "M1", "again", D)

    assert refused_without_change(project) == before


def test_meeting_an_unscheduled_milestone_is_refused(project: Project, officer: Actor) -> None:
    with pytest.raises(RuleViolation, match="milestone 'M9' was never scheduled") as refused:
        project.meet_milestone(officer, "M9", D, "https://example.org/e")

    assert refused.value.rule == "milestone-scheduled"
    assert len(project.pending_events) == 1


def test_a_milestone_cannot_be_met_before_it_was_scheduled(
    project: Project, officer: Actor
) -> None:
    scheduled(project, officer, "M1")
    scheduled_on = project.milestones["M1"].scheduled_on
    before = refused_without_change(project)

    with pytest.raises(InvalidInput, match="before milestone 'M1' was scheduled") as refused:
        project.meet_milestone(
            officer, "M1", scheduled_on - timedelta(days=1), "https://example.org/e"
        )

    assert refused.value.field == "met_on"
    assert refused_without_change(project) == before
    assert project.milestones["M1"].status is MilestoneStatus.SCHEDULED


def stored(app: Coprod, officer: Actor) -> Project:
    """A project funded on a stored process of the officer's council (the policy asks whose)."""
    assert officer.organisation_id is not None
    process = app.open_process(
        OpenProcess(council_id=officer.organisation_id, code="pb", name="PB", currency="DKK"),
        officer,
    ).aggregate_id
    project = Project.fund(officer, process, uuid.uuid4(), uuid.uuid4(), "Park", dkk(100_000))
    app.commit(project)
    return project


def test_the_scheduling_date_is_the_recording_date_and_survives_a_replay(
    app: Coprod, officer: Actor
) -> None:
    project = stored(app, officer)
    app.schedule_milestone(
        ScheduleMilestone(project_id=project.id, code="M1", title="Design", due_on=D), officer
    )

    loaded = app.get_project(project.id)
    recorded = loaded.milestones["M1"].scheduled_on
    assert recorded == loaded.modified_on.date()
    assert isinstance(recorded, date)
    assert not isinstance(recorded, datetime)


def test_a_milestone_cannot_be_met_before_it_started(project: Project, officer: Actor) -> None:
    scheduled(project, officer, "M1")
    start = project.milestones["M1"].scheduled_on + timedelta(days=10)
    project.start_milestone(officer, "M1", start)

    with pytest.raises(InvalidInput, match="before milestone 'M1' started"):
        project.meet_milestone(officer, "M1", start - timedelta(days=1), "https://example.org/e")


@pytest.mark.parametrize(
    "url",
    ["", "example.org/photo", "ftp://example.org/x", "file:///tmp/x", "https://", "see photo"],
)
def test_evidence_must_be_an_http_link(project: Project, officer: Actor, url: str) -> None:
    scheduled(project, officer, "M1")

    with pytest.raises(InvalidInput) as refused:
        project.meet_milestone(officer, "M1", project.milestones["M1"].scheduled_on, url)

    assert refused.value.field == "evidence_url"


def test_a_met_or_cancelled_milestone_refuses_further_changes(
    project: Project, officer: Actor
) -> None:
    scheduled(project, officer, "M1", "M2")
    on = project.milestones["M1"].scheduled_on
    project.meet_milestone(officer, "M1", on, "https://example.org/e")
    project.cancel_milestone(officer, "M2", "merged into M1")
    before = refused_without_change(project)

    with pytest.raises(RuleViolation, match="'M1': it is already met") as refused:
        project.delay_milestone(officer, "M1", D + timedelta(days=365), "late")
    assert refused.value.rule == "milestone-closed"
    with pytest.raises(RuleViolation, match="'M2': it is already cancelled"):
        project.meet_milestone(officer, "M2", on, "https://example.org/e")
    with pytest.raises(RuleViolation, match="already met"):
        project.start_milestone(officer, "M1", on)
    with pytest.raises(RuleViolation, match="already cancelled"):
        project.cancel_milestone(officer, "M2", "again")
    assert refused_without_change(project) == before


def test_a_milestone_starts_once(project: Project, officer: Actor) -> None:
    scheduled(project, officer, "M1")
    project.start_milestone(officer, "M1", D)

    with pytest.raises(RuleViolation, match="already started on 2025-03-01"):
        project.start_milestone(officer, "M1", D)


def test_a_delay_must_move_the_due_date_later_and_give_a_reason(
    project: Project, officer: Actor
) -> None:
    scheduled(project, officer, "M1")
    due = project.milestones["M1"].due_on

    with pytest.raises(InvalidInput, match="not later than the current due date") as refused:
        project.delay_milestone(officer, "M1", due, "no change")
    assert refused.value.field == "new_due_on"
    with pytest.raises(InvalidInput, match="reason: must not be empty"):
        project.delay_milestone(officer, "M1", due + timedelta(days=1), " ")


def test_cancelling_a_milestone_needs_a_reason(project: Project, officer: Actor) -> None:
    scheduled(project, officer, "M1")

    with pytest.raises(InvalidInput, match="reason: must not be empty"):
        project.cancel_milestone(officer, "M1", "")
    assert project.milestones["M1"].status is MilestoneStatus.SCHEDULED


def test_dates_must_be_dates_not_datetimes(project: Project, officer: Actor) -> None:
    with pytest.raises(InvalidInput, match="due_on: must be a date, not datetime"):
        project.schedule_milestone(officer, "M1", "t", datetime(2025, 1, 1))


# -- spend ------------------------------------------------------------------------------------


def test_spend_accumulates_and_may_exceed_the_approved_amount(
    project: Project, officer: Actor
) -> None:
    project.record_spend(officer, uuid.uuid4(), dkk(60_000), D, "equipment")
    project.record_spend(officer, uuid.uuid4(), dkk("45000.50"), D, "installation")

    assert project.spent == dkk("105000.50")


@pytest.mark.parametrize("amount", [dkk(0), dkk(-100)])
def test_zero_or_negative_spend_is_refused(project: Project, officer: Actor, amount: Money) -> None:
    with pytest.raises(InvalidInput, match="amount: must be positive") as refused:
        project.record_spend(officer, uuid.uuid4(), amount, D, "equipment")

    assert refused.value.field == "amount"
    assert project.spends == {}
    assert len(project.pending_events) == 1


def test_spend_in_another_currency_is_refused(project: Project, officer: Actor) -> None:
    with pytest.raises(InvalidInput, match="is in EUR; this project's currency is DKK"):
        project.record_spend(officer, uuid.uuid4(), Money.of(10, "EUR"), D, "equipment")


def test_spend_needs_a_purpose(project: Project, officer: Actor) -> None:
    with pytest.raises(InvalidInput, match="purpose: must not be empty"):
        project.record_spend(officer, uuid.uuid4(), dkk(10), D, "")


def test_a_spend_id_is_recorded_once(project: Project, officer: Actor) -> None:
    spend_id = uuid.uuid4()
    project.record_spend(officer, spend_id, dkk(10), D, "paint")

    with pytest.raises(AlreadyExists, match=f"spend {spend_id} already exists"):
        project.record_spend(officer, spend_id, dkk(10), D, "paint")
    assert project.spent == dkk(10)


def test_a_correction_replaces_the_amount_and_keeps_the_original(
    project: Project, officer: Actor
) -> None:
    spend_id = uuid.uuid4()
    project.record_spend(officer, spend_id, dkk(1000), D, "paint")
    project.correct_spend(officer, spend_id, dkk(100), "typo: one zero too many")

    spend = project.spends[spend_id]
    assert spend.amount == dkk(100)
    assert spend.recorded_amount == dkk(1000)
    assert spend.corrections == 1
    assert project.spent == dkk(100)
    corrected = project.pending_events[-1]
    assert isinstance(corrected, Project.SpendCorrected)
    assert corrected.spend_id == spend_id


def test_a_correction_to_zero_withdraws_a_spend_recorded_in_error(
    project: Project, officer: Actor
) -> None:
    spend_id = uuid.uuid4()
    project.record_spend(officer, spend_id, dkk(1000), D, "paint")
    project.correct_spend(officer, spend_id, dkk(0), "recorded against the wrong project")

    assert project.spent == dkk(0)


def test_bad_corrections_are_refused(project: Project, officer: Actor) -> None:
    spend_id = uuid.uuid4()
    project.record_spend(officer, spend_id, dkk(1000), D, "paint")
    before = refused_without_change(project)

    with pytest.raises(NotFound, match="no spend with id"):
        project.correct_spend(officer, uuid.uuid4(), dkk(5), "x")
    with pytest.raises(InvalidInput, match="must not be negative"):
        project.correct_spend(officer, spend_id, dkk(-5), "x")
    with pytest.raises(InvalidInput, match="nothing to correct"):
        project.correct_spend(officer, spend_id, dkk(1000), "x")
    with pytest.raises(InvalidInput, match="reason: must not be empty"):
        project.correct_spend(officer, spend_id, dkk(900), "")
    assert refused_without_change(project) == before


def test_spend_is_refused_once_the_project_is_completed_or_cancelled(officer: Actor) -> None:
    done = scheduled(new_project(officer), officer, "M1")
    done.meet_milestone(officer, "M1", done.milestones["M1"].scheduled_on, "https://e.org/x")
    done.complete(officer, done.milestones["M1"].scheduled_on)
    dropped = new_project(officer)
    dropped.cancel(officer, "site sold")

    for project, state in ((done, "completed"), (dropped, "cancelled")):
        with pytest.raises(RuleViolation, match=f"cannot record spend: the project is {state}"):
            project.record_spend(officer, uuid.uuid4(), dkk(1), D, "late invoice")
        assert project.spends == {}


def test_a_spend_can_still_be_corrected_after_completion(officer: Actor) -> None:
    project = scheduled(new_project(officer), officer, "M1")
    spend_id = uuid.uuid4()
    project.record_spend(officer, spend_id, dkk(500), D, "paint")
    on = project.milestones["M1"].scheduled_on
    project.meet_milestone(officer, "M1", on, "https://e.org/x")
    project.complete(officer, on)

    project.correct_spend(officer, spend_id, dkk(450), "credit note")

    assert project.spent == dkk(450)


# -- completion and cancellation --------------------------------------------------------------


def test_completion_is_refused_while_milestones_are_open_and_names_them(
    project: Project, officer: Actor
) -> None:
    scheduled(project, officer, "M1", "M2", "M3")
    on = project.milestones["M1"].scheduled_on
    project.meet_milestone(officer, "M1", on, "https://e.org/x")
    project.start_milestone(officer, "M3", on)
    before = refused_without_change(project)

    with pytest.raises(RuleViolation, match="milestones still open: M2, M3") as refused:
        project.complete(officer, on)

    assert refused.value.rule == "milestones-open"
    assert project.status is ProjectStatus.IN_DELIVERY
    assert refused_without_change(project) == before


def test_completion_is_allowed_once_open_milestones_are_cancelled_with_a_reason(
    project: Project, officer: Actor
) -> None:
    scheduled(project, officer, "M1", "M2")
    on = project.milestones["M1"].scheduled_on
    project.meet_milestone(officer, "M1", on, "https://e.org/x")
    project.cancel_milestone(officer, "M2", "not needed after redesign")

    project.complete(officer, on + timedelta(days=1))

    assert project.status is ProjectStatus.COMPLETED
    assert project.completed_on == on + timedelta(days=1)


def test_completion_needs_at_least_one_met_milestone(project: Project, officer: Actor) -> None:
    with pytest.raises(RuleViolation, match="no met milestone") as refused:
        project.complete(officer, D)
    assert refused.value.rule == "delivery-evidence"

    scheduled(project, officer, "M1")
    project.cancel_milestone(officer, "M1", "dropped")
    with pytest.raises(RuleViolation, match="no met milestone"):
        project.complete(officer, D)


def test_completion_cannot_predate_the_last_met_milestone(project: Project, officer: Actor) -> None:
    scheduled(project, officer, "M1")
    on = project.milestones["M1"].scheduled_on
    project.meet_milestone(officer, "M1", on, "https://e.org/x")

    with pytest.raises(InvalidInput, match="before the last milestone was met"):
        project.complete(officer, on - timedelta(days=1))


def test_a_closed_project_refuses_milestone_changes_and_a_second_end(
    project: Project, officer: Actor
) -> None:
    scheduled(project, officer, "M1")
    project.cancel(officer, "site sold")

    assert project.status is ProjectStatus.CANCELLED
    assert project.cancel_reason == "site sold"
    with pytest.raises(
        RuleViolation, match="cannot schedule a milestone: the project is cancelled"
    ):
        project.schedule_milestone(officer, "M2", "t", D)
    with pytest.raises(RuleViolation, match="cannot start a milestone"):
        project.start_milestone(officer, "M1", D)
    with pytest.raises(RuleViolation, match="cannot cancel the project"):
        project.cancel(officer, "again")
    with pytest.raises(RuleViolation, match="cannot complete the project"):
        project.complete(officer, D)


def test_cancelling_needs_a_reason(project: Project, officer: Actor) -> None:
    with pytest.raises(InvalidInput, match="reason: must not be empty"):
        project.cancel(officer, "  ")
    assert project.status is ProjectStatus.IN_DELIVERY


# -- outcomes ---------------------------------------------------------------------------------


def test_outcomes_are_reported_against_defined_indicators(project: Project, officer: Actor) -> None:
    project.define_indicator(
        officer, "users", "children using the playground weekly", "people", Decimal(200)
    )
    project.report_outcome(officer, "users", Decimal(150), 150, D)
    project.report_outcome(officer, "users", Decimal("210.5"), None, D + timedelta(days=90))

    indicator = project.indicators["users"]
    assert indicator.target == Decimal(200)
    assert [r.actual for r in indicator.reports] == [Decimal(150), Decimal("210.5")]
    assert indicator.reports[0].beneficiaries == 150


def test_reporting_on_an_unknown_indicator_is_refused(project: Project, officer: Actor) -> None:
    with pytest.raises(RuleViolation, match="indicator 'users' was never defined") as refused:
        project.report_outcome(officer, "users", Decimal(1), None, D)

    assert refused.value.rule == "indicator-defined"
    assert len(project.pending_events) == 1


def test_indicator_and_outcome_values_are_checked(project: Project, officer: Actor) -> None:
    with pytest.raises(InvalidInput, match="target: must be a Decimal, not float"):
        project.define_indicator(officer, "u", "users", "people", 2.5)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="target: must be a finite number"):
        project.define_indicator(officer, "u", "users", "people", Decimal("NaN"))
    project.define_indicator(officer, "u", "users", "people", Decimal(10))
    with pytest.raises(AlreadyExists, match="outcome indicator 'u'"):
        project.define_indicator(officer, "u", "users", "people", Decimal(10))
    with pytest.raises(InvalidInput, match="beneficiaries"):
        project.report_outcome(officer, "u", Decimal(1), -1, D)
    with pytest.raises(InvalidInput, match="beneficiaries"):
        project.report_outcome(officer, "u", Decimal(1), True, D)
    assert project.indicators["u"].reports == ()


def test_outcomes_may_follow_completion_but_not_cancellation(officer: Actor) -> None:
    done = scheduled(new_project(officer), officer, "M1")
    on = done.milestones["M1"].scheduled_on
    done.meet_milestone(officer, "M1", on, "https://e.org/x")
    done.complete(officer, on)
    done.define_indicator(officer, "u", "users", "people", Decimal(10))
    done.report_outcome(officer, "u", Decimal(12), 12, on + timedelta(days=200))
    assert len(done.indicators["u"].reports) == 1

    dropped = new_project(officer)
    dropped.cancel(officer, "site sold")
    with pytest.raises(RuleViolation, match="the project is cancelled"):
        dropped.define_indicator(officer, "u", "users", "people", Decimal(10))


# -- use cases --------------------------------------------------------------------------------


def funding_decision(
    app: Coprod,
    officer: Actor,
    member: Actor,
    outcome: DecisionOutcome = DecisionOutcome.FUNDED_IN_FULL,
) -> tuple[Decision, Proposal]:
    assert officer.organisation_id is not None  # a process of the officer's council (policy)
    process_id = app.open_process(
        OpenProcess(council_id=officer.organisation_id, code="pb", name="PB", currency="DKK"),
        officer,
    ).aggregate_id
    proposal = Proposal.submit(member, process_id, "Skatepark", "A small skatepark", None, None)
    amount = dkk(250_000) if outcome.funded else None
    decision = Decision.decide(
        officer, process_id, proposal.id, DecisionAct(outcome, amount, None, D)
    )
    app.commit(proposal, decision)
    return decision, proposal


def test_fund_project_from_an_in_force_funding_decision(
    app: Coprod, officer: Actor, member: Actor
) -> None:
    decision, proposal = funding_decision(app, officer, member)

    receipt = app.fund_project(
        FundProject(decision_id=decision.id, expected_version=decision.version), officer
    )

    project = app.get_project(receipt.aggregate_id)
    assert project.id == Project.create_id(proposal.id)
    assert project.title == "Skatepark"
    assert project.approved == dkk(250_000)
    assert (project.process_id, project.decision_id) == (decision.process_id, decision.id)
    with pytest.raises(AlreadyExists):
        app.fund_project(FundProject(decision_id=decision.id), officer)


def test_fund_project_refuses_a_decision_not_in_force(
    app: Coprod, officer: Actor, member: Actor
) -> None:
    decision, proposal = funding_decision(app, officer, member)
    decision.reopen(officer, "new facts")
    app.commit(decision)

    with pytest.raises(RuleViolation, match="is reopened; only a decision in force") as refused:
        app.fund_project(FundProject(decision_id=decision.id), officer)

    assert refused.value.rule == "funding-decision"
    assert not app.exists(Project.create_id(proposal.id))


def test_fund_project_refuses_a_decision_that_funds_nothing(
    app: Coprod, officer: Actor, member: Actor
) -> None:
    decision, proposal = funding_decision(app, officer, member, DecisionOutcome.DEFERRED)

    with pytest.raises(RuleViolation, match="is deferred; only a decision to fund"):
        app.fund_project(FundProject(decision_id=decision.id), officer)
    assert not app.exists(Project.create_id(proposal.id))


def test_fund_project_refuses_a_stale_view_of_the_decision(
    app: Coprod, officer: Actor, member: Actor
) -> None:
    decision, _ = funding_decision(app, officer, member)

    with pytest.raises(StaleVersion):
        app.fund_project(
            FundProject(decision_id=decision.id, expected_version=decision.version + 1), officer
        )


def test_spend_against_something_that_is_not_a_project_is_not_found(
    app: Coprod, officer: Actor, member: Actor
) -> None:
    decision, _ = funding_decision(app, officer, member)

    for not_a_project in (uuid.uuid4(), decision.id):
        with pytest.raises(NotFound, match="spend is recorded against funded projects only"):
            app.record_spend(
                RecordSpend(project_id=not_a_project, amount=dkk(10), spent_on=D, purpose="paint"),
                officer,
            )


def test_delivery_use_cases_round_trip_through_the_store(app: Coprod, officer: Actor) -> None:
    pid = stored(app, officer).id
    app.schedule_milestone(
        ScheduleMilestone(project_id=pid, code="M1", title="Build", due_on=D), officer
    )
    app.schedule_milestone(
        ScheduleMilestone(project_id=pid, code="M2", title="Open", due_on=D + timedelta(days=10)),
        officer,
    )
    on = app.get_project(pid).milestones["M1"].scheduled_on
    app.start_milestone(StartMilestone(project_id=pid, code="M1", started_on=on), officer)
    app.delay_milestone(
        DelayMilestone(project_id=pid, code="M1", new_due_on=D + timedelta(days=5), reason="rain"),
        officer,
    )
    app.meet_milestone(
        MeetMilestone(project_id=pid, code="M1", met_on=on, evidence_url="https://e.org/m1"),
        officer,
    )
    app.cancel_milestone(
        CancelMilestone(project_id=pid, code="M2", reason="opened with M1"), officer
    )
    spend_id = uuid.uuid4()
    app.record_spend(
        RecordSpend(
            project_id=pid, amount=dkk(900), spent_on=D, purpose="concrete", spend_id=spend_id
        ),
        officer,
    )
    app.record_spend(
        RecordSpend(project_id=pid, amount=dkk(100), spent_on=D, purpose="paint"), officer
    )
    app.correct_spend(
        CorrectSpend(project_id=pid, spend_id=spend_id, amount=dkk(800), reason="discount"), officer
    )
    app.define_indicator(
        DefineIndicator(
            project_id=pid,
            code="u",
            description="weekly users",
            unit="people",
            target=Decimal("50.5"),
        ),
        officer,
    )
    app.report_outcome(
        ReportOutcome(
            project_id=pid, code="u", actual=Decimal(40), beneficiaries=40, reported_on=on
        ),
        officer,
    )
    receipt = app.complete_project(CompleteProject(project_id=pid, completed_on=on), officer)

    loaded = app.get_project(pid)
    assert receipt.version == loaded.version == 13
    assert loaded.status is ProjectStatus.COMPLETED
    assert loaded.spent == dkk(900)
    assert loaded.spends[spend_id].recorded_amount == dkk(900)
    assert loaded.milestones["M1"].due_on == D + timedelta(days=5)
    assert loaded.milestones["M2"].status is MilestoneStatus.CANCELLED
    assert loaded.indicators["u"].target == Decimal("50.5")
    assert loaded.indicators["u"].reports[0].beneficiaries == 40


def test_a_stale_project_write_is_refused(app: Coprod, officer: Actor) -> None:
    pid = stored(app, officer).id
    app.cancel_project(
        CancelProject(project_id=pid, reason="site sold", expected_version=1), officer
    )

    with pytest.raises(StaleVersion):
        app.schedule_milestone(
            ScheduleMilestone(
                project_id=pid, code="M1", title="Build", due_on=D, expected_version=1
            ),
            officer,
        )


def test_an_officer_acts_only_on_their_own_councils_project(app: Coprod, officer: Actor) -> None:
    pid = stored(app, officer).id
    stranger = Actor(uuid.uuid4(), Role.COUNCIL_OFFICER, uuid.uuid4())
    with pytest.raises(NotAllowed, match="is run by another council"):
        app.schedule_milestone(
            ScheduleMilestone(
                project_id=pid, code="M1", title="Build", due_on=D, expected_version=1
            ),
            stranger,
        )
    with pytest.raises(NotAllowed, match="is run by another council"):
        app.record_spend(
            RecordSpend(project_id=pid, amount=dkk(10), spent_on=D, purpose="paint"), stranger
        )
    assert app.get_project(pid).version == 1


def test_a_project_use_case_on_an_unknown_id_is_not_found(app: Coprod, officer: Actor) -> None:
    ident: UUID = uuid.uuid4()
    with pytest.raises(NotFound, match=f"no project with id {ident}$"):
        app.schedule_milestone(
            ScheduleMilestone(project_id=ident, code="M1", title="Build", due_on=D), officer
        )
