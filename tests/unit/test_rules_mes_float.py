"""The float screen behind Add1 must give exactly the winners of exact MES, ties included.

The reference here is written from the definition, voter by voter, in exact fractions (no groups,
no levels, no floats): each round every project whose supporters can still pay for it gets the
least price rho with sum(min(money, rho * sat)) = cost, the cheapest wins (ties to the smaller
id), its supporters pay. Add1 is the plain +1 loop pabutools runs.
"""

from __future__ import annotations

import random
from fractions import Fraction

import pytest

from coprod.domain.rules import Election, ProjectSpec, mes_add1
from coprod.domain.rules.mes import MesSetup, run_mes
from coprod.domain.rules.mes_float import FloatMes, float_mes_winners, names_of


def reference_mes(
    costs: dict[str, int], ballots: list[list[str]], share: Fraction, satisfaction: str
) -> list[str]:
    money = [Fraction(share)] * len(ballots)
    supporters = {p: [i for i, b in enumerate(ballots) if p in b] for p in costs}
    winners = sorted(p for p in costs if costs[p] == 0 and supporters[p])
    left = [p for p in costs if costs[p] > 0 and supporters[p]]
    while True:
        offers: list[tuple[Fraction, str]] = []
        for p in left:
            sat = Fraction(costs[p]) if satisfaction == "cost" else Fraction(1)
            held = sorted(money[i] for i in supporters[p])
            if sum(held) < costs[p]:
                continue
            paid, rich = Fraction(0), len(held)
            for amount in held:  # the poorest pay all they have until the rest can share
                each = (costs[p] - paid) / rich
                if each <= amount:
                    offers.append((each / sat, p))
                    break
                paid += amount
                rich -= 1
        if not offers:
            return winners
        rho, best = min(offers)
        sat = Fraction(costs[best]) if satisfaction == "cost" else Fraction(1)
        for i in supporters[best]:
            money[i] -= min(money[i], rho * sat)
        winners.append(best)
        left.remove(best)


def reference_add1(
    costs: dict[str, int], budget: int, ballots: list[list[str]], satisfaction: str, stop: bool
) -> list[str]:
    buyable = {p for p in costs if costs[p] > 0 and any(p in b for b in ballots)}
    share = Fraction(budget, len(ballots))
    previous: list[str] = sorted(p for p in costs if costs[p] == 0 and any(p in b for b in ballots))
    while True:
        outcome = reference_mes(costs, ballots, share, satisfaction)
        spent = sum(costs[p] for p in outcome)
        if spent > budget:
            return previous
        left = budget - spent
        exhaustive = not any(costs[p] <= left for p in buyable - set(outcome))
        if (stop and exhaustive) or buyable <= set(outcome):
            return outcome
        previous = outcome
        share += 1


def random_election(seed: int) -> tuple[dict[str, int], int, list[list[str]]]:
    rng = random.Random(seed)
    n_projects = rng.randint(2, 7)
    costs = {f"p{j}": rng.choice([0, 1, 2, 3, 5, 8, 12, 20]) for j in range(n_projects)}
    ballots = [[p for p in costs if rng.random() < 0.45] for _ in range(rng.randint(2, 12))]
    budget = rng.randint(1, sum(costs.values()) + 1)
    return costs, budget, ballots


def election_of(costs: dict[str, int], budget: int, ballots: list[list[str]]) -> Election:
    return Election.from_approvals([ProjectSpec(p, c) for p, c in costs.items()], budget, ballots)


@pytest.mark.parametrize("satisfaction", ["cost", "cardinality"])
@pytest.mark.parametrize("stop", [True, False])
def test_add1_equals_the_plus_one_loop_on_random_elections(satisfaction: str, stop: bool) -> None:
    for seed in range(120):
        costs, budget, ballots = random_election(seed)
        expected = reference_add1(costs, budget, ballots, satisfaction, stop)
        result = mes_add1(
            election_of(costs, budget, ballots),
            satisfaction=satisfaction,  # type: ignore[arg-type]
            exhaustive_stop=stop,
        )
        assert list(result.winners) == expected, (seed, costs, budget, ballots)


@pytest.mark.parametrize("satisfaction", ["cost", "cardinality"])
def test_float_screen_equals_exact_mes_or_declines(satisfaction: str) -> None:
    """Grouped ballots with multiplicities, many shares: never a wrong answer."""
    rng = random.Random(7)
    declined = 0
    for _ in range(25):
        costs = {f"q{j:02d}": rng.randint(1, 60) for j in range(rng.randint(4, 12))}
        kinds = [[p for p in costs if rng.random() < 0.35] for _ in range(rng.randint(3, 15))]
        ballots = [b for b in kinds for _ in range(rng.randint(1, 6))]
        election = election_of(costs, sum(costs.values()) // 2, ballots)
        setup = MesSetup.of(election, satisfaction)  # type: ignore[arg-type]
        screen = FloatMes.of(setup)
        for step in range(12):
            share = Fraction(election.budget, len(ballots)) + Fraction(step, 3)
            bought = float_mes_winners(screen, share)
            if bought is None:
                declined += 1
                continue
            exact = reference_mes(costs, ballots, share, satisfaction)
            assert list(names_of(screen, bought)) == exact
            assert names_of(screen, bought) == run_mes(setup, share).winners
    assert declined < 30  # ties it cannot settle are rare, not the rule


def test_an_exact_tie_goes_to_the_smaller_id() -> None:
    # Cost satisfaction, everyone rich: rho = cost / (cost * supporters) = 1/2 for both "a" and
    # "b"; exactly equal, so "a" (smaller id) is bought first, then "b".
    election = election_of({"b": 4, "a": 2}, 6, [["a"], ["a"], ["b"], ["b"]])
    screen = FloatMes.of(MesSetup.of(election, "cost"))
    bought = float_mes_winners(screen, Fraction(3, 2))
    assert bought is not None
    assert names_of(screen, bought) == ("a",)  # b's supporters hold 3 < 4
    bought = float_mes_winners(screen, Fraction(3))
    assert bought is not None
    assert names_of(screen, bought) == ("a", "b")


def test_a_difference_floats_cannot_see_is_settled_exactly() -> None:
    # Cardinality: rho = cost / supporters. 10**16 + 1 and 10**16 are the same float, yet "b" is
    # cheaper by 1/2 and must win although "a" has the smaller id.
    big = 10**16
    election = election_of({"a": big + 1, "b": big}, big, [["a"], ["a"], ["b"], ["b"]])
    screen = FloatMes.of(MesSetup.of(election, "cardinality"))
    bought = float_mes_winners(screen, Fraction(big))
    assert bought is not None
    assert names_of(screen, bought) == ("b", "a")
    assert run_mes(MesSetup.of(election, "cardinality"), Fraction(big)).winners == ("b", "a")


def test_the_hint_changes_the_work_not_the_answer() -> None:
    costs, budget, ballots = random_election(3)
    election = election_of(costs, budget, ballots)
    screen = FloatMes.of(MesSetup.of(election, "cost"))
    share = Fraction(budget, len(ballots)) + 2
    plain = float_mes_winners(screen, share)
    assert plain is not None
    everyone = list(range(len(screen.names)))
    assert float_mes_winners(screen, share, everyone[::-1]) == plain
    assert float_mes_winners(screen, share, plain) == plain
