"""Object-level rules: own council, own organisation's ideas, other groups' private objects 404."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.cli.main import cli
from coprod.application import Coprod
from tests.api.conftest import World, post


def test_officer_of_another_council_cannot_run_this_process(
    client: TestClient, world: World, process_id: UUID
) -> None:
    answer = post(
        client, f"/processes/{process_id}/phase", world["other_officer"], {"to_phase": "review"}
    )
    assert answer.status_code == 403
    assert "run by another council" in answer.json()["detail"]
    assert client.get(f"/api/v1/processes/{process_id}").json()["phase"] == "ideas"


def test_open_process_is_for_the_officers_own_council(
    client: TestClient, world: World, process_id: UUID
) -> None:
    view = client.get(f"/api/v1/processes/{process_id}", headers=world["evaluator"])
    assert view.status_code == 200
    assert view.json()["council_id"] == str(world.council)
    assert view.headers["ETag"] == f'"{view.json()["version"]}"'


def test_only_the_submitting_group_or_council_edits_an_idea(
    client: TestClient, world: World, process_id: UUID
) -> None:
    idea = post(
        client,
        f"/processes/{process_id}/ideas",
        world["member"],
        {"title": "Lights", "description": "Lamps on the path"},
    ).json()
    other = post(
        client, f"/proposals/{idea['id']}/amend", world["other_member"], {"title": "Mine now"}
    )
    assert other.status_code == 403
    assert "another organisation" in other.json()["detail"]
    own = post(client, f"/proposals/{idea['id']}/amend", world["member"], {"title": "Lamps"})
    assert own.status_code == 200
    assert own.json()["version"] == 2
    council = post(
        client,
        f"/proposals/{idea['id']}/amend",
        world["officer"],
        {"description": "Solar lamps on the path"},
    )
    assert council.status_code == 200
    assert client.get(f"/api/v1/proposals/{idea['id']}").json()["title"] == "Lamps"


@pytest.fixture
def commitment_id(client: TestClient, world: World, coprod: Coprod, process_id: UUID) -> str:
    """A commitment of the member's group to a project funded straight through the app."""
    project = _fund_project(client, world, process_id)
    made = post(
        client,
        f"/projects/{project}/commitments",
        world["member"],
        {"phase": "co_delivery", "level": "group", "pledged_hours": "10"},
    )
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


def _fund_project(client: TestClient, world: World, process_id: UUID) -> str:
    o, pid = world["officer"], process_id
    money = {"amount": "1000", "currency": "DKK"}
    prop = post(client, f"/processes/{pid}/ideas", o, {"title": "T", "description": "D"}).json()[
        "id"
    ]
    steps = [
        (
            f"/proposals/{prop}/develop",
            {"cost_estimate": money, "area_code": "north", "category": "c"},
        ),
        (f"/processes/{pid}/phase", {"to_phase": "review"}),
        (f"/proposals/{prop}/assess", {"feasible": True, "reason": "ok", "assessed_cost": money}),
        (f"/proposals/{prop}/shortlist", None),
        (f"/processes/{pid}/phase", {"to_phase": "decision"}),
        (
            f"/proposals/{prop}/decision",
            {"outcome": "funded_in_full", "amount": money, "decided_on": date.today().isoformat()},
        ),
    ]
    answer = None
    for path, body in steps:
        answer = post(client, path, o, body)
        assert answer.status_code in (200, 201), (path, answer.text)
    assert answer is not None
    funded = post(client, f"/decisions/{answer.json()['id']}/project", o)
    assert funded.status_code == 201, funded.text
    return str(funded.json()["id"])


def test_another_groups_commitment_is_404(
    client: TestClient, world: World, commitment_id: str
) -> None:
    path = f"/api/v1/commitments/{commitment_id}"
    assert client.get(path, headers=world["member"]).status_code == 200
    assert client.get(path, headers=world["evaluator"]).status_code == 200
    assert client.get(path, headers=world["officer"]).status_code == 200
    for who in ("other_member", "public", "other_officer"):
        hidden = client.get(path, headers=world[who])
        assert hidden.status_code == 404, who
        assert hidden.json()["detail"] == f"no commitment with id {commitment_id}"
    assert client.get(path).status_code == 401


