"""Officers invite people on /console/invitations (the one policy decides whom), and with
``coprod invite``; the link is shown with its QR code and, when a mail server is configured,
sent by SMTP (to a real server on a local socket here), and the address is never stored."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.cli.main import cli
from api.invitations import INVITATIONS_TABLE, InvitationStore
from api.web.csrf import CSRF_FIELD
from coprod.application import SYSTEM_ACTOR, Coprod
from coprod.application.commands.people import RegisterOrganisation, RegisterPerson
from coprod.domain.organisation import OrganisationKind
from coprod.domain.values import Actor, Role
from tests.web.signin import csrf_of, sign_in
from tests.web.smtp_server import smtp_server
from tests.web.test_sessions import Site, _site

ADDRESS = "bo.hansen@example.dk"
_LINK = re.compile(r'value="(http://testserver/invite/cpi_[^"]+)"')


@pytest.fixture
def site(sqlite_url: str) -> Iterator[Site]:
    yield from _site(sqlite_url)


@pytest.fixture
def officer(site: Site) -> TestClient:
    sign_in(site.client, Role.COUNCIL_OFFICER, site.council)
    return site.client


def _post(client: TestClient, **fields: str) -> tuple[int, str]:
    form = client.get("/console/invitations")
    assert form.status_code == 200, form.text
    data = {"role": "community_member", "group": "", "person": "", "days": "7", "email": ""}
    answer = client.post(
        "/console/invitations", data={**data, **fields, CSRF_FIELD: csrf_of(form.text)}
    )
    return answer.status_code, answer.text


def _count(site: Site) -> int:
    store: InvitationStore = site.app.state.invitations
    with store.cursor() as c:
        c.execute(f"SELECT COUNT(*) AS n FROM {store.table}")
        return int(c.fetchone()["n"])


def test_an_officer_invites_a_group_member_who_then_signs_in(
    site: Site, officer: TestClient
) -> None:
    status, page = _post(officer, group="park-friends", days="3")
    assert status == 200
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in page, "the QR code is inline"
    assert "<script" not in page
    link = _LINK.search(page)
    assert link is not None
    volunteer = TestClient(site.app)
    invitation = volunteer.get(link.group(1))
    assert "Park friends" in invitation.text
    answer = volunteer.post(
        link.group(1), data={CSRF_FIELD: csrf_of(invitation.text)}, follow_redirects=False
    )
    assert answer.status_code == 303
    assert "community group member, Park friends" in volunteer.get("/account?lang=en").text


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"group": "no-such-group"}, "group", "no community group with this address"),
        ({"group": "park-friends", "days": "0"}, "days", "between 1 and 90 days"),
        ({"group": "park-friends", "person": "not-a-uuid"}, "person", "no registered person"),
        ({"group": "park-friends", "person": str(uuid.uuid4())}, "person", "no registered person"),
        ({"group": "park-friends", "email": "not an address"}, "email", "not an e-mail address"),
        ({"group": "park-friends", "email": ADDRESS}, "email", "No mail server is configured"),
        ({"role": "public"}, "role", "Choose one of the roles"),
    ],
)
def test_bad_input_is_shown_next_to_its_field_and_nothing_is_made(
    site: Site, officer: TestClient, fields: dict[str, str], field: str, words: str
) -> None:
    before = _count(site)
    status, page = _post(officer, **fields)
    assert status == 400
    assert f'id="{field}-error"' in page
    assert words in page
    assert f'aria-describedby="{field}-error"' in page
    assert _count(site) == before


def test_a_group_of_another_council_is_refused_by_the_policy(
    site: Site, officer: TestClient
) -> None:
    coprod: Coprod = site.app.state.coprod
    odense = coprod.register_organisation(
        RegisterOrganisation(slug="odense", kind=OrganisationKind.COUNCIL, display_name="Odense"),
        SYSTEM_ACTOR,
    ).aggregate_id
    theirs = RegisterOrganisation(
        slug="harbour-club", kind=OrganisationKind.COMMUNITY_GROUP, display_name="Harbour club"
    )
    coprod.register_organisation(theirs, Actor(uuid.uuid4(), Role.COUNCIL_OFFICER, odense))
    status, page = _post(officer, group="harbour-club")
    assert status == 400
    assert "did not register this group" in page


def test_only_officers_reach_the_console(site: Site) -> None:
    assert site.client.get("/console/invitations").status_code == 401
    sign_in(site.client, Role.COMMUNITY_MEMBER, site.group)
    refused = site.client.get("/console/invitations?lang=da")
    assert refused.status_code == 403
    assert "kommunale medarbejdere" in refused.text


def test_with_a_mail_server_the_link_is_sent_and_the_address_kept_nowhere(
    site: Site, officer: TestClient, monkeypatch: pytest.MonkeyPatch, sqlite_url: str
) -> None:
    with smtp_server() as (port, received):
        monkeypatch.setenv("COPROD_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("COPROD_SMTP_PORT", str(port))
        monkeypatch.setenv("COPROD_SMTP_FROM", "coprod@nordby.dk")
        status, page = _post(officer, role="resident", email=ADDRESS)
    assert status == 200
    assert "sent by e-mail" in page
    link = _LINK.search(page)
    assert link is not None
    assert received.recipients == [ADDRESS]
    message = received.parsed()
    assert message["To"] == ADDRESS
    assert link.group(1) in message.get_content()
    path = Path(sqlite_url.removeprefix("sqlite:///"))
    database = b"".join(f.read_bytes() for f in path.parent.glob(path.name + "*"))  # and WAL
    assert ADDRESS.encode() not in database
    assert INVITATIONS_TABLE.encode() in database


def test_the_cli_prints_the_link_and_qr_and_sends_it(
    site: Site, sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COPROD_DATABASE_URL", sqlite_url)
    svg = tmp_path / "invite.svg"
    runner = CliRunner()
    with smtp_server() as (port, received):
        monkeypatch.setenv("COPROD_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("COPROD_SMTP_PORT", str(port))
        monkeypatch.setenv("COPROD_SMTP_FROM", "coprod@nordby.dk")
        monkeypatch.setenv("COPROD_BASE_URL", "https://coprod.nordby.dk")
        result = runner.invoke(
            cli,
            [
                "invite",
                "community_member",
                "--organisation",
                "park-friends",
                "--days",
                "2",
                "--qr",
                str(svg),
                "--email",
                ADDRESS,
            ],
        )
    assert result.exit_code == 0, result.output
    link = re.search(r"https://coprod\.nordby\.dk(/invite/cpi_\S+)", result.output)
    assert link is not None
    assert "▀" in result.output or "█" in result.output, "a QR code is drawn in the terminal"
    assert svg.read_text().startswith("<svg")
    assert link.group(0) in received.parsed().get_content()
    assert received.parsed().get_content().count(link.group(0)) == 2  # in Danish and English
    # the printed link works on the site
    assert site.client.get(link.group(1)).status_code == 200


def test_the_cli_refuses_a_role_the_organisation_cannot_have(
    site: Site, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COPROD_DATABASE_URL", sqlite_url)
    result = CliRunner().invoke(
        cli, ["invite", "council_officer", "--organisation", "park-friends"]
    )
    assert result.exit_code == 2
    assert "role" in result.output


def test_an_officer_invites_a_person_their_council_registered(
    site: Site, officer: TestClient
) -> None:
    coprod: Coprod = site.app.state.coprod
    by_officer = Actor(uuid.uuid4(), Role.COUNCIL_OFFICER, site.council)
    person = coprod.register_person(RegisterPerson(details={"name": "Bo Hansen"}), by_officer)
    hidden = coprod.register_person(RegisterPerson(details={"name": "Ukendt"}), SYSTEM_ACTOR)
    status, page = _post(officer, group="park-friends", person=str(hidden.aggregate_id))
    assert status == 400, "a person the officer cannot see is as good as unknown"
    assert "no registered person" in page
    status, page = _post(officer, group="park-friends", person=str(person.aggregate_id))
    assert status == 200
    link = _LINK.search(page)
    assert link is not None
    volunteer = TestClient(site.app)
    opened = volunteer.get(link.group(1))
    volunteer.post(link.group(1), data={CSRF_FIELD: csrf_of(opened.text)})
    session = site.sessions.find(volunteer.cookies["coprod_session"])
    assert session is not None
    assert session.principal.actor == Actor(person.aggregate_id, Role.COMMUNITY_MEMBER, site.group)
