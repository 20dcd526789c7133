"""The impact report of a process (DOMAIN.md §4): published releases, or live for its council.

Every table has been through disclosure control (counts of people below k are suppressed, and
so are totals that would reveal them), each says its k and method, and no table holds a
person's id. The public (no key, or a key of another role or council) reads only releases
(issue 11, item 9): the latest by default, or with ``as_of`` the latest at or before it, so
nobody can difference two live reports one ballot apart. Officers and evaluators of the
process's council read the live report as of any time, to reproduce a published figure.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request, Response
from pydantic import Field, JsonValue

from api.http.deps import CoprodApp, PublicReader, Reads
from api.http.errors import PROBLEM_JSON
from api.http.report_cache import ReportCache, impact_position
from api.http.routes.common import View
from api.http.routes.releases import ReleaseSummaryView, summary
from api.http.routes.summaries import When
from api.keys import Principal
from coprod.application import Coprod, policy
from coprod.domain.errors import NotAllowed, NotFound
from coprod.domain.release import latest_at
from coprod.domain.values import Role
from projections.impact.model import ImpactModel
from projections.impact.report import impact_report

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
    valid_at: date | datetime | None = Field(
        default=None, description="The business date the figures describe (absent: now)"
    )
    currency: str
    k: int = Field(description="The disclosure threshold of the process")
    method: str
    parameters: list[ParameterView]
    notes: list[str]
    tables: list[ImpactTableView]
    release: ReleaseSummaryView | None = Field(
        default=None, description="The release these figures are (absent: the live report)"
    )


#: The public asking for figures at a business date: computed live, so the council's only.
VALID_AT_REFUSED: dict[int | str, dict[str, Any]] = {
    403: {
        "description": "valid_at without a key of the council's officers or evaluators",
        "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
}


@router.get(
    "/processes/{process_id}/impact",
    response_model=ImpactReportView,
    responses=VALID_AT_REFUSED,
)
def get_impact_report(
    process_id: UUID,
    who: PublicReader,
    reads: Reads,
    app: CoprodApp,
    request: Request,
    when: When,
) -> Response:
    """Every impact measure of the process, disclosure-controlled: the public gets the latest
    release at or before `as_of`; officers of its council and evaluators the live report,
    also at a business date (`valid_at`)."""
    as_of, valid_at = when
    if not _live_reader(app, who, process_id):
        if valid_at is not None:
            raise NotAllowed(
                "figures at a business date (valid_at) are computed live, for the council's "
                "officers and evaluators; the public reads published releases (as_of)"
            )
        releases = app.releases(process_id)
        if not releases:
            app.get_process(process_id)  # an unknown process says so, not "no release"
        release = latest_at(process_id, releases, as_of)
        # Served exactly as published (a later version of the report may have other fields).
        shown = {**json.loads(release.figures), "release": summary(release).model_dump(mode="json")}
        return Response(json.dumps(shown).encode(), media_type="application/json")
    cache: ReportCache = request.app.state.report_cache
    with reads.connection() as conn:
        position = impact_position(conn)
        if position is None:
            raise NotFound("read model", f"{ImpactModel.key()} (run `coprod project --once`)")

        def render() -> bytes:
            # Rendered in its own snapshot, at `position` or later: a cached report is never
            # older than the position it is filed under.
            report = impact_report(process_id, as_of, valid_at=valid_at, conn=conn)
            return ImpactReportView.model_validate(report.to_dict()).model_dump_json().encode()

        key = ReportCache.key(process_id, as_of, position, None, valid_at)
        body = cache.get_or_render(key, render)
    return Response(body, media_type="application/json")


def _live_reader(app: Coprod, who: Principal | None, process_id: UUID) -> bool:
    """Who may read the live report at any as-of: the council's officers and evaluators (an
    evaluator key is scoped to the council that issued it); everyone else reads releases."""
    if who is None or who.role not in (Role.EVALUATOR, Role.COUNCIL_OFFICER):
        return False  # no need to load the process: the policy would say no
    return policy.reads_full_history(who.actor, app.get_process(process_id).council_id)
