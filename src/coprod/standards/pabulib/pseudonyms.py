"""The application's voter pseudonyms, with the process secret fetched once per import.

`PersonalDataStore.pseudonymise` asks the store for the process secret on every call (two
queries); a 90,000-ballot import would spend most of its time there. `CachedPseudonymiser`
delegates every primitive to the real store but remembers keys it has already read, so the
HMAC is computed by the very same code and gives the same pseudonym as ``app.pseudonymise``.
`ProcessPseudonyms` goes one step further for the import's hot loop: one process, its secret
read once, and the one-shot HMAC; a test holds it equal to ``app.pseudonymise``.
"""

from __future__ import annotations

import hmac
import unicodedata
from collections.abc import Mapping
from uuid import UUID

from coprod.adapters.privacy import PersonalDataStore, process_secret_subject
from coprod.domain.errors import InvalidInput


class CachedPseudonymiser(PersonalDataStore):
    """A read-through key cache over a personal-data store, for one bulk import."""

    def __init__(self, store: PersonalDataStore) -> None:
        self._store = store
        self._keys: dict[str, bytes] = {}

    def put(self, person_id: UUID, details: Mapping[str, str]) -> None:
        self._store.put(person_id, details)

    def get(self, person_id: UUID) -> dict[str, str] | None:
        return self._store.get(person_id)

    def erase(self, person_id: UUID) -> None:
        self._store.erase(person_id)

    def key_for(self, subject: str) -> bytes:
        key = self._keys.get(subject)
        if key is None:
            key = self._keys[subject] = self._store.key_for(subject)
        return key

    def existing_key(self, subject: str) -> bytes | None:
        return self._store.existing_key(subject)

    def destroy_key(self, subject: str) -> None:
        self._keys.pop(subject, None)
        self._store.destroy_key(subject)


class ProcessPseudonyms:
    """`PersonalDataStore.pseudonymise` for one process, with its secret read once.

    Same normalisation and the same HMAC-SHA256 as the store's method; only the per-call
    key lookup and the HMAC object construction are gone (a bulk import calls it per ballot).
    """

    def __init__(self, store: PersonalDataStore, process_id: UUID) -> None:
        self._secret = store.key_for(process_secret_subject(process_id))

    def __call__(self, voter_ref: str) -> str:
        normalised = unicodedata.normalize("NFKC", voter_ref).strip().casefold()
        if not normalised:
            raise InvalidInput("voter_ref", "must not be empty")
        return hmac.digest(self._secret, normalised.encode("utf-8"), "sha256").hex()
