"""Ballots: the council's voting front end casts one ballot per verified voter.

The voter's reference (the login subject from the council's identity check) is turned into
the process's HMAC pseudonym by the use case (once the policy let the officer cast) and
then forgotten; only the pseudonym is recorded.
"""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Response
from pydantic import Field

from api.http.deps import CoprodApp, Officer
from api.http.fields import Code, Count, Text
from api.http.routes.common import Body, CommandResult, run_command
from coprod.application.commands import ballots as cmd
from coprod.domain.ballot import AgeBand, BallotChannel, Sex
from coprod.domain.errors import InvalidInput
from coprod.domain.voting import BallotChoices

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
    choices = BallotChoices(
        approvals=tuple(body.choices.approvals),
        points=tuple((p.proposal_id, p.points) for p in body.choices.points),
        ranking=tuple(body.choices.ranking),
    )
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
