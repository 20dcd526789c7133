"""Method of Equal Shares (approval ballots), exactly as pabutools 1.2.3 computes it.

Each voter starts with an equal share of the budget. In every round the project whose supporters
can pay for it at the lowest price per unit of satisfaction (rho) is bought, the supporters paying
``min(their money, rho x their satisfaction)``; projects their supporters can no longer afford drop
out. Satisfaction is the project's cost (``"cost"``, equalshares.net) or 1 (``"cardinality"``).
Ties in rho go to the smaller project id as a string (pabutools' default). Projects with support
and cost 0 are funded up front; projects nobody approves are never funded.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

import numpy as np

from coprod.domain.errors import InvalidInput
from coprod.domain.rules.levels import TOLERANCE, ApprovalGroups, FloatArray, relevel
from coprod.domain.rules.model import Election, IntArray, ProjectOutcome, RuleResult, Verdict

Satisfaction = Literal["cost", "cardinality"]


@dataclass(frozen=True, eq=False)
class MesSetup:
    """What every MES run on one election shares (Add1 runs MES many times on the same setup)."""

    election: Election
    groups: ApprovalGroups
    satisfaction: Satisfaction
    initial: tuple[str, ...]
    free: tuple[int, ...]  # supported zero-cost projects, funded up front (pabutools does)
    candidates: tuple[int, ...]  # supported, positive cost, not initial: what MES may buy

    @classmethod
    def of(
        cls, election: Election, satisfaction: Satisfaction = "cost", initial: Iterable[str] = ()
    ) -> MesSetup:
        if satisfaction not in ("cost", "cardinality"):
            raise InvalidInput(
                "satisfaction", f"must be 'cost' or 'cardinality', not {satisfaction!r}"
            )
        groups = ApprovalGroups.of(election)
        ids = election.ids
        already = tuple(dict.fromkeys(initial))
        for pid in already:
            if pid not in ids:
                raise InvalidInput("initial", f"names unknown project {pid!r}")
        costs = election.costs
        rest = [j for j in range(election.n_projects) if ids[j] not in already]
        supported = [j for j in rest if groups.support[j] > 0]
        free = tuple(sorted((j for j in supported if costs[j] == 0), key=lambda j: ids[j]))
        candidates = tuple(j for j in supported if costs[j] > 0)
        return cls(election, groups, satisfaction, already, free, candidates)

    @property
    def base(self) -> tuple[str, ...]:
        """The allocation MES starts from: the initial projects plus the free ones."""
        ids = self.election.ids
        return self.initial + tuple(ids[j] for j in self.free)


def equal_shares(
    election: Election,
    *,
    satisfaction: Satisfaction = "cost",
    initial: Iterable[str] = (),
    budget_per_voter: Fraction | None = None,
) -> RuleResult:
    """Plain MES (no completion); the share defaults to budget / number of voters."""
    setup = MesSetup.of(election, satisfaction, initial)
    share = budget_per_voter
    if share is None:
        share = election.budget / election.n_voters if election.n_voters else Fraction(0)
    return run_mes(setup, share)


def run_mes(setup: MesSetup, share: Fraction) -> RuleResult:
    """One MES run with every voter starting from ``share``."""
    election, groups = setup.election, setup.groups
    ids, costs = election.ids, election.costs
    n_projects = election.n_projects
    sat = [c if setup.satisfaction == "cost" else Fraction(1) for c in costs]
    cost_f = np.asarray([float(c) for c in costs])
    sat_f = np.asarray([float(s) for s in sat])
    support = groups.support
    winners = list(setup.base)
    spent = sum((costs[ids.index(p)] for p in winners), Fraction(0))
    outcomes: dict[str, ProjectOutcome] = {
        p: ProjectOutcome(p, Verdict.SELECTED, 0, None, None) for p in winners
    }
    active = list(setup.candidates)
    values: list[Fraction] = [Fraction(share)]
    floats = np.asarray([float(share)])
    group_level = np.zeros(len(groups.multiplicity), dtype=np.int64)
    round_no = 0
    if election.n_voters == 0:
        active = []
    while active:
        round_no += 1
        n_levels = len(values)
        counts = groups.level_counts(group_level, n_levels, n_projects)
        act = np.asarray(active, dtype=np.int64)
        rho_f, affordable = _float_prices(
            counts[act], floats, cost_f[act], sat_f[act], support[act]
        )
        for j in act[~affordable].tolist():
            remaining = election.budget - spent
            outcomes[ids[j]] = ProjectOutcome(
                ids[j], Verdict.SUPPORTERS_CANNOT_AFFORD, round_no, None, remaining
            )
        keep = affordable.nonzero()[0]
        active = act[keep].tolist()
        if not active:
            break
        rho_f = rho_f[keep]
        remaining = election.budget - spent
        best = _best_exact(
            setup, (counts, values), rho_f, active, sat, (outcomes, round_no, remaining)
        )
        if best is None:
            continue
        rho, pid, j = best
        active.remove(j)
        winners.append(pid)
        spent += costs[j]
        outcomes[pid] = ProjectOutcome(
            pid, Verdict.SELECTED, round_no, rho, election.budget - spent
        )
        values, floats, group_level = _pay(
            values, floats, group_level, groups.supporters[j], rho * sat[j]
        )
    return _finish(setup, share, winners, outcomes, spent)


def _float_prices(
    counts: np.ndarray,
    level: FloatArray,
    cost: np.ndarray,
    sat: np.ndarray,
    support: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Approximate rho per project, and whether its supporters might afford it (with slack)."""
    weighted = counts * level[None, :]
    available = weighted.sum(axis=1)
    affordable = available >= cost * (1 - TOLERANCE)
    poor_money = np.cumsum(weighted, axis=1) - weighted
    rich = support[:, None] - (np.cumsum(counts, axis=1) - counts)
    with np.errstate(divide="ignore", invalid="ignore"):
        price = (cost[:, None] - poor_money) / rich
    fits = (price <= level[None, :]) & (rich > 0)
    first = np.argmax(fits, axis=1)
    found = fits.any(axis=1)
    rows = np.arange(len(cost))
    payment = np.where(found, price[rows, first], 0.0)
    # Borderline (money ~= cost): everyone pays everything, so the price is the richest amount.
    last = counts.shape[1] - 1 - np.argmax(counts[:, ::-1] > 0, axis=1)
    payment = np.where(found, payment, level[last])
    return payment / sat, affordable


