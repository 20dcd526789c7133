"""/console/members: an officer sees the groups their council registered and their members,
adds a new person by name (the name goes to the personal-data store, never into an event)
or a registered person by id, and removes a member; the group's own member may do the same
for their group. Another council's officer, and other roles, are refused; bad values are
shown next to their field in the reader's language and nothing is written."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.web.csrf import CSRF_FIELD
from coprod.application import SYSTEM_ACTOR, Coprod
from coprod.application.commands.people import AddMember, RegisterOrganisation, RegisterPerson
from coprod.domain.organisation import Organisation, OrganisationKind
from coprod.domain.values import Actor, Role
from tests.web.signin import csrf_of, sign_in
from tests.web.test_sessions import Site, _site

NAME = "Bodil Kjærsgaard"


@pytest.fixture
def site(sqlite_url: str) -> Iterator[Site]:
    """The page lists groups from the organisations read model: the worker keeps it."""
    yield from _site(sqlite_url, worker=True)


@pytest.fixture
def officer(site: Site) -> TestClient:
    sign_in(site.client, Role.COUNCIL_OFFICER, site.council)
    return site.client


def _coprod(site: Site) -> Coprod:
    app: Coprod = site.app.state.coprod
    return app


def _members(site: Site) -> dict[uuid.UUID, Role]:
    return dict(_coprod(site).load(Organisation, site.group).members)


def _log_size(site: Site) -> int:
    return _coprod(site).recorder.max_notification_id() or 0


def _post(client: TestClient, path: str, lang: str = "en", **fields: str) -> tuple[int, str]:
    token = csrf_of(client.get("/account").text)  # the sign-out form's: the same cookie
    data = {"group": "park-friends", **fields, CSRF_FIELD: token}
    answer = client.post(f"{path}?lang={lang}", data=data)
    return answer.status_code, answer.text


@pytest.mark.parametrize(
    ("lang", "added"), [("en", "is now a member of"), ("da", "er nu medlem af")]
)
def test_an_officer_adds_a_new_person_by_name_and_removes_them(
    site: Site, officer: TestClient, lang: str, added: str
) -> None:
    page = officer.get(f"/console/members?lang={lang}").text
    assert "Park friends" in page
    status, page = _post(officer, "/console/members/add", lang, name=NAME, person="")
    assert status == 200, page
    assert f"{NAME} {added}" in page
    [(person_id, role)] = _members(site).items()
    assert role is Role.COMMUNITY_MEMBER
    assert NAME in page, "the officer's council registered the person, so sees the name"
    assert f"/console/invitations?group=park-friends&amp;person={person_id}" in page
    for event in _coprod(site).recorder.select_notifications(1, 1000):
        assert NAME.encode() not in event.state, "names never reach the log in clear"
    invite = officer.get(f"/console/invitations?group=park-friends&person={person_id}").text
    assert f'value="{person_id}"' in invite
    assert 'value="park-friends"' in invite
    status, page = _post(officer, "/console/members/remove", lang, person=str(person_id))
    assert status == 200
    assert _members(site) == {}


def test_an_existing_person_is_added_by_id(site: Site, officer: TestClient) -> None:
    officer_actor = Actor(uuid.uuid4(), Role.COUNCIL_OFFICER, site.council)
    person = _coprod(site).register_person(RegisterPerson(details={"name": "Ib"}), officer_actor)
    status, page = _post(officer, "/console/members/add", person=str(person.aggregate_id))
    assert status == 200, page
    assert _members(site) == {person.aggregate_id: Role.COMMUNITY_MEMBER}
    status, page = _post(officer, "/console/members/add", person=str(person.aggregate_id))
    assert status == 400
    assert "already a member" in page


@pytest.mark.parametrize(
    ("fields", "field", "en", "da"),
    [
        ({"name": "", "person": ""}, "name", "or the id of a person registered", "Angiv det nye"),
        ({"name": "Ib", "person": str(uuid.uuid4())}, "person", "not both", "ikke begge"),
        ({"name": "x" * 201, "person": ""}, "name", "at most 200", "højst 200"),
        (
            {"name": "", "person": "not-an-id"},
            "person",
            "no registered person",
            "ingen registreret",
        ),
        ({"name": "", "person": str(uuid.uuid4())}, "person", "no registered person", "ingen"),
    ],
)
def test_bad_input_is_shown_next_to_its_field_and_nothing_is_written(
    site: Site, officer: TestClient, fields: dict[str, str], field: str, en: str, da: str
) -> None:
    before = _log_size(site)
    for lang, words in (("en", en), ("da", da)):
        status, page = _post(officer, "/console/members/add", lang, **fields)
        assert status == 400
        assert f'id="{field}-park-friends-error"' in page
        assert f'aria-describedby="{field}-park-friends-error"' in page
        assert words in page
    assert _log_size(site) == before


def test_a_person_hidden_from_the_officer_cannot_be_added(site: Site, officer: TestClient) -> None:
    odense = _odense(site)
    hidden = _coprod(site).register_person(
        RegisterPerson(details={"name": "Hidden"}),
        Actor(uuid.uuid4(), Role.COUNCIL_OFFICER, odense),
    )
    status, page = _post(officer, "/console/members/add", person=str(hidden.aggregate_id))
    assert status == 400
    assert "no registered person" in page
    assert _members(site) == {}


def _odense(site: Site) -> uuid.UUID:
    command = RegisterOrganisation(
        slug="odense", kind=OrganisationKind.COUNCIL, display_name="Odense"
    )
    return _coprod(site).register_organisation(command, SYSTEM_ACTOR).aggregate_id


def test_another_councils_officer_cannot_see_or_manage_the_group(site: Site) -> None:
    odense = _odense(site)
    officer_actor = Actor(uuid.uuid4(), Role.COUNCIL_OFFICER, site.council)
    person = _coprod(site).register_person(RegisterPerson(details={"name": "Ib"}), officer_actor)
    add = AddMember(
        organisation_id=site.group, person_id=person.aggregate_id, role=Role.COMMUNITY_MEMBER
    )
    _coprod(site).add_member(add, officer_actor)
    sign_in(site.client, Role.COUNCIL_OFFICER, odense)
    page = site.client.get("/console/members?lang=en").text
    assert "Park friends" not in page
    before = _log_size(site)
    status, _ = _post(site.client, "/console/members/add", name="Intruder", person="")
    assert status == 403
    status, _ = _post(site.client, "/console/members/remove", person=str(person.aggregate_id))
    assert status == 403
    assert _log_size(site) == before
    assert list(_members(site)) == [person.aggregate_id]


def test_a_group_member_manages_their_own_group(site: Site) -> None:
    sign_in(site.client, Role.COMMUNITY_MEMBER, site.group)
    status, page = _post(site.client, "/console/members/add", "da", name="Ole", person="")
    assert status == 200, page
    assert "Ole er nu medlem af Park friends" in page
    assert "Invitér denne person" not in page, "only an officer invites"
    [person_id] = _members(site)
    status, _ = _post(site.client, "/console/members/remove", person=str(person_id))
    assert status == 200
    assert _members(site) == {}


def test_removing_someone_who_is_not_a_member_writes_nothing(
    site: Site, officer: TestClient
) -> None:
    before = _log_size(site)
    status, page = _post(officer, "/console/members/remove", "da", person=str(uuid.uuid4()))
    assert status == 400
    assert "ikke (længere) medlem" in page
    assert _log_size(site) == before


def test_other_roles_and_forms_without_a_token_are_refused(site: Site) -> None:
    assert site.client.get("/console/members").status_code == 401
    sign_in(site.client, Role.EVALUATOR, site.council)
    refused = site.client.get("/console/members?lang=da")
    assert refused.status_code == 403
    assert "kommunale medarbejdere" in refused.text
    sign_in(site.client, Role.COUNCIL_OFFICER, site.council)
    answer = site.client.post("/console/members/add", data={"group": "park-friends", "name": "X"})
    assert answer.status_code == 403
    assert _members(site) == {}
