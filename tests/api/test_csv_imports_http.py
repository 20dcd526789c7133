"""CSV uploads over HTTP: 422 with every bad line, nothing written; another council's officer 403."""

from __future__ import annotations

import uuid

from fastapi.testclient import TestClient

from coprod.application import Coprod
from coprod.domain.values import Actor, Role
from tests.api.conftest import World
from tests.unit.test_csv_imports import events, funded, milestones_csv
from tests.unit.test_parameters_load import CENSUS


def test_milestones_upload_all_or_nothing(client: TestClient, coprod: Coprod, world: World) -> None:
    officer = Actor(uuid.uuid4(), Role.COUNCIL_OFFICER, world.council)
    process, project = funded(coprod, officer)
    url = f"/api/v1/processes/{process}/imports/milestones"
    before = events(coprod)
    bad = client.post(url, content=milestones_csv(project, bad=True), headers=world["officer"])
    assert bad.status_code == 422
    found = [(e["problem"].split(":")[0], e["field"]) for e in bad.json()["errors"]]
    assert found == [("line 4", "met_on"), ("line 5", "project")]
    assert events(coprod) == before
    good = milestones_csv(project).rsplit("\n", 2)[0] + "\n"
    files = {"file": ("m.csv", good.encode(), "text/csv")}
    dry = client.post(url + "?dry_run=true", files=files, headers=world["officer"])
    assert dry.status_code == 200, dry.text
    assert dry.json()["recorded"] is False
    assert events(coprod) == before
    other = client.post(url, content=good, headers=world["other_officer"])
    assert other.status_code == 403
    done = client.post(url, files=files, headers=world["officer"])
    assert done.json()["recorded"] is True
    assert [line["line"] for line in done.json()["lines"]] == [2, 3, 4]
    assert events(coprod) == before + 3


def test_census_upload(client: TestClient, coprod: Coprod, world: World) -> None:
    url = f"/api/v1/organisations/{world.council}/parameters/census"
    assert client.post(url, content=CENSUS, headers=world["other_officer"]).status_code == 403
    assert client.post(url, content=CENSUS, headers=world["member"]).status_code in (403, 422)
    loaded = client.post(url, content=("\ufeff" + CENSUS).encode(), headers=world["officer"])
    assert loaded.status_code == 200, loaded.text
    assert len(loaded.json()["lines"]) == 5
