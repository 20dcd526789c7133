"""Shared fixtures: a store-free application for unit tests and actors to act as."""

from __future__ import annotations

import base64
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from coprod.adapters.config import parse_database_url
from coprod.application import Coprod
from coprod.domain.values import Actor, Role


@pytest.fixture(autouse=True, scope="session")
def master_key() -> Iterator[str]:
    """One master key for the run, in the environment, so subprocesses inherit it too.

    Stores keep their subject keys wrapped under a key from outside the database
    (coprod.adapters.masterkey); without this the SQLite tests would write key files into the
    user's data folder. Tests of the key's sources unset it with monkeypatch.
    """
    previous = os.environ.get("COPROD_SECRET_KEY")
    key = "1:" + base64.b64encode(os.urandom(32)).decode("ascii")
    os.environ["COPROD_SECRET_KEY"] = key
    yield key
    if previous is None:
        os.environ.pop("COPROD_SECRET_KEY", None)
    else:
        os.environ["COPROD_SECRET_KEY"] = previous


@pytest.fixture
def memory_app() -> Iterator[Coprod]:
    """An application on the library's in-memory store: fast, isolated per test."""
    application = Coprod(
        parse_database_url("sqlite:///:memory:"), env={"PERSISTENCE_MODULE": "eventsourcing.popo"}
    )
    yield application
    application.close()


@pytest.fixture
def app(memory_app: Coprod) -> Coprod:
    """The application use-case tests run on; tests/integration re-runs them on real stores."""
    return memory_app


@pytest.fixture
def council_id() -> uuid.UUID:
    return uuid.uuid4()


@pytest.fixture
def officer(council_id: uuid.UUID) -> Actor:
    return Actor(uuid.uuid4(), Role.COUNCIL_OFFICER, council_id)


@pytest.fixture
def member() -> Actor:
    return Actor(uuid.uuid4(), Role.COMMUNITY_MEMBER, uuid.uuid4())


# -- real stores --------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def postgres_database_url() -> Iterator[str]:
    """A fresh database on a real PostgreSQL server for this run; fails (never skips) without one."""
    from tests.postgres_server import fresh_database, postgres_server

    try:
        server_cm = postgres_server()
        server_url = server_cm.__enter__()
    except RuntimeError as e:
        pytest.fail(str(e), pytrace=False)
    try:
        with fresh_database(server_url) as url:
            yield url
    finally:
        server_cm.__exit__(None, None, None)


@pytest.fixture
def postgres_url(postgres_database_url: str) -> Iterator[str]:
    """A COPROD_DATABASE_URL for one test: its own empty schema in the run's database."""
    from tests.postgres_server import fresh_schema

    with fresh_schema(postgres_database_url) as url:
        yield url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path}/coprod.sqlite"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest) -> str:
    """Each store in turn: the same test runs on the embedded default and on PostgreSQL."""
    name = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    return str(request.getfixturevalue(name))


@pytest.fixture
def store_app(store_url: str) -> Iterator[Coprod]:
    """The application on a real store (SQLite file, then PostgreSQL)."""
    application = Coprod(parse_database_url(store_url))
    yield application
    application.close()


# -- pabutools, the outcome rules' oracle -----------------------------------------------------


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Start pabutools on the large files' rule comparisons in a second process now, so
    their answers are ready when ``test_rules_pabulib`` runs (see tests/pabutools_oracle.py)."""
    jobs = []
    for item in items:
        name = getattr(item, "originalname", item.name)
        callspec = getattr(item, "callspec", None)
        if item.path.name != "test_rules_pabulib.py" or callspec is None:
            continue
        from tests.pabutools_oracle import RULE_OF_TEST

        if name in RULE_OF_TEST and "path" in callspec.params:
            jobs.append((Path(callspec.params["path"]), RULE_OF_TEST[name]))
    if jobs:
        from tests.pabutools_oracle import ORACLE

        ORACLE.start(jobs)


def pytest_sessionfinish(session: pytest.Session) -> None:
    from tests.pabutools_oracle import ORACLE

    ORACLE.close()
