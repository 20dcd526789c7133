"""The impact model's typed facts store exactly the JSON the model always stored.

Why: every impact figure is folded from the stored fact rows; the typed facts replaced dicts
built on the spot, so each kind must encode to the same keys, in the same order, with the same
value texts (dates ISO, amounts decimal text), and decode back to itself.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from types import SimpleNamespace
from uuid import uuid4

import pytest
from eventsourcing.persistence import Tracking

from coprod.domain.values import Money, Role
from projections.impact import facts, handling
from projections.impact.batch import Batch, Caches
from projections.impact.fold import Fold

D = date(2026, 3, 1)

#: Each typed fact beside the stored JSON text the dict-building model wrote for it.
STORED = [
    (facts.Schedule(D), '{"vote_end": "2026-03-01"}'),
    (facts.Schedule(None), '{"vote_end": null}'),
    (facts.HearingPeriod(21), '{"days": 21}'),
    (facts.IdeaFact("ab", "N1", None), '{"submitter": "ab", "area": "N1", "category": null}'),
    (facts.IdeaEnd("merged"), '{"state": "merged"}'),
    (facts.Developed("N1", "parks"), '{"area": "N1", "category": "parks"}'),
    (facts.Assessed(False, "cost"), '{"feasible": false, "reason": "cost"}'),
    (facts.Shortlisted(), '{"state": "shortlisted"}'),
    (facts.NotShortlisted("not_shortlisted", "r"), '{"state": "not_shortlisted", "reason": "r"}'),
    (facts.CaseFact("f1", True), '{"fact": "f1", "needs_hearing": true}'),
    (
        facts.HearingFact("h", ("f1", "f2"), D, date(2026, 2, 1)),
        '{"hearing": "h", "facts": ["f1", "f2"], "deadline": "2026-03-01", '
        '"sent_on": "2026-02-01"}',
    ),
    (facts.Answered("h", D), '{"hearing": "h", "on": "2026-03-01"}'),
    (facts.Exempted(("f1",)), '{"facts": ["f1"]}'),
    (
        facts.DecisionMade(
            "made", "funded_in_full", Decimal("100.50"), False, True, (), D, proposal="p"
        ),
        '{"act": "made", "outcome": "funded_in_full", "amount": "100.50", "adverse": false, '
        '"complete": true, "facts": [], "decided_on": "2026-03-01", "proposal": "p"}',
    ),
    (
        facts.DecisionActed("corrected", "rejected", None, True, False, ("f1",), D),
        '{"act": "corrected", "outcome": "rejected", "amount": null, "adverse": true, '
        '"complete": false, "facts": ["f1"], "decided_on": "2026-03-01"}',
    ),
    (facts.DecisionReopened(), '{"act": "reopened", "outcome": null}'),
    (
        facts.DecisionRevoked("revoked", None, True, D),
        '{"act": "revoked", "outcome": null, "complete": true, "decided_on": "2026-03-01"}',
    ),
    (
        facts.Funded("p", "d", Decimal("5000"), "Bench"),
        '{"proposal": "p", "decision": "d", "approved": "5000", "title": "Bench"}',
    ),
    (facts.MilestoneDue("m1", D), '{"code": "m1", "due_on": "2026-03-01"}'),
    (facts.MilestoneDelayed("m1", D), '{"code": "m1", "due_on": "2026-03-01"}'),
    (facts.MilestoneStarted("m1", D), '{"code": "m1", "on": "2026-03-01"}'),
    (facts.MilestoneMet("m1", D), '{"code": "m1", "on": "2026-03-01"}'),
    (facts.MilestoneCancelled("m1"), '{"code": "m1"}'),
    (facts.Spend("s", Decimal("12.30")), '{"id": "s", "amount": "12.30"}'),
    (facts.SpendCorrected("s", None), '{"id": "s", "amount": null}'),
    (
        facts.Match("m", Decimal("7"), "Trust", D),
        '{"id": "m", "amount": "7", "source": "Trust", "on": "2026-03-01"}',
    ),
    (facts.Completed(D), '{"on": "2026-03-01"}'),
    (facts.Cancelled(), "{}"),
    (facts.CommitmentFact("p", Decimal("250.00")), '{"project": "p", "in_kind": "250.00"}'),
    (facts.CommitmentMet(True), '{"verified": true}'),
    (facts.CommitmentLapsed(), "{}"),
    (facts.Commissioned("t", "c"), '{"tender": "t", "contract": "c"}'),
    (
        facts.CoDesign("Club", "", D, {"residents": 12}),
        '{"need": "Club", "session": "", "held_on": "2026-03-01", "people": {"residents": 12}}',
    ),
    (facts.TenderFact("Running the club"), '{"title": "Running the club"}'),
    (facts.PanelMember("resident"), '{"role": "resident"}'),
]


@pytest.mark.parametrize(("fact", "stored"), STORED, ids=lambda x: type(x).__name__)
def test_a_fact_encodes_to_the_stored_json_and_decodes_back(fact: facts.Fact, stored: str) -> None:
    assert json.dumps(fact.encode()) == stored
    assert facts.decode_fact(fact.kind, json.loads(stored)) == fact


def test_every_kind_has_a_typed_fact_and_the_fold_folds_it() -> None:
    assert {fact.kind for fact, _ in STORED} == facts.kinds()
    assert all(hasattr(Fold, f"_{kind}") for kind in facts.kinds())


def test_a_commitment_met_stored_before_version_3_is_not_verified() -> None:
    assert facts.decode_fact("commitment_met", {}) == facts.CommitmentMet(verified=False)


# -- a few handlers ------------------------------------------------------------------------


def _batch(subject: str, process: str, currency: str = "NOK") -> Batch:
    caches = Caches()
    caches.subjects.add(caches.subjects.buffer(), subject, process, "idea")
    caches.process[process] = [
        "c",
        "n",
        currency,
        None,
        None,
        None,
        5,
        "[]",
        "open",
        None,
        None,
        None,
        None,
        None,
    ]
    return Batch(None, "g", caches)  # type: ignore[arg-type]  # never queried: all cached


def _event(**fields: object) -> SimpleNamespace:
    return SimpleNamespace(
        originator_id=uuid4(), timestamp=datetime(2026, 3, 1, tzinfo=UTC), **fields
    )


@pytest.mark.parametrize(
    ("role", "verified"),
    [(Role.COUNCIL_OFFICER, True), (Role.SYSTEM, True), (Role.COMMUNITY_MEMBER, False)],
)
def test_only_an_officers_mark_certifies_a_commitment(role: Role, verified: bool) -> None:
    event = _event(actor=SimpleNamespace(role=role))
    assert handling._certified(event) == facts.CommitmentMet(verified)


def test_in_kind_value_in_another_currency_is_not_stored() -> None:
    project = uuid4()
    for currency, stored in (("NOK", "250.00"), ("EUR", None)):
        batch = _batch(project.hex, "proc")
        value = SimpleNamespace(fair_value=Money(Decimal("250.00"), currency))
        event = _event(project_id=project, in_kind=value)
        handling._commitment(event, Tracking("app", 7), batch)  # type: ignore[arg-type]
        (row,) = batch.facts
        assert row[:4] == (7, "proc", event.originator_id.hex, "commitment")
        assert json.loads(row[5]) == {"project": project.hex, "in_kind": stored}


def test_an_idea_registers_its_process_and_stores_its_fact() -> None:
    batch = _batch("other", "proc")
    actor = SimpleNamespace(id=uuid4())
    event = _event(
        process_id=SimpleNamespace(hex="proc"), actor=actor, area_code="N1", category=None
    )
    handling._idea(event, Tracking("app", 3), batch)  # type: ignore[arg-type]
    assert batch.subjects.rows == [(event.originator_id.hex, "proc", "proposal")]
    (row,) = batch.facts
    assert row[3] == "idea"
    assert row[5] == json.dumps({"submitter": actor.id.hex, "area": "N1", "category": None})


def test_a_fact_of_a_subject_of_no_known_process_is_not_stored() -> None:
    batch = _batch("other", "proc")
    batch.conn = SimpleNamespace(execute=lambda sql, params: [])  # type: ignore[assignment]
    batch.fact("unknown", Tracking("app", 4), 0, facts.Cancelled())
    assert batch.facts == []
