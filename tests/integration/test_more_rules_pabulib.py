"""Poznań's greedy-custom and Warsaw's greedy-exclusive reproduce the cities' own results.

The three shared files in ``$COPROD_PABULIB_DIR/more-rules`` (a folder of their own, so the
rule-by-rule comparisons of test_rules_pabulib.py do not pick them up) are imported into one
SQLite store and counted from the stored ballots under the rule each file declares; the winners
must equal the file's ``selected`` column (1, or 2 for a project funded from reserve funds), and
plain greedy must not, so the variant is what reproduces them. Bemowo's exclusion group (773 and
153, named in the file's comment) is given as input, as a council would. Fails, never skips,
without the folder.
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
from coprod.application import Coprod
from coprod.application.commands.processes import CloseBallot
from coprod.domain.decision import Decision, DecisionOutcome
from coprod.domain.outcome import Outcome
from coprod.domain.proposal import Proposal
from coprod.domain.rules.options import RuleOptions
from coprod.domain.values import Actor, Role
from coprod.domain.voting import BallotChoices, SelectionRule
from coprod.standards.pabulib import PabulibReader, import_file
from tests.unit.test_outcome import cast, make_vote

PIATKOWO = "Poland_Poznan_2023_3_-_Piatkowo_Polnoc_Piatkowo.pb"
STARE_MIASTO = "Poland_Poznan_2025_9_-_Stare_Miasto__small.pb"
BEMOWO = "Poland_Warszawa_2022_Bemowo.pb"
FILES = {PIATKOWO: "greedy-custom", STARE_MIASTO: "greedy-custom", BEMOWO: "greedy-exclusive"}
GROUPS = {BEMOWO: (("773", "153"),)}


def _folder() -> Path:
    value = os.environ.get("COPROD_PABULIB_DIR", "")
    folder = Path(value) / "more-rules"
    if not value or not folder.is_dir():
        pytest.fail(
            f"set COPROD_PABULIB_DIR to the shared Pabulib folder; {folder} is missing "
            "(these tests never skip)",
            pytrace=False,
        )
    missing = [f for f in FILES if not (folder / f).is_file()]
    if missing:
        pytest.fail(f"{folder} lacks {', '.join(missing)}", pytrace=False)
    return folder


@dataclass(frozen=True)
class Store:
    url: str
    processes: dict[str, UUID]
    selected: dict[str, dict[str, int]]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    folder = _folder()
    url = f"sqlite:///{tmp_path_factory.mktemp('more_rules')}/coprod.sqlite"
    processes: dict[str, UUID] = {}
    selected: dict[str, dict[str, int]] = {}
    with Coprod(parse_database_url(url)) as app:
        for name in FILES:
            processes[name] = import_file(app, folder / name, use_checker=False).process_id
            with PabulibReader(folder / name) as reader:
                assert reader.header.meta["rule"] == FILES[name]
                projects = reader.header.projects
            selected[name] = {p.project_id: p.selected or 0 for p in projects}
    return Store(url, processes, selected)


def _run(store: Store, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(
        cli, ["outcome", *args], env={"COPROD_DATABASE_URL": store.url, "COLUMNS": "400"}
    )
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("name", list(FILES))
def test_the_declared_rule_reproduces_the_city_selection(store: Store, name: str) -> None:
    options = RuleOptions(exclusive=GROUPS.get(name, ()))
    with Coprod(parse_database_url(store.url)) as app:
        counted = app.compute_outcome(store.processes[name], "declared", None, options)
        plain = app.compute_outcome(store.processes[name], "greedy")
    tally = counted.tally
    assert tally.applied == FILES[name]
    official = store.selected[name]
    assert sorted(tally.result.winners) == sorted(p for p, s in official.items() if s in (1, 2))
    assert sorted(tally.result.reserve) == sorted(p for p, s in official.items() if s == 2)
    assert not tally.depends_on_tie
    if name != STARE_MIASTO:  # one project: every rule agrees
        assert plain.tally.result.winner_set != tally.result.winner_set


def test_piatkowo_says_which_project_reserve_funds_pay_for(store: Store) -> None:
    code, out, err = _run(store, str(store.processes[PIATKOWO]), "--rule", "declared")
    assert code == 0, err
    assert "RESERVE" in out
    assert "Funded from reserve funds, outside the budget: III.1" in out
    assert "the budget pays 483150 PLN" in out
    with Coprod(parse_database_url(store.url)) as app:
        reasons = dict(
            app.compute_outcome(store.processes[PIATKOWO], "greedy-custom").tally.reasons()
        )
    assert reasons["III.1"].code == "in-reserve"
    assert reasons["III.6"].code == "out-no-skipping"
    # The import reads selected=2 as reserve funding in the city's decision record.
    with Coprod(parse_database_url(store.url)) as app:
        tally = app.compute_outcome(store.processes[PIATKOWO], "greedy-custom").tally
        proposal = app.load(Proposal, tally.proposal_of["III.1"])
        assert proposal.decision_id is not None
        decision = app.load(Decision, proposal.decision_id)
    assert decision.outcome is DecisionOutcome.FUNDED_IN_FULL
    (consideration,) = decision.record.main_considerations
    assert "selected=2: funded from reserve funds outside the district's budget" in consideration
    # A stricter share than 82 % of the cost left funds nothing from reserve.
    code, out, _ = _run(
        store,
        str(store.processes[PIATKOWO]),
        "--rule",
        "greedy-custom",
        "-o",
        "reserve-percent=85",
        "--format",
        "json",
    )
    assert code == 0
    assert json.loads(out)["winners"] == ["III.5"]


def test_bemowo_needs_its_group_and_records_it(store: Store, tmp_path: Path) -> None:
    pid = str(store.processes[BEMOWO])
    code, out, err = _run(store, pid, "--rule", "declared")
    assert code == 2
    assert "needs the exclusion groups" in err
    groups = tmp_path / "groups.txt"
    groups.write_text("# Konarskiego: one of the two\n773, 153\n", encoding="utf-8")
    code, out, err = _run(
        store,
        pid,
        "--rule",
        "greedy-exclusive",
        "--rule-option",
        f"exclusive-file={groups}",
        "--format",
        "json",
        "--record",
    )
    assert code == 0, err
    payload = json.loads(out)
    assert set(payload) == {"rule", "winners", "cost"}
    official = store.selected[BEMOWO]
    assert sorted(payload["winners"]) == sorted(p for p, s in official.items() if s == 1)
    assert "153" not in payload["winners"]
    with Coprod(parse_database_url(store.url)) as app:
        outcome = app.get_outcome(store.processes[BEMOWO], "greedy-exclusive")
        assert [type(e) for e in app.events.get(outcome.id)] == [Outcome.Computed]
    assert ("exclusive", "773,153") in outcome.parameters
    assert ("tie_break", "smaller project id compared as a string") in outcome.parameters
    code, out, err = _run(store, pid, "--rule", "greedy-exclusive", "-o", "exclusive=773,153")
    assert code == 0, err
    assert "cannot be built together with 773" in out


def test_a_piatkowo_recount_with_another_tie_break_is_recorded_with_it(store: Store) -> None:
    pid = str(store.processes[PIATKOWO])
    code, _, err = _run(
        store,
        pid,
        "--rule",
        "greedy-custom",
        "-o",
        "tie-break=lottery",
        "-o",
        "seed=2023",
        "--record",
    )
    assert code == 0, err
    with Coprod(parse_database_url(store.url)) as app:
        outcome = app.get_outcome(store.processes[PIATKOWO], "greedy-custom")
    assert ("tie_break", "lottery drawn with seed 2023") in outcome.parameters
    assert ("funded_from_reserve", "III.1") in outcome.parameters
    assert ("reserve_percent", "80") in outcome.parameters
    assert outcome.total_cost.amount == 1283150  # both winners; the pot pays 483150 of it
    code, _, err = _run(store, pid, "--rule", "mes-cost", "-o", "tie-break=cheaper")
    assert code == 2
    assert "always breaks ties on the smaller id" in err


def test_a_tie_is_printed_recorded_and_decided_by_the_chosen_tie_break(store: Store) -> None:
    officer = Actor(uuid.uuid4(), Role.COUNCIL_OFFICER, uuid.uuid4())
    assert officer.organisation_id is not None
    with Coprod(parse_database_url(store.url)) as app:
        pid, ids = make_vote(app, officer, officer.organisation_id, SelectionRule("greedy"))
        # A (600 DKK) and B (550 DKK) tie on 3 votes; the 1000 DKK pot pays one of them, and
        # C (300 DKK, 1 vote) fits after either.
        votes = [("A", "C"), ("A",), ("A",), ("B",), ("B",), ("B",)]
        cast(app, officer, pid, [BallotChoices(approvals=tuple(ids[n] for n in v)) for v in votes])
        app.close_ballot(CloseBallot(process_id=pid), officer)
    a, b = str(ids["A"]), str(ids["B"])
    code, out, err = _run(store, str(pid), "--rule", "greedy", "-o", "tie-break=cheaper")
    assert code == 0, err
    assert f"Tie: {b}, {a} tie on score 3; broken by cheaper project first" in out
    assert "The result depends on this tie-break." in out
    code, out, err = _run(
        store, str(pid), "--rule", "greedy", "-o", "tie-break=cheaper", "--format", "json"
    )
    assert code == 0, err
    assert b in json.loads(out)["winners"]
    assert a not in json.loads(out)["winners"]
    assert "Tie: " in err  # stdout stays exactly {rule, winners, cost}
    code, out, err = _run(
        store, str(pid), "--rule", "greedy", "-o", "tie-break=lottery", "-o", "seed=11", "--record"
    )
    assert code == 0, err
    with Coprod(parse_database_url(store.url)) as app:
        outcome = app.get_outcome(pid, "greedy")
    assert ("depends_on_tie", "true") in outcome.parameters
    assert ("tie_break", "lottery drawn with seed 11") in outcome.parameters
    ties = [v for k, v in outcome.parameters if k == "tie"]
    assert len(ties) == 1
    assert sorted(ties[0].split(" tie on ")[0].split(", ")) == sorted([a, b])
    code, _, err = _run(store, str(pid), "--rule", "greedy", "-o", "tie-break=lottery")
    assert code == 2
    assert "a lottery needs a seed" in err
    code, _, err = _run(store, str(pid), "--rule", "greedy", "-o", "coin=heads")
    assert code == 2
    assert "KEY one of reserve-percent, exclusive" in err
