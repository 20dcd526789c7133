"""Co-commissioning over HTTP: a need, co-design, a tender, its panel, bids, award, contract.

Every route builds the command of :mod:`coprod.application.commands.commissioning` and calls
its use case, which applies the one policy: officers of the process's council run the
tender; a bidder's member submits its bid; a panel member declares and scores as themself
(any signed-in key, the policy refuses everyone else). The tender's page is public, with
bids sealed until they are opened, panel members counted by role and counts of people
below the process's k hidden; its council's officers and evaluators also see the scores.
"""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Response

from api.http.deps import (
    ExpectedVersion,
    OfficerCall,
    PublicReader,
    Reads,
    SignedInCall,
    WriterCall,
)
from api.http.routes import commissioning_bodies as bodies
from api.http.routes.commissioning_views import TenderDetail, detail_of
from api.http.routes.common import CommandResult, decimal, run_command
from coprod.application import policy
from coprod.application.commands import commissioning as cmd
from coprod.domain.errors import NotFound
from projections.commissioning import tender_view, tenders_of

router = APIRouter(tags=["commissioning"])


@router.post("/processes/{process_id}/service-needs", status_code=201)
def define_need(
    process_id: UUID, body: bodies.NeedBody, call: OfficerCall, response: Response
) -> CommandResult:
    """Record a service need defined with residents (participants counted per group)."""
    command = cmd.DefineServiceNeed(process_id=process_id, need=body.to_need())
    return run_command(
        response, call.app.define_service_need, command, call.actor, created="service-needs"
    )


@router.post("/service-needs/{need_id}/sessions")
def hold_session(
    need_id: UUID,
    body: bodies.SessionBody,
    call: OfficerCall,
    expected: ExpectedVersion,
    response: Response,
) -> CommandResult:
    """Record a co-design session of the need."""
    command = cmd.HoldCoDesignSession(
        need_id=need_id, session=body.to_session(), expected_version=expected
    )
    return run_command(response, call.app.hold_co_design_session, command, call.actor)


@router.post("/service-needs/{need_id}/tenders", status_code=201)
def publish_tender(
    need_id: UUID, body: bodies.TenderBody, call: OfficerCall, response: Response
) -> CommandResult:
    """Publish a tender for the need: lots, criteria weighted to 100, deadline, value."""
    command = cmd.PublishTender(need_id=need_id, terms=body.to_terms())
    return run_command(response, call.app.publish_tender, command, call.actor, created="tenders")


@router.get("/processes/{process_id}/tenders")
def list_tenders(process_id: UUID, who: PublicReader, reads: Reads) -> bodies.TenderList:
    """The process's tenders and where each stands (public)."""
    with reads.connection() as conn:
        found = tenders_of(conn, process_id)
    items = [
        bodies.TenderItem(
            tender_id=t.id,
            code=t.code,
            title=t.title,
            need_title=t.need_title,
            deadline=t.deadline,
            stage=t.stage,
        )
        for t in found
    ]
    return bodies.TenderList(items=items)


@router.get("/tenders/{tender_id}")
def get_tender(tender_id: UUID, who: PublicReader, reads: Reads) -> TenderDetail:
    """A tender's progress and outcome: public, with bids sealed until opened; the council's
    officers and evaluators also see the members' scores."""
    with reads.connection() as conn:
        view = tender_view(conn, tender_id)
        if view is None:
            raise NotFound("tender", tender_id)
        if who is not None and policy.reads_full_history(who.actor, view.council_id):
            view = tender_view(conn, tender_id, full=True) or view
    return detail_of(view)


@router.post("/tenders/{tender_id}/panel")
def appoint_member(
    tender_id: UUID,
    body: bodies.PanelBody,
    call: OfficerCall,
    expected: ExpectedVersion,
    response: Response,
) -> CommandResult:
    """Appoint a resident or an officer (a person id) to the evaluation panel."""
    command = cmd.AppointPanelMember(
        tender_id=tender_id, member_id=body.member_id, role=body.role, expected_version=expected
    )
    return run_command(response, call.app.appoint_panel_member, command, call.actor)


