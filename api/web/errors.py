"""Errors a visitor's browser gets as pages, in the visitor's language; the API keeps its
problem+json answers.

Why here: an unknown address or a malformed id typed into the address bar should give a page
with a way back, never a JSON document. A request counts as a page request when it is not
for the API, the OpenAPI document or an asset, and its Accept header asks for HTML; every
other request is answered by the API's own handlers, registered before these.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.web.csrf import CsrfRefused
from api.web.ratelimit import TooManyAttempts
from api.web.render import render
from api.web.session import NotSignedIn
from coprod.domain.errors import StoreUnavailable

__all__ = ["install_page_errors", "wants_page"]

Handler = Callable[[Request, Exception], Response | Awaitable[Response]]

#: Paths that are never pages, whatever the client accepts.
_NOT_PAGES = ("/api/", "/openapi.json", "/assets/", "/static/", "/docs", "/redoc")


def wants_page(request: Request) -> bool:
    """A browser asking for a page (not the API, the docs or an asset)."""
    path = request.url.path
    if path.startswith(_NOT_PAGES):
        return False
    return "text/html" in request.headers.get("accept", "")


def install_page_errors(app: FastAPI) -> None:
    """Answer 404s, unreadable addresses and a store (or PDF library) that is unavailable
    with pages; the rest as before."""
    for error, template, status in (
        (StarletteHTTPException, "not_found.html", None),
        (RequestValidationError, "bad_request.html", 400),
        (StoreUnavailable, "unavailable.html", 503),
    ):
        app.add_exception_handler(error, _page_or(app.exception_handlers[error], template, status))
    app.add_exception_handler(CsrfRefused, _refused_form)
    app.add_exception_handler(TooManyAttempts, _too_many)
    app.add_exception_handler(NotSignedIn, _not_signed_in)


async def _refused_form(request: Request, error: Exception) -> Response:
    """A post without its form's token: a 403 page, nothing written."""
    return render(request, "forbidden_form.html", {}, status_code=403)


async def _too_many(request: Request, error: Exception) -> Response:
    """Too many attempts at a code or an invitation: a 429 page saying when to try again."""
    wait = error.retry_after_s if isinstance(error, TooManyAttempts) else 60
    response = render(request, "too_many.html", {"wait_s": wait}, status_code=429)
    response.headers["Retry-After"] = str(wait)
    return response


async def _not_signed_in(request: Request, error: Exception) -> Response:
    """A page for signed-in people only: a 401 page saying how to sign in."""
    return render(request, "sign_in_needed.html", {}, status_code=401)


def _page_or(api_handler: Handler, template: str, status: int | None) -> Handler:
    async def handle(request: Request, error: Exception) -> Response:
        code = status or getattr(error, "status_code", 500)
        if wants_page(request) and code in (400, 404, 405, 503):
            status_code = 404 if code == 405 else code
            return render(request, template, {"detail": str(error)}, status_code=status_code)
        answer = api_handler(request, error)
        return answer if isinstance(answer, Response) else await answer

    return handle