def _exact_price(
    counts: np.ndarray, values: list[Fraction], cost: Fraction, sat: Fraction, support: int
) -> Fraction | None:
    """Exact rho (pabutools' affordability), or None when the supporters cannot pay ``cost``."""
    paid = Fraction(0)
    rich = support
    for k in np.nonzero(counts)[0].tolist():
        payment = (cost - paid) / rich
        if payment <= values[k]:
            return payment / sat
        n = int(counts[k])
        paid += n * values[k]
        rich -= n
    return None


def _pay(
    values: list[Fraction],
    floats: FloatArray,
    group_level: IntArray,
    supporters: IntArray,
    payment: Fraction,
) -> tuple[list[Fraction], FloatArray, IntArray]:
    """Every supporter pays ``min(money, payment)``; returns the new levels."""
    touched = np.unique(group_level[supporters]).tolist()
    extended = list(values)
    target = np.full(len(values), -1, dtype=np.int64)
    for k in touched:
        target[k] = len(extended)
        extended.append(values[k] - min(values[k], payment))
    new_f = np.asarray([float(v) for v in extended[len(values) :]], dtype=np.float64)
    return relevel(
        extended,
        np.concatenate([floats, new_f]),
        group_level,
        supporters,
        target[group_level[supporters]],
    )


def _best_exact(
    setup: MesSetup,
    levels: tuple[np.ndarray, list[Fraction]],
    rho_f: FloatArray,
    active: list[int],
    sat: list[Fraction],
    round_state: tuple[dict[str, ProjectOutcome], int, Fraction],
) -> tuple[Fraction, str, int] | None:
    """The cheapest project by its exact price among those the float prices put near the
    minimum (ties to the smaller id); one its supporters cannot afford after all is dropped
    from ``active`` with that verdict."""
    ids, costs = setup.election.ids, setup.election.costs
    support = setup.groups.support
    counts, values = levels
    outcomes, round_no, remaining = round_state
    best: tuple[Fraction, str, int] | None = None
    best_f = np.inf
    for pos in np.argsort(rho_f, kind="stable").tolist():
        if rho_f[pos] > best_f * (1 + TOLERANCE):
            break
        j = active[pos]
        rho = _exact_price(counts[j], values, costs[j], sat[j], int(support[j]))
        if rho is None:
            outcomes[ids[j]] = ProjectOutcome(
                ids[j], Verdict.SUPPORTERS_CANNOT_AFFORD, round_no, None, remaining
            )
            active.remove(j)
            continue
        if best is None or (rho, ids[j]) < best[:2]:
            best = (rho, ids[j], j)
            best_f = float(rho)
    return best


def _finish(
    setup: MesSetup,
    share: Fraction,
    winners: list[str],
    outcomes: dict[str, ProjectOutcome],
    spent: Fraction,
) -> RuleResult:
    """The run's result: projects never in the running are marked unsupported."""
    ids = setup.election.ids
    for pid in ids:
        if pid not in outcomes:
            outcomes[pid] = ProjectOutcome(pid, Verdict.UNSUPPORTED, None, None, None)
    name = "mes-cost" if setup.satisfaction == "cost" else "mes-cardinality"
    return RuleResult(
        rule=name,
        winners=tuple(winners),
        outcomes=tuple(outcomes[p] for p in ids),
        total_cost=spent,
        per_voter_budget=Fraction(share),
    )
