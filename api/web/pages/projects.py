"""The project list (filtered), a project's page and a proposal's page, funded or not.

Lists come from the catalogue read model (:func:`projections.catalogue.case_page`, the same
query as ``GET /api/v1/processes/{id}/cases``); a project or proposal page from its
aggregate, its decision and the public timeline, as the API's twins serve them.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from api.web.deps import App, Lang, ReadModels
from api.web.labels import label
from api.web.pages.problems import page_not_found
from api.web.pages.trail import (
    delay_reasons,
    project_volunteering,
    trail_entries,
)
from api.web.published import latest_release
from api.web.render import render
from coprod.application import Coprod
from coprod.domain.decision import Decision
from coprod.domain.errors import NotFound
from coprod.domain.proposal import Proposal
from projections.commissioning import tender_of_project
from projections.queries import CaseFilter, case_facets, case_page
from projections.timeline import project_timeline

router = APIRouter()

#: Rows per page of the project list.
PAGE_SIZE = 50


class ListQuery(BaseModel):
    """The list page's filters (empty means any) and page number."""

    area: str | None = Field(default=None, max_length=100)
    category: str | None = Field(default=None, max_length=100)
    status: str | None = Field(default=None, max_length=100)
    show: str = Field(default="projects", pattern="^(projects|all)$")
    page: int = Field(default=1, ge=1, le=100_000)

    def where(self) -> CaseFilter:
        return CaseFilter(
            area=self.area or None,
            category=self.category or None,
            status=self.status or None,
            projects=self.show == "projects",
        )

    def chosen(self) -> dict[str, str]:
        """The filters set, for the pager's links."""
        values = {"area": self.area, "category": self.category, "status": self.status}
        return {k: v for k, v in {**values, "show": self.show}.items() if v}


@router.get("/processes/{process_id}/projects", response_class=HTMLResponse)
def project_list(
    process_id: UUID,
    request: Request,
    app: App,
    reads: ReadModels,
    q: Annotated[ListQuery, Query()],
) -> HTMLResponse:
    """Funded projects (or every idea, ``show=all``), narrowed by area, category, status."""
    try:
        process = app.get_process(process_id)
    except NotFound:
        return page_not_found(request)
    where = q.where()
    with reads.connection() as conn:
        offset = (q.page - 1) * PAGE_SIZE
        found = case_page(conn, process_id, where, limit=PAGE_SIZE, offset=offset)
        facets = case_facets(conn, process_id, projects=where.projects)
    query = q.chosen()
    twin_query = {k: v for k, v in query.items() if k != "show"}
    twin = f"/api/v1/processes/{process_id}/cases?" + urlencode(
        {**twin_query, "projects": str(where.projects).lower()}
    )
    context = {
        "process": process,
        "found": found,
        "facets": facets,
        "chosen": q,
        "areas": {a.code: a.name for a in process.areas},
        "page": q.page,
        "pages": max(1, -(-found.total // PAGE_SIZE)),
        "query": query,
        "twin": twin,
        "label": label,
        "urlencode": urlencode,
    }
    return render(request, "projects.html", context)


@router.get("/projects/{project_id}", response_class=HTMLResponse)
def project_page(
    project_id: UUID, request: Request, app: App, reads: ReadModels, lang: Lang
) -> HTMLResponse:
    """A funded project: status, milestones, spend, outcomes, volunteering, decision, trail."""
    try:
        project = app.get_project(project_id)
        process = app.get_process(project.process_id)
        with reads.connection() as conn:
            timeline = project_timeline(project_id, None, conn=conn)
            tender = tender_of_project(conn, project_id)  # a co-commissioned service's
        decision = None if tender is not None else app.get_decision(project.decision_id)
    except NotFound:
        return page_not_found(request)
    release = latest_release(app, project.process_id)
    entries = trail_entries(timeline)
    context = {
        "project": project,
        "process": process,
        "decision": decision,
        "tender": tender,
        "facts": _relied_on(app, decision),
        "entries": entries,
        "delays": delay_reasons(entries),
        "release": release,
        "volunteering": None if release is None else project_volunteering(release, project_id),
        "label": label,
    }
    return render(request, "project.html", context)


@router.get("/proposals/{proposal_id}", response_class=HTMLResponse)
def proposal_page(
    proposal_id: UUID, request: Request, app: App, reads: ReadModels, lang: Lang
) -> HTMLResponse:
    """Any idea or proposal, funded or not: what it is, how it was assessed and decided, why."""
    try:
        proposal = app.get_proposal(proposal_id)
        process = app.get_process(proposal.process_id)
        decision = None if proposal.decision_id is None else app.get_decision(proposal.decision_id)
        with reads.connection() as conn:
            timeline = project_timeline(proposal_id, None, conn=conn)
    except NotFound:
        return page_not_found(request)
    context = {
        "proposal": proposal,
        "process": process,
        "decision": decision,
        "facts": _relied_on(app, decision, proposal),
        "project_id": timeline.project_id,
        "entries": trail_entries(timeline),
        "label": label,
    }
    return render(request, "proposal.html", context)


def _relied_on(
    app: Coprod, decision: Decision | None, proposal: Proposal | None = None
) -> list[str]:
    """The summaries of the facts the decision relied on, as its case file states them
    (from `proposal` when the caller has it loaded already)."""
    if decision is None or decision.record is None:
        return []
    case = proposal or app.get_proposal(decision.proposal_id)
    return [case.facts[f].summary for f in decision.record.facts_relied_on if f in case.facts]
