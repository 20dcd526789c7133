"""The impact report of a process (DOMAIN.md §4), now or as of a past time.

Public: every table has been through disclosure control (counts of people below k are
suppressed, and so are totals that would reveal them), each says its k and method, and no
table holds a person's id. Evaluators reproduce a published figure with ``as_of``.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from fastapi import APIRouter, Request, Response
from pydantic import Field, JsonValue

from api.deps import PublicReader, Reads
from api.report_cache import ReportCache, impact_position
from api.routes.common import View
from api.routes.summaries import AsOf
from coprod.errors import NotFound
from projections.impact import ImpactModel
from projections.impact_report import impact_report

router = APIRouter(tags=["impact"])


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
    definition: str = Field(
        default="", description="What the measure means; both readings where DOMAIN §4 has two"
    )
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


@router.get("/processes/{process_id}/impact", response_model=ImpactReportView)
def get_impact_report(
    process_id: UUID, who: PublicReader, reads: Reads, request: Request, as_of: AsOf = None
) -> Response:
    """Every impact measure of the process with its inputs, disclosure-controlled (public)."""
    cache: ReportCache = request.app.state.report_cache
    with reads.connection() as conn:
        position = impact_position(conn)
        if position is None:
            raise NotFound("read model", f"{ImpactModel.key()} (run `coprod project --once`)")

        def render() -> bytes:
            # Rendered in its own snapshot, at `position` or later: a cached report is never
            # older than the position it is filed under.
            report = impact_report(process_id, as_of, conn=conn)
            return ImpactReportView.model_validate(report.to_dict()).model_dump_json().encode()

        body = cache.get_or_render(ReportCache.key(process_id, as_of, position, None), render)
    return Response(body, media_type="application/json")
