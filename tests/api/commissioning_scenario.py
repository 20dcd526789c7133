"""Builders of co-commissioning targets for the access matrix: a need, a tender open for
bids, one past its deadline, opened, scored, awarded — each fresh, on either side.

They act on the application directly as the side's council officer (:func:`registrar`),
moving its clock back to publish a tender whose deadline has passed by the time it is used.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from coprod.application import Coprod
from coprod.application.commands import commissioning as cmd
from coprod.domain.commissioning import NeedDefinition
from coprod.domain.commissioning_terms import (
    Criterion,
    Lot,
    PanelRole,
    ParticipantGroup,
    Participation,
)
from coprod.domain.decision import ComplaintsGuidance, DecisionRecord
from coprod.domain.tender import Tender
from coprod.domain.tender_checks import AwardTerms, BidTerms, TenderTerms
from coprod.domain.values import Actor, Money, Role
from tests.api.scenario import TODAY, Scenario, Side, money, registrar

Ids = dict[str, str]
PEOPLE = (Participation(ParticipantGroup.RESIDENTS, 12),)
#: The callers a tender's panel holds, so that each can declare and score as themself.
PANEL_CALLERS = {
    "officer": Role.COUNCIL_OFFICER,
    "other_officer": Role.COUNCIL_OFFICER,
    "member": Role.COMMUNITY_MEMBER,
    "other_member": Role.COMMUNITY_MEMBER,
}
_codes = iter(range(10**9))


def _officer(s: Scenario, side: Side) -> Actor:
    return registrar(s.councils[side])


def need(s: Scenario, side: Side) -> Ids:
    """A fresh need in a fresh process of the side's council."""
    process = UUID(s.process(side))
    definition = NeedDefinition(f"need-{next(_codes)}", "Youth club", "Evenings.", PEOPLE, TODAY)
    made = s.coprod.define_service_need(
        cmd.DefineServiceNeed(process_id=process, need=definition), _officer(s, side)
    )
    return {"need_id": str(made.aggregate_id), "process_id": str(process)}


def _publish(s: Scenario, side: Side, *, closed: bool) -> Ids:
    """A tender of a fresh need; ``closed``: its deadline has passed (published 30 days ago)."""
    ids = need(s, side)
    app: Coprod = s.coprod
    now = datetime.now(UTC) - timedelta(days=30 if closed else 0)
    criteria = (Criterion("quality", "Quality", Decimal(100)),)
    terms = TenderTerms(
        f"tender-{next(_codes)}",
        "Club",
        (Lot("main", "Club"),),
        criteria,
        10,
        now + timedelta(days=14),
        Money(Decimal(1000), "DKK"),
    )
    app.now = lambda: now  # type: ignore[method-assign]
    try:
        made = app.publish_tender(
            cmd.PublishTender(need_id=UUID(ids["need_id"]), terms=terms), _officer(s, side)
        )
        tender = made.aggregate_id
        if closed:
            _panel_and_bid(s, side, tender)
    finally:
        del app.now  # type: ignore[method-assign]
    return ids | {"tender_id": str(tender), "bidder": str(s.groups[side])}


def _panel_and_bid(s: Scenario, side: Side, tender: UUID) -> None:
    officer, app = _officer(s, side), s.coprod
    app.appoint_panel_member(
        cmd.AppointPanelMember(tender_id=tender, member_id=uuid.uuid4(), role=PanelRole.RESIDENT),
        officer,
    )
    for caller in PANEL_CALLERS:
        role = PanelRole.OFFICER if "officer" in caller else PanelRole.RESIDENT
        app.appoint_panel_member(
            cmd.AppointPanelMember(tender_id=tender, member_id=s.actors[caller], role=role),
            officer,
        )
    bid = BidTerms(s.groups[side], "main", Money(Decimal(900), "DKK"))
    app.submit_bid(cmd.SubmitBid(tender_id=tender, bid=bid), officer)


def open_tender(s: Scenario, side: Side) -> Ids:
    """A tender open for bids."""
    return _publish(s, side, closed=False)


def closed_tender(s: Scenario, side: Side) -> Ids:
    """A tender past its deadline, with a mixed panel and one bid, not yet opened."""
    return _publish(s, side, closed=True)


