"""Figures at a business date (valid-at) beside figures as recorded (as-of), on both stores.

Two stories: a past cycle imported from a Pabulib file today must count at its real ballot
dates (its ballots by date_end, its decisions on date_end, nothing before date_begin); and a
live cycle whose decisions were recorded today but dated 400 days ago must count them then,
while its ballot (closed today) does not count at that date.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from uuid import UUID, uuid4

import pytest
from typer.testing import CliRunner

from api.cli.main import cli
from coprod.adapters.config import parse_database_url
from coprod.application import Coprod
from coprod.application.commands.projects import RecordSpend
from coprod.domain.errors import InvalidInput, NotYetRecorded, NotYetValid
from coprod.domain.values import Money
from coprod.standards.pabulib import import_file
from projections.impact.report import ImpactReport, impact_report
from projections.queries import process_summary
from projections.registry import Projector
from projections.valid_time import parse_valid_at
from tests.integration.test_impact import DECIDED, Cycle, cells, project
from tests.integration.test_impact import cycle as cycle  # the fixture

BEGIN, END = date(2023, 6, 1), date(2023, 6, 15)
VOTERS = 12

PAST_CYCLE = (
    "META\nkey;value\ndescription;A past cycle\ncountry;Poland\nunit;Testowo\n"
    f"instance;2023\nnum_projects;3\nnum_votes;{VOTERS}\nbudget;1000\nvote_type;approval\n"
    "rule;greedy\ndate_begin;01.06.2023\ndate_end;15.06.2023\ncurrency;PLN\n"
    f"PROJECTS\nproject_id;cost;votes;name;selected\np1;600;{VOTERS};Park;1\n"
    f"p2;300;{VOTERS // 2};Library;1\np3;500;{VOTERS // 2};Bench;0\n"
    "VOTES\nvoter_id;vote\n"
    + "".join(f"v{i};p1,{'p2' if i % 2 else 'p3'}\n" for i in range(VOTERS))
)


@dataclass
class Imported:
    url: str
    process_id: UUID
    imported_at: datetime


@pytest.fixture
def imported(store_url: str, tmp_path: Path) -> Iterator[Imported]:
    path = tmp_path / "past.pb"
    path.write_text(PAST_CYCLE, encoding="utf-8")
    app = Coprod(parse_database_url(store_url))
    try:
        before = datetime.now(UTC)
        result = import_file(app, path, use_checker=True)
        with Projector(app, models=["impact", "process_summary"]) as projector:
            projector.catch_up()
        yield Imported(store_url, result.process_id, before)
    finally:
        app.close()


def _impact(url: str, pid: UUID, **when: object) -> ImpactReport:
    return impact_report(pid, settings=parse_database_url(url), **when)  # type: ignore[arg-type]


def _voters(report: ImpactReport) -> int:
    return int(cells(report, "turnout")["all"]["voters_V"])


def _funds(report: ImpactReport) -> Decimal:
    return Decimal(cells(report, "share of budget decided by citizens")["process"]["F"])


def test_an_imported_cycle_counts_at_its_own_ballot_dates(imported: Imported) -> None:
    url, pid = imported.url, imported.process_id
    during = _impact(url, pid, valid_at=END - timedelta(days=1))
    assert (_voters(during), _funds(during)) == (0, Decimal(0))
    assert (
        cells(during, "decision compliance")["all decisions: full decision record"]["decisions"]
        == 0
    )
    closed = _impact(url, pid, valid_at=END)
    assert (_voters(closed), _funds(closed)) == (VOTERS, Decimal(900))
    assert closed.valid_at == END
    assert closed.to_dict()["valid_at"] == END.isoformat()
    # What is true now is what was true at the close (nothing happened since).
    now = _impact(url, pid)
    assert (_voters(now), _funds(now)) == (VOTERS, Decimal(900))
    # The ideas were in from the first day of the cycle.
    opened = _impact(url, pid, valid_at=BEGIN)
    assert cells(opened, "participation funnel")["ideas"]["count"] == 3


def test_before_the_cycle_began_the_process_did_not_exist(imported: Imported) -> None:
    with pytest.raises(NotYetValid, match="valid from 2023-06-01"):
        _impact(imported.url, imported.process_id, valid_at=BEGIN - timedelta(days=1))
    settings = parse_database_url(imported.url)
    with pytest.raises(NotYetValid):
        process_summary(imported.process_id, valid_at=date(2022, 1, 1), settings=settings)
    # As-of still answers by recording time: before the import, nothing was known.
    earlier = imported.imported_at - timedelta(seconds=1)
    with pytest.raises(NotYetRecorded):
        _impact(imported.url, imported.process_id, as_of=earlier, valid_at=END)


def test_the_summary_of_an_imported_cycle_at_its_dates(imported: Imported) -> None:
    settings = parse_database_url(imported.url)
    during = process_summary(
        imported.process_id, valid_at=END - timedelta(days=1), settings=settings
    )
    assert (during.ballot_state, during.ballots_cast, during.tallies) == ("open", 0, None)
    assert during.decisions == ()
    assert during.ideas_submitted == 3
    after = process_summary(imported.process_id, valid_at=END, settings=settings)
    assert (after.ballot_state, after.ballots_cast) == ("closed", VOTERS)
    assert dict(after.decisions) == {"funded_in_full": 2, "rejected": 1}
    assert after.tallies is not None
    assert max(t.approvals or 0 for t in after.tallies) == VOTERS
    assert after.valid_at == END


def test_a_live_cycle_counts_decisions_at_their_date_not_their_recording(cycle: Cycle) -> None:
    project(cycle.url, cycle.app)
    now = _impact(cycle.url, cycle.pid)
    assert _funds(now) > 0
    assert _voters(now) == 11
    # Nothing of the cycle is dated before its decisions: it did not exist yet then.
    with pytest.raises(NotYetValid, match=f"valid from {DECIDED.isoformat()}"):
        _impact(cycle.url, cycle.pid, valid_at=DECIDED - timedelta(days=1))
    at = _impact(cycle.url, cycle.pid, valid_at=DECIDED)
    assert _funds(at) == _funds(now)
    # The ballot closed today: at the decisions' date no ballot was cast yet.
    assert _voters(at) == 0
    # Work logged today for today counts today, not at the decisions' date.
    hours = {(r["by"], r["group"]): r for r in at.table("volunteer hours").as_dicts()}
    assert hours[("all", "all")]["logs"] == 0
    assert now.table("volunteer hours").as_dicts()[0]["logs"] > 0


def test_valid_at_reads_a_day_or_an_aware_moment() -> None:
    assert parse_valid_at("2024-05-31") == date(2024, 5, 31)
    midnight = parse_valid_at("2024-05-31T00:00:00+00:00")
    assert midnight == datetime(2024, 5, 31, tzinfo=UTC)  # a moment, not the whole day
    for bad in ("31.05.2024", "2024-05-31T12:00:00", "soon"):
        with pytest.raises(InvalidInput, match="valid_at"):
            parse_valid_at(bad)


def test_the_cli_prints_figures_at_a_business_date(imported: Imported) -> None:
    runner = CliRunner(env={"COPROD_DATABASE_URL": imported.url})
    pid = str(imported.process_id)
    during = runner.invoke(
        cli, ["report", "impact", pid, "--valid-at", "2023-06-14", "--format", "json"]
    )
    assert during.exit_code == 0, during.output
    figures = json.loads(during.output)
    assert figures["valid_at"] == "2023-06-14"
    turnout = next(t for t in figures["tables"] if t["title"] == "turnout")
    assert turnout["rows"][0]["voters_V"] == 0
    summary = runner.invoke(
        cli, ["report", "summary", pid, "--valid-at", END.isoformat(), "--format", "json"]
    )
    assert summary.exit_code == 0, summary.output
    parsed = json.loads(summary.output)
    assert (parsed["ballots_cast"], parsed["ballot_state"]) == (VOTERS, "closed")
    table = runner.invoke(cli, ["report", "summary", pid, "--valid-at", "2023-06-14"])
    assert table.exit_code == 0, table.output
    assert "true at 2023-06-14" in " ".join(table.output.split())
    early = runner.invoke(cli, ["report", "summary", pid, "--valid-at", "2022-01-01"])
    assert early.exit_code == 2
    assert "not in existence yet at 2022-01-01" in " ".join(early.output.split())
    bad = runner.invoke(cli, ["report", "impact", pid, "--valid-at", "14.06.2023"])
    assert bad.exit_code == 2
    assert "valid_at" in bad.output
    assert "Traceback" not in bad.output


def test_spend_imported_with_its_date_counts_then_with_its_project(cycle: Cycle) -> None:
    """A council entering a past cycle: the project is funded today (no date of its own),
    its spend is imported dated 300 days ago. At that date the project existed, its spend
    counts; a day before, neither did."""
    spent_on = DECIDED + timedelta(days=100)
    cycle.app.record_spend(
        RecordSpend(
            project_id=cycle.projects["B"],
            amount=Money.of(700, "DKK"),
            spent_on=spent_on,
            purpose="site survey",
            spend_id=uuid4(),
        ),
        cycle.officer,
    )
    project(cycle.url, cycle.app)
    execution = "budget execution"
    at = _impact(cycle.url, cycle.pid, valid_at=spent_on)
    assert cells(at, execution)["process"]["spent"] == 700
    assert cells(at, "cost overrun")["portfolio"]["spent"] == 700
    before = _impact(cycle.url, cycle.pid, valid_at=spent_on - timedelta(days=1))
    assert cells(before, execution)["process"]["spent"] == 0
    now = _impact(cycle.url, cycle.pid)
    assert cells(now, execution)["process"]["spent"] > 700
