"""``/processes/{id}``: what the process is, its budget and schedule, how to take part now,
and after the vote the declared rule, the winners and why each project is in or out.

The outcome is ``coprod outcome``'s (:meth:`Coprod.compute_outcome` under the declared
rule). A closed ballot box never changes, so the count is kept while what it depends on
(the rules, the budget, the options on the ballot) is unchanged: the page costs one count
per process and server, not one per visitor, and not one more when the phase moves on.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from api.web.deps import App, Lang, ReadModels
from api.web.i18n import N_, Language
from api.web.labels import label
from api.web.pagecache import PageCache
from api.web.pages.home import next_date, schedule_of
from api.web.pages.problems import page_not_found
from api.web.render import render, render_html
from api.web.why import tie_sentences, why_text
from coprod.application import Coprod
from coprod.application.outcomes import CountedOutcome
from coprod.domain.errors import CoprodError, NotFound
from coprod.domain.process import Process
from projections.commissioning import tenders_of
from projections.queries import process_summary

router = APIRouter()

#: What a resident can do in each phase (shown on the process page).
TAKE_PART = {
    "ideas": N_("Residents and groups submit ideas for the area. Every idea gets a public page."),
    "development": N_("Ideas are developed into costed proposals together with the council."),
    "review": N_("The council checks each proposal's feasibility and cost, and gives reasons."),
    "vote": N_("Residents vote on the proposals on the ballot."),
    "decision": N_("The council decides on the winning proposals, with reasons for each."),
    "delivery": N_("Funded projects are delivered; their milestones and spend are public."),
    "evaluation": N_("The results are evaluated and published."),
    "closed": N_("The process is closed. Its full story stays public."),
}


@dataclass(frozen=True)
class Explained:
    """One ballot option: its proposal, title, cost, score, whether it won and why."""

    proposal_id: UUID
    title: str
    cost: Decimal
    score: int
    won: bool
    why: str


def count_inputs(process: Process) -> int:
    """A fingerprint of what the count of a closed ballot depends on besides the ballots
    (which never change once it is closed): the rules, the budget and the options.

    Why not the process version: moving to the decision or delivery phase, or editing the
    schedule, changes the version but not the count, and a recount costs seconds at 100,000
    ballots (BENCHMARKS.md). Every part is a frozen value, so the fingerprint is its hash.
    """
    return hash(
        (
            process.ballot_state,
            process.voting,
            process.selection,
            process.pot,
            process.budget_base,
            process.ballot_options,
        )
    )


class OutcomeCache:
    """The counted outcome of each process for its latest count inputs seen
    (:func:`count_inputs`): a closed ballot is counted once, not once per language or per
    phase; a count under older inputs is dropped."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counted: dict[UUID, tuple[int, CountedOutcome | None]] = {}

    def get(self, app: Coprod, process: Process) -> CountedOutcome | None:
        inputs = count_inputs(process)
        with self._lock:
            found = self._counted.get(process.id)
            if found is not None and found[0] == inputs:
                return found[1]
        try:
            counted: CountedOutcome | None = app.compute_outcome(process.id, "declared", None)
        except CoprodError:
            counted = None  # no declared rule or budget: the page says the vote was held
        with self._lock:
            self._counted[process.id] = (inputs, counted)
        return counted


_OUTCOMES = OutcomeCache()
#: The rendered result sections: (process, count inputs, language) -> HTML.
_SECTIONS: PageCache[tuple[UUID, int, str]] = PageCache()


def explained(counted: CountedOutcome, lang: Language) -> list[Explained]:
    """Every option, winners first in selection order, then the rest by score; the reasons
    in `lang`."""
    tally = counted.tally
    names, scores, costs = dict(counted.names), dict(tally.scores), dict(tally.costs)
    proposal_of = tally.proposal_of
    order = {pid: i for i, pid in enumerate(tally.result.winners)}
    ranked = sorted(
        tally.reasons(),
        key=lambda e: (e[0] not in order, order.get(e[0], 0), -scores[e[0]]),
    )
    return [
        Explained(
            proposal_of[pid],
            names.get(pid, pid),
            costs[pid].amount,
            scores[pid],
            pid in order,
            why_text(lang, reason),
        )
        for pid, reason in ranked
    ]


def _outcome_section(request: Request, app: Coprod, process: Process, lang: Language) -> Markup:
    """The vote's result and why each proposal is in or out, rendered once per count inputs
    and language (a closed ballot box never changes); empty before the close."""
    if process.ballot_state != "closed":
        return Markup("")
    key = (process.id, count_inputs(process), lang.code)
    html = _SECTIONS.get(key)
    if html is None:
        counted = _OUTCOMES.get(app, process)
        if counted is None:
            return Markup("")
        context = {
            "counted": counted,
            "options": explained(counted, lang),
            "process": process,
            "ties": tie_sentences(lang, counted.tally, dict(counted.names)),
        }
        html = _SECTIONS.put(key, render_html(request, "outcome.html", context))
    return Markup(html)


@router.get("/processes/{process_id}", response_class=HTMLResponse)
def process_page(
    process_id: UUID, request: Request, app: App, reads: ReadModels, lang: Lang
) -> HTMLResponse:
    """The process page (its twins: the process and its summary in the API)."""
    try:
        process = app.get_process(process_id)
        with reads.connection() as conn:
            summary = process_summary(process_id, None, conn=conn)
            tenders = tenders_of(conn, process_id)
    except NotFound:
        return page_not_found(request)
    turnout = Decimal(summary.ballots_cast) / summary.eligible if summary.eligible else None
    context = {
        "process": process,
        "summary": summary,
        "turnout": turnout,
        "schedule": schedule_of(process),
        "next": next_date(process, date.today()),
        "take_part": lang.gettext(TAKE_PART[process.phase.value]),
        "outcome": _outcome_section(request, app, process, lang),
        "tenders": tenders,
        "label": label,
    }
    return render(request, "process.html", context)
