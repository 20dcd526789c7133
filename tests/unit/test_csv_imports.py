"""Bulk CSV imports of milestones and spend: every bad line named, and all or nothing."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from uuid import UUID

import pytest

from coprod.application import Coprod
from coprod.application.commands.processes import OpenProcess
from coprod.application.csv_table import CsvRefused, parse_date, parse_decimal
from coprod.domain.errors import NotAllowed
from coprod.domain.project import MilestoneStatus, Project
from coprod.domain.values import Actor, Money, Role


def funded(app: Coprod, officer: Actor) -> tuple[UUID, UUID]:
    """A process of the officer's council with one funded project of 100 000 DKK."""
    assert officer.organisation_id is not None
    process = app.open_process(
        OpenProcess(council_id=officer.organisation_id, code="pb", name="PB", currency="DKK"),
        officer,
    ).aggregate_id
    project = Project.fund(
        officer, process, uuid.uuid4(), uuid.uuid4(), "Park", Money.of(100_000, "DKK")
    )
    app.commit(project)
    return process, project.id


def events(app: Coprod) -> int:
    return app.recorder.max_notification_id() or 0


def milestones_csv(project: UUID, bad: bool = False) -> str:
    meet_date = "2020-01-01" if bad else "2027-01-10"
    return (
        "project,action,code,title,date,evidence_url,reason\n"
        f"{project},schedule,design,Design the park,2027-01-31,,\n"
        f"{project},start,design,,2027-01-02,,\n"
        f"{project},meet,design,,{meet_date},https://example.org/design.pdf,\n"
        f"{project},delay,build,,2027-06-01,,rain\n"
    )


def test_one_bad_line_imports_nothing_and_every_bad_line_is_named(
    app: Coprod, officer: Actor
) -> None:
    process, project = funded(app, officer)
    before = events(app)
    with pytest.raises(CsvRefused) as refused:
        app.import_milestones(process, milestones_csv(project, bad=True), officer)
    assert [(e.line, e.field) for e in refused.value.errors] == [(4, "met_on"), (5, "project")]
    assert "build" in refused.value.errors[1].message
    assert events(app) == before
    assert app.get_project(project).milestones == {}


def test_a_good_file_is_recorded_in_one_transaction(app: Coprod, officer: Actor) -> None:
    process, project = funded(app, officer)
    good = milestones_csv(project).rsplit("\n", 2)[0] + "\n"  # without the delay of "build"
    before = events(app)
    result = app.import_milestones(process, good, officer)
    assert result.recorded
    assert [p.line for p in result.lines] == [2, 3, 4]
    assert events(app) == before + 3
    assert app.get_project(project).milestones["design"].status is MilestoneStatus.MET


def test_a_dry_run_previews_each_line_and_writes_nothing(app: Coprod, officer: Actor) -> None:
    process, project = funded(app, officer)
    before = events(app)
    csv = f"project;amount;date;purpose\n{project};1.234,50;31-01-2027;Benches\n"
    result = app.import_spend(process, csv, officer, dry_run=True)
    assert not result.recorded
    assert result.lines[0].summary == "spend 1234.50 DKK on 2027-01-31: Benches"
    assert events(app) == before


def test_danish_excel_spend_with_bom_semicolons_and_decimal_commas(
    app: Coprod, officer: Actor
) -> None:
    process, project = funded(app, officer)
    data = (
        "\ufeffProject;Amount;Date;Purpose\r\n"
        f"{project};1.234,50;31-01-2027;Bænke\r\n"
        f"{project};99,5;01.02.2027;Maling\r\n"
    ).encode()
    app.import_spend(process, data, officer)
    spent = app.get_project(project).spent
    assert spent == Money(Decimal("1334.00"), "DKK")
    with pytest.raises(CsvRefused):  # the same file again is a repeat, not new spend
        app.import_spend(process, data, officer)
    assert app.get_project(project).spent == spent


