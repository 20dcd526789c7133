"""``/console/tenders/{id}``: an officer runs a co-commissioned tender from the browser.

The page shows what the council's officers see of the tender (the members' scores, the
panel's declarations) and the ranking the published weights give so far, and offers the
acts the tender is ready for: open the bids after the deadline, award a lot with the full
decision record, sign the contract after the standstill. Each act is the HTTP route's use
case (:mod:`coprod.application.commissioning`) under the same policy; a refusal is shown
next to its field in the officer's language and nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from api.keys import Principal
from api.web.console.common import officer_refusal, refused_page, wait_then_redirect
from api.web.console.service_form import GROUP_FIELDS
from api.web.console.tender_forms import MESSAGES, AwardForm, ContractForm
from api.web.csrf import CsrfChecked
from api.web.deps import App, ReadModels
from api.web.labels import label
from api.web.pages.problems import page_not_found
from api.web.render import render
from api.web.session import SignedIn
from coprod.application import Coprod, policy
from coprod.application.commands import commissioning as cmd
from coprod.domain.errors import CoprodError, NotAllowed
from coprod.domain.tender import Tender
from projections.commissioning import tender_view

__all__ = ["router"]

router = APIRouter()


def _rankings(app: Coprod, tender_id: UUID) -> dict[str, Any]:
    """Per lot not yet awarded: the ranking so far, or the reason there is none yet."""
    tender = app.load(Tender, tender_id)
    found: dict[str, Any] = {}
    for lot in tender.lots:
        if lot in tender.awards or not tender.opened:
            continue
        try:
            found[lot] = tender.ranking(lot)
        except CoprodError as e:
            found[lot] = str(e)
    return found


def panel_page(
    request: Request,
    app: Coprod,
    view: Any,
    errors: dict[str, str],
    invited: dict[str, Any] | None = None,
    session: dict[str, str] | None = None,
) -> HTMLResponse:
    """The tender's console page after the panel or session form: its errors (and what was
    typed in the session form), or the new member's link."""
    award = AwardForm()
    award.errors.update(errors)
    return _page(request, app, view, (award, ContractForm()), invited, session)


async def run_tender_form(
    request: Request,
    principal: Principal,
    stores: tuple[Coprod, Any],
    tender_id: UUID,
    act: Callable[[Any, dict[str, str]], int | dict[str, str]],
) -> Response:
    """A console form on a tender: the officer check, the form's text, `act` (the log
    position, or errors by field), then the page again with the errors (and what was typed)
    or a redirect once the read models show the write."""
    app, reads = stores
    if officer_refusal(principal) is not None:
        return refused_page(request)
    view = tender_for_officer(request, reads, principal, tender_id)
    if isinstance(view, HTMLResponse):
        return view
    data = await request.form()
    typed = {k: str(v).strip() for k, v in data.items() if isinstance(v, str)}
    done = await run_in_threadpool(act, view, typed)
    if isinstance(done, dict):
        return panel_page(request, app, view, done, session=typed)
    return await wait_then_redirect(reads, done, f"/console/tenders/{tender_id}")


def tender_for_officer(request: Request, reads: Any, principal: Principal, tender_id: UUID) -> Any:
    """The tender's full view for an officer of its council, or the page saying why not."""
    found = _view(reads, principal, tender_id)
    refused = _refusal(request, found)
    return found if refused is None else refused


def _page(
    request: Request,
    app: Coprod,
    view: Any,
    forms: tuple[AwardForm, ContractForm],
    invited: dict[str, Any] | None = None,
    session: dict[str, str] | None = None,
) -> HTMLResponse:
    award, contract = forms
    context = {
        "invited": invited,
        "session": session or {"session_on": date.today().isoformat()},
        "groups": [(f"session_{name}", "group_" + group.value) for name, group in GROUP_FIELDS],
        "tender": view,
        "rankings": _rankings(app, view.id),
        "bidders": {b.id: b.bidder for b in view.bids},
        "award": award,
        "contract": contract,
        "awarded": {a.lot_code for a in view.awards},
        "contracted": {c.lot_code for c in view.contracts},
        "label": label,
    }
    status = 400 if award.errors or contract.errors else 200
    return render(request, "console_tender.html", context, status_code=status)


