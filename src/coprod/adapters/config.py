"""Where events are stored, from one setting: ``COPROD_DATABASE_URL``.

Unset, coprod keeps everything in ``./coprod.sqlite`` so a new user needs nothing but
Python. ``postgresql://user:password@host:port/dbname`` selects PostgreSQL, the production
store. The result is the library's own environment mapping, so every other library setting
(pool size, lock timeout) can still be overridden through its documented variables.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

from coprod.domain.errors import InvalidInput

DEFAULT_URL = "sqlite:///coprod.sqlite"
#: Seconds a write waits for PostgreSQL's table lock before it is refused as "store busy".
DEFAULT_LOCK_TIMEOUT_S = 2
#: The application recorder for PostgreSQL: the library's, inserting ~7x faster (see coprod.adapters).
POSTGRES_RECORDER_TOPIC = "coprod.adapters.postgres_recorder:ArrayInsertApplicationRecorder"
#: The application recorder for SQLite: the library's, running in-transaction steps.
SQLITE_RECORDER_TOPIC = "coprod.adapters.recording:CoprodSQLiteRecorder"


@dataclass(frozen=True)
class StoreSettings:
    """A parsed database URL and the library environment it implies."""

    url: str
    backend: str  # "sqlite" or "postgres"
    env: Mapping[str, str]

    @property
    def display(self) -> str:
        """The URL without its password, for summaries and logs."""
        parsed = urlparse(self.url)
        if parsed.password:
            return self.url.replace(f":{parsed.password}@", ":***@")
        return self.url


def settings_from_env(environ: Mapping[str, str] | None = None) -> StoreSettings:
    """Read ``COPROD_DATABASE_URL`` (default: an SQLite file in the working directory)."""
    environ = os.environ if environ is None else environ
    return parse_database_url(environ.get("COPROD_DATABASE_URL") or DEFAULT_URL, environ)


def parse_database_url(url: str, environ: Mapping[str, str] | None = None) -> StoreSettings:
    """Turn a URL into library settings; an unsupported URL is refused with what is accepted."""
    environ = environ or {}
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        return StoreSettings(url, "sqlite", _sqlite_env(parsed.path, environ))
    if parsed.scheme in ("postgresql", "postgres"):
        return StoreSettings(url, "postgres", _postgres_env(url, environ))
    raise InvalidInput(
        "COPROD_DATABASE_URL",
        f"{url!r} is not supported; use sqlite:///path/to/file.sqlite or "
        "postgresql://user:password@host:5432/dbname",
    )


def _sqlite_env(path: str, environ: Mapping[str, str]) -> dict[str, str]:
    # sqlite:///relative.sqlite -> path "/relative.sqlite"; sqlite:////abs -> "//abs".
    name = path[1:] if path.startswith("/") else path
    if not name:
        raise InvalidInput(
            "COPROD_DATABASE_URL", "an sqlite URL needs a file name: sqlite:///coprod.sqlite"
        )
    if name != ":memory:":
        parent = Path(name).expanduser().resolve().parent
        if not parent.is_dir():
            raise InvalidInput("COPROD_DATABASE_URL", f"folder {parent} does not exist")
        name = str(Path(name).expanduser().resolve())
        if Path(name).is_dir():
            raise InvalidInput("COPROD_DATABASE_URL", f"{name} is a folder, not a database file")
    return {
        "PERSISTENCE_MODULE": "eventsourcing.sqlite",
        "APPLICATION_RECORDER_TOPIC": SQLITE_RECORDER_TOPIC,
        "SQLITE_DBNAME": name,
        "SQLITE_LOCK_TIMEOUT": environ.get("COPROD_LOCK_TIMEOUT", str(DEFAULT_LOCK_TIMEOUT_S)),
    }


def _postgres_env(url: str, environ: Mapping[str, str]) -> dict[str, str]:
    parsed = urlparse(url)
    dbname = parsed.path.lstrip("/")
    if not dbname:
        raise InvalidInput("COPROD_DATABASE_URL", "a postgresql URL needs a database name")
    query = parse_qs(parsed.query)
    return {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        # The library's recorder sending rows as binary arrays; named, not imported (no driver here).
        "APPLICATION_RECORDER_TOPIC": POSTGRES_RECORDER_TOPIC,
        "POSTGRES_DBNAME": unquote(dbname),
        "POSTGRES_HOST": parsed.hostname or "localhost",
        "POSTGRES_PORT": str(parsed.port or 5432),
        "POSTGRES_USER": unquote(parsed.username or "postgres"),
        "POSTGRES_PASSWORD": unquote(parsed.password or ""),
        "POSTGRES_SCHEMA": query.get("schema", ["public"])[0],
        "POSTGRES_LOCK_TIMEOUT": environ.get("COPROD_LOCK_TIMEOUT", str(DEFAULT_LOCK_TIMEOUT_S)),
        "POSTGRES_CONNECT_TIMEOUT": environ.get("COPROD_CONNECT_TIMEOUT", "5"),
    }
