"""Ideas and proposals: submit, amend, merge, withdraw, develop; assessment and the case file.

Paths name the object the command changes; ``If-Match`` is always that object's version.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID, uuid4

from fastapi import APIRouter, Response
from pydantic import Field

from api.http.deps import (
    CoprodApp,
    ExpectedVersion,
    Officer,
    OfficerCall,
    PublicReader,
    Writer,
)
from api.http.fields import BusinessDate, Code, Count, Prose, Text, Title
from api.http.routes.common import (
    Body,
    CommandResult,
    MoneyModel,
    View,
    etag,
    money_out,
    run_command,
)
from coprod.application.commands import proposals as cmd
from coprod.domain.proposal import Proposal

router = APIRouter(tags=["proposals"])


class SubmitIdea(Body):
    title: Annotated[Title, Field(examples=["A bench by the lake"])]
    description: Prose
    area_code: Code | None = None
    category: Code | None = None


class AmendIdea(Body):
    title: Title | None = None
    description: Prose | None = None


class MergeIdea(Body):
    target_id: UUID
    target_version: Count | None = Field(default=None, description="The target's version you saw")


class Reason(Body):
    reason: Prose


class DevelopProposal(Body):
    cost_estimate: MoneyModel
    area_code: Code
    category: Code
    co_producers: list[UUID] = []


class AssessFeasibility(Body):
    feasible: bool
    reason: Prose
    assessed_cost: MoneyModel | None = None


class RecordFact(Body):
    fact_id: UUID | None = Field(default=None, description="Your id for the fact; made if absent")
    summary: Prose = Field(description="The fact, without personal data; refer to the document")
    adverse: bool
    essential: bool
    known_to_party: bool
    noted_on: BusinessDate | None = Field(
        default=None,
        description="When the fact came onto the case file, if not today (a case recorded late)",
    )


class SendHearing(Body):
    hearing_id: UUID | None = None
    party_id: UUID
    fact_ids: list[UUID]
    deadline: BusinessDate
    sent_on: BusinessDate | None = Field(
        default=None,
        description="When the hearing was sent, if not today; the deadline must leave the "
        "process's minimum hearing period after it",
    )


class HearingAnswer(Body):
    answered_on: BusinessDate
    response_ref: Text


class ExemptFromHearing(Body):
    fact_ids: list[UUID]
    justification: Prose


class ProposalView(View):
    """A proposal as the public sees it: no submitter, no parties, no case file."""

    id: UUID
    version: int
    process_id: UUID
    title: str
    description: str
    area_code: str | None
    category: str | None
    stage: str
    status: str
    merged_into: UUID | None
    cost_estimate: MoneyModel | None
    feasible: bool | None
    assessment_reason: str | None
    assessed_cost: MoneyModel | None
    shortlisted: bool | None
    decision_id: UUID | None
    decision_status: str | None


def _view(p: Proposal) -> ProposalView:
    return ProposalView(
        id=p.id,
        version=p.version,
        process_id=p.process_id,
        title=p.title,
        description=p.description,
        area_code=p.area_code,
        category=p.category,
        stage=p.stage,
        status=p.status,
        merged_into=p.merged_into,
        cost_estimate=money_out(p.cost_estimate),
        feasible=p.feasible,
        assessment_reason=p.assessment_reason,
        assessed_cost=money_out(p.assessed_cost),
        shortlisted=p.shortlisted,
        decision_id=p.decision_id,
        decision_status=p.decision_status,
    )


@router.post("/processes/{process_id}/ideas", status_code=201)
def submit_idea(
    process_id: UUID, body: SubmitIdea, who: Writer, app: CoprodApp, response: Response
) -> CommandResult:
    """Submit an idea to a process in its ideas or development phase."""
    command = cmd.SubmitIdea(
        process_id=process_id,
        title=body.title,
        description=body.description,
        area_code=body.area_code,
        category=body.category,
    )
    return run_command(response, app.submit_idea, command, who.actor, created="proposals")


@router.get("/proposals/{proposal_id}")
def get_proposal(
    proposal_id: UUID, who: PublicReader, app: CoprodApp, response: Response
) -> ProposalView:
    """The idea or proposal as it stands now, with its version as the ETag (public)."""
    proposal = app.get_proposal(proposal_id)
    response.headers["ETag"] = etag(proposal.version)
    return _view(proposal)


@router.post("/proposals/{proposal_id}/amend")
def amend_idea(
    proposal_id: UUID,
    body: AmendIdea,
    who: Writer,
    app: CoprodApp,
    expected: ExpectedVersion,
    response: Response,
) -> CommandResult:
    """Change the idea's title or description (its own organisation, or the council)."""
    command = cmd.AmendIdea(
        proposal_id=proposal_id,
        title=body.title,
        description=body.description,
        expected_version=expected,
    )
    return run_command(response, app.amend_idea, command, who.actor)


@router.post("/proposals/{proposal_id}/merge")
def merge_ideas(
    proposal_id: UUID,
    body: MergeIdea,
    who: Writer,
    app: CoprodApp,
    expected: ExpectedVersion,
    response: Response,
) -> CommandResult:
    """Merge this idea into another of the same process; both change in one transaction."""
    command = cmd.MergeIdeas(
        source_id=proposal_id,
        target_id=body.target_id,
        expected_version=expected,
        target_version=body.target_version,
    )
    return run_command(response, app.merge_ideas, command, who.actor)


