"""Rendering a page: the template environment, the request's language and the safe headers.

Why the headers here: every page gets the same Content-Security-Policy — scripts, styles,
images and fonts only from coprod itself, no inline script, no framing — so a hostile title
that slipped past escaping still could not run or load anything. Jinja2 autoescapes every
value; templates never mark user text safe.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from api.web.charts import bar_chart, progress_bar
from api.web.csrf import CSRF_COOKIE, CSRF_FIELD, cookie_to_set, csrf_token
from api.web.events import event_heading
from api.web.i18n import LANG_COOKIE, LANGUAGES, Language, language, negotiate
from api.web.impact_texts import published
from api.web.links import Links
from api.web.trail_summaries import summary_line

__all__ = [
    "CSP",
    "SECURITY_HEADERS",
    "environment",
    "render",
    "render_html",
    "respond",
    "set_csrf_cookie",
]

TEMPLATES = Path(__file__).parent / "templates"

#: No inline script or style, nothing from another origin, no plug-ins, no framing.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def environment() -> Environment:
    """The template environment: autoescaped, with gettext installed per render."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(progress_bar=progress_bar, bar_chart=bar_chart, event_heading=event_heading)
    env.globals.update(summary_line=summary_line, published=published)
    return env


_ENV = environment()


def request_language(request: Request) -> Language:
    """The language this request is answered in (see :func:`api.web.i18n.negotiate`)."""
    code = negotiate(
        request.query_params.get("lang"),
        request.cookies.get(LANG_COOKIE),
        request.headers.get("accept-language"),
    )
    return language(code)


def render(
    request: Request, template: str, context: dict[str, Any], *, status_code: int = 200
) -> HTMLResponse:
    """The page `template` in the request's language, with the security headers."""
    return respond(request, render_html(request, template, context), status_code=status_code)


def render_html(request: Request, template: str, context: dict[str, Any]) -> str:
    """The page's HTML in the request's language (for a page that keeps what it rendered)."""
    lang = request_language(request)
    return _ENV.get_template(template).render(
        **context,
        lang=lang,
        _=lang.gettext,
        gettext=lang.gettext,
        ngettext=lang.ngettext,
        switch=_switch_links(request, lang),
        path=request.url.path,
        csrf_field=CSRF_FIELD,
        csrf_token=lambda: csrf_token(request),
        signed_in_as=getattr(request.state, "signed_in_as", None),
        link=Links(_reads_of(request)),
    )


def _reads_of(request: Request) -> Any:
    """The app's read models, if this request came through the app (links need them)."""
    try:
        return getattr(request.app.state, "reads", None)
    except (AttributeError, KeyError):
        return None


def respond(request: Request, html: str, *, status_code: int = 200) -> HTMLResponse:
    """An HTML answer with the security headers; a language chosen with ?lang= is remembered."""
    lang = request_language(request)
    response = HTMLResponse(html, status_code=status_code, headers=SECURITY_HEADERS)
    response.headers["Content-Language"] = lang.code
    if request.query_params.get("lang") in LANGUAGES:
        response.set_cookie(LANG_COOKIE, lang.code, max_age=365 * 86400, samesite="lax")
    set_csrf_cookie(request, response)
    if getattr(request.state, "signed_in_as", None) is not None:
        response.headers["Cache-Control"] = "no-store"  # a signed-in page is that person's only
    return response


def set_csrf_cookie(request: Request, response: Response) -> None:
    """Give the visitor the cookie a form's token was signed for, if this page made one
    (HttpOnly, SameSite=Lax, Secure when the page came over https)."""
    value = cookie_to_set(request)
    if value is not None:
        response.set_cookie(
            CSRF_COOKIE,
            value,
            httponly=True,
            samesite="lax",
            secure=request.url.scheme == "https",
            path="/",
        )


def _switch_links(request: Request, lang: Language) -> list[tuple[str, str, bool]]:
    """(language code, URL of this page in it, is current) for the language switch."""
    query = {k: v for k, v in request.query_params.items() if k != "lang"}
    links = []
    for code in LANGUAGES:
        url = request.url.path + "?" + urlencode({**query, "lang": code})
        links.append((code, url, code == lang.code))
    return links
