"""Shared fixtures: a store-free application for unit tests and actors to act as."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from coprod.application import Coprod
from coprod.config import parse_database_url
from coprod.values import Actor, Role


@pytest.fixture
def app() -> Iterator[Coprod]:
    """An application on the library's in-memory store: fast, isolated per test."""
    application = Coprod(
        parse_database_url("sqlite:///:memory:"), env={"PERSISTENCE_MODULE": "eventsourcing.popo"}
    )
    yield application
    application.close()


@pytest.fixture
def council_id() -> uuid.UUID:
    return uuid.uuid4()


@pytest.fixture
def officer(council_id: uuid.UUID) -> Actor:
    return Actor(uuid.uuid4(), Role.COUNCIL_OFFICER, council_id)


@pytest.fixture
def member() -> Actor:
    return Actor(uuid.uuid4(), Role.COMMUNITY_MEMBER, uuid.uuid4())