def _view(reads: Any, principal: Principal, tender_id: UUID) -> Any:
    """The tender's full view, or "missing" / "refused" (another council's)."""
    with reads.connection() as conn:
        view = tender_view(conn, tender_id, full=True)
    if view is None:
        return "missing"
    try:
        policy.council_officer_of(principal.actor, view.council_id, f"tender {view.code}")
    except NotAllowed:
        return "refused"
    return view


def _refusal(request: Request, found: Any) -> HTMLResponse | None:
    if found == "missing":
        return page_not_found(request)
    if found == "refused":
        return refused_page(request, other_council=True)
    return None


@router.get("/console/tenders/{tender_id}", response_class=HTMLResponse)
def tender_console(
    tender_id: UUID, request: Request, principal: SignedIn, app: App, reads: ReadModels
) -> HTMLResponse:
    """The tender as its council's officers see it, with the acts it is ready for."""
    if officer_refusal(principal) is not None:
        return refused_page(request)
    found = _view(reads, principal, tender_id)
    refused = _refusal(request, found)
    if refused is not None:
        return refused
    return _page(request, app, found, (AwardForm(), ContractForm()))


@router.post("/console/tenders/{tender_id}/open", response_model=None)
async def open_bids(
    tender_id: UUID,
    request: Request,
    principal: SignedIn,
    app: App,
    reads: ReadModels,
    _: CsrfChecked,
) -> Response:
    """Open the sealed bids (the deadline has passed and the panel is mixed)."""
    return await _post("open", tender_id, request, principal, app, reads)


@router.post("/console/tenders/{tender_id}/award", response_model=None)
async def award_lot(
    tender_id: UUID,
    request: Request,
    principal: SignedIn,
    app: App,
    reads: ReadModels,
    _: CsrfChecked,
) -> Response:
    """Award a lot with the full decision record and a standstill period."""
    return await _post("award", tender_id, request, principal, app, reads)


@router.post("/console/tenders/{tender_id}/contract", response_model=None)
async def sign_contract(
    tender_id: UUID,
    request: Request,
    principal: SignedIn,
    app: App,
    reads: ReadModels,
    _: CsrfChecked,
) -> Response:
    """Sign the contract of an awarded lot, after its standstill period."""
    return await _post("contract", tender_id, request, principal, app, reads)


async def _post(
    act: str, tender_id: UUID, request: Request, principal: Principal, app: Coprod, reads: Any
) -> Response:
    """One act; a refusal re-shows the page with the message next to its field."""
    if officer_refusal(principal) is not None:
        return refused_page(request)
    found = _view(reads, principal, tender_id)
    refused = _refusal(request, found)
    if refused is not None:
        return refused
    data = await request.form()
    award = AwardForm.of(data) if act == "award" else AwardForm()
    contract = ContractForm.of(data) if act == "contract" else ContractForm()
    done = await run_in_threadpool(_act, app, principal, found, act, (award, contract))
    if done is None:
        return _page(request, app, found, (award, contract))
    return await wait_then_redirect(reads, done, f"/console/tenders/{tender_id}")


def _act(
    app: Coprod, principal: Principal, view: Any, act: str, forms: tuple[AwardForm, ContractForm]
) -> int | None:
    """The log position written, or None with the refusal placed on its form."""
    award, contract = forms
    actor = principal.actor
    try:
        if act == "open":
            return app.open_bids(cmd.OpenBids(tender_id=view.id), actor).position or 0
        if act == "award":
            terms = award.terms()
            if terms is None:
                return None
            command = cmd.AwardTender(tender_id=view.id, award=terms)
            return app.award_tender(command, actor).position or 0
        signed = contract.terms(view.currency)
        if signed is None:
            return None
        command_c = cmd.SignContract(tender_id=view.id, contract=signed)
        return app.sign_contract(command_c, actor).position or 0
    except CoprodError as e:
        if act == "open":
            award.errors["open"] = MESSAGES["not_yet"]
            award.record.detail = str(e)
        else:
            (contract if act == "contract" else award).place(e)
        return None
