"""``/console/tenders/{id}/sessions``: an officer records a co-design session of the tender's
need: its code and date, how many people of each group took part (never names) and what it
produced, one output per line. The use case is the HTTP route's, under the same policy; a
refusal is shown next to its field and nothing is written.
"""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.keys import Principal
from api.web.console.service_form import GROUP_FIELDS, MESSAGES
from api.web.csrf import CsrfChecked
from api.web.deps import App, ReadModels
from api.web.i18n import N_
from api.web.pages.console_tenders import run_tender_form
from api.web.session import SignedIn
from coprod.application import Coprod
from coprod.application.commands import commissioning as cmd
from coprod.domain.commissioning import SessionRecord
from coprod.domain.commissioning_terms import Participation, require_participation
from coprod.domain.errors import AlreadyExists, CoprodError, InvalidInput
from coprod.domain.organisation import require_slug

__all__ = ["router"]

router = APIRouter()

SESSION_ERRORS = {
    "session_code": MESSAGES["code"],
    "session_on": N_("Give the session's date: a real date, not before the need was defined."),
    "session_people": N_("Give how many people of each group took part, at least one group."),
    "outputs": N_("Give what the session produced, one output per line (1 to 20)."),
    "exists": N_("A session with this code was recorded already: choose another code."),
}


@router.post("/console/tenders/{tender_id}/sessions", response_model=None)
async def record_session(
    tender_id: UUID,
    request: Request,
    principal: SignedIn,
    app: App,
    reads: ReadModels,
    _: CsrfChecked,
) -> Response:
    """Record the session, or re-show the page with the refusal next to its field."""
    act = partial(_record, app, principal)
    return await run_tender_form(request, principal, (app, reads), tender_id, act)


def _record(
    app: Coprod, principal: Principal, view: Any, typed: dict[str, str]
) -> int | dict[str, str]:
    """The log position, or the errors by field."""
    errors: dict[str, str] = {}
    try:
        held_on = date.fromisoformat(typed.get("session_on", ""))
    except ValueError:
        errors["session_on"] = SESSION_ERRORS["session_on"]
    people = []
    for name, group in GROUP_FIELDS:
        text = typed.get(f"session_{name}", "")
        if text and not text.isdigit():
            errors["session_people"] = SESSION_ERRORS["session_people"]
        elif text and int(text) > 0:
            people.append(Participation(group, int(text)))
    outputs = tuple(line.strip() for line in typed.get("outputs", "").splitlines() if line.strip())
    try:  # the domain's rule, asked apart so that every field's refusal shows at once
        require_participation(tuple(people), residents_needed=False)
    except InvalidInput:
        errors["session_people"] = SESSION_ERRORS["session_people"]
    try:
        require_slug(typed.get("session_code", ""))
    except InvalidInput:
        errors["session_code"] = SESSION_ERRORS["session_code"]
    if errors:
        return errors
    session = SessionRecord(typed.get("session_code", ""), held_on, tuple(people), outputs)
    command = cmd.HoldCoDesignSession(need_id=view.need.id, session=session)
    try:
        return app.hold_co_design_session(command, principal.actor).position or 0
    except AlreadyExists:
        return {"session_code": SESSION_ERRORS["exists"]}
    except InvalidInput as e:
        key = {
            "slug": "session_code",
            "participants": "session_people",
            "participants.count": "session_people",
            "held_on": "session_on",
        }.get(e.field, "outputs")
        return {key: SESSION_ERRORS[key]}
    except CoprodError:
        return {"session_on": SESSION_ERRORS["session_on"]}
