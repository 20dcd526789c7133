"""``/processes/{id}/vote``: a resident votes with the one-time code from their letter, or
signed in through the council's invitation, and ``/processes/{id}/receipt``: anyone checks
that the ballot behind a receipt was counted.

Casting is :meth:`Coprod.cast_ballot_with_code` as :data:`CODE_VOTER`, or
:meth:`Coprod.cast_ballot_as_invited` for a signed-in resident: the one policy decides that
a valid code, or the council's invitation, makes the resident eligible; the domain checks
the ballot against the declared rules, and a refusal comes back next to the field, in the
voter's language, with nothing written. "Check my ballot" runs the same domain check without casting (the budget
left works with JavaScript off); ``/static/vote.js`` only updates the counters live.

Wrong codes count against the client's guessing limit; a client over it gets the 429 page
before its code is even looked up, so a correct guess then is not told apart either.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from api.keys import Principal
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
from api.web.session import MaybeSignedIn
from coprod.application import Coprod
from coprod.application.commands.ballots import CastBallotAsInvited, CastBallotWithCode
from coprod.application.voting_codes import CODE_VOTER, CodeState, VotedWithCode
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
from coprod.domain.values import Role

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


@dataclass(frozen=True)
class Voter:
    """Who is voting: the holder of a code, or a resident signed in through an invitation."""

    code: str = ""
    resident: Principal | None = None

    @classmethod
    def of(cls, code: str, principal: Principal | None) -> Voter:
        """Without a code, a signed-in resident votes as invited; anyone else needs a code."""
        if not code and principal is not None and principal.role is Role.RESIDENT:
            return cls("", principal)
        return cls(code, None)

    def state(self, app: Coprod, process_id: UUID) -> CodeState:
        """May this voter still cast here (VALID), did they (USED), or are they unknown?"""
        if self.resident is not None:
            return app.invited_vote_state(process_id, self.resident.actor)
        return app.voting_code_state(process_id, self.code)


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
    voter: Voter,
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
        "code": voter.code,
        "invited": voter.resident is not None,
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
    process_id: UUID,
    request: Request,
    app: App,
    lang: Lang,
    principal: MaybeSignedIn,
    code: str = "",
) -> HTMLResponse:
    """Enter the code (or arrive with ``?code=`` from the letter's QR code): the ballot. A
    resident signed in through the council's invitation gets the ballot straight away."""
    process = await run_in_threadpool(_process, app, process_id)
    if process is None:
        return page_not_found(request)
    if process.ballot_state != "open" or process.voting is None:
        return _plain(request, process, "closed", 409)
    voter = Voter.of(code, principal)
    if voter.resident is not None:
        state = await run_in_threadpool(voter.state, app, process_id)
        if state is CodeState.USED:
            return _plain(request, process, "voted", 410)
        if state is CodeState.VALID:
            form = BallotForm()
            return await run_in_threadpool(_ballot_page, request, app, process, voter, form, lang)
        voter = Voter()
    if not voter.code:
        return _code_page(request, process, "", None)
    code_limit(request).check(client_key(request))
    state = await run_in_threadpool(voter.state, app, process_id)
    if state is CodeState.UNKNOWN:
        return _wrong_code(request, process, code, lang)
    if state is CodeState.USED:
        return _plain(request, process, "used", 410)
    return await run_in_threadpool(_ballot_page, request, app, process, voter, BallotForm(), lang)


@router.post("/processes/{process_id}/vote", response_class=HTMLResponse)
async def cast_vote(
    process_id: UUID,
    request: Request,
    app: App,
    lang: Lang,
    principal: MaybeSignedIn,
    _: CsrfChecked,
) -> HTMLResponse:
    """ "Check my ballot" re-renders with the totals and any refusal; "Cast" casts it."""
    process = await run_in_threadpool(_process, app, process_id)
    if process is None:
        return page_not_found(request)
    if process.ballot_state != "open" or process.voting is None:
        return _plain(request, process, "closed", 409)
    data = await request.form()
    voter = Voter.of(str(data.get("code", "")), principal)
    if voter.resident is None:
        code_limit(request).check(client_key(request))
    form = BallotForm.parse(data, ballot_paper(app, process))
    act = _check if data.get("action") == "check" else _cast
    return await run_in_threadpool(act, request, app, process, voter, form, lang)


def _check(
    request: Request, app: Coprod, process: Process, voter: Voter, form: BallotForm, lang: Language
) -> HTMLResponse:
    """The same checks as casting (the voter, then the declared rules); nothing is written."""
    state = voter.state(app, process.id)
    if state is CodeState.UNKNOWN:
        return _wrong_code(request, process, voter.code, lang)
    if state is CodeState.USED:
        return _plain(request, process, "voted" if voter.resident else "used", 410)
    paper = ballot_paper(app, process)
    assert process.voting is not None
    choices = form.choices(process.voting.method, paper, lang)
    if not form.errors:
        try:
            process.check_ballot(choices)
        except BallotRejected as e:
            form.errors["choices"] = refusal_text(e.rule, process, tally(choices, paper), lang)
    return _ballot_page(request, app, process, voter, form, lang, checked=True)


def _cast(
    request: Request, app: Coprod, process: Process, voter: Voter, form: BallotForm, lang: Language
) -> HTMLResponse:
    paper = ballot_paper(app, process)
    assert process.voting is not None
    choices = form.choices(process.voting.method, paper, lang)
    if form.errors:
        return _ballot_page(request, app, process, voter, form, lang)
    try:
        voted = _cast_for(app, process, voter, form, choices)
    except NotAllowed:
        return _wrong_code(request, process, voter.code, lang)
    except DuplicateBallot:
        return _plain(request, process, "voted" if voter.resident else "used", 410)
    except PhaseError:
        return _plain(request, process, "closed", 409)
    except BallotRejected as e:
        form.errors["choices"] = refusal_text(e.rule, process, tally(choices, paper), lang)
        return _ballot_page(request, app, process, voter, form, lang)
    except InvalidInput:
        form.errors["area"] = lang.gettext(AREA_UNKNOWN)
        return _ballot_page(request, app, process, voter, form, lang)
    context = {"process": process, "receipt": voted.receipt_code}
    return render(request, "voted.html", context)


def _cast_for(
    app: Coprod, process: Process, voter: Voter, form: BallotForm, choices: Any
) -> VotedWithCode:
    """The one use case for this voter: with their code, or as the council's invitee."""
    area, age_band, sex = form.demographics()
    if voter.resident is not None:
        invited = CastBallotAsInvited(
            process_id=process.id, choices=choices, area_code=area, age_band=age_band, sex=sex
        )
        return app.cast_ballot_as_invited(invited, voter.resident.actor)
    command = CastBallotWithCode(
        process_id=process.id,
        code=voter.code,
        choices=choices,
        area_code=area,
        age_band=age_band,
        sex=sex,
    )
    return app.cast_ballot_with_code(command, CODE_VOTER)


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
