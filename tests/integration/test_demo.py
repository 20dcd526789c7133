"""`coprod demo` seeds a full, realistic cycle on both stores, deterministically and only once."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

import eventsourcing.domain as es_domain
import pytest

from api.cli.serve import publish_demo_release
from api.demo import demo_process_id, seed_demo, voting_process_id
from api.demo.clock import SimulatedClock, simulated_time
from coprod.adapters.config import parse_database_url
from coprod.application import Coprod
from coprod.domain.decision import Decision
from coprod.domain.phases import Phase


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


# -- what the demo shows: figures worth looking at -------------------------------------------


def _release_tables(app: Coprod, process_id: UUID) -> dict[str, list[dict[str, Any]]]:
    number = publish_demo_release(app, process_id)
    figures = json.loads(app.get_release(process_id, number).figures)
    return {t["title"]: t["rows"] for t in figures["tables"]}


def test_the_demo_release_has_census_figures_and_spread_delivery(store_app: Coprod) -> None:
    summary = seed_demo(store_app, seed=7)
    tables = _release_tables(store_app, summary.process_id)

    for dimension in ("age_band", "sex", "area", "deprivation_quintile"):
        rows = [r for r in tables[f"representation: {dimension}"] if r["group"] != "not stated"]
        with_ratio = [r for r in rows if r["RR_g"] is not None and r["gap"] is not None]
        assert rows, dimension
        assert len(with_ratio) >= len(rows) * 2 / 3, dimension
        assert all(r["q_g"] is not None for r in rows), dimension
    assert all(row["D"] is not None for row in tables["dissimilarity index"])

    (delivery,) = tables["vote-to-delivery time (days)"]
    assert int(delivery["projects"]) >= 3
    assert Decimal(delivery["iqr"]) > 0
    assert 100 < Decimal(delivery["median"]) < 500  # about a year, as PB projects take
    due = tables["on-time rate"][0]
    assert 0 < Decimal(due["on_time_rate"]) < 1
    delays = [
        store_app.mapper.to_domain_event(n)
        for n in store_app.recorder.select_notifications(start=None, limit=1_000_000)
        if n.topic.endswith("Project.MilestoneDelayed")
    ]
    assert delays
    assert all(e.reason for e in delays)


def test_the_demo_has_a_second_process_in_its_vote(store_app: Coprod) -> None:
    seed_demo(store_app, seed=7)
    voting = store_app.get_process(voting_process_id(7))
    first = store_app.get_process(demo_process_id(7))
    assert voting.council_id == first.council_id
    assert (first.name, first.pot.amount) == ("Demo City participatory budget", 3_000_000)
    assert voting.phase is Phase.VOTE
    assert voting.ballot_state == "open"
    ballots = Counter(
        store_app.mapper.to_domain_event(n).process_id
        for n in store_app.recorder.select_notifications(start=None, limit=1_000_000)
        if n.topic.endswith("Ballot.BallotCast")
    )
    assert ballots[voting.id] == 200
    assert ballots[first.id] == 900


def test_demo_events_are_stamped_in_order_and_never_in_the_future(store_app: Coprod) -> None:
    before = datetime.now(UTC)
    summary = seed_demo(store_app, seed=7)
    stamps = [
        store_app.mapper.to_domain_event(n).timestamp
        for n in store_app.recorder.select_notifications(start=None, limit=1_000_000)
    ]
    assert len(stamps) == summary.events
    assert stamps == sorted(stamps)
    assert stamps[-1] <= datetime.now(UTC)
    assert stamps[0] < before - timedelta(days=365)  # the cycle started well over a year ago
    # the library's own clock is back once the seeder is done
    assert es_domain.datetime_now_with_tzinfo() >= before


def test_the_simulated_clock_never_goes_back_or_past_the_real_now() -> None:
    floor = datetime.now(UTC) - timedelta(days=10)
    clock = SimulatedClock(floor=floor)
    assert clock.advance_to(floor.date() - timedelta(days=30)) == floor.date()  # not before
    first = clock.now()
    assert first > floor
    clock.advance_to(floor.date() + timedelta(days=3))
    second = clock.now()
    assert second.date() == floor.date() + timedelta(days=3)
    clock.advance_to(datetime.now(UTC).date() + timedelta(days=5))
    assert first < second < clock.now() <= datetime.now(UTC)
    original = es_domain.datetime_now_with_tzinfo

    def failing_step() -> None:
        with simulated_time(clock):
            assert es_domain.datetime_now_with_tzinfo() > second
            raise RuntimeError("a failing step")

    with pytest.raises(RuntimeError):
        failing_step()
    assert es_domain.datetime_now_with_tzinfo is original


def test_a_demo_seeded_into_a_used_store_does_not_stamp_before_its_last_event(
    store_app: Coprod,
) -> None:
    seed_demo(store_app, seed=3)
    summary = seed_demo(store_app, seed=4)  # a second council, after the first's events
    assert not summary.already_present
    stamps = [
        store_app.mapper.to_domain_event(n).timestamp
        for n in store_app.recorder.select_notifications(start=None, limit=1_000_000)
    ]
    assert stamps == sorted(stamps)
