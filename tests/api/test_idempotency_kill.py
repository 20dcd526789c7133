"""Idempotency-Key across a real crash: the server is killed (SIGKILL) after the commit.

A server process whose ``submit_idea`` kills the process right after the command committed,
before any answer is sent, takes the first request; a fresh server on the same store takes
the retry. On SQLite and PostgreSQL the retry gets the first answer (201, the idea's id,
replayed) and the log holds the idea once.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from api.keys import KeyStore
from coprod.adapters.config import parse_database_url
from coprod.application import SYSTEM_ACTOR, Coprod
from coprod.application.commands.people import RegisterOrganisation
from coprod.domain.organisation import OrganisationKind
from coprod.domain.values import Role
from tests.api.conftest import event_topics

ROOT = Path(__file__).resolve().parents[2]
SERVER = """
import os, signal, sys
import uvicorn
from api.http.app import create_app
from coprod.application import Coprod
from coprod.adapters.config import parse_database_url

url, port, dies = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "dies"
if dies:
    submit = Coprod.submit_idea
    def submit_then_die(self, *args):
        submit(self, *args)  # committed: the events and the key's receipt
        os.kill(os.getpid(), signal.SIGKILL)
    Coprod.submit_idea = submit_then_die
app = create_app(parse_database_url(url), worker=False)
uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")
"""


def _http(
    method: str, url: str, body: Any = None, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], Any]:
    """One request; the status, headers and JSON body (an HTTP error is an answer too)."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return (
                answer.status,
                {k.lower(): v for k, v in answer.headers.items()},
                json.loads(answer.read() or b"null"),
            )
    except urllib.error.HTTPError as e:
        return e.code, {k.lower(): v for k, v in e.headers.items()}, json.loads(e.read() or b"null")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def server(url: str, *, dies: bool) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-c", SERVER, url, str(port), "dies" if dies else "lives"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": f"{ROOT}/src:{ROOT}"},
    )
    base = f"http://127.0.0.1:{port}/api/v1"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if _http("GET", f"{base}/health")[0] < 500:
                    break
            except OSError:
                pass
            assert process.poll() is None, "the server did not start"
            assert time.monotonic() < deadline, "the server did not answer in 30 s"
            time.sleep(0.1)
        yield base, process
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(10)


def test_a_server_killed_after_the_commit_answers_the_retry_once(store_url: str) -> None:
    with Coprod(parse_database_url(store_url)) as app:
        council = app.register_organisation(
            RegisterOrganisation(
                slug="aarhus", kind=OrganisationKind.COUNCIL, display_name="Aarhus"
            ),
            SYSTEM_ACTOR,
        ).aggregate_id
        officer = {
            "Authorization": "Bearer "
            + KeyStore(app).create(council, Role.COUNCIL_OFFICER, label="officer").secret
        }
    idea = {"title": "A bench", "description": "By the lake"}
    with server(store_url, dies=True) as (base, process):
        status, _, made = _http(
            "POST",
            f"{base}/processes",
            {"code": "pb-2026", "name": "PB 2026", "currency": "DKK"},
            officer,
        )
        assert status == 201, made
        path = f"/processes/{made['id']}/ideas"
        with pytest.raises(ConnectionError):  # the server died without answering
            _http("POST", base + path, idea, {**officer, "Idempotency-Key": "k"})
        assert process.wait(10) == -9  # killed, after the commit, before any answer
    with server(store_url, dies=False) as (base, _):
        status, headers, retry = _http(
            "POST", base + path, idea, {**officer, "Idempotency-Key": "k"}
        )
        assert status == 201, retry
        assert headers["idempotent-replayed"] == "true"
        assert headers["location"] == f"/api/v1/proposals/{retry['id']}"
        assert _http("GET", f"{base}/proposals/{retry['id']}", headers=officer)[0] == 200
    with Coprod(parse_database_url(store_url)) as app:
        assert sum(t.endswith("IdeaSubmitted") for t in event_topics(app)) == 1
