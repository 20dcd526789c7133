"""One table from refusal to HTTP status, and the ``application/problem+json`` body for it.

Routes never catch errors: a domain refusal propagates out of the route and is answered here
from :data:`ERROR_TABLE`, so the same refusal always gets the same status everywhere. The
rows are matched top to bottom (most specific first); ``rule`` narrows a row to one named
rule of :class:`~coprod.domain.errors.RuleViolation`.

=============================  ======  =======================================================
refusal                        status  why
=============================  ======  =======================================================
Unauthenticated                401     no key, or an unknown or revoked one
Forbidden                      403     the key's role or organisation may not do this
NotAllowed                     403     the authorisation policy refuses it (application layer)
RuleViolation(permission,      403     the domain's own permission rules (defence in depth)
own-group, own-commitment)
InvalidInput                   422     a field is malformed; the body names the field
BallotRejected                 422     the ballot breaks the declared rules: fix the ballot
DecisionRecordIncomplete       422     the request lacks legal elements: add them to the body
DateRuleViolation              422     a business date breaks the case's order (hearing
                                       period, answer before hearing, decision before its
                                       facts, a future date): change the date
NotFound, NotVisible           404     no such object, or another organisation's private one
StaleVersion                   409     a concurrent write got there first; 412 when the
                                       request carried If-Match with a version (stale at
                                       load, or beaten at commit by a concurrent writer)
AlreadyExists, DuplicateBallot 409     the fact is already recorded
Conflict                       409     any other clash with stored state
HearingRequired                409     the case file's state blocks it until a hearing is done
PhaseError                     409     the process's current phase blocks it; later it may pass
RuleViolation                  409     the current state breaks a rule (already member, ...)
IdempotencyKeyReused           422     the same Idempotency-Key with another request
IdempotencyInProgress          409     the first request with this key is still running
StoreUnavailable               503     store down or lock timeout; Retry-After, nothing kept
ReadModelsBehind               503     min_position not reached in time; Retry-After
OperationalError,              503     the same, raised by the library below the domain
InterfaceError
CoprodError                    400     any other refusal of the domain
request validation             422     the body, path or query does not match the schema
=============================  ======  =======================================================

Rule of thumb for 409 against 422: 422 when the *request* must change (its body is wrong),
409 when the *state* must change first (the same request may succeed later).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from eventsourcing.persistence import InterfaceError, OperationalError
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from coprod.domain.errors import (
    AlreadyExists,
    BallotRejected,
    Conflict,
    CoprodError,
    DateRuleViolation,
    DecisionRecordIncomplete,
    DuplicateBallot,
    HearingRequired,
    InvalidInput,
    NotAllowed,
    NotFound,
    PhaseError,
    RuleViolation,
    StaleVersion,
    StoreUnavailable,
)

__all__ = [
    "ERROR_TABLE",
    "PROBLEM_JSON",
    "Forbidden",
    "IdempotencyInProgress",
    "IdempotencyKeyReused",
    "ReadModelsBehind",
    "Unauthenticated",
    "install_error_handlers",
    "problem_response",
]

log = logging.getLogger("coprod.api")

PROBLEM_JSON = "application/problem+json"
#: Seconds a client should wait before retrying a 503 or an in-progress 409.
RETRY_AFTER_S = 2


class ApiRefusal(Exception):
    """A refusal made by the HTTP layer itself (authentication, roles, idempotency)."""


class Unauthenticated(ApiRefusal):
    """No usable API key came with the request."""


class Forbidden(ApiRefusal):
    """The key is valid, but its role or organisation may not do this."""


class IdempotencyKeyReused(ApiRefusal):
    """An Idempotency-Key already used for a different request."""


class IdempotencyInProgress(ApiRefusal):
    """The first request with this Idempotency-Key has not finished yet."""


class ReadModelsBehind(ApiRefusal):
    """A query's ``min_position`` was not reached by the read models within the wait."""


@dataclass(frozen=True)
class Row:
    """One line of the table: which refusal, its status, and whether a retry may differ.

    ``keep`` says whether an idempotent POST keeps this answer for replay: an answer that
    depends only on the request is kept; one that a retry may change (a lost race, a busy
    store, a missing key) is not, so the retry runs again.
    """

    error: type[Exception]
    status: int
    slug: str
    title: str
    keep: bool = True
    rule: str | None = None


