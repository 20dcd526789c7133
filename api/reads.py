"""The query side's access to the read models: pooled connections and read-your-writes waits.

Why a pool: a query is a few indexed reads, so opening a database connection per request
(several ms on PostgreSQL) would cost more than the query. Idle connections are kept and
reused; one that failed is closed rather than handed to the next request.

Why two ways to wait for ``min_position``: with an in-process projection worker (the SQLite
default) the worker signals each committed batch, so a wait wakes as soon as the position
is reached; with a separate ``coprod project`` worker (PostgreSQL) only the database knows,
so the tracking positions of the active generations are polled. Either way the wait is
bounded and a client that waited too long gets 503 with Retry-After, never stale data
presented as fresh.
"""

from __future__ import annotations

import queue
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg

from api.http.errors import ReadModelsBehind
from coprod.adapters.config import StoreSettings
from coprod.domain.errors import StoreUnavailable
from projections.queries import positions
from projections.registry import ProjectionWorker
from projections.store import Connection

__all__ = ["POLL_S", "ReadStore"]

#: How often a wait without an in-process worker looks at the positions again.
POLL_S = 0.05
#: The first pause when the worker is another process: a write is usually applied within a
#: few milliseconds, and a fixed 50 ms poll made every read-your-writes redirect cost ~50 ms
#: (benchmarks/phone_log.py); the pause doubles up to POLL_S, so a slow catch-up costs at
#: most a few more cheap position reads.
FIRST_POLL_S = 0.002

#: Errors after which a pooled connection is not trusted again (server gone, link broken).
_BROKEN: tuple[type[Exception], ...] = (
    psycopg.OperationalError,
    psycopg.InterfaceError,
    sqlite3.OperationalError,
)


class ReadStore:
    """Connections to the read models, and the wait for a log position, for one app."""

    def __init__(
        self,
        settings: StoreSettings,
        worker: ProjectionWorker | None = None,
        *,
        wait_s: float = 5.0,
    ) -> None:
        self.settings = settings
        self.worker = worker
        self.wait_s = wait_s
        self._idle: queue.SimpleQueue[Connection] = queue.SimpleQueue()

    @contextmanager
    def connection(self) -> Iterator[Connection]:
        """A connection for one request; a broken one is dropped and reported as 503."""
        try:
            conn = self._idle.get_nowait()
        except queue.Empty:
            conn = Connection(self.settings)
        try:
            yield conn
        except _BROKEN as e:
            if Connection.is_missing_table(e):  # a rebuild raced us; the link is fine
                self._idle.put(conn)
            else:
                conn.close()
            raise StoreUnavailable(f"the read models' store failed: {e}") from e
        except BaseException:
            self._idle.put(conn)
            raise
        self._idle.put(conn)

    def wait_for(self, position: int | None) -> None:
        """Return once every read model has applied `position`; ReadModelsBehind after wait_s."""
        if position is None or position <= 0:
            return
        if self.worker is not None:
            try:
                self.worker.wait_for(position, timeout=self.wait_s)
            except TimeoutError:
                raise self._behind(position, self.worker.positions()) from None
            return
        deadline = time.monotonic() + self.wait_s
        pause = FIRST_POLL_S
        while True:
            with self.connection() as conn:
                applied = positions(conn)
            if min(applied.values(), default=0) >= position:
                return
            if time.monotonic() >= deadline:
                raise self._behind(position, applied)
            time.sleep(pause)
            pause = min(pause * 2, POLL_S)

    def _behind(self, position: int, positions: dict[str, int]) -> ReadModelsBehind:
        at = min(positions.values(), default=0)
        return ReadModelsBehind(
            f"the read models have not reached position {position} within {self.wait_s:g} s "
            f"(they are at {at}); retry shortly, or ask without min_position for what they "
            "show now"
        )

    def close(self) -> None:
        while True:
            try:
                self._idle.get_nowait().close()
            except queue.Empty:
                return
