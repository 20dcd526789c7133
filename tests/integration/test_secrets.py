"""Secrets out of the event store: the database alone links no voter to a ballot.

The attack of issue 11: take a copy of the database (the SQLite file and its WAL; every
table of the PostgreSQL schema), guess 20 voter references, compute the HMAC pseudonym of
each under every value in the database that could be a secret, and look the results up in
the stored ballots. With the subject keys in clear (the layout before the master key) this
links 20 of 20; with the keys wrapped under a master key kept outside the database, 0.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import hmac
import os
import re
import shutil
import sqlite3
import stat
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from coprod.adapters.config import parse_database_url
from coprod.adapters.masterkey import (
    ENV_FILE,
    ENV_KEY,
    Keyring,
    encode_entry,
    new_key,
    parse_keyring,
)
from coprod.adapters.privacy import process_secret_subject
from coprod.adapters.privacy_sql import SQLPersonalDataStore
from coprod.application import Coprod
from coprod.application.commands.ballots import CastBallots
from coprod.domain.ballot import MarkedBallot
from coprod.domain.errors import InvalidInput
from coprod.domain.voting import BallotChoices
from tests.integration.test_projection_runner import open_vote

VOTERS = [f"voter-{n}@example.dk" for n in range(20)]
_HEX64 = re.compile(rb"[0-9a-f]{64}")


def _cast_twenty(app: Coprod) -> tuple[uuid.UUID, list[str]]:
    process, options, officer = open_vote(app, options=3)
    pseudonyms = [app.pseudonymise(process, ref) for ref in VOTERS]
    ballots = [
        MarkedBallot(p, BallotChoices(approvals=options[: 1 + n % 3]))
        for n, p in enumerate(pseudonyms)
    ]
    app.cast_ballots(CastBallots(process_id=process, ballots=tuple(ballots)), officer)
    return process, pseudonyms


# -- what an attacker holding only the database does ------------------------------------------


def _candidates(value: Any) -> Iterator[bytes]:
    """Every reading of a stored value as a key: raw, and base64 of it or of its parts."""
    raw = bytes(value) if isinstance(value, bytes | memoryview) else str(value).encode()
    yield raw
    text = raw.decode("latin-1")
    for part in {text, *text.split(":")}:
        for decode in (base64.b64decode, base64.urlsafe_b64decode):
            with contextlib.suppress(binascii.Error, ValueError):
                yield decode(part + "=" * (-len(part) % 4))


def links(rows: list[tuple[Any, ...]]) -> int:
    """How many of the 20 guessed voter references the rows link to a stored ballot."""
    values = [v for row in rows for v in row if v is not None]
    stored = set()
    for v in values:
        blob = bytes(v) if isinstance(v, bytes | memoryview) else str(v).encode()
        stored.update(_HEX64.findall(blob))
    secrets_found = {c for v in values for c in _candidates(v) if c}
    linked = 0
    for ref in VOTERS:
        message = ref.strip().casefold().encode()
        if any(
            hmac.new(s, message, hashlib.sha256).hexdigest().encode() in stored
            for s in secrets_found
        ):
            linked += 1
    return linked


def sqlite_rows(database: Path, copy_to: Path) -> list[tuple[Any, ...]]:
    """All rows of a copy of the SQLite database file and its WAL, nothing else."""
    for suffix in ("", "-wal"):
        source = Path(str(database) + suffix)
        if source.exists():
            shutil.copyfile(source, str(copy_to) + suffix)
    connection = sqlite3.connect(copy_to)
    try:
        tables = [
            r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
        ]
        return [row for t in tables for row in connection.execute(f'SELECT * FROM "{t}"')]
    finally:
        connection.close()


def postgres_rows(url: str) -> list[tuple[Any, ...]]:
    """All rows of every table in the store's schema, read straight from the server."""
    import psycopg

    settings = parse_database_url(url)
    schema = settings.env["POSTGRES_SCHEMA"]
    plain = url.split("?", 1)[0]
    with psycopg.connect(plain) as connection:
        tables = [
            r[0]
            for r in connection.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = %s",
                (schema,),
            )
        ]
        return [
            tuple(row)
            for t in tables
            for row in connection.execute(f'SELECT * FROM "{schema}"."{t}"')
        ]


