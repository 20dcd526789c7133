"""``/tenders/{id}/bid``: a community group (or other registered organisation) submits its bid
for a co-commissioned service, from the browser, until the deadline.

The use case is the HTTP route's (``POST /api/v1/tenders/{id}/bids``) under the same policy: a
member bids for their own organisation only; a later bid replaces the earlier one. The
organisation's own bid is shown back to it; nobody else sees a bid before the opening. A tender
of several lots asks which lot the bid is for (one bid per lot; each can be replaced).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from api.keys import Principal
from api.web.console.common import wait_then_redirect
from api.web.csrf import CsrfChecked
from api.web.deps import App, ReadModels
from api.web.i18n import N_
from api.web.labels import label
from api.web.pages.problems import page_not_found
from api.web.render import render
from api.web.session import SignedIn
from coprod.application import Coprod
from coprod.application.commands import commissioning as cmd
from coprod.domain.commissioning_terms import Lot
from coprod.domain.errors import CoprodError, InvalidInput, NotAllowed, NotFound, PhaseError
from coprod.domain.tender import Tender
from coprod.domain.tender_checks import Bid, BidTerms
from coprod.domain.values import Money

__all__ = ["router"]

router = APIRouter()

MESSAGES = {
    "price": N_("Give your price as a positive number, like 380000.00."),
    "documents": N_("Give each document as a web link (https://...), one per line, at most 20."),
    "closed": N_("The deadline for bids has passed: no bid can be received now."),
    "not_yours": N_("Only a member of an organisation can bid for it."),
    "lot_code": N_("Choose the lot you bid for."),
}


@dataclass
class BidForm:
    """What the bidder typed, and the messages by field."""

    price: str = ""
    documents: str = ""
    lot_code: str = ""
    errors: dict[str, str] = field(default_factory=dict)


def _page(request: Request, tender: Tender, principal: Principal, form: BidForm) -> HTMLResponse:
    sent = request.query_params.get("sent") == "1"
    context = {
        "tender": tender,
        "lots": list(tender.lots.values()),
        "own": _own_bids(tender, principal.organisation_id),
        "form": form,
        "sent": sent,
        "label": label,
    }
    return render(request, "bid.html", context, status_code=400 if form.errors else 200)


def _own_bids(tender: Tender, organisation: UUID | None) -> list[tuple[Lot, Bid]]:
    """The organisation's current bid in each lot it bid for, in the tender's lot order."""
    if organisation is None:
        return []
    found = []
    for lot in tender.lots.values():
        bid = tender.bids.get(Tender.bid_id_for(tender.id, organisation, lot.code))
        if bid is not None:
            found.append((lot, bid))
    return found


def _tender(app: Coprod, tender_id: UUID) -> Tender | None:
    try:
        return app.load(Tender, tender_id)
    except NotFound:
        return None


@router.get("/tenders/{tender_id}/bid", response_class=HTMLResponse)
def bid_form(tender_id: UUID, request: Request, principal: SignedIn, app: App) -> HTMLResponse:
    """The bid form, with the organisation's current bid if it sent one."""
    tender = _tender(app, tender_id)
    if tender is None:
        return page_not_found(request)
    return _page(request, tender, principal, BidForm())


@router.post("/tenders/{tender_id}/bid", response_model=None)
async def submit_bid(
    tender_id: UUID,
    request: Request,
    principal: SignedIn,
    app: App,
    reads: ReadModels,
    _: CsrfChecked,
) -> Response:
    """Record the bid, or show why not next to the field; nothing is written then."""
    tender = _tender(app, tender_id)
    if tender is None:
        return page_not_found(request)
    data = await request.form()
    typed = {name: str(data.get(name, "")).strip() for name in ("price", "documents", "lot_code")}
    form = BidForm(typed["price"], typed["documents"], typed["lot_code"])
    done = await run_in_threadpool(_submit, app, principal, tender, form)
    if done is None:
        return _page(request, tender, principal, form)
    return await wait_then_redirect(reads, done, f"/tenders/{tender_id}/bid?sent=1")


def _submit(app: Coprod, principal: Principal, tender: Tender, form: BidForm) -> int | None:
    """The log position, or None with the form's errors filled in."""
    lot = form.lot_code if len(tender.lots) > 1 else next(iter(tender.lots))
    if lot not in tender.lots:
        form.errors["lot_code"] = MESSAGES["lot_code"]
    try:
        amount = Decimal(form.price.replace(" ", "").replace(",", "."))
        price = Money(amount, tender.estimated_value.currency)
    except (InvalidOperation, InvalidInput):
        form.errors["price"] = MESSAGES["price"]
        return None
    bidder = principal.organisation_id
    if bidder is None:
        form.errors["price"] = MESSAGES["not_yours"]
    if form.errors or bidder is None:
        return None
    links = tuple(line.strip() for line in form.documents.splitlines() if line.strip())
    terms = BidTerms(bidder, lot, price, links)
    try:
        return (
            app.submit_bid(cmd.SubmitBid(tender_id=tender.id, bid=terms), principal.actor).position
            or 0
        )
    except PhaseError:
        form.errors["price"] = MESSAGES["closed"]
    except NotAllowed:
        form.errors["price"] = MESSAGES["not_yours"]
    except InvalidInput as e:
        form.errors["documents" if e.field.startswith("documents") else "price"] = MESSAGES[
            "documents" if e.field.startswith("documents") else "price"
        ]
    except CoprodError:
        form.errors["price"] = MESSAGES["not_yours"]
    return None
