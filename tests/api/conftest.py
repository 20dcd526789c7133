"""API fixtures: the real app on a fresh SQLite file, and one key per role and organisation.

Organisations are registered through the application directly (the system actor), keys
through the key store: the tests then drive everything else over HTTP only.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.http.app import create_app
from api.keys import KeyStore
from coprod.adapters.config import parse_database_url
from coprod.application import SYSTEM_ACTOR, Coprod
from coprod.application.commands.people import RegisterOrganisation
from coprod.domain.organisation import OrganisationKind
from coprod.domain.values import Role
from tests.api.scenario import registrar


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


@dataclass
class World:
    """Two councils, two community groups, and a key for each role that matters."""

    council: uuid.UUID
    other_council: uuid.UUID
    group: uuid.UUID
    other_group: uuid.UUID
    keys: dict[str, dict[str, str]]
    actors: dict[str, uuid.UUID]

    def __getitem__(self, name: str) -> dict[str, str]:
        return self.keys[name]


@pytest.fixture
def api(tmp_path: Path) -> FastAPI:
    return create_app(parse_database_url(f"sqlite:///{tmp_path}/api.sqlite"))


@pytest.fixture
def client(api: FastAPI) -> Iterator[TestClient]:
    with TestClient(api, raise_server_exceptions=True) as test_client:
        yield test_client


@pytest.fixture
def coprod(api: FastAPI, client: TestClient) -> Coprod:
    """The application behind the running app (for set-up and for counting events)."""
    app: Coprod = api.state.coprod
    return app


@pytest.fixture
def world(api: FastAPI, coprod: Coprod) -> World:
    register = coprod.register_organisation
    council = register(
        RegisterOrganisation(slug="aarhus", kind=OrganisationKind.COUNCIL, display_name="Aarhus"),
        SYSTEM_ACTOR,
    ).aggregate_id
    other = register(
        RegisterOrganisation(slug="odense", kind=OrganisationKind.COUNCIL, display_name="Odense"),
        SYSTEM_ACTOR,
    ).aggregate_id
    # Each council registers its own group: its officers then manage that group's members.
    kind = OrganisationKind.COMMUNITY_GROUP
    group = register(
        RegisterOrganisation(slug="park-friends", kind=kind, display_name="Park friends"),
        registrar(council),
    ).aggregate_id
    other_group = register(
        RegisterOrganisation(slug="lake-friends", kind=kind, display_name="Lake friends"),
        registrar(other),
    ).aggregate_id
    store: KeyStore = api.state.keys
    plan = {
        "officer": (council, Role.COUNCIL_OFFICER),
        "other_officer": (other, Role.COUNCIL_OFFICER),
        "member": (group, Role.COMMUNITY_MEMBER),
        "other_member": (other_group, Role.COMMUNITY_MEMBER),
        "evaluator": (council, Role.EVALUATOR),
        "other_evaluator": (other, Role.EVALUATOR),
        "public": (council, Role.PUBLIC),
    }
    keys: dict[str, dict[str, str]] = {}
    actors: dict[str, uuid.UUID] = {}
    for name, (organisation, role) in plan.items():
        new = store.create(organisation, role, label=name)
        keys[name] = bearer(new.secret)
        actors[name] = new.key.actor_id
    return World(council, other, group, other_group, keys, actors)


def post(
    client: TestClient, path: str, who: dict[str, str], body: Any = None, **headers: str
) -> Any:
    """POST under /api/v1 with a key and optional extra headers (underscores become dashes)."""
    extra = {k.replace("_", "-"): v for k, v in headers.items()}
    return client.post(f"/api/v1{path}", json=body, headers={**who, **extra})


def event_topics(app: Coprod) -> list[str]:
    """Every event's topic in log order, to count what was really recorded."""
    notifications = app.recorder.select_notifications(start=1, limit=100_000)
    return [n.topic for n in notifications]


@pytest.fixture
def process_id(client: TestClient, world: World) -> uuid.UUID:
    """A process of the officer's council, in the ideas phase, with budget, rules and areas."""
    officer = world["officer"]
    made = post(
        client, "/processes", officer, {"code": "pb-2026", "name": "PB 2026", "currency": "DKK"}
    )
    assert made.status_code == 201, made.text
    pid = made.json()["id"]
    for path, body in (
        ("budget", {"pot": {"amount": "100000.00", "currency": "DKK"}}),
        (
            "rules",
            {"voting": {"method": "approval", "max_choices": 3}, "selection": {"method": "greedy"}},
        ),
        ("areas", {"areas": [{"code": "north", "name": "North"}]}),
    ):
        answer = post(client, f"/processes/{pid}/{path}", officer, body)
        assert answer.status_code == 200, answer.text
    return uuid.UUID(pid)
