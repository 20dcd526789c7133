"""Sign a test's browser in the way a person does: an invitation, opened through the pages.

``sign_in(client, role, organisation_id)`` for a :class:`TestClient` on the real app;
``sign_in_page(page, base_url, app, role, organisation_id)`` for a Playwright page on a
served app. Both make the invitation through the app's own store (no shortcut into the
session table), open its page, press "Sign in", and return the principal the pages now act
as, whose ``.actor`` the use cases receive.
"""

from __future__ import annotations

import re
from typing import Any
from uuid import UUID

from fastapi.testclient import TestClient

from api.invitations import InvitationStore
from api.keys import Principal
from api.sessions import SessionStore
from api.web.csrf import CSRF_FIELD
from api.web.session import SESSION_COOKIE
from coprod.domain.values import Role

__all__ = ["csrf_of", "invite", "sign_in", "sign_in_page"]

_TOKEN = re.compile(rf'name="{CSRF_FIELD}" value="([^"]+)"')


def csrf_of(html: str) -> str:
    """The CSRF token of the first form on a page."""
    found = _TOKEN.search(html)
    assert found is not None, "the page has no form with a CSRF token"
    return found.group(1)


def invite(app: Any, role: Role, organisation_id: UUID, actor_id: UUID | None = None) -> str:
    """A fresh invitation's path (``/invite/<token>``), made with the app's store."""
    store: InvitationStore = app.state.invitations
    return store.create(organisation_id, role, actor_id).path


def _principal(app: Any, secret: str | None) -> Principal:
    assert secret, "signing in set no session cookie"
    sessions: SessionStore = app.state.sessions
    session = sessions.find(secret)
    assert session is not None, "the new session cookie names no live session"
    return session.principal


def sign_in(
    client: TestClient, role: Role, organisation_id: UUID, actor_id: UUID | None = None
) -> Principal:
    """Sign `client` in as `role` of `organisation_id` through the invitation pages.

    ``actor_id`` is a registered person's id (a group member's); without it the session
    acts as a fresh actor. Each call spends two of the client's invitation attempts.
    """
    path = invite(client.app, role, organisation_id, actor_id)
    page = client.get(path)
    assert page.status_code == 200, page.text
    answer = client.post(path, data={CSRF_FIELD: csrf_of(page.text)}, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    return _principal(client.app, client.cookies.get(SESSION_COOKIE))


def sign_in_page(
    page: Any,
    base_url: str,
    app: Any,
    role: Role,
    organisation_id: UUID,
    actor_id: UUID | None = None,
) -> Principal:
    """Sign a Playwright `page` in: open a fresh invitation and press its button."""
    page.goto(base_url + invite(app, role, organisation_id, actor_id))
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("Sign in|Log ind")).click()
    cookies = {c["name"]: c["value"] for c in page.context.cookies(base_url)}
    return _principal(app, cookies.get(SESSION_COOKIE))
