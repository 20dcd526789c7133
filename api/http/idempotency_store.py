"""The Idempotency-Key reservation table: reserve, complete, release, purge (api/http/idempotency.py).

One short transaction per method; the primary key on (scope, key) makes the insert the
arbiter between concurrent requests on SQLite and PostgreSQL alike. The middleware that
uses it, and why a committed reservation is never released, are described in
:mod:`api.http.idempotency`.
"""

from __future__ import annotations

import base64
import json
import logging
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from api.keys import SqlTables
from coprod.adapters.recording import Transaction
from coprod.domain.errors import Conflict, StoreUnavailable

log = logging.getLogger(__name__)

IDEMPOTENCY_HEADER = "Idempotency-Key"

TABLE = "coprod_api_idempotency_v1"
_DDL = (
    "scope TEXT NOT NULL, idem_key TEXT NOT NULL, fingerprint TEXT NOT NULL, "
    "token TEXT NOT NULL, reserved_at DOUBLE PRECISION NOT NULL, status INTEGER, "
    "response TEXT, PRIMARY KEY (scope, idem_key)"
)
#: A reservation older than this belongs to a request that died; another may take it over.
LEASE_S = 30.0
#: How long a key and its answer are kept.
RETENTION_S = 24 * 3600.0
#: How often (at most) a process deletes the rows older than the retention.
PURGE_EVERY_S = 600.0


