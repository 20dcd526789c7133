"""The impact report of a process (DOMAIN.md §4), now or as of a past time.

Public: every table has been through disclosure control (counts of people below k are
suppressed, and so are totals that would reveal them), each says its k and method, and no
table holds a person's id. Evaluators reproduce a published figure with ``as_of``.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from fastapi import APIRouter
from pydantic import Field, JsonValue

from api.deps import PublicReader, Reads
from api.routes.common import QUERY_ERRORS, View
from api.routes.summaries import AsOf
from projections.impact_report import impact_report

router = APIRouter(tags=["impact"], responses=QUERY_ERRORS)


class ParameterView(View):
    """A reference parameter the report used (census shares, hourly rates) and its source."""

    name: str
    origin: str = Field(description="loaded (by the council) or default")
    source: str
    reference_year: int | None
    loaded_at: datetime | None
    values: dict[str, str]


class ImpactTableView(View):
    """One published table; every cell column has a `<column>_suppressed` reason beside it."""

    title: str
    k: int
    method: str
    columns: list[str]
    rows: list[dict[str, JsonValue]] = Field(
        description="Decimals as strings; a suppressed cell is null with its reason"
    )


class ImpactReportView(View):
    process_id: UUID
    name: str
    as_of: datetime | None
    currency: str
    k: int = Field(description="The disclosure threshold of the process")
    method: str
    parameters: list[ParameterView]
    notes: list[str]
    tables: list[ImpactTableView]


@router.get("/processes/{process_id}/impact")
def get_impact_report(
    process_id: UUID, who: PublicReader, reads: Reads, as_of: AsOf = None
) -> ImpactReportView:
    """Every impact measure of the process with its inputs, disclosure-controlled (public)."""
    with reads.connection() as conn:
        report = impact_report(process_id, as_of, conn=conn)
    return ImpactReportView.model_validate(report.to_dict())
