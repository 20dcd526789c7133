"""The library's PostgreSQL application recorder with a faster way to send the rows.

`eventsourcing.postgres.PostgresApplicationRecorder` inserts a transaction's events as one
array of a composite type. psycopg builds that array in Python, escaping every event's bytes
twice (once for the composite, once for the array), and the server parses it back: on a
city-scale Pabulib import that took ~9.6 s for 66,000 events, against 1.3 s for the same rows
by COPY. This recorder sends four plain arrays (ids, versions, topics, states) in binary
instead, which costs about what COPY does.

It also runs the checks and writes a use case passes as :class:`coprod.adapters.recording.InTransaction`
inside the same transaction, after the table lock. The library's own ``insert_events`` catches
any error raised inside its pipeline and re-raises it only after the transaction block has
exited, which *commits*; a refused check must roll back, so ``insert_events`` is written out here
with the error raised inside the transaction block.

It writes the event chain (:mod:`coprod.adapters.chain`) in the same transaction too: the chain head
is read after the table lock (so no other writer can move it) and pipelined with the insert,
and the links go in as two binary arrays, so a command pays no extra round trip for reading.

Everything else is the library's, unchanged: the same transaction, the same EXCLUSIVE table
lock (so notification ids are issued in commit order and readers never pass a gap that fills
in later), the same NOTIFY, the same primary key on (originator_id, originator_version) raising
IntegrityError for the whole transaction, and the notification ids returned in event order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import InterfaceError, OperationalError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from eventsourcing.utils import retry
from psycopg import Cursor
from psycopg.rows import DictRow
from psycopg.sql import SQL, Identifier

from coprod.adapters.chain import CHAIN_TABLE, Link, before_from, head_sql, plan_links
from coprod.adapters.recording import InTransaction, Transaction, others, steps_from

#: The topic `coprod.adapters.config` gives the library for PostgreSQL stores.
TOPIC = "coprod.adapters.postgres_recorder:ArrayInsertApplicationRecorder"


class ArrayInsertApplicationRecorder(PostgresApplicationRecorder):
    """`PostgresApplicationRecorder`, inserting through binary column arrays (see module doc)."""

    def __init__(
        self, datastore: PostgresDatastore, *, events_table_name: str = "stored_events"
    ) -> None:
        super().__init__(datastore, events_table_name=events_table_name)
        self.insert_arrays_statement = SQL(
            "INSERT INTO {schema}.{table} (originator_id, originator_version, topic, state) "
            "SELECT originator_id, originator_version, topic, state "
            "FROM unnest(%b::{id_type}[], %b::bigint[], %b::text[], %b::bytea[]) "
            "WITH ORDINALITY AS e(originator_id, originator_version, topic, state, position) "
            "ORDER BY position "
            "RETURNING notification_id"
        ).format(
            schema=Identifier(self.datastore.schema),
            table=Identifier(self.events_table_name),
            id_type=SQL(self.datastore.originator_id_type),
        )
        schema = Identifier(self.datastore.schema)
        events = SQL("{}.{}").format(schema, Identifier(self.events_table_name))
        self.chain_table = SQL("{}.{}").format(schema, Identifier(CHAIN_TABLE))
        self.sql_create_statements.append(
            SQL(
                "CREATE TABLE IF NOT EXISTS {} "
                "(notification_id bigint PRIMARY KEY, hash bytea NOT NULL)"
            ).format(self.chain_table)
        )
        self.chain_head_statement = SQL(
            head_sql("{events}", "{chain}", "notification_id", bounded=False)
        ).format(events=events, chain=self.chain_table)
        self.insert_links_statement = SQL(
            "INSERT INTO {} (notification_id, hash) SELECT * FROM unnest(%b::bigint[], %b::bytea[])"
        ).format(self.chain_table)
        # Consecutive ids (every write but a back-fill over gaps): the hashes as one blob, cut
        # by the server; half the time of the arrays on a 66,000-event import.
        self.insert_consecutive_links_statement = SQL(
            "INSERT INTO {} (notification_id, hash) SELECT %b::bigint + i, "
            "substring(%b::bytea from i * 32 + 1 for 32) FROM generate_series(0, %b::integer - 1) i"
        ).format(self.chain_table)
        self.select_unlinked_statement = SQL(
            "SELECT notification_id, originator_id, originator_version, topic, state FROM {} "
            "WHERE notification_id > %s AND notification_id < %s ORDER BY notification_id"
        ).format(events)

    def _insert_stored_events(
        self,
        curs: Cursor[DictRow],
        stored_events: Sequence[StoredEvent],
        *,
        head_cursor: Cursor[DictRow] | None = None,
        **kwargs: Any,
    ) -> None:
        self._lock_table(curs)
        self._notify_channel(curs)
        if head_cursor is not None:
            # After the lock, before the insert: the head the new events follow.
            head_cursor.execute(self.chain_head_statement)
        curs.execute(
            self.insert_arrays_statement,
            (
                [e.originator_id for e in stored_events],
                [e.originator_version for e in stored_events],
                [e.topic for e in stored_events],
                [e.state for e in stored_events],
            ),
        )

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        """Insert in one transaction, with any checks and writes; any error rolls back."""
        if not stored_events:
            return None
        steps = steps_from(kwargs)
        notification_ids: Sequence[int] | None = None
        with self.datastore.get_connection() as conn, conn.transaction():
            failure: Exception | None = None
            with conn.pipeline() as pipeline, conn.cursor() as curs, conn.cursor() as head:
                try:
                    self._insert_stored_events(curs, stored_events, head_cursor=head, **kwargs)
                    # Sync now, so a uniqueness violation raises IntegrityError here.
                    pipeline.sync()
                    notification_ids = self._fetch_ids_after_insert_events(
                        curs, stored_events, **kwargs
                    )
                    self._chain(head, notification_ids or [], stored_events)
                except Exception as e:
                    # Raised outside the pipeline block (psycopg warns otherwise), but inside
                    # the transaction block, so that the transaction rolls back.
                    failure = e
            if failure is not None:
                raise failure
            if steps is not None:
                # Out of pipeline mode, so that a check reads its rows at once; still under
                # the table lock, and a refusal raised here rolls the whole transaction back.
                with conn.cursor() as curs:
                    schema, table = self.datastore.schema, self.events_table_name
                    steps.run(PostgresTransaction(curs, schema, table, stored_events))
        return notification_ids

    def _chain(
        self, curs: Cursor[DictRow], ids: Sequence[int], stored_events: Sequence[StoredEvent]
    ) -> None:
        before = before_from(curs.fetchone())
        new = list(zip(ids, stored_events, strict=True))
        links = plan_links(before, new, lambda after, below: self._unlinked(curs, after, below))
        if links[-1][0] - links[0][0] == len(links) - 1:
            blob = b"".join(h for _, h in links)
            curs.execute(self.insert_consecutive_links_statement, (links[0][0], blob, len(links)))
        else:
            curs.execute(
                self.insert_links_statement, ([i for i, _ in links], [h for _, h in links])
            )

    def _unlinked(
        self, curs: Cursor[DictRow], after: int, below: int
    ) -> list[tuple[int, StoredEvent]]:
        curs.execute(self.select_unlinked_statement, (after, below))
        return [
            (
                row["notification_id"],
                StoredEvent(
                    row["originator_id"], row["originator_version"], row["topic"], row["state"]
                ),
            )
            for row in curs.fetchall()
        ]

    def select_links(self, after: int, limit: int, stop: int | None = None) -> list[Link]:
        """Links with after < notification id (<= stop), in order (see coprod.adapters.chain)."""
        bound = stop if stop is not None else 2**63 - 1
        statement = SQL(
            "SELECT notification_id, hash FROM {} WHERE notification_id > %s "
            "AND notification_id <= %s ORDER BY notification_id LIMIT %s"
        ).format(self.chain_table)
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(statement, (after, bound, limit))
            return [(row["notification_id"], bytes(row["hash"])) for row in curs.fetchall()]

    def last_link(self, at_or_before: int | None = None) -> Link | None:
        """The link with the greatest notification id <= `at_or_before` (see coprod.adapters.chain)."""
        bound = at_or_before if at_or_before is not None else 2**63 - 1
        statement = SQL(
            "SELECT notification_id, hash FROM {} WHERE notification_id <= %s "
            "ORDER BY notification_id DESC LIMIT 1"
        ).format(self.chain_table)
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(statement, (bound,))
            row = curs.fetchone()
            return None if row is None else (row["notification_id"], bytes(row["hash"]))


class PostgresTransaction(Transaction):
    """A step's view of the PostgreSQL transaction, after the EXCLUSIVE table lock."""

    backend = "postgres"

    def __init__(
        self,
        cursor: Cursor[DictRow],
        schema: str,
        events_table: str,
        own: Sequence[StoredEvent],
    ) -> None:
        self._cursor = cursor
        self._schema = schema
        self._events_table = events_table
        self._own = own

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[Mapping[str, Any]]:
        self._cursor.execute(sql.replace("?", "%s"), tuple(params))
        # Steps run out of pipeline mode (see insert_events), so ``description`` is known at
        # once: None for a statement that returns no rows.
        if self._cursor.description is None:
            return []
        return [dict(row) for row in self._cursor.fetchall()]

    def table(self, name: str) -> str:
        return f'"{self._schema}"."{name}"'

    def topics_after(self, aggregate_id: UUID, version: int) -> list[str]:
        rows = self.execute(
            f"SELECT originator_version, topic FROM {self.table(self._events_table)} "
            "WHERE originator_id = ? AND originator_version > ? ORDER BY originator_version",
            (aggregate_id, version),
        )
        return others(rows, aggregate_id, self._own)


__all__ = ["ArrayInsertApplicationRecorder", "InTransaction", "PostgresTransaction"]
