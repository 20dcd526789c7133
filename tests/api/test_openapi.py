"""OpenAPI at /docs: every operation documented, stable ids, the safety headers described."""

from __future__ import annotations

import re
import uuid

from fastapi.testclient import TestClient

from tests.api.conftest import World


def test_docs_page_and_schema_are_served(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    assert client.get("/openapi.json").status_code == 200


def test_every_operation_is_documented_with_a_stable_id(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    operations = [(m, p, op) for p, item in schema["paths"].items() for m, op in item.items()]
    assert len(operations) > 50
    ids = [op["operationId"] for _, _, op in operations]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"[a-z]+_[a-z_]+", i) for i in ids), ids
    assert "processes_set_budget" in ids
    assert "ballots_cast_ballot" in ids
    undocumented = [p for _, p, op in operations if not op.get("description")]
    assert undocumented == []


def test_posts_document_idempotency_and_writes_if_match(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    budget = schema["paths"]["/api/v1/processes/{process_id}/budget"]["post"]
    headers = {p["name"] for p in budget["parameters"] if p["in"] == "header"}
    assert {"Idempotency-Key", "If-Match"} <= headers
    for item in schema["paths"].values():
        if "post" in item:
            names = {p["name"] for p in item["post"].get("parameters", [])}
            assert "Idempotency-Key" in names


def test_money_is_a_string_never_a_number(client: TestClient) -> None:
    money = client.get("/openapi.json").json()["components"]["schemas"]["MoneyModel"]
    assert money["properties"]["amount"]["type"] == "string"
    assert money["additionalProperties"] is False


def test_refusals_are_documented_as_problem_documents(client: TestClient) -> None:
    """Every error answer is problem+json; FastAPI's default 422 (a `detail` list) is gone."""
    schema = client.get("/openapi.json").json()
    assert "HTTPValidationError" not in str(schema)
    problem = schema["components"]["schemas"]["Problem"]
    assert set(problem["required"]) == {"type", "title", "status", "detail", "instance"}
    for item in schema["paths"].values():
        for operation in item.values():
            for status, answer in operation["responses"].items():
                if int(status) >= 400:
                    assert list(answer["content"]) == ["application/problem+json"], status

    def statuses(path: str, method: str) -> set[str]:
        responses = schema["paths"][f"/api/v1{path}"][method]["responses"]
        return {s for s in responses if int(s) >= 400}

    # A command taking If-Match: every domain refusal, the key's role, and the stale ETag.
    budget = statuses("/processes/{process_id}/budget", "post")
    assert budget == {"400", "401", "403", "404", "409", "412", "422", "503"}
    # A public query: a bad key, a missing object, a bad parameter, a store or wait timeout.
    assert statuses("/processes/{process_id}/summary", "get") == {"401", "404", "422", "503"}
    # ...and the impact report refuses the public a live report at a business date (403).
    assert statuses("/processes/{process_id}/impact", "get") == {"401", "403", "404", "422", "503"}
    # The evaluator export refuses other roles; nothing there is a 409 or 412.
    assert statuses("/exports/events.csv", "get") == {"401", "403", "404", "422", "503"}


def test_a_real_refusal_matches_its_documented_answer(client: TestClient, world: World) -> None:
    schema = client.get("/openapi.json").json()
    documented = schema["paths"]["/api/v1/processes/{process_id}/budget"]["post"]["responses"]
    answer = client.post(
        f"/api/v1/processes/{uuid.uuid4()}/budget",
        json={"pot": {"amount": "1", "currency": "DKK"}},
        headers=world["evaluator"],
    )
    assert answer.status_code == 403
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert "403" in documented
