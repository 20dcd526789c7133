"""Two API instances on one PostgreSQL schema, two clients writing the same object at once.

To make "at once" certain rather than likely, a third connection holds the events table's
write lock while both requests run: both load the same version and pass every check, both
block on the insert, and only then is the lock released, so the two writes race for the same
(aggregate, version) slot inside the database. One commits; the other must be refused with
nothing of it recorded.

A write whose If-Match was right when it loaded but that loses the race at commit gets 412
too: its precondition failed, even though ``Coprod.commit`` only learns of it from the
store's key clash (``StaleVersion`` without versions).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient

from api.http.app import create_app
from coprod.adapters.config import parse_database_url
from tests.api.scenario import Scenario, money, running_scenario

pytestmark = pytest.mark.postgres

#: What the loser of a commit-time race gets despite a matching If-Match at load.
COMMIT_RACE_IF_MATCH_STATUS = 412


@pytest.fixture
def two_apps(postgres_url: str) -> Iterator[tuple[Scenario, TestClient]]:
    """The seeded scenario's app and a second app instance on the same schema."""
    with running_scenario(postgres_url) as scenario:
        second = create_app(parse_database_url(postgres_url))
        with TestClient(second, raise_server_exceptions=False) as client:
            yield scenario, client


@contextmanager
def writes_held(postgres_url: str, waiting: int) -> Iterator[None]:
    """Hold the events table's write lock until `waiting` backends queue behind it."""
    database, schema = postgres_url.split("?schema=")
    with psycopg.connect(database) as conn:
        conn.execute(f'LOCK TABLE "{schema}".coprod_events IN EXCLUSIVE MODE')
        yield
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            row = conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND datname = current_database() AND pid <> pg_backend_pid()"
            ).fetchone()
            if row is not None and row[0] >= waiting:
                break
            time.sleep(0.01)
        else:
            pytest.fail(f"fewer than {waiting} writers reached the lock in 10 s")
        conn.rollback()


def lock_waiters_reach(postgres_url: str, waiting: int) -> None:
    """Wait until `waiting` backends queue for a lock in the test database."""
    database = postgres_url.split("?schema=")[0]
    with psycopg.connect(database) as conn:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            row = conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND datname = current_database()"
            ).fetchone()
            if row is not None and row[0] >= waiting:
                return
            time.sleep(0.01)
    pytest.fail(f"fewer than {waiting} writers reached the lock in 10 s")


def at_once(postgres_url: str, *sends: Callable[[], Any]) -> list[Any]:
    """Run each send in its own thread, all blocked on the insert, then let them race."""
    answers: list[Any] = [None] * len(sends)

    def run(i: int) -> None:
        answers[i] = sends[i]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(sends))]
    with writes_held(postgres_url, waiting=len(sends)):
        for thread in threads:
            thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert all(a is not None for a in answers), answers
    return answers


def event_count(scenario: Scenario) -> int:
    return int(scenario.coprod.recorder.max_notification_id() or 0)


def test_same_if_match_at_once_one_wins_one_precondition_fails(
    two_apps: tuple[Scenario, TestClient], postgres_url: str
) -> None:
    scenario, second = two_apps
    officer = scenario.officer("own")
    pid = scenario.process("own")
    version = scenario.client.get(f"/api/v1/processes/{pid}").json()["version"]
    before = event_count(scenario)

    def budget(client: TestClient, amount: str) -> Callable[[], Any]:
        return lambda: client.post(
            f"/api/v1/processes/{pid}/budget",
            json={"pot": money(amount)},
            headers={**officer, "If-Match": f'"{version}"'},
        )

    answers = at_once(postgres_url, budget(scenario.client, "111.00"), budget(second, "222.00"))

    statuses = sorted(a.status_code for a in answers)
    assert statuses == sorted([200, COMMIT_RACE_IF_MATCH_STATUS]), [a.text for a in answers]
    winner = next(i for i, a in enumerate(answers) if a.status_code == 200)
    loser = answers[1 - winner].json()
    assert loser["type"] == "urn:coprod:problem:precondition-failed"
    assert "reload" in loser["detail"]
    stored = scenario.client.get(f"/api/v1/processes/{pid}").json()
    assert stored["version"] == version + 1
    assert stored["pot"] == money(("111.00", "222.00")[winner])
    assert event_count(scenario) == before + 1

    # Once the winner is in, the same If-Match is stale at load time: 412 on either instance.
    again = second.post(
        f"/api/v1/processes/{pid}/budget",
        json={"pot": money("333.00")},
        headers={**officer, "If-Match": f'"{version}"'},
    )
    assert again.status_code == 412, again.text
    assert again.json()["current_version"] == version + 1


