"""Officers list, make and revoke their council's API keys on /console/keys: the secret is
shown once, never listed, and a revoked key stops authenticating on the HTTP API; the one
policy (:func:`coprod.application.policy.may_manage_keys`, applied by the KeyStore) refuses
everyone but the council's own officers."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.keys import KeyStore
from api.web.csrf import CSRF_FIELD
from coprod.application import SYSTEM_ACTOR, Coprod
from coprod.application.commands.people import RegisterOrganisation
from coprod.domain.errors import NotAllowed, NotFound
from coprod.domain.organisation import OrganisationKind
from coprod.domain.values import Actor, Role
from tests.web.signin import csrf_of, sign_in
from tests.web.test_sessions import Site, _site

_SECRET = re.compile(r'id="key-secret"[^>]*value="(cpk_[^"]+)"')
QUARANTINE = "/api/v1/projections/quarantine"


@pytest.fixture
def site(sqlite_url: str) -> Iterator[Site]:
    yield from _site(sqlite_url)


@pytest.fixture
def officer(site: Site) -> TestClient:
    sign_in(site.client, Role.COUNCIL_OFFICER, site.council)
    return site.client


def _keys(site: Site) -> KeyStore:
    store: KeyStore = site.app.state.keys
    return store


def _post(client: TestClient, path: str, lang: str = "en", **fields: str) -> tuple[int, str]:
    form = client.get(f"/console/keys?lang={lang}")
    assert form.status_code == 200, form.text
    answer = client.post(f"{path}?lang={lang}", data={**fields, CSRF_FIELD: csrf_of(form.text)})
    return answer.status_code, answer.text


@pytest.mark.parametrize(
    ("lang", "words"), [("en", "shown only this once"), ("da", "kun denne ene")]
)
def test_an_officer_makes_a_key_sees_its_secret_once_and_revokes_it(
    site: Site, officer: TestClient, lang: str, words: str
) -> None:
    status, page = _post(officer, "/console/keys", lang, role="evaluator", label="Audit tool")
    assert status == 200
    assert words in page
    found = _SECRET.search(page)
    assert found is not None
    secret = found.group(1)
    api = TestClient(site.app)
    assert api.get(QUARANTINE, headers={"Authorization": f"Bearer {secret}"}).status_code == 403
    listed = officer.get(f"/console/keys?lang={lang}").text
    assert "Audit tool" in listed
    assert secret not in listed, "the secret is shown once, on the creation answer only"
    [key] = _keys(site).list(organisation_id=site.council)
    assert key.role is Role.EVALUATOR
    status, page = _post(officer, "/console/keys/revoke", lang, key=str(key.key_id))
    assert status == 200
    assert _keys(site).get(key.key_id).revoked_at is not None
    assert api.get(QUARANTINE, headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def test_a_revoked_officer_key_no_longer_authenticates(site: Site, officer: TestClient) -> None:
    status, page = _post(officer, "/console/keys", role="council_officer", label="Sync")
    found = _SECRET.search(page)
    assert status == 200
    assert found is not None
    headers = {"Authorization": f"Bearer {found.group(1)}"}
    api = TestClient(site.app)
    assert api.get(QUARANTINE, headers=headers).status_code == 200
    [key] = _keys(site).list(organisation_id=site.council)
    _post(officer, "/console/keys/revoke", key=str(key.key_id))
    assert api.get(QUARANTINE, headers=headers).status_code == 401


@pytest.mark.parametrize(
    ("fields", "field", "en", "da"),
    [
        ({"role": "resident", "label": "x"}, "role", "Choose one of the roles", "Vælg en af"),
        (
            {"role": "community_member", "label": "x"},
            "role",
            "Choose one of the roles",
            "Vælg en af",
        ),
        ({"role": "evaluator", "label": ""}, "label", "at most 100 characters", "højst 100 tegn"),
        ({"role": "evaluator", "label": "x" * 101}, "label", "at most 100", "højst 100 tegn"),
    ],
)
def test_bad_input_is_shown_next_to_its_field_and_no_key_is_made(
    site: Site, officer: TestClient, fields: dict[str, str], field: str, en: str, da: str
) -> None:
    for lang, words in (("en", en), ("da", da)):
        status, page = _post(officer, "/console/keys", lang, **fields)
        assert status == 400
        assert f'id="{field}-error"' in page
        assert f'aria-describedby="{field}-error"' in page
        assert words in page
    assert _keys(site).list(include_revoked=True) == []


def test_revoking_an_unknown_or_another_councils_key_is_refused(
    site: Site, officer: TestClient
) -> None:
    coprod: Coprod = site.app.state.coprod
    odense = coprod.register_organisation(
        RegisterOrganisation(slug="odense", kind=OrganisationKind.COUNCIL, display_name="Odense"),
        SYSTEM_ACTOR,
    ).aggregate_id
    theirs = _keys(site).create(odense, Role.COUNCIL_OFFICER, label="Odense sync")
    for key in (str(theirs.key.key_id), str(uuid.uuid4()), "not-an-id"):
        status, page = _post(officer, "/console/keys/revoke", key=key)
        assert status == 400
        assert "no key of your council" in page
    assert _keys(site).get(theirs.key.key_id).revoked_at is None
    assert "Odense sync" not in officer.get("/console/keys").text
    officer_of_nordby = Actor(uuid.uuid4(), Role.COUNCIL_OFFICER, site.council)
    with pytest.raises(NotFound):
        _keys(site).revoke(theirs.key.key_id, by=officer_of_nordby)
    with pytest.raises(NotAllowed):
        _keys(site).create(odense, Role.EVALUATOR, by=officer_of_nordby)


def test_only_a_councils_officers_reach_the_page(site: Site) -> None:
    assert site.client.get("/console/keys").status_code == 401
    sign_in(site.client, Role.COMMUNITY_MEMBER, site.group)
    refused = site.client.get("/console/keys?lang=da")
    assert refused.status_code == 403
    assert "kommunale medarbejdere" in refused.text
    token = csrf_of(site.client.get("/account").text)  # the sign-out form: the same cookie
    data = {"role": "evaluator", "label": "x", CSRF_FIELD: token}
    assert site.client.post("/console/keys", data=data).status_code == 403
    answer = site.client.post("/console/keys/revoke", data={"key": "x", CSRF_FIELD: token})
    assert answer.status_code == 403
    assert _keys(site).list(include_revoked=True) == []


def test_a_form_without_its_csrf_token_is_refused(site: Site, officer: TestClient) -> None:
    answer = officer.post("/console/keys", data={"role": "evaluator", "label": "x"})
    assert answer.status_code == 403
    assert _keys(site).list(include_revoked=True) == []
