"""Voting codes: the one-time codes posted to residents, stored only as hashes.

Why a table and not events: a code is a bearer secret, and the event log is immutable and
published in parts; a hash of each code beside the events (SQLite or PostgreSQL, as the
personal-data store) lets the server recognise a code without keeping it. A copy of the
table opens no vote: the codes have 60 random bits, too many to try offline against a hash.

A code is never marked "used" here: the ballot it casts has an id derived from the code's
pseudonym (:mod:`coprod.domain.ballot`), so the ballot box itself refuses a second ballot,
in the same transaction that would record it, on both stores and across server processes.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from eventsourcing.persistence import InterfaceError, OperationalError

from coprod.domain.errors import InvalidInput, StoreUnavailable

__all__ = [
    "CODES_TABLE",
    "CODE_ALPHABET",
    "InMemoryVotingCodeStore",
    "SQLVotingCodeStore",
    "VotingCodeStore",
    "code_hash",
    "new_code",
    "normalise_code",
    "voting_code_store_for",
]

CODES_TABLE = "coprod_voting_codes_v1"
#: Capital letters and digits a reader cannot confuse: no I, O, 0 or 1 (32 symbols, 5 bits).
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
#: 12 symbols: 60 random bits, typed as three groups of four (ABCD-EFGH-JKMN).
CODE_LENGTH = 12
_GROUP = 4


def new_code() -> str:
    """A fresh random code, grouped for typing: ``ABCD-EFGH-JKMN``."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + _GROUP] for i in range(0, CODE_LENGTH, _GROUP))


def normalise_code(text: str) -> str | None:
    """The code's 12 symbols as typed, ignoring case, spaces and dashes; None if it cannot be one.

    Anything else than the alphabet (after upper-casing) makes it no code at all, so a
    malformed entry never reaches the table.
    """
    if not isinstance(text, str) or len(text) > 40:
        return None
    symbols = "".join(ch for ch in text.upper() if ch not in " -\t")
    if len(symbols) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in symbols):
        return None
    return symbols


def code_hash(code: str) -> str | None:
    """The stored form of a code (SHA-256 of its normalised symbols), or None for no code."""
    symbols = normalise_code(code)
    if symbols is None:
        return None
    return hashlib.sha256(f"coprod-voting-code:{symbols}".encode()).hexdigest()


class VotingCodeStore(ABC):
    """Which process each code hash opens a vote in."""

    @abstractmethod
    def add(self, process_id: UUID, hashes: Iterable[str]) -> None:
        """Store new codes' hashes for a process, all or none."""

    @abstractmethod
    def process_of(self, hashed: str) -> UUID | None:
        """The process a code hash belongs to, or None for a code never issued."""

    @abstractmethod
    def count(self, process_id: UUID) -> int:
        """How many codes were issued for a process (for the officer, never the codes)."""


class InMemoryVotingCodeStore(VotingCodeStore):
    """The unit tests' store: a dictionary with a lock."""

    def __init__(self) -> None:
        self._codes: dict[str, UUID] = {}
        self._lock = threading.Lock()

    def add(self, process_id: UUID, hashes: Iterable[str]) -> None:
        new = list(hashes)
        with self._lock:
            if any(h in self._codes for h in new):
                raise InvalidInput("codes", "a code was already issued; none was stored")
            self._codes.update(dict.fromkeys(new, process_id))

    def process_of(self, hashed: str) -> UUID | None:
        with self._lock:
            return self._codes.get(hashed)

    def count(self, process_id: UUID) -> int:
        with self._lock:
            return sum(1 for p in self._codes.values() if p == process_id)


class SQLVotingCodeStore(VotingCodeStore):
    """One table beside the events, through the library's datastore (either database)."""

    def __init__(self, datastore: Any, *, paramstyle: str, schema: str | None = None) -> None:
        self._datastore = datastore
        self._p = paramstyle
        prefix = "" if not schema else '"' + schema.replace('"', '""') + '".'
        self.table = prefix + CODES_TABLE
        self._ready = False
        self._lock = threading.Lock()

    @contextmanager
    def _cursor(self) -> Iterator[Any]:
        try:
            with self._lock:
                if not self._ready:
                    with self._datastore.transaction(commit=True) as c:
                        c.execute(
                            f"CREATE TABLE IF NOT EXISTS {self.table} (code_hash TEXT PRIMARY "
                            "KEY, process_id TEXT NOT NULL, created_at TEXT NOT NULL)"
                        )
                    self._ready = True
            with self._datastore.transaction(commit=True) as c:
                yield c
        except (OperationalError, InterfaceError) as e:
            raise StoreUnavailable(f"the voting-code store is not available: {e}") from e

    def add(self, process_id: UUID, hashes: Iterable[str]) -> None:
        now = datetime.now(UTC).isoformat(timespec="seconds")
        rows = [(h, str(process_id), now) for h in hashes]
        p = self._p
        with self._cursor() as c:
            c.executemany(
                f"INSERT INTO {self.table} (code_hash, process_id, created_at) "
                f"VALUES ({p}, {p}, {p})",
                rows,
            )

    def process_of(self, hashed: str) -> UUID | None:
        with self._cursor() as c:
            c.execute(f"SELECT process_id FROM {self.table} WHERE code_hash = {self._p}", (hashed,))
            row = c.fetchone()
        return None if row is None else UUID(row["process_id"])

    def count(self, process_id: UUID) -> int:
        with self._cursor() as c:
            c.execute(
                f"SELECT COUNT(*) AS n FROM {self.table} WHERE process_id = {self._p}",
                (str(process_id),),
            )
            row = c.fetchone()
        return int(row["n"])


def voting_code_store_for(factory: Any) -> VotingCodeStore:
    """The code store sharing the application's database (in memory for the memory store)."""
    datastore = getattr(factory, "datastore", None)
    if datastore is None:
        return InMemoryVotingCodeStore()
    module = type(datastore).__module__
    if module.startswith("eventsourcing.sqlite"):
        return SQLVotingCodeStore(datastore, paramstyle="?")
    if module.startswith("eventsourcing.postgres"):
        schema = str(getattr(datastore, "schema", "") or "public")
        return SQLVotingCodeStore(datastore, paramstyle="%s", schema=schema)
    raise InvalidInput("COPROD_DATABASE_URL", f"no voting-code store for a {module} datastore")
