"""Counting a closed vote: each rule on a small hand-made election, the explanations, the record."""

from __future__ import annotations

import dataclasses
import hashlib
import uuid
from uuid import UUID

import pytest

from coprod.application import Coprod
from coprod.application.commands.ballots import CastBallot
from coprod.application.commands.outcomes import RecordOutcome
from coprod.application.commands.processes import (
    AdvancePhase,
    CloseBallot,
    OpenProcess,
    SetBudget,
    SetRules,
)
from coprod.application.commands.proposals import (
    AssessFeasibility,
    DevelopProposal,
    OpenBallot,
    Shortlist,
    SubmitIdea,
)
from coprod.domain.ballot import Ballot, BallotChannel
from coprod.domain.errors import AlreadyExists, InvalidInput, NotFound, PhaseError, RuleViolation
from coprod.domain.outcome import Outcome
from coprod.domain.phases import Phase
from coprod.domain.process import Process
from coprod.domain.tally import compute
from coprod.domain.values import Actor, Money
from coprod.domain.voting import BallotChoices, SelectionRule, VoteMethod, VotingRules

COSTS = {"A": 600, "B": 550, "C": 300, "D": 200}
#: 8 voters, budget 1000 DKK. Votes: A 6, B 5, C 2, D 1.
APPROVALS = (("A", "B"),) * 4 + (("A",),) * 2 + (("B", "C"), ("C", "D"))


def dkk(amount: int) -> Money:
    return Money.of(amount, "DKK")


def pseudonym(n: int) -> str:
    return hashlib.sha256(f"voter-{n}".encode()).hexdigest()


def make_vote(
    app: Coprod,
    officer: Actor,
    council_id: UUID,
    selection: SelectionRule,
    voting: VotingRules | None = None,
) -> tuple[UUID, dict[str, UUID]]:
    """A process with proposals A-D on the ballot paper, the ballot open."""
    pid = app.open_process(
        OpenProcess(council_id=council_id, code="pb-2026", name="PB 2026", currency="DKK"), officer
    ).aggregate_id
    app.set_budget(SetBudget(process_id=pid, pot=dkk(1000)), officer)
    app.set_rules(
        SetRules(
            process_id=pid, voting=voting or VotingRules(VoteMethod.APPROVAL), selection=selection
        ),
        officer,
    )
    ids: dict[str, UUID] = {}
    for name, cost in COSTS.items():
        prop = app.submit_idea(
            SubmitIdea(process_id=pid, title=f"Project {name}", description=f"Idea {name}"), officer
        ).aggregate_id
        app.develop_proposal(
            DevelopProposal(
                proposal_id=prop, cost_estimate=dkk(cost), area_code="whole", category="parks"
            ),
            officer,
        )
        ids[name] = prop
    app.advance_phase(AdvancePhase(process_id=pid, to_phase=Phase.REVIEW), officer)
    for name, prop in ids.items():
        app.assess_feasibility(
            AssessFeasibility(
                proposal_id=prop, feasible=True, reason="feasible", assessed_cost=dkk(COSTS[name])
            ),
            officer,
        )
        app.shortlist(Shortlist(proposal_id=prop), officer)
    app.advance_phase(AdvancePhase(process_id=pid, to_phase=Phase.VOTE), officer)
    app.open_ballot(OpenBallot(process_id=pid, proposal_ids=tuple(ids.values())), officer)
    return pid, ids


def cast(app: Coprod, officer: Actor, pid: UUID, choices: list[BallotChoices]) -> None:
    for n, choice in enumerate(choices):
        app.cast_ballot(
            CastBallot(
                process_id=pid,
                voter_pseudonym=pseudonym(n),
                choices=choice,
                channel=BallotChannel.ONLINE,
            ),
            officer,
        )


def approval_vote(
    app: Coprod, officer: Actor, council_id: UUID, selection: SelectionRule, close: bool = True
) -> tuple[UUID, dict[str, UUID]]:
    pid, ids = make_vote(app, officer, council_id, selection)
    cast(
        app,
        officer,
        pid,
        [BallotChoices(approvals=tuple(ids[n] for n in names)) for names in APPROVALS],
    )
    if close:
        app.close_ballot(CloseBallot(process_id=pid), officer)
    return pid, ids


def winners(app: Coprod, pid: UUID, ids: dict[str, UUID], rule: str, **kw: int) -> list[str]:
    names = {str(v): k for k, v in ids.items()}
    return [names[w] for w in app.compute_outcome(pid, rule, **kw).tally.result.winners]


def why(app: Coprod, pid: UUID, ids: dict[str, UUID], rule: str) -> dict[str, str]:
    names = {str(v): k for k, v in ids.items()}
    tally = app.compute_outcome(pid, rule).tally
    return {names[p]: text for p, text in tally.explanations()}


