"""Find or start the PostgreSQL server the tests need; fail (never skip) with how to provide one.

Order, as the README promises: ``COPROD_TEST_DATABASE_URL``; else a server on 127.0.0.1:5432;
else a throwaway server started from the local PostgreSQL binaries (pytest-postgresql's
executor). Each test run works in its own fresh database, so runs never collide.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlparse, urlunparse

import psycopg

HOW_TO_PROVIDE = (
    "coprod's tests need PostgreSQL and could not find one. Either set "
    "COPROD_TEST_DATABASE_URL=postgresql://user:password@host:5432/dbname, or run a server on "
    "127.0.0.1:5432 that accepts the 'postgres' user, or install the PostgreSQL server binaries "
    "(pg_ctl, initdb; e.g. `apt-get install postgresql`) so the tests can start a throwaway one "
    "as a non-root user."
)


def _can_connect(url: str) -> str | None:
    try:
        with psycopg.connect(url, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as e:
        return str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    return None


def _with_db(url: str, dbname: str) -> str:
    parsed = urlparse(url)
    return urlunparse(parsed._replace(path="/" + dbname, query=""))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def _throwaway_server() -> Iterator[str]:
    from pytest_postgresql.executors.proc import PostgreSQLExecutor

    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl")) or [
        shutil.which("pg_ctl") or ""
    ]
    pg_ctl = candidates[-1]
    if not pg_ctl or not os.path.exists(pg_ctl):
        raise RuntimeError("no pg_ctl found")
    port = _free_port()
    tmp = tempfile.mkdtemp(prefix="coprod-pg-")
    executor = PostgreSQLExecutor(
        executable=pg_ctl,
        host="127.0.0.1",
        port=port,
        datadir=os.path.join(tmp, "data"),
        unixsocketdir=tmp,
        logfile=os.path.join(tmp, "pg.log"),
        startparams="-w",
        dbname="postgres",
        user="postgres",
    )
    executor.start()
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        executor.stop()
        shutil.rmtree(tmp, ignore_errors=True)


@contextmanager
def postgres_server() -> Iterator[str]:
    """Yield a URL of a server database we may CREATE DATABASE in; raise with advice if none."""
    problems = []
    explicit = os.environ.get("COPROD_TEST_DATABASE_URL")
    if explicit:
        problem = _can_connect(explicit)
        if problem is None:
            yield explicit
            return
        raise RuntimeError(f"COPROD_TEST_DATABASE_URL={explicit} is not reachable: {problem}")
    local = "postgresql://postgres@127.0.0.1:5432/postgres"
    problem = _can_connect(local)
    if problem is None:
        yield local
        return
    problems.append(f"127.0.0.1:5432: {problem}")
    try:
        with _throwaway_server() as url:
            yield url
            return
    except Exception as e:  # any failure to start is reported with the advice below
        problems.append(f"throwaway server: {e}")
    raise RuntimeError(HOW_TO_PROVIDE + " Tried: " + "; ".join(problems))


@contextmanager
def fresh_database(server_url: str) -> Iterator[str]:
    """Create a database for this test run and drop it afterwards."""
    name = f"coprod_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _with_db(server_url, name)
    finally:
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def fresh_schema(database_url: str) -> Iterator[str]:
    """A schema per test: the application's tables start empty, whatever ran before."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{database_url}?schema={schema}"
    finally:
        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
