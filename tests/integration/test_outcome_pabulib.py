"""`coprod outcome` on real elections: the declared rule reproduces the city's `selected` column.

Five small shared instances (one per declared rule and vote type: Add1 on approval, choose-1
no-skip, cumulative greedy, ordinal 3-2-1 greedy) are imported into one SQLite file store; the
outcome is computed from the stored ballots (not from the file) and compared with the file's
`selected` column, then the CLI's JSON is checked for its exact keys and Pabulib project ids.
Needs COPROD_PABULIB_DIR (fails, never skips, without it).
"""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from uuid import UUID

import pytest
from typer.testing import CliRunner

from api.cli.main import cli
from coprod.adapters.config import parse_database_url
from coprod.application import SYSTEM_ACTOR, Coprod
from coprod.application.commands.processes import CloseBallot
from coprod.domain.outcome import Outcome
from coprod.domain.values import Actor, Role
from coprod.domain.voting import BallotChoices, SelectionRule
from coprod.standards.pabulib import PabulibReader, import_file
from tests.unit.test_outcome import cast, make_vote

FILES = (
    "Netherlands_Assen_2024.pb",  # approval, equalshares/add1
    "Poland_Swiecie_2023.pb",  # approval, equalshares/add1
    "Poland_Wroclaw_2016_Rejon_nr_13_250.pb",  # choose-1, greedy-no-skip
    "Poland_Czestochowa_2024_Stare_Miasto.pb",  # cumulative, greedy
    "Poland_Krakow_2022_Krowodrza.pb",  # ordinal (3-2-1), greedy
)


def _folder() -> Path:
    value = os.environ.get("COPROD_PABULIB_DIR", "")
    if not value or not Path(value).is_dir():
        pytest.fail(
            "set COPROD_PABULIB_DIR to a folder of Pabulib .pb files "
            "(e.g. /work/shared/data/pabulib); these tests never skip",
            pytrace=False,
        )
    missing = [f for f in FILES if not (Path(value) / f).is_file()]
    if missing:
        pytest.fail(f"COPROD_PABULIB_DIR={value} lacks {', '.join(missing)}", pytrace=False)
    return Path(value)


@dataclass(frozen=True)
class Store:
    url: str
    processes: dict[str, UUID]
    selected: dict[str, list[str]]


def _selected(path: Path) -> list[str]:
    with PabulibReader(path) as reader:
        projects = reader.header.projects
    assert all(p.selected is not None for p in projects), f"{path.name} has no selected column"
    return [p.project_id for p in projects if p.selected == 1]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    folder = _folder()
    url = f"sqlite:///{tmp_path_factory.mktemp('outcome')}/coprod.sqlite"
    processes: dict[str, UUID] = {}
    with Coprod(parse_database_url(url)) as app:
        for name in FILES:
            result = import_file(app, folder / name, use_checker=False)
            assert result.duplicate is None
            processes[name] = result.process_id
    return Store(url, processes, {name: _selected(folder / name) for name in FILES})


def _run(store: Store, *args: str) -> tuple[int, str, str]:
    runner = CliRunner()
    result = runner.invoke(cli, ["outcome", *args], env={"COPROD_DATABASE_URL": store.url})
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("name", FILES)
def test_declared_rule_reproduces_the_city_selection(store: Store, name: str) -> None:
    with Coprod(parse_database_url(store.url)) as app:
        counted = app.compute_outcome(store.processes[name], "declared")
    assert counted.id_scheme == "pabulib"
    assert sorted(counted.tally.result.winners) == sorted(store.selected[name])


@pytest.mark.parametrize("name", FILES)
def test_cli_json_has_exactly_rule_winners_cost_with_pabulib_ids(store: Store, name: str) -> None:
    code, out, err = _run(
        store, str(store.processes[name]), "--rule", "declared", "--format", "json"
    )
    assert code == 0, err
    payload = json.loads(out)
    assert set(payload) == {"rule", "winners", "cost"}
    assert payload["rule"] == "declared"
    assert sorted(payload["winners"]) == sorted(store.selected[name])
    assert all(isinstance(w, str) for w in payload["winners"])
    with PabulibReader(_folder() / name) as reader:
        cost = {p.project_id: p.cost for p in reader.header.projects}
    assert payload["cost"] == sum(cost[w] for w in payload["winners"])


def test_cli_table_explains_each_project_and_record_writes_one_event(store: Store) -> None:
    name = "Poland_Wroclaw_2016_Rejon_nr_13_250.pb"
    pid = store.processes[name]
    code, out, err = _run(store, str(pid), "--rule", "greedy-no-skip", "--record")
    assert code == 0, err
    assert "Winners (" in out
    assert "Why each project is in or out" in out
    assert "recorded as outcome" in err
    with Coprod(parse_database_url(store.url)) as app:
        outcome = app.get_outcome(pid, "greedy-no-skip")
        events = list(app.events.get(outcome.id))
    assert [type(e) for e in events] == [Outcome.Computed]
    assert isinstance(events[0], Outcome.Computed)
    assert events[0].actor == SYSTEM_ACTOR
    assert outcome.ballots == 1975
    assert ("project_ids", "pabulib") in outcome.parameters
    code, _, err = _run(store, str(pid), "--rule", "greedy-no-skip", "--record")
    assert code == 0
    assert "already recorded" in err


def test_cli_refuses_unknown_process_and_open_ballot_in_one_line(store: Store) -> None:
    code, out, err = _run(store, str(uuid.uuid4()), "--rule", "greedy")
    assert code == 2
    assert out == ""
    assert err.strip().startswith("error: no process with id")
    assert len(err.splitlines()) == 1
    code, _, err = _run(store, "not-a-uuid")
    assert code == 2
    assert "is not a process id" in err
    assert "Traceback" not in err
    officer = Actor(uuid.uuid4(), Role.COUNCIL_OFFICER, uuid.uuid4())
    with Coprod(parse_database_url(store.url)) as app:
        assert officer.organisation_id is not None  # the officer's own council runs the vote
        pid, ids = make_vote(app, officer, officer.organisation_id, SelectionRule("greedy"))
        cast(app, officer, pid, [BallotChoices(approvals=(ids["A"], ids["C"]))])
    code, _, err = _run(store, str(pid), "--rule", "greedy")
    assert code == 2
    assert "is open; close it before counting" in err
    assert "Traceback" not in err
    assert len(err.splitlines()) == 1
    with Coprod(parse_database_url(store.url)) as app:
        app.close_ballot(CloseBallot(process_id=pid), officer)
    code, out, err = _run(store, str(pid), "--rule", "greedy", "--format", "json")
    assert code == 0, err
    # A and C tie on one vote each: the smaller id (as a string) is selected first.
    assert json.loads(out) == {
        "rule": "greedy",
        "winners": sorted([str(ids["A"]), str(ids["C"])]),
        "cost": 900,
    }
