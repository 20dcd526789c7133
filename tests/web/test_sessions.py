"""Signing in with an invitation, and out again: single use, expiry, the cookie's flags, a new
session id at every sign-in, sign-out here and everywhere, CSRF, and the guessing limit; on
SQLite and on PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.http.app import create_app
from api.invitations import InvitationState, InvitationStore
from api.sessions import SessionStore
from api.web.csrf import CSRF_COOKIE, CSRF_FIELD
from api.web.ratelimit import RateLimiter
from api.web.session import SESSION_COOKIE
from coprod.adapters.config import parse_database_url
from coprod.application import SYSTEM_ACTOR, Coprod
from coprod.application.commands.people import RegisterOrganisation, RegisterPerson
from coprod.domain.errors import InvalidInput, NotFound
from coprod.domain.organisation import OrganisationKind
from coprod.domain.values import Actor, Role
from tests.web.signin import csrf_of, invite, sign_in


@dataclass
class Site:
    app: FastAPI
    client: TestClient
    council: uuid.UUID
    group: uuid.UUID

    @property
    def invitations(self) -> InvitationStore:
        store: InvitationStore = self.app.state.invitations
        return store

    @property
    def sessions(self) -> SessionStore:
        store: SessionStore = self.app.state.sessions
        return store


def _site(url: str, base_url: str = "http://testserver", *, worker: bool = False) -> Iterator[Site]:
    app = create_app(parse_database_url(url), worker=worker)
    with TestClient(app, base_url=base_url) as client:
        coprod: Coprod = app.state.coprod
        council = coprod.register_organisation(
            RegisterOrganisation(
                slug="nordby", kind=OrganisationKind.COUNCIL, display_name="Nordby Kommune"
            ),
            SYSTEM_ACTOR,
        ).aggregate_id
        group = coprod.register_organisation(
            RegisterOrganisation(
                slug="park-friends",
                kind=OrganisationKind.COMMUNITY_GROUP,
                display_name="Park friends",
            ),
            Actor(uuid.uuid4(), Role.COUNCIL_OFFICER, council),  # the council's group
        ).aggregate_id
        if worker:  # pages that read the read models see both organisations
            app.state.reads.wait_for(coprod.recorder.max_notification_id())
        yield Site(app, client, council, group)


@pytest.fixture
def site(sqlite_url: str) -> Iterator[Site]:
    yield from _site(sqlite_url)


@pytest.fixture
def any_site(store_url: str) -> Iterator[Site]:
    """The same site on SQLite, then on PostgreSQL."""
    yield from _site(store_url)


def _open(client: TestClient, path: str) -> tuple[int, str]:
    page = client.get(path)
    if page.status_code != 200:
        return page.status_code, page.text
    answer = client.post(path, data={CSRF_FIELD: csrf_of(page.text)}, follow_redirects=False)
    return answer.status_code, answer.text


def test_an_invitation_signs_in_once_and_the_account_page_says_who(any_site: Site) -> None:
    client = any_site.client
    assert client.get("/account").status_code == 401
    path = invite(any_site.app, Role.COUNCIL_OFFICER, any_site.council)
    page = client.get(path)
    assert page.status_code == 200
    assert "Nordby Kommune" in page.text
    assert "council officer" in page.text
    assert client.get(path).status_code == 200, "opening the page does not use the invitation"
    status, _ = _open(client, path)
    assert status == 303
    account = client.get("/account?lang=en")
    assert account.status_code == 200
    assert "Nordby Kommune" in account.text
    assert "Signed in as council officer, Nordby Kommune" in account.text
    # a second use, even by the same browser, is refused with a page saying what to do
    again = client.post(path, data={CSRF_FIELD: csrf_of(account.text)})
    assert again.status_code == 410
    assert "has been used" in again.text
    assert "Ask the officer" in again.text
    assert client.get(path).status_code == 410


def test_an_expired_invitation_is_a_410_page_in_danish(site: Site) -> None:
    path = invite(site.app, Role.RESIDENT, site.council)
    later = site.invitations.now() + timedelta(days=7, seconds=1)
    site.invitations.now = lambda: later
    page = site.client.get(path + "?lang=da")
    assert page.status_code == 410
    assert "udløbet" in page.text
    assert site.client.get("/invite/cpi_never-issued").status_code == 404


def test_the_session_cookie_is_httponly_lax_and_secure_over_https(sqlite_url: str) -> None:
    for site in _site(sqlite_url, base_url="https://testserver"):
        path = invite(site.app, Role.EVALUATOR, site.council)
        page = site.client.get(path)
        answer = site.client.post(
            path, data={CSRF_FIELD: csrf_of(page.text)}, follow_redirects=False
        )
        cookies = answer.headers.get_list("set-cookie")
        session = next(c for c in cookies if c.startswith(SESSION_COOKIE + "="))
        assert "HttpOnly" in session
        assert "SameSite=lax" in session
        assert "Secure" in session
        csrf = next(c for c in cookies if c.startswith(CSRF_COOKIE + "="))
        assert "Secure" in csrf, "the CSRF cookie is rotated at sign-in"


def test_each_sign_in_gives_a_new_session_id_and_ends_the_old_one(site: Site) -> None:
    client = site.client
    first = sign_in(client, Role.RESIDENT, site.council)
    first_cookie = client.cookies.get(SESSION_COOKIE)
    first_csrf = client.cookies.get(CSRF_COOKIE)
    second = sign_in(client, Role.RESIDENT, site.council)
    assert client.cookies.get(SESSION_COOKIE) != first_cookie
    assert client.cookies.get(CSRF_COOKIE) != first_csrf
    assert second.key_id != first.key_id
    assert first_cookie is not None
    assert site.sessions.find(first_cookie) is None


def test_a_planted_session_cookie_is_worthless(site: Site) -> None:
    site.client.cookies.set(SESSION_COOKIE, "cps_planted-by-someone-else")
    assert site.client.get("/account").status_code == 401


def _person(site: Site) -> uuid.UUID:
    """A registered person (a group member), whom invitations can name."""
    coprod: Coprod = site.app.state.coprod
    person = RegisterPerson(details={"name": "Bo Hansen"})
    return coprod.register_person(person, SYSTEM_ACTOR).aggregate_id


def test_sign_out_ends_this_session_only(site: Site) -> None:
    person = _person(site)
    phone, laptop = site.client, TestClient(site.app)
    sign_in(phone, Role.COMMUNITY_MEMBER, site.group, person)
    sign_in(laptop, Role.COMMUNITY_MEMBER, site.group, person)
    account = phone.get("/account")
    assert account.status_code == 200
    answer = phone.post("/account/sign-out", data={CSRF_FIELD: csrf_of(account.text)})
    assert answer.status_code == 200
    assert "signed out" in answer.text
    assert SESSION_COOKIE not in phone.cookies
    assert phone.get("/account").status_code == 401
    assert laptop.get("/account").status_code == 200


def test_sign_out_everywhere_ends_the_sessions_on_every_device(any_site: Site) -> None:
    site = any_site
    person = _person(site)
    phone, laptop, someone = site.client, TestClient(site.app), TestClient(site.app)
    principal = sign_in(phone, Role.COMMUNITY_MEMBER, site.group, person)
    assert principal.actor.id == person
    assert principal.actor.organisation_id == site.group
    sign_in(laptop, Role.COMMUNITY_MEMBER, site.group, person)
    sign_in(someone, Role.COMMUNITY_MEMBER, site.group)  # another person: stays signed in
    account = laptop.get("/account?lang=en")
    assert "Devices signed in" in account.text
    answer = laptop.post("/account/sign-out-everywhere", data={CSRF_FIELD: csrf_of(account.text)})
    assert answer.status_code == 200
    assert "every device" in answer.text
    assert phone.get("/account").status_code == 401
    assert laptop.get("/account").status_code == 401
    assert someone.get("/account").status_code == 200
    assert site.sessions.of_actor(person) == []


def test_signing_in_and_out_need_the_forms_csrf_token(site: Site) -> None:
    path = invite(site.app, Role.RESIDENT, site.council)
    site.client.get(path)
    assert site.client.post(path, data={}).status_code == 403
    assert site.client.post(path, data={CSRF_FIELD: "0" * 64}).status_code == 403
    status, _ = _open(site.client, path)
    assert status == 303, "a refused post did not use the invitation"
    assert site.client.post("/account/sign-out", data={}).status_code == 403
    assert site.client.post("/account/sign-out-everywhere", data={}).status_code == 403
    assert site.client.get("/account").status_code == 200


def test_too_many_invitation_attempts_get_a_429_page(site: Site) -> None:
    site.app.state.invitation_limit = RateLimiter(attempts=20, window_s=600)
    for n in range(20):
        assert site.client.get(f"/invite/cpi_guess{n}").status_code == 404
    refused = site.client.get("/invite/cpi_guess-again?lang=da")
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    path = invite(site.app, Role.RESIDENT, site.council)
    assert site.client.get(path).status_code == 429, "even a good link waits out the limit"


def test_only_links_never_issued_count_as_guesses(site: Site) -> None:
    site.app.state.invitation_limit = RateLimiter(attempts=3, window_s=600)
    for _ in range(5):  # an office signing in one volunteer after another is no guesser
        path = invite(site.app, Role.RESIDENT, site.council)
        assert _open(site.client, path)[0] == 303
        assert site.client.get(path).status_code == 410  # a spent link: not a guess either
    for n in range(3):
        assert site.client.get(f"/invite/cpi_guess{n}").status_code == 404
    assert site.client.get("/invite/cpi_guess-again").status_code == 429


def test_a_session_idle_for_thirty_days_is_over(site: Site) -> None:
    sign_in(site.client, Role.RESIDENT, site.council)
    assert site.client.get("/account").status_code == 200
    later = site.invitations.now() + timedelta(days=30)
    site.invitations.now = lambda: later
    page = site.client.get("/account?lang=en")
    assert page.status_code == 401
    assert "invitation link" in page.text


def test_a_used_invitation_cannot_be_redeemed_twice_even_at_once(any_site: Site) -> None:
    new = any_site.invitations.create(any_site.council, Role.RESIDENT)
    first = any_site.sessions.sign_in(new.token)
    second = any_site.sessions.sign_in(new.token)
    assert not isinstance(first, InvitationState)
    assert second is InvitationState.USED


def test_an_invitation_must_fit_the_organisation(site: Site) -> None:
    with pytest.raises(InvalidInput, match="role"):
        site.invitations.create(site.group, Role.COUNCIL_OFFICER)
    with pytest.raises(InvalidInput, match="role"):
        site.invitations.create(site.council, Role.COMMUNITY_MEMBER)
    with pytest.raises(InvalidInput, match="days"):
        site.invitations.create(site.council, Role.RESIDENT, days=0)
    with pytest.raises(NotFound):
        site.invitations.create(site.group, Role.COMMUNITY_MEMBER, uuid.uuid4())


def test_signed_in_and_invitation_pages_are_not_stored_by_caches(site: Site) -> None:
    path = invite(site.app, Role.RESIDENT, site.council)
    assert site.client.get(path).headers["Cache-Control"] == "no-store"
    sign_in(site.client, Role.RESIDENT, site.council)
    assert site.client.get("/account").headers["Cache-Control"] == "no-store"
    assert "Cache-Control" not in site.client.get("/invite/cpi_unknown").headers
