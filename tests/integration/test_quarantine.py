"""No event stops the read side: hostile values written straight into the store are
quarantined, every read model goes on serving, on SQLite and on PostgreSQL.

The hostile events are written past the edge checks on purpose (the recorder's
``insert_events`` with a crafted state), as a bug in some door, an old version or a hand
edit would: copies of real events of the demo with one value changed, plus states that do
not decode at all. The read models must apply what they can, set the rest aside with the
error, and answer reads that wait for a position.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
from eventsourcing.persistence import StoredEvent
from fastapi.testclient import TestClient

from api.demo import demo_process_id, seed_demo
from api.http.app import create_app
from api.keys import KeyStore
from coprod.adapters.config import parse_database_url
from coprod.application import SYSTEM_ACTOR, Coprod
from coprod.application.commands.people import RegisterOrganisation
from coprod.domain.organisation import OrganisationKind
from coprod.domain.values import Role
from projections.kernel.readmodel import PositionConflict
from projections.process_summary import process_summary
from projections.quarantine import Quarantined, clean_text, is_transient
from projections.registry import READ_MODELS, Projector
from projections.store import Connection

ROOT = Path(__file__).resolve().parents[2]
IDEA = "coprod.proposal:Proposal.IdeaSubmitted"
CONTRIBUTION = "coprod.commitment:Contribution.ContributionLogged"
PROJECT_FUNDED = "Project.ProjectFunded"
DEMO = demo_process_id(2026)  # seed_demo's default seed
KEYS = {name: make().key() for name, make in READ_MODELS.items()}


def _taking(topic: str) -> list[str]:
    """The keys of the models that take events of `topic` (the others never decode them)."""
    return [make().key() for make in READ_MODELS.values() if topic in make().topics]


EARLY = "0001-01-01T00:00:00+14:00"
LATE = "9999-12-31T23:59:59-14:00"

#: What the issue measured, and more: (label, topic, changed fields or raw state bytes).
HOSTILE: list[tuple[str, str, dict[str, Any] | bytes]] = [
    ("nul_in_title", IDEA, {"title": "Bench\x00es"}),
    ("nul_in_description", IDEA, {"description": "a\x00b"}),
    ("lone_surrogate", IDEA, {"title": "x\ud800y"}),
    ("people_count_2_63", CONTRIBUTION, {"people_count": 10**19}),
    ("people_count_2_63_exact", CONTRIBUTION, {"people_count": 2**63}),
    ("hours_nan", CONTRIBUTION, {"hours": {"_type_": "decimal_str", "_data_": "NaN"}}),
    ("hours_1e999999", CONTRIBUTION, {"hours": {"_type_": "decimal_str", "_data_": "1E+999999"}}),
    ("timestamp_year_1", CONTRIBUTION, {"timestamp": {"_type_": "datetime_iso", "_data_": EARLY}}),
    ("timestamp_year_9999", IDEA, {"timestamp": {"_type_": "datetime_iso", "_data_": LATE}}),
    ("title_of_a_megabyte", IDEA, {"title": "x" * 1_000_000}),
    ("undecodable_state", IDEA, b"\xff not json"),
    ("state_of_wrong_shape", IDEA, b"{}"),
]


def stored_template(app: Coprod, topic: str) -> StoredEvent:
    for n in app.recorder.select_notifications(start=1, limit=100_000):
        if n.topic == topic:
            return n
    raise AssertionError(f"the demo has no {topic}")


def write_raw(app: Coprod, topic: str, change: dict[str, Any] | bytes) -> int:
    """Record a copy of a real event, with `change`, as a new aggregate: no checks at all."""
    template = stored_template(app, topic)
    if isinstance(change, bytes):
        state = change
    else:
        fields = json.loads(template.state)
        assert set(change) <= set(fields), (topic, sorted(fields))
        fields.update(change)
        # ASCII escapes keep a lone surrogate writable (as \ud800) and readable back.
        state = json.dumps(fields, ensure_ascii=True).encode()
    app.recorder.insert_events([StoredEvent(uuid.uuid4(), 1, topic, state)])
    last = app.recorder.max_notification_id()
    assert last is not None
    return last


def write_valid_idea(app: Coprod) -> int:
    """A well-formed idea for the demo process, written the same way (its effect is visible)."""
    return write_raw(app, IDEA, {"title": "Valid after the hostile ones"})


@dataclass
class Hostile:
    ids: dict[str, int]

    def label(self, notification_id: int) -> str:
        return next(k for k, v in self.ids.items() if v == notification_id)


def write_hostile(app: Coprod) -> Hostile:
    return Hostile({label: write_raw(app, topic, change) for label, topic, change in HOSTILE})


def by_model(quarantined: list[Quarantined]) -> dict[str, set[int]]:
    result: dict[str, set[int]] = {key: set() for key in KEYS.values()}
    for q in quarantined:
        result[q.model].add(q.notification_id)
    return result


def assert_expected_quarantine(
    hostile: Hostile, quarantined: list[Quarantined], backend: str
) -> None:
    """Exactly the events a model cannot store are set aside, each with its error."""
    found = by_model(quarantined)
    ids = hostile.ids
    every = set(ids.values())
    for key, positions in found.items():
        assert positions <= every, f"{key} quarantined an innocent event: {positions - every}"
    for key in _taking(IDEA):  # a model that reads ideas can decode neither state
        assert {ids["undecodable_state"], ids["state_of_wrong_shape"]} <= found[key], key
    assert ids["lone_surrogate"] in found[KEYS["timeline"]]
    assert {ids["people_count_2_63"], ids["people_count_2_63_exact"]} <= found[KEYS["impact"]]
    assert {ids["hours_nan"], ids["hours_1e999999"]} <= found[KEYS["impact"]]
    # a moment no read could load back is not stored, by the models that keep an idea's time
    for name in ("process_summary", "impact", "timeline", "catalogue", "queues"):
        assert ids["timestamp_year_9999"] in found[KEYS[name]], name
    assert ids["timestamp_year_1"] in found[KEYS["impact"]]
    nul = ids["nul_in_title"]
    if backend == "postgres":  # (SQLite stores a NUL; stricter decoding may refuse it)
        assert nul in found[KEYS["timeline"]]  # PostgreSQL text cannot hold NUL
    for q in quarantined:
        assert q.error_class
        assert q.error_message
        assert q.topic in (IDEA, CONTRIBUTION)
        assert "\x00" not in q.error_message


def summary_ideas(client: TestClient, process_id: uuid.UUID, position: int) -> int:
    answer = client.get(
        f"/api/v1/processes/{process_id}/summary", params={"min_position": position}
    )
    assert answer.status_code == 200, answer.text
    count: int = answer.json()["ideas_submitted"]
    return count


def raw_idea_count(app: Coprod, leaving_out: set[int]) -> int:
    """The demo's ideas counted from the raw log, without any read model's code."""
    count = 0
    for n in app.recorder.select_notifications(start=1, limit=100_000):
        if n.topic == IDEA and n.id not in leaving_out:
            try:
                event: Any = app.mapper.to_domain_event(n)
                count += event.process_id == DEMO
            except Exception:  # an undecodable or misshapen state is no idea
                continue
    return count


def a_funded_project(app: Coprod) -> uuid.UUID:
    for n in app.recorder.select_notifications(start=1, limit=100_000):
        if n.topic.endswith(PROJECT_FUNDED):
            return uuid.UUID(str(n.originator_id))
    raise AssertionError("the demo funds no project")


def officer_key(api: Any, app: Coprod) -> dict[str, str]:
    council: uuid.UUID = app.repository.get(DEMO).council_id
    store: KeyStore = api.state.keys
    return {"Authorization": f"Bearer {store.create(council, Role.COUNCIL_OFFICER).secret}"}


def other_officer_key(api: Any, app: Coprod) -> dict[str, str]:
    """An officer of a second council, registered for the purpose."""
    kind = OrganisationKind.COUNCIL
    council = app.register_organisation(
        RegisterOrganisation(slug="other-council", kind=kind, display_name="Other"), SYSTEM_ACTOR
    ).aggregate_id
    store: KeyStore = api.state.keys
    return {"Authorization": f"Bearer {store.create(council, Role.COUNCIL_OFFICER).secret}"}


def member_key(api: Any, app: Coprod) -> dict[str, str]:
    for n in app.recorder.select_notifications(start=1, limit=100_000):
        if n.topic.endswith("OrganisationRegistered") and b"community_group" in n.state:
            store: KeyStore = api.state.keys
            group = uuid.UUID(str(n.originator_id))
            return {"Authorization": f"Bearer {store.create(group, Role.COMMUNITY_MEMBER).secret}"}
    raise AssertionError("the demo has no community group")


def assert_every_read_model_serves(
    client: TestClient, app: Coprod, headers: dict[str, str], position: int
) -> None:
    """Reads waiting for `position` answer on all three read models (no 500, no 503)."""
    pid = DEMO
    for path in (
        f"/api/v1/processes/{pid}/summary",
        f"/api/v1/processes/{pid}/impact",
        f"/api/v1/projects/{a_funded_project(app)}/timeline",
        "/api/v1/processes",
    ):
        answer = client.get(path, params={"min_position": position}, headers=headers)
        assert answer.status_code == 200, (path, answer.status_code, answer.text[:300])


def cli(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COPROD_DATABASE_URL": url, "COLUMNS": "400", "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-c", "from api.cli.main import main; main()", "project", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def repair(app: Coprod, notification_id: int, state: bytes) -> None:
    """Fix one stored event in place, as an operator would after finding it quarantined."""
    settings = app.settings
    table = app.recorder.events_table_name  # type: ignore[attr-defined]
    if settings.backend == "sqlite":
        with sqlite3.connect(settings.env["SQLITE_DBNAME"]) as db:
            db.execute(f"UPDATE {table} SET state = ? WHERE rowid = ?", (state, notification_id))
        return
    env = settings.env
    with psycopg.connect(
        host=env["POSTGRES_HOST"],
        port=env["POSTGRES_PORT"],
        dbname=env["POSTGRES_DBNAME"],
        user=env["POSTGRES_USER"],
        password=env["POSTGRES_PASSWORD"],
        options=f"-c search_path={env['POSTGRES_SCHEMA']}",
    ) as db:
        changed = db.execute(
            f"UPDATE {table} SET state = %s WHERE notification_id = %s",  # type: ignore[arg-type]
            (state, notification_id),
        ).rowcount
        assert changed == 1


@pytest.fixture
def demo_app(store_url: str) -> Iterator[Coprod]:
    app = Coprod(parse_database_url(store_url))
    seed_demo(app)
    yield app
    app.close()


def test_hostile_events_are_quarantined_and_every_read_model_keeps_serving(
    demo_app: Coprod, store_url: str
) -> None:
    app = demo_app
    settings = parse_database_url(store_url)
    with Projector(app) as projector:
        projector.catch_up()
        assert projector.quarantined() == []
    hostile = write_hostile(app)
    valid = write_valid_idea(app)

    with Projector(app, batch_size=500) as projector:
        stats = projector.catch_up()
        assert {s.position for s in stats} == {valid}  # caught up past every hostile event
        quarantined = projector.quarantined()
        assert [h.quarantined for h in projector.health()] == [
            len(by_model(quarantined)[KEYS[name]]) for name in projector.model_names
        ]
    assert_expected_quarantine(hostile, quarantined, settings.backend)
    print(
        f"\n{settings.backend}: {len(quarantined)} events quarantined: "
        + ", ".join(f"{q.model}:{hostile.label(q.notification_id)}" for q in quarantined)
    )

    api = create_app(settings, worker=False, read_wait_s=3)
    with TestClient(api) as client:
        officer = officer_key(api, app)
        assert_every_read_model_serves(client, app, officer, valid)
        # The valid idea after them counts, and so does every hostile idea the summary could
        # store: each event was applied once or quarantined, never both, never twice.
        listed = client.get("/api/v1/projections/quarantine", headers=officer)
        assert listed.status_code == 200, listed.text
        body = listed.json()
        # The demo council's officer sees every entry of its own process; an event whose
        # council cannot be told (it does not decode, or names no actor) is for the operator.
        untold = {hostile.ids["undecodable_state"], hostile.ids["state_of_wrong_shape"]}
        own = [q for q in quarantined if q.notification_id not in untold]
        assert len(own) < len(quarantined)
        assert body["total"] == len(own)
        assert sorted((i["read_model"], i["position"]) for i in body["items"]) == sorted(
            (q.model, q.notification_id) for q in own
        )
        # Another council's officer sees none of the demo council's quarantined events.
        other = client.get("/api/v1/projections/quarantine", headers=other_officer_key(api, app))
        assert other.status_code == 200, other.text
        assert other.json() == {"total": 0, "items": []}
        assert (
            client.get("/api/v1/projections/quarantine", headers=member_key(api, app)).status_code
            == 403
        )
        assert client.get("/api/v1/projections/quarantine").status_code == 401
        health = client.get("/api/v1/health").json()
        assert health["status"] == "degraded"
        assert health["quarantined"] == len(quarantined)
        ideas_before_fix = summary_ideas(client, DEMO, valid)
        # Each event was applied once or quarantined, never both, never twice: the count
        # equals the ideas in the raw log, less those the summary quarantined.
        left_out = by_model(quarantined)[KEYS["process_summary"]]
        assert ideas_before_fix == raw_idea_count(app, left_out)

    status = cli(store_url, "--status")
    assert status.returncode == 0, status.stderr
    assert "Traceback" not in status.stderr
    for q in quarantined:
        assert f"{q.notification_id}" in status.stdout
        assert q.model in status.stdout

    rebuilt = cli(store_url, "--rebuild", "all")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "Traceback" not in rebuilt.stderr + rebuilt.stdout
    assert "quarantined" in rebuilt.stdout
    with Projector(app) as projector:
        again = projector.quarantined()
    assert by_model(again) == by_model(quarantined)
    assert all(q.generation == 2 for q in again)  # the old generation's rows left with it

    # Fix the undecodable event in the store, then retry: it leaves the quarantine and is
    # counted; every other event still fails and stays.
    fixed = hostile.ids["undecodable_state"]
    good = json.loads(stored_template(app, IDEA).state)
    good["title"] = "Repaired"
    repair(app, fixed, json.dumps(good).encode())
    retried = cli(store_url, "--retry-quarantined")
    assert retried.returncode == 0, retried.stderr
    assert "now applied" in retried.stdout
    with Projector(app) as projector:
        after = projector.quarantined()
    assert by_model(after) == {k: v - {fixed} for k, v in by_model(quarantined).items()}
    with TestClient(create_app(settings, worker=False)) as client:
        assert summary_ideas(client, DEMO, valid) == ideas_before_fix + 1


def test_in_process_worker_of_serve_keeps_running_past_hostile_events(
    store_url: str,
) -> None:
    """The worker thread ``coprod serve`` runs (on SQLite by default) never dies on one."""
    settings = parse_database_url(store_url)
    api = create_app(settings, on_start=seed_demo, worker=True, read_wait_s=3)
    with TestClient(api) as client:
        app: Coprod = api.state.coprod
        officer = officer_key(api, app)
        assert_every_read_model_serves(
            client, app, officer, app.recorder.max_notification_id() or 0
        )
        assert client.get("/api/v1/health").json()["status"] == "ok"
        write_hostile(app)
        first = write_valid_idea(app)
        assert_every_read_model_serves(client, app, officer, first)
        # Still alive and following: a later event is applied too.
        second = write_valid_idea(app)
        assert_every_read_model_serves(client, app, officer, second)
        worker = api.state.worker
        assert worker.error is None
        assert worker._thread is not None
        assert worker._thread.is_alive()
        assert client.get("/api/v1/health").json()["quarantined"] >= 2 + 2 + 3


def test_a_store_error_is_retried_not_quarantined(
    demo_app: Coprod, store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A lock timeout says nothing about the event: the batch is rolled back and retried."""
    backend = parse_database_url(store_url).backend
    with Projector(demo_app, models=["process_summary"]) as projector:
        target = projector._target("process_summary")
        model = type(target.view.model)
        real = model.apply
        failures = [
            sqlite3.OperationalError("database is locked")
            if backend == "sqlite"
            else psycopg.errors.LockNotAvailable("lock timeout")
        ]

        def flaky(self: Any, conn: Connection, prefix: str, items: Any) -> None:
            if failures:
                raise failures.pop()
            real(self, conn, prefix, items)

        monkeypatch.setattr(model, "apply", flaky)
        with pytest.raises((sqlite3.OperationalError, psycopg.errors.LockNotAvailable)):
            projector.step()
        assert target.view.position() == 0
        assert projector.quarantined() == []
        projector.catch_up()
        assert target.view.position() == demo_app.recorder.max_notification_id()
        assert projector.quarantined() == []