def test_bad_spend_lines_name_their_field(app: Coprod, officer: Actor) -> None:
    process, project = funded(app, officer)
    csv = (
        "project,amount,date,purpose\n"
        f"{project},abc,2027-01-01,Benches\n"
        f"{project},-5,2027-01-01,Benches\n"
        f"not-an-id,5,2027-01-01,Benches\n"
        f"{project},5,2027-13-01,Benches\n"
        f"{project},5,2027-01-01,\n"
        f"{uuid.uuid4()},5,2027-01-01,Benches\n"
    )
    with pytest.raises(CsvRefused) as refused:
        app.import_spend(process, csv, officer)
    assert [(e.line, e.field) for e in refused.value.errors] == [
        (2, "amount"),
        (3, "amount"),
        (4, "project"),
        (5, "date"),
        (6, "purpose"),
        (7, "project"),
    ]
    assert app.get_project(project).spends == {}


def test_a_missing_or_unknown_column_refuses_the_file(app: Coprod, officer: Actor) -> None:
    process, project = funded(app, officer)
    with pytest.raises(CsvRefused) as refused:
        app.import_spend(process, f"project,amount,when\n{project},5,2027-01-01\n", officer)
    assert {(e.line, e.field) for e in refused.value.errors} == {
        (1, "date"),
        (1, "purpose"),
        (1, "when"),
    }


def test_an_officer_of_another_council_is_refused(app: Coprod, officer: Actor) -> None:
    process, project = funded(app, officer)
    other = Actor(uuid.uuid4(), Role.COUNCIL_OFFICER, uuid.uuid4())
    before = events(app)
    with pytest.raises(NotAllowed):
        app.import_spend(process, f"project,amount,date,purpose\n{project},5,2027-01-01,X\n", other)
    assert events(app) == before


def test_numbers_and_dates_as_people_type_them() -> None:
    assert parse_decimal("x", "1.234,50") == Decimal("1234.50")
    assert parse_decimal("x", "1234.5") == Decimal("1234.5")
    assert parse_decimal("x", "0,13") == Decimal("0.13")
    assert parse_date("x", "5.2.2027") == date(2027, 2, 5)
    assert parse_date("x", "2027-02-05") == date(2027, 2, 5)


def test_every_refused_line_carries_a_code_the_pages_can_say(app: Coprod, officer: Actor) -> None:
    """The pages translate refusals by code (api/web/import_reasons.py): the common ones have
    one, and each code the imports give has words there."""
    from api.web.import_reasons import REASONS

    process, project = funded(app, officer)
    csv = (
        "project,amount,date,purpose\n"
        f"{project},abc,2027-01-01,Benches\n"
        f"{project},-5,2027-01-01,Benches\n"
        f"not-an-id,5,2027-01-01,Benches\n"
        f"{project},5,2027-13-01,Benches\n"
        f"{project},5,2027-01-01,\n"
        f"{uuid.uuid4()},5,2027-01-01,Benches\n"
        f"{project},5,2027-01-01,Benches,extra\n"
    )
    with pytest.raises(CsvRefused) as refused:
        app.import_spend(process, csv, officer)
    assert [e.code for e in refused.value.errors] == [
        "decimal-format",
        "amount-positive",
        "id-format",
        "date-format",
        "text-empty",
        "not-found:project",
        "extra-cells",
    ]
    with pytest.raises(CsvRefused) as header:
        app.import_spend(process, f"project,amount,when\n{project},5,2027-01-01\n", officer)
    assert {e.code for e in header.value.errors} == {"column-missing", "column-unknown"}
    with pytest.raises(CsvRefused) as milestones:
        app.import_milestones(process, milestones_csv(project, bad=True), officer)
    codes = [e.code for e in milestones.value.errors]
    assert codes == ["milestone-date-order", "milestone-scheduled"]
    every = [*refused.value.errors, *header.value.errors, *milestones.value.errors]
    assert all(e.code in REASONS for e in every), [e.code for e in every if e.code not in REASONS]
