"""Releases over HTTP on both stores: publish, list, read; the public reads releases only.

The whole app runs on SQLite and on PostgreSQL (the `api` fixture is overridden here).
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.http.app import create_app
from api.keys import KeyStore
from coprod.adapters.config import parse_database_url
from coprod.domain.release import sha256_hex
from coprod.domain.values import Role
from tests.api.conftest import World, bearer, event_topics, post
from tests.api.test_queries import funded_project, get, ok

DKK = "DKK"


@pytest.fixture
def api(store_url: str) -> FastAPI:
    return create_app(parse_database_url(store_url), worker=True)


def impact(process_id: UUID) -> str:
    return f"/processes/{process_id}/impact"


def publish(client: TestClient, world: World, process_id: UUID, note: str | None = None) -> Any:
    body = {} if note is None else {"note": note}
    return post(client, f"/processes/{process_id}/releases", world["officer"], body)


def test_the_public_gets_404_before_the_first_release_and_the_council_reads_live(
    client: TestClient, api: FastAPI, world: World, process_id: UUID
) -> None:
    _, _, position = funded_project(client, world, process_id)
    # an evaluator key is scoped to the council that issued it: another council's is public
    store: KeyStore = api.state.keys
    other_evaluator = bearer(store.create(world.other_council, Role.EVALUATOR).secret)
    for who in (None, world["member"], world["public"], world["other_officer"], other_evaluator):
        answer = get(client, impact(process_id), who, min_position=position)
        assert answer.status_code == 404, answer.text
        assert "has no published release yet" in answer.json()["detail"]
        assert "coprod report publish" in answer.json()["detail"]
    for who in (world["officer"], world["evaluator"]):
        live = ok(get(client, impact(process_id), who, min_position=position))
        assert live["release"] is None
        assert live["tables"]
    listed = ok(get(client, f"/processes/{process_id}/releases"))
    assert listed == {"process_id": str(process_id), "releases": []}
    unknown = get(client, impact(UUID(int=7)))
    assert unknown.status_code == 404
    assert "no process with id" in unknown.json()["detail"]
    assert get(client, f"/processes/{process_id}/releases/1").status_code == 404


def test_publish_list_read_and_the_public_as_of_chooses_among_releases(
    client: TestClient, world: World, process_id: UUID
) -> None:
    _, project, position = funded_project(client, world, process_id)
    officer = world["officer"]
    first = publish(client, world, process_id, "first figures")
    assert first.status_code == 201, first.text
    one = first.json()
    assert (one["number"], one["note"]) == (1, "first figures")
    # the hash chain exists since the chain merge: the release records its head at `position`
    assert re.fullmatch(r"[0-9a-f]{64}", one["chain_head"])
    assert one["position"] >= position
    assert one["published_by"] == str(world.actors["officer"])
    assert first.headers["Location"] == f"/api/v1/processes/{process_id}/releases/1"

    spend = {"amount": {"amount": "1500.00", "currency": DKK}, "spent_on": str(date.today())}
    later = ok(post(client, f"/projects/{project}/spend", officer, spend | {"purpose": "x"}))
    live = ok(get(client, impact(process_id), officer, min_position=later["position"]))
    public = ok(get(client, impact(process_id)))
    assert public["release"]["number"] == 1
    assert public["tables"] != live["tables"]  # the spend is not public until released

    two = ok(publish(client, world, process_id), 201)
    assert two["number"] == 2
    assert two["position"] >= later["position"]
    listed = ok(get(client, f"/processes/{process_id}/releases"))["releases"]
    assert [r["number"] for r in listed] == [1, 2]
    stored = ok(get(client, f"/processes/{process_id}/releases/1"))
    assert stored["figures_sha256"] == sha256_hex(
        json.dumps(stored["figures"], sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    )

    latest = ok(get(client, impact(process_id)))
    assert latest["release"]["number"] == 2
    assert latest["tables"] == live["tables"]
    between = ok(get(client, impact(process_id), as_of=one["as_of"]))
    assert between["release"]["number"] == 1
    assert between["tables"] == stored["figures"]["tables"]
    before = get(client, impact(process_id), as_of="2000-01-01T00:00:00+00:00")
    assert before.status_code == 404
    assert "at or before 2000-01-01" in before.json()["detail"]
    # officers and evaluators keep any as-of: the live report as it stood then
    moment = datetime.fromisoformat(one["as_of"]) - timedelta(microseconds=1)
    past = ok(get(client, impact(process_id), world["evaluator"], as_of=moment.isoformat()))
    assert past["release"] is None
    assert datetime.fromisoformat(past["as_of"]) == moment


def test_only_the_councils_officer_publishes_and_a_refusal_writes_nothing(
    client: TestClient, world: World, process_id: UUID, coprod: Any
) -> None:
    funded_project(client, world, process_id)
    before = len(event_topics(coprod))
    path = f"/processes/{process_id}/releases"
    for who, status in (
        (world["other_officer"], 403),
        (world["member"], 403),
        (world["evaluator"], 403),
        ({}, 401),
    ):
        assert post(client, path, who, {}).status_code == status
    too_long = post(client, path, world["officer"], {"note": "x" * 2001})
    assert too_long.status_code == 422
    assert "note" in too_long.text
    assert post(client, path, world["officer"], {"notes": "typo"}).status_code == 422
    assert len(event_topics(coprod)) == before
    assert get(client, f"/processes/{process_id}/releases/0").status_code == 422
    assert get(client, f"/processes/{process_id}/releases/7").status_code == 404
    assert ok(publish(client, world, process_id), 201)["number"] == 1


def test_the_public_timeline_shows_head_counts_only_as_release_totals(
    client: TestClient, world: World, process_id: UUID
) -> None:
    _, project, _ = funded_project(client, world, process_id)
    member = world["member"]
    pledge = {"phase": "co_delivery", "level": "group", "pledged_hours": "40"}
    commitment = ok(post(client, f"/projects/{project}/commitments", member, pledge), 201)["id"]
    position = 0
    for hours, people in (("2", 1), ("3", 2), ("12", 6)):
        log = {
            "hours": hours,
            "people_count": people,
            "phase": "co_delivery",
            "level": "group",
            "worked_on": str(date.today()),
        }
        made = ok(post(client, f"/commitments/{commitment}/contributions", member, log), 201)
        position = made["position"]
    path = f"/projects/{project}/timeline"

    def logs(view: dict[str, Any]) -> list[dict[str, Any]]:
        return [e for e in view["entries"] if e["event"] == "Contribution.ContributionLogged"]

    public = ok(get(client, path, min_position=position))
    assert len(logs(public)) == 3
    for entry in logs(public):
        assert "people" not in entry["summary"]
        assert "people_count" not in {c["field"] for c in entry["changes"]}
    assert public["community"] is None  # no release yet: no head-count at all
    full = ok(get(client, path, world["officer"], min_position=position))
    assert "by 1 people" in logs(full)[0]["summary"]  # the council keeps the detail

    ok(publish(client, world, process_id), 201)
    released = ok(get(client, f"/processes/{process_id}/releases/1"))["figures"]
    volunteer = next(t for t in released["tables"] if t["title"] == "volunteer hours")["rows"]
    by_project = next(r for r in volunteer if r["by"] == "project")
    after = ok(get(client, path))
    assert after["community"]["release"] == 1
    assert after["community"]["project"] == {
        "people": by_project["people"],
        "people_suppressed": by_project["people_suppressed"],
    }
    assert by_project["people"] == 9  # 1 + 2 + 6: a total of k or more is shown
    phases = {p["phase"]: p["people"] for p in after["community"]["by_phase"]}
    assert phases == {"co_delivery": 9}
    assert all("people" not in e["summary"] for e in logs(after))

    # One more log of one person, then a release: the project total would move by 1 beside
    # release 1, so release 2 withholds the volunteer breakdowns (the total stays).
    log = {
        "hours": "1",
        "people_count": 1,
        "phase": "co_delivery",
        "level": "group",
        "worked_on": str(date.today()),
    }
    ok(post(client, f"/commitments/{commitment}/contributions", member, log), 201)
    second = ok(publish(client, world, process_id), 201)
    assert set(second["withheld"]) >= {"people by area", "people by phase", "people by level"}
    latest = ok(get(client, path))["community"]
    assert latest["release"] == 2
    assert latest["project"] == {"people": None, "people_suppressed": "withheld"}
    assert all(p["people_suppressed"] == "withheld" for p in latest["by_phase"])
    # Only the one project's logs moved (its logs and hours are public in both releases), so
    # the change of the total would be that log's head count: the total is withheld too.
    figures = ok(get(client, f"/processes/{process_id}/releases/2"))["figures"]
    volunteer = next(t for t in figures["tables"] if t["title"] == "volunteer hours")["rows"]
    everyone = next(r for r in volunteer if r["by"] == "all")
    assert (everyone["people"], everyone["people_suppressed"]) == (None, "withheld")
    assert everyone["logs"] == 4  # logs and hours are not counts of people: still shown


def test_publishing_loads_the_process_and_each_release_once(
    client: TestClient,
    api: FastAPI,
    world: World,
    process_id: UUID,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """One request, one load per aggregate: the policy, the computation and the record all
    work from the process and the earlier releases loaded once, and the new release is not
    read back."""
    _, _, position = funded_project(client, world, process_id)
    ok(publish(client, world, process_id), 201)
    ok(get(client, impact(process_id), world["officer"], min_position=position))
    repository = api.state.coprod.repository
    loads: list[UUID] = []
    original = repository.get

    def counting(aggregate_id: UUID, *args: Any, **kwargs: Any) -> Any:
        loads.append(aggregate_id)
        return original(aggregate_id, *args, **kwargs)

    monkeypatch.setattr(repository, "get", counting)
    second = ok(publish(client, world, process_id), 201)
    assert second["number"] == 2
    assert process_id in loads
    repeated = sorted({str(a) for a in loads if loads.count(a) > 1})
    assert repeated == [], f"loaded more than once: {repeated}"
