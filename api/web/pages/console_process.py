"""``/console/processes/{id}``: advance a process's phase, and publish a release of its impact
report (the public impact page then shows it).

Both call the same use cases as HTTP and the CLI: :meth:`advance_phase` (the process refuses
going back, or into the vote without a budget and rules, or out of an open ballot) and
:func:`projections.releases.publish_next` (the one way to publish). Their refusals are shown
next to the field in the officer's language, with the rule's own words; nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from api.keys import Principal
from api.reads import ReadStore
from api.web.console.common import (
    council_process,
    officer_refusal,
    process_refusal,
    refused_page,
    wait_then_redirect,
)
from api.web.csrf import CsrfChecked
from api.web.deps import App, ReadModels
from api.web.i18n import N_
from api.web.labels import label
from api.web.render import render
from api.web.session import SignedIn
from coprod.application import Coprod
from coprod.application.commands.processes import AdvancePhase
from coprod.domain.errors import InvalidInput, NotAllowed, PhaseError, RuleViolation
from coprod.domain.phases import Phase
from coprod.domain.process import Process
from projections.commissioning import tenders_of
from projections.releases import publish_next

__all__ = ["router"]

router = APIRouter()

DONE = {
    "advanced": N_("The process moved to its new phase."),
    "published": N_("The release was published: the public impact page shows it now."),
}
#: The process's phase refusals, by a phrase of the domain's message, in the officer's words.
PHASE_ERRORS = (
    ("back or sideways", N_("A process only moves forward: choose a later phase.")),
    ("budget and the voting rules", N_("Set the budget and the voting rules before the vote.")),
    ("close the ballot", N_("Close the ballot before leaving the vote phase.")),
)
ERRORS = {
    "phase": N_("Choose one of the phases offered."),
    "phase_refused": N_("The process cannot move to this phase now."),
    "note": N_("The note is too long."),
    "release_refused": N_("The release could not be published now."),
}


@dataclass
class Forms:
    """What the officer typed on the page's two forms, and what was wrong."""

    to_phase: str = ""
    note: str = ""
    errors: dict[str, str] = field(default_factory=dict)
    detail: dict[str, str] = field(default_factory=dict)


def _page(request: Request, app: Coprod, process: Process, forms: Forms) -> HTMLResponse:
    later = [p.value for p in Phase if p.order > process.phase.order]
    with request.app.state.reads.connection() as conn:  # the pages' read store (api.reads)
        tenders = tenders_of(conn, process.id)
    context = {
        "process": process,
        "later": later,
        "forms": forms,
        "releases": app.releases(process.id),
        "tenders": tenders,
        "done": DONE.get(request.query_params.get("done", "")),
        "label": label,
    }
    return render(
        request, "console_process.html", context, status_code=400 if forms.errors else 200
    )


@router.get("/console/processes/{process_id}", response_class=HTMLResponse)
def process_console(
    process_id: UUID, request: Request, principal: SignedIn, app: App
) -> HTMLResponse:
    """The process's phase, the later phases to move to, and its releases."""
    if officer_refusal(principal) is not None:
        return refused_page(request)
    found = council_process(app, principal, process_id)
    if not isinstance(found, Process):
        return process_refusal(request, found)
    return _page(request, app, found, Forms())


@router.post("/console/processes/{process_id}/phase", response_model=None)
async def advance(
    process_id: UUID,
    request: Request,
    principal: SignedIn,
    app: App,
    reads: ReadModels,
    _: CsrfChecked,
) -> Response:
    """Move the process to the chosen later phase, or say why not next to the field."""
    if officer_refusal(principal) is not None:
        return refused_page(request)
    forms = Forms(to_phase=str((await request.form()).get("to_phase", "")))
    result = await run_in_threadpool(_advance, app, principal, process_id, forms)
    if isinstance(result, int):
        path = f"/console/processes/{process_id}?done=advanced"
        return await wait_then_redirect(reads, result, path)
    if isinstance(result, Process):
        return await run_in_threadpool(_page, request, app, result, forms)
    return process_refusal(request, result)


def _advance(app: Coprod, principal: Principal, process_id: UUID, forms: Forms) -> Any:
    found = council_process(app, principal, process_id)
    if not isinstance(found, Process):
        return found
    phase = next((p for p in Phase if p.value == forms.to_phase), None)
    if phase is None:
        forms.errors["to_phase"] = ERRORS["phase"]
        return found
    try:
        receipt = app.advance_phase(
            AdvancePhase(process_id=process_id, to_phase=phase), principal.actor
        )
    except NotAllowed:
        return "refused"
    except PhaseError as e:
        text = str(e)
        message = next((m for phrase, m in PHASE_ERRORS if phrase in text), None)
        forms.errors["to_phase"] = message or ERRORS["phase_refused"]
        forms.detail["to_phase"] = "" if message else text
        return app.get_process(process_id)
    return receipt.position or 0


@router.post("/console/processes/{process_id}/releases", response_model=None)
async def publish(
    process_id: UUID,
    request: Request,
    principal: SignedIn,
    app: App,
    reads: ReadModels,
    _: CsrfChecked,
) -> Response:
    """Publish the next release (what the read models counted up to now), with a note."""
    if officer_refusal(principal) is not None:
        return refused_page(request)
    forms = Forms(note=str((await request.form()).get("note", "")).strip())
    result = await run_in_threadpool(_publish, app, reads, principal, process_id, forms)
    if isinstance(result, int):
        return await wait_then_redirect(
            reads, result, f"/console/processes/{process_id}?done=published"
        )
    if isinstance(result, Process):
        return await run_in_threadpool(_page, request, app, result, forms)
    return process_refusal(request, result)


def _publish(
    app: Coprod, reads: ReadStore, principal: Principal, process_id: UUID, forms: Forms
) -> Any:
    found = council_process(app, principal, process_id)
    if not isinstance(found, Process):
        return found
    asked_at = app.recorder.max_notification_id()
    try:
        with reads.connection() as conn:
            publish_next(
                app,
                principal.actor,
                process_id,
                conn,
                note=forms.note or None,
                before=lambda: reads.wait_for(asked_at),
            )
    except NotAllowed:
        return "refused"
    except InvalidInput:
        forms.errors["note"] = ERRORS["note"]
        return found
    except RuleViolation as e:
        forms.errors["note"] = ERRORS["release_refused"]
        forms.detail["note"] = str(e)
        return found
    return app.recorder.max_notification_id() or 0
