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
so there is one thing to back up and one connection setting. The in-memory store used by the
unit tests gets an in-memory implementation with the same behaviour.
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

from coprod.errors import InvalidInput, StoreUnavailable
from coprod.transcodings import stored_as

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


class SQLPersonalDataStore(PersonalDataStore):
    """Two tables in the events' own database, written through the library's datastore.

    ``datastore.transaction(commit=True)`` yields a DB-API cursor on both SQLite and
    PostgreSQL; only the parameter marker and the schema qualifier differ. Keys are stored
    base64-encoded as text so both databases use the same column types.
    """

    def __init__(
        self,
        datastore: Any,
        *,
        paramstyle: str,
        schema: str | None = None,
    ) -> None:
        self._datastore = datastore
        self._p = paramstyle
        prefix = "" if schema is None else _quote(schema) + "."
        self.details_table = prefix + DETAILS_TABLE
        self.keys_table = prefix + KEYS_TABLE
        self._tables_ready = False
        self._ready_lock = threading.Lock()

    @contextmanager
    def _cursor(self) -> Iterator[Any]:
        self._ensure_tables()
        try:
            with self._datastore.transaction(commit=True) as cursor:
                yield cursor
        except (OperationalError, InterfaceError) as e:
            raise StoreUnavailable(f"the personal-data store is not available: {e}") from e

    def _ensure_tables(self) -> None:
        with self._ready_lock:
            if self._tables_ready:
                return
            try:
                with self._datastore.transaction(commit=True) as cursor:
                    cursor.execute(
                        f"CREATE TABLE IF NOT EXISTS {self.details_table} ("
                        "person_id TEXT PRIMARY KEY, details TEXT NOT NULL)"
                    )
                with self._datastore.transaction(commit=True) as cursor:
                    cursor.execute(
                        f"CREATE TABLE IF NOT EXISTS {self.keys_table} ("
                        "subject TEXT PRIMARY KEY, key TEXT NOT NULL)"
                    )
            except (OperationalError, InterfaceError) as e:
                raise StoreUnavailable(f"the personal-data store is not available: {e}") from e
            self._tables_ready = True

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

    def key_for(self, subject: str) -> bytes:
        fresh = base64.b64encode(_new_key()).decode("ascii")
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
        return base64.b64decode(row["key"])

    def existing_key(self, subject: str) -> bytes | None:
        with self._cursor() as cursor:
            cursor.execute(
                f"SELECT key FROM {self.keys_table} WHERE subject = {self._p}", (subject,)
            )
            row = cursor.fetchone()
        return None if row is None else base64.b64decode(row["key"])

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
        return SQLPersonalDataStore(datastore, paramstyle="?")
    if kind == "PostgresDatastore" or module.startswith("eventsourcing.postgres"):
        return SQLPersonalDataStore(
            datastore, paramstyle="%s", schema=str(getattr(datastore, "schema", "") or "public")
        )
    raise InvalidInput(
        "COPROD_DATABASE_URL", f"no personal-data store for a {module}.{kind} datastore"
    )