def test_another_group_cannot_log_against_a_commitment(
    client: TestClient, world: World, commitment_id: str
) -> None:
    body = {
        "hours": "2",
        "people_count": 1,
        "phase": "co_delivery",
        "level": "group",
        "worked_on": date.today().isoformat(),
    }
    hidden = post(
        client, f"/commitments/{commitment_id}/contributions", world["other_member"], body
    )
    assert hidden.status_code == 404
    logged = post(client, f"/commitments/{commitment_id}/contributions", world["member"], body)
    assert logged.status_code == 201
    contribution = logged.json()["id"]
    assert (
        client.get(
            f"/api/v1/contributions/{contribution}", headers=world["other_member"]
        ).status_code
        == 404
    )
    verify = post(client, f"/contributions/{contribution}/verify", world["other_officer"])
    assert verify.status_code == 404


def test_a_member_commits_only_for_their_own_group(
    client: TestClient, world: World, commitment_id: str
) -> None:
    project = client.get(f"/api/v1/commitments/{commitment_id}", headers=world["member"]).json()[
        "project_id"
    ]
    answer = post(
        client,
        f"/projects/{project}/commitments",
        world["member"],
        {
            "organisation_id": str(world.other_group),
            "phase": "co_design",
            "level": "group",
            "pledged_hours": "1",
        },
    )
    assert answer.status_code == 403
    assert "own group" in answer.json()["detail"]


def test_people_details_are_for_officers_and_the_person(client: TestClient, world: World) -> None:
    made = post(client, "/people", world["officer"], {"details": {"name": "Anna"}})
    assert made.status_code == 201
    person = made.json()["id"]
    seen = client.get(f"/api/v1/people/{person}", headers=world["officer"])
    assert seen.json()["details"] == {"name": "Anna"}
    assert client.get(f"/api/v1/people/{person}", headers=world["evaluator"]).status_code == 404
    erased = post(client, f"/people/{person}/erase", world["officer"])
    assert erased.status_code == 200
    after = client.get(f"/api/v1/people/{person}", headers=world["officer"]).json()
    assert after["erased"] is True
    assert after["details"] == {"name": "[removed]"}


def test_members_are_listed_only_to_insiders(client: TestClient, world: World) -> None:
    person = post(client, "/people", world["member"], {"details": {"name": "Bo"}}).json()["id"]
    added = post(
        client,
        f"/organisations/{world.group}/members",
        world["member"],
        {"person_id": person, "role": "community_member"},
    )
    assert added.status_code == 200, added.text
    inside = client.get(f"/api/v1/organisations/{world.group}", headers=world["member"]).json()
    assert inside["members"] == [{"person_id": person, "role": "community_member"}]
    outside = client.get(f"/api/v1/organisations/{world.group}").json()
    assert outside["members"] is None
    assert outside["slug"] == "park-friends"
    other = post(
        client,
        f"/organisations/{world.group}/members",
        world["other_member"],
        {"person_id": person, "role": "community_member"},
    )
    assert other.status_code == 403


def test_another_councils_officer_can_neither_see_nor_erase_a_person(
    client: TestClient, world: World
) -> None:
    person = post(client, "/people", world["officer"], {"details": {"name": "Anna"}}).json()["id"]
    for answer in (
        client.get(f"/api/v1/people/{person}", headers=world["other_officer"]),
        post(client, f"/people/{person}/erase", world["other_officer"]),
    ):
        assert answer.status_code == 404, answer.text
        assert answer.json()["type"] == "urn:coprod:problem:not-found"
    # The same 404 as for a person who never existed: existence is not revealed.
    missing = client.get(f"/api/v1/people/{UUID(int=7)}", headers=world["other_officer"])
    assert missing.status_code == 404
    kept = client.get(f"/api/v1/people/{person}", headers=world["officer"]).json()
    assert kept == {"id": person, "version": 1, "erased": False, "details": {"name": "Anna"}}


def test_a_group_sees_the_people_it_registered_and_no_one_elses(
    client: TestClient, world: World
) -> None:
    person = post(client, "/people", world["member"], {"details": {"name": "Bo"}}).json()["id"]
    seen = client.get(f"/api/v1/people/{person}", headers=world["member"])
    assert seen.status_code == 200
    assert seen.json()["details"] == {"name": "Bo"}
    for caller in ("other_member", "officer", "other_officer", "evaluator"):
        answer = client.get(f"/api/v1/people/{person}", headers=world[caller])
        assert answer.status_code == 404, caller