@pytest.fixture
def vote(app: Coprod, officer: Actor, council_id: UUID) -> tuple[UUID, dict[str, UUID]]:
    return approval_vote(app, officer, council_id, SelectionRule("mes_cost", "add1", min_votes=3))


# -- each rule -------------------------------------------------------------------------------


def test_greedy_skips_what_does_not_fit_and_explains_each_project(
    app: Coprod, vote: tuple[UUID, dict[str, UUID]]
) -> None:
    pid, ids = vote
    assert winners(app, pid, ids, "greedy") == ["A", "C"]
    counted = app.compute_outcome(pid, "greedy")
    assert counted.tally.total_cost == dkk(900)
    assert dict(counted.tally.scores) == {
        str(ids[n]): s for n, s in zip("ABCD", (6, 5, 2, 1), strict=True)
    }
    assert why(app, pid, ids, "greedy") == {
        "A": "in: ranked 1 with score 6; its cost 600 DKK fit, leaving 400",
        "B": "out: ranked 2 with score 5, but its cost 550 DKK exceeded the 400 left",
        "C": "in: ranked 3 with score 2; its cost 300 DKK fit, leaving 100",
        "D": "out: ranked 4 with score 1, but its cost 200 DKK exceeded the 100 left",
    }


def test_greedy_no_skip_stops_at_the_first_project_that_does_not_fit(
    app: Coprod, vote: tuple[UUID, dict[str, UUID]]
) -> None:
    pid, ids = vote
    assert winners(app, pid, ids, "greedy-no-skip") == ["A"]
    assert why(app, pid, ids, "greedy-no-skip")["C"] == (
        "out: ranked 3 with score 2; the rule stopped at an earlier project that did not fit "
        "(no skipping)"
    )


def test_greedy_threshold_uses_the_declared_threshold_or_the_given_one(
    app: Coprod, vote: tuple[UUID, dict[str, UUID]]
) -> None:
    pid, ids = vote
    assert winners(app, pid, ids, "greedy-threshold") == ["A"]  # declared min_votes=3
    assert why(app, pid, ids, "greedy-threshold")["C"] == "out: score 2 is below the threshold of 3"
    assert winners(app, pid, ids, "greedy-threshold", threshold=1) == ["A", "C"]
    with pytest.raises(InvalidInput, match="threshold: must not be negative"):
        app.compute_outcome(pid, "greedy-threshold", threshold=-1)


def test_greedy_threshold_without_any_threshold_is_refused(
    app: Coprod, officer: Actor, council_id: UUID
) -> None:
    pid, _ = approval_vote(app, officer, council_id, SelectionRule("greedy"))
    with pytest.raises(InvalidInput, match="threshold: the process declares no vote threshold"):
        app.compute_outcome(pid, "greedy-threshold")


def test_mes_cost_buys_by_price_and_explains_unaffordable_supporters(
    app: Coprod, vote: tuple[UUID, dict[str, UUID]]
) -> None:
    pid, ids = vote
    assert winners(app, pid, ids, "mes-cost") == ["A"]
    explained = why(app, pid, ids, "mes-cost")
    assert explained["A"].startswith("in: bought in round 1; its supporters paid 0.1667 per unit")
    assert explained["C"] == (
        "out: in round 1 its supporters' remaining equal shares could no longer pay its cost "
        "300 DKK"
    )
    assert explained["B"].startswith("out: in round 2 its supporters' remaining equal shares")


def test_mes_cardinality(app: Coprod, vote: tuple[UUID, dict[str, UUID]]) -> None:
    pid, ids = vote
    assert winners(app, pid, ids, "mes-cardinality") == ["A"]
    assert why(app, pid, ids, "mes-cardinality")["A"].startswith(
        "in: bought in round 1; its supporters paid 100 per unit"
    )


def test_mes_add1_raises_the_share_until_the_outcome_is_exhaustive(
    app: Coprod, vote: tuple[UUID, dict[str, UUID]]
) -> None:
    pid, ids = vote
    assert winners(app, pid, ids, "mes-add1") == ["A", "C"]
    assert app.compute_outcome(pid, "mes-add1").tally.result.per_voter_budget == 150


def test_phragmen_explains_loads(app: Coprod, vote: tuple[UUID, dict[str, UUID]]) -> None:
    pid, ids = vote
    assert winners(app, pid, ids, "phragmen") == ["A", "C"]
    explained = why(app, pid, ids, "phragmen")
    assert explained["A"] == "in: bought in round 1 at a maximal voter load of 100; 400 left"
    assert explained["B"] == (
        "out: when the rule stopped (round 3) its cost 550 DKK exceeded the 100 left"
    )


