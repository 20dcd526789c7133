"""Events a read model cannot apply: set aside with their error, so the read side goes on.

Why: one hostile value that slipped past the edge checks (a NUL byte that PostgreSQL
refuses, an integer beyond 64 bits, a lone surrogate, a state that no longer decodes)
used to stop the projection for good: the SQLite worker thread died, the PostgreSQL worker
retried the same batch forever, and every read waiting for a position failed. Now the
runner isolates the event that fails on its own (see :mod:`projections.kernel.isolation`), records
it here in the same transaction that moves the read model's position past it, and applies
everything else.

Two kinds of failure must not be confused. A *bad event* fails deterministically: applying
it again gives the same error, so retrying would block the read model forever. The *store
being unavailable* (connection lost, lock timeout, serialisation failure, a table dropped by
a concurrent rebuild) says nothing about the event: that batch is rolled back and retried,
never quarantined. :func:`is_transient` draws the line; anything else that still fails when
the event is applied alone is the event's fault.

One table per store (``coprod_quarantine``), one row per read model version, table
generation and event. A rebuild fills its new generation's rows beside the old ones and the
switch drops the old generation's rows with its tables, so the rows of the active generation
are exactly the events the readers' tables lack.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import psycopg
from eventsourcing.persistence import Notification

from coprod.domain.errors import StoreUnavailable
from projections.kernel.readmodel import PositionConflict
from projections.store import REGISTRY, Connection, now_us

QUARANTINE = "coprod_quarantine"

#: PostgreSQL SQLSTATE classes that mean "not now" rather than "not this value": connection
#: exceptions, transaction rollback (serialisation, deadlock), insufficient resources, object
#: not in prerequisite state (lock not available), operator intervention (statement timeout,
#: shutdown), system and internal errors.
_TRANSIENT_SQLSTATE_CLASSES = frozenset({"08", "40", "53", "55", "57", "58", "XX"})

#: Longest error message kept (a driver may echo a long statement).
MESSAGE_LIMIT = 2_000


def is_transient(error: BaseException) -> bool:
    """True when `error` says the store is unavailable for now, not that the event is bad.

    Transient errors are retried from the stored position; every other exception raised
    while applying an event on its own is taken as the event's fault and quarantined.
    """
    if not isinstance(error, Exception):  # KeyboardInterrupt, SystemExit: never swallow
        return True
    if isinstance(error, (PositionConflict, StoreUnavailable, OSError, MemoryError)):
        return True
    if isinstance(error, psycopg.Error):
        state = error.sqlstate
        if state is None:  # client side: a broken link, or psycopg refusing a value
            return isinstance(error, (psycopg.OperationalError, psycopg.InterfaceError))
        return state[:2] in _TRANSIENT_SQLSTATE_CLASSES or state == "42P01"  # table dropped
    if isinstance(error, sqlite3.Error):
        # Locked, busy, I/O, "no such table" (a rebuild switched): OperationalError. A
        # corrupt file is a plain DatabaseError. Data, integrity and binding errors are bad
        # values.
        return isinstance(error, (sqlite3.OperationalError, sqlite3.InternalError)) or (
            type(error) is sqlite3.DatabaseError
        )
    return False


def clean_text(value: object, limit: int = MESSAGE_LIMIT) -> str:
    """`value` as text that every store accepts: no NUL, no lone surrogate, bounded."""
    text = str(value).replace("\x00", "\\x00")
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class Quarantined:
    """One event a read model could not apply, and why."""

    model: str
    generation: int
    application_name: str
    notification_id: int
    topic: str
    originator_id: str
    originator_version: int | None
    error_class: str
    error_message: str
    quarantined_at: datetime
    #: True when the readers' (active) generation lacks this event; False for a rebuild's.
    active: bool = True


def ensure_quarantine(conn: Connection) -> None:
    """Create the quarantine table if missing (every projector does, at start)."""
    with conn.transaction():
        conn.advisory_lock(QUARANTINE)
        conn.execute(
            f"CREATE TABLE IF NOT EXISTS {QUARANTINE} (model TEXT NOT NULL, "
            "generation INTEGER NOT NULL, application_name TEXT NOT NULL, "
            "notification_id BIGINT NOT NULL, topic TEXT NOT NULL, originator_id TEXT NOT NULL, "
            "originator_version BIGINT, error_class TEXT NOT NULL, error_message TEXT NOT NULL, "
            "quarantined_at_us BIGINT NOT NULL, "
            "PRIMARY KEY (model, generation, application_name, notification_id))"
        )


@dataclass(frozen=True)
class Place:
    """Where an event is set aside: the read model version, its generation, the upstream log."""

    model: str
    generation: int
    application_name: str


def record(conn: Connection, place: Place, event: Notification, error: BaseException) -> None:
    """Inside the caller's transaction: set the event aside (again: the newest error wins)."""
    conn.execute(
        f"INSERT INTO {QUARANTINE} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (model, generation, application_name, notification_id) DO UPDATE SET "
        "error_class = excluded.error_class, error_message = excluded.error_message, "
        "quarantined_at_us = excluded.quarantined_at_us",
        (
            place.model,
            place.generation,
            clean_text(place.application_name, 200),
            event.id,
            clean_text(event.topic, 500),
            clean_text(event.originator_id, 200),
            event.originator_version,
            clean_text(f"{type(error).__module__}.{type(error).__qualname__}", 200),
            clean_text(error),
            now_us(),
        ),
    )


