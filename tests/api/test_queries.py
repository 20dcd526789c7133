"""Queries over the read models: paging, as-of, read-your-writes waits and who sees what."""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.http.app import create_app
from api.http.errors import PROBLEM_JSON
from api.keys import KeyStore
from coprod.adapters.config import parse_database_url
from coprod.application import SYSTEM_ACTOR
from coprod.application.commands.people import RegisterOrganisation
from coprod.domain.organisation import OrganisationKind
from coprod.domain.values import Role
from projections.registry import Projector
from tests.api.conftest import World, bearer, event_topics, post

DKK = "DKK"


def ok(answer: Any, status: int = 200) -> Any:
    assert answer.status_code == status, answer.text
    return answer.json()


def get(client: TestClient, path: str, who: dict[str, str] | None = None, **params: Any) -> Any:
    return client.get(f"/api/v1{path}", headers=who or {}, params=params)


def funded_project(client: TestClient, world: World, pid: UUID) -> tuple[str, str, int]:
    """A community idea taken through the vote to a funded project: (idea, project, position)."""
    officer, member = world["officer"], world["member"]
    idea = ok(
        post(client, f"/processes/{pid}/ideas", member, {"title": "Benches", "description": "Six"}),
        201,
    )
    prop = idea["id"]
    money = {"amount": "4000.00", "currency": DKK}
    develop = {"cost_estimate": money, "area_code": "north", "category": "parks"}
    ok(post(client, f"/proposals/{prop}/develop", member, develop))
    ok(post(client, f"/processes/{pid}/phase", officer, {"to_phase": "review"}))
    assess = {"feasible": True, "reason": "Fits", "assessed_cost": money}
    ok(post(client, f"/proposals/{prop}/assess", officer, assess))
    ok(post(client, f"/proposals/{prop}/shortlist", officer))
    ok(post(client, f"/processes/{pid}/phase", officer, {"to_phase": "vote"}))
    ok(post(client, f"/processes/{pid}/ballot/open", officer, {"proposal_ids": [prop]}))
    ballot = {"voter_ref": "voter-1", "choices": {"approvals": [prop]}}
    ok(post(client, f"/processes/{pid}/ballots", officer, ballot), 201)
    ok(post(client, f"/processes/{pid}/ballot/close", officer))
    ok(post(client, f"/processes/{pid}/phase", officer, {"to_phase": "decision"}))
    decide = {"outcome": "funded_in_full", "amount": money, "decided_on": str(date.today())}
    decision = ok(post(client, f"/proposals/{prop}/decision", officer, decide), 201)
    project = ok(post(client, f"/decisions/{decision['id']}/project", officer), 201)
    return prop, project["id"], project["position"]


# -- the process list ----------------------------------------------------------------------------


def test_processes_are_listed_by_name_a_page_at_a_time(client: TestClient, world: World) -> None:
    names = ["Kappa", "alpha", "Beta", "Gamma", "Delta"]
    last = 0
    for n, name in enumerate(names):
        body = {"code": f"c{n}", "name": name, "currency": DKK}
        last = ok(post(client, "/processes", world["officer"], body), 201)["position"]
    expected = sorted(names)  # byte order, as both stores compare these ASCII names

    first = ok(get(client, "/processes", limit=2, min_position=last))
    assert first["total"] == 5
    assert [i["name"] for i in first["items"]] == expected[:2]
    assert first["position"] >= last
    seen = [i["name"] for i in first["items"]]
    page = first
    while page["next"] is not None:
        page = ok(client.get(page["next"]))
        seen.extend(i["name"] for i in page["items"])
    assert seen == expected
    assert page["next_cursor"] is None

    by_offset = ok(get(client, "/processes", limit=2, offset=2))
    assert [i["name"] for i in by_offset["items"]] == expected[2:4]
    assert set(first["items"][0]) == {"id", "name", "kind", "phase", "currency", "ballot_state"}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": 501}, "limit"),
        ({"limit": 0}, "limit"),
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"cursor": "WyJhIiwgIngiXQ", "offset": 3}, "cursor"),
    ],
)
def test_bad_paging_parameters_are_422_naming_the_field(
    client: TestClient, params: dict[str, Any], field: str
) -> None:
    answer = get(client, "/processes", **params)
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == PROBLEM_JSON
    assert answer.json()["field"].split(".")[-1] == field


def test_the_default_page_is_50_and_500_is_allowed(client: TestClient, process_id: UUID) -> None:
    assert ok(get(client, "/processes", limit=500))["total"] == 1
    schema = client.get("/openapi.json").json()
    params = schema["paths"]["/api/v1/processes"]["get"]["parameters"]
    limit = next(p for p in params if p["name"] == "limit")["schema"]
    assert (limit["default"], limit["maximum"]) == (50, 500)


