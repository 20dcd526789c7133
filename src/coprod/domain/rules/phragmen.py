"""Sequential Phragmén (approval ballots), exactly as pabutools 1.2.3 computes it.

Voters earn virtual money continuously; a project is bought as soon as its supporters together
hold its cost, which then sets all their loads to the same new maximal load. The rule stops at the
first project (of those tied for the lowest new load) that would overspend the budget: unlike
greedy it does not skip. Projects costing more than the whole budget are never considered.
Projects nobody approves have an infinite load: they come last and are bought only while they fit.
Ties go to the smaller project id as a string (pabutools' default).
"""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction

import numpy as np

from coprod.domain.errors import InvalidInput
from coprod.domain.rules.levels import TOLERANCE, ApprovalGroups, relevel
from coprod.domain.rules.model import Election, ProjectOutcome, RuleResult, Verdict


def sequential_phragmen(election: Election, *, initial: Iterable[str] = ()) -> RuleResult:
    """Phragmén's sequential rule with pabutools' stopping rule and tie-breaking."""
    groups = ApprovalGroups.of(election)
    ids, costs = election.ids, election.costs
    already, spent, outcomes, active = _start(election, initial)
    cost_f = np.asarray([float(c) for c in costs])
    values: list[Fraction] = [Fraction(0)]
    floats = np.zeros(1, dtype=np.float64)
    group_level = np.zeros(len(groups.multiplicity), dtype=np.int64)
    winners = list(already)
    round_no = 0
    while active:
        round_no += 1
        counts = groups.level_counts(group_level, len(values), election.n_projects)
        tied, best = _least_loaded(election, groups, counts, active, (values, floats), cost_f)
        tied.sort(key=lambda j: ids[j])
        remaining = election.budget - spent
        if any(costs[j] > remaining for j in tied):
            for j in active:
                verdict = Verdict.UNAFFORDABLE if costs[j] > remaining else Verdict.NOT_REACHED
                outcomes[ids[j]] = ProjectOutcome(ids[j], verdict, round_no, None, remaining)
            break
        j = tied[0]
        active.remove(j)
        winners.append(ids[j])
        spent += costs[j]
        outcomes[ids[j]] = ProjectOutcome(
            ids[j], Verdict.SELECTED, round_no, best, election.budget - spent
        )
        if best is not None:
            supporters = groups.supporters[j]
            new_index = np.full(len(supporters), len(values), dtype=np.int64)
            values, floats, group_level = relevel(
                [*values, best],
                np.append(floats, float(best)),
                group_level,
                supporters,
                new_index,
            )
    return RuleResult(
        rule="phragmen",
        winners=tuple(winners),
        outcomes=tuple(outcomes[p] for p in ids),
        total_cost=spent,
    )


def _start(
    election: Election, initial: Iterable[str]
) -> tuple[list[str], Fraction, dict[str, ProjectOutcome], list[int]]:
    """The projects already funded, what they cost, and the candidates that can still fit."""
    ids, costs = election.ids, election.costs
    already = list(dict.fromkeys(initial))
    for pid in already:
        if pid not in ids:
            raise InvalidInput("initial", f"names unknown project {pid!r}")
    spent = sum((costs[ids.index(p)] for p in already), Fraction(0))
    outcomes: dict[str, ProjectOutcome] = {
        p: ProjectOutcome(p, Verdict.SELECTED, 0, None, None) for p in already
    }
    active = [
        j
        for j in range(election.n_projects)
        if ids[j] not in already and costs[j] <= election.budget
    ]
    for j in range(election.n_projects):
        if ids[j] not in already and costs[j] > election.budget:
            outcomes[ids[j]] = ProjectOutcome(
                ids[j], Verdict.UNAFFORDABLE, None, None, election.budget - spent
            )
    return already, spent, outcomes, active


def _least_loaded(
    election: Election,
    groups: ApprovalGroups,
    counts: np.ndarray,
    active: list[int],
    levels: tuple[list[Fraction], np.ndarray],
    cost_f: np.ndarray,
) -> tuple[list[int], Fraction | None]:
    """The candidates whose supporters would end with the least load, and that load.

    Floats pick the few near the minimum; the exact load decides among them, so ties are
    exact as in pabutools. No supporter at all: every candidate ties, with no load.
    """
    costs, support = election.costs, groups.support
    values, floats = levels
    act = np.asarray(active, dtype=np.int64)
    backed = support[act] > 0
    if not backed.any():
        return list(active), None
    load_f = (counts[act] @ floats + cost_f[act]) / np.where(backed, support[act], 1)
    load_f = np.where(backed, load_f, np.inf)
    bound = load_f.min() * (1 + TOLERANCE)
    exact: dict[int, Fraction] = {}
    for j in act[load_f <= bound].tolist():
        loads = sum(
            (int(counts[j, k]) * values[k] for k in np.nonzero(counts[j])[0].tolist()),
            Fraction(0),
        )
        exact[j] = (loads + costs[j]) / int(support[j])
    best = min(exact.values())
    return [j for j, v in exact.items() if v == best], best
