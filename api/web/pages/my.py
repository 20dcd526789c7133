"""``/my/commitments``: a community group's pledges on a phone, and logging work in a few taps.

Why this shape: a volunteer opens a commitment's QR code on site, types the hours on the
numeric keypad and taps "Log" — phase and level come from the commitment, the day defaults
to today, the head count to one, and no name is ever asked. The form carries a client id
made when the page is served, so a resend (a double tap, a retry after a dropped
connection, a log queued offline by ``/static/log.js`` and sent later) is recognised by the
use case and never counted twice. Logging calls the same use case as
``POST /api/v1/commitments/{id}/contributions``; the sums come from the commitments read
model (:func:`projections.queries.group_commitments`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool

from api.keys import Principal
from api.web.console.common import wait_then_redirect
from api.web.csrf import CsrfChecked
from api.web.deps import App, ReadModels
from api.web.i18n import N_
from api.web.labels import label
from api.web.pages.signin import LANDING
from api.web.qr import qr_svg
from api.web.render import render
from api.web.session import SignedIn
from coprod.application import Coprod
from coprod.application.commands.contributions import ConfirmMilestone, LogContribution
from coprod.domain.commitment import CoproductionLevel, CoproductionPhase
from coprod.domain.errors import AlreadyExists, InvalidInput, NotAllowed, NotFound, RuleViolation
from coprod.domain.values import Role
from projections.queries import (
    CommitmentRow,
    CommitmentTerms,
    commitment_logs,
    commitment_terms,
    group_commitments,
)

__all__ = ["router"]

router = APIRouter()
LANDING[Role.COMMUNITY_MEMBER] = "/my/commitments"

_SERVICE_WORKER = Path(__file__).resolve().parents[1] / "static" / "sw.js"
#: What the form says about a bad value, next to its field, in the volunteer's language.
ERRORS = {
    "hours": N_("Give the hours as a number above 0, e.g. 2.5 (at most 24 a person a day)."),
    "people_count": N_("Give how many people worked, as a whole number of at least 1."),
    "worked_on": N_("Give the day the work was done (not a day in the future)."),
    "closed": N_("This commitment is closed: no more work can be logged against it."),
    "evidence_url": N_("Give a link to the evidence, starting with https:// (a photo, a report)."),
    "met_on": N_(
        "Give the day the milestone was met: not in the future, nor before it was planned."
    ),
    "milestone": N_("This milestone cannot be confirmed now: it was met or cancelled already."),
}


@dataclass
class ConfirmForm:
    """The milestone confirmation a group member typed, and what was wrong with it."""

    code: str = ""
    evidence_url: str = ""
    met_on: str = field(default_factory=lambda: date.today().isoformat())
    errors: dict[str, str] = field(default_factory=dict)


@dataclass
class LogForm:
    """What the volunteer typed (kept on a refusal, so nothing has to be typed again)."""

    hours: str = ""
    people_count: str = "1"
    worked_on: str = field(default_factory=lambda: date.today().isoformat())
    client_id: str = field(default_factory=lambda: str(uuid4()))
    seconds_to_log: str = ""
    errors: dict[str, str] = field(default_factory=dict)


def _mine(request: Request, principal: Principal) -> HTMLResponse | None:
    """A page for group members only: anyone else gets a 403 page saying so."""
    if principal.role is Role.COMMUNITY_MEMBER:
        return None
    return render(request, "my_not_a_group.html", {}, status_code=403)


@router.get("/my/commitments", response_class=HTMLResponse)
def my_commitments(request: Request, principal: SignedIn, reads: ReadModels) -> HTMLResponse:
    """The group's commitments: pledged against logged, verified against waiting, each with
    a QR code that opens its log form."""
    refused = _mine(request, principal)
    if refused is not None:
        return refused
    with reads.connection() as conn:
        rows = group_commitments(conn, principal.organisation_id)
    base = str(request.base_url).rstrip("/")
    qrs = {r.commitment_id: Markup(qr_svg(f"{base}{_log_path(r)}", scale=3)) for r in rows}
    context = {"rows": rows, "qrs": qrs, "label": label, "log_path": _log_path}
    return render(request, "my_commitments.html", context)


def _log_path(row: CommitmentRow) -> str:
    return f"/my/commitments/{row.commitment_id}/log"


@dataclass
class Seen:
    """What the log page shows besides its form: the reads and the milestone form's state."""

    app: Coprod
    reads: ReadModels
    principal: Principal
    confirm: ConfirmForm = field(default_factory=lambda: ConfirmForm())


