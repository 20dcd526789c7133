"""Work done inside the transaction that records a command's events, on every store.

Some facts must commit or fail together with a command's events, or not at all:

* a *check* that can only be made once no other writer can interleave — a ballot cast while
  the ballot closes must be refused, so "has the ballot closed since I loaded the process?"
  is asked after the store serialised the writers (PostgreSQL's table lock; SQLite's write
  lock, taken by the insert itself);
* a *write* beside the events — an idempotency record, a person's details — so that a crash
  between the two cannot leave one without the other.

A use case passes an :class:`InTransaction` to ``CoprodBase.commit``; the library hands the
keyword on to the recorder's ``insert_events``, and the recorders of this module (SQLite,
in-memory) and of :mod:`coprod.adapters` (PostgreSQL) run it inside their transaction. Checks run
before writes, so the in-memory store, which has no rollback, never writes half of a refusal.

The recorders also write the event chain (:mod:`coprod.adapters.chain`) in that same transaction,
for every insert: a command's events and a bulk import's batches alike.

This module imports no database driver: it only uses the cursor the library gives it.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from eventsourcing.popo import POPOApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor

from coprod.adapters.chain import (
    CHAIN_TABLE,
    GENESIS,
    Link,
    before_from,
    head_sql,
    links_for,
    plan_links,
)

#: The keyword under which an :class:`InTransaction` travels from ``save`` to the recorder.
IN_TRANSACTION = "in_transaction"


class Transaction(ABC):
    """What a check or a write sees of the transaction that records the events.

    ``execute`` takes SQL with ``?`` markers on every SQL store (translated to ``%s`` for
    PostgreSQL) and returns the rows as mappings; the in-memory store has no SQL, so steps
    look at ``backend`` and keep their own in-memory state there.
    """

    backend: str  # "sqlite", "postgres" or "memory"

    @abstractmethod
    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[Mapping[str, Any]]:
        """Run one statement in the transaction; the rows it returns (none for a write)."""

    @abstractmethod
    def table(self, name: str) -> str:
        """A table name, qualified with the store's schema where it has one."""

    @abstractmethod
    def topics_after(self, aggregate_id: UUID, version: int) -> list[str]:
        """The topics of an aggregate's events recorded after ``version``, oldest first.

        Only events recorded by *other* transactions: this transaction's own events are left
        out, on every store alike (the SQL stores insert before the checks run).
        """


Step = Callable[[Transaction], None]


def others(
    rows: Sequence[Mapping[str, Any]], aggregate_id: UUID, own: Sequence[StoredEvent]
) -> list[str]:
    """The topics of ``rows`` (version, topic) less the events this transaction inserts."""
    mine = {e.originator_version for e in own if str(e.originator_id) == str(aggregate_id)}
    return [str(r["topic"]) for r in rows if r["originator_version"] not in mine]


@dataclass(frozen=True)
class InTransaction:
    """Checks and writes to run inside the transaction that records a command's events.

    A check raises a domain error to refuse the whole command (nothing is written); a write
    adds rows beside the events. Combine several with ``+``.
    """

    checks: tuple[Step, ...] = ()
    writes: tuple[Step, ...] = ()

    def __add__(self, other: InTransaction) -> InTransaction:
        return InTransaction(self.checks + other.checks, self.writes + other.writes)

    def run(self, transaction: Transaction) -> None:
        for check in self.checks:
            check(transaction)
        for write in self.writes:
            write(transaction)


def steps_from(kwargs: Mapping[str, Any]) -> InTransaction | None:
    """The :class:`InTransaction` passed down from ``save``, if any."""
    found = kwargs.get(IN_TRANSACTION)
    return found if isinstance(found, InTransaction) else None


# -- SQLite ------------------------------------------------------------------------------------


class SQLiteTransaction(Transaction):
    """A step's view of an SQLite write transaction (after the insert took the write lock)."""

    backend = "sqlite"

    def __init__(self, cursor: SQLiteCursor, events_table: str, own: Sequence[StoredEvent]) -> None:
        self._cursor = cursor
        self._events_table = events_table
        self._own = own

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[Mapping[str, Any]]:
        self._cursor.execute(sql, tuple(params))
        return [dict(row) for row in self._cursor.fetchall()]

    def table(self, name: str) -> str:
        return name

    def topics_after(self, aggregate_id: UUID, version: int) -> list[str]:
        rows = self.execute(
            f"SELECT originator_version, topic FROM {self._events_table} "
            "WHERE originator_id = ? AND originator_version > ? ORDER BY originator_version",
            (aggregate_id.hex, version),
        )
        return others(rows, aggregate_id, self._own)


