"""OpenAPI at /docs: every operation documented, stable ids, the safety headers described."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient


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
