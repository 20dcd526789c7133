"""greedy-custom (reserve funding), greedy-exclusive (exclusion groups) and tie reporting,
on small hand-made elections where the answer can be checked by hand, and against pabutools'
greedy with the same tie-break (and its irresolute greedy, which lists every tied outcome)."""

from __future__ import annotations

from fractions import Fraction

import pytest
from pabutools.election import ApprovalBallot, ApprovalProfile, Cost_Sat, Instance, Project
from pabutools.rules import greedy_utilitarian_welfare
from pabutools.tiebreaking import app_score_tie_breaking, lexico_tie_breaking, min_cost_tie_breaking

from coprod.domain.errors import InvalidInput
from coprod.domain.rules import BallotKind, Election, ProjectSpec, TieBreak, Verdict, greedy
from coprod.domain.tally import WHY, why
from coprod.domain.values import Money

FOUR_FIFTHS = Fraction(4, 5)


def approvals(costs: dict[str, int], budget: int, votes: dict[str, int]) -> Election:
    """Each project approved alone by ``votes[pid]`` voters (so scores are exactly ``votes``)."""
    specs = [ProjectSpec(pid, cost) for pid, cost in costs.items()]
    ballots = [[pid] for pid, n in votes.items() if n]
    counts = [n for n in votes.values() if n]
    return Election.from_approvals(specs, budget, ballots, counts)


# -- greedy-custom ---------------------------------------------------------------------------------


def test_the_project_the_run_stops_at_is_funded_from_reserve_when_80_percent_is_left() -> None:
    # Piątkowo 2023 in small: A fits, B does not (656 of 800 left = 82 %), C would fit but the
    # run has stopped.
    e = approvals({"A": 484, "B": 800, "C": 225}, 1140, {"A": 50, "B": 30, "C": 20})
    result = greedy(e, skip=False, reserve=FOUR_FIFTHS)
    assert result.rule == "greedy-custom"
    assert result.winners == ("A", "B")
    assert result.reserve == ("B",)
    assert result.total_cost == 484  # the budget pays A only
    b = result.outcome_of("B")
    assert (b.verdict, b.round, b.remaining_budget, b.detail) == (
        Verdict.FUNDED_FROM_RESERVE,
        2,
        656,
        "80",
    )
    assert result.outcome_of("C").verdict is Verdict.NOT_REACHED


def test_less_than_80_percent_left_funds_nothing_more_and_the_run_stops() -> None:
    e = approvals({"A": 500, "B": 800, "C": 100}, 1100, {"A": 50, "B": 30, "C": 20})
    result = greedy(e, skip=False, reserve=FOUR_FIFTHS)  # 600 of 800 = 75 %
    assert result.winners == ("A",)
    assert result.reserve == ()
    assert result.outcome_of("B").verdict is Verdict.RESERVE_SHORT
    assert result.outcome_of("C").verdict is Verdict.NOT_REACHED


def test_exactly_80_percent_is_enough_and_only_one_project_is_reserve_funded() -> None:
    e = approvals({"A": 200, "B": 1000, "C": 1000}, 1000, {"A": 9, "B": 8, "C": 7})
    result = greedy(e, skip=False, reserve=FOUR_FIFTHS)
    assert result.winners == ("A", "B")
    assert result.reserve == ("B",)
    assert result.outcome_of("C").verdict is Verdict.NOT_REACHED
    assert greedy(e, skip=False, reserve=Fraction(81, 100)).reserve == ()


def test_reserve_needs_a_no_skip_run_and_a_share() -> None:
    e = approvals({"A": 1}, 1, {"A": 1})
    with pytest.raises(InvalidInput):
        greedy(e, reserve=FOUR_FIFTHS)
    with pytest.raises(InvalidInput):
        greedy(e, skip=False, reserve=Fraction(3, 2))


# -- greedy-exclusive ------------------------------------------------------------------------------