def test_conflicting_writes_without_if_match_one_succeeds_one_conflicts(
    two_apps: tuple[Scenario, TestClient], postgres_url: str
) -> None:
    scenario, second = two_apps
    officer = scenario.officer("own")
    pid = scenario.process("own")
    version = scenario.client.get(f"/api/v1/processes/{pid}").json()["version"]
    before = event_count(scenario)

    def eligible(client: TestClient, count: int) -> Callable[[], Any]:
        return lambda: client.post(
            f"/api/v1/processes/{pid}/eligible-population",
            json={"eligible": count},
            headers=officer,
        )

    answers = at_once(postgres_url, eligible(scenario.client, 1000), eligible(second, 2000))

    assert sorted(a.status_code for a in answers) == [200, 409], [a.text for a in answers]
    winner = next(i for i, a in enumerate(answers) if a.status_code == 200)
    problem = answers[1 - winner].json()
    assert problem["type"] == "urn:coprod:problem:stale-version"
    assert "another writer saved it first" in problem["detail"]
    stored = scenario.client.get(f"/api/v1/processes/{pid}").json()
    assert stored["eligible"] == (1000, 2000)[winner]
    assert stored["version"] == version + 1
    assert event_count(scenario) == before + 1


def test_a_lost_two_aggregate_write_leaves_nothing_half_written(
    two_apps: tuple[Scenario, TestClient], postgres_url: str
) -> None:
    """Two merges of one idea into different targets: the loser's target stays untouched."""
    scenario, second = two_apps
    member = scenario.member("own")
    source = scenario.idea("own")
    pid = source["process"]
    targets = [scenario.idea("own", pid)["proposal"] for _ in range(2)]
    versions = [
        scenario.client.get(f"/api/v1/proposals/{p}").json()["version"]
        for p in (source["proposal"], *targets)
    ]
    before = event_count(scenario)

    def merge(client: TestClient, target: str) -> Callable[[], Any]:
        return lambda: client.post(
            f"/api/v1/proposals/{source['proposal']}/merge",
            json={"target_id": target},
            headers=member,
        )

    answers = at_once(postgres_url, merge(scenario.client, targets[0]), merge(second, targets[1]))

    assert sorted(a.status_code for a in answers) == [200, 409], [a.text for a in answers]
    winner = next(i for i, a in enumerate(answers) if a.status_code == 200)
    views = [
        scenario.client.get(f"/api/v1/proposals/{p}").json() for p in (source["proposal"], *targets)
    ]
    assert views[0]["merged_into"] == targets[winner]
    won, lost = views[1 + winner], views[2 - winner]
    assert won["version"] > versions[1 + winner]
    assert lost["version"] == versions[2 - winner], "the losing merge half-wrote its target"
    recorded = event_count(scenario) - before
    assert recorded == (views[0]["version"] - versions[0]) + (won["version"] - versions[1 + winner])


def test_a_cast_that_loaded_an_open_ballot_is_refused_once_the_close_commits_first(
    two_apps: tuple[Scenario, TestClient], postgres_url: str
) -> None:
    """The close queues on the lock first, the cast loads the still-open ballot and queues
    behind it: the close commits, and the cast must then be a 409 saying the ballot closed."""
    scenario, second = two_apps
    officer = scenario.officer("own")
    ids = scenario.ballot("own")
    pid, proposal = ids["process"], ids["proposal"]
    before = event_count(scenario)
    answers: dict[str, Any] = {}

    def close() -> None:
        answers["close"] = scenario.client.post(
            f"/api/v1/processes/{pid}/ballot/close", headers=officer
        )

    def cast() -> None:
        answers["cast"] = second.post(
            f"/api/v1/processes/{pid}/ballots",
            json={"voter_ref": "late-voter", "choices": {"approvals": [proposal]}},
            headers=officer,
        )

    closing, casting = threading.Thread(target=close), threading.Thread(target=cast)
    with writes_held(postgres_url, waiting=2):
        closing.start()
        lock_waiters_reach(postgres_url, 1)  # the close is first in the queue ...
        casting.start()  # ... and the cast loads the ballot while it is still open
    closing.join(timeout=30)
    casting.join(timeout=30)

    assert answers["close"].status_code == 200, answers["close"].text
    late = answers["cast"]
    assert late.status_code == 409, late.text
    assert late.json()["type"] == "urn:coprod:problem:wrong-phase"
    assert "the ballot is closed; this ballot was not recorded" in late.json()["detail"]
    assert event_count(scenario) == before + 1  # the close only
