"""A process's ideas, proposals and projects as a filtered list: the web list's JSON twin.

From the catalogue read model (:func:`projections.catalogue.case_page`), the same query
the project list page runs, so the page and this answer cannot disagree. Public: titles,
areas, statuses and amounts of proposals are published facts with no personal data.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from api.http.deps import PublicReader, Reads
from api.http.routes.common import MoneyModel, View
from projections.queries import MAX_CASES, CaseFilter, CaseRow, case_page

router = APIRouter(tags=["processes"])


class CaseQuery(BaseModel):
    """The list's filters and window, as query parameters."""

    area: str | None = Field(default=None, max_length=100)
    category: str | None = Field(default=None, max_length=100)
    status: str | None = Field(default=None, max_length=100)
    projects: bool = Field(
        default=False, description="Only funded ideas; `status` is then the project's"
    )
    limit: int = Field(default=50, ge=1, le=MAX_CASES)
    offset: int = Field(default=0, ge=0, le=10**9)


class CaseView(View):
    proposal_id: UUID
    title: str
    stage: str = Field(description="idea or proposal")
    status: str = Field(description="The idea's status (see the read model's dictionary)")
    area: str | None
    category: str | None
    cost: MoneyModel | None = Field(description="Assessed cost, else the estimate")
    project_id: UUID | None
    project_status: str | None = Field(description="in_delivery, completed or cancelled")
    approved: MoneyModel | None


class CasePageView(View):
    """One page of a process's ideas (or funded projects), by title."""

    items: list[CaseView]
    total: int = Field(description="How many match the filters in all")
    offset: int
    limit: int
    position: int = Field(description="The log position the read model reflects")


def _money(amount: Decimal | None, currency: str | None) -> MoneyModel | None:
    if amount is None or currency is None:
        return None
    return MoneyModel(amount=str(amount), currency=currency)


def _view(row: CaseRow) -> CaseView:
    return CaseView(
        proposal_id=row.proposal_id,
        title=row.title,
        stage=row.stage,
        status=row.status,
        area=row.area,
        category=row.category,
        cost=_money(row.cost, row.currency),
        project_id=row.project_id,
        project_status=row.project_status,
        approved=_money(row.approved, row.currency),
    )


@router.get("/processes/{process_id}/cases")
def list_cases(
    process_id: UUID, who: PublicReader, reads: Reads, q: Annotated[CaseQuery, Query()]
) -> CasePageView:
    """The process's ideas and proposals (or projects), filtered by area, category, status."""
    where = CaseFilter(area=q.area, category=q.category, status=q.status, projects=q.projects)
    with reads.connection() as conn:
        page = case_page(conn, process_id, where, limit=q.limit, offset=q.offset)
    return CasePageView(
        items=[_view(r) for r in page.items],
        total=page.total,
        offset=page.offset,
        limit=page.limit,
        position=page.position,
    )
