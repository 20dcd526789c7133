"""The CLI and HTTP ask the read side the same questions through one facade, and agree.

``projections.queries`` answers "list processes" with ONE query (its SQL is
``projections.process_summary.listing._read``) and "the applied position of the active
generation" with ONE function (``projections.kernel.positions``); the CLI's ``coprod
processes`` and ``GET /api/v1/processes`` both go through it, on both stores.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

import pytest
import typer
from fastapi.testclient import TestClient
from typer.testing import CliRunner

import api.cli.evaluator
import api.http.routes.summaries
import api.reads
import projections.process_summary.listing as listing
import projections.queries as queries
from api.http.app import create_app
from coprod.adapters.config import parse_database_url
from coprod.application import Coprod
from coprod.application.commands.processes import OpenProcess
from coprod.domain.values import Actor, Role
from projections.process_summary import ProcessSummaryModel
from projections.registry import READ_MODELS, Projector
from projections.store import Connection


def cli() -> typer.Typer:
    app, export = typer.Typer(), typer.Typer()
    app.add_typer(export, name="export")  # two commands, so typer keeps the command names
    api.cli.evaluator.register(app, export)
    return app


@pytest.fixture
def opened(store_url: str) -> list[uuid.UUID]:
    """Three processes (two with the same name: the id breaks the tie), projected."""
    officer = Actor(uuid.uuid4(), Role.COUNCIL_OFFICER, uuid.uuid4())
    assert officer.organisation_id is not None
    with Coprod(parse_database_url(store_url)) as app:
        ids = [
            app.open_process(
                OpenProcess(
                    council_id=officer.organisation_id, code=code, name=name, currency="DKK"
                ),
                officer,
            ).aggregate_id
            for code, name in (("b", "Bridge"), ("a", "Allotments"), ("c", "Bridge"))
        ]
        with Projector(app) as projector:
            projector.catch_up()
    return ids


def counting(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> list[int]:
    calls: list[int] = []
    original: Callable[..., Any] = getattr(module, name)

    def spy(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, spy)
    return calls


def test_cli_and_http_call_the_facade() -> None:
    assert api.cli.evaluator.list_processes is queries.list_processes
    assert api.http.routes.summaries.process_page is queries.process_page
    assert api.http.routes.summaries.process_summary is queries.process_summary
    assert api.reads.positions is queries.positions


def test_cli_and_http_list_the_same_processes_at_the_same_position(
    store_url: str, opened: list[uuid.UUID], monkeypatch: pytest.MonkeyPatch
) -> None:
    sql = counting(monkeypatch, listing, "_read")
    settings = parse_database_url(store_url)

    listed = CliRunner(env={"COPROD_DATABASE_URL": store_url}).invoke(
        cli(), ["processes", "--format", "json"]
    )
    assert listed.exit_code == 0, listed.output
    assert len(sql) == 1  # the CLI ran the one list query

    with TestClient(create_app(settings, worker=False)) as client:
        pages, url = [], "/api/v1/processes?limit=2"
        while url:
            page = client.get(url).json()
            pages.append(page)
            url = page["next"]
    assert len(sql) == 1 + len(pages) == 3  # and so did every HTTP page

    by_http = [(i["id"], i["name"], i["phase"]) for p in pages for i in p["items"]]
    by_cli = [(p["id"], p["name"], p["phase"]) for p in json.loads(listed.stdout)]
    assert by_cli == by_http
    assert {uuid.UUID(i) for i, _, _ in by_cli} == set(opened)
    assert [name for _, name, _ in by_cli] == ["Allotments", "Bridge", "Bridge"]

    with Connection(settings) as conn:
        position = queries.position(conn, ProcessSummaryModel)
        every = queries.positions(conn)
    assert position is not None
    assert position.position > 0
    assert {p["position"] for p in pages} == {position.position}
    assert f"log position {position.position}" in listed.stderr
    assert set(every) == set(READ_MODELS)
    assert every["process_summary"] == position.position


def test_the_position_of_a_store_never_projected(store_url: str) -> None:
    with Coprod(parse_database_url(store_url)), Connection(parse_database_url(store_url)) as conn:
        assert queries.positions(conn) == dict.fromkeys(READ_MODELS, 0)
