"""``/console/tenders/{id}/moderation``: an officer records the score the panel agreed in its
moderation meeting for a bid on a quality criterion, with the reason; it replaces the
members' mean in the ranking. The use case is the HTTP route's, under the same policy; a
refusal is shown next to its field and nothing is written.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
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
from api.web.pages.console_tenders import panel_page, tender_for_officer
from api.web.session import SignedIn
from coprod.application import Coprod
from coprod.application.commands import commissioning as cmd
from coprod.domain.errors import CoprodError, InvalidInput

__all__ = ["router"]

router = APIRouter()

MODERATION_ERRORS = {
    "moderation_bid": N_("Choose the bid and the criterion the panel agreed a score for."),
    "moderation_score": N_("Give the agreed score from 0 to the tender's top score."),
    "moderation_reason": N_("Say why the panel agreed this score."),
}


@router.post("/console/tenders/{tender_id}/moderation", response_model=None)
async def moderate(
    tender_id: UUID,
    request: Request,
    principal: SignedIn,
    app: App,
    reads: ReadModels,
    _: CsrfChecked,
) -> Response:
    """Record the agreed score, or re-show the page with the refusal next to its field."""
    if officer_refusal(principal) is not None:
        return refused_page(request)
    view = tender_for_officer(request, reads, principal, tender_id)
    if isinstance(view, HTMLResponse):
        return view
    data = await request.form()
    typed = {k: str(v).strip() for k, v in data.items() if isinstance(v, str)}
    done = await run_in_threadpool(_moderate, app, principal, view, typed)
    if isinstance(done, dict):
        return panel_page(request, app, view, done)
    return await wait_then_redirect(reads, done, f"/console/tenders/{tender_id}")


def _moderate(
    app: Coprod, principal: Principal, view: Any, typed: dict[str, str]
) -> int | dict[str, str]:
    """The log position, or the errors by field."""
    errors: dict[str, str] = {}
    bid, _, criterion = typed.get("moderation_target", "").partition("/")
    try:
        bid_id = UUID(bid)
    except ValueError:
        errors["moderation_bid"] = MODERATION_ERRORS["moderation_bid"]
    try:
        score = Decimal(typed.get("moderation_score", "").replace(",", "."))
    except InvalidOperation:
        errors["moderation_score"] = MODERATION_ERRORS["moderation_score"]
    if not typed.get("moderation_reason"):
        errors["moderation_reason"] = MODERATION_ERRORS["moderation_reason"]
    if errors:
        return errors
    command = cmd.ModerateScore(
        tender_id=view.id,
        bid_id=bid_id,
        criterion_code=criterion,
        score=score,
        reason=typed["moderation_reason"],
    )
    try:
        return app.moderate_score(command, principal.actor).position or 0
    except InvalidInput as e:
        key = {"score": "moderation_score", "reason": "moderation_reason"}.get(
            e.field, "moderation_bid"
        )
        return {key: MODERATION_ERRORS[key]}
    except CoprodError:
        return {"moderation_bid": MODERATION_ERRORS["moderation_bid"]}
