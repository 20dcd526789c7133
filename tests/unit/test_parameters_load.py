"""Census shares, volunteer rates and match funding loaded from CSV: all lines or none."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from coprod.application import Coprod
from coprod.application.csv_table import CsvRefused
from coprod.domain.errors import NotAllowed
from coprod.domain.parameters import CensusDimension
from coprod.domain.values import Actor, Role
from tests.unit.test_csv_imports import events, funded

SOURCE = "Statistics Denmark FOLK1A"
CENSUS = (
    "dimension;group;share;source;reference_year\n"
    f"sex;female;0,505;{SOURCE};2025\n"
    f"sex;male;0,49;{SOURCE};2025\n"
    f"sex;other;0,005;{SOURCE};2025\n"
    f"area;west;0,7;{SOURCE};2025\n"
    f"area;north;0,3;{SOURCE};2025\n"
)


def test_a_danish_census_file_loads_every_dimension_at_once(app: Coprod, officer: Actor) -> None:
    council = officer.organisation_id
    assert council is not None
    result = app.load_census_csv(council, ("\ufeff" + CENSUS).encode(), officer)
    assert [p.line for p in result.lines] == [2, 3, 4, 5, 6]
    sex = app.get_census_shares(council, CensusDimension.SEX)
    assert {s.group: s.share for s in sex.shares}["female"] == Decimal("0.505")
    assert app.get_census_shares(council, CensusDimension.AREA).source == SOURCE


def test_one_bad_dimension_loads_nothing_and_names_its_lines(app: Coprod, officer: Actor) -> None:
    council = officer.organisation_id
    assert council is not None
    bad = CENSUS.replace("0,3;", "0,2;").replace("sex;male;0,49", "sex;male;lots")
    bad += f"height;tall;1;{SOURCE};2025\n"
    before = events(app)
    with pytest.raises(CsvRefused) as refused:
        app.load_census_csv(council, bad, officer)
    assert [(e.line, e.field) for e in refused.value.errors] == [
        (3, "share"),
        (5, "shares"),
        (7, "dimension"),
    ]
    assert events(app) == before


def test_a_dry_run_writes_nothing(app: Coprod, officer: Actor) -> None:
    council = officer.organisation_id
    assert council is not None
    before = events(app)
    assert not app.load_census_csv(council, CENSUS, officer, dry_run=True).recorded
    assert events(app) == before


def test_rates_from_csv_and_a_bad_order_refused(app: Coprod, officer: Actor) -> None:
    council = officer.organisation_id
    assert council is not None
    head = "currency,floor,central,upper,source,reference_year\n"
    with pytest.raises(CsvRefused) as refused:
        app.load_rates_csv(council, head + "DKK,300,215,150,Council,2025\n", officer)
    assert refused.value.errors[0].line == 2
    app.load_rates_csv(council, head + 'DKK,"150,00",215,320,Council,2025\n', officer)
    rates = app.get_volunteer_rates(council, "DKK").rates
    assert rates is not None
    assert rates.floor.amount == Decimal("150.00")


def test_an_officer_of_another_council_is_refused(app: Coprod, officer: Actor) -> None:
    council = officer.organisation_id
    assert council is not None
    other = Actor(uuid.uuid4(), Role.COUNCIL_OFFICER, uuid.uuid4())
    with pytest.raises(NotAllowed):
        app.load_census_csv(council, CENSUS, other)


def test_match_funding_from_csv(app: Coprod, officer: Actor) -> None:
    process, project = funded(app, officer)
    csv = (
        "project;source;amount;date\n"
        f"{project};Lokale og Anlægsfonden;25.000,00;15-03-2027\n"
        f"{project};;5;15-03-2027\n"
    )
    with pytest.raises(CsvRefused) as refused:
        app.import_match_funding(process, csv, officer)
    assert [(e.line, e.field) for e in refused.value.errors] == [(3, "source")]
    assert app.get_project(project).match_funding == {}
    app.import_match_funding(process, csv.rsplit("\n", 2)[0] + "\n", officer)
    assert [m.amount for m in app.get_project(project).match_funding.values()] == [
        Decimal("25000.00")
    ]
