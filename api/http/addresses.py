"""Readable addresses: a process code, and a project code under it, wherever an id goes.

``/p/demo-2026/projects/pocket-park-nordbyen`` is the same page as
``/projects/<uuid>``; ``/api/v1/processes/demo-2026/cases`` the same answer as
``/api/v1/processes/<uuid>/cases``. Why a rewrite in front of the routes rather than a
second set of routes: every existing page and endpoint, and the one authorisation policy
behind them, then serve readable addresses unchanged. The codes are resolved by the
addresses read model (:func:`projections.queries.processes_by_code`, ``project_codes``).

A process code is unique within its council only: when two councils use the same one, the
answer is 409 listing the addresses that name each (``<council slug>~<code>``), never a
silent pick. An unknown code is a 404.
"""

from __future__ import annotations

import re
from typing import Any
from uuid import UUID

from anyio import to_thread
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from api.http.errors import Problem, problem_response
from api.reads import ReadStore
from api.web.render import render
from projections.queries import COUNCIL_SEPARATOR, processes_by_code, project_codes

__all__ = ["ReadableAddresses", "resolve"]

_ADDRESS = re.compile(
    r"^(?P<api>/api/v1)?(?:/p|/processes)/(?P<process>[^/]+)"
    r"(?:/projects/(?P<project>[^/]+))?(?P<rest>/.*)?$"
)


class Unresolved(Exception):
    """A code names no process or project (404), or several processes (409)."""

    def __init__(self, status: int, detail: str, choices: tuple[str, ...] = ()) -> None:
        super().__init__(detail)
        self.status = status
        self.choices = choices


def _is_id(text: str) -> bool:
    try:
        UUID(text)
    except ValueError:
        return False
    return True


def resolve(reads: ReadStore, path: str) -> str | None:
    """The id-based path `path` means, or None if it names no code (left as it is)."""
    found = _ADDRESS.match(path)
    if found is None:
        return None
    api, process, project = found["api"] or "", found["process"], found["project"]
    rest = found["rest"] or ""
    is_p = path.removeprefix(api).startswith("/p/")
    if not is_p and _is_id(process) and (project is None or _is_id(project)):
        return None
    with reads.connection() as conn:
        process_id = process if _is_id(process) else str(_process(conn, process))
        if project is None:
            return f"{api}/processes/{process_id}{rest}"
        if _is_id(project):
            return f"{api}/projects/{project}{rest}" if is_p else None
        codes = project_codes(conn, UUID(process_id))
    if project not in codes:
        raise Unresolved(404, f"no project with code {project!r} in process {process!r}")
    return f"{api}/projects/{codes[project]}{rest}"


def _process(conn: Any, code: str) -> UUID:
    matches = processes_by_code(conn, code)
    if not matches:
        raise Unresolved(404, f"no process with code {code!r}")
    if len(matches) > 1:
        choices = tuple(f"{m.council_slug}{COUNCIL_SEPARATOR}{m.code}" for m in matches)
        raise Unresolved(
            409,
            f"the code {code!r} names processes of {len(matches)} councils; "
            f"say which: {', '.join(choices)}",
            choices,
        )
    return matches[0].process_id


class ReadableAddresses:
    """ASGI middleware: rewrite a readable address to the id-based path before routing."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _ADDRESS.match(scope["path"]):
            await self.app(scope, receive, send)
            return
        reads: ReadStore = scope["app"].state.reads
        try:
            path = await to_thread.run_sync(resolve, reads, scope["path"])
        except Unresolved as e:
            await _refusal(scope, e)(scope, receive, send)
            return
        if path is not None:
            scope = {**scope, "path": path, "raw_path": path.encode("ascii")}
        await self.app(scope, receive, send)


def _refusal(scope: Scope, error: Unresolved) -> Response:
    """A page for a browser, problem+json for the API (as every other refusal)."""
    request = Request(scope)
    if not scope["path"].startswith("/api/"):
        template = "address_unknown.html"
        context = {"detail": str(error), "choices": error.choices, "code": scope["path"]}
        return render(request, template, context, status_code=error.status)
    slug = "not-found" if error.status == 404 else "ambiguous-code"
    title = "Not found" if error.status == 404 else "Ambiguous code"
    problem = Problem(error.status, slug, title, str(error))
    return problem_response(request, problem, choices=list(error.choices) or None)
