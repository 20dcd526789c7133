"""What signing in and being signed in cost, on both stores.

    .venv/bin/python benchmarks/web_sessions.py

In the app (FastAPI's TestClient: server time plus an in-process round trip, no network):
100 sign-ins through the real pages (the invitation page, then its POST, which uses the
invitation and opens a session in one transaction), 500 requests of the account page with a
session cookie, and 1,000 direct session lookups (``SessionStore.find``: one indexed read).
PostgreSQL is the one the tests use (tests/postgres_server.py: ``COPROD_TEST_DATABASE_URL``,
else 127.0.0.1:5432).
"""

from __future__ import annotations

import base64
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("COPROD_SECRET_KEY", "1:" + base64.b64encode(os.urandom(32)).decode())

from fastapi.testclient import TestClient

from api.http.app import create_app
from coprod.adapters.config import parse_database_url
from coprod.application import SYSTEM_ACTOR
from coprod.application.commands.people import RegisterOrganisation
from coprod.domain.organisation import OrganisationKind
from coprod.domain.values import Role
from tests.postgres_server import fresh_database, fresh_schema, postgres_server
from tests.web.signin import sign_in


def _times(n: int, step: Callable[[], object]) -> list[float]:
    out = []
    for _ in range(n):
        started = time.perf_counter()
        step()
        out.append(time.perf_counter() - started)
    return sorted(out)


def _ms(times: list[float], share: float) -> str:
    return f"{times[max(0, int(len(times) * share) - 1)] * 1000:.2f}"


def run(url: str, label: str) -> None:
    app = create_app(parse_database_url(url), worker=False)
    with TestClient(app) as client:
        council = app.state.coprod.register_organisation(
            RegisterOrganisation(slug="bench", kind=OrganisationKind.COUNCIL, display_name="B"),
            SYSTEM_ACTOR,
        ).aggregate_id
        app.state.invitation_limit.attempts = 10**9  # the limit is not what is measured
        signins = _times(100, lambda: sign_in(client, Role.RESIDENT, council))
        pages = _times(500, lambda: client.get("/account"))
        secret = client.cookies["coprod_session"]
        finds = _times(1000, lambda: app.state.sessions.find(secret))
    for name, times in (("sign-in", signins), ("GET /account", pages), ("find", finds)):
        print(f"{label:10} {name:13} p50 {_ms(times, 0.5):>6} ms  p95 {_ms(times, 0.95):>6} ms")


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        run(f"sqlite:///{folder}/bench.sqlite", "SQLite")
    with postgres_server() as server, fresh_database(server) as db, fresh_schema(db) as url:
        run(url, "PostgreSQL")


if __name__ == "__main__":
    main()
