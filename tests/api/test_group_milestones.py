"""Groups confirm milestones (DOMAIN.md §2): over HTTP and on the phone's log page, through
one use case and one policy; a bad link is shown next to its field with nothing written; the
officer's console says which group confirmed."""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient

from api.web.csrf import CSRF_FIELD
from coprod.application import Coprod
from coprod.application.policy import may_confirm_milestone
from coprod.domain.errors import NotAllowed, NotVisible
from coprod.domain.values import Actor, Role
from tests.api.conftest import World, post
from tests.api.test_queries import funded_project, ok
from tests.web.signin import csrf_of, sign_in


def _delivering(client: TestClient, world: World, process_id: uuid.UUID) -> tuple[str, str]:
    """A funded project in delivery with a milestone 'build', and the group's commitment."""
    _idea, project, _position = funded_project(client, world, process_id)
    officer = world["officer"]
    ok(post(client, f"/processes/{process_id}/phase", officer, {"to_phase": "delivery"}))
    due = str(date.today() + timedelta(days=30))
    ok(
        post(
            client,
            f"/projects/{project}/milestones",
            officer,
            {"code": "build", "title": "Benches up", "due_on": due},
        )
    )
    pledge = {"phase": "co_delivery", "level": "group", "pledged_hours": "10"}
    commitment = ok(post(client, f"/projects/{project}/commitments", world["member"], pledge), 201)
    return project, commitment["id"]


def test_a_group_member_confirms_a_milestone_over_http_and_another_group_cannot(
    client: TestClient, world: World, process_id: uuid.UUID, coprod: Coprod
) -> None:
    project, commitment = _delivering(client, world, process_id)
    body = {"met_on": str(date.today()), "evidence_url": "https://example.org/benches.jpg"}
    path = f"/commitments/{commitment}/milestones/build/confirm"
    assert post(client, path, world["other_member"], body).status_code == 404
    assert post(client, path, world["evaluator"], body).status_code == 403
    ok(post(client, path, world["member"], body))
    milestone = coprod.get_project(uuid.UUID(project)).milestones["build"]
    assert milestone.status.value == "met"
    assert milestone.confirmed_by_group == world.group
    assert post(client, path, world["member"], body).status_code in (409, 422)  # met already


def test_on_the_phone_a_bad_link_is_refused_next_to_the_field_then_the_officer_sees_who(
    client: TestClient, world: World, process_id: uuid.UUID, coprod: Coprod
) -> None:
    project, commitment = _delivering(client, world, process_id)
    client.app.state.reads.wait_for(coprod.recorder.max_notification_id())  # type: ignore[attr-defined]
    phone = TestClient(client.app)
    sign_in(phone, Role.COMMUNITY_MEMBER, world.group)
    page = f"/my/commitments/{commitment}/log"
    shown = phone.get(page, headers={"Accept-Language": "da"})
    assert shown.status_code == 200
    assert "Bekræft en milepæl" in shown.text
    token = csrf_of(shown.text)
    form = {CSRF_FIELD: token, "code": "build", "met_on": str(date.today())}
    refused = phone.post(
        f"/my/commitments/{commitment}/milestones",
        data={**form, "evidence_url": "not a link"},
        headers={"Accept-Language": "da"},
    )
    assert refused.status_code == 400
    assert 'id="confirm-evidence_url-error"' in refused.text
    assert "Angiv et link til dokumentationen" in refused.text
    assert coprod.get_project(uuid.UUID(project)).milestones["build"].status.value == "scheduled"
    done = phone.post(
        f"/my/commitments/{commitment}/milestones",
        data={**form, "evidence_url": "https://example.org/benches.jpg"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    officer = TestClient(client.app)
    sign_in(officer, Role.COUNCIL_OFFICER, world.council)
    console = officer.get(f"/console/projects/{project}", headers={"Accept-Language": "en"})
    group_name = coprod.get_organisation(world.group).display_name
    assert re.search(
        rf"Confirmed met by {re.escape(group_name)}", console.text.replace("&#39;", "'")
    )


def test_the_policy_for_confirming_a_milestone() -> None:
    council, group, other = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    member = Actor(uuid.uuid4(), Role.COMMUNITY_MEMBER, group)
    commitment = uuid.uuid4()
    may_confirm_milestone(member, commitment, group, None, lapsed=False)
    with pytest.raises(NotAllowed):
        may_confirm_milestone(member, commitment, group, None, lapsed=True)
    with pytest.raises(NotVisible):
        may_confirm_milestone(
            Actor(uuid.uuid4(), Role.COMMUNITY_MEMBER, other), commitment, group, None, lapsed=False
        )
    officer = Actor(uuid.uuid4(), Role.COUNCIL_OFFICER, council)
    may_confirm_milestone(officer, commitment, group, council, lapsed=False)
    with pytest.raises(NotVisible):
        may_confirm_milestone(
            Actor(uuid.uuid4(), Role.COUNCIL_OFFICER, other),
            commitment,
            group,
            council,
            lapsed=False,
        )
    with pytest.raises(NotAllowed):
        may_confirm_milestone(
            Actor(uuid.uuid4(), Role.EVALUATOR, council), commitment, group, council, lapsed=False
        )
