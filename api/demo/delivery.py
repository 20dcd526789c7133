"""The demo's delivery: funded projects, milestones met early, on time and late, and spend.

Every project is funded and planned the days after the decision; what follows (starts,
delays, milestones met, spend, completion) is put on the seeder's agenda at its own date and
recorded in date order across projects, so vote-to-delivery times spread and some milestones
are late, each late one with the delay and its reason recorded first.
"""

from __future__ import annotations

from decimal import Decimal
from functools import partial
from uuid import UUID

from api.demo.base import SeederBase
from api.demo.data import DECIDED_DAYS_AGO
from coprod.application.commands.processes import AdvancePhase
from coprod.application.commands.projects import (
    CancelMilestone,
    CompleteProject,
    DefineIndicator,
    DelayMilestone,
    FundProject,
    MeetMilestone,
    RecordSpend,
    ReportOutcome,
    ScheduleMilestone,
    StartMilestone,
)
from coprod.domain.phases import Phase

#: Each milestone's code, title and planned duration in days after the project was planned:
#: for a small project and for a large one (still under way today).
MILESTONES = (
    ("design", "Design agreed with residents", 60, 90),
    ("build", "Built or running", 200, 420),
    ("handover", "Handed over", 290, 520),
)
#: Days late (negative: early) milestones are met, taken in turn so every demo has a mix.
LATENESS = (-6, 0, 14, -3, 0, -10, 0, 9, -2, 21, 0, -8, -4, 0, 5, -1)
DELAY_REASONS = (
    "Materials delivered late by the supplier",
    "The residents asked for a second design workshop",
    "Frost stopped the ground works for three weeks",
    "The building permit took longer than planned",
)
SPEND_PARTS = (
    (Decimal("0.3"), "Design and consultation"),
    (Decimal("0.5"), "Works contract"),
    (Decimal("0.2"), "Materials and signage"),
)


