"""Privacy by construction (DOMAIN.md §6): personal data lives outside the event log.

Events are immutable, so nothing personal may go into them. Instead:

* a person's details (name, e-mail, ...) sit in a personal-data table that can really be
  deleted (a ``DELETE``, not a tombstone event);
* a personal field that must travel inside an event is an :class:`EncryptedText` under a
  per-subject key; destroying the key on erasure makes every copy in the log unreadable
  (crypto-shredding), while the events themselves still load and replay;
* voters are recorded only as keyed hashes (HMAC-SHA256) under a per-process secret, so the
  same voter is recognised within one process and cannot be linked across processes.

The tables live in the application's own database (SQLite or PostgreSQL) next to the events,
so there is one thing to back up and one connection setting. The keys in that table are
stored *wrapped* under a master key that lives outside the database (:mod:`coprod.adapters.masterkey`),
so the database alone opens nothing and links no voter to a ballot. The in-memory store used
by the unit tests gets an in-memory implementation with the same behaviour.

Registering and erasing a person commit their details together with the event: the stores
hand out *steps* (:meth:`PersonalDataStore.put_step`, :meth:`PersonalDataStore.erase_step`)
that the recorder runs inside the transaction that records the event (:mod:`coprod.adapters.recording`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
import unicodedata
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.persistence import InterfaceError, OperationalError

from coprod.adapters.masterkey import Keyring, is_wrapped, load_keyring, new_key, wrapped_version
from coprod.adapters.recording import Step, Transaction
from coprod.domain.errors import InvalidInput, StoreUnavailable
from coprod.domain.stored import stored_as

#: What an erased personal value reads as, everywhere (views, exports, decrypted fields).
REMOVED = "[removed]"

_KEY_BYTES = 32
_NONCE_BYTES = 12


def person_subject(person_id: UUID) -> str:
    """The key subject of one person: erasing the person destroys this key."""
    return f"person:{person_id}"


def process_secret_subject(process_id: UUID) -> str:
    """The key subject of a process's pseudonym secret."""
    return f"process-secret:{process_id}"


@stored_as("encrypted_text")
@dataclass(frozen=True)
class EncryptedText:
    """A personal value inside an event, readable only while its subject's key exists."""

    subject: str
    token: str


class PersonalDataStore(ABC):
    """Deletable personal details plus the keys for crypto-shredding and pseudonyms.

    Subclasses provide the six storage primitives; encryption and pseudonymisation are built
    on them here, so every backend shreds and hashes in exactly the same way.
    """

    # -- personal details ----------------------------------------------------------------------

    @abstractmethod
    def put(self, person_id: UUID, details: Mapping[str, str]) -> None:
        """Store (or replace) a person's details."""

    @abstractmethod
    def get(self, person_id: UUID) -> dict[str, str] | None:
        """A person's details, or None if there are none (never stored, or erased)."""

    @abstractmethod
    def erase(self, person_id: UUID) -> None:
        """Really delete a person's details; erasing twice is harmless."""

    def put_step(self, person_id: UUID, details: Mapping[str, str]) -> Step:
        """A write that stores the details inside the transaction recording the event.

        The details are checked now, before any transaction starts. A store that cannot
        write inside the event's transaction (a read-through cache) refuses.
        """
        raise TypeError(f"{type(self).__name__} cannot store details with an event")

    def erase_step(self, person_id: UUID) -> Step:
        """A write that deletes the details and the person's key inside that transaction."""
        raise TypeError(f"{type(self).__name__} cannot erase details with an event")

    # -- keys ------------------------------------------------------------------------------------

    @abstractmethod
    def key_for(self, subject: str) -> bytes:
        """The subject's key, created at random on first use (concurrent first uses agree)."""

    @abstractmethod
    def existing_key(self, subject: str) -> bytes | None:
        """The subject's key, or None if it was never made or has been destroyed."""

    @abstractmethod
    def destroy_key(self, subject: str) -> None:
        """Really delete the subject's key; everything encrypted under it becomes unreadable."""

    # -- built on the primitives ---------------------------------------------------------------

    def encrypt_for(self, subject: str, text: str) -> EncryptedText:
        """Encrypt a personal value under the subject's key, bound to the subject (AES-GCM)."""
        if not isinstance(text, str):
            raise InvalidInput("text", f"must be text, not {type(text).__name__}")
        key = self.key_for(subject)
        nonce = secrets.token_bytes(_NONCE_BYTES)
        sealed = AESGCM(key).encrypt(nonce, text.encode("utf-8"), subject.encode("utf-8"))
        return EncryptedText(subject, base64.urlsafe_b64encode(nonce + sealed).decode("ascii"))

    def decrypt(self, value: EncryptedText) -> str:
        """The plain value, or "[removed]" once the subject's key has been destroyed.

        A token that does not open under the current key was sealed under a key that has
        since been destroyed (a fresh key was made later), so it also reads as removed.
        """
        key = self.existing_key(value.subject)
        if key is None:
            return REMOVED
        try:
            raw = base64.urlsafe_b64decode(value.token.encode("ascii"))
            nonce, sealed = raw[:_NONCE_BYTES], raw[_NONCE_BYTES:]
            plain = AESGCM(key).decrypt(nonce, sealed, value.subject.encode("utf-8"))
        except (InvalidTag, ValueError):
            return REMOVED
        return plain.decode("utf-8")

    def pseudonymise(self, process_id: UUID, voter_ref: str) -> str:
        """A voter's pseudonym in one process: HMAC-SHA256 of the normalised reference.

        Normalising (Unicode NFKC, surrounding space stripped, case folded) makes
        " Anna@X.dk" and "anna@x.dk" the same voter; the per-process secret makes the same
        voter unlinkable across processes and the hash irreversible without the secret.
        """
        if not isinstance(voter_ref, str):
            raise InvalidInput("voter_ref", f"must be text, not {type(voter_ref).__name__}")
        normalised = unicodedata.normalize("NFKC", voter_ref).strip().casefold()
        if not normalised:
            raise InvalidInput("voter_ref", "must not be empty")
        secret = self.key_for(process_secret_subject(process_id))
        return hmac.new(secret, normalised.encode("utf-8"), hashlib.sha256).hexdigest()


