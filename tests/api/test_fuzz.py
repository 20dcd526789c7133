"""Schemathesis against the real app: every operation, every role, no 5xx, answers as documented.

Each generated request is sent as every caller (A's officer, G's community member, A's
evaluator, B's officer, and nobody), twice: once as generated (random ids mostly reach 404)
and once with its path ids swapped for real objects, so the request reaches the domain's
rules. Every answer must be no server error, a documented status, in the documented content
type, with a body that matches the documented schema.

Reproducible: Hypothesis is derandomized and keeps no example database, so CI sends the same
requests every run; `MAX_EXAMPLES` bounds the run (30-50 s here on two shared cores).

The problem+json contract of api/http/errors.py is documented by the app itself
(api/http/openapi_problems.py), so the checks hold the app to its own document, unpatched.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase
from schemathesis import Case
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.http.app import create_app
from api.http.errors import PROBLEM_JSON
from tests.api.scenario import Scenario, running_scenario

MAX_EXAMPLES = 10
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
#: The callers every request is sent as; None sends no key.
CALLERS = ("officer", "member", "evaluator", "other_officer", None)

SCHEMA = schemathesis.openapi.from_dict(create_app().openapi())


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scenario]:
    with running_scenario(tmp_path_factory.mktemp("fuzz")) as running:
        yield running


@pytest.fixture(scope="module")
def real_ids(scenario: Scenario) -> dict[str, str]:
    """Real objects of the own side for every path parameter name the API uses."""
    contribution = scenario.contribution("own")
    hearing = scenario.hearing("own")
    member = scenario.group_member("own")
    return {
        "process_id": contribution["process"],
        "proposal_id": hearing["proposal"],
        "hearing_id": hearing["hearing"],
        "decision_id": contribution["decision"],
        "project_id": contribution["project"],
        "spend_id": contribution["spend"],
        "commitment_id": contribution["commitment"],
        "contribution_id": contribution["contribution"],
        "organisation_id": member["organisation"],
        "person_id": member["person"],
    }


def asgi_without_lifespan(scenario: Scenario) -> Any:
    """The app for HTTP only: the scenario's client already ran its lifespan."""
    api = scenario.api

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            await api(scope, receive, send)

    return app


def with_real_ids(case: Case[Any], ids: dict[str, str]) -> Case[Any] | None:
    """The same request aimed at real objects, or None when it has no path ids."""
    path = dict(case.path_parameters or {})
    if not path:
        return None
    for name in path:
        if name == "code":
            path[name] = "users" if "/indicators/" in case.path else "build"
        elif name in ids:
            path[name] = ids[name]
    aimed: Case[Any] = case.operation.Case(
        method=case.method,
        path_parameters=path,
        headers=dict(case.headers or {}),
        query=dict(case.query or {}),
        body=case.body,
        media_type=case.media_type,
    )
    return aimed


def send(case: Case[Any], app: Any, headers: dict[str, str]) -> None:
    if case.method.upper() != case.operation.method.upper():
        # Schemathesis also tries methods the path does not have: those must be a plain 405.
        response = case.call(app=app, headers=headers)
        assert response.status_code == 405, response.text
    else:
        response = case.call_and_validate(app=app, headers=headers, checks=CHECKS)
    if response.status_code >= 400:
        assert response.headers["content-type"][0].startswith(PROBLEM_JSON)
        assert response.json()["status"] == response.status_code


@SCHEMA.parametrize()
@hypothesis.settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    phases=[Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_no_operation_errs_or_leaves_its_document(
    case: Case[Any], scenario: Scenario, real_ids: dict[str, str]
) -> None:
    app = asgi_without_lifespan(scenario)
    aimed = with_real_ids(case, real_ids)
    for caller in CALLERS:
        key = {} if caller is None else scenario.keys[caller]
        for variant in (case, aimed):
            if variant is not None:
                send(variant, app, {**dict(variant.headers or {}), **key})


def test_every_route_is_fuzzed() -> None:
    """The schema the fuzz test parametrizes over has every operation of the app."""
    operations = {
        (method.upper(), path)
        for path, item in create_app().openapi()["paths"].items()
        for method in item
    }
    fuzzed = set()
    for result in SCHEMA.get_all_operations():
        assert isinstance(result, Ok), result  # an operation schemathesis cannot read
        operation = result.ok()
        fuzzed.add((operation.method.upper(), operation.path))
    assert fuzzed == operations
    assert len(operations) > 50
