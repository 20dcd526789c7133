"""Hostile input, over HTTP, on both stores: never a 5xx, never a partial write, reads still serve.

Two parts. The catalogue sends each value that broke the read side in issue 11 (NUL bytes,
lone surrogates, 2**63, ``true`` as a count, dates 0001-01-01 and 9999-12-31, currency ZZZ,
in-kind value in EUR on a DKK process, a time zone on a due date, 50 000 person fields, a
10 MB body) and insists on the documented refusal: 422 (413 for the body) problem+json naming
the field and the rule. The generated part walks the app's OpenAPI document, so every command
and its body model is covered (a new route too), and sends Hypothesis-made bodies with
hostile leaves as an officer or a group member, aimed at real objects.

After every refused request the event log's position and the personal-data table are as
before; at the end the read models have projected every event and the process list and
summary answer 200. Hypothesis is derandomized with no example database, so CI sends the same
requests every run. The counts are printed at the end of each run (run with ``-s``).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import hypothesis
import pytest
from hypothesis import HealthCheck, Phase, given
from hypothesis import strategies as st

from api.http.errors import PROBLEM_JSON
from tests.api.hostile_values import BodyStrategies
from tests.api.scenario import Scenario, contribution_body, money, running_scenario

#: Generated bodies per command: 49 commands (42 with a body) make ~1 700 requests a store.
MAX_EXAMPLES = 40
#: A 10 000-character text makes a long repr of a falsifying example; that is fine here.
pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")
COMMANDS = ("post", "put", "patch", "delete")
CALLERS = ("officer", "member")
TODAY = date.today()


@dataclass
class Tally:
    """What a run sent and saw, per store, for the closing note of issue 11."""

    sent: int = 0
    server_errors: list[str] = field(default_factory=list)
    refused: int = 0
    accepted: int = 0


@dataclass
class Target:
    """A running app on one store, its real objects, and what was sent to it."""

    scenario: Scenario
    ids: dict[str, str]
    store: str
    tally: Tally = field(default_factory=Tally)

    def position(self) -> int:
        return self.scenario.coprod.recorder.max_notification_id() or 0

    def personal_data(self) -> list[tuple[Any, ...]]:
        store = self.scenario.coprod.personal_data
        with store._cursor() as cursor:
            cursor.execute(f"SELECT * FROM {store.details_table} ORDER BY 1")
            return [tuple(row) for row in cursor.fetchall()]

    def send(self, path: str, who: str, body: bytes, method: str = "POST") -> Any:
        """Send raw JSON bytes; check no 5xx and, on a refusal, that nothing was written."""
        before, people = self.position(), self.personal_data()
        answer = self.scenario.client.request(
            method,
            f"/api/v1{path}",
            content=body,
            headers={**self.scenario.keys[who], "Content-Type": "application/json"},
        )
        self.tally.sent += 1
        if answer.status_code >= 500:
            self.tally.server_errors.append(f"{method} {path} {answer.status_code} {body[:200]!r}")
        assert answer.status_code < 500, (path, body[:300], answer.text[:500])
        if answer.status_code >= 400:
            self.tally.refused += 1
            assert answer.headers["content-type"].startswith(PROBLEM_JSON), answer.text
            assert self.position() == before, (path, body[:300], answer.text[:300])
            assert self.personal_data() == people, (path, body[:300])
        else:
            self.tally.accepted += 1
        return answer


def _objects(scenario: Scenario) -> dict[str, str]:
    """Real objects for every path parameter, and an ideas-phase process for new ideas."""
    contribution = scenario.contribution("own")
    hearing = scenario.hearing("own")
    member = scenario.group_member("own")
    return {
        "ideas_process": scenario.process("own"),
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


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def target(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Target]:
    """The app on each store, with the projection worker running in it on both."""
    if request.param == "sqlite":
        with running_scenario(tmp_path_factory.mktemp("hostile"), worker=True) as scenario:
            yield Target(scenario, _objects(scenario), "sqlite")
        return
    from tests.postgres_server import fresh_schema

    with (
        fresh_schema(request.getfixturevalue("postgres_database_url")) as url,
        running_scenario(url, worker=True) as scenario,
    ):
        yield Target(scenario, _objects(scenario), "postgres")


def raw(body: Any) -> bytes:
    """JSON as a client sends it: a lone surrogate travels as the escape ``\\ud800``."""
    return json.dumps(body, ensure_ascii=True).encode("ascii")


# -- the catalogue of issue 11 -------------------------------------------------------------------


def catalogue(ids: dict[str, str]) -> list[tuple[str, str, str, bytes, str, str]]:
    """(name, caller, path, body, field, rule) for each value that once broke the read side."""
    ideas = f"/processes/{ids['ideas_process']}/ideas"
    logs = f"/commitments/{ids['commitment_id']}/contributions"
    project = f"/projects/{ids['project_id']}"
    log = contribution_body()
    spend = {"amount": money("10"), "purpose": "Wood"}
    return [
        (
            "nul in idea title",
            "member",
            ideas,
            raw({"title": "a\x00b", "description": "d"}),
            "title",
            "text-nul",
        ),
        (
            "surrogate in idea title",
            "member",
            ideas,
            b'{"title": "x\\ud800y", "description": "d"}',
            "title",
            "text-surrogate",
        ),
        (
            "nul in person detail",
            "officer",
            "/people",
            raw({"details": {"name": "A\x00"}}),
            "details",
            "text-nul",
        ),
        (
            "surrogate in person name",
            "officer",
            "/people",
            b'{"details": {"name": "x\\ud800y"}}',
            "details",
            "text-surrogate",
        ),
        (
            "50 000 person fields",
            "officer",
            "/people",
            raw({"details": {f"f{i}": "x" for i in range(50_000)}}),
            "details",
            "details-count",
        ),
        (
            "unknown person field",
            "officer",
            "/people",
            raw({"details": {"Full Name": "A"}}),
            "details",
            "details-field",
        ),
        (
            "people_count 10^19",
            "member",
            logs,
            raw({**log, "people_count": 10**19}),
            "people_count",
            "int-range",
        ),
        (
            "people_count 2^63",
            "member",
            logs,
            raw({**log, "people_count": 2**63}),
            "people_count",
            "int-range",
        ),
        (
            "true as a count",
            "member",
            logs,
            raw({**log, "people_count": True}),
            "people_count",
            "int-type",
        ),
        (
            "date 0001-01-01",
            "officer",
            f"{project}/spend",
            raw({**spend, "spent_on": "0001-01-01"}),
            "spent_on",
            "date-window",
        ),
        (
            "date 9999-12-31",
            "officer",
            f"{project}/spend",
            raw({**spend, "spent_on": "9999-12-31"}),
            "spent_on",
            "date-window",
        ),
        (
            "work logged on 0001-01-01",
            "member",
            logs,
            raw({**log, "worked_on": "0001-01-01"}),
            "worked_on",
            "date-window",
        ),
        (
            "currency ZZZ",
            "officer",
            "/processes",
            raw({"code": "pb-zzz", "name": "Z", "currency": "ZZZ"}),
            "currency",
            "currency-iso",
        ),
        (
            "spend in ZZZ",
            "officer",
            f"{project}/spend",
            raw({**spend, "amount": {"amount": "1", "currency": "ZZZ"}, "spent_on": str(TODAY)}),
            "amount.currency",
            "currency-iso",
        ),
        (
            "in-kind EUR on a DKK process",
            "member",
            f"{project}/commitments",
            raw(
                {
                    "phase": "co_delivery",
                    "level": "group",
                    "in_kind": {
                        "description": "Van",
                        "fair_value": {"amount": "100", "currency": "EUR"},
                    },
                }
            ),
            "in_kind.fair_value",
            "currency-process",
        ),
        (
            "time zone on a due date",
            "officer",
            f"{project}/milestones",
            raw({"code": "tz", "title": "T", "due_on": f"{TODAY + timedelta(30)}T00:00:00+02:00"}),
            "due_on",
            "date-type",
        ),
        (
            "time on a due date",
            "officer",
            f"{project}/milestones",
            raw({"code": "tz", "title": "T", "due_on": f"{TODAY + timedelta(30)}T00:00:00"}),
            "due_on",
            "date-type",
        ),
        (
            "nul in a milestone title",
            "officer",
            f"{project}/milestones",
            raw({"code": "m", "title": "a\x00", "due_on": str(TODAY + timedelta(30))}),
            "title",
            "text-nul",
        ),
        (
            "newline in a title",
            "member",
            ideas,
            raw({"title": "a\nb", "description": "d"}),
            "title",
            "text-control",
        ),
        ("truncated JSON", "member", ideas, b'{"title": "a', "body", "json_invalid"),
    ]


def test_the_catalogue_is_refused_naming_field_and_rule(target: Target) -> None:
    for name, who, path, body, field_name, rule in catalogue(target.ids):
        answer = target.send(path, who, body)
        assert answer.status_code == 422, (name, answer.status_code, answer.text[:300])
        problem = answer.json()
        assert problem["field"].startswith(field_name), (name, problem)
        assert problem["rule"] == rule, (name, problem)


def test_bytes_that_are_not_json_get_a_client_error(target: Target) -> None:
    """Starlette answers undecodable bytes with 400, broken JSON with 422: never a 5xx."""
    ideas = f"/processes/{target.ids['ideas_process']}/ideas"
    answer = target.send(ideas, "member", b'{"title": "\xff\xfe", "description": "d"}')
    assert answer.status_code == 400
    answer = target.send(ideas, "member", b"\xef\xbb\xbf" + raw({"title": "a", "description": "d"}))
    assert answer.status_code in (201, 400, 422)


def test_a_ten_megabyte_body_is_refused_before_parsing(target: Target) -> None:
    body = raw({"details": {"note": "x" * 10_000_000}})
    answer = target.send("/people", "officer", body)
    assert answer.status_code == 413
    assert answer.json()["rule"] == "body-size"


# -- generated bodies for every command ----------------------------------------------------------


def commands(openapi: dict[str, Any]) -> list[tuple[str, str, dict[str, Any] | None]]:
    """(method, path template, body schema or None) of every command the app documents."""
    found = []
    for path, operations in openapi["paths"].items():
        for method, operation in operations.items():
            if method in COMMANDS:
                content = operation.get("requestBody", {}).get("content", {})
                schema = content.get("application/json", {}).get("schema")
                found.append((method.upper(), path.removeprefix("/api/v1"), schema))
    return found


def aimed(path: str, ids: dict[str, str]) -> str:
    """The path with its parameters replaced by real objects (codes by the scenario's)."""
    for name, value in ids.items():
        path = path.replace("{" + name + "}", value)
    return path.replace("{code}", "build")


def test_generated_bodies_never_fail_the_server_nor_half_write(target: Target) -> None:
    openapi = target.scenario.api.openapi()
    found = commands(openapi)
    assert len(found) >= 40, "every command should be documented"
    bodies = BodyStrategies(openapi, list(target.ids.values()))
    for method, template, schema in found:
        path = aimed(template, target.ids)
        if "/indicators/" in template:
            path = path.replace("/build", "/users")
        strategy = bodies.body(schema) if schema is not None else st.just(None)
        hostile_requests(target, method, path, strategy)()


def hostile_requests(target: Target, method: str, path: str, bodies: st.SearchStrategy[Any]) -> Any:
    """A Hypothesis test sending generated bodies to one command as each caller."""

    @given(body=bodies, who=st.sampled_from(CALLERS))
    @hypothesis.settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def send_one(body: Any, who: str) -> None:
        target.send(path, who, raw(body), method)

    return send_one


def test_read_models_still_serve_every_event(target: Target) -> None:
    """Last: the worker projected everything the run accepted, and reads answer 200."""
    client, officer = target.scenario.client, target.scenario.keys["officer"]
    deadline = time.monotonic() + 60
    while True:
        listed = client.get("/api/v1/processes?limit=500", headers=officer)
        assert listed.status_code == 200, listed.text
        if listed.json()["position"] >= target.position() or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert listed.json()["position"] >= target.position(), "the read side stopped"
    for item in listed.json()["items"]:
        summary = client.get(f"/api/v1/processes/{item['id']}/summary", headers=officer)
        assert summary.status_code == 200, summary.text
    assert client.get("/api/v1/health", headers=officer).status_code == 200
    tally = target.tally
    print(
        f"\nhostile inputs on {target.store}: {tally.sent} sent, {tally.refused} refused, "
        f"{tally.accepted} accepted, {len(tally.server_errors)} answered 5xx"
    )
    assert tally.sent > 500
    assert tally.server_errors == []
