"""The demo's co-delivery: community groups commit to projects and log their work over time.

Commitments are made when the projects start; each day's work is put on the seeder's agenda
and logged a few days after it was done (as volunteers do), with the log's "today" the
simulated one, so no work is logged before it happened.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from decimal import Decimal
from functools import partial
from uuid import UUID

from api.demo.base import SeederBase
from coprod.application.commands.contributions import (
    DisputeContribution,
    LogContribution,
    MakeCommitment,
    MarkCommitmentMet,
    VerifyContribution,
)
from coprod.domain.commitment import CoproductionLevel, CoproductionPhase, InKindAsset
from coprod.domain.values import Actor

#: The first work day (days ago) and the span the work is spread over.
WORK_FROM, WORK_SPAN = 370, 340


class CoDeliverySteps(SeederBase):
    """Groups' commitments now; their logged work on the agenda."""

    projects: list[UUID]

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
            logs = rng.randrange(4, 9)
            days = sorted((WORK_FROM - rng.randrange(WORK_SPAN) for _ in range(logs)), reverse=True)
            for log, worked in enumerate(days):
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
                    worked_on=self.day(worked),
                    seconds_to_log=rng.randrange(8, 45),
                    client_id=uuid.uuid5(commitment, f"log-{log}"),
                )
                review = "verify" if log == 0 else "dispute" if log == 1 and index == 2 else None
                self.plan(worked - rng.randrange(0, 4), partial(self._log, work, member, review))
                self.count["contributions logged"] += 1
                self.count["volunteer hours logged"] += int(hours)
            if index % 5 in (0, 1):
                met = MarkCommitmentMet(commitment_id=commitment)
                self.plan(days[-1] - 5, partial(app.mark_commitment_met, met, self.officer))

    def _log(self, work: LogContribution, member: Actor, review: str | None) -> None:
        """Log one day's work, as of the simulated today; the officer verifies or disputes it."""
        app = self.app
        logged = replace(work, today=self.clock.today())
        receipt = app.log_contribution(logged, member)
        if review == "verify":
            app.verify_contribution(
                VerifyContribution(contribution_id=receipt.aggregate_id), self.officer
            )
        elif review == "dispute":
            dispute = DisputeContribution(
                contribution_id=receipt.aggregate_id,
                reason="Hours overlap with a paid council contract",
            )
            app.dispute_contribution(dispute, self.officer)
