"""The evaluator's dataset on both stores: every table written as CSV and Parquet, read back
by `load` with the dictionary's dtypes, checked against pandera schemas built from the
dictionary (ids in one format, coded columns within their codes, keys unique); the docs'
worked example runs; the manifest's chain head and hashes hold; nothing personal."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pandera.pandas as pa
import pytest

from api.cli.serve import DEMO_SEED
from api.demo import seed_demo
from coprod.adapters.chain import chain_head
from coprod.adapters.config import parse_database_url
from coprod.application import Coprod
from coprod.application.commands.ballots import CastBallotWithCode
from coprod.application.voting_codes import CODE_VOTER
from coprod.domain.ballot import AgeBand, Sex
from coprod.domain.errors import InvalidInput
from coprod.domain.organisation import Person
from coprod.domain.voting import BallotChoices, VoteMethod
from projections.dataset import TABLES, Table, export_dataset, load
from projections.dataset.rows import ballot_rows, stored_ballot_rows
from projections.stored_ballot import parse_stored_ballot
from tests.web.voting_site import codes, open_vote

UUID_RE = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
KEYS = {
    "processes": ["process_id"],
    "proposals": ["proposal_id"],
    "decisions": ["decision_id"],
    "ballots": ["ballot_id"],
    "ballot_choices": ["ballot_id", "proposal_id"],
    "projects": ["project_id"],
    "milestones": ["project_id", "code"],
    "spend": ["spend_id"],
    "commitments": ["commitment_id"],
    "contributions": ["contribution_id"],
    "service_needs": ["need_id"],
    "co_design": ["need_id", "round", "participant_group"],
    "tenders": ["tender_id"],
    "tender_criteria": ["tender_id", "criterion_code"],
    "panel_members": ["tender_id", "member"],
    "bids": ["bid_id"],
    "bid_scores": ["bid_id", "criterion_code", "member"],
    "awards": ["award_id"],
    "award_ranking": ["award_id", "place"],
    "contracts": ["contract_id"],
}
DOCS = Path(__file__).resolve().parents[2] / "docs" / "DATASET.md"


def schema_of(table: Table) -> pa.DataFrameSchema:
    """The table's pandera schema: its dtypes, ids as UUIDs, codes within their list."""
    columns = {}
    for c in table.columns:
        checks = []
        if c.unit.startswith("UUID"):
            checks.append(pa.Check.str_matches(UUID_RE))
        elif " | " in c.unit and "(" not in c.unit:
            checks.append(pa.Check.isin(c.unit.split(" | ")))
        nullable = c.name not in KEYS[table.name]
        columns[c.name] = pa.Column(c.dtype, checks=checks, nullable=nullable)
    return pa.DataFrameSchema(columns, strict=True, ordered=True, unique=KEYS[table.name])


@pytest.fixture
def dataset(store_app: Coprod, store_url: str, tmp_path: Path) -> tuple[Coprod, Path]:
    seed_demo(store_app, seed=DEMO_SEED)
    target = tmp_path / "dataset"
    seen: list[tuple[int, int]] = []
    export_dataset(
        target, "both", parse_database_url(store_url), progress=lambda d, t: seen.append((d, t))
    )
    assert seen[-1][0] == seen[-1][1] == store_app.recorder.max_notification_id()
    return store_app, target


def test_every_table_matches_its_schema_and_the_log(dataset: tuple[Coprod, Path]) -> None:
    app, folder = dataset
    tables = load(folder)
    assert set(tables) == {t.name for t in TABLES}
    for table in TABLES:
        schema_of(table).validate(tables[table.name], lazy=True)
    topics = [n.topic for n in app.recorder.select_notifications(1, 100_000)]
    assert len(tables["ballots"]) == sum(t.endswith("Ballot.BallotCast") for t in topics) > 0
    assert len(tables["projects"]) == sum(t.endswith("Project.ProjectFunded") for t in topics)
    assert set(tables["ballot_choices"]["ballot_id"]) <= set(tables["ballots"]["ballot_id"])
    # a project is funded by a decision, or (co-commissioned) by the award of a contract
    funding = set(tables["decisions"]["decision_id"]) | set(tables["awards"]["award_id"])
    assert set(tables["projects"]["decision_id"]) <= funding
    assert set(tables["contracts"]["project_id"]) <= set(tables["projects"]["project_id"])
    assert set(tables["bids"]["tender_id"]) <= set(tables["tenders"]["tender_id"])
    scored = tables["bid_scores"]
    assert len(scored) == 3 * 2 * 4 - 2  # the demo: a conflicted member skipped one bid
    weights = tables["tender_criteria"].groupby("tender_id")["weight"].sum()
    assert (weights == 100).all()