def test_a_project_whose_group_has_a_winner_is_skipped_with_the_rival_named() -> None:
    # Bemowo 2022 in small: 773 and 153 cannot both be built; 153 would fit.
    e = approvals(
        {"773": 28, "153": 40, "X": 100, "Y": 10},
        200,
        {"773": 1689, "153": 1304, "X": 1500, "Y": 5},
    )
    assert greedy(e).winners == ("773", "X", "153", "Y")
    result = greedy(e, exclusive=[("773", "153")])
    assert result.rule == "greedy-exclusive"
    assert result.winners == ("773", "X", "Y")
    out = result.outcome_of("153")
    assert (out.verdict, out.detail, out.round) == (Verdict.EXCLUSIVE_CONFLICT, "773", 3)


def test_a_project_in_two_groups_is_checked_against_both() -> None:
    e = approvals({"A": 1, "B": 1, "C": 1, "D": 1}, 10, {"A": 4, "B": 3, "C": 2, "D": 1})
    result = greedy(e, exclusive=[("A", "C"), ("B", "C", "D")])
    assert result.winners == ("A", "B")
    assert result.outcome_of("C").detail == "A"
    assert result.outcome_of("D").detail == "B"


def test_exclusion_groups_name_known_projects_and_two_or_more() -> None:
    e = approvals({"A": 1, "B": 1}, 10, {"A": 1, "B": 1})
    with pytest.raises(InvalidInput, match="unknown project 'Z'"):
        greedy(e, exclusive=[("A", "Z")])
    with pytest.raises(InvalidInput, match="two projects or more"):
        greedy(e, exclusive=[("A",)])


# -- ties ------------------------------------------------------------------------------------------


def test_a_tie_where_the_budget_runs_out_is_reported_with_each_tie_break() -> None:
    # B and C tie on 5 votes with 10 left after A: only one of them fits.
    e = approvals({"A": 10, "B": 8, "C": 6}, 20, {"A": 9, "B": 5, "C": 5})
    by_id = greedy(e)
    assert by_id.winners == ("A", "B")
    assert [t.projects for t in by_id.ties] == [("B", "C")]
    assert by_id.ties[0].score == 5
    assert by_id.tie_break == "smaller project id compared as a string"
    cheaper = greedy(e, tie_break=TieBreak("cheaper"))
    assert cheaper.winners == ("A", "C")
    assert [t.projects for t in cheaper.ties] == [("C", "B")]
    assert cheaper.tie_break == "cheaper project first, then smaller project id"


def test_a_tie_that_changes_nothing_is_not_reported() -> None:
    both_fit = approvals({"A": 10, "B": 4, "C": 4}, 20, {"A": 9, "B": 5, "C": 5})
    assert greedy(both_fit).ties == ()
    neither_fits = approvals({"A": 10, "B": 11, "C": 12}, 20, {"A": 9, "B": 5, "C": 5})
    assert greedy(neither_fits).ties == ()
    # Without skipping, a tie between one that fits and one that does not decides the stop.
    mixed = approvals({"A": 10, "B": 8, "C": 12}, 20, {"A": 9, "B": 5, "C": 5})
    assert greedy(mixed).ties == ()
    assert [t.projects for t in greedy(mixed, skip=False).ties] == [("B", "C")]


def test_more_supporters_first_counts_voters_not_points() -> None:
    # Cumulative: B and C both get 6 points, B from one voter, C from three.
    specs = [ProjectSpec("A", 10), ProjectSpec("B", 8), ProjectSpec("C", 8)]
    ballots = [{"A": 10, "B": 6}, {"C": 2}, {"C": 2}, {"C": 2}]
    e = Election.from_points(specs, 20, ballots, BallotKind.CUMULATIVE)
    assert greedy(e).winners == ("A", "B")
    result = greedy(e, tie_break=TieBreak("supporters"))
    assert result.winners == ("A", "C")
    assert [t.projects for t in result.ties] == [("C", "B")]


