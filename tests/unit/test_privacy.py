"""Privacy by construction: deletable personal data, crypto-shredding, voter pseudonyms."""

from __future__ import annotations

import hashlib
import hmac
import re
import uuid

import pytest

from coprod.adapters.privacy import (
    REMOVED,
    EncryptedText,
    InMemoryPersonalDataStore,
    person_subject,
    process_secret_subject,
)
from coprod.adapters.privacy_sql import personal_data_store_for
from coprod.application import Coprod
from coprod.application.commands.people import ErasePerson, RegisterPerson
from coprod.domain.errors import InvalidInput, NotFound, RuleViolation
from coprod.domain.values import Actor, Role

ANNA = {"name": "Anna Jensen", "email": "anna@example.dk"}


@pytest.fixture
def store() -> InMemoryPersonalDataStore:
    return InMemoryPersonalDataStore()


def _all_stored_bytes(app: Coprod) -> bytes:
    notifications = app.recorder.select_notifications(start=1, limit=10_000)
    return b"".join(n.state for n in notifications)


# -- the store --------------------------------------------------------------------------------


def test_store_keeps_details_until_erased(store: InMemoryPersonalDataStore) -> None:
    pid = uuid.uuid4()
    assert store.get(pid) is None
    store.put(pid, ANNA)
    assert store.get(pid) == ANNA
    store.erase(pid)
    assert store.get(pid) is None
    store.erase(pid)  # erasing twice is harmless
    assert store.get(pid) is None


def test_store_returns_a_copy(store: InMemoryPersonalDataStore) -> None:
    pid = uuid.uuid4()
    store.put(pid, ANNA)
    got = store.get(pid)
    assert got is not None
    got["name"] = "changed"
    assert store.get(pid) == ANNA


def test_store_refuses_non_text_values(store: InMemoryPersonalDataStore) -> None:
    with pytest.raises(InvalidInput, match="age: must be text, not int"):
        store.put(uuid.uuid4(), {"age": 42})  # type: ignore[dict-item]


def test_key_is_made_once_and_can_be_destroyed(store: InMemoryPersonalDataStore) -> None:
    assert store.existing_key("s") is None
    key = store.key_for("s")
    assert len(key) == 32
    assert store.key_for("s") == key
    assert store.existing_key("s") == key
    assert store.key_for("other") != key
    store.destroy_key("s")
    assert store.existing_key("s") is None
    store.destroy_key("s")  # harmless


def test_factory_without_datastore_gets_in_memory_store(memory_app: Coprod) -> None:
    assert isinstance(personal_data_store_for(memory_app.factory), InMemoryPersonalDataStore)


def test_unknown_datastore_is_refused() -> None:
    class Factory:
        datastore = object()

    with pytest.raises(InvalidInput, match=r"no personal-data store for a builtins\.object"):
        personal_data_store_for(Factory())


# -- crypto-shredding -------------------------------------------------------------------------


def test_encrypted_text_round_trips_and_hides_the_value(store: InMemoryPersonalDataStore) -> None:
    sealed = store.encrypt_for("person:1", "Anna Jensen")
    assert sealed.subject == "person:1"
    assert "Anna" not in sealed.token
    assert store.decrypt(sealed) == "Anna Jensen"
    assert store.encrypt_for("person:1", "Anna Jensen").token != sealed.token  # fresh nonce


def test_destroying_the_key_shreds_every_copy(store: InMemoryPersonalDataStore) -> None:
    sealed = store.encrypt_for("person:1", "Anna Jensen")
    other = store.encrypt_for("person:2", "Bo")
    store.destroy_key("person:1")
    assert store.decrypt(sealed) == REMOVED
    assert store.decrypt(other) == "Bo"


def test_a_later_key_does_not_revive_shredded_values(store: InMemoryPersonalDataStore) -> None:
    sealed = store.encrypt_for("person:1", "Anna Jensen")
    store.destroy_key("person:1")
    store.key_for("person:1")  # a fresh key for the same subject
    assert store.decrypt(sealed) == REMOVED


def test_a_token_is_bound_to_its_subject(store: InMemoryPersonalDataStore) -> None:
    sealed = store.encrypt_for("person:1", "Anna Jensen")
    store.key_for("person:2")
    moved = EncryptedText("person:2", sealed.token)
    assert store.decrypt(moved) == REMOVED


def test_encrypted_text_is_stored_as_a_named_value(app: Coprod) -> None:
    sealed = app.personal_data.encrypt_for("person:1", "Anna")
    transcoder = app.construct_transcoder()
    data = transcoder.encode({"v": sealed})
    assert b'"_type_":"encrypted_text"' in data
    assert transcoder.decode(data) == {"v": sealed}


# -- pseudonyms -------------------------------------------------------------------------------


def test_pseudonym_is_hmac_sha256_under_the_process_secret(
    store: InMemoryPersonalDataStore,
) -> None:
    process_id = uuid.uuid4()
    pseudonym = store.pseudonymise(process_id, "anna@example.dk")
    assert re.fullmatch(r"[0-9a-f]{64}", pseudonym)
    secret = store.key_for(process_secret_subject(process_id))
    expected = hmac.new(secret, b"anna@example.dk", hashlib.sha256).hexdigest()
    assert pseudonym == expected


def test_pseudonym_normalises_the_voter_reference(store: InMemoryPersonalDataStore) -> None:
    process_id = uuid.uuid4()
    same = store.pseudonymise(process_id, "anna@example.dk")
    assert store.pseudonymise(process_id, "  Anna@Example.DK\n") == same
    assert store.pseudonymise(process_id, "ANNA@EXAMPLE.DK") == same
    assert store.pseudonymise(process_id, "bo@example.dk") != same


