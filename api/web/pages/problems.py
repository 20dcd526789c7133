"""Pages for what went wrong, in the visitor's language: never a stack trace."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse

from api.web.render import render

__all__ = ["page_not_found"]


def page_not_found(request: Request) -> HTMLResponse:
    """404: the thing the address names does not exist (or not publicly)."""
    return render(request, "not_found.html", {}, status_code=404)
