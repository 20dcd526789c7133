"""``/invite/<token>`` signs a person in; ``/account`` shows who, and signs out.

Why opening the link does not sign in by itself: mail scanners and chat apps fetch links to
preview them, and a GET that used the invitation would spend it before the person saw it.
The GET shows a "Sign in" button; its POST (with the form's CSRF token) marks the invitation
used and opens a session. Both count against the client's guessing limit.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from api.invitations import Invitation, InvitationState
from api.web.csrf import CsrfChecked
from api.web.ratelimit import client_key
from api.web.render import SECURITY_HEADERS, render, set_csrf_cookie
from api.web.session import (
    ROLE_NAMES,
    MaybeSignedIn,
    SignedIn,
    end_session,
    invitation_limit,
    invitations_of,
    session_secret,
    sessions_of,
    start_session,
)
from coprod.domain.values import Role

__all__ = ["LANDING", "router"]

router = APIRouter()

#: Where a person lands after signing in, by role (pages for a role change their line).
LANDING: dict[Role, str] = {
    Role.COUNCIL_OFFICER: "/console",
}
#: The status of a link that no longer signs in: gone for good, or never issued.
_GONE_STATUS = {InvitationState.USED: 410, InvitationState.EXPIRED: 410}


def _gone(request: Request, state: InvitationState) -> HTMLResponse:
    """A plain page saying the link no longer works, and to ask for a new one."""
    return render(
        request,
        "invitation_gone.html",
        {"state": state.value},
        status_code=_GONE_STATUS.get(state, 404),
    )


@router.get("/invite/{token}", response_class=HTMLResponse)
def invitation(request: Request, token: str) -> HTMLResponse:
    """The invitation, with a button to sign in (nothing is used until it is pressed).

    Only links that were never issued count against the guessing limit: an officer signing
    in many volunteers from one office address is no guesser; a client over the limit is
    refused before its link is even looked up.
    """
    limit = invitation_limit(request)
    limit.check(client_key(request))
    state, found = invitations_of(request).state(token)
    if state is InvitationState.UNKNOWN:
        limit.hit(client_key(request))
    if state is not InvitationState.OPEN or found is None:
        return _gone(request, state)
    response = render(request, "invitation.html", _invitation_context(request, found, token))
    response.headers["Cache-Control"] = "no-store"  # its address is a secret
    return response


def _invitation_context(request: Request, found: Invitation, token: str) -> dict[str, object]:
    names = request.app.state.organisation_names
    return {
        "token": token,
        "role_name": ROLE_NAMES[found.role],
        "organisation_name": names.get(found.organisation_id),
        "expires_at": found.expires_at,
    }


@router.post("/invite/{token}", response_class=HTMLResponse)
async def sign_in(request: Request, token: str, _: CsrfChecked) -> Response:
    """Use the invitation and open a new session; the browser's old one, if any, ends."""
    limit = invitation_limit(request)
    limit.check(client_key(request))
    sessions = sessions_of(request)
    opened = await run_in_threadpool(sessions.sign_in, token, session_secret(request))
    if opened is InvitationState.UNKNOWN:
        limit.hit(client_key(request))
    if isinstance(opened, InvitationState):
        return _gone(request, opened)
    landing = LANDING.get(opened.session.role, "/account")
    response = RedirectResponse(landing, status_code=303, headers=SECURITY_HEADERS)
    start_session(request, response, opened)
    set_csrf_cookie(request, response)
    return response


@router.get("/account", response_class=HTMLResponse)
async def account(request: Request, principal: SignedIn) -> HTMLResponse:
    """Who this browser is signed in as, and the two ways to sign out."""
    sessions = await run_in_threadpool(sessions_of(request).of_actor, principal.actor_id)
    return render(request, "account.html", {"sessions": len(sessions)})


@router.post("/account/sign-out", response_class=HTMLResponse)
async def sign_out(request: Request, _: CsrfChecked) -> HTMLResponse:
    """End this browser's session (signing out when already out is no error)."""
    secret = session_secret(request)
    if secret is not None:
        await run_in_threadpool(sessions_of(request).sign_out, secret)
    response = render(request, "signed_out.html", {"everywhere": False})
    end_session(request, response)
    return response


@router.post("/account/sign-out-everywhere", response_class=HTMLResponse)
async def sign_out_everywhere(
    request: Request, _: CsrfChecked, principal: MaybeSignedIn
) -> HTMLResponse:
    """End every session of this person, on every device (this one included)."""
    if principal is not None:
        await run_in_threadpool(sessions_of(request).sign_out_everywhere, principal.actor_id)
    request.state.signed_in_as = None
    response = render(request, "signed_out.html", {"everywhere": principal is not None})
    end_session(request, response)
    return response
