"""The lists' read models on both stores, checked against the aggregates of the demo: a
group's commitments with their hours, its logs by status, and a process's decisions."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

from api.demo import seed_demo
from api.demo.data import GROUPS
from coprod.application import Coprod
from coprod.domain.commitment import Commitment, Contribution
from coprod.domain.decision import Decision
from coprod.domain.organisation import Organisation
from projections.queries import (
    commitment_terms,
    decision_page,
    group_commitments,
    group_contributions,
)
from projections.registry import Projector
from projections.store import Connection

SEED = 5


def _of_type(app: Coprod, kind: type) -> list[UUID]:
    topic = f"{kind.__qualname__}."
    found = []
    for n in app.recorder.select_notifications(start=1, limit=1_000_000):
        if n.originator_version == 1 and topic in n.topic.split(":")[-1] + ".":
            found.append(n.originator_id)
    return found


def test_the_lists_agree_with_the_aggregates(store_app: Coprod) -> None:
    summary = seed_demo(store_app, seed=SEED)
    with Projector(store_app) as projector:
        projector.catch_up()
    group = Organisation.create_id(slug=f"{GROUPS[0][0]}-{SEED}")
    commitments = [store_app.load(Commitment, i) for i in _of_type(store_app, Commitment)]
    contributions = [store_app.load(Contribution, i) for i in _of_type(store_app, Contribution)]
    ours = {c.id for c in commitments if c.organisation_id == group}
    assert ours
    logs = [w for w in contributions if w.commitment_id in ours]
    with Connection(store_app.settings) as conn:
        rows = group_commitments(conn, group)
        assert {r.commitment_id for r in rows} == ours
        for r in rows:
            mine = [w for w in logs if w.commitment_id == r.commitment_id]
            assert r.logged_hours == sum((w.hours for w in mine), Decimal(0))
            assert r.logs == len(mine)
            terms = commitment_terms(conn, group, r.commitment_id)
            made = next(c for c in commitments if c.id == r.commitment_id)
            assert terms is not None
            assert (terms.project_id, terms.phase, terms.level) == (
                made.project_id,
                made.phase.value,
                made.level.value,
            )
        stranger = Organisation.create_id(slug="nobody-group")
        assert commitment_terms(conn, stranger, rows[0].commitment_id) is None
        verified = group_contributions(conn, group, status="verified", limit=500)
        assert verified.total == sum(1 for w in logs if w.status == "verified")
        every = group_contributions(conn, group, limit=500)
        assert every.total == len(logs)
        first = group_contributions(conn, group, limit=2, offset=0).items
        second = group_contributions(conn, group, limit=2, offset=2).items
        assert not {w.contribution_id for w in first} & {w.contribution_id for w in second}
        other_council = Organisation.create_id(slug="nobody-council")
        assert not group_commitments(conn, group, council_id=other_council)
        decisions = [store_app.load(Decision, i) for i in _of_type(store_app, Decision)]
        in_process = [d for d in decisions if d.process_id == summary.process_id]
        page = decision_page(conn, summary.process_id, limit=500)
        assert page.total == len(in_process)
        assert {r.decision_id for r in page.items} == {d.id for d in in_process}
        outcome = in_process[0].outcome.value
        narrowed = decision_page(conn, summary.process_id, outcome=outcome, limit=500)
        assert narrowed.total == sum(1 for d in in_process if d.outcome.value == outcome)
