"""Idempotency-Key across a crash: the key's record commits with the command's events.

The crash is injected after the command committed and before the HTTP answer (the use case
returns, then the handler raises: the response is never stored), before the commit, and in a
request that lost its key to a retry while it was still running. On SQLite and PostgreSQL:
the retry gets the first answer, rebuilt from what the command's transaction recorded, and
the log holds the events once.
"""

from __future__ import annotations

import threading
from typing import Any
from uuid import UUID

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.http import idempotency_store
from api.http.app import create_app
from coprod.adapters.config import parse_database_url
from coprod.application import Coprod
from tests.api.conftest import World, event_topics, post

IDEA = {"title": "A bench", "description": "By the lake"}


@pytest.fixture
def api(store_url: str) -> FastAPI:
    """The real app on each store in turn (the shared fixtures build on this one)."""
    return create_app(parse_database_url(store_url))


def ideas(app: Coprod) -> int:
    return sum(topic.endswith("IdeaSubmitted") for topic in event_topics(app))


class Crash(Exception):
    pass


def _crash(monkeypatch: pytest.MonkeyPatch, *, after_commit: bool) -> None:
    original = Coprod.submit_idea

    def crashing(self: Coprod, *args: Any) -> Any:
        if after_commit:
            original(self, *args)
        raise Crash("the process died here")

    monkeypatch.setattr(Coprod, "submit_idea", crashing)


def test_a_crash_after_the_commit_replays_the_first_answer(
    client: TestClient,
    world: World,
    process_id: UUID,
    coprod: Coprod,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = f"/processes/{process_id}/ideas"
    _crash(monkeypatch, after_commit=True)
    with pytest.raises(Crash):
        post(client, path, world["member"], IDEA, Idempotency_Key="crash-1")
    monkeypatch.undo()
    assert ideas(coprod) == 1  # the command did commit

    retry = post(client, path, world["member"], IDEA, Idempotency_Key="crash-1")
    again = post(client, path, world["member"], IDEA, Idempotency_Key="crash-1")
    assert ideas(coprod) == 1  # and was not recorded again
    assert retry.status_code == again.status_code == 201
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert again.json() == retry.json()
    # The answer the first request would have sent: same shape and headers as a fresh one.
    fresh = post(client, path, world["member"], {**IDEA, "title": "Two benches"})
    assert fresh.status_code == 201
    assert set(retry.json()) == set(fresh.json())
    idea = retry.json()["id"]
    assert retry.json()["version"] == 1
    assert retry.json()["position"] < fresh.json()["position"]
    assert retry.headers["ETag"] == '"1"'
    assert retry.headers["Location"] == f"/api/v1/proposals/{idea}"
    assert retry.headers["content-type"] == fresh.headers["content-type"]
    assert client.get(f"/api/v1/proposals/{idea}", headers=world["member"]).status_code == 200


def test_a_crash_before_the_commit_runs_once_on_retry(
    client: TestClient,
    world: World,
    process_id: UUID,
    coprod: Coprod,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = f"/processes/{process_id}/ideas"
    _crash(monkeypatch, after_commit=False)
    with pytest.raises(Crash):
        post(client, path, world["member"], IDEA, Idempotency_Key="crash-2")
    monkeypatch.undo()
    assert ideas(coprod) == 0
    retry = post(client, path, world["member"], IDEA, Idempotency_Key="crash-2")
    assert retry.status_code == 201
    assert "Idempotent-Replayed" not in retry.headers
    assert ideas(coprod) == 1


def test_a_request_that_lost_its_key_to_a_retry_cannot_commit(
    client: TestClient,
    world: World,
    process_id: UUID,
    coprod: Coprod,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The first request stalls past the lease; a retry takes the key over and records."""
    path = f"/processes/{process_id}/ideas"
    monkeypatch.setattr(idempotency_store, "LEASE_S", 0.0)
    original = Coprod.submit_idea
    retried: list[Any] = []
    stalled = threading.Event()

    def stalling(self: Coprod, *args: Any) -> Any:
        if not stalled.is_set():  # the first request only: the retry runs meanwhile
            stalled.set()
            retried.append(post(client, path, world["member"], IDEA, Idempotency_Key="slow"))
        return original(self, *args)

    monkeypatch.setattr(Coprod, "submit_idea", stalling)
    first = post(client, path, world["member"], IDEA, Idempotency_Key="slow")
    assert retried[0].status_code == 201
    assert first.status_code == 409  # refused inside its own transaction
    assert ideas(coprod) == 1
    monkeypatch.undo()
    later = post(client, path, world["member"], IDEA, Idempotency_Key="slow")
    assert later.json() == retried[0].json()
