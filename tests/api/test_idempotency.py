"""Idempotency-Key: a retried POST records once and replays the first response."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from uuid import UUID

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.http.idempotency import IdempotencyStore
from api.keys import SqlTables, hash_secret
from coprod.adapters.config import parse_database_url
from coprod.application import Coprod
from coprod.domain.errors import StoreUnavailable
from tests.api.conftest import World, event_topics, post

IDEA = {"title": "A bench", "description": "By the lake"}


def ideas(app: Coprod) -> int:
    return sum(topic.endswith("IdeaSubmitted") for topic in event_topics(app))


def test_same_key_and_body_records_once_and_replays(
    client: TestClient, world: World, process_id: UUID, coprod: Coprod
) -> None:
    path = f"/processes/{process_id}/ideas"
    first = post(client, path, world["member"], IDEA, Idempotency_Key="k-1")
    second = post(
        client, path, world["member"], dict(reversed(IDEA.items())), Idempotency_Key="k-1"
    )
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second.headers["ETag"] == first.headers["ETag"]
    assert second.headers["Location"] == first.headers["Location"]
    assert second.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert ideas(coprod) == 1


def test_same_key_with_another_body_is_422(
    client: TestClient, world: World, process_id: UUID, coprod: Coprod
) -> None:
    path = f"/processes/{process_id}/ideas"
    post(client, path, world["member"], IDEA, Idempotency_Key="k-2")
    other = post(
        client, path, world["member"], {**IDEA, "title": "Two benches"}, Idempotency_Key="k-2"
    )
    assert other.status_code == 422
    body = other.json()
    assert body["type"] == "urn:coprod:problem:idempotency-key-reused"
    assert body["field"] == "Idempotency-Key"
    assert ideas(coprod) == 1


def test_keys_are_scoped_to_the_api_key(
    client: TestClient, world: World, process_id: UUID, coprod: Coprod
) -> None:
    path = f"/processes/{process_id}/ideas"
    mine = post(client, path, world["member"], IDEA, Idempotency_Key="shared")
    theirs = post(client, path, world["other_member"], IDEA, Idempotency_Key="shared")
    assert mine.status_code == theirs.status_code == 201
    assert mine.json()["id"] != theirs.json()["id"]
    assert ideas(coprod) == 2


def test_twenty_concurrent_identical_posts_record_one_event(
    client: TestClient, world: World, process_id: UUID, coprod: Coprod
) -> None:
    path = f"/processes/{process_id}/ideas"
    before = len(event_topics(coprod))
    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(
            pool.map(
                lambda _: post(client, path, world["member"], IDEA, Idempotency_Key="burst"),
                range(20),
            )
        )
    assert [a.status_code for a in answers] == [201] * 20
    assert len({a.json()["id"] for a in answers}) == 1
    assert sum("Idempotent-Replayed" not in a.headers for a in answers) == 1
    assert len(event_topics(coprod)) == before + 1


def test_a_refusal_is_replayed_but_a_busy_store_is_retried(
    client: TestClient,
    world: World,
    process_id: UUID,
    coprod: Coprod,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = f"/processes/{process_id}/eligible-population"
    bad = post(client, path, world["officer"], {"eligible": 0}, Idempotency_Key="r-1")
    again = post(client, path, world["officer"], {"eligible": 0}, Idempotency_Key="r-1")
    assert bad.status_code == again.status_code == 422
    assert again.headers["Idempotent-Replayed"] == "true"

    real = coprod.set_eligible_population
    calls: list[int] = []

    def flaky(*args: object, **kwargs: object) -> object:
        calls.append(1)
        if len(calls) == 1:
            raise StoreUnavailable("lock timeout; nothing was recorded")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(coprod, "set_eligible_population", flaky)
    busy = post(client, path, world["officer"], {"eligible": 900}, Idempotency_Key="r-2")
    retry = post(client, path, world["officer"], {"eligible": 900}, Idempotency_Key="r-2")
    assert (busy.status_code, retry.status_code) == (503, 200)
    assert "Idempotent-Replayed" not in retry.headers
    assert client.get(f"/api/v1/processes/{process_id}").json()["eligible"] == 900


def test_a_malformed_key_is_422(client: TestClient, world: World, process_id: UUID) -> None:
    answer = post(
        client, f"/processes/{process_id}/ideas", world["member"], IDEA, Idempotency_Key="x" * 300
    )
    assert answer.status_code == 422
    assert answer.json()["field"] == "Idempotency-Key"


def test_without_a_key_a_repeat_records_twice(
    client: TestClient, world: World, process_id: UUID, coprod: Coprod
) -> None:
    path = f"/processes/{process_id}/ideas"
    post(client, path, world["member"], IDEA)
    post(client, path, world["member"], IDEA)
    assert ideas(coprod) == 2


def test_a_reservation_left_by_a_dead_request_is_taken_over(
    client: TestClient,
    world: World,
    process_id: UUID,
    coprod: Coprod,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import api.http.idempotency as idempotency
    import api.http.idempotency_store as idempotency_store

    store = client.app.state.idempotency  # type: ignore[attr-defined]
    owner = hash_secret(world["member"]["Authorization"].removeprefix("Bearer "))
    path = f"/api/v1/processes/{process_id}/ideas"
    body = json.dumps(IDEA).encode()
    printed = idempotency.fingerprint("POST", path, b"", body)
    assert isinstance(store.reserve(owner, "orphan", printed), str)  # then the request "dies"
    monkeypatch.setattr(idempotency_store, "LEASE_S", 0.0)
    answer = post(
        client, f"/processes/{process_id}/ideas", world["member"], IDEA, Idempotency_Key="orphan"
    )
    assert answer.status_code == 201
    assert ideas(coprod) == 1


def test_keys_older_than_the_retention_are_purged_and_then_record_anew(
    api: FastAPI, client: TestClient, world: World, process_id: UUID, coprod: Coprod
) -> None:
    store: IdempotencyStore = api.state.idempotency
    path = f"/processes/{process_id}/ideas"
    assert post(client, path, world["member"], IDEA, Idempotency_Key="old").status_code == 201
    fresh = {"title": "A swing", "description": "By the school"}
    assert post(client, path, world["member"], fresh, Idempotency_Key="new").status_code == 201
    now = time.time()
    # nothing is old enough yet: both keys still replay
    assert store.purge(now) == 0
    replayed = post(client, path, world["member"], IDEA, Idempotency_Key="old")
    assert replayed.headers["Idempotent-Replayed"] == "true"
    assert ideas(coprod) == 2
    # past the retention (shortened here): both keys are forgotten
    store.retention_s = 10.0
    assert store.purge(now + 10.0 + 1e-3) == 2
    again = post(client, path, world["member"], IDEA, Idempotency_Key="old")
    assert again.status_code == 201
    assert "Idempotent-Replayed" not in again.headers
    assert ideas(coprod) == 3
    # and the key, used anew, is remembered anew
    repeat = post(client, path, world["member"], IDEA, Idempotency_Key="old")
    assert repeat.headers["Idempotent-Replayed"] == "true"
    assert ideas(coprod) == 3


def test_a_purge_is_started_at_most_once_per_interval(api: FastAPI, client: TestClient) -> None:
    store: IdempotencyStore = api.state.idempotency
    store.purge_every_s = 600.0
    store._next_purge = 0.0
    started = store._purge_if_due(1000.0)
    assert started is not None
    started.join(timeout=10)
    assert store._purge_if_due(1000.0 + 599.0) is None
    again = store._purge_if_due(1000.0 + 600.0)
    assert again is not None
    again.join(timeout=10)


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def test_a_purge_removes_exactly_the_keys_past_the_retention_on_both_stores(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    url = (
        f"sqlite:///{tmp_path}/idem.sqlite"
        if backend == "sqlite"
        else request.getfixturevalue("postgres_url")
    )
    clock = [1_000_000.0]
    with Coprod(parse_database_url(url)) as app:
        store = IdempotencyStore(SqlTables(app), retention_s=60.0, clock=lambda: clock[0])
        store._next_purge = float("inf")  # this test purges by hand
        assert isinstance(store.reserve("scope", "early", "f1"), str)
        clock[0] += 30
        assert isinstance(store.reserve("scope", "later", "f2"), str)
        # 60 s after the first and 30 s after the second: only the first is past the retention
        assert store.purge(1_000_000.0 + 60.0 + 1e-3) == 1
        assert isinstance(store.reserve("scope", "early", "another request"), str)
        with pytest.raises(ValueError, match="later"):
            store.reserve("scope", "later", "another request")
