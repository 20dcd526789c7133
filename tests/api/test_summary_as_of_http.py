"""The HTTP process summary as of a time before the process existed says so, on both stores.

Like the impact report and the timelines: a 404 whose detail says the process did not exist
yet and names its first recorded time, which is then a time the summary answers for. An id
never recorded stays a plain "no process with id".
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from projections.registry import Projector
from tests.api.scenario import Scenario, running_scenario


@pytest.fixture
def scenario(store_url: str, tmp_path: Path) -> Iterator[Scenario]:
    target: str | Path = tmp_path if store_url.startswith("sqlite") else store_url
    with running_scenario(target) as running:
        yield running


def summary(s: Scenario, pid: str, as_of: datetime) -> Any:
    """GET the summary once the read models hold every write (no worker in the app on PG)."""
    position = s.coprod.recorder.max_notification_id() or 0
    if s.coprod.settings.backend == "postgres":
        with Projector(s.coprod) as projector:
            projector.catch_up()
    return s.client.get(
        f"/api/v1/processes/{pid}/summary",
        params={"min_position": position, "as_of": as_of.isoformat()},
        headers=s.officer("own"),
    )


def test_a_summary_before_the_process_existed_names_its_first_time(scenario: Scenario) -> None:
    before = datetime.now(UTC)
    pid = scenario.process("own")
    answer = summary(scenario, pid, before)
    assert answer.status_code == 404, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    detail = answer.json()["detail"]
    assert detail.startswith(f"process {pid} did not exist yet at {before.isoformat()}")
    found = re.search(r"it was first recorded at (\S+)$", detail)
    assert found, detail
    first = datetime.fromisoformat(found.group(1))
    assert before < first <= datetime.now(UTC)
    at_first = summary(scenario, pid, first)
    assert at_first.status_code == 200, at_first.text
    assert at_first.json()["process_id"] == pid

    unknown = summary(scenario, str(uuid.uuid4()), before)
    assert unknown.status_code == 404, unknown.text
    assert unknown.json()["detail"].startswith("no process with id")
    assert "did not exist yet" not in unknown.json()["detail"]
