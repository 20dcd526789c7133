"""Registering and erasing a person are each one transaction with their event.

A crash is injected at every step of both commands, on both stores: in the process (an
error raised after the event's insert and before the details write, or after the details
write and before the commit) and for real (the process killed with SIGKILL after the writes
ran inside the open transaction, and right after the commit). After each, the store holds
nothing orphaned: no details without a PersonRegistered event, no PersonalDataErased event
with details or a key left behind.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from coprod.adapters.config import parse_database_url
from coprod.adapters.privacy import person_subject
from coprod.adapters.privacy_sql import SQLPersonalDataStore
from coprod.adapters.recording import InTransaction
from coprod.application import Coprod
from coprod.application.commands.people import ErasePerson, RegisterPerson
from coprod.domain.values import Actor, Role

ANNA = {"name": "Anna Jensen", "email": "anna@example.dk"}
ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Stored:
    """What the store holds about people: events, details rows and person keys."""

    registered: set[uuid.UUID]
    erased: set[uuid.UUID]
    details: set[uuid.UUID]
    keys: set[uuid.UUID]

    def assert_nothing_orphaned(self) -> None:
        assert self.details <= self.registered - self.erased, "details without a live person"
        assert not (self.erased & (self.details | self.keys)), "erased, yet data is left"


def stored(url: str) -> Stored:
    with Coprod(parse_database_url(url)) as app:
        registered, erased = set(), set()
        for n in app.recorder.select_notifications(start=1, limit=100_000):
            if n.topic.endswith("Person.PersonRegistered"):
                registered.add(uuid.UUID(str(n.originator_id)))
            if n.topic.endswith("Person.PersonalDataErased"):
                erased.add(uuid.UUID(str(n.originator_id)))
        store = app.personal_data
        assert isinstance(store, SQLPersonalDataStore)
        details = _column(app, f"SELECT person_id AS v FROM {store.details_table}")
        keys = _column(app, f"SELECT subject AS v FROM {store.keys_table}")
    return Stored(
        registered,
        erased,
        {uuid.UUID(v) for v in details},
        {uuid.UUID(v.removeprefix("person:")) for v in keys if v.startswith("person:")},
    )


def _column(app: Coprod, sql: str) -> list[str]:
    with app.factory.datastore.transaction(commit=False) as c:  # type: ignore[attr-defined]
        c.execute(sql)
        return [str(row["v"]) for row in c.fetchall()]


#: One council's officer registers and erases: erasure is for the registering organisation.
OFFICER = Actor(uuid.UUID(int=11), Role.COUNCIL_OFFICER, uuid.UUID(int=12))


def _officer() -> Actor:
    return OFFICER


def _registered(url: str) -> uuid.UUID:
    with Coprod(parse_database_url(url)) as app:
        pid = app.register_person(RegisterPerson(details=ANNA), _officer()).aggregate_id
        app.personal_data.encrypt_for(person_subject(pid), "Anna's phone")
    return pid


# -- failures raised in the process ----------------------------------------------------------


class Crash(Exception):
    pass


def _fail(monkeypatch: pytest.MonkeyPatch, when: str) -> None:
    """Make the in-transaction steps fail before or after they write."""
    run = InTransaction.run

    def failing(self: InTransaction, transaction: Any) -> None:
        if when == "before-writes":
            raise Crash(when)
        run(self, transaction)
        raise Crash(when)

    monkeypatch.setattr(InTransaction, "run", failing)


@pytest.mark.parametrize("when", ["before-writes", "after-writes"])
def test_a_failed_registration_leaves_nothing(
    store_url: str, when: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _registered(store_url)  # a person who stays
    _fail(monkeypatch, when)
    with Coprod(parse_database_url(store_url)) as app, pytest.raises(Crash):
        app.register_person(RegisterPerson(details={"name": "Bo Hansen"}), _officer())
    monkeypatch.undo()
    after = stored(store_url)
    after.assert_nothing_orphaned()
    assert len(after.registered) == len(after.details) == 1


@pytest.mark.parametrize("when", ["before-writes", "after-writes"])
def test_a_failed_erasure_leaves_the_person_whole(
    store_url: str, when: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    pid = _registered(store_url)
    _fail(monkeypatch, when)
    with Coprod(parse_database_url(store_url)) as app, pytest.raises(Crash):
        app.erase_person(ErasePerson(person_id=pid), _officer())
    monkeypatch.undo()
    after = stored(store_url)
    after.assert_nothing_orphaned()
    assert after.erased == set()
    assert pid in after.details
    assert pid in after.keys
    with Coprod(parse_database_url(store_url)) as app:
        assert app.person_details(pid) == ANNA
        app.erase_person(ErasePerson(person_id=pid), _officer())  # the retry erases
    retried = stored(store_url)
    retried.assert_nothing_orphaned()
    assert retried.erased == {pid}


def test_the_in_memory_store_refuses_whole(memory_app: Coprod, officer: Actor) -> None:
    pid = memory_app.register_person(RegisterPerson(details=ANNA), officer).aggregate_id
    assert memory_app.person_details(pid) == ANNA
    memory_app.erase_person(ErasePerson(person_id=pid), officer)
    assert memory_app.personal_data.get(pid) is None
    assert memory_app.personal_data.existing_key(person_subject(pid)) is None
    assert memory_app.get_person(pid).erased


# -- the process killed (SIGKILL) at a chosen point ------------------------------------------

_KILLER = """
import os, signal, sys, uuid
from coprod.application import Coprod
from coprod.application.commands.people import ErasePerson, RegisterPerson
from coprod.application.base import CoprodBase
from coprod.adapters.config import parse_database_url
from coprod.adapters.recording import InTransaction
from coprod.domain.values import Actor, Role