def database_rows(url: str, tmp_path: Path) -> list[tuple[Any, ...]]:
    settings = parse_database_url(url)
    if settings.backend == "sqlite":
        return sqlite_rows(Path(settings.env["SQLITE_DBNAME"]), tmp_path / "stolen.sqlite")
    return postgres_rows(url)


def _store(app: Coprod) -> SQLPersonalDataStore:
    store = app.personal_data
    assert isinstance(store, SQLPersonalDataStore)
    return store


def _put_in_clear(app: Coprod, subject: str, key: bytes) -> None:
    """Write a subject key as coprod did before the master key: base64, in clear."""
    store = _store(app)
    marker = "%s" if app.settings.backend == "postgres" else "?"
    with app.factory.datastore.transaction(commit=True) as c:  # type: ignore[attr-defined]
        c.execute(
            f"UPDATE {store.keys_table} SET key = {marker} WHERE subject = {marker}",
            (base64.b64encode(key).decode(), subject),
        )


# -- the tests -------------------------------------------------------------------------------


def test_the_database_alone_links_no_voter(store_url: str, tmp_path: Path) -> None:
    with Coprod(parse_database_url(store_url)) as app:
        _, pseudonyms = _cast_twenty(app)
    rows = database_rows(store_url, tmp_path)
    assert links(rows) == 0
    # Not a vacuous 0: every voter's pseudonym is in the copy, next to the ballot.
    blob = b"".join(
        bytes(v) if isinstance(v, bytes | memoryview) else str(v).encode()
        for row in rows
        for v in row
        if v is not None
    )
    assert all(p.encode() in blob for p in pseudonyms)


def test_keys_in_clear_are_wrapped_on_first_start(store_url: str, tmp_path: Path) -> None:
    """A store from before the master key: the attack links 20 of 20, after migration 0."""
    with Coprod(parse_database_url(store_url)) as app:
        process, pseudonyms = _cast_twenty(app)
        subject = process_secret_subject(process)
        _put_in_clear(app, subject, app.personal_data.key_for(subject))
    (tmp_path / "before").mkdir()
    assert links(database_rows(store_url, tmp_path / "before")) == 20

    with Coprod(parse_database_url(store_url)) as app:
        # The same pseudonyms after migration: the secret's value did not change.
        assert [app.pseudonymise(process, ref) for ref in VOTERS] == pseudonyms
        assert _store(app).key_versions() == {1: 1}
    (tmp_path / "after").mkdir()
    assert links(database_rows(store_url, tmp_path / "after")) == 0


