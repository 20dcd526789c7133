"""Two writers, one aggregate, a real PostgreSQL server: exactly one wins, nothing half-written."""

from __future__ import annotations

import threading
import uuid

import psycopg
import pytest

from coprod.adapters.config import parse_database_url
from coprod.application import Coprod
from coprod.application.commands.processes import OpenProcess, SetEligiblePopulation
from coprod.domain.errors import StaleVersion, StoreUnavailable
from coprod.domain.process import Process
from coprod.domain.values import Actor, Money

pytestmark = pytest.mark.postgres


def _council(officer: Actor) -> uuid.UUID:
    """The officer's own council: an officer acts only on its processes (the policy)."""
    assert officer.organisation_id is not None
    return officer.organisation_id


def test_two_concurrent_writers_one_wins(postgres_url: str, officer: Actor) -> None:
    setup = Coprod(parse_database_url(postgres_url))
    pid = setup.open_process(
        OpenProcess(council_id=_council(officer), code="pb", name="PB", currency="DKK"), officer
    ).aggregate_id
    apps = [Coprod(parse_database_url(postgres_url)) for _ in range(2)]
    loaded = [app.load(Process, pid) for app in apps]  # both see version 1
    barrier = threading.Barrier(2)
    outcomes: list[object] = [None, None]

    def write(i: int) -> None:
        loaded[i].set_budget(officer, Money.of(1000 * (i + 1), "DKK"))
        loaded[i].set_eligible_population(officer, 100 * (i + 1))  # two events per write
        barrier.wait()
        try:
            outcomes[i] = apps[i].commit(loaded[i])
        except StaleVersion as e:
            outcomes[i] = e

    threads = [threading.Thread(target=write, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    errors = [o for o in outcomes if isinstance(o, StaleVersion)]
    assert len(errors) == 1, outcomes
    assert "reload and retry" in str(errors[0])
    winner = outcomes.index(next(o for o in outcomes if not isinstance(o, StaleVersion)))
    stored = setup.load(Process, pid)
    assert stored.version == 3  # created + both events of the winner, none of the loser
    assert stored.pot == Money.of(1000 * (winner + 1), "DKK")
    assert stored.eligible == 100 * (winner + 1)
    for app in [setup, *apps]:
        app.close()


def test_blocked_write_fails_with_clear_error(postgres_url: str, officer: Actor) -> None:
    """A write blocked by a held table lock gives up with StoreUnavailable instead of hanging."""
    app = Coprod(parse_database_url(postgres_url, {"COPROD_LOCK_TIMEOUT": "1"}))
    pid = app.open_process(
        OpenProcess(council_id=_council(officer), code="pb", name="PB", currency="DKK"), officer
    ).aggregate_id
    schema = postgres_url.split("schema=")[1]
    with psycopg.connect(postgres_url.split("?")[0]) as blocker:
        blocker.execute(f'LOCK TABLE "{schema}".coprod_events IN EXCLUSIVE MODE')
        with pytest.raises(StoreUnavailable, match="nothing was recorded"):
            app.set_eligible_population(SetEligiblePopulation(process_id=pid, eligible=10), officer)
        blocker.rollback()
    assert app.load(Process, pid).version == 1
    app.close()
