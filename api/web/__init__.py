"""The web room: public pages rendered on the server, in Danish and English.

Pages are Jinja2 templates over the same use cases and queries as the HTTP API; they work
with JavaScript off, and every asset (CSS, icons) is served from ``/static`` by coprod
itself: no CDN, no third-party request, no build step.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from api.web.errors import install_page_errors
from api.web.pages import router

__all__ = ["install_web"]

STATIC = Path(__file__).parent / "static"


def install_web(app: FastAPI) -> None:
    """Mount the pages and their static assets on the app (after the API's error handlers,
    which the pages' own error handlers fall back on)."""
    app.include_router(router)
    install_page_errors(app)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
