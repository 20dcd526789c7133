"""Every route has one explicit security dependency, and roles are enforced on every route."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI, routing
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from api.http.deps import SECURITY_MARK, council_officer, officer_caller, public_allowed
from api.http.errors import PROBLEM_JSON
from tests.api.conftest import World


@dataclass(frozen=True)
class Endpoint:
    """One mounted route: its full path and methods, and the APIRoute behind it."""

    path: str
    methods: set[str]
    route: APIRoute


def api_routes(api: FastAPI) -> Iterator[Endpoint]:
    """Every route of ``app.routes`` under /api/v1, through included routers too.

    FastAPI 0.160+ mounts included routers lazily and walks them with
    ``iter_route_contexts``; older versions list the APIRoutes themselves.
    """
    walk = getattr(routing, "iter_route_contexts", None)
    contexts: Any = api.routes if walk is None else walk(api.routes)
    for context in contexts:
        route = getattr(context, "original_route", context)
        if isinstance(route, APIRoute) and str(context.path).startswith("/api/v1"):
            yield Endpoint(str(context.path), set(context.methods or ()), route)


def security_of(endpoint: Endpoint) -> list[Callable[..., Any]]:
    return [
        d.call
        for d in endpoint.route.dependant.dependencies
        if d.call is not None and getattr(d.call, SECURITY_MARK, False)
    ]


def concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", lambda _: str(uuid.uuid4()), path)


def writes(api: FastAPI) -> list[tuple[str, str]]:
    return [(m, r.path) for r in api_routes(api) for m in r.methods if m in ("POST", "DELETE")]


def test_every_route_declares_exactly_one_security_dependency(api: FastAPI) -> None:
    routes = list(api_routes(api))
    assert len(routes) > 50
    missing = {r.path: len(security_of(r)) for r in routes if len(security_of(r)) != 1}
    assert missing == {}


def test_only_gets_are_public(api: FastAPI) -> None:
    public = {
        (m, r.path) for r in api_routes(api) if public_allowed in security_of(r) for m in r.methods
    }
    assert public
    assert all(method == "GET" for method, _ in public)


@pytest.mark.parametrize("role", ["evaluator", "public"])
def test_read_only_roles_get_403_on_every_write(
    client: TestClient, api: FastAPI, world: World, role: str
) -> None:
    for method, path in writes(api):
        answer = client.request(method, concrete(path), json={}, headers=world[role])
        assert answer.status_code == 403, (method, path, answer.text)
        assert answer.headers["content-type"] == PROBLEM_JSON
        assert answer.json()["detail"] == f"the {role} role is read-only"


def test_every_write_without_a_key_is_401(client: TestClient, api: FastAPI, world: World) -> None:
    for method, path in writes(api):
        answer = client.request(method, concrete(path), json={})
        assert answer.status_code == 401, (method, path)
        assert answer.headers["WWW-Authenticate"].startswith("Bearer")
        assert "Authorization: Bearer" in answer.json()["detail"]


def test_community_members_get_403_on_every_council_command(
    client: TestClient, api: FastAPI, world: World
) -> None:
    officers = {council_officer, officer_caller}
    officer_only = [r for r in api_routes(api) if officers & set(security_of(r))]
    assert len(officer_only) > 30
    for route in officer_only:
        method = sorted(route.methods)[0]  # commands are POSTs; the quarantine list is a GET
        answer = client.request(method, concrete(route.path), json={}, headers=world["member"])
        assert answer.status_code == 403, route.path
        assert "only a council officer" in answer.json()["detail"]


def test_unknown_and_revoked_keys_are_401(client: TestClient, api: FastAPI, world: World) -> None:
    unknown = client.get("/api/v1/health", headers={"X-API-Key": "cpk_not-a-key"})
    assert unknown.status_code == 401
    assert unknown.json()["title"] == "Missing or unknown API key"
    assert client.get("/api/v1/health", headers=world["officer"]).status_code == 200
    key_id = next(k.key_id for k in api.state.keys.list() if k.label == "officer")
    api.state.keys.revoke(key_id)
    revoked = client.get("/api/v1/health", headers=world["officer"])
    assert revoked.status_code == 401
    assert "revoked" in revoked.json()["detail"]


def test_x_api_key_header_works_like_bearer(client: TestClient, world: World) -> None:
    secret = world["officer"]["Authorization"].removeprefix("Bearer ")
    made = client.post(
        "/api/v1/processes",
        headers={"X-API-Key": secret},
        json={"code": "c1", "name": "One", "currency": "DKK"},
    )
    assert made.status_code == 201
