"""API keys: hashed at rest, scoped to an organisation and a role, revocable; and the CLI."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.cli.serve import keys_app
from api.keys import KEY_CACHE_TTL_S, KeyStore, hash_secret
from coprod.application import Coprod
from coprod.domain.errors import InvalidInput, NotFound
from coprod.domain.values import Role
from tests.api.conftest import World


def test_only_the_hash_is_stored(api: FastAPI, world: World, coprod: Coprod) -> None:
    store: KeyStore = api.state.keys
    new = store.create(world.council, Role.EVALUATOR, label="audit")
    with store.tables.datastore.transaction(commit=False) as cursor:
        cursor.execute(f"SELECT * FROM {store.table}")
        rows = [dict(r) for r in cursor.fetchall()]
    assert not any(new.secret in str(value) for row in rows for value in row.values())
    assert any(row["secret_hash"] == hash_secret(new.secret) for row in rows)
    assert store.authenticate(new.secret) == new.key.principal


def test_a_key_must_fit_its_organisation(api: FastAPI, world: World) -> None:
    store: KeyStore = api.state.keys
    with pytest.raises(InvalidInput, match="a community_group key cannot be council_officer"):
        store.create(world.group, Role.COUNCIL_OFFICER)
    with pytest.raises(InvalidInput, match="cannot hold an API key"):
        store.create(world.council, Role.SYSTEM)
    with pytest.raises(NotFound):
        store.create(uuid.uuid4(), Role.PUBLIC)


def test_revoke_hides_it_from_the_live_list(api: FastAPI, world: World) -> None:
    store: KeyStore = api.state.keys
    new = store.create(world.council, Role.PUBLIC, label="kiosk")
    revoked = store.revoke(new.key.key_id)
    assert revoked.revoked_at is not None
    assert store.authenticate(new.secret) is None
    assert new.key.key_id not in {k.key_id for k in store.list()}
    assert new.key.key_id in {k.key_id for k in store.list(include_revoked=True)}
    with pytest.raises(NotFound):
        store.revoke(uuid.uuid4())


def test_cli_create_list_revoke(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COPROD_DATABASE_URL", f"sqlite:///{tmp_path}/cli.sqlite")
    runner = CliRunner()
    made = runner.invoke(
        keys_app,
        [
            "create",
            "--organisation",
            "aarhus",
            "--role",
            "council_officer",
            "--register",
            "Aarhus Kommune",
        ],
    )
    assert made.exit_code == 0, made.output
    assert "registered council aarhus" in made.output
    secret = next(line.split()[-1] for line in made.output.splitlines() if "secret" in line)
    key_id = next(line.split()[-1] for line in made.output.splitlines() if "key id" in line)
    assert secret.startswith("cpk_")
    listed = runner.invoke(keys_app, ["list"])
    assert key_id[:8] in listed.output
    assert secret not in listed.output
    revoked = runner.invoke(keys_app, ["revoke", key_id])
    assert revoked.exit_code == 0
    assert f"revoked {key_id}" in revoked.output
    missing = runner.invoke(keys_app, ["create", "--organisation", "nowhere", "--role", "public"])
    assert isinstance(missing.exception, InvalidInput)
    assert "--register" in str(missing.exception)


def test_a_key_revoked_elsewhere_stops_working_within_the_cache_bound(
    api: FastAPI, world: World, coprod: Coprod
) -> None:
    """Another process (the CLI) revokes: this store trusts its memory for at most the TTL."""
    now = [100.0]
    store = KeyStore(coprod, api.state.keys.tables, clock=lambda: now[0])
    elsewhere = KeyStore(coprod, api.state.keys.tables)
    new = store.create(world.council, Role.EVALUATOR)
    assert store.authenticate(new.secret) == new.key.principal
    elsewhere.revoke(new.key.key_id)
    now[0] += KEY_CACHE_TTL_S / 2
    assert store.authenticate(new.secret) == new.key.principal  # still remembered
    now[0] += KEY_CACHE_TTL_S / 2
    assert store.authenticate(new.secret) is None  # the bound has passed: asked again
    now[0] -= KEY_CACHE_TTL_S
    assert store.authenticate(new.secret) is None  # a refusal is never remembered


def test_a_revoked_key_gets_401_over_http_within_the_bound(
    client: TestClient, api: FastAPI, world: World, coprod: Coprod
) -> None:
    new = api.state.keys.create(world.council, Role.EVALUATOR)
    headers = {"Authorization": f"Bearer {new.secret}"}
    assert client.get("/api/v1/health", headers=headers).status_code == 200
    KeyStore(coprod, api.state.keys.tables).revoke(new.key.key_id)  # as `coprod keys revoke`
    began = time.monotonic()
    while client.get("/api/v1/health", headers=headers).status_code == 200:
        assert time.monotonic() - began < KEY_CACHE_TTL_S + 0.5, "still accepted past the bound"
        time.sleep(0.05)
    assert client.get("/api/v1/health", headers=headers).status_code == 401


def test_a_key_revoked_through_the_same_store_stops_at_once(api: FastAPI, world: World) -> None:
    store: KeyStore = api.state.keys
    new = store.create(world.council, Role.EVALUATOR)
    assert store.authenticate(new.secret) is not None
    store.revoke(new.key.key_id)
    assert store.authenticate(new.secret) is None
