"""The demo's delivery: funded projects, milestones, spend and co-delivery by the groups."""

from __future__ import annotations

import uuid
from decimal import Decimal
from uuid import UUID

from api.demo.base import SeederBase
from coprod.application.commands.contributions import (
    DisputeContribution,
    LogContribution,
    MakeCommitment,
    MarkCommitmentMet,
    VerifyContribution,
)
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
from coprod.domain.commitment import CoproductionLevel, CoproductionPhase, InKindAsset
from coprod.domain.phases import Phase


class DeliverySteps(SeederBase):
    """After the decisions: projects delivered, spent on and co-delivered."""

    def deliver(self) -> None:
        self.say("delivering projects: milestones, spend, outcomes")
        app = self.app
        app.advance_phase(
            AdvancePhase(process_id=self.process_id, to_phase=Phase.DELIVERY), self.officer
        )
        self.projects: list[UUID] = []
        for index, decision in enumerate(self.funded):
            project = app.fund_project(FundProject(decision_id=decision), self.officer).aggregate_id
            self.projects.append(project)
            self.count["projects"] += 1
            self._plan(project)
            state = index % 5
            if state in (0, 1):  # delivered, under or over budget
                self._complete(project, Decimal("0.95") if state == 0 else Decimal("1.08"))
            elif state == 2:  # under way
                self._meet(project, "design")
                self._start(project, "build")
                self.count["milestones started"] += 1
                self.count["milestones scheduled"] += 1
                self._spend(project, Decimal("0.4"))
            elif state == 3:  # delayed
                self._start(project, "design")
                delay = DelayMilestone(
                    project_id=project,
                    code="design",
                    new_due_on=self.day(-120),
                    reason="The contractor went bankrupt; re-tendering",
                )
                app.delay_milestone(delay, self.officer)
                self.count["milestones delayed"] += 1
                self.count["milestones scheduled"] += 2
                self._spend(project, Decimal("0.1"))
            else:  # scope cut, one milestone cancelled
                cancel = CancelMilestone(
                    project_id=project,
                    code="handover",
                    reason="Merged into the build milestone at the residents' request",
                )
                app.cancel_milestone(cancel, self.officer)
                self.count["milestones cancelled"] += 1
                self.count["milestones scheduled"] += 2

    def _plan(self, project: UUID) -> None:
        """Three milestones and one outcome indicator, as every demo project has."""
        for code, title, due in (
            ("design", "Design agreed with residents", 60),
            ("build", "Built or running", 150),
            ("handover", "Handed over", 240),
        ):
            milestone = ScheduleMilestone(
                project_id=project, code=code, title=title, due_on=self.day(-due)
            )
            self.app.schedule_milestone(milestone, self.officer)
        indicator = DefineIndicator(
            project_id=project,
            code="users",
            description="People using it in a typical week",
            unit="people/week",
            target=Decimal(self.rng.randrange(40, 400)),
        )
        self.app.define_indicator(indicator, self.officer)

    def _start(self, project: UUID, code: str) -> None:
        start = StartMilestone(project_id=project, code=code, started_on=self.today)
        self.app.start_milestone(start, self.officer)

    def _meet(self, project: UUID, code: str) -> None:
        self._start(project, code)
        met = MeetMilestone(
            project_id=project,
            code=code,
            met_on=self.today,
            evidence_url=f"https://demo.coprod.example/evidence/{project}/{code}",
        )
        self.app.meet_milestone(met, self.officer)
        self.count["milestones met"] += 1

    def _complete(self, project: UUID, spend_share: Decimal) -> None:
        """Meet every milestone, spend `spend_share` of the approved amount, complete, report."""
        app, today = self.app, self.today
        for code in ("design", "build", "handover"):
            self._meet(project, code)
        self._spend(project, spend_share)
        app.complete_project(CompleteProject(project_id=project, completed_on=today), self.officer)
        report = ReportOutcome(
            project_id=project,
            code="users",
            actual=Decimal(self.rng.randrange(30, 450)),
            beneficiaries=self.rng.randrange(100, 2000),
            reported_on=today,
        )
        app.report_outcome(report, self.officer)
        self.count["projects completed"] += 1

    def _spend(self, project: UUID, share: Decimal) -> None:
        total = self.app.get_project(project).approved.amount * share
        parts = (Decimal("0.3"), Decimal("0.5"), Decimal("0.2"))
        for part, purpose in zip(
            parts,
            ("Design and consultation", "Works contract", "Materials and signage"),
            strict=True,
        ):
            amount = (total * part).quantize(Decimal("0.01"))
            spend = RecordSpend(
                project_id=project, amount=self.money(amount), spent_on=self.today, purpose=purpose
            )
            self.app.record_spend(spend, self.officer)
            self.count["spend records"] += 1
            self.count["spend total (DKK)"] += int(amount)

    def co_deliver(self) -> None:
        self.say("community groups commit and log their work")
        app, rng = self.app, self.rng
        for index, project in enumerate(self.projects):
            group_id, member = self.groups[index % len(self.groups)]
            phase = CoproductionPhase.CO_DELIVERY if index % 3 else CoproductionPhase.CO_DESIGN
            in_kind = (
                InKindAsset("Use of the association's hall and tools", self.money(15_000))
                if index % 4 == 0
                else None
            )
            pledge = MakeCommitment(
                organisation_id=group_id,
                project_id=project,
                phase=phase,
                level=CoproductionLevel.GROUP,
                pledged_hours=Decimal(rng.randrange(40, 200)),
                in_kind=in_kind,
            )
            commitment = app.make_commitment(pledge, member).aggregate_id
            self.count["commitments"] += 1
            for log in range(rng.randrange(4, 9)):
                people = rng.randrange(1, 9)
                hours = Decimal(rng.randrange(1, 5) * people)
                work = LogContribution(
                    commitment_id=commitment,
                    organisation_id=group_id,
                    project_id=project,
                    hours=hours,
                    people_count=people,
                    phase=phase,
                    level=CoproductionLevel.GROUP,
                    worked_on=self.day(rng.randrange(0, 150)),
                    seconds_to_log=rng.randrange(8, 45),
                    client_id=uuid.uuid5(commitment, f"log-{log}"),
                )
                receipt = app.log_contribution(work, member)
                self.count["contributions logged"] += 1
                self.count["volunteer hours logged"] += int(hours)
                if log == 0:
                    verify = VerifyContribution(contribution_id=receipt.aggregate_id)
                    app.verify_contribution(verify, self.officer)
                elif log == 1 and index == 2:
                    dispute = DisputeContribution(
                        contribution_id=receipt.aggregate_id,
                        reason="Hours overlap with a paid council contract",
                    )
                    app.dispute_contribution(dispute, self.officer)
            if index % 5 in (0, 1):
                app.mark_commitment_met(MarkCommitmentMet(commitment_id=commitment), self.officer)