# -- the summary, as of a time, with read-your-writes --------------------------------------------


def test_summary_now_and_as_of_a_past_time(
    client: TestClient, world: World, process_id: UUID
) -> None:
    member = world["member"]
    first = ok(
        post(client, f"/processes/{process_id}/ideas", member, {"title": "A", "description": "a"}),
        201,
    )
    time.sleep(0.01)
    between = datetime.now(UTC)
    time.sleep(0.01)
    second = ok(
        post(client, f"/processes/{process_id}/ideas", member, {"title": "B", "description": "b"}),
        201,
    )
    assert second["position"] > first["position"]

    now = ok(get(client, f"/processes/{process_id}/summary", min_position=second["position"]))
    assert (now["ideas_submitted"], now["phase"], now["as_of"]) == (2, "ideas", None)
    assert now["pot"] == {"amount": "100000.00", "currency": DKK}
    assert now["tallies"] is None  # no ballot closed: no results

    then = ok(get(client, f"/processes/{process_id}/summary", as_of=between.isoformat()))
    assert then["ideas_submitted"] == 1
    assert datetime.fromisoformat(then["as_of"]) == between

    before = get(client, f"/processes/{process_id}/summary", as_of="2000-01-01T00:00:00+00:00")
    assert before.status_code == 404
    naive = get(client, f"/processes/{process_id}/summary", as_of="2030-01-01T00:00:00")
    assert (naive.status_code, naive.json()["field"]) == (422, "as_of")


@pytest.fixture
def slow_reads(tmp_path: Path) -> Iterator[tuple[FastAPI, TestClient]]:
    """An app WITHOUT an in-process worker (as on PostgreSQL) and a short min_position wait."""
    app = create_app(
        parse_database_url(f"sqlite:///{tmp_path}/slow.sqlite"), worker=False, read_wait_s=0.3
    )
    with TestClient(app) as client:
        yield app, client


def test_min_position_waits_for_a_separate_worker_and_times_out_with_503(
    slow_reads: tuple[FastAPI, TestClient], world_on: Any
) -> None:
    app, client = slow_reads
    officer = world_on(app)
    made = ok(post(client, "/processes", officer, {"code": "x", "name": "X", "currency": DKK}), 201)
    path = f"/processes/{made['id']}/summary"

    behind = get(client, path, min_position=made["position"])  # nobody is projecting
    assert behind.status_code == 503
    assert behind.headers["Retry-After"] == "2"
    assert behind.json()["type"] == "urn:coprod:problem:read-models-behind"
    assert f"position {made['position']}" in behind.json()["detail"]

    with Projector(settings=app.state.coprod.settings) as projector:  # `coprod project --once`
        projector.catch_up()
    assert ok(get(client, path, min_position=made["position"]))["name"] == "X"


def test_the_in_process_worker_serves_min_position_and_a_stopped_one_gives_503(
    tmp_path: Path, world_on: Any
) -> None:
    app = create_app(parse_database_url(f"sqlite:///{tmp_path}/w.sqlite"), read_wait_s=0.2)
    with TestClient(app) as client:
        assert app.state.worker is not None  # SQLite: the worker runs in the serving process
        officer = world_on(app)
        body = {"code": "y", "name": "Y", "currency": DKK}
        made = ok(post(client, "/processes", officer, body), 201)
        assert ok(get(client, "/processes", min_position=made["position"]))["total"] == 1

        app.state.worker.stop()
        body = {"code": "z", "name": "Z", "currency": DKK}
        later = ok(post(client, "/processes", officer, body), 201)
        started = time.monotonic()
        answer = get(client, "/processes", min_position=later["position"])
        assert answer.status_code == 503
        assert 0.2 <= time.monotonic() - started < 3
        assert answer.headers["Retry-After"] == "2"
        assert ok(get(client, "/processes"))["total"] == 1  # without the wait: what it has


def test_min_position_beyond_the_log_is_422_at_once(client: TestClient, process_id: UUID) -> None:
    answer = get(client, "/processes", min_position=10**6)
    assert answer.status_code == 422
    assert answer.json()["field"] == "min_position"
    assert "beyond the end of the log" in answer.json()["detail"]