def test_csv_and_parquet_say_the_same(dataset: tuple[Coprod, Path], tmp_path: Path) -> None:
    _app, folder = dataset
    csv_only = tmp_path / "csv"
    csv_only.mkdir()
    for path in folder.iterdir():
        if path.suffix != ".parquet":
            (csv_only / path.name).write_bytes(path.read_bytes())
    from_parquet, from_csv = load(folder), load(csv_only)
    for name in from_parquet:
        pd.testing.assert_frame_equal(from_parquet[name], from_csv[name], check_exact=False)


def test_the_manifest_holds(dataset: tuple[Coprod, Path]) -> None:
    app, folder = dataset
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["log_position"] == app.recorder.max_notification_id()
    assert manifest["chain_head"]["hash"] == chain_head(app).hash
    for table in manifest["tables"].values():
        for name, digest in table["files"].items():
            assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest
    dictionary = pd.read_csv(folder / "data_dictionary.csv")
    assert not (dictionary["meaning"].str.strip() == dictionary["column"]).any()
    coded = dictionary[dictionary["column"].isin(["outcome", "age_band", "channel"])]
    assert coded["unit_or_codes"].str.contains(r" \| ").all()


def test_the_worked_example_in_the_docs_runs(
    dataset: tuple[Coprod, Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _app, folder = dataset
    code = re.search(r"```python\n(.*?)```", DOCS.read_text(), re.S)
    assert code is not None
    monkeypatch.chdir(folder.parent)
    exec(compile(code.group(1), str(DOCS), "exec"), {})
    printed = capsys.readouterr().out
    tables = load(folder)
    assert (
        tables["proposals"].loc[0, "title"] in printed or str(len(tables["decisions"])) in printed
    )


def test_nothing_personal_is_in_the_dataset(dataset: tuple[Coprod, Path]) -> None:
    app, folder = dataset
    people = [
        n.originator_id
        for n in app.recorder.select_notifications(1, 100_000)
        if n.topic.endswith("Person.PersonRegistered")
    ]
    text = "".join(p.read_text() for p in folder.glob("*.csv"))
    for person_id in people:
        person = app.load(Person, person_id)
        assert str(person.id) not in text
        assert person.id.hex not in text


def test_a_used_folder_is_refused_and_left_alone(store_url: str, tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine")
    with pytest.raises(InvalidInput, match="not an empty folder"):
        export_dataset(tmp_path, "both", parse_database_url(store_url))
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]
    with pytest.raises(InvalidInput, match="choose one of"):
        export_dataset(tmp_path / "new", "xlsx", parse_database_url(store_url))


@pytest.mark.parametrize(
    ("method", "choices"),
    [
        ("approval", lambda o: BallotChoices(approvals=(o[0], o[2]))),
        ("cumulative", lambda o: BallotChoices(points=((o[0], 7), (o[1], 3)))),
        ("ranked", lambda o: BallotChoices(ranking=(o[2], o[0]))),
    ],
)
def test_the_fast_ballot_path_gives_the_mappers_rows(
    sqlite_url: str, method: str, choices: Any
) -> None:
    """Ballots are read from their stored JSON by layout for speed: the same rows."""
    app = Coprod(parse_database_url(sqlite_url))
    pid, options = open_vote(app, VoteMethod(method))
    for i, code in enumerate(codes(app, pid, 3)):
        marked = CastBallotWithCode(
            process_id=pid,
            code=code,
            choices=choices(options),
            area_code="west" if i else None,
            age_band=AgeBand.AGE_35_44 if i == 1 else None,
            sex=Sex.FEMALE if i == 2 else None,
        )
        app.cast_ballot_with_code(marked, CODE_VOTER)
    seen = 0
    for n in app.recorder.select_notifications(1, 10_000):
        if n.topic.endswith("Ballot.BallotCast"):
            assert parse_stored_ballot(n.state) is not None  # the fast path is taken
            slow = list(ballot_rows(app.mapper.to_domain_event(n)))
            assert stored_ballot_rows(n, app.mapper) == slow
            seen += 1
    assert seen == 3