class DeliverySteps(SeederBase):
    """After the decisions: projects funded and planned now, their delivery on the agenda."""

    def deliver(self) -> None:
        self.say("delivering projects: milestones, spend, outcomes")
        app = self.app
        self.at(DECIDED_DAYS_AGO - 1)
        app.advance_phase(
            AdvancePhase(process_id=self.process_id, to_phase=Phase.DELIVERY), self.officer
        )
        self.projects: list[UUID] = []
        self.late = 0
        for index, decision in enumerate(self.funded):
            planned = DECIDED_DAYS_AGO - 3 - index // 3
            self.at(planned)
            project = app.fund_project(FundProject(decision_id=decision), self.officer).aggregate_id
            self.projects.append(project)
            self.count["projects"] += 1
            state = index % 5
            due = self._schedule(project, planned, large=state in (2, 3))
            if state in (0, 1, 4):  # delivered (under, over budget; scope cut)
                share = (Decimal("0.95"), Decimal("1.08"), Decimal("0.85"))[state // 2]
                self._plan_delivered(project, due, share, cut=state == 4)
            elif state == 2:  # large, under way: design met, build started
                met = self._plan_met(project, "design", due["design"])
                self.plan(met - 10, partial(self._start, project, "build"))
                self._plan_spend(project, Decimal("0.4"), (met, met - 10))
                self.count["milestones started"] += 1
            else:  # large, stalled: the contractor went bankrupt, every milestone re-planned
                self.plan(due["design"] + 20, partial(self._start, project, "design"))
                reason = "The contractor went bankrupt; re-tendering"
                for code, later in (("design", 120), ("build", 300), ("handover", 400)):
                    self._plan_delay(project, code, due["design"], due[code] - later, reason)
                self._plan_spend(project, Decimal("0.1"), (due["design"] + 15,))
                self.count["milestones started"] += 1

    def _schedule(self, project: UUID, planned: int, *, large: bool) -> dict[str, int]:
        """Three milestones and an outcome indicator; returns each due date in days ago."""
        due: dict[str, int] = {}
        for code, title, small_days, large_days in MILESTONES:
            duration = large_days if large else small_days
            due[code] = planned - duration - self.rng.randrange(0, 30)
            milestone = ScheduleMilestone(
                project_id=project, code=code, title=title, due_on=self.day(due[code])
            )
            self.app.schedule_milestone(milestone, self.officer)
            self.count["milestones scheduled"] += 1
        indicator = DefineIndicator(
            project_id=project,
            code="users",
            description="People using it in a typical week",
            unit="people/week",
            target=Decimal(self.rng.randrange(40, 400)),
        )
        self.app.define_indicator(indicator, self.officer)
        return due

    def _plan_delivered(
        self, project: UUID, due: dict[str, int], share: Decimal, *, cut: bool
    ) -> None:
        """Every milestone met (a scope cut cancels the handover), spend, completion, outcome."""
        codes = ("design", "build") if cut else ("design", "build", "handover")
        met = [self._plan_met(project, code, due[code]) for code in codes]
        if cut:
            cancel = CancelMilestone(
                project_id=project,
                code="handover",
                reason="Merged into the build milestone at the residents' request",
            )
            self.plan(met[-1] + 1, partial(self.app.cancel_milestone, cancel, self.officer))
            self.count["milestones cancelled"] += 1
        self._plan_spend(project, share, (met[0], met[1], met[-1]))
        self.plan(met[-1], partial(self._complete, project))
        self.plan(met[-1] - 45, partial(self._report, project))

    def _plan_met(self, project: UUID, code: str, due: int) -> int:
        """Plan the start and the meeting of a milestone; late ones are delayed first."""
        late = LATENESS[len(self.agenda) % len(LATENESS)]
        met = due - late
        self.plan(met + 25, partial(self._start, project, code))
        if late > 0:
            self._plan_delay(project, code, due, due - late // 2)
            self.late += 1
        self.plan(met, partial(self._meet, project, code))
        self.count["milestones met"] += 1
        return met

    def _plan_delay(
        self, project: UUID, code: str, due: int, new_due: int, reason: str | None = None
    ) -> None:
        """A week before `due`, the milestone is re-planned to `new_due` (days ago), with a reason."""
        reason = reason or DELAY_REASONS[self.count["milestones delayed"] % len(DELAY_REASONS)]
        delay = DelayMilestone(
            project_id=project, code=code, new_due_on=self.day(new_due), reason=reason
        )
        self.plan(due + 7, partial(self.app.delay_milestone, delay, self.officer))
        self.count["milestones delayed"] += 1

    def _start(self, project: UUID, code: str) -> None:
        start = StartMilestone(project_id=project, code=code, started_on=self.clock.today())
        self.app.start_milestone(start, self.officer)

    def _meet(self, project: UUID, code: str) -> None:
        met = MeetMilestone(
            project_id=project,
            code=code,
            met_on=self.clock.today(),
            evidence_url=f"https://demo.coprod.example/evidence/{project}/{code}",
        )
        self.app.meet_milestone(met, self.officer)

    def _complete(self, project: UUID) -> None:
        done = CompleteProject(project_id=project, completed_on=self.clock.today())
        self.app.complete_project(done, self.officer)
        self.count["projects completed"] += 1

    def _report(self, project: UUID) -> None:
        report = ReportOutcome(
            project_id=project,
            code="users",
            actual=Decimal(self.rng.randrange(30, 450)),
            beneficiaries=self.rng.randrange(100, 2000),
            reported_on=self.clock.today(),
        )
        self.app.report_outcome(report, self.officer)

    def _plan_spend(self, project: UUID, share: Decimal, days_ago: tuple[int, ...]) -> None:
        """`share` of the approved amount in up to three invoices, on the given days."""
        total = self.app.get_project(project).approved.amount * share
        for (part, purpose), day in zip(SPEND_PARTS, days_ago, strict=False):
            amount = (total * part).quantize(Decimal("0.01"))
            self.plan(day, partial(self._spend, project, amount, purpose))
            self.count["spend records"] += 1
            self.count["spend total (DKK)"] += int(amount)

    def _spend(self, project: UUID, amount: Decimal, purpose: str) -> None:
        spend = RecordSpend(
            project_id=project,
            amount=self.money(amount),
            spent_on=self.clock.today(),
            purpose=purpose,
        )
        self.app.record_spend(spend, self.officer)