def opened_tender(s: Scenario, side: Side) -> Ids:
    """An opened tender whose panel (every caller) has declared no conflicts."""
    ids = closed_tender(s, side)
    tender = UUID(ids["tender_id"])
    s.coprod.open_bids(cmd.OpenBids(tender_id=tender), _officer(s, side))
    for caller, role in PANEL_CALLERS.items():
        s.coprod.declare_conflicts(
            cmd.DeclareConflicts(tender_id=tender), Actor(s.actors[caller], role)
        )
    bid = Tender.bid_id_for(tender, s.groups[side], "main")
    return ids | {"bid": str(bid)}


def scored_tender(s: Scenario, side: Side) -> Ids:
    """An opened tender whose one bid is scored."""
    ids = opened_tender(s, side)
    s.coprod.score_bid(
        cmd.ScoreBid(
            tender_id=UUID(ids["tender_id"]),
            bid_id=UUID(ids["bid"]),
            criterion_code="quality",
            score=Decimal(7),
        ),
        Actor(s.actors["officer"], Role.COUNCIL_OFFICER),
    )
    return ids


def awarded_tender(s: Scenario, side: Side) -> Ids:
    """A scored tender awarded ten days ago, so its standstill ends today."""
    ids = scored_tender(s, side)
    terms = AwardTerms("main", UUID(ids["bid"]), RECORD, TODAY - timedelta(days=10), 10)
    s.coprod.award_tender(
        cmd.AwardTender(tender_id=UUID(ids["tender_id"]), award=terms), _officer(s, side)
    )
    return ids


RECORD = DecisionRecord(
    legal_basis=("Udbudsloven § 162",),
    main_considerations=("The highest score.",),
    facts_relied_on=(uuid.uuid4(),),
    complaints=ComplaintsGuidance("Klagenævnet for Udbud", "In writing.", 45),
)


def need_body(ids: Ids) -> dict[str, Any]:
    return {
        "code": f"need-{next(_codes)}",
        "title": "Youth club",
        "description": "Evenings for 12-17.",
        "participants": [{"group": "residents", "count": 14}],
        "defined_on": str(TODAY),
    }


def session_body(ids: Ids) -> dict[str, Any]:
    return {
        "code": f"workshop-{next(_codes)}",
        "held_on": str(TODAY),
        "participants": [{"group": "residents", "count": 9}],
        "outputs": ["Open on Fridays"],
    }


def tender_body(ids: Ids) -> dict[str, Any]:
    deadline = datetime.now(UTC) + timedelta(days=14)
    return {
        "code": f"tender-{next(_codes)}",
        "title": "Running the club",
        "lots": [{"code": "main", "title": "Club"}],
        "criteria": [
            {"code": "quality", "title": "Quality", "weight": "70"},
            {"code": "price", "title": "Price", "weight": "30", "kind": "price"},
        ],
        "scale": 10,
        "deadline": deadline.isoformat(),
        "estimated_value": money("50000"),
    }


def panel_body(ids: Ids) -> dict[str, Any]:
    return {"member_id": str(uuid.uuid4()), "role": "resident"}


def bid_body(ids: Ids) -> dict[str, Any]:
    return {"bidder_id": ids["bidder"], "lot_code": "main", "price": money("40000")}


def score_body(ids: Ids) -> dict[str, Any]:
    return {"bid_id": ids["bid"], "criterion_code": "quality", "score": "8"}


def moderation_body(ids: Ids) -> dict[str, Any]:
    return score_body(ids) | {"reason": "Agreed in moderation"}


def award_body(ids: Ids) -> dict[str, Any]:
    c = RECORD.complaints
    assert c is not None
    return {
        "lot_code": "main",
        "bid_id": ids["bid"],
        "record": {
            "legal_basis": list(RECORD.legal_basis),
            "main_considerations": list(RECORD.main_considerations),
            "facts_relied_on": [str(f) for f in RECORD.facts_relied_on],
            "complaints": {"body": c.body, "procedure": c.procedure, "deadline_days": 45},
        },
        "decided_on": str(TODAY),
        "standstill_days": 10,
    }


def contract_body(ids: Ids) -> dict[str, Any]:
    return {
        "lot_code": "main",
        "value": money("900"),
        "starts_on": str(TODAY),
        "ends_on": str(TODAY + timedelta(days=365)),
        "signed_on": str(TODAY),
    }
