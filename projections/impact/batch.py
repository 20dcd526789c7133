"""The rows one batch of events adds to the impact tables, and the model's small caches.

Why collected in memory: a batch holds thousands of events and the stores are fastest with a
few bulk inserts; the caches (a process's current row, which process a subject belongs to)
spare a query per event and fall back to the tables after a restart.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from eventsourcing.persistence import Tracking

from projections.ballot_runs import RUN_COLUMNS, BallotRuns
from projections.impact.facts import Fact
from projections.impact.tables import (
    BALLOT_CELL,
    CENSUS_COLUMNS,
    CONTRIBUTION_COLUMNS,
    FACT_COLUMNS,
    PROCESS_COLUMNS,
    RATE_COLUMNS,
    STATE,
    STATUS_COLUMNS,
    SUBJECT_COLUMNS,
)
from projections.kernel.batching import SubjectIndex
from projections.store import Connection
from projections.stored_ballot import to_us
from projections.valid_time import backdate, business_date, valid_since


class Caches:
    """What the model remembers between batches (dropped on reset, rebuilt from the tables)."""

    def __init__(self) -> None:
        #: process id -> the process's current row (PROCESS_COLUMNS[3:]).
        self.process: dict[str, list[Any]] = {}
        #: subject id -> the process it belongs to (the kernel's index over <g>_subjects).
        self.subjects = SubjectIndex(columns=SUBJECT_COLUMNS, remembered=("process_id",))

    def clear(self) -> None:
        self.process.clear()
        self.subjects.reset()


class Batch:
    """The rows one batch adds, collected in memory and written with a few bulk statements."""

    def __init__(self, conn: Connection, prefix: str, caches: Caches) -> None:
        self.conn = conn
        self.prefix = prefix
        self.caches = caches
        self.process_rows: list[tuple[Any, ...]] = []
        self.facts: list[tuple[Any, ...]] = []
        self.subjects = caches.subjects.buffer()
        self.ballots = BallotRuns()
        self.contributions: list[tuple[Any, ...]] = []
        self.statuses: list[tuple[Any, ...]] = []
        self.census: list[tuple[Any, ...]] = []
        self.rates: list[tuple[Any, ...]] = []

    def process(self, pid: str) -> list[Any] | None:
        """The process's current row (cached; loaded from the table on a miss)."""
        row = self.caches.process.get(pid)
        if row is None:
            found = self.conn.execute(
                f"SELECT {', '.join(PROCESS_COLUMNS[3:])} FROM {self.prefix}_process "
                "WHERE process_id = ? ORDER BY notification_id DESC LIMIT 1",
                (pid,),
            )
            if not found:
                return None
            row = list(found[0])
            self.caches.process[pid] = row
        return row

    def process_row(self, pid: str, t: Tracking, ts_us: int, row: list[Any]) -> None:
        """A new version of the process's row, valid from its recording time (or backdated)."""
        row[STATE["valid_us"]] = valid_since(ts_us, None, row[STATE["backdate_begin"]])
        self.process_rows.append((pid, t.notification_id, ts_us, *row))

    def valid(self, pid: str, ts_us: int, dated: date | None) -> int:
        """When a fact of process `pid` recorded at `ts_us` (dated or not) became true."""
        row = self.process(pid)
        return valid_since(ts_us, dated, None if row is None else row[STATE["backdate_begin"]])

    def backdate(self, pid: str, valid_us: int) -> None:
        """A past cycle's import began (see :func:`projections.valid_time.backdate`)."""
        p = self.prefix
        buffered = [
            (f"{p}_facts", self.facts, FACT_COLUMNS),
            (f"{p}_process", self.process_rows, PROCESS_COLUMNS),
        ]
        backdate(self.conn, buffered, pid, valid_us)

    def subject(self, subject_id: str, process_id: str, kind: str) -> None:
        self.caches.subjects.add(self.subjects, subject_id, process_id, kind)

    def process_of(self, subject_id: str) -> str | None:
        found = self.caches.subjects.lookup(self.conn, self.prefix, subject_id)
        if found is None:
            return None  # an aggregate this model never saw created: nothing to count
        return str(found[0])

    def fact(self, subject_id: str, t: Tracking, e: Any, fact: Fact) -> None:
        """Store a typed fact about a subject of a known process (as its stored JSON), valid
        from the event's business date or recording time (:mod:`projections.valid_time`)."""
        pid = self.process_of(subject_id)
        if pid is not None:
            self.process_fact(pid, subject_id, t, e, fact)

    def process_fact(self, pid: str, subject_id: str, t: Tracking, e: Any, fact: Fact) -> None:
        """Store a fact of process `pid` (the subject may be the process itself)."""
        ts_us = to_us(e.timestamp)
        valid_us = self.valid(pid, ts_us, business_date(e))
        data = json.dumps(fact.encode())
        row = (t.notification_id, pid, subject_id, fact.kind, ts_us, data, valid_us)
        self.facts.append(row)

    def write(self) -> None:
        p, conn = self.prefix, self.conn
        conn.insert_rows(f"{p}_process", PROCESS_COLUMNS, self.process_rows)
        self.subjects.flush(conn, p)
        conn.insert_rows(f"{p}_facts", FACT_COLUMNS, self.facts)
        conn.insert_rows(f"{p}_ballot_runs", (*BALLOT_CELL, *RUN_COLUMNS), self.ballots.rows())
        conn.insert_rows(f"{p}_contributions", CONTRIBUTION_COLUMNS, self.contributions)
        conn.insert_rows(f"{p}_contribution_status", STATUS_COLUMNS, self.statuses)
        conn.insert_rows(f"{p}_census", CENSUS_COLUMNS, self.census)
        conn.insert_rows(f"{p}_rates", RATE_COLUMNS, self.rates)