@pytest.mark.postgres
def test_postgres_without_a_master_key_refuses_to_start(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(ENV_KEY)
    monkeypatch.delenv(ENV_FILE, raising=False)
    with Coprod(parse_database_url(postgres_url)) as app, pytest.raises(InvalidInput) as refused:
        _store(app).prepare()
    assert refused.value.field == ENV_FILE
    assert "PostgreSQL needs a master key" in str(refused.value)


def test_sqlite_makes_its_own_key_file_on_first_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(ENV_KEY)
    monkeypatch.delenv(ENV_FILE, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    first, second = (f"sqlite:///{tmp_path}/{name}.sqlite" for name in ("a", "b"))
    process = uuid.uuid4()
    with Coprod(parse_database_url(first)) as app:
        pseudonym = app.pseudonymise(process, "anna@example.dk")
    with Coprod(parse_database_url(second)) as app:
        app.pseudonymise(process, "anna@example.dk")
    files = sorted((tmp_path / "data" / "coprod" / "keys").iterdir())
    assert len(files) == 2  # one key per store, never shared by accident
    assert {stat.S_IMODE(f.stat().st_mode) for f in files} == {0o600}
    assert stat.S_IMODE(files[0].parent.stat().st_mode) == 0o700
    # A moved store keeps its key: the file is named after the id inside the database.
    shutil.move(f"{tmp_path}/a.sqlite", f"{tmp_path}/moved.sqlite")
    with Coprod(parse_database_url(f"sqlite:///{tmp_path}/moved.sqlite")) as app:
        assert app.pseudonymise(process, "anna@example.dk") == pseudonym


def test_a_lost_key_file_is_an_error_not_a_new_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(ENV_KEY)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    url = f"sqlite:///{tmp_path}/c.sqlite"
    with Coprod(parse_database_url(url)) as app:
        app.pseudonymise(uuid.uuid4(), "anna@example.dk")
    for key_file in (tmp_path / "data" / "coprod" / "keys").iterdir():
        key_file.unlink()
    with (
        Coprod(parse_database_url(url)) as app,
        pytest.raises(InvalidInput, match="is missing: restore it"),
    ):
        _store(app).prepare()


def test_a_wrong_master_key_is_refused(store_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with Coprod(parse_database_url(store_url)) as app:
        app.pseudonymise(uuid.uuid4(), "anna@example.dk")
    monkeypatch.setenv(ENV_KEY, encode_entry(1, new_key()))
    with (
        Coprod(parse_database_url(store_url)) as app,
        pytest.raises(InvalidInput, match="does not open this store's keys"),
    ):
        _store(app).prepare()


def test_rewrap_under_a_new_version_keeps_every_pseudonym(
    store_url: str, master_key: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    with Coprod(parse_database_url(store_url)) as app:
        process, pseudonyms = _cast_twenty(app)
    newer = new_key()
    monkeypatch.setenv(ENV_KEY, f"{encode_entry(2, newer)} {master_key}")
    with Coprod(parse_database_url(store_url)) as app:
        assert _store(app).rewrap(_store(app).keyring) == 1
        assert _store(app).key_versions() == {2: 1}
    # Only the new key is needed now; the old one opens nothing that is left.
    monkeypatch.setenv(ENV_KEY, encode_entry(2, newer))
    with Coprod(parse_database_url(store_url)) as app:
        assert [app.pseudonymise(process, ref) for ref in VOTERS] == pseudonyms
    assert links(database_rows(store_url, tmp_path)) == 0


def test_keyring_text_is_checked() -> None:
    one, two = new_key(), new_key()
    text = f"# a comment\n{encode_entry(2, two)}\n{encode_entry(1, one)}\n"
    assert parse_keyring(text, "f") == {1: one, 2: two}
    assert parse_keyring(base64.b64encode(one).decode(), ENV_KEY) == {1: one}
    with pytest.raises(InvalidInput, match="32 bytes"):
        parse_keyring("1:" + base64.b64encode(os.urandom(16)).decode(), ENV_KEY)
    with pytest.raises(InvalidInput, match="holds no key"):
        parse_keyring("# nothing\n", ENV_FILE)
    keyring = Keyring({1: one, 2: two}, ENV_KEY)
    wrapped = keyring.wrap("person:x", b"k" * 32)
    assert wrapped.startswith("k2:")
    assert keyring.unwrap("person:x", wrapped) == b"k" * 32
    with pytest.raises(InvalidInput):
        keyring.unwrap("person:y", wrapped)  # bound to its subject


@pytest.mark.postgres
def test_serve_on_postgres_without_a_key_stops_before_serving(postgres_url: str) -> None:
    from typer.testing import CliRunner

    from api.cli.main import cli

    result = CliRunner().invoke(
        cli, ["serve"], env={"COPROD_DATABASE_URL": postgres_url, ENV_KEY: "", ENV_FILE: ""}
    )
    # One line naming the missing setting, exit 2, and no server (see api/cli/errors.py).
    assert result.exit_code == 2, result.output
    assert ENV_FILE in result.output
    assert "Traceback" not in result.output
    assert "coprod API on" not in result.output  # refused before the server started