ERROR_TABLE: tuple[Row, ...] = (
    Row(Unauthenticated, 401, "unauthenticated", "Missing or unknown API key", keep=False),
    Row(Forbidden, 403, "forbidden", "Not allowed for this key", keep=False),
    Row(NotAllowed, 403, "forbidden", "Not allowed for this key", keep=False),
    Row(RuleViolation, 403, "forbidden", "Not allowed for this key", False, "permission"),
    Row(RuleViolation, 403, "forbidden", "Not allowed for this key", False, "own-group"),
    Row(RuleViolation, 403, "forbidden", "Not allowed for this key", False, "own-commitment"),
    Row(IdempotencyKeyReused, 422, "idempotency-key-reused", "Idempotency-Key reused", False),
    Row(IdempotencyInProgress, 409, "idempotency-in-progress", "Request in progress", False),
    Row(InvalidInput, 422, "invalid-input", "Invalid input"),
    Row(BallotRejected, 422, "ballot-rejected", "Ballot rejected"),
    Row(DecisionRecordIncomplete, 422, "decision-record-incomplete", "Decision record incomplete"),
    Row(DateRuleViolation, 422, "date-rule", "Date breaks a rule of the case"),
    Row(NotFound, 404, "not-found", "Not found"),
    Row(StaleVersion, 409, "stale-version", "Changed by someone else", keep=False),
    Row(DuplicateBallot, 409, "duplicate-ballot", "Ballot already counted"),
    Row(AlreadyExists, 409, "already-exists", "Already exists"),
    Row(Conflict, 409, "conflict", "Conflict"),
    Row(HearingRequired, 409, "hearing-required", "Party hearing required"),
    Row(PhaseError, 409, "wrong-phase", "Not in this phase"),
    Row(RuleViolation, 409, "rule-violation", "Rule violated"),
    Row(StoreUnavailable, 503, "store-unavailable", "Store unavailable", keep=False),
    Row(ReadModelsBehind, 503, "read-models-behind", "Read models behind", keep=False),
    Row(OperationalError, 503, "store-unavailable", "Store unavailable", keep=False),
    Row(InterfaceError, 503, "store-unavailable", "Store unavailable", keep=False),
    Row(CoprodError, 400, "refused", "Refused"),
)


def row_for(error: Exception) -> Row | None:
    for row in ERROR_TABLE:
        if isinstance(error, row.error) and (
            row.rule is None or getattr(error, "rule", None) == row.rule
        ):
            return row
    return None


@dataclass(frozen=True)
class Problem:
    """What every problem document says: HTTP status, type slug, title and detail."""

    status: int
    slug: str
    title: str
    detail: str


