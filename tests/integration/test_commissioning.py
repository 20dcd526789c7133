"""Co-commissioning end to end on both stores: need → co-design → tender → sealed bids →
mixed panel → scores → award → contract → delivery as a project the read models take."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from uuid import UUID

import pytest

from coprod.application import SYSTEM_ACTOR, Coprod
from coprod.application.commands import commissioning as cmd
from coprod.application.commands.people import RegisterOrganisation
from coprod.application.commands.processes import OpenProcess
from coprod.application.commands.projects import RecordSpend, ScheduleMilestone
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
from coprod.domain.errors import NotAllowed, NotFound, PhaseError
from coprod.domain.organisation import Organisation, OrganisationKind
from coprod.domain.process import ProcessKind
from coprod.domain.project import Project
from coprod.domain.tender import Tender
from coprod.domain.tender_checks import (
    AwardTerms,
    BidTerms,
    ConflictOfInterest,
    ContractTerms,
    TenderTerms,
)
from coprod.domain.values import Actor, Money, Role
from projections.commissioning import TenderView, tender_view
from projections.impact.report import impact_report
from projections.registry import Projector
from projections.store import Connection
from projections.timeline import project_timeline

PEOPLE = (
    Participation(ParticipantGroup.RESIDENTS, 21),
    Participation(ParticipantGroup.OFFICERS, 2),
)
RECORD = DecisionRecord(
    legal_basis=("Udbudsloven § 162",),
    main_considerations=("Highest weighted score.",),
    facts_relied_on=(uuid.uuid4(),),
    complaints=ComplaintsGuidance("Klagenævnet for Udbud", "In writing.", 45),
)


def dkk(amount: int) -> Money:
    return Money(Decimal(amount), "DKK")


class Clock:
    """The application's clock, moved by the test past the bid deadline."""

    def __init__(self) -> None:
        self.at = datetime.now(UTC) - timedelta(days=30)

    def __call__(self) -> datetime:
        return self.at


def bidder(app: Coprod, slug: str) -> Actor:
    app.register_organisation(
        RegisterOrganisation(slug=slug, kind=OrganisationKind.COMMUNITY_GROUP, display_name=slug),
        SYSTEM_ACTOR,
    )
    return Actor(uuid.uuid4(), Role.COMMUNITY_MEMBER, Organisation.create_id(slug))


def published(app: Coprod, officer: Actor, clock: Clock) -> UUID:
    process = app.open_process(
        OpenProcess(
            council_id=officer.organisation_id,
            code="coprod-2026",
            name="Co-production 2026",
            currency="DKK",
            kind=ProcessKind.COPRODUCTION_PROGRAMME,
        ),
        officer,
    ).aggregate_id
    today = clock.at.date()
    need = app.define_service_need(
        cmd.DefineServiceNeed(
            process_id=process,
            need=NeedDefinition("youth-club", "Youth club", "Evenings.", PEOPLE, today),
        ),
        officer,
    ).aggregate_id
    session = SessionRecord("workshop-1", today, PEOPLE, ("Open Fridays",))
    app.hold_co_design_session(cmd.HoldCoDesignSession(need_id=need, session=session), officer)
    criteria = (
        Criterion("quality", "Quality", Decimal(70)),
        Criterion("price", "Price", Decimal(30), CriterionKind.PRICE),
    )
    deadline = clock.at + timedelta(days=14)
    terms = TenderTerms(
        "club", "Running the club", (Lot("main", "Club"),), criteria, 10, deadline, dkk(500_000)
    )
    return app.publish_tender(cmd.PublishTender(need_id=need, terms=terms), officer).aggregate_id


def view(app: Coprod, tender_id: UUID, *, full: bool = False) -> TenderView:
    with Projector(app) as projector:
        projector.catch_up()
        assert projector.quarantined() == []
    with Connection(app.settings) as conn:
        found = tender_view(conn, tender_id, full=full)
    assert found is not None
    return found


