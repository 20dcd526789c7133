"""The error table over HTTP: status, problem+json body, and a message naming field or rule."""

from __future__ import annotations

import uuid
from typing import Any
from uuid import UUID

import pytest
from fastapi.testclient import TestClient

from api.http.errors import ERROR_TABLE, PROBLEM_JSON
from coprod.application import Coprod
from coprod.domain.errors import PhaseError, StaleVersion, StoreUnavailable
from tests.api.conftest import World, event_topics, post


def problem(answer: Any, status: int, slug: str) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == PROBLEM_JSON
    body: dict[str, Any] = answer.json()
    assert body["type"] == f"urn:coprod:problem:{slug}"
    assert body["status"] == status
    return body


def test_invalid_input_is_422_naming_the_field(
    client: TestClient, world: World, process_id: UUID, coprod: Coprod
) -> None:
    before = len(event_topics(coprod))
    answer = post(
        client,
        f"/processes/{process_id}/budget",
        world["officer"],
        {"pot": {"amount": "-5", "currency": "DKK"}},
    )
    body = problem(answer, 422, "invalid-input")
    assert body["field"] == "pot"
    assert body["detail"] == "pot: must be positive, got -5 DKK"
    assert body["instance"] == f"/api/v1/processes/{process_id}/budget"
    assert len(event_topics(coprod)) == before


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"pot": {"amount": 5.5, "currency": "DKK"}}, "pot.amount", "string"),
        ({"pot": {"amount": "5", "currency": "dkk"}}, "pot.currency", "pattern"),
        ({"pot": {"amount": "5", "currency": "DKK"}, "pott": 1}, "pott", "Extra inputs"),
        ({}, "pot", "Field required"),
    ],
)
def test_request_validation_is_422_problem_json(
    client: TestClient, world: World, process_id: UUID, body: Any, field: str, words: str
) -> None:
    answer = post(client, f"/processes/{process_id}/budget", world["officer"], body)
    found = problem(answer, 422, "invalid-request")
    assert found["field"] == field
    assert words in found["errors"][0]["problem"]


def test_malformed_json_and_bad_path_ids_are_422_not_500(
    client: TestClient, world: World, process_id: UUID
) -> None:
    broken = client.post(
        f"/api/v1/processes/{process_id}/budget",
        content=b"{not json",
        headers={**world["officer"], "content-type": "application/json"},
    )
    problem(broken, 422, "invalid-request")
    bad_id = post(client, "/commitments/not-a-uuid/met", world["officer"], {})
    assert problem(bad_id, 422, "invalid-request")["field"].startswith("path.commitment_id")
    # a process is also addressed by its code: an unknown one is a 404, never a 500
    unknown = post(client, "/processes/not-a-code/budget", world["officer"], {})
    assert problem(unknown, 404, "not-found")["detail"] == "no process with code 'not-a-code'"


def test_unknown_aggregate_is_404(client: TestClient, world: World) -> None:
    missing = uuid.uuid4()
    answer = client.get(f"/api/v1/processes/{missing}")
    body = problem(answer, 404, "not-found")
    assert body["detail"] == f"no process with id {missing}"
    assert body["kind"] == "process"
    assert problem(client.get("/api/v1/nothing-here"), 404, "http-404")


def test_repeated_create_is_409(client: TestClient, world: World, process_id: UUID) -> None:
    again = post(
        client,
        "/processes",
        world["officer"],
        {"code": "pb-2026", "name": "Again", "currency": "DKK"},
    )
    body = problem(again, 409, "already-exists")
    assert "already exists" in body["detail"]


def test_wrong_phase_is_409_with_the_rule(
    client: TestClient, world: World, process_id: UUID
) -> None:
    answer = post(client, f"/processes/{process_id}/ballot/close", world["officer"])
    body = problem(answer, 409, "wrong-phase")
    assert body["rule"] == "phase"
    assert body["detail"] == "the ballot is not open"