def test_officers_manage_only_the_groups_their_council_registered(
    client: TestClient, world: World
) -> None:
    person = post(client, "/people", world["officer"], {"details": {"name": "Cy"}}).json()["id"]
    body = {"person_id": person, "role": "community_member"}
    refused = post(client, f"/organisations/{world.group}/members", world["other_officer"], body)
    assert refused.status_code == 403
    assert "park-friends" in refused.json()["detail"]
    added = post(client, f"/organisations/{world.group}/members", world["officer"], body)
    assert added.status_code == 200, added.text
    removed = client.delete(
        f"/api/v1/organisations/{world.group}/members/{person}", headers=world["other_officer"]
    )
    assert removed.status_code == 403


# -- issue 11, item 5: one policy, two councils ------------------------------------------------


def _in_kind_commitment(client: TestClient, world: World, project: str, who: str) -> Any:
    return post(
        client,
        f"/projects/{project}/commitments",
        world[who],
        {
            "organisation_id": str(world.group),
            "phase": "co_delivery",
            "level": "group",
            "in_kind": {
                "description": "Use of a van",
                "fair_value": {"amount": "1500", "currency": "DKK"},
            },
        },
    )


def test_another_councils_officer_cannot_pledge_a_group_on_this_councils_project(
    client: TestClient, world: World, coprod: Coprod, process_id: UUID
) -> None:
    project = _fund_project(client, world, process_id)
    before = coprod.recorder.max_notification_id()
    refused = _in_kind_commitment(client, world, project, "other_officer")
    assert refused.status_code == 403, refused.text
    assert "is run by another council" in refused.json()["detail"]
    assert coprod.recorder.max_notification_id() == before
    made = _in_kind_commitment(client, world, project, "officer")
    assert made.status_code == 201, made.text


def test_only_the_councils_officer_marks_a_commitment_met(
    client: TestClient, world: World, coprod: Coprod, commitment_id: str
) -> None:
    path = f"/commitments/{commitment_id}/met"
    before = coprod.recorder.max_notification_id()
    own_group = post(client, path, world["member"])
    assert own_group.status_code == 403
    assert "cannot certify its own pledge" in own_group.json()["detail"]
    assert post(client, path, world["other_officer"]).status_code == 404
    assert post(client, path, world["other_member"]).status_code == 404
    assert post(client, path, world["evaluator"]).status_code == 403
    assert coprod.recorder.max_notification_id() == before
    met = post(client, path, world["officer"])
    assert met.status_code == 200, met.text
    view = client.get(f"/api/v1/commitments/{commitment_id}", headers=world["member"]).json()
    assert view["status"] == "met"
    # Lapsing stays the group's own act (before it is met): only "met" certifies value.


def test_member_lists_are_for_the_group_and_the_council_it_works_with(
    client: TestClient, world: World
) -> None:
    person = post(client, "/people", world["member"], {"details": {"name": "Bo"}}).json()["id"]
    body = {"person_id": person, "role": "community_member"}
    assert post(client, f"/organisations/{world.group}/members", world["member"], body).is_success
    path = f"/api/v1/organisations/{world.group}"
    listed = [{"person_id": person, "role": "community_member"}]
    for caller in ("member", "officer"):
        assert client.get(path, headers=world[caller]).json()["members"] == listed, caller
    for caller in ("other_officer", "other_member", "other_evaluator", "public"):
        assert client.get(path, headers=world[caller]).json()["members"] is None, caller
    assert client.get(path).json()["members"] is None


def test_a_group_cannot_add_a_person_hidden_from_it(
    client: TestClient, world: World, coprod: Coprod
) -> None:
    """Adding is no existence oracle: a hidden person answers exactly as an unknown id."""
    hidden = post(client, "/people", world["officer"], {"details": {"name": "Cy"}}).json()["id"]
    path = f"/organisations/{world.group}/members"
    before = coprod.recorder.max_notification_id()
    answers = [
        post(client, path, world["member"], {"person_id": pid, "role": "community_member"})
        for pid in (hidden, str(UUID(int=99)))
    ]
    assert [a.status_code for a in answers] == [404, 404]
    assert [a.json()["type"] for a in answers] == ["urn:coprod:problem:not-found"] * 2
    assert answers[0].json()["detail"] == f"no person with id {hidden}"
    assert coprod.recorder.max_notification_id() == before
    # The council it works with may add its own person to the group.
    body = {"person_id": hidden, "role": "community_member"}
    assert post(client, path, world["officer"], body).status_code == 200


