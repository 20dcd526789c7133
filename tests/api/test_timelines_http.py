"""The HTTP timeline serves an idea's or proposal's story and a decision's, not only projects'.

A rejected proposal never becomes a project; its story (idea, proposal, review, the adverse
decision with its record) must still be readable over HTTP, in the project timeline's shape,
with the same public/full views. Run on both stores.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from projections.registry import Projector
from tests.api.scenario import TODAY, Scenario, complete_record, running_scenario


@pytest.fixture
def scenario(store_url: str, tmp_path: Path) -> Iterator[Scenario]:
    target: str | Path = tmp_path if store_url.startswith("sqlite") else store_url
    with running_scenario(target) as running:
        yield running


def get(s: Scenario, path: str, who: dict[str, str] | None = None) -> Any:
    """GET once the read models hold every write (PostgreSQL runs no worker in the app)."""
    position = s.coprod.recorder.max_notification_id() or 0
    if s.coprod.settings.backend == "postgres":
        with Projector(s.coprod) as projector:
            projector.catch_up()
    return s.client.get(f"/api/v1{path}", params={"min_position": position}, headers=who or {})


def rejected(s: Scenario) -> dict[str, str]:
    ids = s.proposal("own", "decision")
    fact = s.fact("own", ids["proposal"])
    made = s.post(
        f"/proposals/{ids['proposal']}/decision",
        s.officer("own"),
        {"outcome": "rejected", "record": complete_record(fact), "decided_on": str(TODAY)},
        201,
    )
    return {**ids, "decision": str(made["id"])}


def test_a_rejected_proposal_has_its_story_over_http(scenario: Scenario) -> None:
    ids = rejected(scenario)
    by_proposal = get(
        scenario, f"/proposals/{ids['proposal']}/timeline", scenario.keys["evaluator"]
    )
    assert by_proposal.status_code == 200, by_proposal.text
    story = by_proposal.json()
    assert story["project_id"] is None
    assert story["chain_ids"] == [ids["proposal"]]
    assert story["decision_ids"] == [ids["decision"]]
    events = [e["event"] for e in story["entries"]]
    assert events[0] == "Proposal.IdeaSubmitted"
    assert "Decision.DecisionMade" in events
    assert all("actor_id" in e for e in story["entries"])

    by_decision = get(
        scenario, f"/decisions/{ids['decision']}/timeline", scenario.keys["evaluator"]
    )
    assert by_decision.status_code == 200, by_decision.text
    assert by_decision.json() | {"subject_id": ids["proposal"]} == story

    public = get(scenario, f"/proposals/{ids['proposal']}/timeline").json()
    assert public["personal_fields"] == []
    assert [e["position"] for e in public["entries"]] == [e["position"] for e in story["entries"]]
    assert all("actor_id" not in e for e in public["entries"])


def test_the_shape_is_the_project_timelines(scenario: Scenario) -> None:
    ids = scenario.project("own")
    project = get(scenario, f"/projects/{ids['project']}/timeline").json()
    for path in (
        f"/proposals/{ids['proposal']}/timeline",
        f"/decisions/{ids['decision']}/timeline",
    ):
        answer = get(scenario, path).json()
        assert answer.pop("subject_id") != project["subject_id"]
        assert answer == {k: v for k, v in project.items() if k != "subject_id"}


def test_an_id_of_another_kind_is_404(scenario: Scenario) -> None:
    ids = scenario.project("own")
    for path in (
        f"/proposals/{ids['decision']}/timeline",
        f"/proposals/{ids['project']}/timeline",
        f"/decisions/{ids['proposal']}/timeline",
        f"/decisions/{ids['project']}/timeline",
    ):
        answer = get(scenario, path)
        assert answer.status_code == 404, (path, answer.text)
        assert answer.json()["type"] == "urn:coprod:problem:not-found"
    paths = scenario.client.get("/openapi.json").json()["paths"]
    for path in (
        "/api/v1/proposals/{proposal_id}/timeline",
        "/api/v1/decisions/{decision_id}/timeline",
    ):
        assert {"200", "404", "422"} <= set(paths[path]["get"]["responses"]), path
