"""``/processes/{id}/vote``: a resident votes with the one-time code from their letter, and
``/processes/{id}/receipt``: anyone checks that the ballot behind a receipt was counted.

Casting is :meth:`Coprod.cast_ballot_with_code` as :data:`CODE_VOTER`: the one policy decides
that a valid code makes the resident eligible, the domain checks the ballot against the
declared rules, and a refusal comes back next to the field, in the voter's language, with
nothing written. "Check my ballot" runs the same domain check without casting (the budget
left works with JavaScript off); ``/static/vote.js`` only updates the counters live.

Wrong codes count against the client's guessing limit; a client over it gets the 429 page
before its code is even looked up, so a correct guess then is not told apart either.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from api.web.ballot_form import (
    AGE_LABELS,
    SEX_LABELS,
    BallotForm,
    ballot_paper,
    refusal_text,
    tally,
)
from api.web.csrf import CsrfChecked
from api.web.deps import App, Lang
from api.web.i18n import N_, Language
from api.web.pages.problems import page_not_found
from api.web.ratelimit import RateLimiter, client_key
from api.web.render import render
from coprod.application import Coprod
from coprod.application.commands.ballots import CastBallotWithCode
from coprod.application.voting_codes import CODE_VOTER, CodeState
from coprod.domain.ballot import AgeBand, Sex
from coprod.domain.errors import (
    BallotRejected,
    DuplicateBallot,
    InvalidInput,
    NotAllowed,
    NotFound,
    PhaseError,
)
from coprod.domain.process import Process

__all__ = ["CODE_ATTEMPTS", "CODE_WINDOW_S", "router"]

router = APIRouter()

#: Wrong voting codes one client may enter in the window before the 429 page.
CODE_ATTEMPTS = 10
CODE_WINDOW_S = 600.0
UNKNOWN_CODE = N_(
    "This code does not open this vote. Type it as printed in your letter: letters A to Z "
    "(no I or O) and digits 2 to 9."
)
AREA_UNKNOWN = N_("Choose one of the areas listed, or prefer not to say.")


def code_limit(request: Request) -> RateLimiter:
    """The app's limiter for wrong voting codes (made on first use)."""
    state = request.app.state
    limiter: RateLimiter | None = getattr(state, "voting_code_limit", None)
    if limiter is None:
        limiter = RateLimiter(CODE_ATTEMPTS, CODE_WINDOW_S)
        state.voting_code_limit = limiter
    return limiter


def _process(app: Coprod, process_id: UUID) -> Process | None:
    try:
        return app.get_process(process_id)
    except NotFound:
        return None


def _code_page(request: Request, process: Process, code: str, error: str | None) -> HTMLResponse:
    context = {"process": process, "code": code, "error": error}
    return render(request, "vote_code.html", context, status_code=400 if error else 200)


def _wrong_code(request: Request, process: Process, code: str, lang: Language) -> HTMLResponse:
    code_limit(request).hit(client_key(request))
    return _code_page(request, process, code, lang.gettext(UNKNOWN_CODE))


def _plain(request: Request, process: Process, state: str, status: int) -> HTMLResponse:
    """A plain page: the code was used, or the vote is not open."""
    return render(
        request, "vote_gone.html", {"process": process, "state": state}, status_code=status
    )


def _ballot_page(
    request: Request,
    app: Coprod,
    process: Process,
    code: str,
    form: BallotForm,
    lang: Language,
    *,
    checked: bool = False,
) -> HTMLResponse:
    paper = ballot_paper(app, process)
    assert process.voting is not None
    choices = form.choices(process.voting.method, paper, lang)
    context: dict[str, Any] = {
        "process": process,
        "rules": process.voting,
        "method": process.voting.method.value,
        "paper": paper,
        "code": code,
        "form": form,
        "done": tally(choices, paper),
        "checked": checked,
        "areas": process.areas,
        "ages": [(b.value, AGE_LABELS[b]) for b in AgeBand],
        "sexes": [(s.value, SEX_LABELS[s]) for s in Sex],
    }
    return render(request, "vote.html", context, status_code=400 if form.errors else 200)