def drop_generation(conn: Connection, model: str, generation: int) -> None:
    """Inside the caller's transaction: forget a generation's rows (its tables are dropped).

    The table exists: every :class:`~projections.kernel.runner.Projector` creates it at start.
    """
    conn.execute(
        f"DELETE FROM {QUARANTINE} WHERE model = ? AND generation = ?", (model, generation)
    )


def list_quarantined(
    conn: Connection, models: Sequence[str] | None = None, *, include_building: bool = False
) -> list[Quarantined]:
    """Quarantined events in log order, of the readers' generations (and rebuilds' if asked).

    Answers an empty list on a store where no projector has run yet.
    """
    tables = conn.tables()
    if QUARANTINE not in tables or REGISTRY not in tables:
        return []
    rows = conn.execute(
        f"SELECT q.model, q.generation, q.application_name, q.notification_id, q.topic, "
        "q.originator_id, q.originator_version, q.error_class, q.error_message, "
        "q.quarantined_at_us, r.active_generation "
        f"FROM {QUARANTINE} q JOIN {REGISTRY} r ON r.model = q.model "
        "WHERE q.generation = r.active_generation OR q.generation = r.building_generation "
        "ORDER BY q.notification_id, q.model, q.generation"
    )
    result = []
    for row in rows:
        active = int(row[1]) == int(row[10])
        if (models is not None and row[0] not in models) or (not active and not include_building):
            continue
        result.append(
            Quarantined(
                model=str(row[0]),
                generation=int(row[1]),
                application_name=str(row[2]),
                notification_id=int(row[3]),
                topic=str(row[4]),
                originator_id=str(row[5]),
                originator_version=None if row[6] is None else int(row[6]),
                error_class=str(row[7]),
                error_message=str(row[8]),
                quarantined_at=datetime.fromtimestamp(int(row[9]) / 1e6, UTC),
                active=active,
            )
        )
    return result


def counts(conn: Connection) -> dict[str, int]:
    """Quarantined events per read model version, in the readers' generations (for
    ``/health``, which load balancers call often: one small aggregate query)."""
    tables = conn.tables()
    if QUARANTINE not in tables or REGISTRY not in tables:
        return {}
    rows = conn.execute(
        f"SELECT q.model, COUNT(*) FROM {QUARANTINE} q JOIN {REGISTRY} r "
        "ON r.model = q.model AND q.generation = r.active_generation GROUP BY q.model"
    )
    return {str(model): int(count) for model, count in rows}