def problem_response(
    request: Request | None,
    problem: Problem,
    *,
    keep: bool = True,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    """An RFC 9457 problem document; ``extra`` adds members such as ``field`` or ``rule``."""
    status, slug = problem.status, problem.slug
    body: dict[str, Any] = {
        "type": f"urn:coprod:problem:{slug}",
        "title": problem.title,
        "status": status,
        "detail": problem.detail,
    }
    if request is not None:
        body["instance"] = request.url.path
        if not keep:
            request.state.idempotency_keep = False
    body.update({k: v for k, v in extra.items() if v is not None})
    all_headers = dict(headers or {})
    if status == 503 or slug == "idempotency-in-progress":
        all_headers.setdefault("Retry-After", str(RETRY_AFTER_S))
    if status == 401:
        all_headers.setdefault("WWW-Authenticate", 'Bearer realm="coprod"')
    return ProblemResponse(body, status_code=status, headers=all_headers, media_type=PROBLEM_JSON)


def refusal_response(request: Request, error: Exception) -> JSONResponse:
    """The table's answer to one refusal."""
    row = row_for(error)
    if row is None:  # pragma: no cover - only installed for classes in the table
        raise error
    extra: dict[str, Any] = {}
    status, slug, title, detail = row.status, row.slug, row.title, str(error)
    if isinstance(error, InvalidInput):
        extra["field"] = error.field
        extra["rule"] = error.rule
        extra["errors"] = [_without_none(field=error.field, problem=error.problem, rule=error.rule)]
    if isinstance(error, RuleViolation):
        extra["rule"] = error.rule
    if isinstance(error, NotFound | AlreadyExists):
        extra["kind"] = error.kind
    if isinstance(error, StaleVersion):
        extra["current_version"] = error.actual
        named = _if_match_version(request)
        if named is not None:
            # The client's precondition failed, whether seen at load (expected is set) or
            # only at commit, when a concurrent writer took the version it named (expected
            # and actual are unknown then): either way the answer is 412.
            status, slug, title = 412, "precondition-failed", "If-Match did not match"
            if error.actual is not None:
                detail = (
                    f"If-Match named version {named} but {error.kind} {error.ident} is at "
                    f'version {error.actual}; reload it and retry with If-Match: "{error.actual}"'
                )
            else:
                detail = (
                    f"If-Match named version {named} but another write to {error.kind} "
                    f"{error.ident} got there first; reload it and retry with its new ETag"
                )
    if status >= 500:
        log.warning("%s %s: %s", request.method, request.url.path, error)
    return problem_response(request, Problem(status, slug, title, detail), keep=row.keep, **extra)


def _if_match_version(request: Request) -> int | None:
    """The version a request's If-Match named; None without one, or for ``*``."""
    text = request.headers.get("if-match", "").strip()
    if text.startswith("W/"):
        text = text[2:]
    text = text.strip('"')
    return int(text) if text.isdigit() else None


async def _refusal(request: Request, error: Exception) -> JSONResponse:
    return refusal_response(request, error)


async def _validation(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    errors = [_field_error(e) for e in error.errors()]
    detail = "; ".join(f"{e['field']}: {e['problem']}" for e in errors) or "invalid request"
    return problem_response(
        request,
        Problem(422, "invalid-request", "Invalid request", detail),
        errors=errors,
        field=errors[0]["field"] if errors else None,
        rule=errors[0]["rule"] if errors else None,
    )


async def _http(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)
    title = str(error.detail) if error.status_code >= 400 else "HTTP"
    problem = Problem(error.status_code, f"http-{error.status_code}", title, str(error.detail))
    return problem_response(
        request,
        problem,
        keep=error.status_code < 500,
        headers=dict(error.headers or {}),
    )


#: Pydantic's own refusals that coprod.domain.inputs names otherwise, so one rule has one name.
_PYDANTIC_RULES = {
    "string_unicode": "text-surrogate",
    "string_too_long": "text-length",
    "string_too_short": "text-empty",
    "int_type": "int-type",
    "greater_than_equal": "int-range",
    "less_than_equal": "int-range",
}


def _field_error(error: Any) -> dict[str, str]:
    """``("body", "pot", "amount")`` becomes ``"pot.amount"``: the name the client sent."""
    loc: Sequence[Any] = error.get("loc", ())
    parts = [str(p) for p in loc[1:]] if loc and loc[0] == "body" else [str(p) for p in loc]
    field = ".".join(parts) or "body"
    rule = str(error.get("type", "invalid"))
    problem = str(error.get("msg", "is invalid"))
    if rule == "json_invalid":  # the location is a character offset, not a field
        field, problem = "body", f"{problem} at character {field}"
    rule = _PYDANTIC_RULES.get(rule, rule)
    return {"field": field, "problem": problem, "rule": rule}


def _without_none(**members: str | None) -> dict[str, str]:
    return {k: v for k, v in members.items() if v is not None}


class ProblemResponse(JSONResponse):
    """problem+json written as ASCII: no text a client sent (a lone surrogate, say) can make
    the answer itself unencodable, so a refusal is never turned into a 500."""

    media_type = PROBLEM_JSON

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=True, separators=(",", ":")).encode("ascii")


def install_error_handlers(app: FastAPI) -> None:
    """Register the table on the app: every class in it, validation errors, HTTP errors."""
    for error in dict.fromkeys(row.error for row in ERROR_TABLE):
        app.add_exception_handler(error, _refusal)
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(StarletteHTTPException, _http)