@router.get("/processes/{process_id}/vote", response_class=HTMLResponse)
async def vote_page(
    process_id: UUID, request: Request, app: App, lang: Lang, code: str = ""
) -> HTMLResponse:
    """Enter the code (or arrive with ``?code=`` from the letter's QR code): the ballot."""
    process = await run_in_threadpool(_process, app, process_id)
    if process is None:
        return page_not_found(request)
    if process.ballot_state != "open" or process.voting is None:
        return _plain(request, process, "closed", 409)
    if not code:
        return _code_page(request, process, "", None)
    code_limit(request).check(client_key(request))
    state = await run_in_threadpool(app.voting_code_state, process_id, code)
    if state is CodeState.UNKNOWN:
        return _wrong_code(request, process, code, lang)
    if state is CodeState.USED:
        return _plain(request, process, "used", 410)
    return await run_in_threadpool(_ballot_page, request, app, process, code, BallotForm(), lang)


@router.post("/processes/{process_id}/vote", response_class=HTMLResponse)
async def cast_vote(
    process_id: UUID, request: Request, app: App, lang: Lang, _: CsrfChecked
) -> HTMLResponse:
    """ "Check my ballot" re-renders with the totals and any refusal; "Cast" casts it."""
    process = await run_in_threadpool(_process, app, process_id)
    if process is None:
        return page_not_found(request)
    if process.ballot_state != "open" or process.voting is None:
        return _plain(request, process, "closed", 409)
    data = await request.form()
    code = str(data.get("code", ""))
    code_limit(request).check(client_key(request))
    form = BallotForm.parse(data, ballot_paper(app, process))
    if data.get("action") == "check":
        return await run_in_threadpool(_check, request, app, process, code, form, lang)
    return await run_in_threadpool(_cast, request, app, process, code, form, lang)


def _check(
    request: Request, app: Coprod, process: Process, code: str, form: BallotForm, lang: Language
) -> HTMLResponse:
    """The same checks as casting (the code, then the declared rules); nothing is written."""
    state = app.voting_code_state(process.id, code)
    if state is CodeState.UNKNOWN:
        return _wrong_code(request, process, code, lang)
    if state is CodeState.USED:
        return _plain(request, process, "used", 410)
    paper = ballot_paper(app, process)
    assert process.voting is not None
    choices = form.choices(process.voting.method, paper, lang)
    if not form.errors:
        try:
            process.check_ballot(choices)
        except BallotRejected as e:
            form.errors["choices"] = refusal_text(e.rule, process, tally(choices, paper), lang)
    return _ballot_page(request, app, process, code, form, lang, checked=True)


def _cast(
    request: Request, app: Coprod, process: Process, code: str, form: BallotForm, lang: Language
) -> HTMLResponse:
    paper = ballot_paper(app, process)
    assert process.voting is not None
    choices = form.choices(process.voting.method, paper, lang)
    if form.errors:
        return _ballot_page(request, app, process, code, form, lang)
    area, age_band, sex = form.demographics()
    command = CastBallotWithCode(
        process_id=process.id,
        code=code,
        choices=choices,
        area_code=area,
        age_band=age_band,
        sex=sex,
    )
    try:
        voted = app.cast_ballot_with_code(command, CODE_VOTER)
    except NotAllowed:
        return _wrong_code(request, process, code, lang)
    except DuplicateBallot:
        return _plain(request, process, "used", 410)
    except PhaseError:
        return _plain(request, process, "closed", 409)
    except BallotRejected as e:
        form.errors["choices"] = refusal_text(e.rule, process, tally(choices, paper), lang)
        return _ballot_page(request, app, process, code, form, lang)
    except InvalidInput:
        form.errors["area"] = lang.gettext(AREA_UNKNOWN)
        return _ballot_page(request, app, process, code, form, lang)
    context = {"process": process, "receipt": voted.receipt_code}
    return render(request, "voted.html", context)


@router.get("/processes/{process_id}/receipt", response_class=HTMLResponse)
async def receipt_page(
    process_id: UUID, request: Request, app: App, receipt: str = ""
) -> HTMLResponse:
    """Enter a receipt: whether its ballot counts in this process, and since when; never
    what it chose."""
    process = await run_in_threadpool(_process, app, process_id)
    if process is None:
        return page_not_found(request)
    since = None
    if receipt:
        since = await run_in_threadpool(app.counted_since, process_id, receipt)
    context = {"process": process, "receipt": receipt, "since": since}
    return render(request, "receipt.html", context)
