"""The officers' queues list exactly what waits in one council, on both stores.

Each queue is built from its own chain over HTTP (the same use cases the console calls),
and the other council's objects must never show. Acting on an item moves it off its queue.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta

import pytest

from api.reads import ReadStore
from projections.queries import Queues, council_queues
from projections.store import Connection
from tests.api.scenario import TODAY, Scenario, running_scenario


@pytest.fixture
def s(store_url: str) -> Iterator[Scenario]:
    # the app's own projection worker on both stores, as when serving
    with running_scenario(store_url, worker=True) as running:
        yield running


def _queues(s: Scenario, council: uuid.UUID, today: object = TODAY) -> Queues:
    reads: ReadStore = s.api.state.reads
    reads.wait_for(s.coprod.recorder.max_notification_id())
    with Connection(s.coprod.settings) as conn:
        return council_queues(conn, council, today)  # type: ignore[arg-type]


def _ids(queue: object) -> set[str]:
    items = getattr(queue, "items")  # noqa: B009 - any queue's rows
    return {
        str(getattr(i, "contribution_id", None) or getattr(i, "hearing_id", None) or i.proposal_id)
        for i in items
    }


def test_each_queue_holds_its_council_s_waiting_work(s: Scenario) -> None:
    idea = s.idea("own")
    review = s.proposal("own", "review")
    hearing = s.hearing("own")
    decide = s.proposal("own", "decision")
    early = s.proposal("own", "shortlisted")  # its process is still in review: not yet
    work = s.contribution("own")
    s.idea("other")
    s.contribution("other")
    s.proposal("other", "decision")
    q = _queues(s, s.councils["own"])
    assert _ids(q.ideas) == {idea["proposal"]}
    # the hearing's proposal is under review too, so it waits for assessment as well
    assert _ids(q.proposals) == {review["proposal"], hearing["proposal"]}
    assert _ids(q.hearings_waiting) == {hearing["hearing"]}
    assert q.hearings_overdue.total == 0
    # the proposal in the decision phase is shortlisted; the funded one has its decision;
    # the shortlisted one whose process is in review cannot be decided yet
    assert _ids(q.decisions) == {decide["proposal"]}
    assert _ids(q.contributions) == {work["contribution"]}
    assert q.contributions.items[0].hours == 2.5
    assert q.contributions.total == 1
    assert q.position > 0
    assert {str(pid) for pid, _ in q.processes} == {
        ids["process"] for ids in (idea, review, hearing, decide, early, work)
    }
    assert [str(pid) for pid, _ in q.projects] == [work["project"]]
    later = _queues(s, s.councils["own"], TODAY + timedelta(days=15))
    assert _ids(later.hearings_overdue) == {hearing["hearing"]}
    assert later.hearings_overdue.items[0].overdue
    assert later.hearings_waiting.total == 0


def test_acting_moves_work_off_its_queue(s: Scenario) -> None:
    work = s.contribution("own")
    hearing = s.hearing("own")
    officer = s.officer("own")
    s.post(f"/contributions/{work['contribution']}/verify", officer)
    answer = {"answered_on": str(TODAY), "response_ref": "Journal 7"}
    s.post(
        f"/proposals/{hearing['proposal']}/hearings/{hearing['hearing']}/answer", officer, answer
    )
    q = _queues(s, s.councils["own"])
    assert q.contributions.total == 0
    assert q.hearings_waiting.total == q.hearings_overdue.total == 0
    other = _queues(s, s.councils["other"])
    assert (other.contributions.total, other.ideas.total, other.decisions.total) == (0, 0, 0)
