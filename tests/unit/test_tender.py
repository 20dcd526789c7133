"""Co-commissioning in the write side: a need defined with residents, a tender, its panel,
sealed bids, scores under declared conflicts, an award that follows the weights, a contract."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from uuid import UUID

import pytest

from coprod.domain.commissioning import NeedDefinition, ServiceNeed, SessionRecord
from coprod.domain.commissioning_terms import (
    Criterion,
    CriterionKind,
    Lot,
    PanelRole,
    ParticipantGroup,
    Participation,
)
from coprod.domain.decision import ComplaintsGuidance, DecisionRecord
from coprod.domain.errors import (
    AlreadyExists,
    DateBeforeCase,
    DecisionRecordIncomplete,
    InvalidInput,
    PhaseError,
    RuleViolation,
)
from coprod.domain.tender import Tender
from coprod.domain.tender_checks import (
    AwardTerms,
    BidTerms,
    ConflictOfInterest,
    ContractTerms,
    TenderTerms,
)
from coprod.domain.tender_ranking import ScoresNotComplete
from coprod.domain.values import Actor, Money, Role

OFFICER = Actor(uuid.uuid4(), Role.COUNCIL_OFFICER, uuid.uuid4())
NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)
DEADLINE = NOW + timedelta(days=30)
AFTER = DEADLINE + timedelta(minutes=1)
RESIDENTS = (
    Participation(ParticipantGroup.RESIDENTS, 14),
    Participation(ParticipantGroup.OFFICERS, 3),
)
CRITERIA = (
    Criterion("quality", "Quality of the service", Decimal(60)),
    Criterion("price", "Price", Decimal(40), CriterionKind.PRICE),
)
RECORD = DecisionRecord(
    legal_basis=("Udbudsloven § 162",),
    main_considerations=("The bid scored highest on the published criteria.",),
    facts_relied_on=(uuid.uuid4(),),
    complaints=ComplaintsGuidance("Klagenævnet for Udbud", "Complain in writing.", 45),
)
A, B = uuid.uuid4(), uuid.uuid4()  # bidder organisations


def dkk(amount: int) -> Money:
    return Money(Decimal(amount), "DKK")


def need() -> ServiceNeed:
    definition = NeedDefinition(
        "youth-club", "A youth club in Nordbyen", "Evenings for 12-17.", RESIDENTS, date(2026, 1, 5)
    )
    return ServiceNeed.define(OFFICER, uuid.uuid4(), OFFICER.organisation_id, definition)


def tender(lots: tuple[Lot, ...] = (Lot("main", "The club"),)) -> Tender:
    terms = TenderTerms("club-2026", "Running the club", lots, CRITERIA, 10, DEADLINE, dkk(900_000))
    n = need()
    return Tender.publish(OFFICER, n.id, (n.process_id, n.council_id), terms, NOW)


def panel(t: Tender) -> tuple[UUID, UUID]:
    resident, officer = uuid.uuid4(), uuid.uuid4()
    t.appoint(OFFICER, resident, PanelRole.RESIDENT)
    t.appoint(OFFICER, officer, PanelRole.OFFICER)
    return resident, officer


def with_bids(t: Tender) -> tuple[UUID, UUID]:
    bid_a = t.submit_bid(OFFICER, BidTerms(A, "main", dkk(800_000)), NOW)
    bid_b = t.submit_bid(OFFICER, BidTerms(B, "main", dkk(600_000)), NOW)
    return bid_a, bid_b


def scored() -> tuple[Tender, UUID, UUID]:
    """A opened tender: A's bid (quality 9/10, dearer) and B's (quality 5/10, cheaper)."""
    t = tender()
    resident, officer = panel(t)
    bid_a, bid_b = with_bids(t)
    t.open_bids(OFFICER, AFTER)
    for member in (resident, officer):
        t.declare_conflicts(OFFICER, member, ())
        t.score(OFFICER, member, bid_a, "quality", Decimal(9))
        t.score(OFFICER, member, bid_b, "quality", Decimal(5))
    return t, bid_a, bid_b


def award_terms(bid: UUID, reason: str | None = None) -> AwardTerms:
    return AwardTerms("main", bid, RECORD, date(2026, 4, 10), 10, reason)


def test_a_need_is_defined_with_residents_and_designed_in_sessions() -> None:
    n = need()
    session = SessionRecord("workshop-1", date(2026, 1, 20), RESIDENTS, ("Open Fri 18-22",))
    n.hold_session(OFFICER, session)
    assert n.sessions["workshop-1"].participants == RESIDENTS
    with pytest.raises(AlreadyExists):
        n.hold_session(OFFICER, session)
    early = SessionRecord("workshop-0", date(2025, 12, 1), RESIDENTS, ("x",))
    with pytest.raises(DateBeforeCase):
        n.hold_session(OFFICER, early)
    officers_only = (Participation(ParticipantGroup.OFFICERS, 4),)
    with pytest.raises(InvalidInput, match="residents"):
        ServiceNeed.define(
            OFFICER,
            uuid.uuid4(),
            uuid.uuid4(),
            NeedDefinition("x", "X", "X.", officers_only, date(2026, 1, 5)),
        )


def test_participation_is_counted_never_named() -> None:
    with pytest.raises(InvalidInput):
        Participation(ParticipantGroup.RESIDENTS, 0)
    twice = (RESIDENTS[0], RESIDENTS[0])
    definition = NeedDefinition("x", "X", "X.", twice, date(2026, 1, 5))
    with pytest.raises(InvalidInput, match="more than once"):
        ServiceNeed.define(OFFICER, uuid.uuid4(), uuid.uuid4(), definition)


def test_the_published_weights_must_add_up_to_100() -> None:
    wrong = (Criterion("quality", "Quality", Decimal(60)),)
    terms = TenderTerms("t", "T", (Lot("main", "M"),), wrong, 10, DEADLINE, dkk(1))
    with pytest.raises(InvalidInput, match="add up to 60"):
        Tender.publish(OFFICER, uuid.uuid4(), (uuid.uuid4(), uuid.uuid4()), terms, NOW)
    past = TenderTerms("t", "T", (Lot("main", "M"),), CRITERIA, 10, NOW, dkk(1))
    with pytest.raises(InvalidInput, match="deadline"):
        Tender.publish(OFFICER, uuid.uuid4(), (uuid.uuid4(), uuid.uuid4()), past, NOW)


def test_bids_are_sealed_until_the_deadline_and_refused_after_it() -> None:
    t = tender()
    panel(t)
    bid_a, _ = with_bids(t)
    again = t.submit_bid(OFFICER, BidTerms(A, "main", dkk(750_000)), NOW)
    assert again == bid_a
    assert t.bids[bid_a].price == dkk(750_000)
    with pytest.raises(PhaseError, match="sealed"):
        t.open_bids(OFFICER, NOW)
    with pytest.raises(PhaseError, match="deadline"):
        t.submit_bid(OFFICER, BidTerms(B, "main", dkk(1)), AFTER)
    with pytest.raises(InvalidInput, match="must be in DKK"):
        t.submit_bid(OFFICER, BidTerms(B, "main", Money(Decimal(1), "EUR")), NOW)
    t.open_bids(OFFICER, AFTER)
    assert t.opened


def test_the_panel_needs_a_resident_and_an_officer_before_opening() -> None:
    t = tender()
    t.appoint(OFFICER, uuid.uuid4(), PanelRole.OFFICER)
    with pytest.raises(RuleViolation, match="resident") as refused:
        t.open_bids(OFFICER, AFTER)
    assert refused.value.rule == "panel-composition"


def test_a_member_declares_before_scoring_and_never_scores_a_conflicted_bid() -> None:
    t = tender()
    resident, officer = panel(t)
    bid_a, bid_b = with_bids(t)
    t.open_bids(OFFICER, AFTER)
    assert not t.may_see_bids(resident)
    with pytest.raises(ConflictOfInterest, match="declare"):
        t.score(OFFICER, resident, bid_a, "quality", Decimal(5))
    t.declare_conflicts(OFFICER, resident, (A,))
    assert t.may_see_bids(resident)
    with pytest.raises(ConflictOfInterest, match="cannot score"):
        t.score(OFFICER, resident, bid_a, "quality", Decimal(5))
    t.score(OFFICER, resident, bid_b, "quality", Decimal(5))
    with pytest.raises(ConflictOfInterest, match="before scoring"):
        t.declare_conflicts(OFFICER, resident, ())
    with pytest.raises(ConflictOfInterest, match="not on the evaluation panel"):
        t.score(OFFICER, uuid.uuid4(), bid_b, "quality", Decimal(5))
    t.declare_conflicts(OFFICER, officer, ())
    with pytest.raises(InvalidInput, match="0 to 10"):
        t.score(OFFICER, officer, bid_b, "quality", Decimal(11))
    with pytest.raises(InvalidInput, match="quality criterion"):
        t.score(OFFICER, officer, bid_b, "price", Decimal(5))


def test_the_ranking_follows_the_weights_and_price_is_computed() -> None:
    t, bid_a, bid_b = scored()
    ranking = t.ranking("main")
    # A: 60*9/10 + 40*(600/800) = 54 + 30 = 84; B: 60*5/10 + 40*1 = 30 + 40 = 70
    assert [(r.place, r.bid_id, r.total) for r in ranking] == [
        (1, bid_a, Decimal("84.0000")),
        (2, bid_b, Decimal("70.0000")),
    ]
    t.moderate(OFFICER, bid_b, "quality", Decimal(10), "Agreed in moderation: B's plan is better")
    assert t.ranking("main")[0].bid_id == bid_b  # B: 60 + 40 = 100


def test_an_award_needs_every_score_a_full_record_and_follows_the_ranking() -> None:
    t = tender()
    resident, _officer = panel(t)
    bid_a, _bid_b = with_bids(t)
    t.open_bids(OFFICER, AFTER)
    t.declare_conflicts(OFFICER, resident, ())
    t.score(OFFICER, resident, bid_a, "quality", Decimal(9))
    with pytest.raises(ScoresNotComplete):
        t.award(OFFICER, award_terms(bid_a))
    t, bid_a, bid_b = scored()
    with pytest.raises(DecisionRecordIncomplete, match="legal_basis"):
        t.award(OFFICER, AwardTerms("main", bid_a, DecisionRecord(), date(2026, 4, 10), 10))
    with pytest.raises(RuleViolation, match="departure_reason") as refused:
        t.award(OFFICER, award_terms(bid_b))
    assert refused.value.rule == "award-follows-weights"
    award_id = t.award(OFFICER, award_terms(bid_b, "A's bid failed the safeguarding check."))
    award = t.awards["main"]
    assert award.award_id == award_id
    assert award.bid_id == bid_b
    assert [r.bid_id for r in award.ranking] == [bid_a, bid_b]  # the ranking is stored
    with pytest.raises(PhaseError, match="final"):
        t.score(OFFICER, next(iter(t.panel)), bid_a, "quality", Decimal(1))


def test_the_contract_waits_for_the_standstill() -> None:
    t, bid_a, _ = scored()
    t.award(OFFICER, award_terms(bid_a))  # decided 10 April, 10 days' standstill
    early = ContractTerms(
        "main", dkk(800_000), date(2026, 5, 1), date(2027, 4, 30), date(2026, 4, 19)
    )
    with pytest.raises(RuleViolation, match="standstill") as refused:
        t.sign_contract(OFFICER, early)
    assert refused.value.rule == "standstill"
    terms = ContractTerms(
        "main", dkk(800_000), date(2026, 5, 1), date(2027, 4, 30), date(2026, 4, 20)
    )
    contract_id = t.sign_contract(OFFICER, terms)
    assert t.contracts["main"].contract_id == contract_id
    assert t.contracts["main"].terms == terms
    with pytest.raises(AlreadyExists):
        t.sign_contract(OFFICER, terms)


def test_an_unawarded_lot_has_no_contract_and_a_lot_is_awarded_once() -> None:
    t, bid_a, _ = scored()
    terms = ContractTerms("main", dkk(1), date(2026, 5, 1), date(2027, 4, 30), date(2026, 4, 20))
    with pytest.raises(PhaseError, match="not awarded"):
        t.sign_contract(OFFICER, terms)
    t.award(OFFICER, award_terms(bid_a))
    with pytest.raises(AlreadyExists):
        t.award(OFFICER, award_terms(bid_a))