def test_a_lottery_is_redrawn_the_same_from_its_recorded_seed() -> None:
    ids = [f"P{n}" for n in range(8)]
    e = approvals(dict.fromkeys(ids, 10), 30, dict.fromkeys(ids, 1))
    draws = {greedy(e, tie_break=TieBreak("lottery", seed)).winners for seed in range(12)}
    assert len(draws) > 1  # the seed matters
    first = greedy(e, tie_break=TieBreak("lottery", 7))
    assert first.winners == greedy(e, tie_break=TieBreak("lottery", 7)).winners
    assert first.tie_break == "lottery drawn with seed 7"
    assert len(first.ties) == 1
    assert len(first.ties[0].projects) == 8
    with pytest.raises(InvalidInput, match="needs a seed"):
        TieBreak("lottery")
    with pytest.raises(InvalidInput, match="only a lottery"):
        TieBreak("cheaper", 3)
    with pytest.raises(InvalidInput, match="known"):
        TieBreak("coin")


def _pabutools(e: Election, tie_breaking: object, resolute: bool = True) -> object:
    projects = {p.id: Project(p.id, p.cost) for p in e.projects}
    instance = Instance(projects.values(), budget_limit=e.budget)
    profile = ApprovalProfile(instance=instance)
    for v in range(e.n_ballots):
        ballot = [e.ids[i] for i in e.indices[e.indptr[v] : e.indptr[v + 1]]]
        for _ in range(int(e.multiplicity[v])):
            profile.append(ApprovalBallot(projects[pid] for pid in ballot))
    return greedy_utilitarian_welfare(
        instance, profile, sat_class=Cost_Sat, tie_breaking=tie_breaking, resoluteness=resolute
    )


CASES = [
    ({"A": 10, "B": 8, "C": 6}, 20, {"A": 9, "B": 5, "C": 5}),
    ({"A": 10, "B": 4, "C": 4}, 20, {"A": 9, "B": 5, "C": 5}),
    ({"A": 7, "B": 3, "C": 5, "D": 4}, 12, {"A": 2, "B": 2, "C": 2, "D": 2}),
    ({"A": 5, "B": 6, "C": 7, "D": 3}, 13, {"A": 3, "B": 1, "C": 1, "D": 1}),
]


@pytest.mark.parametrize("case", CASES)
def test_winners_and_ties_agree_with_pabutools(case: tuple) -> None:
    """Same winners under the smaller id, cheaper first and more supporters first; a tie is
    reported exactly when pabutools' irresolute greedy finds more than one outcome."""
    e = approvals(*case)
    for policy, rule in (
        ("id", lexico_tie_breaking),
        ("cheaper", min_cost_tie_breaking),
        ("supporters", app_score_tie_breaking),
    ):
        ours = greedy(e, tie_break=TieBreak(policy))
        theirs = _pabutools(e, rule)
        assert ours.winner_set == {p.name for p in theirs}, policy  # type: ignore[attr-defined]
    every = _pabutools(e, lexico_tie_breaking, resolute=False)
    distinct = {frozenset(p.name for p in alloc) for alloc in every}  # type: ignore[attr-defined]
    assert bool(greedy(e).ties) == (len(distinct) > 1)


# -- reasons ---------------------------------------------------------------------------------------


def test_the_reasons_say_reserve_short_and_rival() -> None:
    e = approvals({"A": 484, "B": 800, "C": 225}, 1140, {"A": 50, "B": 30, "C": 20})
    result = greedy(e, skip=False, reserve=FOUR_FIFTHS)
    pln = Money.of(800, "PLN")
    reserve = why(result.outcome_of("B"), pln, "score", None)
    assert reserve.code == "in-reserve"
    assert reserve.text == (
        "in: ranked 2 with score 30; its cost 800 PLN exceeded the 656 left, but at least 80% "
        "of it was left, so it is funded from reserve funds"
    )
    short = greedy(e, skip=False, reserve=Fraction(9, 10)).outcome_of("B")
    assert why(short, pln, "score", None).code == "out-reserve-short"
    assert "less than the 90% needed" in why(short, pln, "score", None).text
    x = approvals({"A": 1, "B": 1}, 10, {"A": 2, "B": 1})
    rival = greedy(x, exclusive=[("A", "B")]).outcome_of("B")
    text = why(rival, Money.of(1, "PLN"), "score", None)
    assert text.code == "out-exclusive"
    assert (
        text.text
        == "out: ranked 2 with score 1, but it cannot be built together with A, which was selected first"
    )
    assert {"in-reserve", "out-reserve-short", "out-exclusive"} <= set(WHY)
