"""The demo's delivery: funded projects, milestones, spend and co-delivery by the groups."""

from __future__ import annotations

import uuid
from decimal import Decimal
from uuid import UUID

from api.demo.base import SeederBase
from coprod.application.commands.processes import AdvancePhase
from coprod.domain.commitment import CoproductionLevel, CoproductionPhase, InKindAsset
from coprod.domain.phases import Phase


class DeliverySteps(SeederBase):
    """After the decisions: projects delivered, spent on and co-delivered."""

    def deliver(self) -> None:
        self.say("delivering projects: milestones, spend, outcomes")
        app, rng, pid = self.app, self.rng, self.process_id
        app.advance_phase(AdvancePhase(process_id=pid, to_phase=Phase.DELIVERY), self.officer)
        self.projects: list[UUID] = []
        for index, decision in enumerate(self.funded):
            project = app.fund_project(self.officer, decision).aggregate_id
            self.projects.append(project)
            self.count["projects"] += 1
            approved = app.get_project(project).approved
            for code, title, due in (
                ("design", "Design agreed with residents", 60),
                ("build", "Built or running", 150),
                ("handover", "Handed over", 240),
            ):
                app.schedule_milestone(self.officer, project, code, title, self.day(-due))
            app.define_indicator(
                self.officer,
                project,
                "users",
                "People using it in a typical week",
                "people/week",
                Decimal(rng.randrange(40, 400)),
            )
            state = index % 5
            today = self.today
            if state in (0, 1):  # delivered
                for code in ("design", "build", "handover"):
                    app.start_milestone(self.officer, project, code, today)
                    app.meet_milestone(
                        self.officer,
                        project,
                        code,
                        today,
                        f"https://demo.coprod.example/evidence/{project}/{code}",
                    )
                    self.count["milestones met"] += 1
                self._spend(
                    project,
                    approved.amount * Decimal("0.95")
                    if state == 0
                    else approved.amount * Decimal("1.08"),
                )
                app.complete_project(self.officer, project, today)
                app.report_outcome(
                    self.officer,
                    project,
                    "users",
                    Decimal(rng.randrange(30, 450)),
                    rng.randrange(100, 2000),
                    today,
                )
                self.count["projects completed"] += 1
            elif state == 2:  # under way
                app.start_milestone(self.officer, project, "design", today)
                app.meet_milestone(
                    self.officer,
                    project,
                    "design",
                    today,
                    f"https://demo.coprod.example/evidence/{project}/design",
                )
                app.start_milestone(self.officer, project, "build", today)
                self.count["milestones met"] += 1
                self.count["milestones started"] += 1
                self.count["milestones scheduled"] += 1
                self._spend(project, approved.amount * Decimal("0.4"))
            elif state == 3:  # delayed
                app.start_milestone(self.officer, project, "design", today)
                app.delay_milestone(
                    self.officer,
                    project,
                    "design",
                    self.day(-120),
                    "The contractor went bankrupt; re-tendering",
                )
                self.count["milestones delayed"] += 1
                self.count["milestones scheduled"] += 2
                self._spend(project, approved.amount * Decimal("0.1"))
            else:  # scope cut, one milestone cancelled
                app.cancel_milestone(
                    self.officer,
                    project,
                    "handover",
                    "Merged into the build milestone at the residents' request",
                )
                self.count["milestones cancelled"] += 1
                self.count["milestones scheduled"] += 2

    def _spend(self, project: UUID, total: Decimal) -> None:
        parts = (Decimal("0.3"), Decimal("0.5"), Decimal("0.2"))
        for share, purpose in zip(
            parts,
            ("Design and consultation", "Works contract", "Materials and signage"),
            strict=True,
        ):
            amount = (total * share).quantize(Decimal("0.01"))
            self.app.record_spend(self.officer, project, self.money(amount), self.today, purpose)
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
            commitment = app.make_commitment(
                member,
                group_id,
                project,
                phase,
                CoproductionLevel.GROUP,
                Decimal(rng.randrange(40, 200)),
                in_kind,
            ).aggregate_id
            self.count["commitments"] += 1
            for log in range(rng.randrange(4, 9)):
                people = rng.randrange(1, 9)
                hours = Decimal(rng.randrange(1, 5) * people)
                receipt = app.log_contribution(
                    member,
                    commitment,
                    group_id,
                    project,
                    hours,
                    people,
                    phase,
                    CoproductionLevel.GROUP,
                    self.day(rng.randrange(0, 150)),
                    seconds_to_log=rng.randrange(8, 45),
                    client_id=uuid.uuid5(commitment, f"log-{log}"),
                )
                self.count["contributions logged"] += 1
                self.count["volunteer hours logged"] += int(hours)
                if log == 0:
                    app.verify_contribution(self.officer, receipt.aggregate_id)
                elif log == 1 and index == 2:
                    app.dispute_contribution(
                        self.officer,
                        receipt.aggregate_id,
                        "Hours overlap with a paid council contract",
                    )
            if index % 5 in (0, 1):
                app.mark_commitment_met(self.officer, commitment)