def _log_page(request: Request, seen: Seen, commitment_id: UUID, form: LogForm) -> HTMLResponse:
    with seen.reads.connection() as conn:
        found = group_commitments(conn, seen.principal.organisation_id, commitment_id)
        logs = commitment_logs(conn, commitment_id) if found else ()
    if not found:
        return render(request, "not_found.html", {}, status_code=404)
    project = seen.app.get_project(found[0].project_id)
    context: dict[str, Any] = {
        "c": found[0],
        "logs": logs,
        "form": form,
        "open_milestones": [m for m in project.milestones.values() if not m.is_closed],
        "confirm": seen.confirm,
        "label": label,
        "done": request.query_params.get("done") == "1",
        "today": date.today().isoformat(),
    }
    failed = form.errors or seen.confirm.errors
    return render(request, "my_log.html", context, status_code=400 if failed else 200)


@router.get("/my/commitments/{commitment_id}/log", response_class=HTMLResponse)
def log_form(
    commitment_id: UUID, request: Request, principal: SignedIn, app: App, reads: ReadModels
) -> HTMLResponse:
    """The log form (what the commitment's QR code opens), with the hours so far.

    After a log, ``?at=<position>`` (the log's place in the event log) makes the page wait
    until the read models include it, so the volunteer sees their log at once. The wait is
    here, not in the POST: the POST answers as soon as the log is stored. A position past
    the log's end waits for no more than what is stored (a made-up one costs nothing)."""
    refused = _mine(request, principal)
    if refused is not None:
        return refused
    at = request.query_params.get("at", "")
    if at.isdigit():
        reads.wait_for(min(int(at), app.recorder.max_notification_id() or 0))
    return _log_page(request, Seen(app, reads, principal), commitment_id, LogForm())


@router.post("/my/commitments/{commitment_id}/log", response_model=None)
async def log_work(
    commitment_id: UUID,
    request: Request,
    principal: SignedIn,
    app: App,
    reads: ReadModels,
    _: CsrfChecked,
) -> Response:
    """Log the work; a bad value is shown next to its field and nothing is written."""
    refused = _mine(request, principal)
    if refused is not None:
        return refused
    posted = await request.form()
    typed = {k: str(posted.get(k, "")).strip() for k in _FIELDS}
    form = LogForm(
        hours=typed["hours"],
        people_count=typed["people_count"],
        worked_on=typed["worked_on"],
        client_id=typed["client_id"],
        seconds_to_log=typed["seconds_to_log"],
    )
    outcome = await run_in_threadpool(_log, app, reads, principal, commitment_id, form)
    if outcome is None:
        return render(request, "not_found.html", {}, status_code=404)
    if isinstance(outcome, LogForm):
        seen = Seen(app, reads, principal)
        return await run_in_threadpool(_log_page, request, seen, commitment_id, outcome)
    # stored: answer at once; the page it leads to waits for the read models (?at=)
    path = f"/my/commitments/{commitment_id}/log?done=1&at={outcome}"
    return RedirectResponse(path, status_code=303)


def _log(
    app: App, reads: ReadModels, principal: Principal, commitment_id: UUID, form: LogForm
) -> int | LogForm | None:
    """The log recorded (see :func:`_record`); None if the commitment is not the group's.

    One trip to the worker thread for the lookup and the write: the POST a phone sends
    needs the commitment's terms only, not its sums (:func:`commitment_terms`).
    """
    with reads.connection() as conn:
        terms = commitment_terms(conn, principal.organisation_id, commitment_id)
    return None if terms is None else _record(app, principal, terms, form)


_FIELDS = ("hours", "people_count", "worked_on", "client_id", "seconds_to_log")