def test_queries_document_their_refusals_as_problem_json(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in (
        "/api/v1/processes",
        "/api/v1/processes/{process_id}/summary",
        "/api/v1/processes/{process_id}/impact",
        "/api/v1/projects/{project_id}/timeline",
        "/api/v1/exports/events.csv",
    ):
        responses = paths[path]["get"]["responses"]
        assert {"200", "401", "404", "422", "503"} <= set(responses), path
        assert PROBLEM_JSON in responses["503"]["content"], path
        assert "min_position" in {p["name"] for p in paths[path]["get"]["parameters"]}, path
    assert "403" in paths["/api/v1/exports/events.csv"]["get"]["responses"]


@pytest.fixture
def world_on() -> Any:
    """Registers a council and an officer key on any app (for apps other than the fixture's)."""

    def make(app: FastAPI) -> dict[str, str]:
        council = app.state.coprod.register_organisation(
            RegisterOrganisation(slug="vejle", kind=OrganisationKind.COUNCIL, display_name="Vejle"),
            SYSTEM_ACTOR,
        ).aggregate_id
        store: KeyStore = app.state.keys
        return bearer(store.create(council, Role.COUNCIL_OFFICER, label="officer").secret)

    return make


# -- who sees what ---------------------------------------------------------------------------------


def test_timeline_shows_actor_ids_only_to_evaluators_and_the_own_council(
    client: TestClient, world: World, process_id: UUID
) -> None:
    idea, project, position = funded_project(client, world, process_id)
    path = f"/projects/{project}/timeline"
    full = ok(get(client, path, world["evaluator"], min_position=position))
    assert full["project_id"] == project
    assert full["personal_fields"] == ["entries[].actor_id"]
    assert full["entries"][0]["event"] == "Proposal.IdeaSubmitted"
    assert full["entries"][0]["actor_id"] == str(world.actors["member"])
    assert full["tally"][0]["approvals"] == 1
    officer = ok(get(client, path, world["officer"]))
    assert all("actor_id" in e for e in officer["entries"])

    for who in (None, world["public"], world["member"], world["other_officer"]):
        public = get(client, path, who)
        assert public.status_code == 200
        body = public.json()
        assert body["personal_fields"] == []
        assert [e["position"] for e in body["entries"]] == [e["position"] for e in full["entries"]]
        assert all("actor_id" not in e for e in body["entries"])
        assert all(str(a) not in public.text for a in world.actors.values())

    not_a_project = get(client, f"/projects/{idea}/timeline")
    assert not_a_project.status_code == 404


def test_the_live_impact_report_at_any_time_is_for_evaluators_and_has_no_actor_ids(
    client: TestClient, world: World, process_id: UUID
) -> None:
    _, project, position = funded_project(client, world, process_id)
    path = f"/processes/{process_id}/impact"
    moment = datetime.now(UTC)
    evaluator = world["evaluator"]
    answer = get(client, path, evaluator, min_position=position, as_of=moment.isoformat())
    report = ok(answer)
    assert (report["process_id"], report["k"]) == (str(process_id), 5)
    assert datetime.fromisoformat(report["as_of"]) == moment
    assert report["tables"]
    assert all(t["k"] == 5 and t["method"] for t in report["tables"])
    assert all(str(a) not in answer.text for a in world.actors.values())

    spend = {"amount": {"amount": "1500.00", "currency": DKK}, "spent_on": str(date.today())}
    later = ok(
        post(client, f"/projects/{project}/spend", world["officer"], spend | {"purpose": "x"})
    )
    now = ok(get(client, path, evaluator, min_position=later["position"]))
    assert now["tables"] != report["tables"]  # the spend shows now...
    assert (
        ok(get(client, path, evaluator, as_of=moment.isoformat()))["tables"] == report["tables"]
    )  # ...not as of then


def test_event_export_is_for_evaluators_only_and_holds_no_personal_details(
    client: TestClient, world: World, process_id: UUID, coprod: Any
) -> None:
    person = {"details": {"name": "Anna Jensen", "email": "anna@example.org"}}
    ok(post(client, "/people", world["member"], person), 201)
    assert get(client, "/exports/events.csv").status_code == 401
    for role in ("officer", "member", "public"):
        refused = get(client, "/exports/events.csv", world[role])
        assert refused.status_code == 403, role
        assert "only an evaluator" in refused.json()["detail"]

    answer = get(client, "/exports/events.csv", world["evaluator"])
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    topics = event_topics(coprod)
    # The evaluator's council's history only: the other council and its group are left out.
    left_out = {str(world.other_council), str(world.other_group)}
    kept = [r for r in rows if r["originator_id"] not in left_out]
    assert kept == rows
    assert len(rows) == len(topics) - 2
    assert [r["topic"] for r in rows] == [t for i, t in enumerate(topics) if i not in (1, 3)]
    assert answer.headers["X-Log-Position"] == str(len(topics))
    assert "Anna" not in answer.text
    assert "anna@example.org" not in answer.text
