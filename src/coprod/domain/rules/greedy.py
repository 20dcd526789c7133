"""Greedy by score: the rule most cities use, with the threshold and no-skip variants they declare.

Order: higher score first; ties go to the smaller project id as a string, exactly as pabutools'
``greedy_utilitarian_welfare`` with its default lexicographic tie-breaking. With ``per_cost`` the
yardstick is score / cost (pabutools with a satisfaction that does not scale with cost, e.g.
``Cardinality_Sat``); without it, the score itself (pabutools with ``Cost_Sat``, or points x cost).
Projects with a score of 0 are still funded when they fit, as in pabutools; use ``threshold=1`` to
require support.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from fractions import Fraction
from typing import TypedDict, Unpack

from coprod.domain.errors import InvalidInput
from coprod.domain.rules.model import (
    Election,
    OrdinalScoring,
    ProjectOutcome,
    RuleResult,
    Verdict,
    project_scores,
)

_INF_DENSITY = Fraction(10) ** 60  # above any real score/cost; only for zero-cost projects


class GreedyVariant(TypedDict, total=False):
    """The variant a city declares (pabulib META): how projects are ranked and when the run stops.

    A keyword group rather than more parameters: callers still write ``greedy(e, skip=False)``,
    type-checked, and the signature stays within the parameter budget.
    ``per_cost`` (default False): rank by score / cost instead of score.
    ``threshold`` (default None): projects scoring below it are ineligible (META
    ``min_project_score_threshold``).
    ``skip`` (default True): False stops at the first project that does not fit.
    """

    per_cost: bool
    threshold: int | None
    skip: bool


def greedy(
    election: Election,
    *,
    ordinal: OrdinalScoring | None = None,
    exclude: Collection[str] = (),
    initial: Iterable[str] = (),
    **variant: Unpack[GreedyVariant],
) -> RuleResult:
    """Fund projects in score order; ``skip=False`` stops at the first one that does not fit.

    ``variant``: see :class:`GreedyVariant` (``per_cost``, ``threshold``, ``skip``).
    ``exclude``: ids withdrawn after the vote (they neither win nor stop a no-skip run).
    ``initial``: ids already funded (used when greedy completes another rule's outcome).
    """
    threshold = variant.get("threshold")
    skip = variant.get("skip", True)
    ids = election.ids
    costs = election.costs
    scores = project_scores(election, ordinal)
    position = {pid: i for i, pid in enumerate(ids)}
    already = list(dict.fromkeys(initial))
    remaining = _left_after(election, position, already, exclude)
    key = _ranking(ids, costs, scores, variant.get("per_cost", False))
    taken = set(already)
    order = sorted((i for i in range(len(ids)) if ids[i] not in taken), key=key)
    outcomes: dict[str, ProjectOutcome] = {
        pid: ProjectOutcome(pid, Verdict.SELECTED, 0, Fraction(scores[position[pid]]), None)
        for pid in already
    }
    winners: list[str] = list(already)
    stopped = False
    excluded = set(exclude)
    for rank, i in enumerate(order, start=1):
        pid, score = ids[i], Fraction(scores[i])
        if pid in excluded:
            outcomes[pid] = ProjectOutcome(pid, Verdict.EXCLUDED, rank, score, remaining)
        elif threshold is not None and scores[i] < threshold:
            outcomes[pid] = ProjectOutcome(pid, Verdict.BELOW_THRESHOLD, rank, score, remaining)
        elif stopped:
            outcomes[pid] = ProjectOutcome(pid, Verdict.NOT_REACHED, rank, score, remaining)
        elif costs[i] <= remaining:
            remaining -= costs[i]
            winners.append(pid)
            outcomes[pid] = ProjectOutcome(pid, Verdict.SELECTED, rank, score, remaining)
        else:
            outcomes[pid] = ProjectOutcome(pid, Verdict.UNAFFORDABLE, rank, score, remaining)
            stopped = not skip
    name = "greedy" if skip else "greedy-no-skip"
    if threshold is not None:
        name += "-threshold"
    return RuleResult(
        rule=name,
        winners=tuple(winners),
        outcomes=tuple(outcomes[pid] for pid in ids),
        total_cost=election.budget - remaining,
    )


def _left_after(
    election: Election, position: dict[str, int], already: list[str], exclude: Collection[str]
) -> Fraction:
    """The budget left once ``already`` is funded; unknown ids and an overspent start refused."""
    for pid in already:
        if pid not in position:
            raise InvalidInput("initial", f"names unknown project {pid!r}")
    for pid in exclude:
        if pid not in position:
            raise InvalidInput("exclude", f"names unknown project {pid!r}")
    costs = election.costs
    remaining = election.budget - sum((costs[position[p]] for p in already), Fraction(0))
    if remaining < 0:
        raise InvalidInput("initial", "already costs more than the budget")
    return remaining


def _ranking(
    ids: Sequence[str], costs: Sequence[Fraction], scores: Sequence[int], per_cost: bool
) -> Callable[[int], tuple[Fraction, str]]:
    """The sort key: higher yardstick (score, or score / cost) first, then the smaller id."""

    def key(i: int) -> tuple[Fraction, str]:
        score = Fraction(scores[i])
        if per_cost:
            if score <= 0:
                score = Fraction(0)
            elif costs[i] > 0:
                score = score / costs[i]
            else:
                score = _INF_DENSITY
        return (-score, ids[i])

    return key