url, action, point, person = sys.argv[1:5]
die = lambda *_, **__: os.kill(os.getpid(), signal.SIGKILL)
if point == "after-writes":  # inside the open transaction, the writes made
    run = InTransaction.run
    InTransaction.run = lambda self, t: (run(self, t), die())
elif point == "after-commit":  # right after the commit, before the caller hears of it
    commit = CoprodBase.commit
    CoprodBase.commit = lambda self, *a, **k: (commit(self, *a, **k), die())
officer = Actor(uuid.UUID(int=11), Role.COUNCIL_OFFICER, uuid.UUID(int=12))
with Coprod(parse_database_url(url)) as app:
    if point == "at-insert":  # as the event is about to be recorded
        app.recorder.insert_events = die
    if action == "register":
        details = {"name": "Crash Test", "email": "crash@example.dk"}
        app.register_person(RegisterPerson(details=details), officer)
    else:
        app.erase_person(ErasePerson(person_id=uuid.UUID(person)), officer)
print("not killed")
"""


def _killed(url: str, action: str, point: str, person: uuid.UUID | None = None) -> None:
    done = subprocess.run(
        [sys.executable, "-c", _KILLER, url, action, point, str(person)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": f"{ROOT}/src:{ROOT}"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == -signal.SIGKILL, done.stderr[-2000:]


POINTS = ["at-insert", "after-writes", "after-commit"]


@pytest.mark.parametrize("point", POINTS)
def test_registration_killed_leaves_nothing_orphaned(store_url: str, point: str) -> None:
    _registered(store_url)
    _killed(store_url, "register", point)
    after = stored(store_url)
    after.assert_nothing_orphaned()
    expected = 2 if point == "after-commit" else 1
    assert len(after.registered) == len(after.details) == expected


@pytest.mark.parametrize("point", POINTS)
def test_erasure_killed_leaves_nothing_orphaned(store_url: str, point: str) -> None:
    pid = _registered(store_url)
    _killed(store_url, "erase", point, pid)
    after = stored(store_url)
    after.assert_nothing_orphaned()
    if point != "after-commit":
        assert after.erased == set()
        assert pid in after.details
        assert pid in after.keys
    else:
        assert after.erased == {pid}
        assert after.details == set()
        assert after.keys == set()
