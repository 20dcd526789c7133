"""Where read models live: the events' own database, through one small connection wrapper.

Read models sit beside the events (same SQLite file or PostgreSQL schema) in their own,
versioned tables, so a view can be joined with nothing else and dropped without touching
the log. SQL is written once with ``?`` placeholders and the dialect's few differences
(bulk load, write locking, listing tables) live here, so read models stay backend-free.

A registry table records, per read model version, which table generation readers use;
a rebuild fills a new generation beside the old one and flips that row (see projections.kernel.generations).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import psycopg

from coprod.adapters.config import StoreSettings
from coprod.domain.errors import InvalidInput, StoreUnavailable

REGISTRY = "coprod_read_models"

#: Errors that mean "the database said no for now" (locked, dropped under us, conflict).
DB_ERRORS: tuple[type[Exception], ...] = (sqlite3.Error, psycopg.Error)


class Connection:
    """One database connection with the dialect differences read models must not see."""

    def __init__(self, settings: StoreSettings, *, busy_timeout_s: float = 10.0) -> None:
        self.backend = settings.backend
        env = settings.env
        if self.backend == "sqlite":
            name = env["SQLITE_DBNAME"]
            if name == ":memory:" or env.get("PERSISTENCE_MODULE") != "eventsourcing.sqlite":
                raise InvalidInput(
                    "COPROD_DATABASE_URL",
                    "read models need a database file or server shared with the events, "
                    "not an in-memory store",
                )
            self._sqlite = sqlite3.connect(
                name, isolation_level=None, timeout=busy_timeout_s, check_same_thread=False
            )
            self._sqlite.execute("PRAGMA journal_mode=WAL")
            self._sqlite.execute("PRAGMA synchronous=NORMAL")
        elif self.backend == "postgres":
            try:
                self._pg = psycopg.connect(
                    host=env["POSTGRES_HOST"],
                    port=env["POSTGRES_PORT"],
                    dbname=env["POSTGRES_DBNAME"],
                    user=env["POSTGRES_USER"],
                    password=env["POSTGRES_PASSWORD"],
                    connect_timeout=int(env.get("POSTGRES_CONNECT_TIMEOUT", "5")),
                    options=f"-c search_path={env['POSTGRES_SCHEMA']}",
                    autocommit=True,
                )
            except psycopg.OperationalError as e:
                raise StoreUnavailable(f"cannot reach {settings.display}: {e}") from e
        else:  # pragma: no cover - parse_database_url admits only these two
            raise InvalidInput("backend", f"unsupported backend {self.backend!r}")
        self._depth = 0

    # -- statements ----------------------------------------------------------------------------

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s") if self.backend == "postgres" else sql

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Run one statement; rows if it returns any (an empty list otherwise)."""
        if self.backend == "sqlite":
            cur = self._sqlite.execute(sql, tuple(params))
            return cur.fetchall() if cur.description else []
        with self._pg.cursor() as pcur:
            pcur.execute(self._sql(sql), tuple(params))  # type: ignore[arg-type]
            return pcur.fetchall() if pcur.description else []

    def execute_count(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run one statement and return how many rows it changed."""
        if self.backend == "sqlite":
            return self._sqlite.execute(sql, tuple(params)).rowcount
        with self._pg.cursor() as pcur:
            pcur.execute(self._sql(sql), tuple(params))  # type: ignore[arg-type]
            return pcur.rowcount

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        if self.backend == "sqlite":
            self._sqlite.executemany(sql, rows)
        else:
            with self._pg.cursor() as pcur:
                pcur.executemany(self._sql(sql), rows)  # type: ignore[arg-type]

    def insert_rows(
        self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
    ) -> None:
        """Append many rows as fast as the backend allows (COPY on PostgreSQL)."""
        if not rows:
            return
        if self.backend == "sqlite":
            marks = ", ".join("?" for _ in columns)
            self._sqlite.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows
            )
            return
        with (
            self._pg.cursor() as pcur,
            pcur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,  # type: ignore[arg-type]
        ):
            for row in rows:
                copy.write_row(row)

    # -- transactions --------------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """A write transaction: all or nothing; on SQLite it takes the write lock up front.

        Nested calls join the outer transaction (the outer one commits or rolls back) as a
        savepoint: a nested block that fails is undone alone, so the outer one can go on
        (the runner isolates a bad event that way inside a generation switch).
        """
        if self._depth:
            self._depth += 1
            try:
                if self.backend == "sqlite":
                    savepoint = f"coprod_nested_{self._depth}"
                    self._sqlite.execute(f"SAVEPOINT {savepoint}")
                    try:
                        yield self
                    except BaseException:
                        self._sqlite.execute(f"ROLLBACK TO {savepoint}")
                        self._sqlite.execute(f"RELEASE {savepoint}")
                        raise
                    self._sqlite.execute(f"RELEASE {savepoint}")
                else:
                    with self._pg.transaction():  # psycopg: a savepoint when nested
                        yield self
            finally:
                self._depth -= 1
            return
        self._depth = 1
        try:
            if self.backend == "sqlite":
                self._sqlite.execute("BEGIN IMMEDIATE")
                try:
                    yield self
                except BaseException:
                    self._sqlite.execute("ROLLBACK")
                    raise
                self._sqlite.execute("COMMIT")
            else:
                with self._pg.transaction():
                    yield self
        finally:
            self._depth = 0

    @contextmanager
    def snapshot(self) -> Iterator[Connection]:
        """A read transaction: every query inside sees the same committed state."""
        if self.backend == "sqlite":
            self._sqlite.execute("BEGIN")
            try:
                yield self
            finally:
                self._sqlite.execute("COMMIT")
        else:
            with self._pg.transaction():
                self._pg.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                yield self

    @staticmethod
    def is_missing_table(error: Exception) -> bool:
        """True when a table vanished under a reader (a rebuild switched generations)."""
        if isinstance(error, psycopg.errors.UndefinedTable):
            return True
        return isinstance(error, sqlite3.OperationalError) and "no such table" in str(error)

    def advisory_lock(self, key: str) -> None:
        """Inside a transaction: serialise DDL between processes (PostgreSQL only needs it)."""
        if self.backend == "postgres":
            self.execute("SELECT pg_advisory_xact_lock(hashtext(?))", (key,))

    def tables(self) -> set[str]:
        if self.backend == "sqlite":
            rows = self.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        else:
            rows = self.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
            )
        return {str(r[0]) for r in rows}

    def close(self) -> None:
        if self.backend == "sqlite":
            self._sqlite.close()
        else:
            self._pg.close()

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@dataclass(frozen=True)
class Generation:
    """Which table generation of a read model version readers use, and which one is building."""

    model: str
    active: int
    building: int | None


def ensure_registry(conn: Connection) -> None:
    with conn.transaction():
        conn.advisory_lock(REGISTRY)
        conn.execute(
            f"CREATE TABLE IF NOT EXISTS {REGISTRY} (model TEXT PRIMARY KEY, "
            "active_generation INTEGER NOT NULL, building_generation INTEGER, "
            "switched_at_us BIGINT NOT NULL)"
        )


def read_generation(conn: Connection, model: str) -> Generation | None:
    rows = conn.execute(
        f"SELECT active_generation, building_generation FROM {REGISTRY} WHERE model = ?", (model,)
    )
    if not rows:
        return None
    return Generation(model, int(rows[0][0]), None if rows[0][1] is None else int(rows[0][1]))


def now_us() -> int:
    return time.time_ns() // 1000
