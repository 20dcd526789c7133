"""The library's PostgreSQL application recorder with a faster way to send the rows.

`eventsourcing.postgres.PostgresApplicationRecorder` inserts a transaction's events as one
array of a composite type. psycopg builds that array in Python, escaping every event's bytes
twice (once for the composite, once for the array), and the server parses it back: on a
city-scale Pabulib import that took ~9.6 s for 66,000 events, against 1.3 s for the same rows
by COPY. This recorder sends four plain arrays (ids, versions, topics, states) in binary
instead, which costs about what COPY does.

Everything else is the library's, unchanged: the same transaction, the same EXCLUSIVE table
lock (so notification ids are issued in commit order and readers never pass a gap that fills
in later), the same NOTIFY, the same primary key on (originator_id, originator_version) raising
IntegrityError for the whole transaction, and the notification ids returned in event order.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from psycopg import Cursor
from psycopg.rows import DictRow
from psycopg.sql import SQL, Identifier

#: The topic `coprod.config` gives the library for PostgreSQL stores.
TOPIC = "coprod_pg.recorder:ArrayInsertApplicationRecorder"


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

    def _insert_stored_events(
        self,
        curs: Cursor[DictRow],
        stored_events: Sequence[StoredEvent],
        **kwargs: Any,
    ) -> None:
        self._lock_table(curs)
        self._notify_channel(curs)
        curs.execute(
            self.insert_arrays_statement,
            (
                [e.originator_id for e in stored_events],
                [e.originator_version for e in stored_events],
                [e.topic for e in stored_events],
                [e.state for e in stored_events],
            ),
        )
