"""Batching and the subject index: what every read model's writer needs, written once.

Why batching: a read model applies a whole batch of events (thousands during a rebuild) in
one transaction, so it collects the rows in memory and writes each table with one bulk
statement (COPY on PostgreSQL, ``executemany`` on SQLite) instead of one INSERT per event:
that is most of the rebuild speed. :class:`RowBuffer` is that buffer for one table.

Why a subject index: most events of a proposal, decision or project do not repeat the
process they belong to, so a model records, when the aggregate is created, which process
it belongs to, and looks it up for every later event. :class:`SubjectIndex` keeps that map
in memory across batches (a rebuild would otherwise query it per event) and falls back to
the model's table on a miss (after a restart, or a :meth:`reset` after a failed batch).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from projections.store import Connection

__all__ = ["RowBuffer", "SubjectIndex"]


class RowBuffer:
    """Rows for one table, appended while a batch is applied and written in one statement."""

    __slots__ = ("columns", "rows", "suffix")

    def __init__(self, suffix: str, columns: Sequence[str]) -> None:
        self.suffix = suffix
        self.columns = tuple(columns)
        self.rows: list[tuple[Any, ...]] = []

    def add(self, *row: Any) -> None:
        self.rows.append(row)

    def flush(self, conn: Connection, prefix: str, *, upsert: str | None = None) -> None:
        """Write the rows to ``<prefix>_<suffix>`` and forget them.

        Plain rows are appended (COPY on PostgreSQL). With `upsert` (an ``ON CONFLICT``
        clause, where ``{table}`` stands for the table) they go through ``executemany``.
        """
        rows, self.rows = self.rows, []
        if not rows:
            return
        table = f"{prefix}_{self.suffix}"
        if upsert is None:
            conn.insert_rows(table, self.columns, rows)
            return
        marks = ", ".join("?" for _ in self.columns)
        conn.executemany(
            f"INSERT INTO {table} ({', '.join(self.columns)}) VALUES ({marks}) "
            + upsert.format(table=table),
            rows,
        )


class SubjectIndex:
    """Aggregate id -> process id, cached across batches, backed by a ``subjects`` table.

    The table has columns :data:`COLUMNS` (one row per subject; :meth:`ddl` creates it).
    :meth:`add` records a subject in the cache and in the batch's :class:`RowBuffer` for
    that table, so a failed batch loses the rows with the buffer; :meth:`reset` then
    forgets the cache too.
    """

    COLUMNS = ("subject_id", "process_id", "kind")

    def __init__(self, suffix: str = "subjects") -> None:
        self.suffix = suffix
        self._known: dict[str, str] = {}

    def ddl(self, prefix: str) -> str:
        return (
            f"CREATE TABLE IF NOT EXISTS {prefix}_{self.suffix} (subject_id TEXT PRIMARY KEY, "
            "process_id TEXT NOT NULL, kind TEXT NOT NULL)"
        )

    def buffer(self) -> RowBuffer:
        """An empty buffer for one batch's new subjects."""
        return RowBuffer(self.suffix, self.COLUMNS)

    def add(self, rows: RowBuffer, subject_id: str, process_id: str, kind: str) -> None:
        """Record a new subject: known at once, written with the batch's `rows`."""
        self._known[subject_id] = process_id
        rows.add(subject_id, process_id, kind)

    def process_of(self, conn: Connection, prefix: str, subject_id: str) -> str | None:
        """The process a subject belongs to, or None for one the model never saw created."""
        pid = self._known.get(subject_id)
        if pid is None:
            found = conn.execute(
                f"SELECT process_id FROM {prefix}_{self.suffix} WHERE subject_id = ?",
                (subject_id,),
            )
            if not found:
                return None
            pid = str(found[0][0])
            self._known[subject_id] = pid
        return pid

    def reset(self) -> None:
        """Forget the cache (after a failed batch: it may be ahead of the table)."""
        self._known.clear()