@router.post("/tenders/{tender_id}/conflicts")
def declare_conflicts(
    tender_id: UUID,
    body: bodies.ConflictsBody,
    call: SignedInCall,
    expected: ExpectedVersion,
    response: Response,
) -> CommandResult:
    """A panel member declares, as themself, the bidders they have an interest in."""
    command = cmd.DeclareConflicts(
        tender_id=tender_id,
        conflicted_bidders=tuple(body.conflicted_bidders),
        expected_version=expected,
    )
    return run_command(response, call.app.declare_conflicts, command, call.actor)


@router.post("/tenders/{tender_id}/bids")
def submit_bid(
    tender_id: UUID,
    body: bodies.BidBody,
    call: WriterCall,
    expected: ExpectedVersion,
    response: Response,
) -> CommandResult:
    """A bid before the deadline, by a member of the bidder (or an officer, from paper)."""
    command = cmd.SubmitBid(tender_id=tender_id, bid=body.to_bid(), expected_version=expected)
    return run_command(response, call.app.submit_bid, command, call.actor)


@router.post("/tenders/{tender_id}/open")
def open_bids(
    tender_id: UUID, call: OfficerCall, expected: ExpectedVersion, response: Response
) -> CommandResult:
    """Open the sealed bids, once the deadline has passed and the panel is mixed."""
    command = cmd.OpenBids(tender_id=tender_id, expected_version=expected)
    return run_command(response, call.app.open_bids, command, call.actor)


@router.post("/tenders/{tender_id}/scores")
def score_bid(
    tender_id: UUID,
    body: bodies.ScoreBody,
    call: SignedInCall,
    expected: ExpectedVersion,
    response: Response,
) -> CommandResult:
    """A panel member's score for a bid on a quality criterion, as themself."""
    command = cmd.ScoreBid(
        tender_id=tender_id,
        bid_id=body.bid_id,
        criterion_code=body.criterion_code,
        score=decimal("score", body.score),
        note=body.note,
        expected_version=expected,
    )
    return run_command(response, call.app.score_bid, command, call.actor)


@router.post("/tenders/{tender_id}/moderation")
def moderate_score(
    tender_id: UUID,
    body: bodies.ModerationBody,
    call: OfficerCall,
    expected: ExpectedVersion,
    response: Response,
) -> CommandResult:
    """The score the panel agreed in moderation, with the reason."""
    command = cmd.ModerateScore(
        tender_id=tender_id,
        bid_id=body.bid_id,
        criterion_code=body.criterion_code,
        score=decimal("score", body.score),
        reason=body.reason,
        expected_version=expected,
    )
    return run_command(response, call.app.moderate_score, command, call.actor)


@router.post("/tenders/{tender_id}/awards")
def award_tender(
    tender_id: UUID,
    body: bodies.AwardBody,
    call: OfficerCall,
    expected: ExpectedVersion,
    response: Response,
) -> CommandResult:
    """Award a lot: full decision record, standstill, reasons if it departs from the ranking."""
    command = cmd.AwardTender(tender_id=tender_id, award=body.to_award(), expected_version=expected)
    return run_command(response, call.app.award_tender, command, call.actor)


@router.post("/tenders/{tender_id}/contracts", status_code=201)
def sign_contract(
    tender_id: UUID,
    body: bodies.ContractBody,
    call: OfficerCall,
    expected: ExpectedVersion,
    response: Response,
) -> CommandResult:
    """The contract after the standstill; the answer names the project that delivers it."""
    command = cmd.SignContract(
        tender_id=tender_id, contract=body.to_contract(), expected_version=expected
    )
    return run_command(response, call.app.sign_contract, command, call.actor, created="projects")
