"""Rendered impact reports are reused until the read model moves, and never outlive a change."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import UUID, uuid4

from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.http.report_cache import ReportCache
from tests.api.conftest import World, post
from tests.api.test_queries import funded_project, get, ok


def test_a_repeated_report_is_rendered_once_and_a_change_renders_anew(
    client: TestClient, api: FastAPI, world: World, process_id: UUID
) -> None:
    _, project, position = funded_project(client, world, process_id)
    path = f"/processes/{process_id}/impact"
    cache: ReportCache = api.state.report_cache
    officer = world["officer"]
    first = get(client, path, officer, min_position=position)
    assert first.status_code == 200
    assert first.headers["content-type"] == "application/json"
    filed = len(cache)
    for _ in range(3):
        again = get(client, path, officer)
        assert again.content == first.content
    assert len(cache) == filed  # served from the cache: nothing new rendered

    spend = {"amount": {"amount": "1500.00", "currency": "DKK"}, "spent_on": str(date.today())}
    later = ok(
        post(client, f"/projects/{project}/spend", world["officer"], spend | {"purpose": "x"})
    )
    changed = get(client, path, officer, min_position=later["position"])
    assert changed.status_code == 200
    assert changed.json()["tables"] != first.json()["tables"]  # the new position renders anew
    assert len(cache) == filed + 1


def test_an_unknown_process_is_404_and_not_cached(
    client: TestClient, api: FastAPI, world: World, process_id: UUID
) -> None:
    _, _, position = funded_project(client, world, process_id)
    before = len(api.state.report_cache)
    answer = get(client, f"/processes/{uuid4()}/impact", world["evaluator"], min_position=position)
    assert answer.status_code == 404
    assert len(api.state.report_cache) == before


def test_the_key_holds_what_a_report_depends_on() -> None:
    pid = uuid4()
    moment = datetime(2026, 5, 1, 12, tzinfo=UTC)
    at = (1, 40)
    now_today = ReportCache.key(pid, None, at, date(2026, 5, 1))
    assert now_today != ReportCache.key(pid, None, at, date(2026, 5, 2))  # "now" ages daily
    assert now_today != ReportCache.key(pid, None, (1, 41), date(2026, 5, 1))  # position
    assert now_today != ReportCache.key(pid, None, (2, 40), date(2026, 5, 1))  # a rebuild
    past = ReportCache.key(pid, moment, at, date(2026, 5, 1))
    assert past == ReportCache.key(pid, moment, at, date(2026, 6, 1))  # a fixed time: no day
    assert past != ReportCache.key(uuid4(), moment, at, None)


def test_the_cache_is_a_bounded_lru() -> None:
    cache = ReportCache(size=2)
    rendered: list[str] = []

    def render(name: str) -> bytes:
        rendered.append(name)
        return name.encode()

    keys = [ReportCache.key(uuid4(), None, (1, 1), date(2026, 1, 1)) for _ in range(3)]
    assert cache.get_or_render(keys[0], lambda: render("a")) == b"a"
    assert cache.get_or_render(keys[1], lambda: render("b")) == b"b"
    assert cache.get_or_render(keys[0], lambda: render("a2")) == b"a"  # a hit, now most recent
    assert cache.get_or_render(keys[2], lambda: render("c")) == b"c"  # evicts b, not a
    assert len(cache) == 2
    assert cache.get_or_render(keys[0], lambda: render("a3")) == b"a"
    assert cache.get_or_render(keys[1], lambda: render("b2")) == b"b2"
    assert rendered == ["a", "b", "c", "b2"]
