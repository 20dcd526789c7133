"""``/console/imports`` and ``/console/parameters``: preview, line-numbered errors, confirm."""

from __future__ import annotations

import uuid

from fastapi.testclient import TestClient

from api.web.csrf import CSRF_FIELD
from coprod.application import Coprod
from coprod.domain.values import Actor, Role
from tests.api.conftest import World
from tests.unit.test_csv_imports import events, funded, milestones_csv
from tests.unit.test_parameters_load import CENSUS
from tests.web.signin import csrf_of, sign_in


def _upload(client: TestClient, path: str, csv: str, **fields: str) -> str:
    token = csrf_of(client.get(path).text)
    files = {"file": ("m.csv", csv.encode(), "text/csv")}
    answer = client.post(path, data={CSRF_FIELD: token, **fields}, files=files)
    return f"{answer.status_code}\n{answer.text}"


def test_one_bad_line_imports_nothing_and_names_the_line(
    client: TestClient, coprod: Coprod, world: World
) -> None:
    sign_in(client, Role.COUNCIL_OFFICER, world.council)
    process, project = funded(coprod, Actor(uuid.uuid4(), Role.COUNCIL_OFFICER, world.council))
    before = events(coprod)
    bad = milestones_csv(project, bad=True)
    answer = _upload(client, "/console/imports", bad, kind="milestones", process=str(process))
    assert answer.startswith("400")
    assert "<td>4</td><td>met_on</td>" in answer
    assert "<td>5</td><td>project</td>" in answer
    assert events(coprod) == before
    good = milestones_csv(project).rsplit("\n", 2)[0] + "\n"
    preview = _upload(client, "/console/imports", good, kind="milestones", process=str(process))
    assert preview.startswith("200")
    assert "Confirm and import" in preview
    assert events(coprod) == before
    token = csrf_of(preview.split("\n", 1)[1])
    confirmed = client.post(
        "/console/imports",
        data={
            CSRF_FIELD: token,
            "kind": "milestones",
            "process": str(process),
            "confirm": "1",
            "csv": good,
        },
    )
    assert confirmed.status_code == 200, confirmed.text
    assert "3 line(s) imported" in confirmed.text
    assert events(coprod) == before + 3


def test_another_councils_officer_is_refused(
    client: TestClient, coprod: Coprod, world: World
) -> None:
    sign_in(client, Role.COUNCIL_OFFICER, world.other_council)
    process, project = funded(coprod, Actor(uuid.uuid4(), Role.COUNCIL_OFFICER, world.council))
    before = events(coprod)
    good = milestones_csv(project).rsplit("\n", 2)[0] + "\n"
    answer = _upload(client, "/console/imports", good, kind="milestones", process=str(process))
    assert answer.startswith("403")
    assert events(coprod) == before


def test_census_in_danish(client: TestClient, coprod: Coprod, world: World) -> None:
    sign_in(client, Role.COUNCIL_OFFICER, world.council)
    client.headers["Accept-Language"] = "da"
    bad = CENSUS.replace("sex;male;0,49", "sex;male;mange")
    answer = _upload(client, "/console/parameters", bad, kind="census")
    assert answer.startswith("400")
    assert "<td>3</td><td>share</td>" in answer
    assert "intet blev importeret" in answer.lower()
    assert _upload(client, "/console/parameters", CENSUS, kind="census").startswith("200")
