"""Lists for people and machines: a process's proposals, projects and decisions, and a
group's commitments and logged work, paginated (`limit`, `offset`) and filterable.

Each reads a read model through :mod:`projections.queries` (never an aggregate per row). A
group's commitments and logs are private: the list shows a caller what the one policy lets
them see (:func:`coprod.application.policy.group_work_scope`): the group itself everything,
a council's officers and evaluators what is on their council's projects, anyone else a 404.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from api.http.deps import CurrentPrincipal, PublicReader, Reads
from api.http.routes.cases import CasePageView, CaseQuery, list_cases
from api.http.routes.common import MoneyModel, View
from coprod.application import policy
from projections.queries import (
    ContributionRow,
    DecisionRow,
    decision_page,
    group_commitments,
    group_contributions,
)

router = APIRouter(tags=["lists"])
MAX_LIST = 500


class Window(BaseModel):
    """A page of a list: how many rows, from which one."""

    limit: int = Field(default=50, ge=1, le=MAX_LIST)
    offset: int = Field(default=0, ge=0, le=10**9)


class DecisionQuery(Window):
    outcome: str | None = Field(default=None, max_length=100)


class ContributionQuery(Window):
    status: Literal["logged", "verified", "disputed"] | None = Field(
        default=None, description="logged (waiting for verification), verified or disputed"
    )


def _money(amount: Decimal | None, currency: str | None) -> MoneyModel | None:
    if amount is None or currency is None:
        return None
    return MoneyModel(amount=str(amount), currency=currency)


class DecisionItem(View):
    decision_id: UUID
    proposal_id: UUID
    title: str
    outcome: str
    status: str = Field(description="made, corrected, reopened or revoked")
    amount: MoneyModel | None
    decided_on: str
    legal_basis: list[str]


class DecisionList(View):
    items: list[DecisionItem]
    total: int
    offset: int
    limit: int
    position: int


class CommitmentItem(View):
    commitment_id: UUID
    project_id: UUID
    project_title: str
    phase: str
    level: str
    status: str
    pledged_hours: str | None
    in_kind: str | None
    logged_hours: str
    verified_hours: str
    waiting_hours: str


class CommitmentList(View):
    items: list[CommitmentItem]
    total: int


class ContributionItem(View):
    contribution_id: UUID
    commitment_id: UUID
    project_id: UUID
    project_title: str
    hours: str
    people_count: int
    worked_on: str
    status: str


class ContributionList(View):
    items: list[ContributionItem]
    total: int
    offset: int
    limit: int
    position: int


@router.get("/processes/{process_id}/proposals")
def list_proposals(
    process_id: UUID, who: PublicReader, reads: Reads, q: Annotated[CaseQuery, Query()]
) -> CasePageView:
    """The process's ideas and proposals by title, filtered by area, category, status."""
    return list_cases(process_id, who, reads, q.model_copy(update={"projects": False}))


@router.get("/processes/{process_id}/projects")
def list_projects(
    process_id: UUID, who: PublicReader, reads: Reads, q: Annotated[CaseQuery, Query()]
) -> CasePageView:
    """The process's funded projects by title; `status` is the project's."""
    return list_cases(process_id, who, reads, q.model_copy(update={"projects": True}))


def _decision(r: DecisionRow) -> DecisionItem:
    return DecisionItem(
        decision_id=r.decision_id,
        proposal_id=r.proposal_id,
        title=r.title,
        outcome=r.outcome,
        status=r.status,
        amount=_money(r.amount, r.currency),
        decided_on=r.decided_on.isoformat(),
        legal_basis=[] if not r.legal_basis else r.legal_basis.split("\n"),
    )


@router.get("/processes/{process_id}/decisions")
def list_decisions(
    process_id: UUID, who: PublicReader, reads: Reads, q: Annotated[DecisionQuery, Query()]
) -> DecisionList:
    """The council's decisions in the process (public acts), the latest first."""
    with reads.connection() as conn:
        page = decision_page(conn, process_id, outcome=q.outcome, limit=q.limit, offset=q.offset)
    return DecisionList(
        items=[_decision(r) for r in page.items],
        total=page.total,
        offset=page.offset,
        limit=page.limit,
        position=page.position,
    )


@router.get("/organisations/{organisation_id}/commitments")
def list_commitments(organisation_id: UUID, who: CurrentPrincipal, reads: Reads) -> CommitmentList:
    """A group's commitments with hours pledged, logged, verified and waiting."""
    council = policy.group_work_scope(who.actor, organisation_id)
    with reads.connection() as conn:
        rows = group_commitments(conn, organisation_id, council_id=council)
    items = [
        CommitmentItem(
            commitment_id=r.commitment_id,
            project_id=r.project_id,
            project_title=r.project_title,
            phase=r.phase,
            level=r.level,
            status=r.status,
            pledged_hours=None if r.pledged_hours is None else str(r.pledged_hours),
            in_kind=r.in_kind,
            logged_hours=str(r.logged_hours),
            verified_hours=str(r.verified_hours),
            waiting_hours=str(r.waiting_hours),
        )
        for r in rows
    ]
    return CommitmentList(items=items, total=len(items))


def _contribution(r: ContributionRow) -> ContributionItem:
    return ContributionItem(
        contribution_id=r.contribution_id,
        commitment_id=r.commitment_id,
        project_id=r.project_id,
        project_title=r.project_title,
        hours=str(r.hours),
        people_count=r.people_count,
        worked_on=r.worked_on.isoformat(),
        status=r.status,
    )


@router.get("/organisations/{organisation_id}/contributions")
def list_contributions(
    organisation_id: UUID,
    who: CurrentPrincipal,
    reads: Reads,
    q: Annotated[ContributionQuery, Query()],
) -> ContributionList:
    """A group's logged work, the latest day first, by status."""
    council = policy.group_work_scope(who.actor, organisation_id)
    with reads.connection() as conn:
        page = group_contributions(
            conn,
            organisation_id,
            status=q.status,
            council_id=council,
            limit=q.limit,
            offset=q.offset,
        )
    return ContributionList(
        items=[_contribution(r) for r in page.items],
        total=page.total,
        offset=page.offset,
        limit=page.limit,
        position=page.position,
    )
