"""Counted ballots stored as runs: one row per batch and key, still exact as of any moment.

A big vote is almost all of a log, and one row per ballot made every rebuild write (and
index) 100k rows per read model. A run is what one batch counted for one key (a process,
plus the demographic cell for the impact model): how many ballots, their log positions and
their timestamps, and the first and last timestamp. As of T, a run that ended by T counts
whole (an SQL ``SUM``); the few runs that straddle T are counted ballot by ballot from
their timestamps, so the answer is the per-ballot answer exactly. Live, a batch is a few
events, so runs are short; on a rebuild they are long, and the writes few.

``positions`` and ``stamps`` are comma-separated integers, in log order: the notification
ids, and each ballot's timestamp in microseconds after ``ts_first``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from projections.store import Connection

__all__ = ["RUN_COLUMNS", "RUN_DICTIONARY", "BallotRuns", "counts_as_of", "expand", "run_table_ddl"]

#: The columns after the key columns.
RUN_COLUMNS = ("notification_id", "n", "ts_first", "ts_last", "positions", "stamps")

#: What the data dictionary says of them.
RUN_DICTIONARY = {
    "notification_id": "Log position of the run's last ballot.",
    "n": "Ballots in the run (counted ones: none recorded after the ballot closed).",
    "ts_first": "Earliest ballot timestamp in the run, microseconds since 1970 UTC.",
    "ts_last": "Latest ballot timestamp in the run, microseconds since 1970 UTC.",
    "positions": "The ballots' log positions, comma-separated, in log order.",
    "stamps": "Each ballot's timestamp minus ts_first in microseconds, comma-separated, "
    "in the order of positions.",
}


def run_table_ddl(table: str, key_columns: Sequence[str]) -> list[str]:
    """The runs table and its as-of index, for a key of TEXT columns (process_id first)."""
    keys = ", ".join(
        f"{c} TEXT NOT NULL" if c == "process_id" else f"{c} TEXT" for c in key_columns
    )
    return [
        f"CREATE TABLE IF NOT EXISTS {table} ({keys}, notification_id BIGINT PRIMARY KEY, "
        "n INTEGER NOT NULL, ts_first BIGINT NOT NULL, ts_last BIGINT NOT NULL, "
        "positions TEXT NOT NULL, stamps TEXT NOT NULL)",
        f"CREATE INDEX IF NOT EXISTS {table}_asof ON {table} (process_id, ts_last)",
    ]


class BallotRuns:
    """One batch's counted ballots, gathered per key."""

    def __init__(self) -> None:
        self._runs: dict[tuple[Any, ...], tuple[list[int], list[int]]] = {}

    def add(self, key: tuple[Any, ...], notification_id: int, ts_us: int) -> None:
        run = self._runs.get(key)
        if run is None:
            self._runs[key] = ([notification_id], [ts_us])
        else:
            run[0].append(notification_id)
            run[1].append(ts_us)

    def rows(self) -> list[tuple[Any, ...]]:
        """One row per key: the key columns, then :data:`RUN_COLUMNS`."""
        rows = []
        for key, (positions, stamps) in self._runs.items():
            first = min(stamps)
            rows.append(
                (
                    *key,
                    positions[-1],
                    len(positions),
                    first,
                    max(stamps),
                    ",".join(map(str, positions)),
                    ",".join(str(s - first) for s in stamps),
                )
            )
        return rows


def counts_as_of(
    conn: Connection, table: str, key_columns: Sequence[str], process_id: str, until: int
) -> Counter[tuple[Any, ...]]:
    """Ballots per key (the columns after ``process_id``) with a timestamp at or before ``until``."""
    cells = list(key_columns)
    selected = "".join(f"{c}, " for c in cells)
    grouped = f" GROUP BY {', '.join(cells)}" if cells else ""
    counts: Counter[tuple[Any, ...]] = Counter()
    for row in conn.execute(
        f"SELECT {selected}SUM(n) FROM {table} WHERE process_id = ? AND ts_last <= ?{grouped}",
        (process_id, until),
    ):
        if row[-1] is not None:
            counts[tuple(row[:-1])] += int(row[-1])
    for row in conn.execute(
        f"SELECT {selected}ts_first, stamps FROM {table} "
        "WHERE process_id = ? AND ts_last > ? AND ts_first <= ?",
        (process_id, until, until),
    ):
        limit = until - int(row[-2])
        counts[tuple(row[:-2])] += sum(1 for s in str(row[-1]).split(",") if int(s) <= limit)
    return counts


def expand(rows: Sequence[Sequence[Any]], key_len: int) -> list[tuple[Any, ...]]:
    """Runs as one ``(*key, position, ts_us)`` per ballot, whatever batches made them."""
    ballots: list[tuple[Any, ...]] = []
    for row in rows:
        key, first = tuple(row[:key_len]), int(row[key_len + 2])
        positions, stamps = str(row[key_len + 4]).split(","), str(row[key_len + 5]).split(",")
        ballots.extend(
            (*key, int(p), first + int(s)) for p, s in zip(positions, stamps, strict=True)
        )
    return ballots
