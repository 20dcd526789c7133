"""Greedy by score: the rule most cities use, with the threshold and no-skip variants they declare.

Order: higher score first; ties go to the smaller project id as a string, exactly as pabutools'
``greedy_utilitarian_welfare`` with its default lexicographic tie-breaking, unless another
:class:`~coprod.domain.rules.ties.TieBreak` is declared; a tie whose order changes the outcome is
reported in the result either way. Poznań's ``greedy-custom`` (reserve funding of the project the
run stops at) and Warsaw's ``greedy-exclusive`` (exclusion groups) are variants of the same pass. With ``per_cost`` the
yardstick is score / cost (pabutools with a satisfaction that does not scale with cost, e.g.
``Cardinality_Sat``); without it, the score itself (pabutools with ``Cost_Sat``, or points x cost).
Projects with a score of 0 are still funded when they fit, as in pabutools; use ``threshold=1`` to
require support.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import TypedDict, Unpack

from coprod.domain.errors import InvalidInput
from coprod.domain.rules.model import (
    Election,
    OrdinalScoring,
    ProjectOutcome,
    RuleResult,
    Tie,
    Verdict,
    project_scores,
)
from coprod.domain.rules.ties import TieBreak, decisive, tie_groups

_INF_DENSITY = Fraction(10) ** 60  # above any real score/cost; only for zero-cost projects


class GreedyVariant(TypedDict, total=False):
    """The variant a city declares (pabulib META): how projects are ranked and when the run stops.

    A keyword group rather than more parameters: callers still write ``greedy(e, skip=False)``,
    type-checked, and the signature stays within the parameter budget.
    ``per_cost`` (default False): rank by score / cost instead of score.
    ``threshold`` (default None): projects scoring below it are ineligible (META
    ``min_project_score_threshold``).
    ``skip`` (default True): False stops at the first project that does not fit.
    ``reserve`` (default None; needs ``skip=False``): Poznań's greedy-custom: the project the run
    stops at is still funded, from reserve funds outside the budget, when at least this share of
    its cost is left (4/5 for 80 %); nothing after it is.
    ``exclusive`` (default none): groups of project ids of which at most one can be built; a
    project whose group already has a winner is skipped (greedy-exclusive).
    ``tie_break`` (default: smaller id): how equal scores are ordered; ties whose order changes
    the outcome are always reported in ``RuleResult.ties``.
    """

    per_cost: bool
    threshold: int | None
    skip: bool
    reserve: Fraction | None
    exclusive: Collection[Collection[str]]
    tie_break: TieBreak


@dataclass(frozen=True)
class _Run:
    """What one pass of greedy needs besides the ranking order."""

    election: Election
    scores: list[int]
    variant: GreedyVariant
    already: list[str]
    excluded: frozenset[str]
    rivals: dict[str, frozenset[str]]
    start: Fraction


def greedy(
    election: Election,
    *,
    ordinal: OrdinalScoring | None = None,
    exclude: Collection[str] = (),
    initial: Iterable[str] = (),
    **variant: Unpack[GreedyVariant],
) -> RuleResult:
    """Fund projects in score order; ``skip=False`` stops at the first one that does not fit.

    ``variant``: see :class:`GreedyVariant` (``per_cost``, ``threshold``, ``skip``, ``reserve``,
    ``exclusive``, ``tie_break``).
    ``exclude``: ids withdrawn after the vote (they neither win nor stop a no-skip run).
    ``initial``: ids already funded (used when greedy completes another rule's outcome).
    """
    reserve = variant.get("reserve")
    if reserve is not None and (variant.get("skip", True) or not 0 <= reserve <= 1):
        raise InvalidInput("reserve", "is a share between 0 and 1 of a no-skip run's next project")
    ids = election.ids
    position = {pid: i for i, pid in enumerate(ids)}
    already = list(dict.fromkeys(initial))
    run = _Run(
        election,
        project_scores(election, ordinal),
        variant,
        already,
        frozenset(exclude),
        _rivals(variant.get("exclusive", ()), position),
        _left_after(election, position, already, exclude),
    )
    tie_break = variant.get("tie_break", TieBreak())
    yardstick = _yardstick(election.costs, run.scores, variant.get("per_cost", False))
    secondary = tie_break.secondary(election)
    taken = set(already)
    order = sorted(
        (i for i in range(len(ids)) if ids[i] not in taken),
        key=lambda i: (-yardstick(i), *secondary(i)),
    )
    result = _pass(run, order)
    ties = tuple(
        Tie(tuple(ids[i] for i in group), yardstick(group[0]))
        for group in tie_groups(order, yardstick)
        if decisive(order, group, lambda o: _chosen(_pass(run, o)))
    )
    return replace(result, ties=ties, tie_break=tie_break.description)


def _rival(pid: str, winners: list[str], rivals: dict[str, frozenset[str]]) -> str | None:
    """The winner that shares an exclusion group with ``pid``, if any."""
    others = rivals.get(pid)
    if not others:
        return None
    return next((w for w in winners if w in others), None)


def _chosen(result: RuleResult) -> tuple[frozenset[str], frozenset[str]]:
    return result.winner_set, frozenset(result.reserve)


def _pass(run: _Run, order: list[int]) -> RuleResult:
    """One greedy pass over projects in ``order``: the winners and a verdict for each."""
    election, variant = run.election, run.variant
    threshold, reserve = variant.get("threshold"), variant.get("reserve")
    skip = variant.get("skip", True)
    ids, costs, scores = election.ids, election.costs, run.scores
    remaining = run.start
    outcomes: dict[str, ProjectOutcome] = {
        pid: ProjectOutcome(pid, Verdict.SELECTED, 0, Fraction(scores[ids.index(pid)]), None)
        for pid in run.already
    }
    winners: list[str] = list(run.already)
    funded_by_reserve: list[str] = []
    stopped = False
    for rank, i in enumerate(order, start=1):
        pid, score = ids[i], Fraction(scores[i])
        rival = _rival(pid, winners, run.rivals)
        verdict, detail = Verdict.UNAFFORDABLE, None
        if pid in run.excluded:
            verdict = Verdict.EXCLUDED
        elif threshold is not None and scores[i] < threshold:
            verdict = Verdict.BELOW_THRESHOLD
        elif stopped:
            verdict = Verdict.NOT_REACHED
        elif rival is not None:
            verdict, detail = Verdict.EXCLUSIVE_CONFLICT, rival
        elif costs[i] <= remaining:
            remaining -= costs[i]
            winners.append(pid)
            verdict = Verdict.SELECTED
        else:
            stopped = not skip
            if reserve is not None:
                detail = _percent(reserve)
                verdict = Verdict.RESERVE_SHORT
                if remaining >= reserve * costs[i]:
                    verdict = Verdict.FUNDED_FROM_RESERVE
                    winners.append(pid)
                    funded_by_reserve.append(pid)
        outcomes[pid] = ProjectOutcome(pid, verdict, rank, score, remaining, detail)
    return RuleResult(
        rule=_name(variant),
        winners=tuple(winners),
        outcomes=tuple(outcomes[pid] for pid in ids),
        total_cost=election.budget - remaining,
        reserve=tuple(funded_by_reserve),
    )


def _name(variant: GreedyVariant) -> str:
    if variant.get("reserve") is not None:
        return "greedy-custom"
    name = "greedy" if variant.get("skip", True) else "greedy-no-skip"
    if variant.get("exclusive"):
        name += "-exclusive"
    if variant.get("threshold") is not None:
        name += "-threshold"
    return name


def _percent(share: Fraction) -> str:
    value = share * 100
    return str(value.numerator) if value.denominator == 1 else f"{float(value):.4g}"


def _rivals(
    groups: Collection[Collection[str]], position: dict[str, int]
) -> dict[str, frozenset[str]]:
    """Each project's exclusion rivals: the other members of every group it belongs to."""
    rivals: dict[str, set[str]] = {}
    for n, group in enumerate(groups):
        members = set(group)
        unknown = sorted(members - set(position))
        if unknown:
            raise InvalidInput(
                f"exclusive[{n}]", f"exclusion group names unknown project {unknown[0]!r}"
            )
        if len(members) < 2:
            raise InvalidInput(f"exclusive[{n}]", "an exclusion group needs two projects or more")
        for pid in members:
            rivals.setdefault(pid, set()).update(members - {pid})
    return {pid: frozenset(others) for pid, others in rivals.items()}


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


def _yardstick(
    costs: Sequence[Fraction], scores: Sequence[int], per_cost: bool
) -> Callable[[int], Fraction]:
    """What greedy ranks by (higher first): the score, or score / cost."""

    def measure(i: int) -> Fraction:
        score = Fraction(scores[i])
        if per_cost:
            if score <= 0:
                return Fraction(0)
            if costs[i] > 0:
                return score / costs[i]
            return _INF_DENSITY
        return score

    return measure
