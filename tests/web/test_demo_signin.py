"""``coprod serve --demo`` prints sign-in links for the demo's officer and for a volunteer of
a group with commitments; each opens a session as that person, through the real pages."""

from __future__ import annotations

import re
from functools import partial
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.cli.serve import _seed
from api.http.app import create_app
from api.web.csrf import CSRF_FIELD
from coprod.adapters.config import parse_database_url
from coprod.application import Coprod
from coprod.domain.organisation import Organisation
from coprod.domain.values import Role
from tests.web.signin import csrf_of


def test_the_demo_prints_an_officers_and_a_volunteers_sign_in_link(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    on_start = partial(_seed, base_url="http://testserver")
    app = create_app(parse_database_url(f"sqlite:///{tmp_path}/demo.sqlite"), on_start=on_start)
    with TestClient(app) as client:
        out = capsys.readouterr().out
        officer = re.search(r"council officer: http://testserver(/invite/\S+)", out)
        volunteer = re.search(r"volunteer of (.+): http://testserver(/invite/\S+)", out)
        assert officer is not None, out
        assert volunteer is not None, out
        page = client.get(volunteer.group(2))
        client.post(volunteer.group(2), data={CSRF_FIELD: csrf_of(page.text)})
        account = client.get("/account?lang=en")
        assert f"community group member, {volunteer.group(1)}" in account.text.replace("&#39;", "'")
        coprod: Coprod = app.state.coprod
        session = app.state.sessions.find(client.cookies["coprod_session"])
        group = coprod.load(Organisation, session.organisation_id)
        assert group.members[session.actor_id] is Role.COMMUNITY_MEMBER

        officer_client = TestClient(app)
        page = officer_client.get(officer.group(1))
        officer_client.post(officer.group(1), data={CSRF_FIELD: csrf_of(page.text)})
        assert "council officer, Demo City Council" in officer_client.get("/account?lang=en").text
        assert officer_client.get("/console/invitations").status_code == 200
