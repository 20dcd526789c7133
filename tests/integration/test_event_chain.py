"""The event chain on real stores: written with every insert, and `coprod verify` names any change.

Each tampering is done the way an attacker with the database would: straight SQL on the events
or chain table, past coprod. Runs on an SQLite file and on PostgreSQL (and the cheap parts in
memory).
"""

from __future__ import annotations

import json
import threading
import traceback
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import psycopg
import pytest
from eventsourcing.persistence import StoredEvent
from typer.testing import CliRunner

from api.cli.main import cli
from coprod.adapters import chain
from coprod.adapters.chain import CHAIN_TABLE, GENESIS, ChainBroken, chain_head, link, verify
from coprod.adapters.config import parse_database_url
from coprod.application import Coprod
from coprod.application.commands.processes import OpenProcess
from coprod.domain.errors import AlreadyExists
from coprod.domain.values import Actor, Role
from coprod.standards.pabulib import import_file
from tests.unit.test_pabulib_parser import APPROVAL

COUNCIL = uuid.uuid4()
OFFICER = Actor(uuid.uuid4(), Role.COUNCIL_OFFICER, COUNCIL)


@pytest.fixture(params=["sqlite", "postgres"])
def url(request: pytest.FixtureRequest) -> str:
    return str(
        request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "postgres_url")
    )


@pytest.fixture
def app(url: str) -> Iterator[Coprod]:
    with Coprod(parse_database_url(url)) as application:
        yield application


def _commands(app: Coprod, n: int) -> list[int]:
    """n single commands through the application; their log positions."""
    positions = []
    for _ in range(n):
        code = uuid.uuid4().hex[:8]
        receipt = app.open_process(
            OpenProcess(council_id=COUNCIL, code=code, name=f"Process {code}", currency="EUR"),
            OFFICER,
        )
        assert receipt.position is not None
        positions.append(receipt.position)
    return positions


def _bulk(app: Coprod, n: int) -> list[int]:
    """A Pabulib-style batch straight to the recorder, as the importer sends it."""
    events = [StoredEvent(uuid.uuid4(), 1, "tests:Bulk", f'{{"i":{i}}}'.encode()) for i in range(n)]
    ids = app.recorder.insert_events(events)
    assert ids is not None
    return list(ids)


