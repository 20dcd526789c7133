"""``coprod privacy purge`` and ``coprod secrets``: erased bytes leave the disk; keys rotate.

An erasure's ``DELETE`` leaves the plaintext in the SQLite file's free space and its WAL, and
in PostgreSQL's table file, until overwritten. These tests look at the files' bytes: the
erased name is there after the erasure, and gone after the purge.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli.main import cli
from coprod.adapters.config import parse_database_url
from coprod.adapters.masterkey import ENV_FILE, ENV_KEY, encode_entry, new_key, parse_keyring
from coprod.adapters.privacy_sql import DETAILS_TABLE, SQLPersonalDataStore
from coprod.application import Coprod
from coprod.application.commands.people import ErasePerson, RegisterPerson
from coprod.domain.values import Actor, Role

SECRET_NAME = "Quorra Zyxwvut-Plaintext"


def _register_and_erase(app: Coprod) -> uuid.UUID:
    officer = Actor(uuid.uuid4(), Role.COUNCIL_OFFICER, uuid.uuid4())
    keep = app.register_person(RegisterPerson(details={"name": "Bo Hansen"}), officer).aggregate_id
    pid = app.register_person(RegisterPerson(details={"name": SECRET_NAME}), officer).aggregate_id
    app.erase_person(ErasePerson(person_id=pid), officer)
    assert app.person_details(keep) == {"name": "Bo Hansen"}
    return keep


def _sqlite_bytes(path: Path) -> bytes:
    return b"".join(
        Path(str(path) + suffix).read_bytes()
        for suffix in ("", "-wal")
        if Path(str(path) + suffix).exists()
    )


def _invoke(args: list[str], url: str) -> None:
    result = CliRunner().invoke(cli, args, env={"COPROD_DATABASE_URL": url})
    assert result.exit_code == 0, (result.output, result.exception)


def test_purge_removes_erased_plaintext_from_the_sqlite_files(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/c.sqlite"
    files = tmp_path / "c.sqlite"
    with Coprod(parse_database_url(url)) as app:  # a running server, say
        keep = _register_and_erase(app)
        assert SECRET_NAME.encode() in _sqlite_bytes(files)  # the WAL still holds it
        _invoke(["privacy", "purge"], url)
        assert SECRET_NAME.encode() not in _sqlite_bytes(files)
        assert b"Bo Hansen" in _sqlite_bytes(files)
        assert app.person_details(keep) == {"name": "Bo Hansen"}


@pytest.mark.postgres
def test_purge_rewrites_the_postgres_personal_data_table(postgres_url: str) -> None:
    import psycopg

    with Coprod(parse_database_url(postgres_url)) as app:
        keep = _register_and_erase(app)
    schema = parse_database_url(postgres_url).env["POSTGRES_SCHEMA"]
    plain = postgres_url.split("?", 1)[0]

    def table_file() -> bytes:
        with psycopg.connect(plain, autocommit=True) as connection:
            connection.execute("CHECKPOINT")  # the pages on disk, not only in shared buffers
            row = connection.execute(
                "SELECT pg_read_binary_file(pg_relation_filepath(%s))",
                (f'"{schema}".{DETAILS_TABLE}',),
            ).fetchone()
        assert row is not None
        return bytes(row[0])

    assert SECRET_NAME.encode() in table_file()  # the dead row is still in the page
    _invoke(["privacy", "purge"], postgres_url)
    assert SECRET_NAME.encode() not in table_file()
    assert b"Bo Hansen" in table_file()
    with Coprod(parse_database_url(postgres_url)) as app:
        assert app.person_details(keep) == {"name": "Bo Hansen"}


def test_rotate_adds_a_version_to_the_key_file_and_retires_the_old(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(ENV_KEY)
    key_file = tmp_path / "master.key"
    key_file.write_text(encode_entry(1, new_key()) + "\n")
    monkeypatch.setenv(ENV_FILE, str(key_file))
    url = f"sqlite:///{tmp_path}/c.sqlite"
    process = uuid.uuid4()
    with Coprod(parse_database_url(url)) as app:
        pseudonym = app.pseudonymise(process, "anna@example.dk")
    _invoke(["secrets", "rotate", "--retire"], url)
    assert set(parse_keyring(key_file.read_text(), "f")) == {2}  # the old version retired
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    with Coprod(parse_database_url(url)) as app:
        store = app.personal_data
        assert isinstance(store, SQLPersonalDataStore)
        assert store.key_versions() == {2: 1}
        assert app.pseudonymise(process, "anna@example.dk") == pseudonym
    _invoke(["secrets", "status"], url)


def test_rotate_on_an_environment_key_needs_a_newer_version(store_url: str) -> None:
    with Coprod(parse_database_url(store_url)) as app:
        app.pseudonymise(uuid.uuid4(), "anna@example.dk")
    result = CliRunner().invoke(cli, ["secrets", "rotate"], env={"COPROD_DATABASE_URL": store_url})
    assert result.exit_code == 2, result.output  # one line, no traceback (api/cli/errors.py)
    assert ENV_KEY in result.output
    assert "Traceback" not in result.output
    newer = f"{encode_entry(2, new_key())} {os.environ[ENV_KEY]}"
    result = CliRunner().invoke(
        cli, ["secrets", "rotate"], env={"COPROD_DATABASE_URL": store_url, ENV_KEY: newer}
    )
    assert result.exit_code == 0, result.exception
    assert "1 subject keys re-wrapped under master key version 2" in result.output
