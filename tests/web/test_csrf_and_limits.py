"""Form posts need the token of the form coprod served (403 page otherwise), and guessing at
codes is limited (429 page with Retry-After), in the visitor's language."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.testclient import TestClient

from api.http.app import create_app
from api.web.csrf import CSRF_COOKIE, CSRF_FIELD, CSRF_HEADER, CsrfChecked
from api.web.ratelimit import RateLimiter, TooManyAttempts, client_key
from api.web.render import respond
from coprod.adapters.config import parse_database_url

_LIMIT = RateLimiter(attempts=2, window_s=3600)


def _probe_routes() -> APIRouter:
    """A form and its post, as a real page and route would have them."""
    router = APIRouter()

    @router.get("/_probe/form")
    def form(request: Request) -> HTMLResponse:
        from api.web.csrf import csrf_token

        return respond(
            request,
            f'<form method="post"><input name="{CSRF_FIELD}" value="{csrf_token(request)}"></form>',
        )

    @router.post("/_probe/form")
    def post(request: Request, _: CsrfChecked) -> HTMLResponse:
        return HTMLResponse("saved")

    @router.post("/_probe/guess")
    def guess(request: Request) -> HTMLResponse:
        _LIMIT.hit(client_key(request))
        return HTMLResponse("checked")

    return router


@pytest.fixture
def site(tmp_path: Path) -> Iterator[TestClient]:
    app: FastAPI = create_app(parse_database_url(f"sqlite:///{tmp_path / 'c.sqlite'}"))
    app.include_router(_probe_routes())
    with TestClient(app) as client:
        yield client


def _token(client: TestClient) -> str:
    page = client.get("/_probe/form")
    found = re.search(r'value="([0-9a-f]{64})"', page.text)
    assert found is not None
    return found.group(1)


def test_a_form_post_with_its_token_passes_and_the_cookie_is_httponly(site: TestClient) -> None:
    page = site.get("/_probe/form")
    cookie = page.headers["set-cookie"]
    assert CSRF_COOKIE in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    token = re.search(r'value="([0-9a-f]{64})"', page.text).group(1)  # type: ignore[union-attr]
    assert site.post("/_probe/form", data={CSRF_FIELD: token}).text == "saved"
    # a script's fetch sends it as a header instead
    assert site.post("/_probe/form", headers={CSRF_HEADER: token}, json={}).text == "saved"


@pytest.mark.parametrize(("lang", "words"), [("en", "The form has expired"), ("da", "udløbet")])
def test_a_post_without_or_with_a_wrong_token_is_a_403_page(
    site: TestClient, lang: str, words: str
) -> None:
    token = _token(site)
    headers = {"Accept-Language": lang, "Accept": "text/html"}
    for data in ({}, {CSRF_FIELD: "0" * 64}, {CSRF_FIELD: token[:-1] + "x"}):
        refused = site.post("/_probe/form", data=data, headers=headers)
        assert refused.status_code == 403
        assert words in refused.text


def test_a_token_from_another_visitor_does_not_pass(site: TestClient, tmp_path: Path) -> None:
    token = _token(site)
    site.cookies.clear()
    _token(site)  # a new visitor: a new cookie
    assert site.post("/_probe/form", data={CSRF_FIELD: token}).status_code == 403


def test_guessing_is_limited_with_a_429_page_and_retry_after(site: TestClient) -> None:
    headers = {"Accept-Language": "da"}
    assert site.post("/_probe/guess", headers=headers).status_code == 200
    assert site.post("/_probe/guess", headers=headers).status_code == 200
    refused = site.post("/_probe/guess", headers=headers)
    assert refused.status_code == 429
    assert "For mange forsøg" in refused.text
    assert 3500 < int(refused.headers["Retry-After"]) <= 3600


def test_the_limiter_forgets_attempts_once_the_window_has_passed() -> None:
    now = [0.0]
    limiter = RateLimiter(attempts=3, window_s=10, clock=lambda: now[0])
    for _ in range(3):
        limiter.hit("a")
    with pytest.raises(TooManyAttempts) as refused:
        limiter.hit("a")
    assert refused.value.retry_after_s == 10
    limiter.hit("b")  # another client is counted on its own
    now[0] = 10.5
    limiter.hit("a")
