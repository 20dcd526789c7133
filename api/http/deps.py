"""Typed dependencies: the application, who is calling, and what their key lets them touch.

Every route declares exactly one *security dependency* (the functions marked with
:func:`security`): :data:`PublicReader` for reads anyone may make, :data:`CurrentPrincipal`
for reads that need a key, :data:`EvaluatorReader` for the full-history exports,
:data:`Writer` for commands by officers and community members, :data:`Officer` for council
commands. A test walks ``app.routes`` and checks each has one.

Object-level rules are the application's (:mod:`coprod.application.policy`), so HTTP, the
CLI and the web pages apply the same ones: every use case (ballots and releases included)
checks them with the actor it receives; no route does. Another organisation's *private*
object answers 404, as if it did not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Header, Query, Request, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from api.http.errors import Forbidden, Unauthenticated
from api.keys import KeyStore, Principal
from api.reads import ReadStore
from coprod.application import Coprod
from coprod.domain.errors import InvalidInput
from coprod.domain.values import Actor, Role

F = TypeVar("F", bound=Callable[..., Any])

#: Marks a dependency as a route's security dependency (the route-walking test looks for it).
SECURITY_MARK = "__coprod_security__"


def security(func: F) -> F:
    setattr(func, SECURITY_MARK, True)
    return func


async def get_coprod(request: Request) -> Coprod:
    """The one application object, created in the lifespan.

    Dependencies that do no I/O are ``async def``: FastAPI runs a plain ``def`` dependency in
    the threadpool, and a thread hop per dependency is a measurable share of a command.
    """
    app: Coprod = request.app.state.coprod
    return app


async def get_keys(request: Request) -> KeyStore:
    keys: KeyStore = request.app.state.keys
    return keys


async def get_reads(request: Request) -> ReadStore:
    reads: ReadStore = request.app.state.reads
    return reads


CoprodApp = Annotated[Coprod, Depends(get_coprod)]
Keys = Annotated[KeyStore, Depends(get_keys)]


def fresh_reads(
    reads: Annotated[ReadStore, Depends(get_reads)],
    app: CoprodApp,
    min_position: Annotated[
        int | None,
        Query(
            ge=0,
            le=2**62,
            description="Wait (up to a few seconds) until the read models include this log "
            "position: pass a command's `position` to read your own write; too long is 503.",
        ),
    ] = None,
) -> ReadStore:
    """The read models, once they have caught up with `min_position` (read-your-writes).

    A position beyond the end of the log was never returned by a command here, so waiting
    for it could only time out: it is refused at once instead.
    """
    if min_position:
        last = app.recorder.max_notification_id() or 0
        if min_position > last:
            raise InvalidInput(
                "min_position",
                f"{min_position} is beyond the end of the log ({last}); pass the position a "
                "command returned",
            )
    reads.wait_for(min_position)
    return reads


#: The read models, after the optional ``min_position`` wait every query accepts.
Reads = Annotated[ReadStore, Depends(fresh_reads)]

_bearer = HTTPBearer(auto_error=False, description="An API key: `Authorization: Bearer cpk_...`")
_api_key = APIKeyHeader(name="X-API-Key", auto_error=False, description="The same key, as a header")


async def _authenticate(
    keys: KeyStore,
    bearer: HTTPAuthorizationCredentials | None,
    api_key: str | None,
) -> Principal | None:
    """The key's principal: from memory when it was checked within the cache bound, else
    from the table in the threadpool (the event loop never waits on the database)."""
    secret = bearer.credentials if bearer is not None else api_key
    if secret is None:
        return None
    principal = keys.remembered(secret)
    if principal is None:
        principal = await run_in_threadpool(keys.authenticate, secret)
    if principal is None:
        raise Unauthenticated("the API key is unknown or has been revoked; ask for a new one")
    return principal


@security
async def public_allowed(
    keys: Keys,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)],
    api_key: Annotated[str | None, Security(_api_key)],
) -> Principal | None:
    """Anyone may read; a key, if sent, must be valid. None means an anonymous caller."""
    return await _authenticate(keys, bearer, api_key)


@security
async def current_principal(
    keys: Keys,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)],
    api_key: Annotated[str | None, Security(_api_key)],
) -> Principal:
    """A valid key is required."""
    principal = await _authenticate(keys, bearer, api_key)
    if principal is None:
        raise Unauthenticated(
            "send an API key as 'Authorization: Bearer <key>' or 'X-API-Key: <key>'"
        )
    return principal


@security
async def writer(principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
    """Council officers and community members write; evaluators and the public only read."""
    if principal.role not in (Role.COUNCIL_OFFICER, Role.COMMUNITY_MEMBER):
        raise Forbidden(f"the {principal.role.value} role is read-only")
    return principal


@security
async def council_officer(principal: Annotated[Principal, Depends(writer)]) -> Principal:
    """Council commands need a council officer's key."""
    if principal.role is not Role.COUNCIL_OFFICER:
        raise Forbidden(f"only a council officer may do this; this key is {principal.role.value}")
    return principal