def test_stale_if_match_is_412_and_names_the_current_version(
    client: TestClient, world: World, process_id: UUID
) -> None:
    current = client.get(f"/api/v1/processes/{process_id}").headers["ETag"]
    assert current == '"4"'
    stale = post(
        client,
        f"/processes/{process_id}/eligible-population",
        world["officer"],
        {"eligible": 1000},
        If_Match='"2"',
    )
    body = problem(stale, 412, "precondition-failed")
    assert body["current_version"] == 4
    assert 'If-Match: "4"' in body["detail"]
    fresh = post(
        client,
        f"/processes/{process_id}/eligible-population",
        world["officer"],
        {"eligible": 1000},
        If_Match=current,
    )
    assert fresh.status_code == 200
    assert fresh.headers["ETag"] == '"5"'
    assert fresh.json()["version"] == 5


def test_malformed_if_match_is_422(client: TestClient, world: World, process_id: UUID) -> None:
    answer = post(
        client,
        f"/processes/{process_id}/eligible-population",
        world["officer"],
        {"eligible": 10},
        If_Match="yesterday",
    )
    assert problem(answer, 422, "invalid-input")["field"] == "If-Match"


def test_a_lost_race_without_if_match_is_409(
    client: TestClient,
    world: World,
    process_id: UUID,
    coprod: Coprod,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def lost(*args: object, **kwargs: object) -> None:
        raise StaleVersion("process", process_id, None, None)

    monkeypatch.setattr(coprod, "set_eligible_population", lost)
    answer = post(
        client, f"/processes/{process_id}/eligible-population", world["officer"], {"eligible": 10}
    )
    assert "reload and retry" in problem(answer, 409, "stale-version")["detail"]


def test_store_unavailable_is_503_with_retry_after(
    client: TestClient,
    world: World,
    process_id: UUID,
    coprod: Coprod,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def down(*args: object, **kwargs: object) -> None:
        raise StoreUnavailable("the store did not accept the write in time; nothing was recorded")

    monkeypatch.setattr(coprod, "set_eligible_population", down)
    answer = post(
        client, f"/processes/{process_id}/eligible-population", world["officer"], {"eligible": 10}
    )
    body = problem(answer, 503, "store-unavailable")
    assert answer.headers["Retry-After"] == "2"
    assert "nothing was recorded" in body["detail"]


def test_ballot_rule_break_and_incomplete_record_are_422(
    client: TestClient, world: World, process_id: UUID
) -> None:
    o, pid = world["officer"], process_id
    cost = {"amount": "500", "currency": "DKK"}
    idea = post(
        client, f"/processes/{pid}/ideas", world["member"], {"title": "T", "description": "D"}
    ).json()["id"]
    for path, body in (
        (
            f"/proposals/{idea}/develop",
            {"cost_estimate": cost, "area_code": "north", "category": "c"},
        ),
        (f"/processes/{pid}/phase", {"to_phase": "review"}),
        (f"/proposals/{idea}/assess", {"feasible": True, "reason": "ok", "assessed_cost": cost}),
        (f"/proposals/{idea}/shortlist", None),
        (f"/processes/{pid}/phase", {"to_phase": "vote"}),
        (f"/processes/{pid}/ballot/open", {"proposal_ids": [idea]}),
    ):
        assert post(client, path, o, body).status_code == 200, path
    stranger = str(uuid.uuid4())
    ballot = post(
        client,
        f"/processes/{pid}/ballots",
        o,
        {"voter_ref": "v1", "choices": {"approvals": [stranger]}},
    )
    found = problem(ballot, 422, "ballot-rejected")
    assert found["rule"] == "unknown-option"
    assert stranger in found["detail"]
    both = post(
        client,
        f"/processes/{pid}/ballots",
        o,
        {"voter_ref": "v1", "voter_pseudonym": "ab" * 32, "choices": {}},
    )
    assert problem(both, 422, "invalid-input")["field"] == "voter_ref"
    post(client, f"/processes/{pid}/ballot/close", o)
    post(client, f"/processes/{pid}/phase", o, {"to_phase": "decision"})
    reject = post(
        client,
        f"/proposals/{idea}/decision",
        o,
        {
            "outcome": "rejected",
            "decided_on": "2026-01-01",
            "record": {"legal_basis": ["Budget rules §3"]},
        },
    )
    found = problem(reject, 422, "decision-record-incomplete")
    assert found["rule"] == "decision-record"
    assert "main_considerations" in found["detail"]


def test_every_table_row_has_a_documented_status() -> None:
    assert {row.status for row in ERROR_TABLE} == {400, 401, 403, 404, 409, 422, 503}
    assert PhaseError in {row.error for row in ERROR_TABLE}
