"""Tie-breaks for the greedy rules, and telling when an official outcome depends on one.

Greedy ranks by score; projects with equal scores need an order, and where the budget runs out
that order can decide who is funded. The order is a declared choice (:class:`TieBreak`): the
smaller id as a string (pabutools' default, so winner sets match the reference library),
cheaper first, more supporters first, or a lottery whose seed is recorded so anyone can redraw
it. Whatever the choice, a tie that changes the outcome is reported (:class:`Tie`), never
broken silently.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from coprod.domain.errors import InvalidInput
from coprod.domain.rules.model import Election, Tie

__all__ = ["TIE_BREAKS", "Tie", "TieBreak", "decisive", "supporters", "tie_groups"]

TIE_BREAKS = ("id", "cheaper", "supporters", "lottery")

_DESCRIPTIONS = {
    "id": "smaller project id compared as a string",
    "cheaper": "cheaper project first, then smaller project id",
    "supporters": "more supporters first, then smaller project id",
    "lottery": "lottery drawn with seed {seed}",
}


@dataclass(frozen=True)
class TieBreak:
    """How equal scores are ordered; ``seed`` is required for (and only used by) ``lottery``."""

    policy: str = "id"
    seed: int | None = None

    def __post_init__(self) -> None:
        if self.policy not in TIE_BREAKS:
            raise InvalidInput("tie_break", f"{self.policy!r}; known: {', '.join(TIE_BREAKS)}")
        if self.policy == "lottery" and self.seed is None:
            raise InvalidInput("seed", "a lottery needs a seed, recorded so it can be redrawn")
        if self.policy != "lottery" and self.seed is not None:
            raise InvalidInput("seed", "only a lottery takes a seed")

    @property
    def description(self) -> str:
        """The tie-break in words, as recorded with the outcome."""
        return _DESCRIPTIONS[self.policy].format(seed=self.seed)

    def secondary(self, election: Election) -> Callable[[int], tuple[Fraction | int | str, ...]]:
        """The key that orders projects of equal score (smaller key first)."""
        ids = election.ids
        if self.policy == "cheaper":
            costs = election.costs
            return lambda i: (costs[i], ids[i])
        if self.policy == "supporters":
            backers = supporters(election)
            return lambda i: (-backers[i], ids[i])
        if self.policy == "lottery":
            draw = sorted(ids)
            random.Random(self.seed).shuffle(draw)
            ticket = {pid: n for n, pid in enumerate(draw)}
            return lambda i: (ticket[ids[i]],)
        return lambda i: (ids[i],)


def supporters(election: Election) -> list[int]:
    """Voters who gave the project any support (an approval, a point, or a rank)."""
    weights = election.multiplicity[election.rows()]
    if election.points is not None:
        weights = weights * (election.points > 0)
    totals = np.zeros(election.n_projects, dtype=np.int64)
    np.add.at(totals, election.indices, weights)
    return [int(t) for t in totals]


def tie_groups(order: Sequence[int], yardstick: Callable[[int], Fraction]) -> list[list[int]]:
    """Runs of two or more consecutive projects (in ranking order) with the same yardstick."""
    groups: list[list[int]] = []
    run: list[int] = []
    for i in order:
        if run and yardstick(run[-1]) == yardstick(i):
            run.append(i)
            continue
        if len(run) > 1:
            groups.append(run)
        run = [i]
    if len(run) > 1:
        groups.append(run)
    return groups


def decisive(order: list[int], group: list[int], outcome: Callable[[list[int]], object]) -> bool:
    """Whether reordering ``group`` within ``order`` changes ``outcome``.

    Putting each member first in turn (the rest keeping their order) finds every change for
    plain greedy with or without skipping: with skipping, a different order funds a member the
    default order left out although it fit the money left when the tie was reached, and that
    member put first is funded; without skipping, a member that fits (or one that does not) put
    first changes where the run stops. With exclusion groups or reserve funding it is the same
    check, sound (a tie it reports is real) but not proven complete.
    """
    start = order.index(group[0])
    baseline = outcome(order)
    for member in group[1:]:
        rest = [i for i in group if i != member]
        trial = [*order[:start], member, *rest, *order[start + len(group) :]]
        if outcome(trial) != baseline:
            return True
    return False
