"""Timelines: the audit trail from idea to outcomes, now or as of a past time.

One story per chain of ideas, served under the project's id, the idea's or proposal's id
(so a rejected proposal's story is there too) and the decision's id, in one JSON shape.

Who sees what: evaluators (full history) and officers of the council that runs the process
see every entry with the actor's pseudonymous id; everyone else gets the public view, in
which ``actor_id`` is absent (it would link the acts of one person), while role and
organisation stay, because accountability is about which body acted. The public view of a
contribution log leaves out its head count (one log's people count is often below k, and
summing them recovered hidden report cells); everyone reads head-counts as the totals of the
latest release (``community``), disclosure-controlled and checked against earlier releases.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from uuid import UUID

from fastapi import APIRouter
from pydantic import Field

from api.http.deps import CoprodApp, PublicReader, Reads
from api.http.routes.common import View
from api.http.routes.summaries import TallyView, When
from api.keys import Principal
from coprod.application import Coprod, policy
from coprod.domain.errors import NotFound
from coprod.domain.release import latest_at
from coprod.domain.values import Role
from projections.releases import community_totals
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
    valid_from: datetime | None = Field(
        default=None,
        description="When what the entry tells became true: its own date (a decision's, a "
        "milestone's...) or `at`; an imported past cycle's entries carry the file's dates",
    )


class HeadCountView(View):
    people: int | None = Field(description="Null when suppressed; the reason is beside it")
    people_suppressed: str | None


class PhaseHeadCountView(HeadCountView):
    phase: str


class CommunityView(View):
    """People in counted contribution logs, as the latest release published them."""

    release: int = Field(description="The release the totals come from")
    project: HeadCountView = Field(description="This project, all phases")
    by_phase: list[PhaseHeadCountView] = Field(description="The whole process, by phase")


class TimelineView(View):
    subject_id: UUID
    as_of: datetime | None
    valid_at: date | datetime | None = Field(
        default=None, description="The business date the story is told at (absent: now)"
    )
    process_id: UUID
    chain_ids: list[UUID] = Field(description="The idea, then the ideas merged into it")
    decision_ids: list[UUID]
    project_id: UUID | None
    personal_fields: list[str] = Field(description="Fields that identify a person, if any shown")
    tally: list[TallyView] | None = Field(description="The vote count, once the ballot closed")
    entries: list[TimelineEntryView]
    community: CommunityView | None = Field(
        default=None, description="Head-counts from the latest release; null before the first"
    )


def _full_view(app: Coprod, who: Principal | None, timeline: Timeline) -> bool:
    if who is None or who.role not in (Role.COUNCIL_OFFICER, Role.EVALUATOR):
        return False  # no need to load the process: the policy would say no
    # Officers and evaluators see who acted, on their own council's processes only.
    council_id = app.get_process(timeline.process_id).council_id
    return policy.reads_full_history(who.actor, council_id)


@router.get("/projects/{project_id}/timeline", response_model_exclude_unset=True)
def get_project_timeline(
    project_id: UUID, who: PublicReader, app: CoprodApp, reads: Reads, when: When
) -> TimelineView:
    """The project's story from idea to outcomes, with corrections beside what they correct."""
    with reads.connection() as conn:
        timeline = project_timeline(project_id, when[0], valid_at=when[1], conn=conn)
    if timeline.project_id != project_id:
        # The id is an idea, decision, commitment or contribution of some chain: not a project.
        raise NotFound("project", project_id)
    return _view(app, who, timeline, when[0])


@router.get("/proposals/{proposal_id}/timeline", response_model_exclude_unset=True)
def get_proposal_timeline(
    proposal_id: UUID, who: PublicReader, app: CoprodApp, reads: Reads, when: When
) -> TimelineView:
    """An idea's or proposal's story, whether it became a project or not (a rejection too).

    The same timeline as its project's, if it has one; an idea merged into another gives the
    story of the idea that carries it on (its id is then among ``chain_ids``).
    """
    with reads.connection() as conn:
        timeline = project_timeline(proposal_id, when[0], valid_at=when[1], conn=conn)
    if proposal_id not in timeline.chain_ids:
        raise NotFound("proposal", proposal_id)
    return _view(app, who, timeline, when[0])


@router.get("/decisions/{decision_id}/timeline", response_model_exclude_unset=True)
def get_decision_timeline(
    decision_id: UUID, who: PublicReader, app: CoprodApp, reads: Reads, when: When
) -> TimelineView:
    """The story of the proposal a decision is about, up to and after the decision."""
    with reads.connection() as conn:
        timeline = project_timeline(decision_id, when[0], valid_at=when[1], conn=conn)
    if decision_id not in timeline.decision_ids:
        raise NotFound("decision", decision_id)
    return _view(app, who, timeline, when[0])


def _view(
    app: Coprod, who: Principal | None, timeline: Timeline, as_of: datetime | None
) -> TimelineView:
    """One JSON shape for every kind of id; actor ids only for the full view."""
    public = not _full_view(app, who, timeline)
    view = TimelineView.model_validate(timeline.to_dict(public=public))
    view.community = _community(app, timeline, as_of)
    return view


def _community(app: Coprod, timeline: Timeline, as_of: datetime | None) -> CommunityView | None:
    """The project's contribution head-counts from the latest release at or before `as_of`."""
    releases = app.releases(timeline.process_id)
    try:
        release = latest_at(timeline.process_id, releases, as_of)
    except NotFound:
        return None
    totals = community_totals(json.loads(release.figures), timeline.subject_id)
    return CommunityView.model_validate({"release": release.number, **totals})
