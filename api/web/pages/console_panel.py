"""``/console/tenders/{id}/panel``: an officer adds a resident or an officer to a tender's
evaluation panel and gets the sign-in link (and QR code) to hand them.

The person is registered (their name, if given, goes to the personal-data store only: the
panel and its events know a pseudonymous id), appointed through the HTTP route's use case,
and invited to sign in as that person, all under the one policy. The new member then
declares and scores at ``/my/panels``.
"""

from __future__ import annotations

import os
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool

from api.invitations import NewInvitation, invitation_url
from api.keys import Principal
from api.web.console.common import officer_refusal, refused_page
from api.web.csrf import CsrfChecked
from api.web.deps import App, ReadModels
from api.web.i18n import N_
from api.web.pages.console_tenders import panel_page, tender_for_officer
from api.web.qr import qr_svg
from api.web.session import SignedIn, invitations_of
from coprod.application import Coprod
from coprod.application.commands import commissioning as cmd
from coprod.application.commands.people import RegisterPerson
from coprod.domain.commissioning_terms import PanelRole
from coprod.domain.errors import CoprodError
from coprod.domain.values import Role

__all__ = ["router"]

router = APIRouter()

PANEL_ERRORS = {
    "role": N_("Choose a resident or a council officer."),
    "name": N_("This name is too long or holds characters that cannot be stored."),
    "refused": N_("The panel cannot take a new member now: the lot is already awarded."),
}
_ROLES = {
    "resident": (PanelRole.RESIDENT, Role.RESIDENT),
    "officer": (PanelRole.OFFICER, Role.COUNCIL_OFFICER),
}


@router.post("/console/tenders/{tender_id}/panel", response_model=None)
async def add_member(
    tender_id: UUID,
    request: Request,
    principal: SignedIn,
    app: App,
    reads: ReadModels,
    _: CsrfChecked,
) -> Response:
    """Register, appoint and invite a panel member; show the link to hand them."""
    if officer_refusal(principal) is not None:
        return refused_page(request)
    view = tender_for_officer(request, reads, principal, tender_id)
    if isinstance(view, HTMLResponse):
        return view
    data = await request.form()
    role, name = str(data.get("role", "")), str(data.get("name", "")).strip()
    made = await run_in_threadpool(_appoint, request, app, principal, (view, role, name))
    if isinstance(made, str):
        return panel_page(request, app, view, {"panel": made})
    await run_in_threadpool(reads.wait_for, app.recorder.max_notification_id())
    base = os.environ.get("COPROD_BASE_URL") or str(request.base_url)
    url = invitation_url(base, made.token)
    fresh = tender_for_officer(request, reads, principal, tender_id)
    invited = {"url": url, "qr": Markup(qr_svg(url)), "role": role}
    return panel_page(
        request, app, fresh if not isinstance(fresh, HTMLResponse) else view, {}, invited
    )


def _appoint(
    request: Request, app: Coprod, principal: Principal, what: tuple[Any, str, str]
) -> NewInvitation | str:
    """The new member's invitation, or the key of the message saying why not."""
    view, role, name = what
    if role not in _ROLES:
        return PANEL_ERRORS["role"]
    panel_role, invite_role = _ROLES[role]
    actor = principal.actor
    try:
        details = {"name": name} if name else {}
        person = app.register_person(RegisterPerson(details=details), actor).aggregate_id
    except CoprodError:
        return PANEL_ERRORS["name"]
    appoint = cmd.AppointPanelMember(tender_id=view.id, member_id=person, role=panel_role)
    try:
        app.appoint_panel_member(appoint, actor)
    except CoprodError:
        return PANEL_ERRORS["refused"]
    return invitations_of(request).create(view.council_id, invite_role, person, invited_by=actor)
