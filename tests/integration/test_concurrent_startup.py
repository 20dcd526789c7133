"""Several processes starting at once on a new PostgreSQL schema all come up."""

from __future__ import annotations

import threading

import pytest

from coprod.adapters.config import parse_database_url
from coprod.application import Coprod

pytestmark = pytest.mark.postgres


def test_concurrent_first_start_creates_tables_once(postgres_url: str) -> None:
    apps: list[Coprod] = []
    failures: list[BaseException] = []
    barrier = threading.Barrier(6)

    def start() -> None:
        barrier.wait()
        try:
            apps.append(Coprod(parse_database_url(postgres_url)))
        except BaseException as e:  # collected and asserted below
            failures.append(e)

    threads = [threading.Thread(target=start) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for app in apps:
        app.close()
    assert failures == []
    assert len(apps) == 6