@router.post("/proposals/{proposal_id}/withdraw")
def withdraw_idea(
    proposal_id: UUID,
    body: Reason,
    who: Writer,
    app: CoprodApp,
    expected: ExpectedVersion,
    response: Response,
) -> CommandResult:
    """Withdraw the idea before the ballot paper is fixed."""
    command = cmd.WithdrawIdea(
        proposal_id=proposal_id, reason=body.reason, expected_version=expected
    )
    return run_command(response, app.withdraw_idea, command, who.actor)


@router.post("/proposals/{proposal_id}/develop")
def develop_proposal(
    proposal_id: UUID,
    body: DevelopProposal,
    who: Writer,
    app: CoprodApp,
    expected: ExpectedVersion,
    response: Response,
) -> CommandResult:
    """Develop the idea into a costed proposal in one of the process's areas."""
    command = cmd.DevelopProposal(
        proposal_id=proposal_id,
        cost_estimate=body.cost_estimate.to_money(),
        area_code=body.area_code,
        category=body.category,
        co_producers=tuple(body.co_producers),
        expected_version=expected,
    )
    return run_command(response, app.develop_proposal, command, who.actor)


@router.post("/proposals/{proposal_id}/assess")
def assess_feasibility(
    proposal_id: UUID,
    body: AssessFeasibility,
    who: Officer,
    app: CoprodApp,
    expected: ExpectedVersion,
    response: Response,
) -> CommandResult:
    """Record the council's feasibility assessment and assessed cost (review phase)."""
    cost = None if body.assessed_cost is None else body.assessed_cost.to_money()
    command = cmd.AssessFeasibility(
        proposal_id=proposal_id,
        feasible=body.feasible,
        reason=body.reason,
        assessed_cost=cost,
        expected_version=expected,
    )
    return run_command(response, app.assess_feasibility, command, who.actor)


@router.post("/proposals/{proposal_id}/shortlist")
def shortlist(
    proposal_id: UUID, who: Officer, app: CoprodApp, expected: ExpectedVersion, response: Response
) -> CommandResult:
    """Put a feasible proposal on the shortlist for the ballot."""
    command = cmd.Shortlist(proposal_id=proposal_id, expected_version=expected)
    return run_command(response, app.shortlist, command, who.actor)


@router.post("/proposals/{proposal_id}/decline-shortlist")
def decline_shortlist(
    proposal_id: UUID,
    body: Reason,
    who: Officer,
    app: CoprodApp,
    expected: ExpectedVersion,
    response: Response,
) -> CommandResult:
    """Keep a proposal off the shortlist, with the reason (the filter rate)."""
    command = cmd.DeclineShortlist(
        proposal_id=proposal_id, reason=body.reason, expected_version=expected
    )
    return run_command(response, app.decline_shortlist, command, who.actor)


@router.post("/proposals/{proposal_id}/facts")
def record_fact(
    proposal_id: UUID,
    body: RecordFact,
    who: Officer,
    app: CoprodApp,
    expected: ExpectedVersion,
    response: Response,
) -> CommandResult:
    """Put a fact on the case file; adverse decisions may rely only on such facts."""
    fact_id = body.fact_id or uuid4()
    command = cmd.RecordFact(
        proposal_id=proposal_id,
        fact_id=fact_id,
        summary=body.summary,
        adverse=body.adverse,
        essential=body.essential,
        known_to_party=body.known_to_party,
        noted_on=body.noted_on,
        expected_version=expected,
    )
    return run_command(response, app.record_fact, command, who.actor, item_id=fact_id)


@router.post("/proposals/{proposal_id}/hearings")
def send_hearing(
    proposal_id: UUID,
    body: SendHearing,
    who: Officer,
    app: CoprodApp,
    expected: ExpectedVersion,
    response: Response,
) -> CommandResult:
    """Ask the party to comment on facts by a deadline (the party-hearing rule)."""
    hearing_id = body.hearing_id or uuid4()
    command = cmd.SendHearing(
        proposal_id=proposal_id,
        hearing_id=hearing_id,
        party_id=body.party_id,
        fact_ids=tuple(body.fact_ids),
        deadline=body.deadline,
        sent_on=body.sent_on,
        expected_version=expected,
    )
    return run_command(response, app.send_hearing, command, who.actor, item_id=hearing_id)


@router.post("/proposals/{proposal_id}/hearings/{hearing_id}/answer")
def record_hearing_answer(
    proposal_id: UUID,
    hearing_id: UUID,
    body: HearingAnswer,
    call: OfficerCall,
    expected: ExpectedVersion,
    response: Response,
) -> CommandResult:
    """Record that the party answered a hearing; the answer stays in the referenced document."""
    command = cmd.RecordHearingAnswer(
        proposal_id=proposal_id,
        hearing_id=hearing_id,
        answered_on=body.answered_on,
        response_ref=body.response_ref,
        expected_version=expected,
    )
    return run_command(response, call.app.record_hearing_answer, command, call.actor)


@router.post("/proposals/{proposal_id}/hearing-exemptions")
def exempt_from_hearing(
    proposal_id: UUID,
    body: ExemptFromHearing,
    who: Officer,
    app: CoprodApp,
    expected: ExpectedVersion,
    response: Response,
) -> CommandResult:
    """Record why these facts may be used without a hearing."""
    command = cmd.ExemptFromHearing(
        proposal_id=proposal_id,
        fact_ids=tuple(body.fact_ids),
        justification=body.justification,
        expected_version=expected,
    )
    return run_command(response, app.exempt_from_hearing, command, who.actor)
