"""``/tenders/{id}``: a co-commissioned service's public page, its progress and outcome.

From the commissioning read model (the query ``GET /api/v1/tenders/{id}`` answers with): the
need and who took part in defining and designing it (counts below the process's k hidden),
the criteria with their published weights, the panel by role, the bids once opened, the
award with the ranking the weights gave (and the reasons when it departs from it), and the
contract with a link to the project that delivers it.
"""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.web.deps import App, ReadModels
from api.web.labels import label
from api.web.pages.problems import page_not_found
from api.web.render import render
from coprod.domain.errors import NotFound
from projections.commissioning import tender_view

router = APIRouter()


@router.get("/tenders/{tender_id}", response_class=HTMLResponse)
def tender_page(tender_id: UUID, request: Request, app: App, reads: ReadModels) -> HTMLResponse:
    """The tender as the public sees it (its twin: the tender in the API)."""
    with reads.connection() as conn:
        view = tender_view(conn, tender_id)
    if view is None:
        return page_not_found(request)
    try:
        process = app.get_process(view.process_id)
    except NotFound:
        return page_not_found(request)
    context = {"tender": view, "process": process, "label": label}
    return render(request, "tender.html", context)
