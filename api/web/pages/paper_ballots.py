"""``/console/processes/{id}/paper-ballots``: officers type in paper ballots, and
``/console/paper-ballots/{id}``: a second officer checks each against the paper.

The same use cases as ``POST /api/v1/processes/{id}/paper-ballots`` and
``/api/v1/paper-ballots/{id}/confirm|discard``: entering checks the declared rules at once (a
typing error is refused while the paper is in hand), and the one policy's four-eyes rule
(:func:`coprod.application.policy.may_check_paper_ballot`) refuses the officer who typed a
ballot in when they try to confirm or discard it. Each refusal is shown next to its field in
the officer's language, and nothing is written. The waiting entries come from the queues
read model, never from a scan of the log.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from api.keys import Principal
from api.reads import ReadStore
from api.web.ballot_form import AGE_LABELS, SEX_LABELS, BallotForm, ballot_paper, refusal_text
from api.web.ballot_form import tally as tally_of
from api.web.console.common import (
    council_process,
    officer_refusal,
    process_refusal,
    refused_page,
    wait_then_redirect,
)
from api.web.csrf import CsrfChecked
from api.web.deps import App, Lang, ReadModels
from api.web.i18n import N_, Language
from api.web.pages.paper_check import router as check_router
from api.web.render import render, request_language
from api.web.session import SignedIn
from coprod.application import Coprod
from coprod.application.commands.ballots import EnterPaperBallot
from coprod.domain.ballot import AgeBand, Sex
from coprod.domain.errors import (
    BallotRejected,
    DuplicateBallot,
    InvalidInput,
    NotAllowed,
    PhaseError,
)
from coprod.domain.process import Process
from projections.queues.paper import pending_paper_ballots

__all__ = ["ENTRY_ERRORS", "router"]

router = APIRouter()
router.include_router(check_router)

DONE = {
    "entered": N_("The paper ballot was entered. It counts once a second officer checks it."),
    "confirmed": N_("The paper ballot was checked and confirmed: it counts."),
    "discarded": N_("The entry was discarded and never counts. Type the paper in again."),
}
ENTRY_ERRORS = {
    "serial": N_("Type the number printed on the paper."),
    "serial_long": N_("The number is too long: at most 40 characters."),
    "duplicate": N_("A paper with this number was entered already."),
    "area": N_("Choose one of the areas listed, or leave it empty."),
    "closed": N_("The vote is not open: paper ballots are entered while it is."),
}


def _page(
    request: Request,
    app: Coprod,
    reads: ReadStore,
    process: Process,
    entry: tuple[str, BallotForm],
    lang: Language,
    me: UUID,
) -> HTMLResponse:
    serial, form = entry
    with reads.connection() as conn:
        pending = pending_paper_ballots(conn, process.id)
    context: dict[str, Any] = {
        "process": process,
        "pending": pending,
        "me": me,
        "serial": serial,
        "form": form,
        "done_text": DONE.get(request.query_params.get("done", "")),
        "paper_entry": True,
        "open": process.ballot_state == "open" and process.voting is not None,
        "areas": process.areas,
        "ages": [(b.value, AGE_LABELS[b]) for b in AgeBand],
        "sexes": [(s.value, SEX_LABELS[s]) for s in Sex],
    }
    if context["open"]:
        assert process.voting is not None
        paper = ballot_paper(app, process)
        choices = form.choices(process.voting.method, paper, lang)
        context |= {
            "rules": process.voting,
            "method": process.voting.method.value,
            "paper": paper,
            "done": tally_of(choices, paper),
            "checked": False,
        }
    status = 400 if form.errors else 200
    return render(request, "console_paper_ballots.html", context, status_code=status)


@router.get("/console/processes/{process_id}/paper-ballots", response_class=HTMLResponse)
def paper_ballots(
    process_id: UUID, request: Request, principal: SignedIn, app: App, reads: ReadModels, lang: Lang
) -> HTMLResponse:
    """The entry form (while the vote is open) and the entries waiting for a check."""
    if officer_refusal(principal) is not None:
        return refused_page(request)
    found = council_process(app, principal, process_id)
    if not isinstance(found, Process):
        return process_refusal(request, found)
    return _page(request, app, reads, found, ("", BallotForm()), lang, principal.actor.id)


@router.post("/console/processes/{process_id}/paper-ballots", response_model=None)
async def enter(
    process_id: UUID,
    request: Request,
    principal: SignedIn,
    app: App,
    reads: ReadModels,
    _: CsrfChecked,
) -> Response:
    """Enter one paper ballot as typed; refusals go next to their field, nothing written."""
    if officer_refusal(principal) is not None:
        return refused_page(request)
    lang = request_language(request)
    data = await request.form()
    result = await run_in_threadpool(_enter, app, principal, process_id, data, lang)
    if isinstance(result, int):
        path = f"/console/processes/{process_id}/paper-ballots?done=entered"
        return await wait_then_redirect(reads, result, path)
    if isinstance(result, tuple):
        process, entry = result
        me = principal.actor.id
        return await run_in_threadpool(_page, request, app, reads, process, entry, lang, me)
    return process_refusal(request, result)


def _enter(app: Coprod, principal: Principal, process_id: UUID, data: Any, lang: Language) -> Any:
    found = council_process(app, principal, process_id)
    if not isinstance(found, Process):
        return found
    serial = str(data.get("serial", "")).strip()
    if found.ballot_state != "open" or found.voting is None:
        form = BallotForm(errors={"serial": lang.gettext(ENTRY_ERRORS["closed"])})
        return found, (serial, form)
    paper = ballot_paper(app, found)
    form = BallotForm.parse(data, paper)
    choices = form.choices(found.voting.method, paper, lang)
    if not serial:
        form.errors["serial"] = lang.gettext(ENTRY_ERRORS["serial"])
    if form.errors:
        return found, (serial, form)
    area, age_band, sex = form.demographics()
    command = EnterPaperBallot(
        process_id=found.id,
        serial=serial,
        choices=choices,
        area_code=area,
        age_band=age_band,
        sex=sex,
    )
    try:
        return app.enter_paper_ballot(command, principal.actor).position or 0
    except NotAllowed:
        return "refused"
    except BallotRejected as e:
        form.errors["choices"] = refusal_text(e.rule, found, tally_of(choices, paper), lang)
    except DuplicateBallot:
        form.errors["serial"] = lang.gettext(ENTRY_ERRORS["duplicate"])
    except PhaseError:
        form.errors["serial"] = lang.gettext(ENTRY_ERRORS["closed"])
    except InvalidInput as e:
        if e.field == "serial":
            long = e.rule == "text-length"
            form.errors["serial"] = lang.gettext(ENTRY_ERRORS["serial_long" if long else "serial"])
        else:
            form.errors["area"] = lang.gettext(ENTRY_ERRORS["area"])
    return found, (serial, form)
