"""Decisions: decide on a proposal, then correct, reopen or revoke — with the legal record."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from fastapi import APIRouter, Response

from api.http.deps import CoprodApp, ExpectedVersion, OfficerCall, PublicReader
from api.http.fields import BusinessDate, Count, Prose
from api.http.routes.common import (
    Body,
    CommandResult,
    MoneyModel,
    View,
    etag,
    money_out,
    run_command,
)
from coprod.application.commands import decisions as cmd
from coprod.domain.decision import ComplaintsGuidance, DecisionOutcome, DecisionRecord

router = APIRouter(tags=["decisions"])


class ComplaintsModel(Body):
    body: Prose
    procedure: Prose
    deadline_days: Count


class RecordModel(Body):
    """forvaltningsloven §§22-25: an adverse decision needs every element."""

    legal_basis: list[Prose] = []
    main_considerations: list[Prose] = []
    facts_relied_on: list[UUID] = []
    complaints: ComplaintsModel | None = None
    no_appeal_statement: Prose | None = None

    def to_record(self) -> DecisionRecord:
        c = self.complaints
        return DecisionRecord(
            legal_basis=tuple(self.legal_basis),
            main_considerations=tuple(self.main_considerations),
            facts_relied_on=tuple(self.facts_relied_on),
            complaints=None
            if c is None
            else ComplaintsGuidance(c.body, c.procedure, c.deadline_days),
            no_appeal_statement=self.no_appeal_statement,
        )


class Decide(Body):
    outcome: DecisionOutcome
    amount: MoneyModel | None = None
    record: RecordModel | None = None
    decided_on: BusinessDate


class Correct(Decide):
    reason: Prose


class Reopen(Body):
    reason: Prose


class Revoke(Body):
    reason: Prose
    record: RecordModel
    decided_on: BusinessDate


class DecisionView(View):
    id: UUID
    version: int
    process_id: UUID
    proposal_id: UUID
    outcome: DecisionOutcome
    amount: MoneyModel | None
    status: str
    decided_on: date
    record: RecordModel | None


def _record(r: DecisionRecord | None) -> RecordModel | None:
    if r is None:
        return None
    c = r.complaints
    return RecordModel(
        legal_basis=list(r.legal_basis),
        main_considerations=list(r.main_considerations),
        facts_relied_on=list(r.facts_relied_on),
        complaints=None
        if c is None
        else ComplaintsModel(body=c.body, procedure=c.procedure, deadline_days=c.deadline_days),
        no_appeal_statement=r.no_appeal_statement,
    )


@router.post("/proposals/{proposal_id}/decision", status_code=201)
def decide(
    proposal_id: UUID,
    body: Decide,
    call: OfficerCall,
    expected: ExpectedVersion,
    response: Response,
) -> CommandResult:
    """Decide on an assessed proposal; If-Match is the proposal's version, the result the decision's."""
    command = cmd.Decide(
        proposal_id=proposal_id,
        outcome=body.outcome,
        amount=None if body.amount is None else body.amount.to_money(),
        record=None if body.record is None else body.record.to_record(),
        decided_on=body.decided_on,
        expected_version=expected,
    )
    return run_command(response, call.app.decide, command, call.actor, created="decisions")


@router.get("/decisions/{decision_id}")
def get_decision(
    decision_id: UUID, who: PublicReader, app: CoprodApp, response: Response
) -> DecisionView:
    """The decision as it stands now, with its legal record (public: decisions are public acts)."""
    d = app.get_decision(decision_id)
    response.headers["ETag"] = etag(d.version)
    return DecisionView(
        id=d.id,
        version=d.version,
        process_id=d.process_id,
        proposal_id=d.proposal_id,
        outcome=d.outcome,
        amount=money_out(d.amount),
        status=d.status,
        decided_on=d.decided_on,
        record=_record(d.record),
    )


@router.post("/decisions/{decision_id}/correct")
def correct_decision(
    decision_id: UUID,
    body: Correct,
    call: OfficerCall,
    expected: ExpectedVersion,
    response: Response,
) -> CommandResult:
    """Correct a decision (a new act in the same stream; the original stays on record)."""
    command = cmd.CorrectDecision(
        decision_id=decision_id,
        reason=body.reason,
        outcome=body.outcome,
        amount=None if body.amount is None else body.amount.to_money(),
        record=None if body.record is None else body.record.to_record(),
        decided_on=body.decided_on,
        expected_version=expected,
    )
    return run_command(response, call.app.correct_decision, command, call.actor)


@router.post("/decisions/{decision_id}/reopen")
def reopen_decision(
    decision_id: UUID,
    body: Reopen,
    call: OfficerCall,
    expected: ExpectedVersion,
    response: Response,
) -> CommandResult:
    """Reopen a decision, e.g. after a complaint, so it can be decided again."""
    command = cmd.ReopenDecision(
        decision_id=decision_id, reason=body.reason, expected_version=expected
    )
    return run_command(response, call.app.reopen_decision, command, call.actor)


@router.post("/decisions/{decision_id}/revoke")
def revoke_decision(
    decision_id: UUID,
    body: Revoke,
    call: OfficerCall,
    expected: ExpectedVersion,
    response: Response,
) -> CommandResult:
    """Revoke a decision; revocation is adverse and needs a complete record and a hearing."""
    command = cmd.RevokeDecision(
        decision_id=decision_id,
        reason=body.reason,
        record=body.record.to_record(),
        decided_on=body.decided_on,
        expected_version=expected,
    )
    return run_command(response, call.app.revoke_decision, command, call.actor)