def _new_key() -> bytes:
    return secrets.token_bytes(_KEY_BYTES)


def _check_details(details: Mapping[str, str]) -> dict[str, str]:
    clean: dict[str, str] = {}
    for field, value in details.items():
        if not isinstance(field, str) or not field:
            raise InvalidInput("details", f"field name {field!r} must be non-empty text")
        if not isinstance(value, str):
            raise InvalidInput(field, f"must be text, not {type(value).__name__}")
        clean[field] = value
    return clean


class InMemoryPersonalDataStore(PersonalDataStore):
    """For the library's in-memory event store: lives and dies with the application."""

    def __init__(self) -> None:
        self._details: dict[UUID, dict[str, str]] = {}
        self._keys: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def put(self, person_id: UUID, details: Mapping[str, str]) -> None:
        clean = _check_details(details)
        with self._lock:
            self._details[person_id] = clean

    def get(self, person_id: UUID) -> dict[str, str] | None:
        with self._lock:
            found = self._details.get(person_id)
        return None if found is None else dict(found)

    def erase(self, person_id: UUID) -> None:
        with self._lock:
            self._details.pop(person_id, None)

    def put_step(self, person_id: UUID, details: Mapping[str, str]) -> Step:
        clean = _check_details(details)

        def put(transaction: Transaction) -> None:
            _require_memory(transaction)
            with self._lock:
                self._details[person_id] = dict(clean)

        return put

    def erase_step(self, person_id: UUID) -> Step:
        def erase(transaction: Transaction) -> None:
            _require_memory(transaction)
            with self._lock:
                self._details.pop(person_id, None)
                self._keys.pop(person_subject(person_id), None)

        return erase

    def key_for(self, subject: str) -> bytes:
        with self._lock:
            return self._keys.setdefault(subject, _new_key())

    def existing_key(self, subject: str) -> bytes | None:
        with self._lock:
            return self._keys.get(subject)

    def destroy_key(self, subject: str) -> None:
        with self._lock:
            self._keys.pop(subject, None)


DETAILS_TABLE = "coprod_personal_data"
KEYS_TABLE = "coprod_subject_keys"
#: The row of the keys table holding the store's random id (not a secret): it names the
#: embedded store's default key file, so two stores never share a master key by accident.
STORE_ID_SUBJECT = "coprod:store-id"
_STORE_ID_PREFIX = "id:"


def _require_memory(transaction: Transaction) -> None:
    if transaction.backend != "memory":
        raise TypeError(f"an in-memory personal-data step ran on a {transaction.backend} store")


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
        payload = json.dumps(_check_details(details))
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
        payload = json.dumps(_check_details(details))
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
        fresh = keyring.wrap(subject, _new_key())
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
