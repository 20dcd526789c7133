"""API keys: who a request acts as, scoped to one organisation and one role, stored hashed.

A key's plaintext is shown once, at creation; the table keeps only its SHA-256, so a copy of
the database lets nobody call the API. The table lives in the events' own database (SQLite
or PostgreSQL, through the library's datastore) so there is one thing to back up, as for
the personal-data store in :mod:`coprod.adapters.privacy`.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.persistence import InterfaceError, OperationalError

from coprod.application import SYSTEM_ACTOR, Coprod, policy
from coprod.domain.errors import InvalidInput, NotFound, StoreUnavailable
from coprod.domain.organisation import MEMBER_ROLES, Organisation
from coprod.domain.values import Actor, Role, require_text

__all__ = [
    "KEY_CACHE_TTL_S",
    "KEY_ROLES",
    "ApiKey",
    "KeyStore",
    "NewKey",
    "Principal",
    "SqlTables",
    "hash_secret",
]

KEYS_TABLE = "coprod_api_keys_v1"
#: The roles a key can carry (DOMAIN.md §2); residents vote through a council's front end.
KEY_ROLES = (Role.COUNCIL_OFFICER, Role.COMMUNITY_MEMBER, Role.EVALUATOR, Role.PUBLIC)
_PREFIX = "cpk_"


def hash_secret(secret: str) -> str:
    """The stored form of a key; also the idempotency scope of the requests it signs."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Principal:
    """The authenticated caller: the actor its commands are recorded under, and its key.

    ``organisation_id`` is whom the key acts for; an evaluator key's organisation is the
    council that issued it, and its reads are scoped to that council's processes
    (:class:`coprod.application.policy.CouncilScope`).
    """

    key_id: UUID
    actor_id: UUID
    role: Role
    organisation_id: UUID

    @property
    def actor(self) -> Actor:
        return Actor(self.actor_id, self.role, self.organisation_id)


@dataclass(frozen=True)
class ApiKey:
    """A key as listed: never its secret."""

    key_id: UUID
    actor_id: UUID
    role: Role
    organisation_id: UUID
    label: str
    created_at: str
    revoked_at: str | None

    @property
    def principal(self) -> Principal:
        return Principal(self.key_id, self.actor_id, self.role, self.organisation_id)


@dataclass(frozen=True)
class NewKey:
    """A freshly made key and its plaintext, which is not stored and cannot be shown again."""

    key: ApiKey
    secret: str


class SqlTables:
    """Small tables beside the events, through the library's datastore on either database.

    ``datastore.transaction(commit=True)`` yields a DB-API cursor on SQLite and PostgreSQL and
    translates driver errors into the library's classes; only the parameter marker and the
    schema qualifier differ.
    """

    def __init__(self, app: Coprod) -> None:
        datastore = getattr(app.factory, "datastore", None)
        module = type(datastore).__module__
        if datastore is None or not module.startswith(
            ("eventsourcing.sqlite", "eventsourcing.postgres")
        ):
            raise InvalidInput(
                "COPROD_DATABASE_URL",
                "the HTTP API keeps its keys beside the events: use an SQLite or PostgreSQL URL",
            )
        self.datastore: Any = datastore
        self.p = "?" if module.startswith("eventsourcing.sqlite") else "%s"
        schema = getattr(datastore, "schema", None) if self.p == "%s" else None
        self._prefix = "" if not schema else '"' + str(schema).replace('"', '""') + '".'
        self._ready: set[str] = set()
        self._lock = threading.Lock()

    def name(self, table: str) -> str:
        return self._prefix + table

    @contextmanager
    def cursor(self, table: str, create: str) -> Iterator[Any]:
        """A cursor in one committed transaction, creating `table` on first use."""
        try:
            with self._lock:
                if table not in self._ready:
                    with self.datastore.transaction(commit=True) as c:
                        c.execute(f"CREATE TABLE IF NOT EXISTS {self.name(table)} ({create})")
                    self._ready.add(table)
            with self.datastore.transaction(commit=True) as c:
                yield c
        except (OperationalError, InterfaceError) as e:
            raise StoreUnavailable(f"the key and request store is not available: {e}") from e


