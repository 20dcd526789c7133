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
The SQL store a deployment runs is in :mod:`coprod.adapters.privacy_sql`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
import unicodedata
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from coprod.adapters.recording import Step, Transaction
from coprod.domain.errors import InvalidInput
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


def new_subject_key() -> bytes:
    """A fresh random per-subject key (AES-256), for a person or a process secret."""
    return secrets.token_bytes(_KEY_BYTES)


def check_details(details: Mapping[str, str]) -> dict[str, str]:
    """The details as plain text fields, refusing anything else before it is stored."""
    clean: dict[str, str] = {}
    for field, value in details.items():
        if not isinstance(field, str) or not field:
            raise InvalidInput("details", f"field name {field!r} must be non-empty text")
        if not isinstance(value, str):
            raise InvalidInput(field, f"must be text, not {type(value).__name__}")
        clean[field] = value
    return clean


def _require_memory(transaction: Transaction) -> None:
    if transaction.backend != "memory":
        raise TypeError(f"an in-memory personal-data step ran on a {transaction.backend} store")


class InMemoryPersonalDataStore(PersonalDataStore):
    """For the library's in-memory event store: lives and dies with the application."""

    def __init__(self) -> None:
        self._details: dict[UUID, dict[str, str]] = {}
        self._keys: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def put(self, person_id: UUID, details: Mapping[str, str]) -> None:
        clean = check_details(details)
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
        clean = check_details(details)

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
            return self._keys.setdefault(subject, new_subject_key())

    def existing_key(self, subject: str) -> bytes | None:
        with self._lock:
            return self._keys.get(subject)

    def destroy_key(self, subject: str) -> None:
        with self._lock:
            self._keys.pop(subject, None)
