"""The all-or-nothing CSV import on SQLite and PostgreSQL: one transaction for every project."""

from __future__ import annotations

import uuid
from uuid import UUID

import pytest

from coprod.application import Coprod
from coprod.application.csv_table import CsvRefused
from coprod.domain.project import Project
from coprod.domain.values import Actor, Money
from tests.unit.test_csv_imports import events, funded, milestones_csv


def test_import_is_all_or_nothing_on_each_store(store_app: Coprod, officer: Actor) -> None:
    process, first = funded(store_app, officer)
    second = funded_again(store_app, officer, process)
    good = milestones_csv(first).rsplit("\n", 2)[0] + "\n"
    both = good + f"{second},schedule,dig,Dig,2027-03-01,,\n"
    before = events(store_app)
    with pytest.raises(CsvRefused) as refused:
        store_app.import_milestones(process, both + f"{second},start,nope,,2027-03-01,,\n", officer)
    assert [e.line for e in refused.value.errors] == [6]
    assert events(store_app) == before
    store_app.import_milestones(process, both, officer)
    assert events(store_app) == before + 4
    assert set(store_app.get_project(second).milestones) == {"dig"}


def funded_again(app: Coprod, officer: Actor, process: UUID) -> UUID:
    project = Project.fund(officer, process, uuid.uuid4(), uuid.uuid4(), "Pond", Money.of(9, "DKK"))
    app.commit(project)
    return project.id
