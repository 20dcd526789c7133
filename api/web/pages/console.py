"""``/console``: a council officer's home: the queues of waiting work, and acting on a log.

The queues come from the queues read model (:func:`projections.queries.council_queues`),
never from loading aggregates per request. Verifying or disputing a contribution calls the
same use cases as ``POST /api/v1/contributions/{id}/verify|dispute``; the one policy decides
who may (an officer of another council is refused, shown as a page). A dispute without a
reason is shown next to its field, in the officer's language, and nothing is written.
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
from api.web.csrf import CsrfChecked
from api.web.deps import App, ReadModels
from api.web.i18n import N_
from api.web.labels import label
from api.web.render import render
from api.web.session import SignedIn
from coprod.application import Coprod
from coprod.application.commands.contributions import DisputeContribution, VerifyContribution
from coprod.domain.errors import InvalidInput, NotAllowed, NotFound, RuleViolation
from projections.queries import council_queues

__all__ = ["router"]

router = APIRouter()

#: What the home page says after an act (the redirect's ``done``), in the officer's language.
DONE = {
    "verified": N_("The contribution was verified."),
    "disputed": N_("The contribution was disputed; the group sees your reason."),
    "decided": N_("The decision was recorded."),
}
REASON_ERRORS = {
    "empty": N_("Give the reason for the dispute: the group reads it."),
    "long": N_("The reason is too long; keep it under 1,000 characters."),
    "rule": N_("This contribution can no longer be disputed: it was verified or disputed already."),
}


def _home(request: Request, reads: ReadModels, principal: Principal, **extra: Any) -> HTMLResponse:
    with reads.connection() as conn:
        queues = council_queues(conn, principal.organisation_id, date.today())
    done = DONE.get(request.query_params.get("done", ""))
    context = {
        "q": queues,
        "done": done,
        "label": label,
        "errors": {},
        "reasons": {},
        "public_link": lambda p: f"/proposals/{p.proposal_id}",
        "decide_link": lambda p: f"/console/proposals/{p.proposal_id}/decision",
        **extra,
    }
    status = 400 if extra.get("errors") else 200
    return render(request, "console_home.html", context, status_code=status)


@router.get("/console", response_class=HTMLResponse)
def console_home(request: Request, principal: SignedIn, reads: ReadModels) -> HTMLResponse:
    """The officer's queues, with counts and links, and the other console pages."""
    if officer_refusal(principal) is not None:
        return refused_page(request)
    return _home(request, reads, principal)


@router.post("/console/contributions/{contribution_id}/verify", response_model=None)
async def verify(
    contribution_id: UUID,
    request: Request,
    principal: SignedIn,
    app: App,
    reads: ReadModels,
    _: CsrfChecked,
) -> Response:
    """Verify the logged work (the same use case as the HTTP route)."""
    command = VerifyContribution(contribution_id=contribution_id)
    try:
        receipt = await run_in_threadpool(app.verify_contribution, command, principal.actor)
    except (NotAllowed, NotFound):
        return refused_page(request, other_council=True)
    except RuleViolation:
        errors = {contribution_id.hex: REASON_ERRORS["rule"]}
        return await run_in_threadpool(_home, request, reads, principal, errors=errors)
    return await wait_then_redirect(reads, receipt.position, "/console?done=verified")


@router.post("/console/contributions/{contribution_id}/dispute", response_model=None)
async def dispute(
    contribution_id: UUID,
    request: Request,
    principal: SignedIn,
    app: App,
    reads: ReadModels,
    _: CsrfChecked,
) -> Response:
    """Dispute the logged work with a reason; no reason: the message next to the field."""
    reason = str((await request.form()).get("reason", "")).strip()
    error = await run_in_threadpool(_dispute, app, principal, contribution_id, reason)
    if isinstance(error, Response):
        return error
    if isinstance(error, int):
        return await wait_then_redirect(reads, error, "/console?done=disputed")
    if error == "refused":
        return refused_page(request, other_council=True)
    errors = {contribution_id.hex: REASON_ERRORS[error]}
    reasons = {contribution_id.hex: reason}
    return await run_in_threadpool(_home, request, reads, principal, errors=errors, reasons=reasons)


def _dispute(app: Coprod, principal: Principal, contribution_id: UUID, reason: str) -> Any:
    """The log position written, or what went wrong ("empty", "long", "rule", "refused")."""
    command = DisputeContribution(contribution_id=contribution_id, reason=reason)
    try:
        receipt = app.dispute_contribution(command, principal.actor)
    except (NotAllowed, NotFound):
        return "refused"
    except InvalidInput:
        return "empty" if not reason else "long"
    except RuleViolation:
        return "rule"
    return receipt.position or 0