def _sql(url: str, statement: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Run SQL on the store behind coprod's back ("events" names the library's events table)."""
    if url.startswith("sqlite"):
        import sqlite3

        if " events " in statement:
            statement = statement.replace(" events ", " stored_events ").replace(
                "notification_id", "rowid"
            )
        with sqlite3.connect(urlparse(url).path[1:]) as conn:
            return conn.execute(statement, params).fetchall()
    statement = statement.replace(" events ", " coprod_events ")
    parsed = urlparse(url)
    schema = parse_qs(parsed.query)["schema"][0]
    with psycopg.connect(url.split("?")[0], autocommit=True) as conn:
        conn.execute(f'SET search_path TO "{schema}"')
        cursor = conn.execute(statement.replace("?", "%s"), params)
        return cursor.fetchall() if cursor.description else []


def _verify_cli(url: str) -> Any:
    return CliRunner(env={"COPROD_DATABASE_URL": url}).invoke(cli, ["verify"])


def test_single_commands_and_bulk_inserts_are_chained_in_notification_order(app: Coprod) -> None:
    positions = _commands(app, 3) + _bulk(app, 250) + _commands(app, 2)
    events = app.recorder.select_notifications(1, 1000)
    assert [e.id for e in events] == positions
    previous = GENESIS
    for event in events:
        previous = link(previous, event.id, event)
    links = app.recorder.select_links(0, 1000)
    assert [i for i, _ in links] == positions
    assert links[-1][1] == previous
    verdict = verify(app)
    assert verdict.intact
    assert verdict.events == 255
    assert chain_head(app).hash == previous.hex()
    assert chain_head(app, positions[2]).hash == links[2][1].hex()
    assert chain_head(app, 0).hash == GENESIS.hex()


def test_verify_prints_the_head_and_exits_0_when_intact(app: Coprod, url: str) -> None:
    _commands(app, 2)
    result = _verify_cli(url)
    assert result.exit_code == 0, result.output
    assert result.stdout.split() == [chain_head(app).hash, str(chain_head(app).position)]


def test_one_changed_byte_of_one_state_is_named(app: Coprod, url: str) -> None:
    positions = _commands(app, 4)
    target = app.recorder.select_notifications(positions[2], 1)[0]
    state = bytearray(target.state)
    state[5] ^= 0x01
    _sql(
        url,
        "UPDATE events SET state = ? WHERE notification_id = ?",
        (bytes(state), positions[2]),
    )
    result = _verify_cli(url)
    assert result.exit_code == 1
    assert (
        f"event {positions[2]} (originator {target.originator_id}, version 1, topic "
        f"{target.topic})" in result.stderr
    )
    assert "does not match" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_deleted_event_is_named(app: Coprod, url: str) -> None:
    positions = _commands(app, 4)
    _sql(url, "DELETE FROM events WHERE notification_id = ?", (positions[1],))
    result = _verify_cli(url)
    assert result.exit_code == 1
    assert f"event {positions[1]} is missing" in result.stderr


def test_a_deleted_event_with_its_link_breaks_the_next_one(app: Coprod, url: str) -> None:
    positions = _commands(app, 4)
    _sql(url, "DELETE FROM events WHERE notification_id = ?", (positions[1],))
    _sql(url, f"DELETE FROM {CHAIN_TABLE} WHERE notification_id = ?", (positions[1],))
    verdict = verify(app)
    assert not verdict.intact
    assert f"event {positions[2]} (originator" in str(verdict.broken)


def test_reordered_chain_rows_are_caught(app: Coprod, url: str) -> None:
    positions = _commands(app, 4)
    h1, h2 = (
        _sql(url, f"SELECT hash FROM {CHAIN_TABLE} WHERE notification_id = ?", (p,))[0][0]
        for p in positions[1:3]
    )
    _sql(url, f"UPDATE {CHAIN_TABLE} SET hash = ? WHERE notification_id = ?", (h2, positions[1]))
    _sql(url, f"UPDATE {CHAIN_TABLE} SET hash = ? WHERE notification_id = ?", (h1, positions[2]))
    verdict = verify(app)
    assert f"event {positions[1]} (originator" in str(verdict.broken)


def test_swapped_events_are_caught(app: Coprod, url: str) -> None:
    positions = _commands(app, 3)
    a, b = app.recorder.select_notifications(positions[0], 2)
    _sql(url, "UPDATE events SET state = ? WHERE notification_id = ?", (b.state, a.id))
    _sql(url, "UPDATE events SET state = ? WHERE notification_id = ?", (a.state, b.id))
    assert f"event {a.id} (originator" in str(verify(app).broken)


def test_a_store_from_before_the_chain_is_linked_by_its_next_write(app: Coprod, url: str) -> None:
    _commands(app, 3)
    _bulk(app, 20)
    intact = chain_head(app)
    _sql(url, f"DELETE FROM {CHAIN_TABLE}")  # as if recorded before coprod kept a chain
    old = verify(app)
    assert old.intact
    assert old.unlinked == 23
    assert old.head == intact
    assert chain_head(app) == intact
    _commands(app, 1)
    after = verify(app)
    assert after.intact
    assert after.unlinked == 0
    assert after.events == 24
    assert len(app.recorder.select_links(0, 100)) == 24
    assert chain_head(app, intact.position) == intact


def test_a_write_after_the_newest_event_was_deleted_is_refused(app: Coprod, url: str) -> None:
    positions = _commands(app, 2)
    _sql(url, "DELETE FROM events WHERE notification_id = ?", (positions[-1],))
    if url.startswith("sqlite"):  # SQLite reuses the id, and finds its link already there
        with pytest.raises(ChainBroken):
            _commands(app, 1)
        assert app.recorder.max_notification_id() == positions[0]
    assert f"event {positions[-1]} is missing" in str(verify(app).broken)


def test_a_chained_row_for_an_event_never_recorded_breaks_the_chain(app: Coprod, url: str) -> None:
    positions = _commands(app, 2)
    _sql(
        url,
        f"INSERT INTO {CHAIN_TABLE} (notification_id, hash) VALUES (?, ?)",
        (positions[-1] + 100, bytes(32)),
    )
    assert f"event {positions[-1] + 100} is missing" in str(verify(app).broken)


def test_a_refused_command_writes_no_link(app: Coprod) -> None:
    app.open_process(
        OpenProcess(council_id=COUNCIL, code="SAME", name="Same", currency="EUR"), OFFICER
    )
    with pytest.raises(AlreadyExists):
        app.open_process(
            OpenProcess(council_id=COUNCIL, code="SAME", name="Same", currency="EUR"), OFFICER
        )
    assert len(app.recorder.select_links(0, 100)) == 1
    assert verify(app).intact


def test_concurrent_writers_make_one_valid_chain(url: str) -> None:
    errors: list[BaseException] = []
    positions: dict[int, list[int]] = {w: [] for w in range(4)}
    start = threading.Barrier(4)

    # What is tested is the chain under interleaving, not how long a writer waits for the
    # lock: on a loaded 2-core machine four SQLite writers can queue past the 2 s default.
    patient = {"COPROD_LOCK_TIMEOUT": "30"}
    # The store exists before the writers start (tables, SQLite's WAL journal): a first start
    # is not what this test is about.
    with Coprod(parse_database_url(url, patient)) as first:
        _bulk(first, 1)

    def write(worker: int) -> None:
        try:
            with Coprod(parse_database_url(url, patient)) as mine:
                for i in range(15):
                    # every writer starts each round together, so that their writes interleave
                    # however busy the machine is (the chain must hold under interleaving)
                    start.wait(timeout=60)
                    if i % 5 == 0:
                        positions[worker] += _bulk(mine, 30)
                    code = f"W{worker}-{i}"
                    receipt = mine.open_process(
                        OpenProcess(council_id=COUNCIL, code=code, name=code, currency="EUR"),
                        OFFICER,
                    )
                    positions[worker].append(receipt.position or 0)
        except BaseException as e:
            errors.append(e)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, "".join(traceback.format_exception(errors[0]))  # the first's own story
    # The writers really interleaved: some writer's events lie between another's.
    assert any(
        min(positions[a]) < min(positions[b]) < max(positions[a])
        for a in positions
        for b in positions
        if a != b
    )
    with Coprod(parse_database_url(url)) as app:
        verdict = verify(app)
        assert verdict.intact, verdict.broken
        assert verdict.events == 1 + 4 * (15 + 3 * 30)  # the first start's one event, then theirs
        assert verdict.unlinked == 0


def test_the_memory_store_chains_and_verify_names_a_changed_event(memory_app: Coprod) -> None:
    positions = _commands(memory_app, 3) + _bulk(memory_app, 10)
    assert verify(memory_app).intact
    assert chain_head(memory_app).position == positions[-1]
    recorder: Any = memory_app.recorder
    old = recorder._stored_events[1]
    recorder._stored_events[1] = StoredEvent(
        old.originator_id, old.originator_version, old.topic, old.state + b" "
    )
    assert f"event {positions[1]} (originator {old.originator_id}" in str(verify(memory_app).broken)


def test_a_back_fill_over_gaps_in_the_ids_links_every_event(app: Coprod, url: str) -> None:
    positions = _commands(app, 2) + _bulk(app, 10)
    _sql(url, f"DELETE FROM {CHAIN_TABLE}")
    _sql(url, "DELETE FROM events WHERE notification_id = ?", (positions[4],))
    _commands(app, 1)
    verdict = verify(app)
    assert verdict.intact, verdict.broken
    assert verdict.unlinked == 0
    assert verdict.events == 12
    linked = [i for i, _ in app.recorder.select_links(0, 100)]
    assert positions[4] not in linked
    assert len(linked) == 12


def test_a_real_pabulib_import_in_small_batches_is_chained(
    app: Coprod, url: str, tmp_path: Path
) -> None:
    _commands(app, 1)
    path = tmp_path / "tiny.pb"
    path.write_text(APPROVAL, encoding="utf-8")
    result = import_file(app, path, batch_size=2, use_checker=False)
    assert result.ballots >= 2
    verdict = verify(app)
    assert verdict.intact, verdict.broken
    assert verdict.events == app.recorder.max_notification_id() == verdict.head.position
    ballot = next(
        n for n in app.recorder.select_notifications(1, 1000) if n.topic.endswith("BallotCast")
    )
    state = bytearray(ballot.state)
    state[-2] ^= 0x01
    _sql(url, "UPDATE events SET state = ? WHERE notification_id = ?", (bytes(state), ballot.id))
    assert f"event {ballot.id} (originator {ballot.originator_id}" in str(verify(app).broken)


def test_verify_pages_through_a_log_longer_than_a_page(
    app: Coprod, url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    positions = _commands(app, 2) + _bulk(app, 20)
    monkeypatch.setattr(chain, "PAGE", 3)
    seen: list[int] = []
    verdict = verify(app, progress=seen.append)
    assert verdict.intact
    assert verdict.events == 22
    assert seen == [3 * k for k in range(1, 8)]
    assert chain_head(app).position == positions[-1]
    _sql(url, "DELETE FROM events WHERE notification_id = ?", (positions[-1],))
    assert f"event {positions[-1]} is missing" in str(verify(app).broken)
    result = CliRunner(env={"COPROD_DATABASE_URL": url}).invoke(cli, ["verify", "--json"])
    assert result.exit_code == 1
    assert json.loads(result.stdout)["broken"] == verify(app).broken
