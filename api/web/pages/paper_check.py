"""``/console/paper-ballots/{id}``: a second officer checks a typed-in paper ballot against
the paper, and confirms it (it counts) or discards it with what did not match.

Why a page of its own: the checker must see exactly what was typed in (the choices by title,
the demographics) beside the paper in hand. Confirming and discarding call the same use cases
as HTTP; the one policy refuses the officer who typed the ballot in (four eyes), and that
refusal is shown next to the buttons, in the officer's language.
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
from api.web.ballot_form import AGE_LABELS, SEX_LABELS, ballot_paper
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
from api.web.pages.problems import page_not_found
from api.web.render import render
from api.web.session import SignedIn
from coprod.application import Coprod
from coprod.application.commands.ballots import ConfirmPaperBallot, DiscardPaperBallot
from coprod.domain.errors import DuplicateBallot, InvalidInput, NotAllowed, NotFound, PhaseError
from coprod.domain.paper_ballot import PaperBallot
from coprod.domain.process import Process

__all__ = ["CHECK_ERRORS", "router"]

router = APIRouter()

CHECK_ERRORS = {
    "four_eyes": N_("You typed this ballot in: a second officer must check it against the paper."),
    "reason": N_("Say what does not match the paper, so that it is typed in again right."),
    "reason_long": N_("The reason is too long: at most 500 characters."),
    "checked": N_("This entry was checked already, or the vote has closed."),
    "counted": N_("A ballot with this paper's number is counted already."),
}


@dataclass
class Check:
    """The entry being checked, and what was wrong with the checker's act."""

    paper: PaperBallot
    process: Process
    reason: str = ""
    errors: dict[str, str] = field(default_factory=dict)


def _load(app: Coprod, principal: Principal, paper_ballot_id: UUID) -> Check | str:
    try:
        paper = app.load(PaperBallot, paper_ballot_id)
    except NotFound:
        return "missing"
    found = council_process(app, principal, paper.process_id)
    return found if not isinstance(found, Process) else Check(paper, found)


def _page(request: Request, app: Coprod, check: Check, principal: Principal) -> HTMLResponse:
    titles = {o.proposal_id: o.title for o in ballot_paper(app, check.process)}
    choices = check.paper.choices
    context = {
        "check": check,
        "paper": check.paper,
        "process": check.process,
        "mine": check.paper.entered_by == principal.actor.id,
        "approvals": [titles.get(p, str(p)) for p in choices.approvals],
        "points": [(titles.get(p, str(p)), n) for p, n in choices.points],
        "ranking": [titles.get(p, str(p)) for p in choices.ranking],
        "age": AGE_LABELS.get(check.paper.age_band) if check.paper.age_band else None,
        "sex": SEX_LABELS.get(check.paper.sex) if check.paper.sex else None,
        "area": next(
            (a.name for a in check.process.areas if a.code == check.paper.area_code), None
        ),
    }
    status = (403 if "four_eyes" in check.errors else 400) if check.errors else 200
    return render(request, "console_paper_ballot.html", context, status_code=status)


def _refusal(request: Request, found: str) -> HTMLResponse:
    if found == "missing":
        return page_not_found(request)
    return process_refusal(request, found)


@router.get("/console/paper-ballots/{paper_ballot_id}", response_class=HTMLResponse)
def paper_ballot(
    paper_ballot_id: UUID, request: Request, principal: SignedIn, app: App
) -> HTMLResponse:
    """What was typed in, with "confirm" and "discard" while it waits for a check."""
    if officer_refusal(principal) is not None:
        return refused_page(request)
    found = _load(app, principal, paper_ballot_id)
    if isinstance(found, str):
        return _refusal(request, found)
    return _page(request, app, found, principal)


@router.post("/console/paper-ballots/{paper_ballot_id}/confirm", response_model=None)
async def confirm(
    paper_ballot_id: UUID,
    request: Request,
    principal: SignedIn,
    app: App,
    reads: ReadModels,
    _: CsrfChecked,
) -> Response:
    """It matches the paper: the ballot is cast and counts."""
    return await _check(Act("confirm", request, principal, app, reads), paper_ballot_id)


@router.post("/console/paper-ballots/{paper_ballot_id}/discard", response_model=None)
async def discard(
    paper_ballot_id: UUID,
    request: Request,
    principal: SignedIn,
    app: App,
    reads: ReadModels,
    _: CsrfChecked,
) -> Response:
    """It does not match the paper: the entry never counts (a reason is required)."""
    return await _check(Act("discard", request, principal, app, reads), paper_ballot_id)


@dataclass(frozen=True)
class Act:
    """One check of an entry: what the officer does, and the request it came with."""

    name: str
    request: Request
    principal: Principal
    app: Coprod
    reads: ReadStore


async def _check(act: Act, paper_ballot_id: UUID) -> Response:
    request, principal, app = act.request, act.principal, act.app
    if officer_refusal(principal) is not None:
        return refused_page(request)
    reason = str((await request.form()).get("reason", "")).strip()
    result = await run_in_threadpool(_act, app, principal, paper_ballot_id, act.name, reason)
    if isinstance(result, int):
        done = "confirmed" if act.name == "confirm" else "discarded"
        path = f"{result_path(app, paper_ballot_id)}{done}"
        return await wait_then_redirect(act.reads, result, path)
    if isinstance(result, Check):
        return await run_in_threadpool(_page, request, app, result, principal)
    return _refusal(request, result)


def result_path(app: Coprod, paper_ballot_id: UUID) -> str:
    """Where an officer goes after a check: the process's paper ballots, with ``done=``."""
    process_id = app.load(PaperBallot, paper_ballot_id).process_id
    return f"/console/processes/{process_id}/paper-ballots?done="


def _act(app: Coprod, principal: Principal, paper_ballot_id: UUID, act: str, reason: str) -> Any:
    found = _load(app, principal, paper_ballot_id)
    if isinstance(found, str):
        return found
    found.reason = reason
    try:
        if act == "confirm":
            command: Any = ConfirmPaperBallot(paper_ballot_id=paper_ballot_id)
            receipt = app.confirm_paper_ballot(command, principal.actor)
        else:
            command = DiscardPaperBallot(paper_ballot_id=paper_ballot_id, reason=reason)
            receipt = app.discard_paper_ballot(command, principal.actor)
    except NotAllowed as e:
        if e.rule != "four-eyes":
            return "refused"
        found.errors["four_eyes"] = CHECK_ERRORS["four_eyes"]
    except InvalidInput as e:
        found.errors["reason"] = CHECK_ERRORS[
            "reason_long" if e.rule == "text-length" else "reason"
        ]
    except DuplicateBallot:
        found.errors["state"] = CHECK_ERRORS["counted"]
    except PhaseError:
        found.errors["state"] = CHECK_ERRORS["checked"]
    else:
        return receipt.position or 0
    return found