def test_declared_uses_the_selection_rule_declared_before_the_vote(
    app: Coprod, vote: tuple[UUID, dict[str, UUID]]
) -> None:
    pid, ids = vote
    counted = app.compute_outcome(pid, "declared")
    assert (counted.tally.rule, counted.tally.applied) == ("declared", "mes-add1")
    assert ("declared", "mes_cost/add1/3") in counted.tally.parameters
    assert winners(app, pid, ids, "declared") == ["A", "C"]


@pytest.mark.parametrize(
    ("selection", "applied"),
    [
        (SelectionRule("greedy"), "greedy"),
        (SelectionRule("greedy", min_votes=3), "greedy-threshold"),
        (SelectionRule("greedy_no_skip"), "greedy-no-skip"),
        (SelectionRule("mes_cost"), "mes-cost"),
        (SelectionRule("mes_cardinality"), "mes-cardinality"),
        (SelectionRule("phragmen"), "phragmen"),
        (SelectionRule("mes_cost", "add1-comparison"), "mes-add1-comparison"),
        (SelectionRule("mes_cost", "comparison"), "mes-cost-comparison"),
    ],
)
def test_each_declared_selection_rule_maps_to_a_rule(
    app: Coprod, officer: Actor, council_id: UUID, selection: SelectionRule, applied: str
) -> None:
    pid, _ = approval_vote(app, officer, council_id, selection)
    assert app.compute_outcome(pid, "declared").tally.applied == applied


def test_a_council_selected_process_has_no_declared_rule_to_compute(
    app: Coprod, officer: Actor, council_id: UUID
) -> None:
    pid, ids = approval_vote(app, officer, council_id, SelectionRule("council"))
    with pytest.raises(RuleViolation, match="declared 'council'") as refused:
        app.compute_outcome(pid, "declared")
    assert refused.value.rule == "declared-rule"
    assert winners(app, pid, ids, "greedy") == ["A", "C"]  # a named rule still works


def test_ranked_ballots_are_scored_positionally_from_the_declared_length(
    app: Coprod, officer: Actor, council_id: UUID
) -> None:
    rules = VotingRules(VoteMethod.RANKED, max_choices=2)
    pid, ids = make_vote(app, officer, council_id, SelectionRule("greedy"), rules)
    rankings = [("C", "A")] * 3 + [("A", "B")] * 2 + [("D",)]
    cast(app, officer, pid, [BallotChoices(ranking=tuple(ids[n] for n in r)) for r in rankings])
    app.close_ballot(CloseBallot(process_id=pid), officer)
    counted = app.compute_outcome(pid, "greedy")
    scores = {k: dict(counted.tally.scores)[str(v)] for k, v in ids.items()}
    assert scores == {"A": 3 + 4, "B": 2, "C": 6, "D": 2}  # 2 points first, 1 second
    assert ("ordinal_scoring", "positional from 2") in counted.tally.parameters
    assert winners(app, pid, ids, "greedy") == ["A", "C"]
    with pytest.raises(RuleViolation, match="needs approval ballots, not ordinal"):
        app.compute_outcome(pid, "mes-cost")


def test_cumulative_ballots_count_points(app: Coprod, officer: Actor, council_id: UUID) -> None:
    rules = VotingRules(VoteMethod.CUMULATIVE, points=5)
    pid, ids = make_vote(app, officer, council_id, SelectionRule("greedy"), rules)
    ballots = [{"B": 5}, {"B": 3, "D": 2}, {"A": 1, "C": 4}]
    cast(
        app,
        officer,
        pid,
        [BallotChoices(points=tuple((ids[n], p) for n, p in b.items())) for b in ballots],
    )
    app.close_ballot(CloseBallot(process_id=pid), officer)
    assert winners(app, pid, ids, "greedy") == ["B", "C"]  # B 8, C 4, D 2 (no room), A 1


# -- refusals --------------------------------------------------------------------------------


def test_an_open_ballot_is_not_counted_and_nothing_is_recorded(
    app: Coprod, officer: Actor, council_id: UUID
) -> None:
    pid, _ = approval_vote(app, officer, council_id, SelectionRule("greedy"), close=False)
    before = app.recorder.max_notification_id()
    with pytest.raises(PhaseError, match=r"ballot of process .* is open; close it before counting"):
        app.compute_outcome(pid, "greedy")
    with pytest.raises(PhaseError, match="is open"):
        app.record_outcome(RecordOutcome(process_id=pid, rule="greedy"), officer)
    assert app.recorder.max_notification_id() == before
    assert not app.exists(Outcome.create_id(pid, "greedy"))


def test_unknown_process_and_unknown_rule_are_refused(
    app: Coprod, vote: tuple[UUID, dict[str, UUID]]
) -> None:
    with pytest.raises(NotFound, match="no process with id"):
        app.compute_outcome(uuid.uuid4(), "greedy")
    with pytest.raises(InvalidInput, match="rule: 'borda'; known: greedy, greedy-no-skip"):
        app.compute_outcome(vote[0], "borda")


