"""Forged form posts: every form carries a token that only coprod could have put there.

Why a *signed double-submit* token: the browser keeps a random value in an HttpOnly cookie
(:data:`CSRF_COOKIE`) and every form carries ``HMAC(key, value)`` in the hidden field
:data:`CSRF_FIELD` (or, for a script's ``fetch``, the :data:`CSRF_HEADER` header). Another
site can make the browser send the cookie but can neither read it nor compute the HMAC, so a
forged post lacks a matching token. It needs no server-side state, so it works for visitors
who are not signed in (a voter with a code), and across several server processes: the key is
one the store keeps (the personal-data store's subject :data:`KEY_SUBJECT`, wrapped under the
master key like every other).

Use: a page renders ``<input type="hidden" name="{{ csrf_field }}" value="{{ csrf_token() }}">``
(both are in every template's context, see :func:`api.web.render.render_html`); the route
that takes the post declares ``_: CsrfChecked``. A missing or wrong token is a 403 page in the
visitor's language (:class:`CsrfRefused`), and nothing is written.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Annotated

from fastapi import Depends, Request

__all__ = [
    "CSRF_COOKIE",
    "CSRF_FIELD",
    "CSRF_HEADER",
    "CsrfChecked",
    "CsrfRefused",
    "csrf_token",
    "new_cookie_value",
    "require_csrf",
]

CSRF_COOKIE = "coprod_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
KEY_SUBJECT = "web:csrf"
_STATE = "csrf_cookie_value"


class CsrfRefused(Exception):
    """A post without the token of the form coprod served: refused with a 403 page."""


def _key(request: Request) -> bytes:
    """The signing key, fetched from the store once per app (every process gets the same)."""
    state = request.app.state
    key: bytes | None = getattr(state, "csrf_key", None)
    if key is None:
        key = state.coprod.personal_data.key_for(KEY_SUBJECT)
        state.csrf_key = key
    return key


def _sign(key: bytes, value: str) -> str:
    return hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()


def new_cookie_value(request: Request) -> str:
    """A fresh random cookie value for this response (sign-in calls it to rotate the token)."""
    value = secrets.token_urlsafe(32)
    setattr(request.state, _STATE, value)
    return value


def cookie_to_set(request: Request) -> str | None:
    """The value :func:`api.web.render.respond` must set as the cookie, if this request made one."""
    value: str | None = getattr(request.state, _STATE, None)
    return value


def csrf_token(request: Request) -> str:
    """The token a form on this page carries (made with a new cookie if the visitor has none)."""
    value = cookie_to_set(request) or request.cookies.get(CSRF_COOKIE)
    if not value:
        value = new_cookie_value(request)
    return _sign(_key(request), value)


async def require_csrf(request: Request) -> None:
    """Refuse a post whose token does not match the visitor's cookie (see module docstring).

    The form is parsed here; Starlette keeps the parsed form on the request, so the route
    reads it again at no cost.
    """
    cookie = request.cookies.get(CSRF_COOKIE)
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            field = (await request.form()).get(CSRF_FIELD)
            sent = field if isinstance(field, str) else None
    if not cookie or not sent or not hmac.compare_digest(sent, _sign(_key(request), cookie)):
        raise CsrfRefused("the form's security token is missing or out of date")


#: Declare on every route that takes a form post: ``_: CsrfChecked``.
CsrfChecked = Annotated[None, Depends(require_csrf)]
