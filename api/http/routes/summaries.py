"""Process queries over the process summary read model: the paged list and one summary.

Read from the read model, not the aggregates, so a list of many processes or a summary of a
process with 100k ballots costs a few indexed reads. Both are public: a process, its counts
and (after the close) its tallies are published facts with no personal data.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query
from pydantic import BeforeValidator, Field

from api.http.deps import PublicReader, Reads
from api.http.routes.common import API_PREFIX, MoneyModel, View, money_out
from coprod.domain.errors import InvalidInput
from coprod.domain.phases import Phase
from coprod.domain.process import ProcessKind
from projections.queries import MAX_LIMIT, ProcessSummary, process_page, process_summary
from projections.valid_time import Moments, parse_valid_at

router = APIRouter(prefix="/processes", tags=["processes"])

AsOf = Annotated[
    datetime | None,
    Query(
        description="Answer exactly as the read model had it at this moment (ISO 8601 with "
        "a time zone, e.g. 2026-05-01T12:00:00+00:00); absent means now."
    ),
]


def _valid_at(value: object) -> object:
    """A query's valid-at, read as a date or an aware time (never a midnight as a day)."""
    if not isinstance(value, str):
        return value
    try:
        return parse_valid_at(value)
    except InvalidInput as e:
        raise ValueError(e.problem) from None


ValidAt = Annotated[
    date | datetime | None,
    BeforeValidator(_valid_at),
    Query(
        description="What was true at this business date (a date, its whole day, or an ISO "
        "time with its zone), as known at `as_of` (absent: now). Decisions, milestones, "
        "spend and work count from their own dates; a past cycle imported from Pabulib from "
        "its ballot dates."
    ),
]


def _moments(as_of: AsOf = None, valid_at: ValidAt = None) -> Moments:
    return as_of, valid_at


#: Both times a figure can be asked at: recorded by `as_of`, true at `valid_at`.
When = Annotated[Moments, Depends(_moments)]


class ProcessListItemView(View):
    id: UUID
    name: str
    kind: ProcessKind
    phase: Phase
    currency: str
    ballot_state: str


class ProcessPageView(View):
    """One page of processes, ordered by name."""

    items: list[ProcessListItemView]
    total: int = Field(description="How many processes there are in all")
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page")
    next: str | None = Field(description="The next page's URL; absent on the last page")
    position: int = Field(description="The log position the read model reflects")


class DecisionCount(View):
    status: str
    count: int


class TallyView(View):
    proposal_id: UUID
    approvals: int | None
    points: int | None
    supporters: int | None
    rank_positions: list[tuple[int, int]] = Field(
        description="(place on the ballot, ballots that ranked it there), for ranked votes"
    )


class ProcessSummaryView(View):
    """State, budget and counts per stage; tallies only once the ballot is closed."""

    process_id: UUID
    as_of: datetime | None
    valid_at: date | datetime | None = Field(
        default=None, description="The business date the summary describes (absent: now)"
    )
    name: str
    kind: ProcessKind
    phase: Phase
    currency: str
    pot: MoneyModel | None
    budget_base: MoneyModel | None
    eligible: int | None
    vote_method: str | None
    ballot_state: str
    ballot_options: int
    ideas_submitted: int
    ideas_merged: int
    ideas_withdrawn: int
    proposals: int
    assessed_feasible: int
    assessed_unfeasible: int
    shortlisted: int
    not_shortlisted: int
    ballots_cast: int
    decisions: list[DecisionCount]
    projects_funded: int
    projects_completed: int
    projects_cancelled: int
    tallies: list[TallyView] | None = Field(description="None until the ballot is closed")


def _summary_view(s: ProcessSummary) -> ProcessSummaryView:
    return ProcessSummaryView(
        process_id=s.process_id,
        as_of=s.as_of,
        valid_at=s.valid_at,
        name=s.name,
        kind=s.kind,
        phase=s.phase,
        currency=s.currency,
        pot=money_out(s.pot),
        budget_base=money_out(s.budget_base),
        eligible=s.eligible,
        vote_method=s.vote_method,
        ballot_state=s.ballot_state,
        ballot_options=s.ballot_options,
        ideas_submitted=s.ideas_submitted,
        ideas_merged=s.ideas_merged,
        ideas_withdrawn=s.ideas_withdrawn,
        proposals=s.proposals,
        assessed_feasible=s.assessed_feasible,
        assessed_unfeasible=s.assessed_unfeasible,
        shortlisted=s.shortlisted,
        not_shortlisted=s.not_shortlisted,
        ballots_cast=s.ballots_cast,
        decisions=[DecisionCount(status=k, count=n) for k, n in s.decisions],
        projects_funded=s.projects_funded,
        projects_completed=s.projects_completed,
        projects_cancelled=s.projects_cancelled,
        tallies=None
        if s.tallies is None
        else [
            TallyView(
                proposal_id=t.proposal_id,
                approvals=t.approvals,
                points=t.points,
                supporters=t.supporters,
                rank_positions=list(t.rank_positions),
            )
            for t in s.tallies
        ],
    )


@router.get("")
def list_processes(
    who: PublicReader,
    reads: Reads,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page")] = 50,
    cursor: Annotated[str | None, Query(description="`next_cursor` of the previous page")] = None,
    offset: Annotated[int, Query(ge=0, le=10**9, description="Or skip this many items")] = 0,
) -> ProcessPageView:
    """Every process by name, a page at a time, from the process summary read model (public)."""
    with reads.connection() as conn:
        page = process_page(conn, limit=limit, cursor=cursor, offset=offset)
    return ProcessPageView(
        items=[
            ProcessListItemView(
                id=i.process_id,
                name=i.name,
                kind=i.kind,
                phase=i.phase,
                currency=i.currency,
                ballot_state=i.ballot_state,
            )
            for i in page.items
        ],
        total=page.total,
        next_cursor=page.next_cursor,
        next=None
        if page.next_cursor is None
        else f"{API_PREFIX}/processes?limit={limit}&cursor={page.next_cursor}",
        position=page.position,
    )


@router.get("/{process_id}/summary")
def get_process_summary(
    process_id: UUID, who: PublicReader, reads: Reads, when: When
) -> ProcessSummaryView:
    """State, budget, counts per stage and, after the vote, tallies, now or as of a time, and
    at a business date (public)."""
    as_of, valid_at = when
    with reads.connection() as conn:
        return _summary_view(process_summary(process_id, as_of, valid_at=valid_at, conn=conn))