@dataclass(frozen=True)
class Stored:
    """A finished first response, ready to replay."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes


class IdempotencyStore:
    """The reservation table; each method is one short transaction."""

    def __init__(
        self,
        tables: SqlTables,
        *,
        retention_s: float = RETENTION_S,
        purge_every_s: float = PURGE_EVERY_S,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.tables = tables
        self.table = tables.name(TABLE)
        self.retention_s = retention_s
        self.purge_every_s = purge_every_s
        self.clock = clock
        self._next_purge = 0.0
        self._purge_lock = threading.Lock()

    def _cursor(self) -> Any:
        return self.tables.cursor(TABLE, _DDL)

    def reserve(self, scope: str, key: str, fingerprint: str) -> str | Stored | None:
        """Our token if we now own the key, the stored response, or None if another runs it.

        Raises :class:`ValueError` when the key was used for a different request.
        """
        p = self.tables.p
        token = secrets.token_hex(16)
        now = self.clock()
        self._purge_if_due(now)
        with self._cursor() as c:
            # RETURNING answers the common case (a fresh key) in the one statement.
            c.execute(
                f"INSERT INTO {self.table} (scope, idem_key, fingerprint, token, reserved_at) "
                f"VALUES ({p}, {p}, {p}, {p}, {p}) ON CONFLICT (scope, idem_key) DO NOTHING "
                "RETURNING token",
                (scope, key, fingerprint, token, now),
            )
            if c.fetchone() is not None:
                return token
            c.execute(
                f"SELECT fingerprint, token, reserved_at, status, response FROM {self.table} "
                f"WHERE scope = {p} AND idem_key = {p}",
                (scope, key),
            )
            row = c.fetchone()
            if row is None:  # released between our insert and select: try again
                return None
            if row["fingerprint"] != fingerprint:
                raise ValueError(key)
            if row["status"] is not None:
                return _decode(int(row["status"]), row["response"])
            if row["response"] is not None:  # committed; its answer was never stored
                return rebuild(row["response"])
            if row["token"] == token:
                return token
            if now - float(row["reserved_at"]) > LEASE_S:
                c.execute(
                    f"UPDATE {self.table} SET token = {p}, reserved_at = {p} "
                    f"WHERE scope = {p} AND idem_key = {p} AND token = {p}",
                    (token, now, scope, key, row["token"]),
                )
                c.execute(
                    f"SELECT token FROM {self.table} WHERE scope = {p} AND idem_key = {p}",
                    (scope, key),
                )
                taken = c.fetchone()
                if taken is not None and taken["token"] == token:
                    return token  # the first request died; we run it now
        return None

    def purge(self, now: float | None = None) -> int:
        """Delete the keys reserved longer ago than the retention; returns how many."""
        cutoff = (self.clock() if now is None else now) - self.retention_s
        old = f"FROM {self.table} WHERE reserved_at < {self.tables.p}"
        with self._cursor() as c:
            # One write statement: a read before the delete would hold a snapshot that SQLite
            # cannot upgrade to a write if another connection wrote meanwhile ("database is
            # locked" at once, without waiting). RETURNING counts, as the library's SQLite
            # cursor has no rowcount.
            c.execute(f"DELETE {old} RETURNING idem_key", (cutoff,))
            return len(c.fetchall())

    def _purge_if_due(self, now: float) -> threading.Thread | None:
        """Start a purge beside the request when one is due (never in the request's way)."""
        with self._purge_lock:
            if now < self._next_purge:
                return None
            self._next_purge = now + self.purge_every_s
        purger = threading.Thread(
            target=self._purge_quietly, args=(now,), name="idempotency-purge", daemon=True
        )
        purger.start()
        return purger

    def _purge_quietly(self, now: float) -> None:
        try:
            self.purge(now)
        except StoreUnavailable as e:  # the next one due will try again
            log.warning("idempotency keys not purged: %s", e)

    def complete(self, scope: str, key: str, token: str, response: Stored) -> None:
        p = self.tables.p
        encoded = json.dumps(
            {"headers": response.headers, "body": base64.b64encode(response.body).decode()}
        )
        with self._cursor() as c:
            c.execute(
                f"UPDATE {self.table} SET status = {p}, response = {p} "
                f"WHERE scope = {p} AND idem_key = {p} AND token = {p}",
                (response.status, encoded, scope, key, token),
            )

    def release(self, scope: str, key: str, token: str) -> None:
        """Forget a reservation whose request recorded nothing (a committed one is kept)."""
        p = self.tables.p
        with self._cursor() as c:
            c.execute(
                f"DELETE FROM {self.table} WHERE scope = {p} AND idem_key = {p} AND token = {p} "
                "AND response IS NULL",
                (scope, key, token),
            )

    def check_owner(self, t: Transaction, scope: str, key: str, token: str) -> None:
        """Inside the command's transaction: refuse if a retry has taken the key over."""
        rows = t.execute(
            f"SELECT token FROM {t.table(TABLE)} WHERE scope = ? AND idem_key = ?", (scope, key)
        )
        if not rows or rows[0]["token"] != token:
            raise Conflict(
                f"a retry with the same {IDEMPOTENCY_HEADER} took this request over; "
                "its answer is the one that counts"
            )

    def record_commit(
        self, t: Transaction, scope: str, key: str, token: str, receipt: dict[str, Any]
    ) -> None:
        """Inside the command's transaction: the receipt a retry's answer is rebuilt from."""
        t.execute(
            f"UPDATE {t.table(TABLE)} SET response = ? "
            "WHERE scope = ? AND idem_key = ? AND token = ?",
            (json.dumps({"committed": receipt}), scope, key, token),
        )


def rebuild(response: str) -> Stored:
    """The answer of a command that committed but whose response was never stored.

    The same body (a CommandResult) and headers (ETag, Location) as the route sent or would
    have sent, compacted as FastAPI writes JSON.
    """
    receipt = json.loads(response)["committed"]
    body = json.dumps(
        {k: receipt[k] for k in ("id", "version", "position", "item_id")},
        separators=(",", ":"),
        ensure_ascii=False,
    ).encode()
    headers = [
        ("content-length", str(len(body))),
        ("content-type", "application/json"),
        ("etag", f'"{receipt["version"]}"'),
    ]
    if receipt.get("location"):
        headers.append(("location", str(receipt["location"])))
    return Stored(int(receipt["status"]), headers, body)


def _decode(status: int, response: str) -> Stored:
    data = json.loads(response)
    headers = [(str(k), str(v)) for k, v in data["headers"]]
    return Stored(status, headers, base64.b64decode(data["body"]))