class CoprodSQLiteRecorder(SQLiteApplicationRecorder):
    """The library's SQLite recorder, chaining the events and running :class:`InTransaction` steps.

    The insert comes first on purpose: in SQLite's deferred transaction it takes the write
    lock, so the chain head and any check read after it see every committed write and no other
    writer can commit until this transaction ends.
    """

    def construct_create_table_statements(self) -> list[str]:
        return [
            *super().construct_create_table_statements(),
            f"CREATE TABLE IF NOT EXISTS {CHAIN_TABLE} "
            "(notification_id INTEGER PRIMARY KEY, hash BLOB NOT NULL)",
        ]

    def _insert_events(
        self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        ids = super()._insert_events(c, stored_events, **kwargs)
        if ids:
            self._chain(c, list(zip(ids, stored_events, strict=True)))
        steps = steps_from(kwargs)
        if steps is not None:
            steps.run(SQLiteTransaction(c, self.events_table_name, stored_events))
        return ids

    def _chain(self, c: SQLiteCursor, new: list[tuple[int, StoredEvent]]) -> None:
        first = new[0][0]
        c.execute(
            head_sql(self.events_table_name, CHAIN_TABLE, "rowid", bounded=True), (first, first)
        )
        before = before_from(c.fetchone())
        links = plan_links(before, new, lambda after, below: self._unlinked(c, after, below))
        if links[-1][0] - links[0][0] == len(links) - 1:
            # Consecutive ids (every write but a back-fill over gaps): the hashes go in as
            # one blob, cut by a recursive query; 2.5x faster than executemany on an import.
            c.execute(self._insert_consecutive_links, (len(links), links[0][0], _blob(links)))
        else:
            c.executemany(f"INSERT INTO {CHAIN_TABLE} (notification_id, hash) VALUES (?, ?)", links)

    _insert_consecutive_links = (
        "WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i + 1 < ?) "
        f"INSERT INTO {CHAIN_TABLE} (notification_id, hash) SELECT ? + i, substr(?, i * 32 + 1, 32) "
        "FROM k"
    )

    def _unlinked(self, c: SQLiteCursor, after: int, below: int) -> list[tuple[int, StoredEvent]]:
        c.execute(
            f"SELECT rowid, originator_id, originator_version, topic, state "
            f"FROM {self.events_table_name} WHERE rowid > ? AND rowid < ? ORDER BY rowid",
            (after, below),
        )
        return [
            (
                row["rowid"],
                StoredEvent(
                    self.convert_originator_id(row["originator_id"]),
                    row["originator_version"],
                    row["topic"],
                    row["state"],
                ),
            )
            for row in c.fetchall()
        ]

    def select_links(self, after: int, limit: int, stop: int | None = None) -> list[Link]:
        """Links with after < notification id (<= stop), in order (see coprod.adapters.chain)."""
        sql = f"SELECT notification_id, hash FROM {CHAIN_TABLE} WHERE notification_id > ?"
        params: list[int] = [after]
        if stop is not None:
            sql += " AND notification_id <= ?"
            params.append(stop)
        with self.datastore.transaction(commit=False) as c:
            c.execute(sql + " ORDER BY notification_id LIMIT ?", (*params, limit))
            return [(row[0], bytes(row[1])) for row in c.fetchall()]

    def last_link(self, at_or_before: int | None = None) -> Link | None:
        """The link with the greatest notification id <= `at_or_before` (see coprod.adapters.chain)."""
        bound = at_or_before if at_or_before is not None else 2**63 - 1
        with self.datastore.transaction(commit=False) as c:
            c.execute(
                f"SELECT notification_id, hash FROM {CHAIN_TABLE} WHERE notification_id <= ? "
                "ORDER BY notification_id DESC LIMIT 1",
                (bound,),
            )
            row = c.fetchone()
            return None if row is None else (row[0], bytes(row[1]))


def _blob(links: Sequence[Link]) -> bytes:
    return b"".join(h for _, h in links)


# -- in memory (the unit tests' store) ---------------------------------------------------------


class MemoryTransaction(Transaction):
    """A step's view of the in-memory store, under its lock; there is no SQL here."""

    backend = "memory"

    def __init__(self, recorder: CoprodMemoryRecorder) -> None:
        self._recorder = recorder

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[Mapping[str, Any]]:
        raise TypeError("the in-memory store runs no SQL; a step must handle backend 'memory'")

    def table(self, name: str) -> str:
        return name

    def topics_after(self, aggregate_id: UUID, version: int) -> list[str]:
        return self._recorder.topics_after(aggregate_id, version)


class CoprodMemoryRecorder(POPOApplicationRecorder):
    """The library's in-memory recorder, running checks then writes before the events land.

    It chains the events like the SQL recorders, keeping the links in a list beside them.
    """

    def __init__(self) -> None:
        super().__init__()
        self._links: list[bytes] = []

    def _insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        steps = steps_from(kwargs)
        with self._database_lock:
            self._assert_uniqueness(stored_events, **kwargs)
            if steps is not None:
                steps.run(MemoryTransaction(self))
            first = len(self._stored_events) + 1
            previous = self._links[-1] if self._links else GENESIS
            links = links_for(previous, enumerate(stored_events, start=first))
            ids = self._update_table(stored_events, **kwargs)
            self._links.extend(h for _, h in links)
            return ids

    def topics_after(self, aggregate_id: UUID, version: int) -> list[str]:
        with self._database_lock:
            index = self._stored_events_index[str(aggregate_id)]
            return [
                self._stored_events[position].topic
                for stored_version, position in sorted(index.items())
                if stored_version > version
            ]

    def select_links(self, after: int, limit: int, stop: int | None = None) -> list[Link]:
        """Links with after < notification id (<= stop), in order (see coprod.adapters.chain)."""
        with self._database_lock:
            end = len(self._links) if stop is None else min(stop, len(self._links))
            start = max(after, 0)
            return [(i + 1, self._links[i]) for i in range(start, min(end, start + limit))]

    def last_link(self, at_or_before: int | None = None) -> Link | None:
        """The link with the greatest notification id <= `at_or_before` (see coprod.adapters.chain)."""
        with self._database_lock:
            end = len(self._links) if at_or_before is None else min(at_or_before, len(self._links))
            return (end, self._links[end - 1]) if end > 0 else None
