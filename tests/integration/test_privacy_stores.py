"""Personal data really leaves the database on erasure, on SQLite and on PostgreSQL.

The personal-data and key tables sit in the same database (and PostgreSQL schema) as the
events; these tests read those tables directly after erasure to prove the rows are gone.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from coprod.adapters.config import parse_database_url
from coprod.adapters.privacy import REMOVED, person_subject, process_secret_subject
from coprod.adapters.privacy_sql import SQLPersonalDataStore
from coprod.application import Coprod
from coprod.application.commands.people import ErasePerson, RegisterPerson
from coprod.domain.values import Actor

ANNA = {"name": "Anna Jensen", "email": "anna@example.dk"}
BO = {"name": "Bo Hansen", "email": "bo@example.dk"}


def _rows(app: Coprod, table: str, column: str, value: str) -> list[Any]:
    store = app.personal_data
    assert isinstance(store, SQLPersonalDataStore)
    qualified = store.details_table if table == "details" else store.keys_table
    marker = "%s" if app.settings.backend == "postgres" else "?"
    with app.factory.datastore.transaction(commit=False) as cursor:  # type: ignore[attr-defined]
        cursor.execute(f"SELECT * FROM {qualified} WHERE {column} = {marker}", (value,))
        return list(cursor.fetchall())


def _all_stored_bytes(app: Coprod) -> bytes:
    notifications = app.recorder.select_notifications(start=1, limit=10_000)
    return b"".join(n.state for n in notifications)


def test_store_is_the_sql_one_in_the_events_database(store_app: Coprod) -> None:
    store = store_app.personal_data
    assert isinstance(store, SQLPersonalDataStore)
    if store_app.settings.backend == "postgres":
        schema = store_app.settings.env["POSTGRES_SCHEMA"]
        assert store.details_table == f'"{schema}".coprod_personal_data'
    else:
        assert store.details_table == "coprod_personal_data"


def test_details_survive_a_restart_and_stay_out_of_the_log(store_url: str, officer: Actor) -> None:
    with Coprod(parse_database_url(store_url)) as first:
        pid = first.register_person(RegisterPerson(details=ANNA), officer).aggregate_id
        process_id = uuid.uuid4()
        pseudonym = first.pseudonymise(process_id, "anna@example.dk")
    with Coprod(parse_database_url(store_url)) as second:
        assert second.person_details(pid) == ANNA
        assert second.pseudonymise(process_id, " ANNA@example.dk ") == pseudonym
        stored = _all_stored_bytes(second)
    assert b"Anna" not in stored
    assert b"example.dk" not in stored


def test_erasure_deletes_the_rows(store_app: Coprod, officer: Actor) -> None:
    anna = store_app.register_person(RegisterPerson(details=ANNA), officer).aggregate_id
    bo = store_app.register_person(RegisterPerson(details=BO), officer).aggregate_id
    sealed = store_app.personal_data.encrypt_for(person_subject(anna), "Anna's phone")
    store_app.personal_data.encrypt_for(person_subject(bo), "Bo's phone")
    assert len(_rows(store_app, "details", "person_id", str(anna))) == 1
    assert len(_rows(store_app, "keys", "subject", person_subject(anna))) == 1

    store_app.erase_person(ErasePerson(person_id=anna, expected_version=1), officer)

    assert _rows(store_app, "details", "person_id", str(anna)) == []
    assert _rows(store_app, "keys", "subject", person_subject(anna)) == []
    assert len(_rows(store_app, "details", "person_id", str(bo))) == 1
    assert len(_rows(store_app, "keys", "subject", person_subject(bo))) == 1
    assert store_app.personal_data.decrypt(sealed) == REMOVED
    assert store_app.person_details(bo) == BO


def test_after_erasure_everything_still_loads(store_url: str, officer: Actor) -> None:
    with Coprod(parse_database_url(store_url)) as first:
        pid = first.register_person(RegisterPerson(details=ANNA), officer).aggregate_id
        sealed = first.personal_data.encrypt_for(person_subject(pid), "Anna Jensen")
        first.erase_person(ErasePerson(person_id=pid), officer)
    with Coprod(parse_database_url(store_url)) as second:
        person = second.get_person(pid)
        assert person.erased is True
        assert person.version == 2
        assert second.person_details(pid) == {"name": REMOVED, "email": REMOVED}
        assert second.personal_data.decrypt(sealed) == REMOVED
        assert second.personal_data.get(pid) is None


def test_key_store_round_trip(store_app: Coprod) -> None:
    store = store_app.personal_data
    subject = process_secret_subject(uuid.uuid4())
    assert store.existing_key(subject) is None
    key = store.key_for(subject)
    assert len(key) == 32
    assert store.key_for(subject) == key
    assert store.existing_key(subject) == key
    store.destroy_key(subject)
    assert store.existing_key(subject) is None
    assert _rows(store_app, "keys", "subject", subject) == []


def test_put_replaces_details(store_app: Coprod) -> None:
    pid = uuid.uuid4()
    store_app.personal_data.put(pid, ANNA)
    store_app.personal_data.put(pid, {"name": "Anna J."})
    assert store_app.personal_data.get(pid) == {"name": "Anna J."}
    assert len(_rows(store_app, "details", "person_id", str(pid))) == 1


@pytest.mark.postgres
def test_two_apps_agree_on_a_new_key(postgres_url: str) -> None:
    subject = f"process-secret:{uuid.uuid4()}"
    with (
        Coprod(parse_database_url(postgres_url)) as first,
        Coprod(parse_database_url(postgres_url)) as second,
    ):
        assert first.personal_data.key_for(subject) == second.personal_data.key_for(subject)
