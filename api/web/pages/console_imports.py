"""``/console/imports`` and ``/console/parameters``: upload a CSV, see a preview, confirm.

The same use cases as ``coprod import`` and the HTTP uploads: the first post is a dry run that
shows what each line would record, or every bad line with its number and column next to it;
nothing is written until the officer confirms, and the confirmation checks every line again
(all or nothing). Only a signed-in council officer; the one policy decides which council.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from api.keys import Principal
from api.web.console.common import officer_refusal, refused_page
from api.web.csrf import CsrfChecked
from api.web.deps import App
from api.web.i18n import N_
from api.web.import_reasons import reason_of
from api.web.render import render
from api.web.session import SignedIn
from coprod.application import Coprod
from coprod.application.csv_table import CsvRefused, LineError
from coprod.application.imports import ImportResult
from coprod.domain.errors import InvalidInput, NotAllowed, NotFound

__all__ = ["router"]

router = APIRouter()

#: What each page imports, with the columns to show the officer.
KINDS = {
    "imports": {
        "milestones": "project, action, code, date, title, evidence_url, reason",
        "spend": "project, amount, date, purpose, currency, spend_id",
        "match-funding": "project, source, amount, date, currency, funding_id",
    },
    "parameters": {
        "census": "dimension, group, share, source, reference_year",
        "rates": "currency, floor, central, upper, source, reference_year",
    },
}
KIND_LABELS = {
    "milestones": N_("Milestones"),
    "spend": N_("Spend"),
    "match-funding": N_("Match funding"),
    "census": N_("Census shares"),
    "rates": N_("Volunteer rates"),
}
FIELD_ERRORS = {
    "process": N_("Give the id of a process of your council."),
    "file": N_("Choose a CSV file with a header row."),
}
REFUSED = N_("%(count)s line(s) are wrong; nothing was imported. Correct them and upload again.")
DONE = N_("%(count)s line(s) imported.")
PREVIEW = N_("Nothing is imported yet: check the lines below, then confirm.")


@dataclass
class Upload:
    """One upload: the page, what it imports, the file's text, and what came of it."""

    page: str
    kind: str = ""
    process: str = ""
    csv: str = ""
    errors: dict[str, str] = field(default_factory=dict)
    bad_lines: list[LineError] = field(default_factory=list)
    result: ImportResult | None = None


def run_upload(app: Coprod, principal: Principal, upload: Upload, *, confirm: bool) -> Upload:
    """Check (or, confirmed, import) an upload; its refusals kept on it. No sign-in needed."""
    if upload.kind not in KINDS[upload.page]:
        upload.errors["kind"] = FIELD_ERRORS["file"]
        return upload
    if not upload.csv.strip():
        upload.errors["file"] = FIELD_ERRORS["file"]
        return upload
    try:
        upload.result = _use_case(app, principal, upload)(upload.csv, dry_run=not confirm)
    except CsvRefused as refused:
        upload.bad_lines = refused.errors
    except (InvalidInput, NotFound):
        upload.errors["process"] = FIELD_ERRORS["process"]
    return upload


def _use_case(app: Coprod, principal: Principal, upload: Upload) -> Any:
    actor = principal.actor
    if upload.page == "parameters":
        council = principal.organisation_id
        load = app.load_census_csv if upload.kind == "census" else app.load_rates_csv
        return lambda data, dry_run: load(council, data, actor, dry_run=dry_run)
    try:
        process_id = UUID(upload.process.strip())
    except ValueError:
        raise InvalidInput("process", "not an id") from None
    use_case = {
        "milestones": app.import_milestones,
        "spend": app.import_spend,
        "match-funding": app.import_match_funding,
    }[upload.kind]
    return lambda data, dry_run: use_case(process_id, data, actor, dry_run=dry_run)


def _page(request: Request, upload: Upload) -> HTMLResponse:
    context = {
        "upload": upload,
        "kinds": KINDS[upload.page],
        "refused": REFUSED,
        "done": DONE,
        "preview": PREVIEW,
        "labels": KIND_LABELS,
        "reason_of": reason_of,
    }
    status = 400 if upload.errors or upload.bad_lines else 200
    return render(request, "console_imports.html", context, status_code=status)


async def _read(request: Request, page: str) -> tuple[Upload, bool]:
    async with request.form() as form:
        upload = Upload(page, str(form.get("kind", "")), str(form.get("process", "")))
        file = form.get("file")
        if file is not None and not isinstance(file, str):
            raw = await file.read()
            upload.csv = raw.decode("utf-8-sig", errors="replace")
        else:
            upload.csv = str(form.get("csv", ""))
        return upload, form.get("confirm") == "1"


def _get(request: Request, principal: Principal, page: str) -> HTMLResponse:
    if officer_refusal(principal) is not None:
        return refused_page(request)
    upload = Upload(page, process=request.query_params.get("process", ""))
    return _page(request, upload)


async def _post(request: Request, principal: Principal, app: Coprod, page: str) -> HTMLResponse:
    if officer_refusal(principal) is not None:
        return refused_page(request)
    upload, confirm = await _read(request, page)
    try:
        await run_in_threadpool(run_upload, app, principal, upload, confirm=confirm)
    except NotAllowed:
        return refused_page(request, other_council=True)
    return _page(request, upload)


@router.get("/console/imports", response_class=HTMLResponse)
def imports_page(request: Request, principal: SignedIn) -> HTMLResponse:
    """The upload form for milestones, spend and match funding of a process."""
    return _get(request, principal, "imports")


@router.post("/console/imports", response_class=HTMLResponse)
async def imports_upload(
    request: Request, principal: SignedIn, app: App, _: CsrfChecked
) -> HTMLResponse:
    """Preview an upload (nothing written), or import it once confirmed (all lines or none)."""
    return await _post(request, principal, app, "imports")


@router.get("/console/parameters", response_class=HTMLResponse)
def parameters_page(request: Request, principal: SignedIn) -> HTMLResponse:
    """The upload form for the officer's council's census shares and volunteer rates."""
    return _get(request, principal, "parameters")


@router.post("/console/parameters", response_class=HTMLResponse)
async def parameters_upload(
    request: Request, principal: SignedIn, app: App, _: CsrfChecked
) -> HTMLResponse:
    """Preview or load census shares or volunteer rates (all lines or none)."""
    return await _post(request, principal, app, "parameters")