def test_evaluator_keys_read_only_their_own_councils_history(
    client: TestClient, world: World, coprod: Coprod, commitment_id: str
) -> None:
    own = client.get("/api/v1/exports/events.csv", headers=world["evaluator"])
    other = client.get("/api/v1/exports/events.csv", headers=world["other_evaluator"])
    assert own.status_code == other.status_code == 200
    own_rows = list(csv.DictReader(io.StringIO(own.text)))
    other_rows = list(csv.DictReader(io.StringIO(other.text)))
    own_ids = {r["originator_id"] for r in own_rows}
    assert commitment_id in own_ids
    assert str(world.group) in own_ids
    assert str(world.other_group) not in own_ids
    # Council B's key sees B and its group, nothing of A's process, project or commitment.
    other_ids = {r["originator_id"] for r in other_rows}
    assert other_ids == {str(world.other_council), str(world.other_group)}
    assert commitment_id not in other.text
    assert str(world.council) not in {r["actor_organisation_id"] for r in other_rows}
    # Together the two keys hold the whole log (a study across councils holds one per council).
    assert len(own_rows) + len(other_rows) == coprod.recorder.max_notification_id()
    path = f"/api/v1/commitments/{commitment_id}"
    assert client.get(path, headers=world["evaluator"]).status_code == 200
    assert client.get(path, headers=world["other_evaluator"]).status_code == 404


def test_erasure_by_the_registrar_its_council_or_on_the_server(
    client: TestClient,
    world: World,
    coprod: Coprod,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def by_group() -> str:
        made = post(client, "/people", world["member"], {"details": {"name": "Di"}})
        return str(made.json()["id"])

    first, second, third = by_group(), by_group(), by_group()
    for caller in ("other_officer", "other_member"):
        refused = post(client, f"/people/{first}/erase", world[caller])
        assert refused.status_code == 404, caller
    assert post(client, f"/people/{first}/erase", world["evaluator"]).status_code == 403
    assert post(client, f"/people/{first}/erase", world["member"]).status_code == 200
    assert post(client, f"/people/{second}/erase", world["officer"]).status_code == 200
    for pid in (first, second):
        assert coprod.person_details(UUID(pid)) == {"name": "[removed]"}

    monkeypatch.setenv("COPROD_DATABASE_URL", f"sqlite:///{tmp_path}/api.sqlite")
    runner = CliRunner()
    erased = runner.invoke(cli, ["people", "erase", third])
    assert erased.exit_code == 0, erased.output
    assert erased.output.count("\n") == 1
    assert erased.output.startswith(f"erased person {third} in ")
    assert coprod.person_details(UUID(third)) == {"name": "[removed]"}
    for argument, message in (
        (third, "already erased"),
        (str(UUID(int=5)), f"no person with id {UUID(int=5)}"),
        ("nobody", "'nobody' is not an id"),
    ):
        refused = runner.invoke(cli, ["people", "erase", argument])
        assert refused.exit_code == 2, refused.output
        assert message in refused.output
        assert refused.output.count("\n") == 1
        assert "Traceback" not in refused.output


def test_another_councils_evaluator_reads_only_what_the_public_reads(
    client: TestClient, world: World, coprod: Coprod, process_id: UUID
) -> None:
    """An evaluator key is scoped to its council: of council A's process, council B's key gets
    no live impact report (at no as-of) and no timeline with who acted, only public views."""
    project = _fund_project(client, world, process_id)
    view = client.get(f"/api/v1/projects/{project}").json()
    fresh = {"min_position": coprod.recorder.max_notification_id()}
    timelines = [
        f"/api/v1/projects/{project}/timeline",
        f"/api/v1/proposals/{view['proposal_id']}/timeline",
        f"/api/v1/decisions/{view['decision_id']}/timeline",
    ]
    for path in timelines:
        own = client.get(path, params=fresh, headers=world["evaluator"])
        other = client.get(path, params=fresh, headers=world["other_evaluator"])
        public = client.get(path, params=fresh)
        assert own.status_code == other.status_code == public.status_code == 200, path
        assert all("actor_id" in e for e in own.json()["entries"]), path
        assert not any("actor_id" in e for e in other.json()["entries"]), path
        assert other.json() == public.json(), path
    impact = f"/api/v1/processes/{process_id}/impact"
    for as_of in (None, datetime.now(UTC).isoformat()):
        params = fresh if as_of is None else {**fresh, "as_of": as_of}
        assert client.get(impact, params=params, headers=world["evaluator"]).status_code == 200
        other = client.get(impact, params=params, headers=world["other_evaluator"])
        assert other.status_code == 404, other.text
        assert "has no published release" in other.json()["detail"]
