"""Completions: MES alone rarely spends the whole budget, so cities top it up.

"Add1" raises every voter's starting share by one currency unit and re-runs MES, keeping the last
outcome that still fits the budget. Two details change real outcomes (see the pabulib notes):
whether the first share is budget/n or floor(budget/n) (``integral_start``), and whether the
loop also stops at the first exhaustive outcome (``exhaustive_stop``; pabutools'
``method_of_equal_shares(..., voter_budget_increment=1)`` does, pabulib-checker does not).
Exhaustiveness there is judged among the projects MES could buy (supported, positive cost), as
pabutools does. The loop still tries every share one unit apart, like pabutools, but each try is
the certified float run of :mod:`coprod.domain.rules.mes_float` (exact MES's purchases, or a refusal
that falls back to the exact run), so the result equals the exact +1 loop's; the share it settles
on is then recomputed exactly for the explanations.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable
from fractions import Fraction
from typing import TypedDict, Unpack

import numpy as np

from coprod.domain.errors import InvalidInput
from coprod.domain.rules.greedy import greedy
from coprod.domain.rules.mes import MesSetup, Satisfaction, run_mes
from coprod.domain.rules.mes_float import FloatMes, float_mes_winners, names_of
from coprod.domain.rules.model import BallotKind, Election, OrdinalScoring, RuleResult


def is_exhaustive(
    election: Election, winners: Iterable[str], among: Collection[str] | None = None
) -> bool:
    """True when no further project (of ``among``, default all) fits in what is left."""
    ids, costs = election.ids, election.costs
    chosen = set(winners)
    unknown = chosen - set(ids)
    if unknown:
        raise InvalidInput("winners", f"names unknown project {sorted(unknown)[0]!r}")
    left = election.budget - sum(
        (costs[j] for j in range(len(ids)) if ids[j] in chosen), Fraction(0)
    )
    pool = set(ids) if among is None else set(among)
    return not any(
        ids[j] in pool and ids[j] not in chosen and costs[j] <= left for j in range(len(ids))
    )


class Add1Loop(TypedDict, total=False):
    """How the Add1 loop runs; the two first details change real outcomes (module docstring).

    A keyword group rather than more parameters: callers still write
    ``mes_add1(e, exhaustive_stop=False)``, type-checked, within the parameter budget.
    ``integral_start`` (default False): start at floor(budget/n) instead of budget/n.
    ``exhaustive_stop`` (default True): also stop at the first exhaustive outcome.
    ``step`` (default 1): how much each try raises the share.
    ``max_runs`` (default 1,000,000): the bound on the number of MES runs.
    """

    integral_start: bool
    exhaustive_stop: bool
    step: Fraction | int
    max_runs: int


def mes_add1(
    election: Election,
    *,
    satisfaction: Satisfaction = "cost",
    initial: Iterable[str] = (),
    **loop: Unpack[Add1Loop],
) -> RuleResult:
    """MES with the Add1 completion: the largest tried share whose outcome fits the budget.

    ``loop``: see :class:`Add1Loop`. Stops early at an exhaustive outcome when
    ``exhaustive_stop``; also stops once every project MES could buy is bought (more money
    cannot change that). ``max_runs`` bounds the work: a budget in a small currency unit (HUF)
    can need ~10^5 steps; reaching the bound raises InvalidInput naming it rather than returning
    a silent approximation.
    """
    step = loop.get("step", 1)
    max_runs = loop.get("max_runs", 1_000_000)
    exhaustive_stop = loop.get("exhaustive_stop", True)
    if Fraction(step) <= 0:
        raise InvalidInput("step", "must be positive")
    setup = MesSetup.of(election, satisfaction, initial)
    n = election.n_voters
    if n == 0:
        return run_mes(setup, Fraction(0))
    share = election.budget / n
    if loop.get("integral_start", False):
        share = Fraction(math.floor(share))
    buyable = {election.ids[j] for j in setup.candidates}
    screen = FloatMes.of(setup)
    # Costs and budget as integers over one common denominator: a run's total is an int sum.
    scale = math.lcm(election.budget.denominator, *(c.denominator for c in election.costs))
    price = {p: int(c * scale) for p, c in zip(election.ids, election.costs, strict=True)}
    budget = int(election.budget * scale)
    previous: tuple[Fraction, tuple[str, ...]] | None = None
    hint: list[int] = []
    for _ in range(max_runs):
        bought = float_mes_winners(screen, share, hint)
        if bought is None:
            winners = run_mes(setup, share).winners
        else:
            hint = bought
            winners = names_of(screen, bought)
        chosen = set(winners)
        left = budget - sum(price[p] for p in chosen)
        if left < 0:
            if previous is None:
                return _renamed(_empty_like(setup, share), satisfaction)
            return _exact_at(setup, *previous, satisfaction)
        # Exhaustive among what MES could buy (as pabutools judges it): nothing left fits.
        exhausted = all(price[p] > left for p in buyable if p not in chosen)
        if (exhaustive_stop and exhausted) or buyable <= chosen:
            return _exact_at(setup, share, winners, satisfaction)
        previous = (share, winners)
        share += Fraction(step)
    raise InvalidInput("max_runs", f"Add1 needed more than {max_runs} MES runs")


def _exact_at(
    setup: MesSetup, share: Fraction, winners: tuple[str, ...], satisfaction: Satisfaction
) -> RuleResult:
    """The exact MES run at the share the loop settled on (explanations need exact prices)."""
    result = run_mes(setup, share)
    if result.winners != winners:  # pragma: no cover - the float screen's bounds failed
        raise AssertionError(f"float screen and exact MES disagree at share {share}")
    return _renamed(result, satisfaction)


def _empty_like(setup: MesSetup, share: Fraction) -> RuleResult:
    """pabutools returns the starting allocation when even the first share overspends."""
    empty = run_mes(setup, Fraction(0))
    return RuleResult(empty.rule, setup.base, empty.outcomes, empty.total_cost, share)


def _renamed(result: RuleResult, satisfaction: Satisfaction) -> RuleResult:
    return RuleResult(
        rule=f"mes-{satisfaction}+add1",
        winners=result.winners,
        outcomes=result.outcomes,
        total_cost=result.total_cost,
        per_voter_budget=result.per_voter_budget,
    )


def greedy_completion(
    election: Election,
    result: RuleResult,
    *,
    ordinal: OrdinalScoring | None = None,
    per_cost: bool = False,
) -> RuleResult:
    """Fill what ``result`` left unspent greedily by score (the "add1u"/utilitarian top-up)."""
    topped = greedy(election, ordinal=ordinal, per_cost=per_cost, initial=result.winners)
    return RuleResult(
        rule=f"{result.rule}+greedy",
        winners=topped.winners,
        outcomes=topped.outcomes,
        total_cost=topped.total_cost,
        per_voter_budget=result.per_voter_budget,
    )


def popularity_comparison(election: Election, first: RuleResult, second: RuleResult) -> RuleResult:
    """Keep ``first`` unless strictly more voters get more approved winners under ``second``.

    This is the "-comparison" step of ``equalshares/add1-comparison`` (MES vs plain greedy):
    a voter prefers the outcome that funds more of the projects they approved.
    """
    if election.kind is not BallotKind.APPROVAL:
        raise InvalidInput(
            "kind", f"the comparison needs approval ballots, not {election.kind.value}"
        )
    ids = election.ids
    rows = election.rows()

    def funded_per_ballot(result: RuleResult) -> np.ndarray:
        mask = np.asarray([pid in result.winner_set for pid in ids], dtype=np.int64)
        hits = np.zeros(election.n_ballots, dtype=np.int64)
        np.add.at(hits, rows, mask[election.indices])
        return hits

    a, b = funded_per_ballot(first), funded_per_ballot(second)
    mult = election.multiplicity
    prefers = (int(mult[a > b].sum()), int(mult[b > a].sum()))
    chosen = second if prefers[1] > prefers[0] else first
    return RuleResult(
        rule=f"{first.rule}-vs-{second.rule}",
        winners=chosen.winners,
        outcomes=chosen.outcomes,
        total_cost=chosen.total_cost,
        per_voter_budget=chosen.per_voter_budget,
    )