# -- the record ------------------------------------------------------------------------------


def test_recording_pins_the_rule_the_ballots_and_the_winners(
    app: Coprod, officer: Actor, vote: tuple[UUID, dict[str, UUID]]
) -> None:
    pid, ids = vote
    position = app.recorder.max_notification_id()
    receipt = app.record_outcome(
        RecordOutcome(process_id=pid, rule="greedy-threshold", threshold=2), officer
    )
    assert receipt.aggregate_id == Outcome.create_id(pid, "greedy-threshold")
    outcome = app.get_outcome(pid, "greedy-threshold")
    ballot_ids = [Ballot.create_id(pid, pseudonym(n)) for n in range(len(APPROVALS))]
    digest = hashlib.sha256(b"".join(b.bytes for b in ballot_ids)).hexdigest()
    assert (outcome.process_id, outcome.rule, outcome.applied) == (
        pid,
        "greedy-threshold",
        "greedy-threshold",
    )
    assert ("threshold", "2") in outcome.parameters
    assert ("tie_break", "smaller project id compared as a string") in outcome.parameters
    assert ("project_ids", "proposal") in outcome.parameters
    assert (outcome.counted_up_to, outcome.ballots, outcome.ballots_sha256) == (
        position,
        8,
        digest,
    )
    assert outcome.tally == tuple((ids[n], s) for n, s in zip("ABCD", (6, 5, 2, 1), strict=True))
    assert outcome.winners == (ids["A"], ids["C"])
    assert outcome.total_cost == dkk(900)
    stored = list(app.events.get(outcome.id))
    assert [type(e) for e in stored] == [Outcome.Computed]
    assert isinstance(stored[0], Outcome.Computed)
    assert stored[0].actor == officer


def test_recording_the_same_rule_twice_is_already_exists_and_writes_nothing(
    app: Coprod, officer: Actor, vote: tuple[UUID, dict[str, UUID]]
) -> None:
    pid, _ = vote
    app.record_outcome(RecordOutcome(process_id=pid, rule="declared"), officer)
    before = app.recorder.max_notification_id()
    with pytest.raises(AlreadyExists, match=r"outcome .* already exists"):
        app.record_outcome(RecordOutcome(process_id=pid, rule="declared"), officer)
    assert app.recorder.max_notification_id() == before
    app.record_outcome(
        RecordOutcome(process_id=pid, rule="greedy"), officer
    )  # another rule is another record


def test_the_record_refuses_winners_off_the_paper_or_over_the_pot(
    app: Coprod, officer: Actor, vote: tuple[UUID, dict[str, UUID]]
) -> None:
    pid, ids = vote
    process = app.load(Process, pid)
    tally = app.compute_outcome(pid, "greedy").tally
    over = dataclasses.replace(
        tally, result=dataclasses.replace(tally.result, winners=(str(ids["A"]), str(ids["B"])))
    )
    with pytest.raises(RuleViolation, match="winners cost 1150 DKK, over the pot") as refused:
        Outcome.record(officer, process, over, 1, "0" * 64)
    assert refused.value.rule == "budget"
    with pytest.raises(InvalidInput, match="ballots_sha256: must be a SHA-256 hex digest"):
        Outcome.record(officer, process, tally, 1, "not-a-digest")


def test_compute_is_pure_over_the_process_and_ballots(
    app: Coprod, vote: tuple[UUID, dict[str, UUID]]
) -> None:
    """The tally module needs no store: the same numbers from a process and a list of ballots."""
    pid, ids = vote
    process = app.load(Process, pid)
    ballots = [BallotChoices(approvals=tuple(ids[n] for n in names)) for names in APPROVALS]
    public = {v: k for k, v in ids.items()}
    tally = compute("greedy", process, ballots, public)
    assert tally.result.winners == ("A", "C")
    assert tally.winner_proposals == (ids["A"], ids["C"])


def test_recording_hands_back_its_count_from_one_load_of_the_process(
    app: Coprod,
    officer: Actor,
    vote: tuple[UUID, dict[str, UUID]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``coprod outcome --record`` shows the count it recorded: the process is loaded once."""
    pid, _ = vote
    expected = app.compute_outcome(pid, "greedy")
    loads: list[UUID] = []
    original = app.repository.get

    def counting(aggregate_id: UUID, *args: object, **kwargs: object) -> object:
        loads.append(aggregate_id)
        return original(aggregate_id, *args, **kwargs)

    monkeypatch.setattr(app.repository, "get", counting)
    receipt = app.record_outcome(RecordOutcome(process_id=pid, rule="greedy"), officer)
    assert loads.count(pid) == 1
    assert receipt.counted.tally == expected.tally
    assert receipt.counted.ballots_sha256 == expected.ballots_sha256
