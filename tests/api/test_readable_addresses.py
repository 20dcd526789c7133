"""Readable addresses: a process code and a project code accepted where ids go, on pages and
in the API; an ambiguous code answers 409 naming the choices, an unknown one 404."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.demo import seed_demo
from api.http.app import create_app
from coprod.adapters.config import parse_database_url
from coprod.application import SYSTEM_ACTOR, Coprod
from coprod.application.commands.people import RegisterOrganisation
from coprod.application.commands.processes import OpenProcess
from coprod.domain.organisation import OrganisationKind
from coprod.domain.values import Actor, Role
from projections.addresses.slugs import slugify, unique

SEED = 11


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    path = Path(tmp_path_factory.mktemp("addr")) / "a.sqlite"
    app = create_app(
        parse_database_url(f"sqlite:///{path}"), on_start=lambda a: seed_demo(a, seed=SEED)
    )
    with TestClient(app) as client:
        coprod: Coprod = client.app.state.coprod  # type: ignore[attr-defined]
        client.app.state.reads.wait_for(coprod.recorder.max_notification_id())  # type: ignore[attr-defined]
        yield client


def _demo(site: TestClient) -> tuple[Coprod, uuid.UUID, str]:
    coprod: Coprod = site.app.state.coprod  # type: ignore[attr-defined]
    first = site.get("/api/v1/processes").json()["items"]
    pid = uuid.UUID(next(p["id"] for p in first if p["phase"] == "delivery"))
    return coprod, pid, coprod.get_process(pid).code


def test_a_process_code_is_accepted_on_pages_and_in_the_api(site: TestClient) -> None:
    _coprod, pid, code = _demo(site)
    by_id = site.get(f"/api/v1/processes/{pid}/cases?limit=5").json()
    assert site.get(f"/api/v1/processes/{code}/cases?limit=5").json() == by_id
    page = site.get(f"/p/{code}", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert page.text == site.get(f"/processes/{pid}", headers={"Accept": "text/html"}).text


def test_a_project_code_is_its_title_made_readable(site: TestClient) -> None:
    _coprod, pid, code = _demo(site)
    projects = site.get(f"/api/v1/processes/{pid}/projects?limit=500").json()["items"]
    first = projects[0]
    slug = slugify(first["title"])
    page = site.get(f"/p/{code}/projects/{slug}")
    assert page.status_code == 200
    assert page.text == site.get(f"/projects/{first['project_id']}").text
    api = site.get(f"/api/v1/processes/{code}/projects/{slug}")
    assert api.status_code == 200
    assert api.json()["id"] == first["project_id"]


def test_an_unknown_code_is_a_404_and_an_ambiguous_one_a_409_with_the_choices(
    site: TestClient,
) -> None:
    coprod, _pid, code = _demo(site)
    missing = site.get("/api/v1/processes/no-such-code/cases")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")
    page = site.get("/p/no-such-code", headers={"Accept": "text/html", "Accept-Language": "da"})
    assert page.status_code == 404
    assert "Ingen proces eller projekt har denne kode" in page.text
    other = coprod.register_organisation(
        RegisterOrganisation(
            slug="addr-other-council", kind=OrganisationKind.COUNCIL, display_name="Other"
        ),
        SYSTEM_ACTOR,
    ).aggregate_id
    officer = Actor(uuid.uuid4(), Role.COUNCIL_OFFICER, other)
    twin = coprod.open_process(
        OpenProcess(council_id=other, code=code, name="Same code", currency="DKK"), officer
    ).aggregate_id
    site.app.state.reads.wait_for(coprod.recorder.max_notification_id())  # type: ignore[attr-defined]
    clash = site.get(f"/api/v1/processes/{code}/cases")
    assert clash.status_code == 409
    assert f"addr-other-council~{code}" in clash.json()["choices"]
    chosen = site.get(f"/api/v1/processes/addr-other-council~{code}/cases")
    assert chosen.status_code == 200
    assert chosen.json()["total"] == 0
    assert site.get(f"/api/v1/processes/{twin}/cases").json() == chosen.json()


def test_clashing_titles_get_numbered_codes_in_the_order_funded() -> None:
    assert slugify("Lommepark i Nørrebro \u2013 fase 2!") == "lommepark-i-noerrebro-fase-2"
    assert slugify("Ærø Å-sti") == "aeroe-aa-sti"
    assert slugify("!!!") == "project"
    assert unique(["a", "b", "a", "a"]) == ["a", "b", "a-2", "a-3"]
