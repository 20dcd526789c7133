"""Co-commissioning over HTTP and the CLI, on the demo's youth club: the public sees the
tender's progress and outcome with sealed, counted and hidden parts as the rules say; the
council's officer also sees the scores; bad terms are refused with the field named."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.cli.main import cli
from api.cli.serve import DEMO_SEED
from api.demo import demo_process_id, seed_demo
from api.http.app import create_app
from api.keys import KeyStore
from coprod.adapters.config import parse_database_url
from coprod.application import Coprod
from coprod.domain.values import Role

PID = demo_process_id(DEMO_SEED)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, str]]:
    url = f"sqlite:///{tmp_path_factory.mktemp('tenders') / 'tenders.sqlite'}"
    app = create_app(parse_database_url(url), on_start=lambda app: seed_demo(app, seed=DEMO_SEED))
    with TestClient(app) as client:
        coprod: Coprod = client.app.state.coprod  # type: ignore[attr-defined]
        client.app.state.reads.wait_for(coprod.recorder.max_notification_id())  # type: ignore[attr-defined]
        yield client, url


def _officer(client: TestClient) -> dict[str, str]:
    coprod: Coprod = client.app.state.coprod  # type: ignore[attr-defined]
    council = coprod.get_process(PID).council_id
    keys: KeyStore = client.app.state.keys  # type: ignore[attr-defined]
    return {"Authorization": f"Bearer {keys.create(council, Role.COUNCIL_OFFICER).secret}"}


def _tender(client: TestClient) -> dict[str, object]:
    listed = client.get(f"/api/v1/processes/{PID}/tenders").json()["items"]
    assert [(t["code"], t["stage"]) for t in listed] == [("youth-club-2025", "contracted")]
    return dict(listed[0])


def test_the_public_sees_the_outcome_but_not_the_scores_or_small_counts(
    site: tuple[TestClient, str],
) -> None:
    client, _ = site
    tender = client.get(f"/api/v1/tenders/{_tender(client)['tender_id']}").json()
    assert tender["scores"] == []
    assert tender["panel"] == {"officer": None, "resident": None}  # 1 and 3 people, k = 5
    definition = tender["need"]["participation"][0]
    assert definition["people"] == {"officers": None, "residents": 37, "service_users": 22}
    (award,) = tender["awards"]
    assert award["followed_ranking"] is True
    assert [r["place"] for r in award["ranking"]] == [1, 2, 3]
    assert award["bidder"] == award["ranking"][0]["bidder"]
    totals = [float(r["total"]) for r in award["ranking"]]
    assert totals == sorted(totals, reverse=True)
    (contract,) = tender["contracts"]
    project = client.get(f"/api/v1/projects/{contract['project_id']}").json()
    assert project["approved"] == contract["value"]


def test_the_councils_officer_sees_every_score_but_a_conflicted_members(
    site: tuple[TestClient, str],
) -> None:
    client, _ = site
    tender_id = _tender(client)["tender_id"]
    tender = client.get(f"/api/v1/tenders/{tender_id}", headers=_officer(client)).json()
    assert tender["panel"] == {"officer": 1, "resident": 3}
    # 3 bids x 2 quality criteria x 4 members, less the conflicted member's 2 on one bid
    assert len(tender["scores"]) == 3 * 2 * 4 - 2


def test_bad_terms_are_refused_with_the_field_named(site: tuple[TestClient, str]) -> None:
    client, _ = site
    officer = _officer(client)
    need = client.post(
        f"/api/v1/processes/{PID}/service-needs",
        headers=officer,
        json={
            "code": "repair-cafe",
            "title": "Repair café",
            "description": "Monthly.",
            "participants": [{"group": "officers", "count": 3}],
            "defined_on": str(datetime.now(UTC).date()),
        },
    )
    assert need.status_code == 422
    assert "residents" in need.json()["detail"]
    deadline = (datetime.now(UTC) + timedelta(days=20)).isoformat()
    need_id = client.get(f"/api/v1/tenders/{_tender(client)['tender_id']}").json()["need"][
        "need_id"
    ]
    bad = client.post(
        f"/api/v1/service-needs/{need_id}/tenders",
        headers=officer,
        json={
            "code": "second",
            "title": "Second tender",
            "lots": [{"code": "main", "title": "Main"}],
            "criteria": [{"code": "quality", "title": "Quality", "weight": "90"}],
            "scale": 10,
            "deadline": deadline,
            "estimated_value": {"amount": "1000", "currency": "DKK"},
        },
    )
    assert bad.status_code == 422
    assert "add up to 90" in bad.json()["detail"]


def test_the_cli_lists_and_shows_the_tender(site: tuple[TestClient, str]) -> None:
    client, url = site
    env = {"COPROD_DATABASE_URL": url, "COLUMNS": "200"}
    runner = CliRunner()
    listed = runner.invoke(cli, ["tenders", "list", str(PID)], env=env)
    assert listed.exit_code == 0, listed.output
    assert "youth-club-2025" in listed.output
    assert "contracted" in listed.output
    tender_id = str(_tender(client)["tender_id"])
    shown = runner.invoke(cli, ["tenders", "show", tender_id], env=env)
    assert shown.exit_code == 0, shown.output
    assert "follows the ranking" in shown.output
    assert "hidden (< k)" in shown.output
    document = runner.invoke(cli, ["tenders", "show", tender_id, "--format", "json"], env=env)
    assert json.loads(document.output)["stage"] == "contracted"
    unknown = runner.invoke(cli, ["tenders", "show", "not-an-id"], env=env)
    assert unknown.exit_code == 2
    assert "not an id" in unknown.output


@pytest.mark.parametrize("lang", ["en", "da"])
def test_the_public_tender_page_tells_the_story_in_both_languages(
    site: tuple[TestClient, str], lang: str
) -> None:
    client, _ = site
    process = client.get(f"/processes/{PID}?lang={lang}")
    assert process.status_code == 200
    tender_id = _tender(client)["tender_id"]
    assert f'href="/tenders/{tender_id}"' in process.text
    page = client.get(f"/tenders/{tender_id}?lang={lang}")
    assert page.status_code == 200
    text = page.text
    ranking_words = {"en": "Ranking by the published weights", "da": "Rangorden efter"}
    assert ranking_words[lang] in text
    assert {"en": "fewer than 5", "da": "færre end 5"}[lang] in text  # 2-3 officers hidden
    tender = client.get(f"/api/v1/tenders/{tender_id}").json()
    for bid in tender["bids"]:
        assert bid["bidder"].replace("'", "&#39;") in text
    (contract,) = tender["contracts"]
    project = client.get(f"/projects/{contract['project_id']}?lang={lang}")
    assert project.status_code == 200  # a co-commissioned project has its page too
    assert f'href="/tenders/{tender_id}"' in project.text
    assert client.get(f"/tenders/{PID}").status_code == 404
