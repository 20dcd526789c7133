"""``coprod privacy purge`` and ``coprod secrets ...``: the operator's side of personal data.

* ``privacy purge`` removes erased personal data from the database's files. A ``DELETE``
  leaves the bytes in free pages and, on SQLite, in the write-ahead log until they are
  overwritten; the purge checkpoints and truncates the WAL and rebuilds the file (VACUUM), or on
  PostgreSQL rewrites the personal-data and key tables (``VACUUM FULL``).
* ``secrets status | new-key | rotate`` look after the master key that wraps the subject
  keys (see :mod:`coprod.adapters.masterkey`).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from coprod.adapters.config import StoreSettings, settings_from_env
from coprod.adapters.masterkey import (
    ENV_KEY,
    encode_entry,
    new_key,
    parse_keyring,
    replace_key_file,
)
from coprod.adapters.privacy_sql import DETAILS_TABLE, KEYS_TABLE, SQLPersonalDataStore
from coprod.application import Coprod
from coprod.domain.errors import InvalidInput, StoreUnavailable

privacy_app = typer.Typer(no_args_is_help=True, add_completion=False)
secrets_app = typer.Typer(no_args_is_help=True, add_completion=False)
console = Console()


def _sql_store(app: Coprod) -> SQLPersonalDataStore:
    store = app.personal_data
    if not isinstance(store, SQLPersonalDataStore):
        raise InvalidInput("COPROD_DATABASE_URL", "use an SQLite or PostgreSQL store")
    return store


def check_master_key(settings: StoreSettings) -> str:
    """Open the store's keys once, so a missing or wrong master key stops start-up.

    On the embedded SQLite store this also makes the key file on the first run. Returns
    where the master key came from.
    """
    with Coprod(settings) as app:
        return _sql_store(app).prepare().origin


# -- coprod privacy purge ----------------------------------------------------------------------


@privacy_app.command("purge")
def purge() -> None:
    """Remove erased personal data from the database's files (WAL, free pages).

    Run it after erasures; it is safe while coprod serves (SQLite waits for its lock, and
    PostgreSQL locks only the two small personal-data tables for the rewrite).
    """
    settings = settings_from_env()
    with Coprod(settings) as app:
        _sql_store(app).prepare()  # the tables exist, the key opens them
    if settings.backend == "sqlite":
        purge_sqlite(Path(settings.env["SQLITE_DBNAME"]))
    else:
        purge_postgres(settings)
    console.print(f"Erased personal data purged from the files of {settings.display}.")


def purge_sqlite(path: Path) -> None:
    """Checkpoint and empty the WAL, rebuild the file, and empty the WAL again."""
    connection = sqlite3.connect(path, timeout=30, isolation_level=None)
    try:
        _checkpoint(connection, path)
        connection.execute("VACUUM")
        _checkpoint(connection, path)
    except sqlite3.Error as e:
        raise StoreUnavailable(f"could not purge {path}: {e}") from e
    finally:
        connection.close()


def _checkpoint(connection: sqlite3.Connection, path: Path) -> None:
    busy, _, _ = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    if busy:
        raise StoreUnavailable(
            f"{path}: a reader kept the write-ahead log open; run the purge again shortly"
        )


def purge_postgres(settings: StoreSettings) -> None:
    """``VACUUM FULL`` of the personal-data and key tables (outside any transaction)."""
    import psycopg
    from psycopg import sql

    env = settings.env
    try:
        with psycopg.connect(
            host=env["POSTGRES_HOST"],
            port=env["POSTGRES_PORT"],
            user=env["POSTGRES_USER"],
            password=env["POSTGRES_PASSWORD"],
            dbname=env["POSTGRES_DBNAME"],
            autocommit=True,
        ) as connection:
            for table in (DETAILS_TABLE, KEYS_TABLE):
                name = sql.Identifier(env["POSTGRES_SCHEMA"], table)
                connection.execute(sql.SQL("VACUUM FULL {}").format(name))
    except psycopg.Error as e:
        raise StoreUnavailable(f"could not purge {settings.display}: {e}") from e


# -- coprod secrets ----------------------------------------------------------------------------


@secrets_app.command("status")
def status() -> None:
    """Where the master key comes from, its versions, and how many keys each wraps."""
    settings = settings_from_env()
    with Coprod(settings) as app:
        store = _sql_store(app)
        keyring = store.prepare()
        counts = store.key_versions()
    console.print(f"master key: {keyring.origin}; versions {sorted(keyring.keys)}")
    for version, n in sorted(counts.items()):
        label = "in clear (not yet wrapped)" if version == 0 else f"wrapped by version {version}"
        console.print(f"  {n} subject keys {label}")


@secrets_app.command("new-key")
def new_key_command(
    version: Annotated[int, typer.Option(min=1, help="The version number to give it.")] = 1,
) -> None:
    """Print a fresh master key entry (VERSION:BASE64) for COPROD_SECRET_KEY or a key file."""
    typer.echo(encode_entry(version, new_key()))


@secrets_app.command("rotate")
def rotate(
    retire: Annotated[
        bool,
        typer.Option(help="After re-wrapping, drop the older versions from the key file."),
    ] = False,
) -> None:
    """Re-wrap every subject key under a newer master key; pseudonyms do not change.

    With a key file (COPROD_SECRET_KEY_FILE or the embedded default) a new version is added
    to the file first. With COPROD_SECRET_KEY, add the new version to the variable yourself
    (``coprod secrets new-key --version N``) and run this; then drop the old one.
    """
    settings = settings_from_env()
    with Coprod(settings) as app:
        store = _sql_store(app)
        keyring = store.prepare()
        if keyring.path is not None:
            keys = dict(keyring.keys)
            keys[keyring.current + 1] = new_key()
            replace_key_file(keyring.path, keys)
            keyring.keys = keys
        elif set(store.key_versions()) <= {keyring.current}:
            raise InvalidInput(
                ENV_KEY,
                f"every key is already wrapped by version {keyring.current}: add a newer "
                "version first (`coprod secrets new-key --version N`, kept beside the old one)",
            )
        done = store.rewrap(keyring)
        if retire and keyring.path is not None:
            replace_key_file(keyring.path, {keyring.current: keyring.keys[keyring.current]})
            parse_keyring(keyring.path.read_text("utf-8"), str(keyring.path))
    console.print(f"{done} subject keys re-wrapped under master key version {keyring.current}.")
