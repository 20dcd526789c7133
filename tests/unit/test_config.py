"""COPROD_DATABASE_URL is the one setting that picks the store."""

from __future__ import annotations

from pathlib import Path

import pytest

from coprod.adapters.config import parse_database_url, settings_from_env
from coprod.domain.errors import InvalidInput


def test_default_is_an_sqlite_file_in_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    settings = settings_from_env({})
    assert settings.backend == "sqlite"
    assert settings.env["PERSISTENCE_MODULE"] == "eventsourcing.sqlite"
    assert settings.env["SQLITE_DBNAME"] == str(tmp_path / "coprod.sqlite")


def test_absolute_sqlite_path(tmp_path: Path) -> None:
    settings = parse_database_url(f"sqlite:///{tmp_path}/events.sqlite")
    assert settings.env["SQLITE_DBNAME"] == str(tmp_path / "events.sqlite")


def test_sqlite_in_a_missing_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="does not exist"):
        parse_database_url(f"sqlite:///{tmp_path}/nope/events.sqlite")


def test_postgres_url_sets_the_library_environment() -> None:
    settings = parse_database_url(
        "postgresql://alice:s%3Acret@db.example:6543/coprod?schema=pb", {"COPROD_LOCK_TIMEOUT": "7"}
    )
    env = settings.env
    assert settings.backend == "postgres"
    assert env["PERSISTENCE_MODULE"] == "eventsourcing.postgres"
    assert (env["POSTGRES_HOST"], env["POSTGRES_PORT"], env["POSTGRES_DBNAME"]) == (
        "db.example",
        "6543",
        "coprod",
    )
    assert (env["POSTGRES_USER"], env["POSTGRES_PASSWORD"]) == ("alice", "s:cret")
    assert env["POSTGRES_SCHEMA"] == "pb"
    assert env["POSTGRES_LOCK_TIMEOUT"] == "7"
    assert "s%3Acret" not in settings.display
    assert "***" in settings.display


def test_postgres_lock_timeout_is_set_by_default() -> None:
    env = parse_database_url("postgresql://localhost/coprod").env
    assert int(env["POSTGRES_LOCK_TIMEOUT"]) > 0


@pytest.mark.parametrize("url", ["mysql://x/y", "postgresql://localhost/", "sqlite://", "nonsense"])
def test_unsupported_urls_are_refused_with_the_accepted_forms(url: str) -> None:
    with pytest.raises(InvalidInput, match="COPROD_DATABASE_URL"):
        parse_database_url(url)