def test_rebuild_failing_for_another_reason_prints_one_line(sqlite_url: str) -> None:
    with Coprod(parse_database_url(sqlite_url)) as app:
        seed_demo(app)
    unknown = cli(sqlite_url, "--rebuild", "tallies")
    assert unknown.returncode != 0
    assert "Traceback" not in unknown.stderr
    assert len(unknown.stderr.strip().splitlines()) == 1, unknown.stderr
    assert "known: process_summary, impact, timeline" in unknown.stderr


@pytest.mark.parametrize(
    ("error", "transient"),
    [
        (ValueError("A string literal cannot contain NUL (0x00) characters."), False),
        (OverflowError("Python int too large to convert to SQLite INTEGER"), False),
        (UnicodeEncodeError("utf-8", "x\ud800", 1, 2, "surrogates not allowed"), False),
        (psycopg.DataError("PostgreSQL text fields cannot contain NUL (0x00) bytes"), False),
        (psycopg.errors.NumericValueOutOfRange("bigint out of range"), False),
        (psycopg.errors.ProgramLimitExceeded("index row size exceeds maximum"), False),
        (sqlite3.DataError("string or blob too big"), False),
        (sqlite3.IntegrityError("UNIQUE constraint failed"), False),
        (psycopg.OperationalError("connection lost"), True),
        (psycopg.InterfaceError("the connection is closed"), True),
        (psycopg.errors.SerializationFailure("could not serialize"), True),
        (psycopg.errors.QueryCanceled("statement timeout"), True),
        (psycopg.errors.AdminShutdown("terminating connection"), True),
        (psycopg.errors.UndefinedTable("relation does not exist"), True),
        (sqlite3.OperationalError("database is locked"), True),
        (PositionConflict("moved"), True),
        (ConnectionResetError("reset"), True),
    ],
    ids=lambda v: type(v).__name__ if isinstance(v, BaseException) else str(v),
)
def test_bad_values_and_unavailable_stores_are_told_apart(
    error: Exception, transient: bool
) -> None:
    assert is_transient(error) is transient


