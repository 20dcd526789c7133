"""The PostgreSQL recorder coprod selects keeps the library's guarantees with its faster insert.

coprod.adapters.postgres_recorder replaces only how rows travel to the server; these tests hold, on a real
server, what the library promises: notification ids in event order, bytes read back exactly,
a key clash refusing the whole transaction, and the table lock that orders commits.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator

import psycopg
import pytest
from eventsourcing.persistence import IntegrityError, StoredEvent

from coprod.adapters.config import parse_database_url
from coprod.adapters.postgres_recorder import ArrayInsertApplicationRecorder
from coprod.application import Coprod

pytestmark = pytest.mark.postgres

#: States a text encoding could mangle: NUL, quotes, backslashes, braces, non-UTF-8, empty.
AWKWARD = (b'{"a":"b"}', b"\x00\x01\xff", b'\\x00 "quoted" \\', b"{,}()", b"", "ż".encode())


@pytest.fixture
def pg_app(postgres_url: str) -> Iterator[Coprod]:
    with Coprod(parse_database_url(postgres_url)) as app:
        yield app


def _events(n: int, version: int = 1) -> list[StoredEvent]:
    return [
        StoredEvent(uuid.uuid4(), version, f"tests:Topic{i % 3}", AWKWARD[i % len(AWKWARD)])
        for i in range(n)
    ]


def test_the_postgres_store_uses_the_array_recorder(pg_app: Coprod) -> None:
    assert isinstance(pg_app.recorder, ArrayInsertApplicationRecorder)


def test_notification_ids_follow_event_order_and_rows_read_back_unchanged(
    pg_app: Coprod,
) -> None:
    first, second = _events(7), _events(5)
    assert pg_app.recorder.insert_events(first) == list(range(1, 8))
    assert pg_app.recorder.insert_events(second) == list(range(8, 13))
    rows = pg_app.recorder.select_notifications(1, 100)
    assert [r.id for r in rows] == list(range(1, 13))
    assert [(r.originator_id, r.originator_version, r.topic, r.state) for r in rows] == [
        (e.originator_id, e.originator_version, e.topic, e.state) for e in first + second
    ]


def test_a_clash_on_id_and_version_refuses_the_whole_transaction(pg_app: Coprod) -> None:
    saved = _events(3)
    pg_app.recorder.insert_events(saved)
    batch = [*_events(4), saved[1]]
    with pytest.raises(IntegrityError):
        pg_app.recorder.insert_events(batch)
    assert pg_app.recorder.max_notification_id() == 3
    for event in batch[:4]:
        assert pg_app.recorder.select_events(event.originator_id) == []
    later = _events(1, version=2)
    assert pg_app.recorder.insert_events(later) is not None


def test_an_insert_waits_for_the_table_lock_that_orders_commits(
    pg_app: Coprod, postgres_url: str
) -> None:
    """A plain INSERT would not wait for another writer's ROW EXCLUSIVE lock; the library's
    EXCLUSIVE lock does, which is what keeps notification ids in commit order."""
    recorder = pg_app.recorder
    assert isinstance(recorder, ArrayInsertApplicationRecorder)
    table = f'"{recorder.datastore.schema}"."{recorder.events_table_name}"'
    locked, hold = threading.Event(), 0.6

    def other_writer() -> None:
        with psycopg.connect(postgres_url.split("?")[0]) as conn:
            conn.execute(f"LOCK TABLE {table} IN ROW EXCLUSIVE MODE")
            locked.set()
            time.sleep(hold)
            conn.rollback()

    thread = threading.Thread(target=other_writer)
    thread.start()
    assert locked.wait(10)
    started = time.perf_counter()
    ids = recorder.insert_events(_events(2))
    waited = time.perf_counter() - started
    thread.join()
    assert ids == [1, 2]
    assert waited >= hold * 0.8
