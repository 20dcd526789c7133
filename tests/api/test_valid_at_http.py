"""`valid_at` over HTTP: the summary and the live impact report at a business date.

The meaning of valid-at is tested on the read models (tests/integration/test_valid_at.py);
here, the doors: the parameter is read as a date or an aware time, echoed, refused in the
user's terms when malformed, answered with the first valid date when too early, and kept
from the public's impact report (which reads published releases only).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from projections.impact.model import ImpactModel
from projections.impact.report import impact_report
from projections.registry import Projector
from projections.store import Connection, read_generation
from projections.stored_ballot import from_us
from tests.api.scenario import TODAY, Scenario, running_scenario


@pytest.fixture
def scenario(store_url: str, tmp_path: Path) -> Iterator[Scenario]:
    target: str | Path = tmp_path if store_url.startswith("sqlite") else store_url
    with running_scenario(target) as running:
        yield running


def get(s: Scenario, path: str, who: dict[str, str] | None, **params: str) -> Any:
    """GET once the read models hold every write (no worker in the app on PG)."""
    position = s.coprod.recorder.max_notification_id() or 0
    if s.coprod.settings.backend == "postgres":
        with Projector(s.coprod) as projector:
            projector.catch_up()
    return s.client.get(
        f"/api/v1{path}", params={"min_position": position, **params}, headers=who or {}
    )


def test_the_summary_at_a_business_date(scenario: Scenario) -> None:
    ids = scenario.decision("own")
    pid = ids["process"]
    today = get(scenario, f"/processes/{pid}/summary", None, valid_at=str(TODAY))
    assert today.status_code == 200, today.text
    body = today.json()
    assert body["valid_at"] == str(TODAY)
    assert {d["status"]: d["count"] for d in body["decisions"]} == {"funded_in_full": 1}
    yesterday = str(TODAY - timedelta(days=1))
    early = get(scenario, f"/processes/{pid}/summary", None, valid_at=yesterday)
    assert early.status_code == 404, early.text
    detail = early.json()["detail"]
    assert detail.startswith(f"process {pid} was not in existence yet at {yesterday}")
    moment = datetime.now(UTC).isoformat()
    assert get(scenario, f"/processes/{pid}/summary", None, valid_at=moment).status_code == 200


@pytest.mark.parametrize("bad", ["31.12.2026", "2026-12-31T10:00:00", "tomorrow"])
def test_a_malformed_valid_at_is_refused_in_words(scenario: Scenario, bad: str) -> None:
    pid = scenario.process("own")
    answer = get(scenario, f"/processes/{pid}/summary", None, valid_at=bad)
    assert answer.status_code == 422, answer.text
    assert "valid_at" in answer.text
    assert "Traceback" not in answer.text


def test_the_live_impact_report_at_a_business_date_is_the_councils(scenario: Scenario) -> None:
    ids = scenario.decision("own")
    pid = ids["process"]
    path = f"/processes/{pid}/impact"
    officer = get(scenario, path, scenario.officer("own"), valid_at=str(TODAY))
    assert officer.status_code == 200, officer.text
    assert officer.json()["valid_at"] == str(TODAY)
    shares = {t["title"]: t for t in officer.json()["tables"]}
    funds = shares["share of budget decided by citizens"]["rows"][0]["F"]
    assert funds == "1000"
    public = get(scenario, path, None, valid_at=str(TODAY))
    assert public.status_code == 403, public.text
    assert "published releases" in public.json()["detail"]
    # Another council's officer is the public here.
    other = get(scenario, path, scenario.officer("other"), valid_at=str(TODAY))
    assert other.status_code == 403, other.text


def test_the_timeline_at_a_business_date(scenario: Scenario) -> None:
    ids = scenario.decision("own")
    path = f"/proposals/{ids['proposal']}/timeline"
    today = get(scenario, path, None, valid_at=str(TODAY))
    assert today.status_code == 200, today.text
    body = today.json()
    assert body["valid_at"] == str(TODAY)
    assert ids["decision"] in body["decision_ids"]
    for entry in body["entries"]:
        assert datetime.fromisoformat(entry["valid_from"]) <= datetime.fromisoformat(entry["at"])
    yesterday = str(TODAY - timedelta(days=1))
    early = get(scenario, path, None, valid_at=yesterday)
    assert early.status_code == 404, early.text
    assert "not in existence yet" in early.json()["detail"]


def test_with_nothing_backdated_valid_at_t_is_as_of_t(scenario: Scenario) -> None:
    """A cycle recorded as it happens (every date the day it is recorded): what was true at T
    is what was known at T, for every moment the impact facts were recorded at."""
    ids = scenario.decision("own")
    get(scenario, f"/processes/{ids['process']}/summary", None)  # read models caught up
    pid = UUID(ids["process"])
    settings = scenario.coprod.settings
    with Connection(settings) as conn:
        prefix = ImpactModel.prefix(read_generation(conn, ImpactModel.key()).active)  # type: ignore[union-attr]
        stamps = [
            int(r[0])
            for r in conn.execute(
                f"SELECT DISTINCT ts_us FROM {prefix}_facts WHERE process_id = ? ORDER BY 1",
                (pid.hex,),
            )
        ]
        assert len(stamps) >= 5
        for us in stamps:
            moment = from_us(us)
            known = impact_report(pid, moment, conn=conn)
            true = impact_report(pid, valid_at=moment, conn=conn)
            assert true.tables == known.tables, moment
