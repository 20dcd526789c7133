"""Self-certified value does not move the figures: the demo's leverage ratio, on both stores.

Measured before the policy (issue 11): a group marking its own commitment met moved the
demo's leverage ratio from 0.052 to 0.370. Now only an officer of the process's council may
mark a commitment met, and the impact figures count in-kind value only from a met mark made
by an officer, so even a self-certified mark already in an older log counts nothing; and
only value in the process's currency counts.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import pytest

from api.demo import demo_process_id, seed_demo
from coprod.adapters.config import parse_database_url
from coprod.application import Coprod
from coprod.application.commands.contributions import MakeCommitment, MarkCommitmentMet
from coprod.domain.commitment import Commitment, CoproductionLevel, CoproductionPhase, InKindAsset
from coprod.domain.errors import RuleViolation
from coprod.domain.values import Actor, Money, Role
from projections.impact.report import ImpactReport, impact_report
from projections.registry import Projector

SEED = 2026


def figures(app: Coprod, url: str) -> dict[str, Any]:
    with Projector(app, models=["impact"]) as projector:
        projector.catch_up()
    report: ImpactReport = impact_report(demo_process_id(SEED), settings=parse_database_url(url))
    rows = {r["bound"]: r for r in report.table("leverage ratio").as_dicts()}
    intensity = {r["bound"]: r for r in report.table("co-production intensity").as_dicts()}
    in_kind = {r["status"]: r for r in report.table("in-kind value").as_dicts()}
    return {
        "leverage": rows["central"]["leverage"],
        "in_kind": rows["central"]["in_kind"],
        "intensity": intensity["central"]["intensity"],
        "met": in_kind["met"]["value"],
    }


def open_in_kind_commitments(app: Coprod) -> list[Commitment]:
    found = []
    for n in app.recorder.select_notifications(start=None, limit=1_000_000):
        if n.topic.endswith("Commitment.CommitmentMade"):
            commitment = app.get_commitment(n.originator_id)
            if commitment.in_kind is not None and commitment.status == "open":
                found.append(commitment)
    return found


def test_a_group_cannot_move_the_demos_leverage_ratio(store_url: str) -> None:
    app = Coprod(parse_database_url(store_url))
    try:
        seed_demo(app, seed=SEED)
        before = figures(app, store_url)
        # 0.052 when measured in issue 11; 0.067 since the demo loads its own volunteer
        # rates and spreads its delivery and volunteering over the months after the vote
        assert before["leverage"] == Decimal("0.066825")
        targets = open_in_kind_commitments(app)
        assert targets, "the demo has open in-kind pledges to attack"
        for commitment in targets:
            group = Actor(uuid.uuid4(), Role.COMMUNITY_MEMBER, commitment.organisation_id)
            with pytest.raises(RuleViolation, match="cannot certify its own pledge"):
                app.mark_commitment_met(MarkCommitmentMet(commitment_id=commitment.id), group)
            # What an older log may hold: a met mark made by the group itself.
            commitment._mark_met(actor=group)  # past the policy and the domain rule
            app.commit(commitment)
            # And a fresh, unverified in-kind pledge of a large value.
            app.make_commitment(
                MakeCommitment(
                    organisation_id=commitment.organisation_id,
                    project_id=commitment.project_id,
                    phase=CoproductionPhase.CO_DELIVERY,
                    level=CoproductionLevel.GROUP,
                    pledged_hours=None,
                    in_kind=InKindAsset("A second-hand tractor", Money.of("900000", "DKK")),
                ),
                group,
            )
        after = figures(app, store_url)
        assert after == before
        # The officer's mark is the verification: then the value counts.
        officer = Actor(
            uuid.uuid4(), Role.COUNCIL_OFFICER, app.get_process(demo_process_id(SEED)).council_id
        )
        fresh = app.make_commitment(
            MakeCommitment(
                organisation_id=targets[0].organisation_id,
                project_id=targets[0].project_id,
                phase=CoproductionPhase.CO_DELIVERY,
                level=CoproductionLevel.GROUP,
                pledged_hours=None,
                in_kind=InKindAsset("Hall for a month", Money.of("1000", "DKK")),
            ),
            officer,
        ).aggregate_id
        app.mark_commitment_met(MarkCommitmentMet(commitment_id=fresh), officer)
        verified = figures(app, store_url)
        assert verified["met"] == before["met"] + Decimal(1000)
        assert verified["leverage"] > before["leverage"]
        # Value in another currency, as an older log may hold it (written past the edge's
        # currency check) and certified by an officer: still not summed as DKK.
        euros = Commitment(
            actor=officer,
            organisation_id=targets[0].organisation_id,
            project_id=targets[0].project_id,
            phase=CoproductionPhase.CO_DELIVERY,
            level=CoproductionLevel.GROUP,
            pledged_hours=None,
            in_kind=InKindAsset("A stage", Money.of("50000", "EUR")),
        )
        euros._mark_met(actor=officer)
        app.commit(euros)
        assert figures(app, store_url) == verified
    finally:
        app.close()
