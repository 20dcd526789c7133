"""The same value checks at the CLI and Pabulib doors: one line, non-zero exit, nothing written."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from api.cli.pabulib import import_app
from api.cli.serve import keys_app
from coprod.adapters.config import parse_database_url
from coprod.application import Coprod
from coprod.domain.decision import Decision, DecisionAct, DecisionOutcome
from coprod.domain.errors import InvalidInput
from coprod.domain.phases import Phase
from coprod.domain.process import PhaseDates, Process, ProcessKind
from coprod.domain.values import Actor, Money, Role
from coprod.standards.pabulib import PabulibFormatError
from coprod.standards.pabulib.parser import PabulibReader
from tests.unit.test_pabulib_parser import APPROVAL, _file, _vary


def _read(path: Path) -> None:
    with PabulibReader(path) as reader:
        for _ in reader.votes():
            pass


@pytest.mark.parametrize(
    ("old", "new", "line", "problem"),
    [
        (
            "p2;300;2;Library",
            "p2;300;2;Lib\x00rary",
            20,
            "a cell contains the control character NUL",
        ),
        ("p2;300;2;Library", "p2;300;2;Lib\x07rary", 20, "control character U.0007"),
        ("date_begin;01.06.2024", "date_begin;01.01.0001", 12, "outside 1900-01-01..2200-12-31"),
        ("date_end;15.06.2024", "date_end;9999", 13, "outside 1900-01-01..2200-12-31"),
        ("v1;p1,p2;34;", "v1;p1,p2;10000000000000000000;", 24, "larger than 1000000000"),
        ("p3;500;1;", "p3;10000000000000000000;1;", 21, "or more in size"),
    ],
)
def test_hostile_cells_are_refused_with_their_line(
    tmp_path: Path, old: str, new: str, line: int, problem: str
) -> None:
    path = _file(tmp_path, _vary(APPROVAL, old, new))
    with pytest.raises(PabulibFormatError, match=problem) as caught:
        _read(path)
    assert caught.value.line == line


def test_a_project_name_is_stored_nfc(tmp_path: Path) -> None:
    path = _file(tmp_path, _vary(APPROVAL, "p2;300;2;Library", "p2;300;2;Cafe\u0301"))
    with PabulibReader(path) as reader:
        names = {p.project_id: p.name for p in reader.header.projects}
    assert names["p2"] == "Caf\u00e9"


@pytest.fixture
def url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    database = f"sqlite:///{tmp_path}/doors.sqlite"
    monkeypatch.setenv("COPROD_DATABASE_URL", database)
    return database


def _positions(url: str) -> int:
    with Coprod(parse_database_url(url)) as app:
        return app.recorder.max_notification_id() or 0


def test_cli_import_of_a_nul_name_is_one_line_and_writes_nothing(tmp_path: Path, url: str) -> None:
    root = typer.Typer()
    root.add_typer(import_app, name="import")
    path = _file(tmp_path, _vary(APPROVAL, "p2;300;2;Library", "p2;300;2;Lib\x00rary"))
    before = _positions(url)
    result = CliRunner().invoke(root, ["import", "pabulib", str(path), "--no-checker"])
    assert result.exit_code == 2
    assert "line 20: a cell contains the control character NUL" in " ".join(result.stderr.split())
    assert "Traceback" not in result.output
    assert _positions(url) == before


def test_cli_refuses_a_control_character_in_a_name_it_would_register(url: str) -> None:
    before = _positions(url)
    result = CliRunner().invoke(
        keys_app,
        [
            *("create", "--organisation", "new-council", "--role", "council_officer"),
            *("--register", "Bad\x07name"),
        ],
    )
    assert result.exit_code != 0
    assert "display_name: contains the control character U+0007" in str(result.exception)
    assert _positions(url) == before


# -- the aggregates check business dates themselves (for callers other than HTTP) -------------


@pytest.mark.parametrize("day", [date(1, 1, 1), date(9999, 12, 31)])
def test_aggregates_refuse_dates_outside_the_window(day: date) -> None:
    council = uuid.uuid4()
    officer = Actor(uuid.uuid4(), Role.COUNCIL_OFFICER, council)
    process = Process.open(officer, council, "pb", "PB", ProcessKind.PB_CYCLE, "DKK")
    dates = sorted((day, date(2026, 1, 1)))
    with pytest.raises(InvalidInput, match=r"outside 1900-01-01\.\.2200-12-31"):
        process.schedule_phases(officer, (PhaseDates(Phase.IDEAS, *dates),))
    with pytest.raises(InvalidInput, match=r"decided_on: .* is outside"):
        Decision.decide(
            officer,
            process.id,
            uuid.uuid4(),
            DecisionAct(DecisionOutcome.FUNDED_IN_FULL, Money.of(100, "DKK"), None, day),
            assessed_cost=Money.of(100, "DKK"),
        )
