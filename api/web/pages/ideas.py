"""``/processes/{id}/ideas/new``: a resident submits an idea while ideas are gathered.

Why a public form (no sign-in): a resident should be able to propose in the idea phase as
easily as they can read the process. The idea is submitted through the same use case as
``POST /api/v1/processes/{id}/ideas`` (``submit_idea``), as a resident with a fresh id, so the
public trail never links two ideas to one person. Contact details are optional; when given,
they are checked *before* anything is written and then kept only in the personal-data store
(``register_person``, never an event in clear), with the consent text shown beside them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID, uuid4

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from api.web.console.common import wait_then_redirect
from api.web.csrf import CsrfChecked
from api.web.deps import App, ReadModels
from api.web.i18n import N_
from api.web.labels import label
from api.web.pages.problems import page_not_found
from api.web.render import render
from coprod.application import Coprod
from coprod.application.commands.people import RegisterPerson
from coprod.application.commands.proposals import SubmitIdea
from coprod.domain.errors import InvalidInput, NotFound, PhaseError
from coprod.domain.inputs import check_person_details
from coprod.domain.phases import Phase
from coprod.domain.process import Process
from coprod.domain.values import Actor, Role

__all__ = ["router"]

router = APIRouter()

#: The phases in which ideas are taken (the use case's own rule refuses any other).
OPEN_PHASES = (Phase.IDEAS, Phase.DEVELOPMENT)
#: Contact fields the form offers: the personal-data store's own field names.
CONTACT = ("name", "email", "phone")
ERRORS = {
    "title": N_("Give your idea a title (at most 200 characters)."),
    "description": N_("Describe your idea in a few sentences."),
    "area_code": N_("Choose one of the process's areas."),
    "category": N_("The category is too long."),
    "contact": N_("The contact details are too long or not in a usable form."),
    "phase": N_("Ideas are not being collected in this process now."),
}


@dataclass
class IdeaForm:
    """What the resident typed (kept on a refusal, so nothing has to be typed again)."""

    title: str = ""
    description: str = ""
    area_code: str = ""
    category: str = ""
    contact: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def _page(request: Request, process: Process, form: IdeaForm) -> HTMLResponse:
    context = {
        "process": process,
        "form": form,
        "open": process.phase in OPEN_PHASES,
        "contact_fields": CONTACT,
        "label": label,
    }
    return render(request, "idea_new.html", context, status_code=400 if form.errors else 200)


@router.get("/processes/{process_id}/ideas/new", response_class=HTMLResponse)
def idea_form(process_id: UUID, request: Request, app: App) -> HTMLResponse:
    """The idea form in the idea phase; in any other phase, a page saying ideas are closed."""
    try:
        process = app.get_process(process_id)
    except NotFound:
        return page_not_found(request)
    return _page(request, process, IdeaForm())


@router.post("/processes/{process_id}/ideas/new", response_model=None)
async def submit_idea(
    process_id: UUID, request: Request, app: App, reads: ReadModels, _: CsrfChecked
) -> Response:
    """Submit the idea; a refusal is shown next to its field and nothing is written."""
    posted = await request.form()
    typed = {k: str(posted.get(k, "")).strip() for k in (*CONTACT, *_IDEA_FIELDS)}
    form = IdeaForm(
        title=typed["title"],
        description=typed["description"],
        area_code=typed["area_code"],
        category=typed["category"],
        contact={k: typed[k] for k in CONTACT if typed[k]},
    )
    try:
        process = await run_in_threadpool(app.get_process, process_id)
    except NotFound:
        return page_not_found(request)
    submitted = await run_in_threadpool(_submit, app, process_id, form)
    if submitted is None:
        return _page(request, process, form)
    proposal, position = submitted
    return await wait_then_redirect(reads, position, f"/proposals/{proposal}")


_IDEA_FIELDS = ("title", "description", "area_code", "category")


def _submit(app: Coprod, process_id: UUID, form: IdeaForm) -> tuple[UUID, int | None] | None:
    """The new idea's id and log position, or None with the form's errors set (nothing
    written)."""
    try:
        contact = check_person_details("contact", form.contact) if form.contact else None
    except InvalidInput:
        form.errors["contact"] = ERRORS["contact"]
        return None
    resident = Actor(uuid4(), Role.RESIDENT, None)
    command = SubmitIdea(
        process_id=process_id,
        title=form.title,
        description=form.description,
        area_code=form.area_code or None,
        category=form.category or None,
    )
    try:
        receipt = app.submit_idea(command, resident)
    except InvalidInput as e:
        form.errors[e.field if e.field in ERRORS else "title"] = ERRORS.get(e.field, str(e))
        return None
    except PhaseError:
        form.errors["phase"] = ERRORS["phase"]
        return None
    if contact is not None:
        details = {**contact, "note": f"contact for idea {receipt.aggregate_id}"}
        app.register_person(RegisterPerson(details=details), resident)
    return receipt.aggregate_id, receipt.position