@security
async def evaluator(principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
    """The full event log (pseudonymous actors, encrypted personal values) is for evaluators."""
    if principal.role is not Role.EVALUATOR:
        raise Forbidden(f"only an evaluator may read this; this key is {principal.role.value}")
    return principal


@dataclass(frozen=True)
class Caller:
    """Who calls and the application they act on: what every command route needs.

    One parameter instead of two keeps command routes within the six-parameter budget
    (ARCHITECTURE.md); the route passes ``caller.actor`` to the use case's handler.
    """

    app: Coprod
    principal: Principal

    @property
    def actor(self) -> Actor:
        return self.principal.actor


@security
async def officer_caller(
    app: CoprodApp, principal: Annotated[Principal, Depends(council_officer)]
) -> Caller:
    """A council officer, with the application (the security check is :func:`council_officer`)."""
    return Caller(app, principal)


@security
async def writer_caller(app: CoprodApp, principal: Annotated[Principal, Depends(writer)]) -> Caller:
    """An officer or community member, with the application (the check is :func:`writer`)."""
    return Caller(app, principal)


@security
async def signed_in_caller(
    app: CoprodApp, principal: Annotated[Principal, Depends(current_principal)]
) -> Caller:
    """Any key that may write, whatever its organisation's kind (a resident on a tender's
    panel acts as themself); evaluators and the public only read. The use case's policy
    decides the rest."""
    if principal.role in (Role.EVALUATOR, Role.PUBLIC):
        raise Forbidden(f"the {principal.role.value} role is read-only")
    return Caller(app, principal)


PublicReader = Annotated[Principal | None, Depends(public_allowed)]
CurrentPrincipal = Annotated[Principal, Depends(current_principal)]
EvaluatorReader = Annotated[Principal, Depends(evaluator)]
Writer = Annotated[Principal, Depends(writer)]
Officer = Annotated[Principal, Depends(council_officer)]
#: The application and a council officer (for command routes: one parameter, not two).
OfficerCall = Annotated[Caller, Depends(officer_caller)]
#: The application and an officer or community member.
WriterCall = Annotated[Caller, Depends(writer_caller)]
#: The application and any signed-in caller (the policy judges the act).
SignedInCall = Annotated[Caller, Depends(signed_in_caller)]


async def if_match(
    value: Annotated[
        str | None,
        Header(
            alias="If-Match",
            description='The version you last saw, from the ETag (e.g. "3"); stale gives 412.',
        ),
    ] = None,
) -> int | None:
    """The expected version from ``If-Match``; ``*`` or no header means "any version"."""
    if value is None or value.strip() == "*":
        return None
    text = value.strip()
    if text.startswith("W/"):
        text = text[2:]
    text = text.strip('"')
    if not text.isdigit():
        raise InvalidInput("If-Match", f'{value!r} is not a version; send the ETag, e.g. "3"')
    return int(text)


ExpectedVersion = Annotated[int | None, Depends(if_match)]
