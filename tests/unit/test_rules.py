"""Hand-computed tiny elections, one per rule and per variant, with the numbers worked out below."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from coprod.domain.errors import InvalidInput
from coprod.domain.rules import (
    BallotKind,
    Election,
    ProjectSpec,
    Verdict,
    borda,
    equal_shares,
    greedy,
    greedy_completion,
    is_exhaustive,
    mes_add1,
    positional_from,
    project_scores,
    sequential_phragmen,
)


def specs(**costs: int) -> list[ProjectSpec]:
    return [ProjectSpec(pid, cost) for pid, cost in costs.items()]


# votes: a 3, b 2, c 2, d 1
GREEDY_BALLOTS = [["a", "b"], ["a", "c"], ["a", "b", "c"], ["d"]]


def test_greedy_skips_what_does_not_fit_and_breaks_ties_by_id() -> None:
    election = Election.from_approvals(specs(a=3, b=2, c=2, d=1), 6, GREEDY_BALLOTS)
    result = greedy(election)
    # a (rem 3), b before c on the tie (rem 1), c does not fit, d fits (rem 0)
    assert result.winners == ("a", "b", "d")
    assert result.total_cost == 6
    c = result.outcome_of("c")
    assert (c.verdict, c.round, c.score, c.remaining_budget) == (Verdict.UNAFFORDABLE, 3, 2, 1)
    assert result.outcome_of("d").verdict is Verdict.SELECTED


def test_greedy_no_skip_stops_at_the_first_project_that_does_not_fit() -> None:
    election = Election.from_approvals(specs(a=3, b=2, c=2, d=1), 6, GREEDY_BALLOTS)
    result = greedy(election, skip=False)
    assert result.winners == ("a", "b")
    assert result.outcome_of("d").verdict is Verdict.NOT_REACHED
    assert result.rule == "greedy-no-skip"


def test_greedy_threshold_makes_low_scores_ineligible() -> None:
    election = Election.from_approvals(specs(a=3, b=2, c=2, d=1), 6, GREEDY_BALLOTS)
    result = greedy(election, threshold=2)
    assert result.winners == ("a", "b")
    assert result.outcome_of("d").verdict is Verdict.BELOW_THRESHOLD


def test_greedy_funds_unsupported_projects_that_fit_like_pabutools() -> None:
    election = Election.from_approvals(specs(a=1, z=1), 5, [["a"]])
    assert greedy(election).winners == ("a", "z")
    assert greedy(election, threshold=1).winners == ("a",)


def test_ties_compare_ids_as_strings() -> None:
    election = Election.from_approvals(specs(**{"9": 1, "10": 1}), 1, [["9", "10"]])
    assert greedy(election).winners == ("10",)


def test_greedy_per_cost_ranks_by_score_per_unit() -> None:
    # a: 3 votes / cost 3 = 1; b: 2 votes / cost 1 = 2 -> b first under per_cost
    election = Election.from_approvals(specs(a=3, b=1), 3, [["a", "b"], ["a", "b"], ["a"]])
    assert greedy(election).winners == ("a",)
    assert greedy(election, per_cost=True).winners == ("b",)


def test_greedy_on_points_and_rankings() -> None:
    points = Election.from_points(specs(a=2, b=2, c=2), 4, [{"a": 1, "b": 4}, {"c": 3, "a": 1}])
    assert project_scores(points) == [2, 4, 3]
    assert greedy(points).winners == ("b", "c")
    ranks = Election.from_rankings(specs(a=1, b=1, c=1), 2, [["a", "b", "c"], ["b", "c"], ["c"]])
    # borda (len-1-pos): a 2, b 1+1, c 0+0+0 ; 3-2-1: a 3, b 2+3, c 1+2+3
    assert project_scores(ranks, borda) == [2, 2, 0]
    assert project_scores(ranks, positional_from(3)) == [3, 5, 6]
    assert greedy(ranks, ordinal=borda).winners == ("a", "b")
    assert greedy(ranks, ordinal=positional_from(3)).winners == ("c", "b")


def test_ordinal_ballots_need_a_scoring_function() -> None:
    ranks = Election.from_rankings(specs(a=1), 1, [["a"]])
    with pytest.raises(InvalidInput, match="ordinal"):
        greedy(ranks)


# MES, 4 voters with 1 each: a (3) by v1 v2; b (2) by v2 v3; c (2) by v3 v4.
MES_BALLOTS = [["a"], ["a", "b"], ["b", "c"], ["c"]]


def test_mes_cost_prices_and_drops_unaffordable_projects() -> None:
    election = Election.from_approvals(specs(a=3, b=2, c=2), 4, MES_BALLOTS)
    result = equal_shares(election)
    # a: supporters hold 2 < 3. b and c: 1 each, rho = 1/2 per unit of cost: tie -> b.
    # then v3 is broke and v4 alone (1) cannot pay c (2).
    assert result.winners == ("b",)
    assert result.outcome_of("b").score == Fraction(1, 2)
    assert result.outcome_of("a").verdict is Verdict.SUPPORTERS_CANNOT_AFFORD
    assert result.outcome_of("c").verdict is Verdict.SUPPORTERS_CANNOT_AFFORD
    assert result.per_voter_budget == 1


def test_mes_cardinality_differs_from_cost() -> None:
    # A (3) by all four, B (1) by v1 v2; each voter holds 1.
    ballots = [["A", "B"], ["A", "B"], ["A"], ["A"]]
    election = Election.from_approvals(specs(A=3, B=1), 4, ballots)
    # cost: A rho 0.75/3 = 1/4 < B 0.5/1 -> A; then v1+v2 hold 0.5 < 1 for B.
    assert equal_shares(election).winners == ("A",)
    # cardinality: B rho 1/2 < A 3/4 -> B; then A: v1, v2 pay 0.5, v3, v4 pay 1 -> rho 1.
    result = equal_shares(election, satisfaction="cardinality")
    assert result.winners == ("B", "A")
    assert result.outcome_of("A").score == 1


def test_mes_funds_supported_free_projects_and_never_unsupported_ones() -> None:
    election = Election.from_approvals(specs(f=0, z=1, x=2), 4, [["f", "x"], ["x"]])
    result = equal_shares(election)
    assert result.winners == ("f", "x")
    assert result.outcome_of("z").verdict is Verdict.UNSUPPORTED


def test_mes_refuses_non_approval_ballots() -> None:
    points = Election.from_points(specs(a=1), 1, [{"a": 1}])
    with pytest.raises(InvalidInput, match="approval"):
        equal_shares(points)


def test_add1_raises_the_share_until_exhaustive() -> None:
    # 3 voters, share 2: x (3) by v1 v2 is bought; y (3) by v3 (2) is not; 3 left -> not exhaustive.
    # share 3: x then y (v3 pays 3): cost 6 = budget and exhaustive.
    election = Election.from_approvals(specs(x=3, y=3), 6, [["x"], ["x"], ["y"]])
    assert equal_shares(election).winners == ("x",)
    result = mes_add1(election)
    assert result.winners == ("x", "y")
    assert result.per_voter_budget == 3
    assert result.rule == "mes-cost+add1"


def test_add1_keeps_the_last_outcome_that_fits() -> None:
    # share 1 -> {b}; share 2 -> a, b (rho 1/2 each, a first by id) costs 5 > 4 -> keep {b}.
    election = Election.from_approvals(specs(a=3, b=2, c=2), 4, MES_BALLOTS)
    result = mes_add1(election)
    assert result.winners == ("b",)
    assert result.per_voter_budget == 1


def test_add1_integral_start_and_no_exhaustive_stop() -> None:
    # budget 7 / 3 voters: share 7/3 vs floor 2; without the exhaustive stop it goes on to share 3.
    election = Election.from_approvals(specs(x=3, y=3), 7, [["x"], ["x"], ["y"]])
    assert mes_add1(election).per_voter_budget == Fraction(10, 3)
    assert mes_add1(election, integral_start=True).per_voter_budget == 3
    assert mes_add1(election, integral_start=True, exhaustive_stop=False).winners == ("x", "y")


def test_greedy_completion_and_exhaustiveness() -> None:
    election = Election.from_approvals(specs(x=3, y=3), 6, [["x"], ["x"], ["y"]])
    mes = equal_shares(election)
    assert not is_exhaustive(election, mes.winners)
    topped = greedy_completion(election, mes)
    assert topped.winners == ("x", "y")
    assert is_exhaustive(election, topped.winners)
    assert topped.rule == "mes-cost+greedy"


def test_phragmen_stops_at_the_first_project_that_does_not_fit() -> None:
    election = Election.from_approvals(specs(a=3, b=2, c=2), 4, MES_BALLOTS)
    result = sequential_phragmen(election)
    # b: load 2/2 = 1 (tie with c, b by id); c: (1 + 2)/2 = 3/2 < a: (0 + 1 + 3)/2 = 2; a: 3 > 0 left.
    assert result.winners == ("b", "c")
    assert result.outcome_of("c").score == Fraction(3, 2)
    assert result.outcome_of("a").verdict is Verdict.UNAFFORDABLE


def test_phragmen_does_not_skip_unlike_greedy() -> None:
    ballots = [["z"], ["z"], ["a"], ["a"], ["y"], ["w"]]
    election = Election.from_approvals(specs(z=2, a=5, y=1, w=3), 6, ballots)
    # loads: y 1/1 and z 2/2 tie (y by id), then z; a 5/2 < w 3/1 but a does not fit the 3 left:
    # Phragmén stops there, so w (which would fit) is never reached.
    result = sequential_phragmen(election)
    assert result.winners == ("y", "z")
    assert result.outcome_of("a").verdict is Verdict.UNAFFORDABLE
    assert result.outcome_of("w").verdict is Verdict.NOT_REACHED
    assert greedy(election).winners == ("a", "y")


def test_multiplicity_counts_like_repeated_ballots() -> None:
    once = Election.from_approvals(specs(a=3, b=2, c=2), 4, [*MES_BALLOTS, ["c"], ["c"]])
    grouped = Election.from_approvals(
        specs(a=3, b=2, c=2), 4, MES_BALLOTS, multiplicity=[1, 1, 1, 3]
    )
    assert equal_shares(once).winners == equal_shares(grouped).winners
    assert project_scores(grouped) == [2, 2, 4]


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: Election.from_approvals(specs(a=1), 1, [["b"]]), "ballots[0]"),
        (lambda: Election.from_approvals([ProjectSpec("a", 1.5)], 1, [["a"]]), "projects[0].cost"),  # type: ignore[arg-type]
        (lambda: Election.from_approvals(specs(a=1) * 2, 1, []), "projects[1].id"),
        (lambda: Election.from_approvals(specs(a=-1), 1, []), "projects[0].cost"),
        (lambda: Election.from_approvals(specs(a=1), Decimal("NaN"), []), "budget"),
        (lambda: Election.from_rankings(specs(a=1), 1, [["a", "a"]]), "ballots[0]"),
        (lambda: Election.from_approvals(specs(a=1), 1, [["a"]], multiplicity=[0]), "multiplicity"),
        (lambda: Election.from_points(specs(a=1), 1, [{"a": 1}], kind=BallotKind.APPROVAL), "kind"),
    ],
)
def test_bad_input_is_refused_with_the_field_named(build: object, field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        build()  # type: ignore[operator]
    assert refused.value.field == field
