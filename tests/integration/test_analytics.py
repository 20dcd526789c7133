"""Evaluator access on both stores: DataFrames, CSV/Parquet exports with a data dictionary, CLI.

One demo cycle (plus a small process whose vote is still open) is seeded per backend and
shared by the read-only tests; tests that need an empty or changing store get their own.
Expected values come from the application's own log and the process summary's own reader.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from api.cli.evaluator import register
from api.demo import demo_process_id, seed_demo, voting_process_id
from coprod.adapters.config import StoreSettings, parse_database_url
from coprod.adapters.privacy import EncryptedText
from coprod.application import Coprod
from coprod.application.commands.ballots import CastBallots
from coprod.application.commands.processes import OpenProcess, SetBudget
from coprod.domain.ballot import Ballot, MarkedBallot
from coprod.domain.errors import InvalidInput, NotFound
from coprod.domain.process import Process
from coprod.domain.values import Actor, Money, Role
from coprod.domain.voting import BallotChoices
from projections.analytics import (
    ENCRYPTED,
    EVENT_COLUMNS,
    column_dtype,
    events_frame,
    plain,
    read_model_frames,
)
from projections.export import UNDOCUMENTED, export, read_dictionary
from projections.process_summary import process_summary
from projections.registry import READ_MODELS, Projector
from projections.store import Connection
from tests.integration.test_projection_runner import open_vote


@dataclass(frozen=True)
class Seeded:
    url: str
    settings: StoreSettings
    demo: uuid.UUID
    #: A process whose ballot is open, with ballots cast: its tallies must not be exported.
    voting: uuid.UUID


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def seeded(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Seeded]:
    if request.param == "sqlite":
        place: Any = nullcontext(f"sqlite:///{tmp_path_factory.mktemp('analytics')}/c.sqlite")
    else:
        from tests.postgres_server import fresh_schema

        place = fresh_schema(request.getfixturevalue("postgres_database_url"))
    with place as url:
        settings = parse_database_url(url)
        with Coprod(settings) as app:
            seed_demo(app)
            voting, options, officer = open_vote(app, options=3)
            ballots = [
                MarkedBallot(f"{i:064x}", BallotChoices(approvals=options[: 1 + i % 3]))
                for i in range(4)
            ]
            app.cast_ballots(CastBallots(process_id=voting, ballots=tuple(ballots)), officer)
            with Projector(app) as projector:
                projector.catch_up()
        yield Seeded(url, settings, demo_process_id(2026), voting)


def own_events(settings: StoreSettings) -> list[tuple[int, str, Any]]:
    """(position, topic, decoded event) for the whole log, straight from the application."""
    with Coprod(settings) as app:
        notifications = app.recorder.select_notifications(start=None, limit=10**7)
        return [(n.id, n.topic, app.mapper.to_domain_event(n)) for n in notifications]


# -- the events frame -----------------------------------------------------------------------------


def test_events_frame_is_the_log_in_order(seeded: Seeded) -> None:
    expected = own_events(seeded.settings)
    frame = events_frame(seeded.settings)

    assert list(frame.columns) == list(EVENT_COLUMNS)
    assert len(frame) == len(expected) > 1_400
    assert frame["position"].tolist() == [p for p, _, _ in expected]
    assert frame["topic"].tolist() == [t for _, t, _ in expected]
    assert frame["event_type"].tolist() == [type(e).__name__ for _, _, e in expected]
    assert frame["aggregate_type"].tolist() == [
        type(e).__qualname__.split(".")[0] for _, _, e in expected
    ]
    assert frame["originator_id"].tolist() == [str(e.originator_id) for _, _, e in expected]
    assert frame["originator_version"].tolist() == [e.originator_version for _, _, e in expected]
    assert frame["timestamp"].tolist() == [pd.Timestamp(e.timestamp) for _, _, e in expected]
    assert frame["actor_role"].tolist() == [e.actor.role.value for _, _, e in expected]
    counts = Counter(frame["event_type"])
    assert counts["BallotCast"] == 900 + 200 + 4  # the demo's two processes, and these


def test_payload_is_exact_json_without_the_actor(seeded: Seeded) -> None:
    frame = events_frame(seeded.settings, topics=[Process.Opened, Process.BudgetSet])
    assert set(frame["event_type"]) == {"Opened", "BudgetSet"}
    demo = frame[frame["originator_id"] == str(seeded.demo)]
    opened = json.loads(demo[demo["event_type"] == "Opened"]["payload"].iloc[0])
    assert opened["code"] == "demo-pb-2026"
    assert opened["kind"] == "pb_cycle"
    assert opened["currency"] == "DKK"
    assert "actor" not in opened
    assert "timestamp" not in opened
    budget = json.loads(demo[demo["event_type"] == "BudgetSet"]["payload"].iloc[0])
    assert budget["pot"] == {"amount": "3000000", "currency": "DKK"}


def test_personal_values_are_never_decrypted() -> None:
    @dataclass(frozen=True)
    class Note:
        who: EncryptedText
        amount: Money
        ids: tuple[uuid.UUID, ...]

    pid = uuid.UUID(int=7)
    value = Note(EncryptedText("person:x", "c2VjcmV0"), Money.of("12.50", "DKK"), (pid,))
    assert plain(value) == {
        "who": ENCRYPTED,
        "amount": {"amount": "12.50", "currency": "DKK"},
        "ids": [str(pid)],
    }
    assert plain(Role.EVALUATOR) == "evaluator"


def test_as_of_keeps_exactly_the_events_recorded_by_then(seeded: Seeded) -> None:
    expected = own_events(seeded.settings)
    cut = expected[len(expected) // 2][2].timestamp
    frame = events_frame(seeded.settings, as_of=cut)
    assert frame["position"].tolist() == [p for p, _, e in expected if e.timestamp <= cut]
    assert 0 < len(frame) < len(expected)
    with pytest.raises(InvalidInput, match="timezone"):
        events_frame(seeded.settings, as_of=datetime(2026, 1, 1))


# -- read models ----------------------------------------------------------------------------------


def test_read_model_frames_agree_with_the_summary_reader(seeded: Seeded) -> None:
    frames = read_model_frames(seeded.settings)
    assert {name.split(".")[0] for name in frames} == set(READ_MODELS)
    summary = process_summary(seeded.demo, settings=seeded.settings)
    pid = seeded.demo.hex

    history = frames["process_summary.process"]
    latest = history[history["process_id"] == pid].sort_values("notification_id").iloc[-1]
    assert (latest["name"], latest["phase"]) == (summary.name, summary.phase.value)
    assert latest["ballot_state"] == summary.ballot_state == "closed"

    facts = frames["process_summary.facts"]
    mine = facts[facts["process_id"] == pid].sort_values("notification_id")
    current = mine.groupby(["subject_id", "kind"]).tail(1)
    counts = Counter(zip(current["kind"], current["state"], strict=True))
    assert counts[("idea", "submitted")] == summary.ideas_submitted == 46
    assert counts[("shortlist", "shortlisted")] == summary.shortlisted == 18
    assert counts[("project", "completed")] == summary.projects_completed
    runs = frames["process_summary.ballot_runs"]
    assert runs[runs["process_id"] == pid]["n"].sum() == summary.ballots_cast == 900

    tallies = frames["process_summary.tallies"]
    assert summary.tallies is not None
    approvals = tallies[(tallies["process_id"] == pid) & (tallies["measure"] == "approvals")]
    assert dict(zip(approvals["proposal_id"], approvals["value"], strict=True)) == {
        t.proposal_id.hex: t.approvals for t in summary.tallies
    }


def test_live_tallies_of_an_open_vote_are_withheld(seeded: Seeded) -> None:
    frames = read_model_frames(seeded.settings)
    assert seeded.voting.hex not in set(frames["process_summary.tallies"]["process_id"])
    runs = frames["process_summary.ballot_runs"]
    assert runs[runs["process_id"] == seeded.voting.hex]["n"].sum() == 4
    with Connection(seeded.settings) as conn:  # the table does hold them, for the reader
        stored = conn.execute(
            "SELECT COUNT(*) FROM process_summary_v3_g1_tallies WHERE process_id = ?",
            (seeded.voting.hex,),
        )
    assert stored[0][0] > 0


# -- exports ----------------------------------------------------------------------------------------


def read_back(directory: Path, fmt: str) -> dict[str, pd.DataFrame]:
    """Every exported table, typed from the data dictionary alone (for CSV)."""
    manifest = json.loads((directory / "manifest.json").read_text())
    dictionary = read_dictionary(directory)
    tables = {}
    for entry in manifest["files"]:
        path = directory / entry["file"]
        if fmt == "parquet":
            tables[entry["table"]] = pd.read_parquet(path)
            continue
        types = dictionary[dictionary["file"] == entry["file"]].set_index("column")["type"]
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
        tables[entry["table"]] = pd.DataFrame(
            {
                c: pd.to_datetime(raw[c], utc=True).astype(column_dtype(types[c]))
                if types[c] == "timestamp (UTC)"
                else raw[c].astype(column_dtype(types[c]))
                for c in raw.columns
            }
        )
    return tables


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_export_round_trips_with_a_complete_dictionary(
    seeded: Seeded, fmt: str, tmp_path: Path
) -> None:
    target = tmp_path / "export"
    stages: list[str] = []
    manifest = export(target, fmt, seeded.settings, progress=lambda s, d, t: stages.append(s))
    assert {"events", "read models"} <= set(stages)

    expected = {"events": events_frame(seeded.settings), **read_model_frames(seeded.settings)}
    back = read_back(target, fmt)
    assert set(back) == set(expected) | {"event_chain"}  # the chain: test_chain_export.py
    assert back["event_chain"]["position"].tolist() == expected["events"]["position"].tolist()
    for name, frame in expected.items():
        pd.testing.assert_frame_equal(back[name], frame, obj=name)

    assert manifest == json.loads((target / "manifest.json").read_text())
    assert manifest["log_position"] == expected["events"]["position"].max()
    assert {f["table"]: f["rows"] for f in manifest["files"]} == {
        n: len(f) for n, f in back.items()
    }
    assert [m["model"] for m in manifest["read_models"]] == [
        m().key() for m in READ_MODELS.values()
    ]
    assert all(m["position"] == manifest["log_position"] for m in manifest["read_models"])
    assert manifest["coprod_version"] == "0.1.0"

    dictionary = read_dictionary(target)
    documented = set(zip(dictionary["file"], dictionary["column"], strict=True))
    for entry in manifest["files"]:
        for column in back[entry["table"]].columns:
            assert (entry["file"], column) in documented
    model_rows = dictionary[~dictionary["file"].str.startswith(("events.", "event_chain."))]
    assert set(model_rows["file"]) == {f"{n}.{fmt}" for n in expected if n != "events"}
    undocumented = model_rows[model_rows["meaning"] == UNDOCUMENTED]
    assert undocumented.empty, f"read-model columns without a meaning:\n{undocumented}"
    events = back["events"]
    for event_type, payload in zip(events["topic"], events["payload"], strict=True):
        qualname = event_type.rsplit(":", 1)[1]
        for field in json.loads(payload):
            assert (f"events.{fmt}", f"payload[{qualname}].{field}") in documented
    markdown = (target / "data_dictionary.md").read_text()
    assert f"## process_summary.tallies.{fmt}" in markdown


def test_export_refuses_a_non_empty_folder_and_writes_nothing(
    seeded: Seeded, tmp_path: Path
) -> None:
    target = tmp_path / "taken"
    target.mkdir()
    (target / "old.csv").write_text("keep me")
    with pytest.raises(InvalidInput, match="not empty"):
        export(target, "csv", seeded.settings)
    assert [p.name for p in target.iterdir()] == ["old.csv"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"]
    with pytest.raises(InvalidInput, match="format"):
        export(tmp_path / "new", "xlsx", seeded.settings)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"]


def test_a_failed_export_leaves_no_half_folder(seeded: Seeded, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()

    def fail_midway(stage: str, done: int, total: int) -> None:
        if stage == "read models":
            raise OSError("disk full")

    for target in (tmp_path / "fresh", empty):
        with pytest.raises(OSError, match="disk full"):
            export(target, "parquet", seeded.settings, progress=fail_midway)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty"]
    assert list(empty.iterdir()) == []


# -- the CLI ------------------------------------------------------------------------------------------


def cli_app() -> typer.Typer:
    cli = typer.Typer()
    export_app = typer.Typer()
    cli.add_typer(export_app, name="export")
    register(cli, export_app)
    return cli


def test_cli_lists_processes_and_exports(seeded: Seeded, tmp_path: Path) -> None:
    runner = CliRunner(env={"COPROD_DATABASE_URL": seeded.url})
    result = runner.invoke(cli_app(), ["processes", "--format", "json"])
    assert result.exit_code == 0, result.output
    listed = json.loads(result.stdout)
    summary = process_summary(seeded.demo, settings=seeded.settings)
    assert {"id": str(seeded.demo), "name": summary.name, "phase": "delivery"} in listed
    demo_voting = str(voting_process_id(2026))  # the demo's second process
    assert {p["id"] for p in listed} == {str(seeded.demo), demo_voting, str(seeded.voting)}
    assert "up to date" in result.stderr

    table = runner.invoke(cli_app(), ["processes"])
    assert table.exit_code == 0, table.output
    assert "Demo City" in table.stdout

    for fmt in ("csv", "parquet"):
        done = runner.invoke(cli_app(), ["export", fmt, str(tmp_path / fmt)])
        assert done.exit_code == 0, done.output
        manifest = json.loads((tmp_path / fmt / "manifest.json").read_text())
        assert manifest["format"] == fmt
        assert (tmp_path / fmt / f"events.{fmt}").is_file()


def test_cli_says_how_stale_the_list_is_and_what_to_run(store_url: str) -> None:
    runner = CliRunner(env={"COPROD_DATABASE_URL": store_url})
    missing = runner.invoke(cli_app(), ["processes", "--format", "json"])
    assert isinstance(missing.exception, NotFound)
    assert "coprod project --once" in str(missing.exception)

    officer = Actor(uuid.uuid4(), Role.COUNCIL_OFFICER, uuid.uuid4())
    assert officer.organisation_id is not None
    with Coprod(parse_database_url(store_url)) as app:
        pid = app.open_process(
            OpenProcess(council_id=officer.organisation_id, code="p1", name="Park", currency="DKK"),
            officer,
        ).aggregate_id
        with Projector(app) as projector:
            projector.catch_up()
        app.set_budget(SetBudget(process_id=pid, pot=Money.of(1_000, "DKK")), officer)
        app.set_budget(SetBudget(process_id=pid, pot=Money.of(2_000, "DKK")), officer)
    behind = runner.invoke(cli_app(), ["processes", "--format", "json"])
    assert behind.exit_code == 0, behind.output
    assert json.loads(behind.stdout) == [{"id": str(pid), "name": "Park", "phase": "ideas"}]
    assert "2 events behind" in behind.stderr
    assert "coprod project --once" in behind.stderr


def test_topics_filter_reads_only_those_events(seeded: Seeded) -> None:
    ballots = events_frame(seeded.settings, topics=[Ballot.BallotCast])
    assert len(ballots) == 900 + 200 + 4
    assert set(ballots["event_type"]) == {"BallotCast"}
    assert ballots["position"].is_monotonic_increasing
