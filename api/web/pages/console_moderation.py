"""``/console/tenders/{id}/moderation``: an officer records the score the panel agreed in its
moderation meeting for a bid on a quality criterion, with the reason; it replaces the
members' mean in the ranking. The use case is the HTTP route's, under the same policy; a
refusal is shown next to its field and nothing is written.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.keys import Principal
from api.web.csrf import CsrfChecked
from api.web.deps import App, ReadModels
from api.web.i18n import N_
from api.web.pages.console_tenders import run_tender_form
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
    act = partial(_moderate, app, principal)
    return await run_tender_form(request, principal, (app, reads), tender_id, act)


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
