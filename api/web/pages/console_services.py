"""``/console/processes/{id}/services/new``: an officer starts a co-commissioned service.

One form records the need as defined with residents and publishes its tender; the domain
checks both before either is recorded (see :mod:`api.web.console.service_form`), then the
two use cases of the HTTP routes record them, under the same policy. The officer lands on
the tender's console page, where the panel is formed and, after the deadline, the bids are
opened, scored and awarded.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from api.keys import Principal
from api.web.console.common import (
    council_process,
    officer_refusal,
    process_refusal,
    refused_page,
    wait_then_redirect,
)
from api.web.console.service_form import GROUP_FIELDS, MESSAGES, ServiceForm
from api.web.csrf import CsrfChecked
from api.web.deps import App, ReadModels
from api.web.labels import label
from api.web.render import render
from api.web.session import SignedIn
from coprod.application import Coprod
from coprod.application.commands import commissioning as cmd
from coprod.domain.errors import AlreadyExists, CoprodError
from coprod.domain.process import Process

__all__ = ["router"]

router = APIRouter()


def _page(request: Request, process: Process, form: ServiceForm) -> HTMLResponse:
    context = {
        "process": process,
        "form": form,
        "groups": [(name, "group_" + group.value) for name, group in GROUP_FIELDS],
        "label": label,
    }
    status = 400 if form.errors else 200
    return render(request, "console_service.html", context, status_code=status)


@router.get("/console/processes/{process_id}/services/new", response_class=HTMLResponse)
def service_form(process_id: UUID, request: Request, principal: SignedIn, app: App) -> HTMLResponse:
    """The empty form, the need dated today, scores out of 10."""
    if officer_refusal(principal) is not None:
        return refused_page(request)
    found = council_process(app, principal, process_id)
    if not isinstance(found, Process):
        return process_refusal(request, found)
    form = ServiceForm({"defined_on": date.today().isoformat(), "scale": "10"})
    return _page(request, found, form)


@router.post("/console/processes/{process_id}/services", response_model=None)
async def start_service(
    process_id: UUID,
    request: Request,
    principal: SignedIn,
    app: App,
    reads: ReadModels,
    _: CsrfChecked,
) -> Response:
    """Record the need and publish its tender, or show each refusal next to its field."""
    if officer_refusal(principal) is not None:
        return refused_page(request)
    found = council_process(app, principal, process_id)
    if not isinstance(found, Process):
        return process_refusal(request, found)
    form = ServiceForm.of(await request.form())
    done = await run_in_threadpool(_start, app, principal, found, form)
    if done is None:
        return _page(request, found, form)
    position, tender = done
    return await wait_then_redirect(reads, position, f"/console/tenders/{tender}")


def _start(
    app: Coprod, principal: Principal, process: Process, form: ServiceForm
) -> tuple[int, UUID] | None:
    """(log position, tender id), or None with the form's errors filled in."""
    actor = principal.actor
    parsed = form.parsed(actor, (process.id, process.council_id), app.now(), process.currency)
    if parsed is None:
        return None
    need, terms = parsed
    try:
        made = app.define_service_need(
            cmd.DefineServiceNeed(process_id=process.id, need=need), actor
        )
        tender = app.publish_tender(
            cmd.PublishTender(need_id=made.aggregate_id, terms=terms), actor
        )
    except AlreadyExists:
        form.errors["need_code"] = MESSAGES["exists"]
        return None
    except CoprodError:  # checked above; a race with another officer's edit, say
        form.errors["need_title"] = MESSAGES["text"]
        return None
    return tender.position or 0, tender.aggregate_id
