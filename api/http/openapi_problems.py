"""The refusals each operation can really give, written into OpenAPI from the error table.

FastAPI documents only the 2xx answer and its own 422 (``HTTPValidationError``, a ``detail``
list) while the app answers every refusal with an ``application/problem+json`` document
(api/http/errors.py). Rather than repeat ``responses=`` on some sixty routes, and let them drift,
one post-processing step asks each route what it depends on and which refusals follow:

* its security dependency: a key that is sent must be valid (401); a role-restricted one
  may refuse the role (403);
* ``If-Match``: a malformed header (422), a stale version (412);
* ``min_position``: beyond the log (422) or not reached in time (503);
* a command (any non-GET): every refusal of the domain, and on POST the Idempotency-Key's;
* a query: the object or its read model may be missing (404), the store may be down (503);
* parameters or a body: request validation (422, as a problem document).

The statuses then come from :data:`~api.http.errors.ERROR_TABLE`, so a new row there is
documented wherever its refusal can be raised.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from fastapi import APIRouter
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from api.http import deps
from api.http.errors import (
    ERROR_TABLE,
    PROBLEM_JSON,
    Forbidden,
    IdempotencyInProgress,
    IdempotencyKeyReused,
    ReadModelsBehind,
    Unauthenticated,
)
from api.http.routes.common import Problem
from coprod.domain.errors import CoprodError, InvalidInput, NotFound, StaleVersion, StoreUnavailable

__all__ = ["document_problems", "refusals_of"]

#: Security dependencies that refuse some roles (403); every security dependency may 401.
_ROLE_CHECKS: frozenset[Callable[..., Any]] = frozenset(
    {deps.writer, deps.council_officer, deps.evaluator}
)
_FASTAPI_422 = "#/components/schemas/HTTPValidationError"


class _RequestValidation(Exception):
    """Stands for FastAPI's RequestValidationError, answered 422 by api/http/errors.py."""


def _calls(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    for sub in dependant.dependencies:
        if sub.call is not None:
            yield sub.call
        yield from _calls(sub)


def _has_parameters(dependant: Dependant) -> bool:
    if dependant.body_params or dependant.query_params or dependant.path_params:
        return True
    if dependant.header_params:
        return True
    return any(_has_parameters(sub) for sub in dependant.dependencies)


def refusals_of(route: APIRoute) -> set[type[Exception]]:
    """The refusal classes one route can raise, read from its method and dependencies."""
    calls = set(_calls(route.dependant))
    refusals: set[type[Exception]] = set()
    if any(getattr(call, deps.SECURITY_MARK, False) for call in calls):
        refusals.add(Unauthenticated)
    if calls & _ROLE_CHECKS:
        refusals.add(Forbidden)
    if deps.if_match in calls:
        refusals |= {StaleVersion, InvalidInput}
    if deps.fresh_reads in calls:
        refusals |= {ReadModelsBehind, InvalidInput, NotFound}
    if deps.get_coprod in calls or deps.fresh_reads in calls:
        refusals.add(StoreUnavailable)
    methods = route.methods or set()
    if methods - {"GET", "HEAD"}:
        refusals.add(CoprodError)
        if route.dependant.path_params:
            refusals.add(NotFound)
    elif route.dependant.path_params or deps.fresh_reads in calls:
        refusals.add(NotFound)
    if "POST" in methods:
        refusals |= {IdempotencyKeyReused, IdempotencyInProgress}
    if _has_parameters(route.dependant):
        refusals.add(_RequestValidation)
    return refusals


def _statuses(refusals: Iterable[type[Exception]]) -> dict[int, list[str]]:
    """Status -> the titles of the table rows behind it (a domain base class brings its rows)."""
    found: dict[int, list[str]] = {}
    wanted = tuple(refusals)
    for row in ERROR_TABLE:
        if any(issubclass(row.error, error) for error in wanted):
            titles = found.setdefault(row.status, [])
            if row.title not in titles:
                titles.append(row.title)
    if StaleVersion in wanted:  # only routes taking If-Match; see refusal_response
        found[412] = ["If-Match did not match"]
    if _RequestValidation in wanted:
        found.setdefault(422, []).append("Invalid request")
    return found


def _problem_components() -> dict[str, Any]:
    schema = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    definitions: dict[str, Any] = schema.pop("$defs", {})
    return {**definitions, "Problem": schema}


def document_problems(
    schema: dict[str, Any], routers: Iterable[APIRouter], prefix: str
) -> dict[str, Any]:
    """Add each operation's problem+json answers; replace FastAPI's default 422.

    The routers are walked rather than ``app.routes``, which newer FastAPI fills lazily.
    """
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.update(_problem_components())
    paths = schema.get("paths", {})
    for route in (r for router in routers for r in router.routes):
        path = prefix + getattr(route, "path", "")
        if not isinstance(route, APIRoute) or path not in paths:
            continue
        statuses = _statuses(refusals_of(route))
        for method in route.methods or ():
            operation = paths[path].get(method.lower())
            if operation is None:
                continue
            responses = operation.setdefault("responses", {})
            for status, titles in sorted(statuses.items()):
                responses[str(status)] = {
                    "description": "; ".join(titles),
                    "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
                }
    if _FASTAPI_422 not in str(paths):
        components.pop("HTTPValidationError", None)
        components.pop("ValidationError", None)
    return schema
