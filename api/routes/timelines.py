"""A project's timeline: the audit trail from idea to outcomes, now or as of a past time.

Who sees what: evaluators (full history) and officers of the council that runs the process
see every entry with the actor's pseudonymous id; everyone else gets the public view, in
which ``actor_id`` is absent (it would link the acts of one person), while role and
organisation stay, because accountability is about which body acted.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from fastapi import APIRouter
from pydantic import Field

from api.deps import CoprodApp, PublicReader, Reads
from api.keys import Principal
from api.routes.common import View
from api.routes.summaries import AsOf, TallyView
from coprod.application import Coprod
from coprod.errors import NotFound
from coprod.values import Role
from projections.timeline import Timeline, project_timeline

router = APIRouter(tags=["timelines"])


class FieldChangeView(View):
    field: str
    before: str | None
    after: str | None


class LinkView(View):
    relation: str
    kind: str
    target: str


class TimelineEntryView(View):
    position: int
    at: datetime
    stage: str
    event: str
    subject_kind: str
    subject_id: UUID
    item: str | None
    summary: str
    reason: str | None
    actor_id: UUID | None = Field(
        default=None, description="Pseudonymous; only for evaluators and the council's officers"
    )
    actor_role: str
    actor_organisation_id: UUID | None
    changes: list[FieldChangeView]
    links: list[LinkView]
    corrects: int | None = Field(description="Position of the entry this one corrects")
    corrected_by: list[int] = Field(description="Positions of the entries that correct this one")


class TimelineView(View):
    subject_id: UUID
    as_of: datetime | None
    process_id: UUID
    chain_ids: list[UUID] = Field(description="The idea, then the ideas merged into it")
    decision_ids: list[UUID]
    project_id: UUID | None
    personal_fields: list[str] = Field(description="Fields that identify a person, if any shown")
    tally: list[TallyView] | None = Field(description="The vote count, once the ballot closed")
    entries: list[TimelineEntryView]


def _full_view(app: Coprod, who: Principal | None, timeline: Timeline) -> bool:
    if who is None:
        return False
    # Officers and evaluators see who acted, on their own council's processes only.
    return (
        who.role in (Role.COUNCIL_OFFICER, Role.EVALUATOR)
        and app.get_process(timeline.process_id).council_id == who.organisation_id
    )


@router.get("/projects/{project_id}/timeline", response_model_exclude_unset=True)
def get_project_timeline(
    project_id: UUID, who: PublicReader, app: CoprodApp, reads: Reads, as_of: AsOf = None
) -> TimelineView:
    """The project's story from idea to outcomes, with corrections beside what they correct."""
    with reads.connection() as conn:
        timeline = project_timeline(project_id, as_of, conn=conn)
    if timeline.project_id != project_id:
        # The id is an idea, decision, commitment or contribution of some chain: not a project.
        raise NotFound("project", project_id)
    public = not _full_view(app, who, timeline)
    return TimelineView.model_validate(timeline.to_dict(public=public))