def test_pseudonyms_differ_across_processes(store: InMemoryPersonalDataStore) -> None:
    first = store.pseudonymise(uuid.uuid4(), "anna@example.dk")
    second = store.pseudonymise(uuid.uuid4(), "anna@example.dk")
    assert first != second


@pytest.mark.parametrize("ref", ["", "   ", "\n\t"])
def test_empty_voter_reference_is_refused(store: InMemoryPersonalDataStore, ref: str) -> None:
    with pytest.raises(InvalidInput, match="voter_ref: must not be empty"):
        store.pseudonymise(uuid.uuid4(), ref)


def test_app_exposes_pseudonymise(app: Coprod) -> None:
    process_id = uuid.uuid4()
    assert app.pseudonymise(process_id, "Anna") == app.personal_data.pseudonymise(
        process_id, "anna"
    )


# -- people through the application -----------------------------------------------------------


def test_registered_person_details_stay_out_of_the_log(app: Coprod, officer: Actor) -> None:
    receipt = app.register_person(RegisterPerson(details=ANNA), officer)
    pid = receipt.aggregate_id
    assert receipt.version == 1
    assert app.person_details(pid) == ANNA
    stored = _all_stored_bytes(app)
    assert b"Anna" not in stored
    assert b"example.dk" not in stored
    person = app.get_person(pid)
    assert person.detail_fields == ("name", "email")
    assert person.erased is False


def test_register_person_refuses_bad_details_and_writes_nothing(
    memory_app: Coprod, officer: Actor
) -> None:
    app = memory_app
    with pytest.raises(InvalidInput, match="name: must not be empty"):
        app.register_person(RegisterPerson(details={"name": "  "}), officer)
    with pytest.raises(InvalidInput, match="details: unknown field; use only name, email"):
        app.register_person(RegisterPerson(details={"Full Name": "Anna"}), officer)
    with pytest.raises(InvalidInput, match="email: must be text, not int"):
        app.register_person(RegisterPerson(details={"email": 5}), officer)  # type: ignore[dict-item]
    assert app.recorder.max_notification_id() in (None, 0)
    assert isinstance(app.personal_data, InMemoryPersonalDataStore)
    assert app.personal_data._details == {}


def test_public_cannot_register_people(app: Coprod) -> None:
    public = Actor(uuid.uuid4(), Role.PUBLIC)
    with pytest.raises(RuleViolation, match="the public role cannot register people") as err:
        app.register_person(RegisterPerson(details=ANNA), public)
    assert err.value.rule == "permission"
    assert app.recorder.max_notification_id() in (None, 0)


def test_erasure_deletes_details_and_key_and_keeps_history(app: Coprod, officer: Actor) -> None:
    pid = app.register_person(RegisterPerson(details=ANNA), officer).aggregate_id
    sealed = app.personal_data.encrypt_for(person_subject(pid), "Anna's note")
    receipt = app.erase_person(ErasePerson(person_id=pid, expected_version=1), officer)
    assert receipt.version == 2
    assert app.personal_data.get(pid) is None
    assert app.personal_data.existing_key(person_subject(pid)) is None
    assert app.personal_data.decrypt(sealed) == REMOVED
    assert app.person_details(pid) == {"name": REMOVED, "email": REMOVED}
    person = app.get_person(pid)
    assert person.erased is True
    events = list(app.events.get(pid))
    assert [type(e).__qualname__ for e in events] == [
        "Person.PersonRegistered",
        "Person.PersonalDataErased",
    ]


def test_erasing_twice_is_refused(app: Coprod, officer: Actor) -> None:
    pid = app.register_person(RegisterPerson(details=ANNA), officer).aggregate_id
    app.erase_person(ErasePerson(person_id=pid), officer)
    with pytest.raises(RuleViolation, match="already erased") as err:
        app.erase_person(ErasePerson(person_id=pid), officer)
    assert err.value.rule == "already-erased"
    assert app.get_person(pid).version == 2


def test_a_person_may_erase_themselves_but_not_others(app: Coprod, officer: Actor) -> None:
    pid = app.register_person(RegisterPerson(details=ANNA), officer).aggregate_id
    stranger = Actor(uuid.uuid4(), Role.RESIDENT)
    # The policy hides the person from a stranger: the same answer as for an unknown id.
    with pytest.raises(NotFound, match="no person with id"):
        app.erase_person(ErasePerson(person_id=pid), stranger)
    assert app.person_details(pid) == ANNA  # nothing deleted on refusal
    assert app.get_person(pid).version == 1
    app.erase_person(ErasePerson(person_id=pid), Actor(pid, Role.RESIDENT))
    assert app.person_details(pid) == {"name": REMOVED, "email": REMOVED}


def test_interrupted_erasure_reads_as_removed(app: Coprod, officer: Actor) -> None:
    pid = app.register_person(RegisterPerson(details=ANNA), officer).aggregate_id
    app.personal_data.erase(pid)  # data gone, marker not yet recorded
    assert app.person_details(pid) == {"name": REMOVED, "email": REMOVED}


def test_unknown_person_is_not_found(app: Coprod, officer: Actor) -> None:
    with pytest.raises(NotFound, match="no person with id"):
        app.person_details(uuid.uuid4())
    with pytest.raises(NotFound, match="no person with id"):
        app.erase_person(ErasePerson(person_id=uuid.uuid4()), officer)
