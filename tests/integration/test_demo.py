"""`coprod demo` seeds a full, realistic cycle on both stores, deterministically and only once."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path

from api.demo import seed_demo
from coprod.adapters.config import parse_database_url
from coprod.application import Coprod
from coprod.domain.decision import Decision


def _event_types(app: Coprod) -> list[str]:
    names = []
    for notification in app.recorder.select_notifications(start=None, limit=1_000_000):
        names.append(notification.topic.rsplit(".", 1)[-1])
    return names


def test_demo_seeds_a_full_cycle(store_app: Coprod) -> None:
    summary = seed_demo(store_app, seed=7)

    types = Counter(_event_types(store_app))
    assert summary.events == sum(types.values())
    assert types["OrganisationRegistered"] >= 5
    assert types["IdeaSubmitted"] >= 40
    assert types["Shortlisted"] >= 12
    assert types["BallotCast"] >= 800
    assert types["ProjectFunded"] >= 8
    assert types["SpendRecorded"] > 0
    assert types["ContributionLogged"] > 0
    for milestone_state in (
        "MilestoneMet",
        "MilestoneStarted",
        "MilestoneDelayed",
        "MilestoneCancelled",
    ):
        assert types[milestone_state] > 0, milestone_state
    outcomes = Counter()
    for notification in store_app.recorder.select_notifications(
        start=None, limit=1_000_000, topics=()
    ):
        if notification.topic.endswith("Decision.DecisionMade"):
            decision = store_app.load(Decision, notification.originator_id)
            outcomes[decision.original_outcome.value] += 1
            if decision.original_outcome.adverse:
                record = decision.record
                assert record is not None
                assert record.legal_basis
                assert record.main_considerations
                assert record.facts_relied_on
                assert record.complaints or record.no_appeal_statement
    assert outcomes["funded_in_full"] >= 8
    assert outcomes["rejected"] >= 1


def test_demo_twice_adds_nothing(store_app: Coprod) -> None:
    first = seed_demo(store_app, seed=3)
    second = seed_demo(store_app, seed=3)
    assert not first.already_present
    assert second.already_present
    assert store_app.recorder.max_notification_id() == first.events


def test_demo_is_deterministic_given_the_seed() -> None:
    def run(seed: int) -> tuple[list[str], list[tuple[str, object]]]:
        app = Coprod(
            parse_database_url("sqlite:///:memory:"),
            env={"PERSISTENCE_MODULE": "eventsourcing.popo"},
        )
        summary = seed_demo(app, seed=seed)
        result = _event_types(app), [r for r in summary.rows() if r[0] != "process id"]
        app.close()
        return result

    assert run(11) == run(11)
    assert run(11) != run(12)


def test_demo_command_leaves_a_sqlite_file(tmp_path: Path) -> None:
    env = {**os.environ, "COPROD_DATABASE_URL": f"sqlite:///{tmp_path}/coprod.sqlite"}
    command = [sys.executable, "-c", "from api.cli.main import main; main()", "demo", "--seed", "5"]
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert "events recorded" in result.stdout
    assert "published impact release 1" in result.stdout
    with sqlite3.connect(tmp_path / "coprod.sqlite") as db:
        (count,) = db.execute("SELECT COUNT(*) FROM stored_events").fetchone()
    assert count > 1000

    again = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert again.returncode == 0
    assert "nothing was added" in again.stdout


def test_bad_database_url_is_a_clear_error(tmp_path: Path) -> None:
    env = {**os.environ, "COPROD_DATABASE_URL": "mysql://somewhere/db"}
    command = [sys.executable, "-c", "from api.cli.main import main; main()", "demo"]
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 2
    assert "not supported" in result.stderr
    assert "Traceback" not in result.stderr