_KEYS_DDL = (
    "key_id TEXT PRIMARY KEY, secret_hash TEXT NOT NULL UNIQUE, actor_id TEXT NOT NULL, "
    "role TEXT NOT NULL, organisation_id TEXT NOT NULL, label TEXT NOT NULL, "
    "created_at TEXT NOT NULL, revoked_at TEXT"
)
_COLUMNS = "key_id, actor_id, role, organisation_id, label, created_at, revoked_at"


#: How long a live key is trusted without asking the table again. A key revoked elsewhere
#: (``coprod keys revoke`` runs in another process) stops working within this many seconds;
#: a revocation through this store takes effect at once.
KEY_CACHE_TTL_S = 1.0
#: At most this many live keys are remembered; the oldest is forgotten first.
KEY_CACHE_SIZE = 4096


class KeyStore:
    """Create, list, revoke and check API keys.

    Checking a key is a database round trip, and every request checks one: a live key is
    remembered in process for :data:`KEY_CACHE_TTL_S` seconds (bounded to
    :data:`KEY_CACHE_SIZE` keys), so a busy client costs one lookup a second, not one a
    request. Unknown and revoked keys are never remembered: a new key works at once.
    """

    def __init__(
        self,
        app: Coprod,
        tables: SqlTables | None = None,
        *,
        cache_ttl_s: float = KEY_CACHE_TTL_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.app = app
        self.tables = tables or SqlTables(app)
        self.table = self.tables.name(KEYS_TABLE)
        self.cache_ttl_s = cache_ttl_s
        self._clock = clock
        self._live: OrderedDict[str, tuple[float, Principal]] = OrderedDict()
        self._live_lock = threading.Lock()

    def _cursor(self) -> Any:
        return self.tables.cursor(KEYS_TABLE, _KEYS_DDL)

    def create(
        self,
        organisation_id: UUID,
        role: Role,
        actor_id: UUID | None = None,
        label: str = "",
        *,
        by: Actor = SYSTEM_ACTOR,
    ) -> NewKey:
        """A key for an existing organisation, in a role that organisation can hold.

        ``actor_id`` is the person the key's commands are recorded under (an opaque id,
        never a name); without one, the key gets its own fresh actor id. ``by`` is who asks
        (the server's CLI is the system; a console page passes the officer), judged by
        :func:`coprod.application.policy.may_manage_keys` before anything is written.
        """
        policy.may_manage_keys(by, organisation_id)
        if role not in KEY_ROLES:
            names = ", ".join(r.value for r in KEY_ROLES)
            raise InvalidInput("role", f"{role.value!r} cannot hold an API key (only {names})")
        organisation = self.app.load(Organisation, organisation_id)
        allowed = MEMBER_ROLES[organisation.kind] | {Role.PUBLIC}
        if role not in allowed:
            names = ", ".join(sorted(r.value for r in allowed))
            raise InvalidInput(
                "role", f"a {organisation.kind.value} key cannot be {role.value} (only {names})"
            )
        label = require_text("label", label, max_length=100) if label else ""
        secret = _PREFIX + secrets.token_urlsafe(32)
        key = ApiKey(
            key_id=uuid4(),
            actor_id=actor_id or uuid4(),
            role=role,
            organisation_id=organisation_id,
            label=label,
            created_at=_now(),
            revoked_at=None,
        )
        p = self.tables.p
        with self._cursor() as c:
            c.execute(
                f"INSERT INTO {self.table} (secret_hash, {_COLUMNS}) "
                f"VALUES ({p}, {p}, {p}, {p}, {p}, {p}, {p}, {p})",
                (hash_secret(secret), *_row(key)),
            )
        return NewKey(key, secret)

    def revoke(self, key_id: UUID, *, by: Actor = SYSTEM_ACTOR) -> ApiKey:
        """Revoke a key at once; revoking it again keeps the first revocation time.

        ``by`` must be allowed to manage the keys of the key's organisation
        (:func:`coprod.application.policy.may_manage_keys`); another organisation's key
        answers NotFound, as an unknown id, so key ids cannot be probed.
        """
        found = self.get(key_id)
        if by.role is not Role.SYSTEM and found.organisation_id != by.organisation_id:
            raise NotFound("api key", key_id)
        policy.may_manage_keys(by, found.organisation_id)
        p = self.tables.p
        with self._cursor() as c:
            c.execute(
                f"UPDATE {self.table} SET revoked_at = {p} "
                f"WHERE key_id = {p} AND revoked_at IS NULL",
                (_now(), str(key_id)),
            )
        with self._live_lock:
            for hashed in [h for h, (_, p) in self._live.items() if p.key_id == key_id]:
                del self._live[hashed]
        return self.get(key_id)

    def get(self, key_id: UUID) -> ApiKey:
        """One key as listed (never its secret); NotFound for an unknown id."""
        p = self.tables.p
        with self._cursor() as c:
            c.execute(f"SELECT {_COLUMNS} FROM {self.table} WHERE key_id = {p}", (str(key_id),))
            row = c.fetchone()
        if row is None:
            raise NotFound("api key", key_id)
        return _key(row)

    def list(
        self, include_revoked: bool = False, *, organisation_id: UUID | None = None
    ) -> list[ApiKey]:
        """The keys, oldest first; only one organisation's when ``organisation_id`` is given."""
        p = self.tables.p
        clauses = [] if include_revoked else ["revoked_at IS NULL"]
        params: tuple[str, ...] = ()
        if organisation_id is not None:
            clauses.append(f"organisation_id = {p}")
            params = (str(organisation_id),)
        where = " WHERE " + " AND ".join(clauses) if clauses else ""
        with self._cursor() as c:
            c.execute(
                f"SELECT {_COLUMNS} FROM {self.table}{where} ORDER BY created_at, key_id", params
            )
            rows = c.fetchall()
        return [_key(r) for r in rows]

    def remembered(self, secret: str) -> Principal | None:
        """The principal of a key checked live within the cache bound; None means "ask"."""
        if not secret.startswith(_PREFIX):
            return None
        hashed = hash_secret(secret)
        with self._live_lock:
            found = self._live.get(hashed)
        if found is None or self._clock() >= found[0]:
            return None
        return found[1]

    def authenticate(self, secret: str) -> Principal | None:
        """The principal of a live key, or None for an unknown or revoked one."""
        if not secret.startswith(_PREFIX):
            return None
        remembered = self.remembered(secret)
        if remembered is not None:
            return remembered
        hashed = hash_secret(secret)
        now = self._clock()
        p = self.tables.p
        with self._cursor() as c:
            c.execute(
                f"SELECT {_COLUMNS} FROM {self.table} "
                f"WHERE secret_hash = {p} AND revoked_at IS NULL",
                (hashed,),
            )
            row = c.fetchone()
        with self._live_lock:
            if row is None:
                self._live.pop(hashed, None)
                return None
            principal = _key(row).principal
            if self.cache_ttl_s > 0:
                self._live[hashed] = (now + self.cache_ttl_s, principal)
                self._live.move_to_end(hashed)
                while len(self._live) > KEY_CACHE_SIZE:
                    self._live.popitem(last=False)
        return principal


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _row(key: ApiKey) -> tuple[str | None, ...]:
    return (
        str(key.key_id),
        str(key.actor_id),
        key.role.value,
        str(key.organisation_id),
        key.label,
        key.created_at,
        key.revoked_at,
    )


def _key(row: Any) -> ApiKey:
    return ApiKey(
        key_id=UUID(row["key_id"]),
        actor_id=UUID(row["actor_id"]),
        role=Role(row["role"]),
        organisation_id=UUID(row["organisation_id"]),
        label=row["label"],
        created_at=row["created_at"],
        revoked_at=row["revoked_at"],
    )
