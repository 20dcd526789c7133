"""``/console/proposals/{id}/decision``: the guided decision form.

It asks for the lawful record an adverse decision needs (legal basis, main considerations,
the facts relied on, complaints guidance) and shows the hearing step: which facts on the
case file the party has been heard on. The use case is the HTTP route's
(:meth:`coprod.application.decisions.DecisionCommands.decide`); each of its refusals is shown
next to its field in the officer's language (see :mod:`api.web.console.decision_form`), and
nothing is written. Another council's officer is refused by the one policy (a 403 page).
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from api.keys import Principal
from api.web.console.common import officer_refusal, refused_page, wait_then_redirect
from api.web.console.decision_form import OUTCOMES, DecisionForm, place_refusal
from api.web.csrf import CsrfChecked
from api.web.deps import App, ReadModels
from api.web.labels import label
from api.web.pages.problems import page_not_found
from api.web.render import render
from api.web.session import SignedIn
from coprod.application import Coprod, policy
from coprod.application.commands.decisions import Decide
from coprod.domain.errors import InvalidInput, NotAllowed, NotFound, RuleViolation
from coprod.domain.process import Process
from coprod.domain.proposal import Proposal

__all__ = ["router"]

router = APIRouter()


def _case(app: Coprod, proposal_id: UUID) -> tuple[Proposal, Process]:
    proposal = app.load(Proposal, proposal_id)
    return proposal, app.load(Process, proposal.process_id)


def _facts(proposal: Proposal, on: date) -> list[dict[str, Any]]:
    """The case file's facts, each with whether a decision on `on` may rely on it yet."""
    unheard = set(proposal.unheard_facts(tuple(proposal.facts), on))
    return [
        {
            "id": fact_id,
            "summary": fact.summary,
            "adverse": fact.adverse,
            "heard": fact_id not in unheard,
        }
        for fact_id, fact in proposal.facts.items()
    ]


def _page(
    request: Request, proposal: Proposal, process: Process, form: DecisionForm
) -> HTMLResponse:
    context = {
        "proposal": proposal,
        "process": process,
        "form": form,
        "outcomes": [o.value for o in OUTCOMES],
        "facts": _facts(proposal, date.today()),
        "hearings": list(proposal.hearings.values()),
        "label": label,
    }
    status = 400 if form.errors else 200
    return render(request, "console_decision.html", context, status_code=status)


def _allowed(principal: Principal, process: Process) -> bool:
    try:
        policy.council_officer_of(principal.actor, process.council_id, f"process {process.id}")
    except NotAllowed:
        return False
    return True


@router.get("/console/proposals/{proposal_id}/decision", response_class=HTMLResponse)
def decision_form(
    proposal_id: UUID, request: Request, principal: SignedIn, app: App
) -> HTMLResponse:
    """The empty form, dated today, with the case file's facts and hearings."""
    if officer_refusal(principal) is not None:
        return refused_page(request)
    try:
        proposal, process = _case(app, proposal_id)
    except NotFound:
        return page_not_found(request)
    if not _allowed(principal, process):
        return refused_page(request, other_council=True)
    return _page(request, proposal, process, DecisionForm(decided_on=date.today().isoformat()))


@router.post("/console/proposals/{proposal_id}/decision", response_model=None)
async def decide(
    proposal_id: UUID,
    request: Request,
    principal: SignedIn,
    app: App,
    reads: ReadModels,
    _: CsrfChecked,
) -> Response:
    """Record the decision, or show each refusal next to its field (nothing written)."""
    if officer_refusal(principal) is not None:
        return refused_page(request)
    form = DecisionForm.of(await request.form())
    found = await run_in_threadpool(_decide, app, principal, proposal_id, form)
    if found == "missing":
        return page_not_found(request)
    if found == "refused":
        return refused_page(request, other_council=True)
    if isinstance(found, tuple):
        proposal, process = found
        return _page(request, proposal, process, form)
    return await wait_then_redirect(reads, found, f"/proposals/{proposal_id}")


def _decide(app: Coprod, principal: Principal, proposal_id: UUID, form: DecisionForm) -> Any:
    """The log position written; or (proposal, process) to re-show with the form's errors;
    or "missing" / "refused"."""
    try:
        proposal, process = _case(app, proposal_id)
    except NotFound:
        return "missing"
    parsed = form.parsed(process.currency)
    if parsed is None:
        return proposal, process
    outcome, amount, decided_on, record = parsed
    command = Decide(
        proposal_id=proposal_id,
        outcome=outcome,
        amount=amount,
        decided_on=decided_on,
        record=record,
    )
    try:
        receipt = app.decide(command, principal.actor)
    except NotAllowed:
        return "refused"
    except (InvalidInput, RuleViolation) as e:
        place_refusal(form, record, e)
        return proposal, process
    return receipt.position or 0