def test_quarantine_text_is_storable_anywhere() -> None:
    assert clean_text("a\x00b\ud800") == "a\\x00b\\ud800"
    assert len(clean_text("x" * 10_000)) == 2_000


def test_a_generation_switch_catching_up_isolates_bad_events_too(
    demo_app: Coprod, store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Events that arrive while a rebuild switches are applied inside the switch's own
    transaction: a bad one there is undone alone (a savepoint) and quarantined."""
    app = demo_app
    hostile = write_hostile(app)
    valid = write_valid_idea(app)
    with Projector(app, batch_size=300) as projector:
        projector.catch_up()
        first = projector.quarantined()
        with Connection(app.settings) as conn:
            before = process_summary_row(conn)
        # As if every event arrived after the rebuild's pass: the switch applies them all.
        monkeypatch.setattr(projector, "_drain", lambda targets, stop_event=None: None)
        stats = projector.rebuild_many()
        assert all(s.quarantined == len(by_model(first)[s.model]) for s in stats)
        second = projector.quarantined()
        assert {h.position for h in projector.health()} == {valid}
    assert by_model(second) == by_model(first)
    assert {q.generation for q in second} == {2}
    assert_expected_quarantine(hostile, second, app.settings.backend)
    with Connection(app.settings) as conn:
        assert process_summary_row(conn) == before


def process_summary_row(conn: Connection) -> Any:
    return process_summary(DEMO, conn=conn)


def test_a_rebuild_that_loses_its_store_prints_one_line_and_exits_non_zero(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from api.cli.main import cli as coprod_cli

    with Coprod(parse_database_url(sqlite_url)) as app:
        seed_demo(app)

    def lost(self: Projector, names: Any = None) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(Projector, "rebuild_many", lost)
    result = CliRunner().invoke(
        coprod_cli, ["project", "--rebuild", "all"], env={"COPROD_DATABASE_URL": sqlite_url}
    )
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert "the projection stopped: OperationalError: disk I/O error" in lines[0]
    assert "run the command again" in lines[0]
