"""``/console/projects/{id}``: milestones and spend, one by one.

Each form calls the same use case as its HTTP route (schedule, start, meet or delay a
milestone; record spend); the project and the one policy decide. A value refused is shown
next to its field in the officer's language; a rule refused (a milestone already met, a
code taken) above the form, with the rule's own words; nothing is written either way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from api.keys import Principal
from api.web.console.common import officer_refusal, refused_page, wait_then_redirect
from api.web.csrf import CsrfChecked
from api.web.deps import App, ReadModels
from api.web.i18n import N_
from api.web.labels import label
from api.web.pages.problems import page_not_found
from api.web.render import render
from api.web.session import SignedIn
from coprod.application import Coprod, policy
from coprod.application.commands import projects as cmd
from coprod.domain.errors import AlreadyExists, InvalidInput, NotAllowed, NotFound, RuleViolation
from coprod.domain.organisation import Organisation
from coprod.domain.process import Process
from coprod.domain.project import Project
from coprod.domain.values import Money

__all__ = ["router"]

router = APIRouter()

#: The forms on the page, and the fields each one has.
FORMS = {
    "schedule": ("code", "title", "due_on"),
    "start": ("code", "started_on"),
    "meet": ("code", "met_on", "evidence_url"),
    "delay": ("code", "new_due_on", "reason"),
    "spend": ("amount", "spent_on", "purpose"),
}
FIELD_ERRORS = {
    "date": N_("Give a real date, not in the future."),
    "amount": N_("Give the amount as a positive number, like 1250.00."),
    "text": N_("Fill this in (not too long)."),
    "code": N_("Choose a milestone of this project, or a new short code."),
    "evidence_url": N_("Give the evidence as a web address starting with https://."),
}
RULE_ERROR = N_("The project refused this; nothing was recorded.")
DONE = N_("Recorded.")


@dataclass
class Form:
    """One submitted form: which, what was typed, and what was wrong."""

    kind: str = ""
    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    rule: str = ""


def _project(app: Coprod, principal: Principal, project_id: UUID) -> Project | str:
    try:
        project = app.get_project(project_id)
        council = app.load(Process, project.process_id).council_id
    except NotFound:
        return "missing"
    try:
        policy.council_officer_of(principal.actor, council, f"project {project_id}")
    except NotAllowed:
        return "refused"
    return project


def _page(request: Request, app: Coprod, project: Project, form: Form) -> HTMLResponse:
    milestones = list(project.milestones.values())
    groups = {m.confirmed_by_group for m in milestones if m.confirmed_by_group is not None}
    context = {
        "project": project,
        "milestones": milestones,
        "confirmed_by": {g: app.load(Organisation, g).display_name for g in groups},
        "form": form,
        "today": date.today().isoformat(),
        "done": DONE if request.query_params.get("done") else None,
        "label": label,
    }
    status = 400 if form.errors or form.rule else 200
    return render(request, "console_project.html", context, status_code=status)


def _refusal(request: Request, found: Any) -> HTMLResponse:
    if found == "refused":
        return refused_page(request, other_council=True)
    return page_not_found(request)


@router.get("/console/projects/{project_id}", response_class=HTMLResponse)
def project_console(
    project_id: UUID, request: Request, principal: SignedIn, app: App
) -> HTMLResponse:
    """The project's milestones with their forms, and the spend form."""
    if officer_refusal(principal) is not None:
        return refused_page(request)
    found = _project(app, principal, project_id)
    if not isinstance(found, Project):
        return _refusal(request, found)
    return _page(request, app, found, Form())


@router.post("/console/projects/{project_id}/{kind}", response_model=None)
async def act(
    project_id: UUID,
    request: Request,
    principal: SignedIn,
    app: App,
    reads: ReadModels,
    _: CsrfChecked,
) -> Response:
    """Run one form's use case; its refusals next to the fields, nothing written."""
    if officer_refusal(principal) is not None:
        return refused_page(request)
    kind = str(request.path_params["kind"])
    if kind not in FORMS:
        return page_not_found(request)
    data = await request.form()
    form = Form(kind, {name: str(data.get(name, "")).strip() for name in FORMS[kind]})
    result = await run_in_threadpool(_act, app, principal, project_id, form)
    if isinstance(result, int):
        return await wait_then_redirect(reads, result, f"/console/projects/{project_id}?done=1")
    if isinstance(result, Project):
        return await run_in_threadpool(_page, request, app, result, form)
    return _refusal(request, result)


def _act(app: Coprod, principal: Principal, project_id: UUID, form: Form) -> Any:
    found = _project(app, principal, project_id)
    if not isinstance(found, Project):
        return found
    run = _command(app, project_id, form, found)
    if run is None:
        return found
    try:
        receipt = run(principal)
    except NotAllowed:
        return "refused"
    except InvalidInput as e:
        name = e.field if e.field in form.values else _field_of(form, e.field)
        form.errors[name] = FIELD_ERRORS.get(name, FIELD_ERRORS["text"])
        return found
    except (RuleViolation, AlreadyExists, NotFound) as e:
        form.rule = str(e)
        return found
    return receipt.position or 0


def _field_of(form: Form, name: str) -> str:
    """The form field a value refusal names (the domain's field names are the commands')."""
    if "date" in name or name.endswith("_on"):
        return next((f for f in form.values if f.endswith("_on")), "code")
    if name in ("amount", "currency"):
        return "amount"
    return next(iter(form.values))


def _command(
    app: Coprod, project_id: UUID, form: Form, project: Project
) -> Callable[[Principal], Any] | None:
    """The use case call the form asks for, or None with the unparseable fields marked."""
    v = form.values
    dates = {name: _date(form, name) for name in v if name.endswith("_on")}
    amount = _amount(form, project.approved.currency) if form.kind == "spend" else None
    if form.errors:
        return None
    pid = project_id
    if form.kind == "schedule":
        c: Any = cmd.ScheduleMilestone(
            project_id=pid, code=v["code"], title=v["title"], due_on=dates["due_on"]
        )
        return lambda p: app.schedule_milestone(c, p.actor)
    if form.kind == "start":
        c = cmd.StartMilestone(project_id=pid, code=v["code"], started_on=dates["started_on"])
        return lambda p: app.start_milestone(c, p.actor)
    if form.kind == "meet":
        c = cmd.MeetMilestone(
            project_id=pid, code=v["code"], met_on=dates["met_on"], evidence_url=v["evidence_url"]
        )
        return lambda p: app.meet_milestone(c, p.actor)
    if form.kind == "delay":
        c = cmd.DelayMilestone(
            project_id=pid, code=v["code"], new_due_on=dates["new_due_on"], reason=v["reason"]
        )
        return lambda p: app.delay_milestone(c, p.actor)
    assert amount is not None
    c = cmd.RecordSpend(
        project_id=pid, amount=amount, spent_on=dates["spent_on"], purpose=v["purpose"]
    )
    return lambda p: app.record_spend(c, p.actor)


def _date(form: Form, name: str) -> date:
    try:
        return date.fromisoformat(form.values[name])
    except ValueError:
        form.errors[name] = FIELD_ERRORS["date"]
        return date.min


def _amount(form: Form, currency: str) -> Money | None:
    try:
        return Money(Decimal(form.values["amount"].replace(",", ".")), currency)
    except (InvalidOperation, InvalidInput):
        form.errors["amount"] = FIELD_ERRORS["amount"]
        return None
