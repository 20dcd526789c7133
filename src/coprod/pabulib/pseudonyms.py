"""The application's voter pseudonyms, with the process secret fetched once per import.

`PersonalDataStore.pseudonymise` asks the store for the process secret on every call (two
queries); a 90,000-ballot import would spend most of its time there. This view delegates
every primitive to the real store but remembers keys it has already read, so the HMAC is
computed by the very same code and gives the same pseudonym as ``app.pseudonymise``.
"""

from __future__ import annotations

from collections.abc import Mapping
from uuid import UUID

from coprod.privacy import PersonalDataStore


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
