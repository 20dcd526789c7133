"""``/my/panels``: a resident (or officer) on a tender's evaluation panel declares their
conflicts of interest and scores the bids, from the browser.

The rules are the tender's (:mod:`coprod.domain.tender`), through the HTTP routes' use cases:
a member first sees only who bid, declares the bidders they have an interest in, and only
then sees the bids; a bidder they declared is never offered for scoring. Scores are checked
all at once before any is recorded, so a bad value writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
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
from coprod.domain.commissioning_terms import CriterionKind
from coprod.domain.errors import CoprodError, InvalidInput, NotFound
from coprod.domain.tender import Tender
from coprod.domain.tender_checks import check_score
from projections.commissioning import panels_of

__all__ = ["router"]

router = APIRouter()

MESSAGES = {
    "score": N_("Give a score from 0 to %(scale)s, like 7 or 7.5."),
    "refused": N_("This cannot be recorded now."),
}


@dataclass
class ScoreForm:
    """The scores a member typed, by field name ``score-<bid>-<criterion>``, and errors."""

    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    detail: str = ""


def _tender(app: Coprod, tender_id: UUID, principal: Principal) -> Tender | None:
    """The tender, if this person sits on its panel (anyone else: as if it did not exist)."""
    try:
        tender = app.load(Tender, tender_id)
    except NotFound:
        return None
    return tender if principal.actor.id in tender.panel else None


def _page(request: Request, tender: Tender, member: UUID, form: ScoreForm) -> HTMLResponse:
    declared = tender.declarations.get(member)
    bidders = sorted({b.bidder_id for b in tender.bids.values()}, key=str)
    scorable = (
        [] if declared is None else [b for b in tender.bids.values() if b.bidder_id not in declared]
    )
    mine = {
        f"score-{bid}-{criterion}": str(value)
        for (bid, criterion, who), value in tender.scores.items()
        if who == member
    }
    context = {
        "tender": tender,
        "declared": declared,
        "bidders": bidders,
        "names": _names(request, bidders),
        "scorable": scorable,
        "criteria": [c for c in tender.criteria if c.kind is CriterionKind.QUALITY],
        "values": {**mine, **form.values},
        "form": form,
        "label": label,
    }
    return render(request, "my_panel.html", context, status_code=400 if form.errors else 200)


def _names(request: Request, bidders: list[UUID]) -> dict[UUID, str]:
    app: Coprod = request.app.state.coprod
    names = {}
    for bidder in bidders:
        try:
            names[bidder] = app.get_organisation(bidder).display_name
        except NotFound:
            names[bidder] = str(bidder)
    return names


@router.get("/my/panels", response_class=HTMLResponse)
def my_panels(request: Request, principal: SignedIn, reads: ReadModels) -> HTMLResponse:
    """The tenders on whose evaluation panel the signed-in person sits."""
    with reads.connection() as conn:
        panels = panels_of(conn, principal.actor.id)
    return render(request, "my_panels.html", {"panels": panels, "label": label})


@router.get("/my/panels/{tender_id}", response_class=HTMLResponse)
def my_panel(tender_id: UUID, request: Request, principal: SignedIn, app: App) -> HTMLResponse:
    """Declare conflicts (once the bids are opened), then score the bids one may score."""
    tender = _tender(app, tender_id, principal)
    if tender is None:
        return page_not_found(request)
    return _page(request, tender, principal.actor.id, ScoreForm())


@router.post("/my/panels/{tender_id}/declare", response_model=None)
async def declare(
    tender_id: UUID,
    request: Request,
    principal: SignedIn,
    app: App,
    reads: ReadModels,
    _: CsrfChecked,
) -> Response:
    """Declare the bidders this member has an interest in (ticking none is a declaration)."""
    data = await request.form()
    chosen = tuple(UUID(str(v)) for v in data.getlist("conflicted") if _is_uuid(str(v)))
    command = cmd.DeclareConflicts(tender_id=tender_id, conflicted_bidders=chosen)
    return await _write(request, (app, reads), principal, tender_id, [command])


@router.post("/my/panels/{tender_id}/scores", response_model=None)
async def score(
    tender_id: UUID,
    request: Request,
    principal: SignedIn,
    app: App,
    reads: ReadModels,
    _: CsrfChecked,
) -> Response:
    """Record every score typed, or none when one of them is not a score on the scale."""
    tender = _tender(app, tender_id, principal)
    if tender is None:
        return page_not_found(request)
    data = await request.form()
    form = ScoreForm({k: str(v).strip() for k, v in data.items() if k.startswith("score-")})
    commands = _scores(tender, form)
    if form.errors:
        return _page(request, tender, principal.actor.id, form)
    if not commands:
        return RedirectResponse(f"/my/panels/{tender_id}", status_code=303)
    return await _write(request, (app, reads), principal, tender_id, commands, form)


def _scores(tender: Tender, form: ScoreForm) -> list[cmd.ScoreBid]:
    """A command per score typed; errors by field for a value off the scale."""
    commands = []
    for name, text in form.values.items():
        if not text:
            continue
        bid, criterion = name[6:42], name[43:]  # score-<36-character bid id>-<criterion>
        try:
            value = check_score(Decimal(text.replace(",", ".")), tender.scale)
            bid_id = UUID(bid)
        except (InvalidOperation, InvalidInput, ValueError):
            form.errors[name] = MESSAGES["score"]
            continue
        commands.append(
            cmd.ScoreBid(tender_id=tender.id, bid_id=bid_id, criterion_code=criterion, score=value)
        )
    return commands


async def _write(
    request: Request,
    stores: tuple[Coprod, Any],
    principal: Principal,
    tender_id: UUID,
    commands: list[Any],
    form: ScoreForm | None = None,
) -> Response:
    """Run the commands as the member; re-show the page with the refusal, or redirect."""
    app, reads = stores
    if _tender(app, tender_id, principal) is None:
        return page_not_found(request)
    position = await run_in_threadpool(_run, app, principal, commands)
    if isinstance(position, str):
        tender = _tender(app, tender_id, principal)
        assert tender is not None
        refused = form or ScoreForm()
        refused.errors["refused"] = MESSAGES["refused"]
        refused.detail = position
        return _page(request, tender, principal.actor.id, refused)
    return await wait_then_redirect(reads, position, f"/my/panels/{tender_id}")


def _run(app: Coprod, principal: Principal, commands: list[Any]) -> int | str:
    """Each command as the member; the last position, or the refusal's words."""
    position = 0
    for command in commands:
        try:
            if isinstance(command, cmd.DeclareConflicts):
                receipt = app.declare_conflicts(command, principal.actor)
            else:
                receipt = app.score_bid(command, principal.actor)
        except CoprodError as e:
            return str(e)
        position = receipt.position or position
    return position


def _is_uuid(text: str) -> bool:
    try:
        UUID(text)
    except ValueError:
        return False
    return True