def test_a_co_commissioned_service_from_need_to_delivery(
    store_app: Coprod, officer: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    app, clock = store_app, Clock()
    monkeypatch.setattr(app, "now", clock)
    tender_id = published(app, officer, clock)
    resident = Actor(uuid.uuid4(), Role.RESIDENT)
    panel_officer = Actor(uuid.uuid4(), Role.COUNCIL_OFFICER, officer.organisation_id)
    for member, role in ((resident, PanelRole.RESIDENT), (panel_officer, PanelRole.OFFICER)):
        app.appoint_panel_member(
            cmd.AppointPanelMember(tender_id=tender_id, member_id=member.id, role=role), officer
        )
    a, b = bidder(app, "club-a"), bidder(app, "club-b")
    for actor, price in ((a, 450_000), (b, 300_000)):
        bid = BidTerms(actor.organisation_id, "main", dkk(price), ("https://example.org/bid.pdf",))
        app.submit_bid(cmd.SubmitBid(tender_id=tender_id, bid=bid), actor)
    with pytest.raises(NotAllowed):  # a bid in another organisation's name
        app.submit_bid(
            cmd.SubmitBid(tender_id=tender_id, bid=BidTerms(b.organisation_id, "main", dkk(1))), a
        )
    with pytest.raises(NotFound):  # an unregistered bidder
        app.submit_bid(
            cmd.SubmitBid(tender_id=tender_id, bid=BidTerms(uuid.uuid4(), "main", dkk(1))), officer
        )
    with pytest.raises(PhaseError, match="sealed"):
        app.open_bids(cmd.OpenBids(tender_id=tender_id), officer)
    sealed = view(app, tender_id, full=True)
    assert (sealed.stage, sealed.bids, sealed.bid_count) == ("open for bids", [], None)
    assert sealed.panel == {"officer": 1, "resident": 1}
    assert [(s[0], s[2]) for s in sealed.need.participation] == [
        ("", {"residents": 21, "officers": 2}),
        ("workshop-1", {"residents": 21, "officers": 2}),
    ]
    clock.at += timedelta(days=30)
    app.open_bids(cmd.OpenBids(tender_id=tender_id), officer)
    bid_a = Tender.bid_id_for(tender_id, a.organisation_id, "main")
    bid_b = Tender.bid_id_for(tender_id, b.organisation_id, "main")
    score = cmd.ScoreBid(
        tender_id=tender_id, bid_id=bid_a, criterion_code="quality", score=Decimal(9)
    )
    with pytest.raises(NotAllowed, match="read-only"):
        app.score_bid(score, Actor(resident.id, Role.EVALUATOR))
    with pytest.raises(ConflictOfInterest, match="not on the evaluation panel"):
        app.score_bid(score, officer)  # an officer off the panel cannot score for it
    for member, conflicts in ((resident, ()), (panel_officer, (b.organisation_id,))):
        app.declare_conflicts(
            cmd.DeclareConflicts(tender_id=tender_id, conflicted_bidders=conflicts), member
        )
    for member, bid, score in (
        (resident, bid_a, 9),
        (resident, bid_b, 4),
        (panel_officer, bid_a, 7),
    ):
        app.score_bid(
            cmd.ScoreBid(
                tender_id=tender_id, bid_id=bid, criterion_code="quality", score=Decimal(score)
            ),
            member,
        )
    decided = clock.at.date() - timedelta(days=10)
    award = AwardTerms("main", bid_a, RECORD, decided, 10)
    app.award_tender(cmd.AwardTender(tender_id=tender_id, award=award), officer)
    contract = ContractTerms(
        "main",
        dkk(450_000),
        decided + timedelta(days=20),
        decided + timedelta(days=385),
        decided + timedelta(days=10),
    )
    receipt = app.sign_contract(cmd.SignContract(tender_id=tender_id, contract=contract), officer)
    project = app.load(Project, receipt.aggregate_id)
    assert (project.proposal_id, project.approved) == (bid_a, dkk(450_000))
    app.schedule_milestone(
        ScheduleMilestone(
            project_id=project.id, code="opening", title="Club opens", due_on=date(2027, 1, 8)
        ),
        officer,
    )
    app.record_spend(
        RecordSpend(project_id=project.id, amount=dkk(100_000), spent_on=decided, purpose="Year 1"),
        officer,
    )
    tender = app.load(Tender, tender_id)  # everything read back from the store
    # A: 70*8/10 + 30*(300/450) = 56 + 20 = 76; B: 70*4/10 + 30 = 58
    assert [(r.bid_id, r.total) for r in tender.awards["main"].ranking] == [
        (bid_a, Decimal("76.0000")),
        (bid_b, Decimal("58.0000")),
    ]
    need = app.load(ServiceNeed, tender.need_id)
    assert need.sessions["workshop-1"].participants == PEOPLE
    seen, public = view(app, tender_id, full=True), view(app, tender_id)
    assert (seen.stage, seen.bid_count, seen.panel_declared) == ("contracted", 2, 2)
    assert [(b.bidder, b.price) for b in seen.bids] == sorted(
        [("club-a", Decimal(450_000)), ("club-b", Decimal(300_000))],
        key=lambda b: str(Tender.bid_id_for(tender_id, Organisation.create_id(b[0]), "main").hex),
    )
    (award,) = seen.awards
    assert award.followed_ranking
    assert award.ranking == [(1, "club-a", Decimal(76)), (2, "club-b", Decimal(58))]
    (contract,) = seen.contracts
    assert (contract.project_id, contract.value) == (project.id, Decimal(450_000))
    assert len(seen.scores) == 3
    assert public.scores == []  # members' scores are not public
    # counts of people below k = 5 are hidden in public: 2 officers, a panel of 1 + 1
    assert public.need.participation[0][2] == {"residents": 21, "officers": None}
    assert public.panel == {"officer": None, "resident": None}
    assert public.k == 5

    report = impact_report(tender.process_id, settings=app.settings)
    intensity = report.table("co-production intensity").as_dicts()[1]
    assert (intensity["co_commissioned_spend"], intensity["co_commissioned_share"]) == (100_000, 1)
    assert report.table("budget execution").as_dicts()[0]["spent"] == 0  # not PB money
    rounds = report.table("co-design participation").as_dicts()
    assert [(r["round"], r["group"]) for r in rounds[:3]] == [
        ("definition", "officers"),
        ("definition", "residents"),
        ("definition", "all"),
    ]
    assert rounds[0]["people"] is None  # 2 officers, below k = 5
    assert rounds[2]["people"] == 23
    panel = report.table("panel composition").as_dicts()
    assert [(r["role"], r["members"]) for r in panel] == [
        ("officer", None),
        ("resident", None),
        ("all", None),  # a panel of 2: its total is below k too
    ]

    trail = project_timeline(project.id, None, settings=app.settings)
    lines = [(entry.event, entry.summary) for entry in trail.entries]
    assert [event for event, _ in lines[:3]] == [
        "Tender.TenderAwarded",
        "Project.ProjectFunded",
        "Tender.ContractSigned",
    ]
    assert "awarded by the tender Running the club" in lines[0][1]
    assert "ranked first" in lines[0][1]
    assert "contract signed" in lines[2][1]
