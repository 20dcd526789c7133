"""The catalogue lists every idea of a process exactly as its aggregate stands, on both stores.

The aggregates are the truth; the catalogue is a copy kept for fast filtered lists. Seeding
the demo gives ideas in every state (merged, withdrawn, unfeasible, not shortlisted,
funded, rejected, completed and cancelled projects), and each row must match its aggregate.
"""

from __future__ import annotations

from uuid import UUID

import pytest

from api.demo import seed_demo
from api.demo.data import demo_process_id
from coprod.application import Coprod
from coprod.domain.errors import InvalidInput
from coprod.domain.project import Project
from coprod.domain.proposal import Proposal
from projections.catalogue import CaseFilter, case_facets, case_page
from projections.registry import Projector
from projections.store import Connection


def _ids(app: Coprod, topic_end: str) -> list[UUID]:
    return [
        n.originator_id
        for n in app.recorder.select_notifications(start=None, limit=1_000_000)
        if n.topic.endswith(topic_end)
    ]


def test_every_row_matches_its_aggregate(store_app: Coprod) -> None:
    seed_demo(store_app, seed=7)
    process_id = demo_process_id(7)
    with Projector(store_app) as projector:
        projector.catch_up()
    with Connection(store_app.settings) as conn:
        page = case_page(conn, process_id, limit=500)
        projects = case_page(conn, process_id, CaseFilter(projects=True), limit=500)
        facets = case_facets(conn, process_id)
    # the demo's second process (in its vote) has ideas too: keep this process's
    ideas = [
        i
        for i in _ids(store_app, "IdeaSubmitted")
        if store_app.load(Proposal, i).process_id == process_id
    ]
    assert page.total == len(ideas) == len(page.items)
    assert page.position > 0
    rows = {row.proposal_id: row for row in page.items}
    statuses = set()
    for proposal_id in ideas:
        proposal = store_app.load(Proposal, proposal_id)
        row = rows[proposal_id]
        assert (row.title, row.stage, row.status) == (
            proposal.title,
            proposal.stage,
            proposal.status,
        )
        assert (row.area, row.category) == (proposal.area_code, proposal.category)
        statuses.add(row.status)
    assert {"merged", "funded_in_full", "rejected"} <= statuses
    # a co-commissioned project delivers a contract, not a proposal: it is no case
    funded = [
        p
        for p in _ids(store_app, "ProjectFunded")
        if store_app.load(Project, p).proposal_id in rows
    ]
    assert projects.total == len(funded) > 0
    for project_id in funded:
        project = store_app.load(Project, project_id)
        row = rows[project.proposal_id]
        assert row.project_id == project_id
        assert row.project_status == project.status.value
        assert row.approved == project.approved.amount
    assert sum(n for _, n in facets.statuses) == page.total
    assert [r.title for r in page.items] == sorted(r.title for r in page.items)


def test_filters_narrow_the_list(store_app: Coprod) -> None:
    seed_demo(store_app, seed=7)
    process_id = demo_process_id(7)
    with Projector(store_app) as projector:
        projector.catch_up()
    with Connection(store_app.settings) as conn:
        facets = case_facets(conn, process_id, projects=True)
        area, in_area = facets.areas[0]
        page = case_page(conn, process_id, CaseFilter(area=area, projects=True), limit=500)
        assert page.total == in_area
        assert {r.area for r in page.items} == {area}
        status, with_status = facets.statuses[0]
        page = case_page(conn, process_id, CaseFilter(status=status, projects=True))
        assert page.total == with_status
        assert {r.project_status for r in page.items} == {status}
        second = case_page(conn, process_id, limit=2, offset=2)
        first = case_page(conn, process_id, limit=4)
        assert second.items == first.items[2:4]
        with pytest.raises(InvalidInput):
            case_page(conn, process_id, limit=0)
