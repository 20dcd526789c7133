"""Who a browser is signed in as: the session cookie, and the dependencies pages declare.

A page that needs a person declares ``principal: SignedIn``; one that only adapts to them,
``principal: MaybeSignedIn``. Both give an :class:`api.keys.Principal`, the same thing an
API key gives, and its ``.actor`` is what the page passes to the use cases: the one policy
(:mod:`coprod.application.policy`) decides, never the page. A browser that is not signed in
gets a page (401, in its language) telling them to open their invitation link.

The cookie (:data:`SESSION_COOKIE`) is HttpOnly, SameSite=Lax, and Secure when the page came
over https; its value is the session's secret, which the table keeps only hashed
(:mod:`api.sessions`). A page rendered for a signed-in person is sent ``Cache-Control:
no-store`` (:func:`api.web.render.respond`); a page kept in a server-side page cache
(:mod:`api.web.pagecache`) must not depend on who is signed in, so such a page must not
declare these dependencies (its header would be cached with the first reader's name).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Annotated
from uuid import UUID

from fastapi import Depends, FastAPI, Request, Response
from starlette.concurrency import run_in_threadpool

from api.invitations import InvitationStore
from api.keys import Principal, SqlTables
from api.sessions import IDLE_DAYS, NewSession, SessionStore
from api.web.csrf import new_cookie_value
from api.web.i18n import N_
from api.web.ratelimit import RateLimiter
from coprod.application import Coprod
from coprod.domain.errors import NotFound
from coprod.domain.organisation import Organisation
from coprod.domain.values import Role

__all__ = [
    "INVITATION_ATTEMPTS",
    "INVITATION_WINDOW_S",
    "ROLE_NAMES",
    "SESSION_COOKIE",
    "MaybeSignedIn",
    "NotSignedIn",
    "SignedIn",
    "SignedInAs",
    "end_session",
    "install_sessions",
    "invitation_limit",
    "invitations_of",
    "maybe_signed_in",
    "session_secret",
    "sessions_of",
    "signed_in",
    "start_session",
]

SESSION_COOKIE = "coprod_session"
#: Attempts at invitation links one client may make in the window (pages and sign-ins).
INVITATION_ATTEMPTS = 20
INVITATION_WINDOW_S = 600.0
#: The roles' names as people read them (translated where shown).
ROLE_NAMES: dict[Role, str] = {
    Role.COUNCIL_OFFICER: N_("council officer"),
    Role.COMMUNITY_MEMBER: N_("community group member"),
    Role.RESIDENT: N_("resident"),
    Role.EVALUATOR: N_("evaluator"),
    Role.PUBLIC: N_("member of the public"),
    Role.SYSTEM: N_("the system"),
}
#: How long an organisation's name is remembered for the page header.
NAME_TTL_S = 60.0
_STATE_KEY = "signed_in_principal"


class NotSignedIn(Exception):
    """A page that needs a signed-in person, asked for without a live session (401 page)."""


@dataclass(frozen=True)
class SignedInAs:
    """What the page header and the account page show: the role and the organisation's name."""

    principal: Principal
    role_name: str
    organisation_name: str


def install_sessions(api: FastAPI, app: Coprod, tables: SqlTables) -> None:
    """Keep the invitation and session stores and the invitation limiter on ``api.state``."""
    invitations = InvitationStore(app, tables)
    api.state.invitations = invitations
    api.state.sessions = SessionStore(invitations, tables)
    api.state.invitation_limit = RateLimiter(INVITATION_ATTEMPTS, INVITATION_WINDOW_S)
    api.state.organisation_names = _Names(app)


def invitations_of(request: Request) -> InvitationStore:
    store: InvitationStore = request.app.state.invitations
    return store


def sessions_of(request: Request) -> SessionStore:
    store: SessionStore = request.app.state.sessions
    return store


def invitation_limit(request: Request) -> RateLimiter:
    limiter: RateLimiter = request.app.state.invitation_limit
    return limiter


def session_secret(request: Request) -> str | None:
    """The session cookie the browser sent, if any."""
    return request.cookies.get(SESSION_COOKIE) or None


async def maybe_signed_in(request: Request) -> Principal | None:
    """The signed-in principal, or None; looked up once per request (in the threadpool)."""
    if hasattr(request.state, _STATE_KEY):
        found: Principal | None = getattr(request.state, _STATE_KEY)
        return found
    secret = session_secret(request)
    principal = None
    if secret is not None:
        session = await run_in_threadpool(sessions_of(request).find, secret)
        principal = None if session is None else session.principal
    setattr(request.state, _STATE_KEY, principal)
    if principal is not None:
        names: _Names = request.app.state.organisation_names
        name = await run_in_threadpool(names.get, principal.organisation_id)
        request.state.signed_in_as = SignedInAs(principal, ROLE_NAMES[principal.role], name)
    return principal


async def signed_in(request: Request) -> Principal:
    """The signed-in principal; a browser without a live session gets the 401 page."""
    principal = await maybe_signed_in(request)
    if principal is None:
        raise NotSignedIn("open the invitation link you were sent to sign in")
    return principal


#: A page only for signed-in people: ``principal: SignedIn``.
SignedIn = Annotated[Principal, Depends(signed_in)]
#: A page for everyone that adapts to a signed-in person: ``principal: MaybeSignedIn``.
MaybeSignedIn = Annotated[Principal | None, Depends(maybe_signed_in)]


def start_session(request: Request, response: Response, new: NewSession) -> None:
    """Give the browser its new session cookie, and a new CSRF cookie with it: a form
    token from before sign-in is worth nothing after."""
    response.set_cookie(
        SESSION_COOKIE,
        new.secret,
        max_age=IDLE_DAYS * 86400,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )
    new_cookie_value(request)


def end_session(request: Request, response: Response) -> None:
    """Tell the browser to forget its session cookie (the session itself is revoked first)."""
    response.delete_cookie(
        SESSION_COOKIE,
        path="/",
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )


class _Names:
    """Organisations' display names for the header, each remembered for a minute."""

    def __init__(self, app: Coprod) -> None:
        self.app = app
        self._names: dict[UUID, tuple[float, str]] = {}
        self._lock = threading.Lock()

    def get(self, organisation_id: UUID) -> str:
        now = time.monotonic()
        with self._lock:
            found = self._names.get(organisation_id)
        if found is not None and found[0] > now:
            return found[1]
        try:
            name = self.app.load(Organisation, organisation_id).display_name
        except NotFound:
            name = str(organisation_id)
        with self._lock:
            if len(self._names) > 10_000:
                self._names.clear()
            self._names[organisation_id] = (now + NAME_TTL_S, name)
        return name
