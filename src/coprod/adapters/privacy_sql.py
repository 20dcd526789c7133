"""The personal-data store in SQL: details and wrapped keys in tables beside the events.

The interface, the crypto and the in-memory store are in :mod:`coprod.adapters.privacy`;
this module is what a real deployment runs: the two tables (details, subject keys) in the
application's own SQLite or PostgreSQL database, their keys wrapped under the master key,
and :func:`personal_data_store_for`, which picks the store for an application's recorder.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any
from uuid import UUID

from eventsourcing.persistence import InterfaceError, OperationalError

from coprod.adapters.masterkey import Keyring, is_wrapped, load_keyring, new_key, wrapped_version
from coprod.adapters.privacy import (
    InMemoryPersonalDataStore,
    PersonalDataStore,
    check_details,
    new_subject_key,
    person_subject,
)
from coprod.adapters.recording import Step, Transaction
from coprod.domain.errors import InvalidInput, StoreUnavailable

DETAILS_TABLE = "coprod_personal_data"
KEYS_TABLE = "coprod_subject_keys"
#: The row of the keys table holding the store's random id (not a secret): it names the
#: embedded store's default key file, so two stores never share a master key by accident.
STORE_ID_SUBJECT = "coprod:store-id"
_STORE_ID_PREFIX = "id:"


class SQLPersonalDataStore(PersonalDataStore):
    """Two tables in the events' own database, written through the library's datastore.

    ``datastore.transaction(commit=True)`` yields a DB-API cursor on both SQLite and
    PostgreSQL; only the parameter marker and the schema qualifier differ. Subject keys are
    stored as text, wrapped under the master key (``kN:BASE64``, N its version); keys stored
    in clear by earlier versions of coprod are wrapped on the first start (:meth:`prepare`).
    """

    def __init__(
        self,
        datastore: Any,
        *,
        paramstyle: str,
        schema: str | None = None,
        backend: str = "sqlite",
        environ: Mapping[str, str] | None = None,
        ephemeral: bool = False,
    ) -> None:
        self._datastore = datastore
        #: An in-memory SQLite database dies with the process: its master key can too.
        self._ephemeral = ephemeral
        self._p = paramstyle
        self.backend = backend
        self._environ = environ
        prefix = "" if schema is None else _quote(schema) + "."
        self.details_table = prefix + DETAILS_TABLE
        self.keys_table = prefix + KEYS_TABLE
        self._keyring: Keyring | None = None
        self._ready_lock = threading.Lock()

    @contextmanager
    def _cursor(self) -> Iterator[Any]:
        self.prepare()
        with self._raw_cursor() as cursor:
            yield cursor

    @contextmanager
    def _raw_cursor(self) -> Iterator[Any]:
        try:
            with self._datastore.transaction(commit=True) as cursor:
                yield cursor
        except (OperationalError, InterfaceError) as e:
            raise StoreUnavailable(f"the personal-data store is not available: {e}") from e

    @property
    def keyring(self) -> Keyring:
        """The master keys (read once, at :meth:`prepare`)."""
        return self.prepare()

    def prepare(self) -> Keyring:
        """Create the tables, find the master key, wrap any key still in clear; once.

        Called at start-up (``coprod serve``) so a missing or wrong master key is refused
        before the first request, and again harmlessly on first use.
        """
        with self._ready_lock:
            if self._keyring is not None:
                return self._keyring
            self._create_tables()
            store_id, any_wrapped = self._identity()
            if self._ephemeral:
                keyring = Keyring({1: new_key()}, "the in-memory database's own key")
            else:
                keyring = load_keyring(
                    self.backend, store_id, may_create=not any_wrapped, environ=self._environ
                )
            self._check_and_migrate(keyring)
            self._keyring = keyring
            return keyring

    def _create_tables(self) -> None:
        with self._raw_cursor() as cursor:
            cursor.execute(
                f"CREATE TABLE IF NOT EXISTS {self.details_table} ("
                "person_id TEXT PRIMARY KEY, details TEXT NOT NULL)"
            )
        with self._raw_cursor() as cursor:
            cursor.execute(
                f"CREATE TABLE IF NOT EXISTS {self.keys_table} ("
                "subject TEXT PRIMARY KEY, key TEXT NOT NULL)"
            )

    def _identity(self) -> tuple[str, bool]:
        """The store's id (made on first start) and whether any key is already wrapped."""
        p = self._p
        fresh = _STORE_ID_PREFIX + secrets.token_hex(16)
        with self._raw_cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {self.keys_table} (subject, key) VALUES ({p}, {p}) "
                "ON CONFLICT (subject) DO NOTHING",
                (STORE_ID_SUBJECT, fresh),
            )
            cursor.execute(
                f"SELECT key FROM {self.keys_table} WHERE subject = {p}", (STORE_ID_SUBJECT,)
            )
            store_id = str(cursor.fetchone()["key"]).removeprefix(_STORE_ID_PREFIX)
            cursor.execute(
                f"SELECT subject FROM {self.keys_table} WHERE key LIKE {p} LIMIT 1", ("k%:%",)
            )
            any_wrapped = cursor.fetchone() is not None
        return store_id, any_wrapped

    def _check_and_migrate(self, keyring: Keyring) -> None:
        """Refuse a master key that does not open the store; wrap keys left in clear."""
        p = self._p
        with self._raw_cursor() as cursor:
            cursor.execute(
                f"SELECT subject, key FROM {self.keys_table} WHERE subject <> {p}",
                (STORE_ID_SUBJECT,),
            )
            rows = [(str(r["subject"]), str(r["key"])) for r in cursor.fetchall()]
            checked: set[int] = set()
            for subject, stored in rows:
                version = wrapped_version(stored)
                if version is None:
                    cursor.execute(
                        f"UPDATE {self.keys_table} SET key = {p} WHERE subject = {p} AND key = {p}",
                        (keyring.wrap(subject, base64.b64decode(stored)), subject, stored),
                    )
                elif version not in checked:
                    keyring.unwrap(subject, stored)  # raises if the master key is wrong
                    checked.add(version)

    def key_versions(self) -> dict[int, int]:
        """How many subject keys each master key version wraps (for ``coprod secrets``)."""
        counts: dict[int, int] = {}
        with self._cursor() as cursor:
            cursor.execute(
                f"SELECT key FROM {self.keys_table} WHERE subject <> {self._p}",
                (STORE_ID_SUBJECT,),
            )
            for row in cursor.fetchall():
                version = wrapped_version(str(row["key"])) or 0
                counts[version] = counts.get(version, 0) + 1
        return counts

    def rewrap(self, keyring: Keyring) -> int:
        """Re-wrap every subject key under ``keyring``'s newest version, in one transaction.

        The subject keys themselves do not change, so pseudonyms and sealed values stay
        valid. Returns how many keys were re-wrapped.
        """
        p = self._p
        done = 0
        with self._cursor() as cursor:
            cursor.execute(
                f"SELECT subject, key FROM {self.keys_table} WHERE subject <> {p}",
                (STORE_ID_SUBJECT,),
            )
            for row in cursor.fetchall():
                subject, stored = str(row["subject"]), str(row["key"])
                if wrapped_version(stored) == keyring.current:
                    continue
                plain = (
                    keyring.unwrap(subject, stored)
                    if is_wrapped(stored)
                    else (base64.b64decode(stored))
                )
                cursor.execute(
                    f"UPDATE {self.keys_table} SET key = {p} WHERE subject = {p}",
                    (keyring.wrap(subject, plain), subject),
                )
                done += 1
        self._keyring = keyring
        return done

    def put(self, person_id: UUID, details: Mapping[str, str]) -> None:
        payload = json.dumps(check_details(details))
        p = self._p
        with self._cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {self.details_table} (person_id, details) VALUES ({p}, {p}) "
                "ON CONFLICT (person_id) DO UPDATE SET details = excluded.details",
                (str(person_id), payload),
            )

    def get(self, person_id: UUID) -> dict[str, str] | None:
        with self._cursor() as cursor:
            cursor.execute(
                f"SELECT details FROM {self.details_table} WHERE person_id = {self._p}",
                (str(person_id),),
            )
            row = cursor.fetchone()
        if row is None:
            return None
        loaded: dict[str, str] = json.loads(row["details"])
        return loaded

    def erase(self, person_id: UUID) -> None:
        with self._cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {self.details_table} WHERE person_id = {self._p}", (str(person_id),)
            )

    def put_step(self, person_id: UUID, details: Mapping[str, str]) -> Step:
        payload = json.dumps(check_details(details))
        self.prepare()  # the tables exist before the event's transaction begins

        def put(transaction: Transaction) -> None:
            transaction.execute(
                f"INSERT INTO {transaction.table(DETAILS_TABLE)} (person_id, details) "
                "VALUES (?, ?) ON CONFLICT (person_id) DO UPDATE SET details = excluded.details",
                (str(person_id), payload),
            )

        return put

    def erase_step(self, person_id: UUID) -> Step:
        self.prepare()

        def erase(transaction: Transaction) -> None:
            transaction.execute(
                f"DELETE FROM {transaction.table(DETAILS_TABLE)} WHERE person_id = ?",
                (str(person_id),),
            )
            transaction.execute(
                f"DELETE FROM {transaction.table(KEYS_TABLE)} WHERE subject = ?",
                (person_subject(person_id),),
            )

        return erase

    def key_for(self, subject: str) -> bytes:
        keyring = self.prepare()
        fresh = keyring.wrap(subject, new_subject_key())
        p = self._p
        with self._cursor() as cursor:
            # Two first uses at once: one insert wins, both read the winner's key.
            cursor.execute(
                f"INSERT INTO {self.keys_table} (subject, key) VALUES ({p}, {p}) "
                "ON CONFLICT (subject) DO NOTHING",
                (subject, fresh),
            )
            cursor.execute(f"SELECT key FROM {self.keys_table} WHERE subject = {p}", (subject,))
            row = cursor.fetchone()
        return keyring.unwrap(subject, str(row["key"]))

    def existing_key(self, subject: str) -> bytes | None:
        with self._cursor() as cursor:
            cursor.execute(
                f"SELECT key FROM {self.keys_table} WHERE subject = {self._p}", (subject,)
            )
            row = cursor.fetchone()
        return None if row is None else self.keyring.unwrap(subject, str(row["key"]))

    def destroy_key(self, subject: str) -> None:
        with self._cursor() as cursor:
            cursor.execute(f"DELETE FROM {self.keys_table} WHERE subject = {self._p}", (subject,))


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def personal_data_store_for(factory: Any) -> PersonalDataStore:
    """The personal-data store that shares the application's database.

    Chosen by the name of the library's datastore class, so coprod itself never imports a
    database driver; the library already translates driver errors into its own classes.
    """
    datastore = getattr(factory, "datastore", None)
    if datastore is None:
        return InMemoryPersonalDataStore()
    kind = type(datastore).__name__
    module = type(datastore).__module__
    if kind == "SQLiteDatastore" or module.startswith("eventsourcing.sqlite"):
        name = str(getattr(getattr(datastore, "pool", None), "db_name", ""))
        ephemeral = ":memory:" in name or "mode=memory" in name
        return SQLPersonalDataStore(
            datastore, paramstyle="?", backend="sqlite", ephemeral=ephemeral
        )
    if kind == "PostgresDatastore" or module.startswith("eventsourcing.postgres"):
        return SQLPersonalDataStore(
            datastore,
            paramstyle="%s",
            schema=str(getattr(datastore, "schema", "") or "public"),
            backend="postgres",
        )
    raise InvalidInput(
        "COPROD_DATABASE_URL", f"no personal-data store for a {module}.{kind} datastore"
    )