def _record(app: App, principal: Principal, row: CommitmentTerms, form: LogForm) -> int | LogForm:
    """The log position written (0 for a resend already recorded), or the form with errors."""
    command = _command(row, form)
    if form.errors or command is None:
        return form
    try:
        return app.log_contribution(command, principal.actor).position or 0
    except AlreadyExists:
        return 0  # this client id was logged before: a resend, already counted once
    except InvalidInput as e:
        form.errors[e.field if e.field in ERRORS else "hours"] = ERRORS.get(e.field, str(e))
    except (RuleViolation, NotAllowed, NotFound):
        form.errors["hours"] = ERRORS["closed"]
    return form


def _command(row: CommitmentTerms, form: LogForm) -> LogContribution | None:
    """The use case's command, or None with the form's errors set (nothing is sent)."""
    hours = _decimal(form.hours)
    if hours is None or hours <= 0:
        form.errors["hours"] = ERRORS["hours"]
    people = int(form.people_count) if form.people_count.isdigit() else 0
    if people < 1:
        form.errors["people_count"] = ERRORS["people_count"]
    try:
        worked_on = date.fromisoformat(form.worked_on)
    except ValueError:
        form.errors["worked_on"] = ERRORS["worked_on"]
    try:
        client_id = UUID(form.client_id)
    except ValueError:
        client_id = uuid4()
    if form.errors or hours is None:
        return None
    seconds = int(form.seconds_to_log) if form.seconds_to_log.isdigit() else None
    return LogContribution(
        commitment_id=row.commitment_id,
        hours=hours,
        people_count=people,
        phase=CoproductionPhase(row.phase),
        level=CoproductionLevel(row.level),
        worked_on=worked_on,
        seconds_to_log=seconds,
        client_id=client_id,
    )


def _decimal(text: str) -> Decimal | None:
    """Hours as typed on a Danish or English keypad: "2,5" and "2.5" are the same."""
    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


@router.post("/my/commitments/{commitment_id}/milestones", response_model=None)
async def confirm_milestone(
    commitment_id: UUID,
    request: Request,
    principal: SignedIn,
    app: App,
    reads: ReadModels,
    _: CsrfChecked,
) -> Response:
    """Confirm a milestone of the project met, with a link to the evidence (DOMAIN.md §2);
    the same use case as ``POST /api/v1/commitments/{id}/milestones/{code}/confirm``."""
    refused = _mine(request, principal)
    if refused is not None:
        return refused
    posted = await request.form()
    confirm = ConfirmForm(
        code=str(posted.get("code", "")),
        evidence_url=str(posted.get("evidence_url", "")).strip(),
        met_on=str(posted.get("met_on", "")).strip(),
    )
    position = await run_in_threadpool(_confirm, app, principal, commitment_id, confirm)
    if position is None:
        seen = Seen(app, reads, principal, confirm)
        return await run_in_threadpool(_log_page, request, seen, commitment_id, LogForm())
    return await wait_then_redirect(reads, position, f"/my/commitments/{commitment_id}/log?done=1")


def _confirm(
    app: Coprod, principal: Principal, commitment_id: UUID, form: ConfirmForm
) -> int | None:
    """The log position written, or None with the form's errors set (nothing written)."""
    try:
        met_on = date.fromisoformat(form.met_on)
    except ValueError:
        form.errors["met_on"] = ERRORS["met_on"]
        return None
    command = ConfirmMilestone(
        commitment_id=commitment_id, code=form.code, met_on=met_on, evidence_url=form.evidence_url
    )
    try:
        return app.confirm_milestone(command, principal.actor).position or 0
    except InvalidInput as e:
        form.errors[e.field if e.field in ("evidence_url", "met_on") else "milestone"] = ERRORS.get(
            e.field, ERRORS["milestone"]
        )
    except (RuleViolation, NotAllowed, NotFound):
        form.errors["milestone"] = ERRORS["milestone"]
    return None


@router.get("/sw.js", include_in_schema=False)
def service_worker() -> FileResponse:
    """The service worker that keeps the log page openable offline; served from the site's
    root so that it may look after ``/my/`` (a worker's scope is its own folder)."""
    return FileResponse(
        _SERVICE_WORKER,
        media_type="text/javascript",
        headers={"Cache-Control": "no-cache"},
    )
