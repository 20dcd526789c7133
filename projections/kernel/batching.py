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
    """Aggregate id -> what the model remembers of it (its process, say), cached across
    batches and backed by the model's ``subjects`` table.

    `columns` are the table's columns, the subject id first; `remembered` those of them
    the index returns (process_summary: the process id; the timeline also keeps the
    chain). :meth:`add` records a subject in the cache and in the batch's
    :class:`RowBuffer` for that table, so a failed batch loses the rows with the buffer;
    :meth:`reset` then forgets the cache too. The model writes the table's DDL.
    """

    def __init__(
        self,
        suffix: str = "subjects",
        columns: Sequence[str] = ("subject_id", "process_id", "kind"),
        remembered: Sequence[str] = ("process_id",),
    ) -> None:
        self.suffix = suffix
        self.columns = tuple(columns)
        self._picks = tuple(self.columns.index(c) for c in remembered)
        self._select = ", ".join(remembered)
        self._known: dict[str, tuple[Any, ...]] = {}

    def buffer(self) -> RowBuffer:
        """An empty buffer for one batch's new subjects."""
        return RowBuffer(self.suffix, self.columns)

    def add(self, rows: RowBuffer, *row: Any) -> None:
        """Record a new subject (`row` in :attr:`columns` order): known at once, written
        with the batch's `rows`."""
        self._known[row[0]] = tuple(row[i] for i in self._picks)
        rows.rows.append(row)

    def lookup(self, conn: Connection, prefix: str, subject_id: str) -> tuple[Any, ...] | None:
        """What is remembered of a subject, or None for one the model never saw created."""
        found = self._known.get(subject_id)
        if found is None:
            rows = conn.execute(
                f"SELECT {self._select} FROM {prefix}_{self.suffix} WHERE {self.columns[0]} = ?",
                (subject_id,),
            )
            if not rows:
                return None
            found = self._known[subject_id] = tuple(rows[0])
        return found

    def reset(self) -> None:
        """Forget the cache (after a failed batch: it may be ahead of the table)."""
        self._known.clear()
