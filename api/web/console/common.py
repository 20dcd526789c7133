"""The console's shared steps: the one policy's "is this an officer?", the refusal pages, and
the redirect after an act once the read models have caught up (so the queues show it).
"""

from __future__ import annotations

from uuid import UUID

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from api.keys import Principal
from api.reads import ReadStore
from api.web.pages.problems import page_not_found
from api.web.render import render
from coprod.application import Coprod, policy
from coprod.domain.errors import NotAllowed, NotFound
from coprod.domain.process import Process

__all__ = [
    "council_process",
    "officer_refusal",
    "process_refusal",
    "refused_page",
    "wait_then_redirect",
]


def officer_refusal(principal: Principal) -> NotAllowed | None:
    """Why this person may not use the console (the policy's refusal), or None."""
    try:
        policy.council_officer_of(principal.actor, principal.organisation_id, "the console")
    except NotAllowed as e:
        return e
    return None


def refused_page(request: Request, *, other_council: bool = False) -> HTMLResponse:
    """403: not an officer, or (``other_council``) this is another council's case."""
    template = "console_not_yours.html" if other_council else "console_refused.html"
    return render(request, template, {}, status_code=403)


async def wait_then_redirect(reads: ReadStore, position: int | None, path: str) -> RedirectResponse:
    """303 to `path` once every read model has applied `position` (read-your-writes)."""
    await run_in_threadpool(reads.wait_for, position)
    return RedirectResponse(path, status_code=303)


def council_process(app: Coprod, principal: Principal, process_id: UUID) -> Process | str:
    """The process, or "missing" / "refused" (another council's: the policy says)."""
    try:
        process = app.get_process(process_id)
    except NotFound:
        return "missing"
    try:
        policy.council_officer_of(principal.actor, process.council_id, f"process {process_id}")
    except NotAllowed:
        return "refused"
    return process


def process_refusal(request: Request, found: Process | str) -> HTMLResponse:
    """The page for what :func:`council_process` returned instead of a process."""
    if found == "refused":
        return refused_page(request, other_council=True)
    return page_not_found(request)
