"""The open-standard downloads over HTTP and the CLI: the public gets the latest published
release (and is refused the live log), the council's officer may ask for it; PROV as PROV-JSON
and PROV-N; bad input gets one clear line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from prov.model import ProvDocument
from typer.testing import CliRunner

from api.cli.main import cli
from api.cli.serve import DEMO_SEED, publish_demo_release
from api.demo import demo_process_id, seed_demo
from api.http.app import create_app
from api.keys import KeyStore
from coprod.adapters.config import parse_database_url
from coprod.application import Coprod
from coprod.domain.values import Role
from tests.standards_validation import grants_errors, ocds_errors


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, str]]:
    url = f"sqlite:///{tmp_path_factory.mktemp('open') / 'open.sqlite'}"

    def seed(app: Coprod) -> None:
        seed_demo(app, seed=DEMO_SEED)
        publish_demo_release(app, demo_process_id(DEMO_SEED))

    app = create_app(parse_database_url(url), on_start=seed)
    with TestClient(app) as client:
        yield client, url


def _officer(client: TestClient) -> dict[str, str]:
    coprod: Coprod = client.app.state.coprod  # type: ignore[attr-defined]
    council = coprod.get_process(demo_process_id(DEMO_SEED)).council_id
    keys: KeyStore = client.app.state.keys  # type: ignore[attr-defined]
    return {"Authorization": f"Bearer {keys.create(council, Role.COUNCIL_OFFICER).secret}"}


def test_the_public_downloads_the_released_ocds_and_360giving(
    site: tuple[TestClient, str],
) -> None:
    client, _ = site
    pid = demo_process_id(DEMO_SEED)
    ocds = client.get(f"/api/v1/processes/{pid}/exports/ocds.json")
    assert ocds.status_code == 200
    assert "attachment" in ocds.headers["content-disposition"]
    assert ocds_errors(ocds.json()) == []
    grants = client.get(f"/api/v1/processes/{pid}/exports/360giving.json")
    assert grants.status_code == 200
    assert grants_errors(grants.json()) == []
    assert client.get(f"/api/v1/processes/{pid}/exports/ocds.json?release=1").json() == ocds.json()
    assert client.get(f"/api/v1/processes/{pid}/exports/ocds.json?release=9").status_code == 404


def test_only_the_councils_officer_gets_the_live_log(site: tuple[TestClient, str]) -> None:
    client, _ = site
    path = f"/api/v1/processes/{demo_process_id(DEMO_SEED)}/exports/ocds.json?current=true"
    refused = client.get(path)
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert client.get(path, headers=_officer(client)).status_code == 200


def test_prov_downloads_load_back(site: tuple[TestClient, str]) -> None:
    client, _ = site
    pid = demo_process_id(DEMO_SEED)
    package = client.get(f"/api/v1/processes/{pid}/exports/ocds.json").json()
    project = package["releases"][0]["planning"]["budget"]["projectID"]
    as_json = client.get(f"/api/v1/projects/{project}/provenance")
    assert as_json.status_code == 200
    document = ProvDocument.deserialize(content=as_json.text, format="json")
    assert len(document.get_records()) > 10
    provn = client.get(f"/api/v1/projects/{project}/provenance?format=provn")
    assert provn.text.startswith("document")
    assert client.get(f"/api/v1/projects/{project}/provenance?format=xml").status_code == 422


def test_the_cli_writes_each_export(site: tuple[TestClient, str], tmp_path: Path) -> None:
    _client, url = site
    env = {"COPROD_DATABASE_URL": url}
    runner = CliRunner()
    pid = str(demo_process_id(DEMO_SEED))
    out = tmp_path / "ocds.json"
    done = runner.invoke(cli, ["export", "ocds", pid, "--out", str(out)], env=env)
    assert done.exit_code == 0, done.output
    assert ocds_errors(json.loads(out.read_text())) == []
    grants = runner.invoke(cli, ["export", "360giving", pid, "--current"], env=env)
    assert grants.exit_code == 0, grants.output
    assert grants_errors(json.loads(grants.stdout)) == []
    project = json.loads(out.read_text())["releases"][0]["planning"]["budget"]["projectID"]
    provn = runner.invoke(cli, ["export", "prov", project, "--format", "provn"], env=env)
    assert provn.exit_code == 0, provn.output
    assert provn.stdout.startswith("document")
    bad = runner.invoke(cli, ["export", "ocds", "nope"], env=env)
    assert bad.exit_code != 0
    assert "is not an id" in bad.stderr
    assert "Traceback" not in bad.output
