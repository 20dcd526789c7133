"""Ballots: the council's voting front end casts one ballot per verified voter; officers enter
paper ballots, and a second officer checks each before it counts.

The voter's reference (the login subject from the council's identity check) is turned into
the process's HMAC pseudonym by the use case (once the policy let the officer cast) and
then forgotten; only the pseudonym is recorded.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from fastapi import APIRouter, Response
from pydantic import Field

from api.http.deps import CoprodApp, Officer, Reads
from api.http.fields import Code, Count, Text
from api.http.routes.common import Body, CommandResult, View, run_command
from coprod.application import policy
from coprod.application.commands import ballots as cmd
from coprod.domain.ballot import AgeBand, BallotChannel, Sex
from coprod.domain.errors import InvalidInput
from coprod.domain.voting import BallotChoices
from projections.queues.paper import pending_paper_ballots

router = APIRouter(tags=["ballots"])


class PointsModel(Body):
    proposal_id: UUID
    points: Count


class ChoicesModel(Body):
    approvals: list[UUID] = []
    points: list[PointsModel] = []
    ranking: list[UUID] = []


class CastBallot(Body):
    voter_ref: Text | None = Field(
        default=None, description="The voter's verified reference; hashed, never stored"
    )
    voter_pseudonym: Text | None = Field(
        default=None, description="Or the pseudonym itself (64 hex characters)"
    )
    choices: ChoicesModel
    channel: BallotChannel = BallotChannel.ONLINE
    area_code: Code | None = None
    age_band: AgeBand | None = None
    sex: Sex | None = None


@router.post("/processes/{process_id}/ballots", status_code=201)
def cast_ballot(
    process_id: UUID, body: CastBallot, who: Officer, app: CoprodApp, response: Response
) -> CommandResult:
    """Cast one ballot while the vote is open; a second ballot by the same voter is a 409."""
    if (body.voter_ref is None) == (body.voter_pseudonym is None):
        raise InvalidInput("voter_ref", "send exactly one of voter_ref and voter_pseudonym")
    choices = _choices(body.choices)
    if body.voter_ref is not None:
        by_ref = cmd.CastBallotByRef(
            process_id=process_id,
            voter_ref=body.voter_ref,
            choices=choices,
            channel=body.channel,
            area_code=body.area_code,
            age_band=body.age_band,
            sex=body.sex,
        )
        return run_command(response, app.cast_ballot_by_ref, by_ref, who.actor)
    command = cmd.CastBallot(
        process_id=process_id,
        voter_pseudonym=body.voter_pseudonym or "",
        choices=choices,
        channel=body.channel,
        area_code=body.area_code,
        age_band=body.age_band,
        sex=body.sex,
    )
    return run_command(response, app.cast_ballot, command, who.actor)


def _choices(model: ChoicesModel) -> BallotChoices:
    return BallotChoices(
        approvals=tuple(model.approvals),
        points=tuple((p.proposal_id, p.points) for p in model.points),
        ranking=tuple(model.ranking),
    )


class EnterPaperBallot(Body):
    serial: Code = Field(description="The number printed on the paper ballot")
    choices: ChoicesModel
    area_code: Code | None = None
    age_band: AgeBand | None = None
    sex: Sex | None = None


class DiscardPaperBallot(Body):
    reason: Text


@router.post("/processes/{process_id}/paper-ballots", status_code=201)
def enter_paper_ballot(
    process_id: UUID, body: EnterPaperBallot, who: Officer, app: CoprodApp, response: Response
) -> CommandResult:
    """Enter a paper ballot as typed from the paper; it counts once a second officer confirms
    it. The same serial twice is a 409."""
    command = cmd.EnterPaperBallot(
        process_id=process_id,
        serial=body.serial,
        choices=_choices(body.choices),
        area_code=body.area_code,
        age_band=body.age_band,
        sex=body.sex,
    )
    return run_command(response, app.enter_paper_ballot, command, who.actor)


@router.post("/paper-ballots/{paper_ballot_id}/confirm")
def confirm_paper_ballot(
    paper_ballot_id: UUID, who: Officer, app: CoprodApp, response: Response
) -> CommandResult:
    """A second officer checked the entry against the paper: the ballot is cast (403 for the
    officer who entered it)."""
    command = cmd.ConfirmPaperBallot(paper_ballot_id=paper_ballot_id)
    return run_command(response, app.confirm_paper_ballot, command, who.actor)


@router.post("/paper-ballots/{paper_ballot_id}/discard")
def discard_paper_ballot(
    paper_ballot_id: UUID,
    body: DiscardPaperBallot,
    who: Officer,
    app: CoprodApp,
    response: Response,
) -> CommandResult:
    """A second officer found the entry does not match the paper: it never counts."""
    command = cmd.DiscardPaperBallot(paper_ballot_id=paper_ballot_id, reason=body.reason)
    return run_command(response, app.discard_paper_ballot, command, who.actor)


class PaperBallotWaiting(View):
    id: UUID
    serial: str = Field(description="The number printed on the paper")
    entered_at: datetime
    entered_by_you: bool = Field(
        description="Whether the caller typed it in (then another officer must check it)"
    )


class PaperBallotsWaiting(View):
    total: int
    items: list[PaperBallotWaiting]


@router.get("/processes/{process_id}/paper-ballots", response_model=PaperBallotsWaiting)
def list_paper_ballots(
    process_id: UUID, who: Officer, app: CoprodApp, reads: Reads
) -> PaperBallotsWaiting:
    """The process's paper ballots typed in and waiting for a second officer, oldest first
    (the queues read model); officers of the process's council only."""
    process = app.get_process(process_id)
    policy.council_officer_of(who.actor, process.council_id, f"process {process_id}")
    with reads.connection() as conn:
        waiting = pending_paper_ballots(conn, process_id)
    items = [
        PaperBallotWaiting(
            id=p.paper_ballot_id,
            serial=p.serial,
            entered_at=p.entered_at,
            entered_by_you=p.entered_by == who.actor.id,
        )
        for p in waiting
    ]
    return PaperBallotsWaiting(total=len(items), items=items)
