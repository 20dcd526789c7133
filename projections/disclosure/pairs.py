"""Differencing control: a new release must not give away, with any earlier one, what each hid.

Why: within one report no hidden count can be recovered (:mod:`projections.disclosure`), but
two reports side by side can: one ballot apart, the cells that moved are the last voter's age
band, sex and area; a count hidden in one and shown in the other, with the totals, pins the
hidden one. So every new release is checked against every earlier release of the process,
breakdown by breakdown, and its suppression is tightened until the pair gives nothing away.

The attacker we design against holds both releases and everything each published: every
shown count, every total (the root of a breakdown), each hidden count's reason (hence its
bounds, as in :mod:`projections.disclosure`), the public lower bounds of a count (a log has at
least one person), k, and this algorithm. Beyond that they know **which way each count
moved** between the two releases (voters only ever join; contribution logs can be disputed,
so their counts can fall): each count's change is known to be >= 0 or <= 0. A count missing
from a release's breakdown (a project with no logs yet) is a shown 0 there.

A pair **gives something away** when, over all values consistent with that knowledge:

* a count hidden in either release can take only one value, other than 0 (it is recovered;
  a true zero says "nobody" and is shown in any single table too) and other than the value
  the earlier release already showed for it, or
* the change of a count between the releases can take only one value, and that value is
  neither 0 nor at least k in size: the people who came (or went) between two releases are a
  table of their own, and a change of 1 in an area is a count of 1. The change of a total
  (the root) is not checked: it says how many came, not who they are.

"Only one value" is decided on the linear relaxation (:mod:`projections.disclosure.linear_bounds`): a
range narrower than 1 pins the count. **Tightening**: when any earlier release and the new one
give something away in a breakdown, the new release withholds every count of that breakdown
but its total (``"withheld"``: the attacker knows only that such a count is at least 0), zeros
too, whichever count moved (see :func:`tighten` for why not fewer). When counts only grow the
new release then adds only its total to what the attacker knew: each count's change can be
anything from 0 to the change of the total, so no hidden count of the earlier release is
pinned by it, and no change is. (Counts that can fall are checked again after withholding;
:mod:`projections.releases` refuses to publish if anything is still given away.) Earlier
releases are immutable, so only the new one is tightened.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from projections.disclosure.linear_bounds import LinearSystem
from projections.disclosure.policy import PRIMARY, SECONDARY, WITHHELD

__all__ = ["Breakdown", "Finding", "pair_findings", "tighten"]

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class Breakdown(Generic[K]):
    """One published breakdown of one release: counts as counted, and which were hidden.

    `parents` maps each count to the count it is part of (None for the total); `hidden` maps
    each hidden count to its reason; `lowest` holds public lower bounds.
    """

    k: int
    parents: Mapping[K, K | None]
    values: Mapping[K, int]
    hidden: Mapping[K, str]
    lowest: Mapping[K, int] = field(default_factory=dict)
    #: What else each count's row publishes (a contribution row's logs and hours): where two
    #: releases show the same mark and the count did not change, the attacker knows it did not.
    marks: Mapping[K, str] = field(default_factory=dict)

    def value(self, key: K) -> int:
        return self.values.get(key, 0)

    def bounds(self, key: K) -> tuple[int, int | None]:
        """What the attacker knows of a hidden count from its reason and public floor."""
        reason = self.hidden[key]
        low, high = {PRIMARY: (1, self.k - 1), SECONDARY: (self.k, None)}.get(reason, (0, None))
        return max(low, self.lowest.get(key, 0)), high


@dataclass(frozen=True)
class Finding(Generic[K]):
    """What a pair gives away: a hidden count recovered, or a small change pinned."""

    key: K
    kind: str  # "earlier count", "new count" or "change"
    value: int


class _Pair(Generic[K]):
    """The attacker's linear system over the hidden counts of an (earlier, new) pair."""

    def __init__(self, old: Breakdown[K], new: Breakdown[K]) -> None:
        self.old, self.new = old, new
        self.index: dict[tuple[int, K], int] = {}
        lower: list[float] = []
        upper: list[float | None] = []
        for side, release in enumerate((old, new)):
            for key in release.hidden:
                low, high = release.bounds(key)
                self.index[(side, key)] = len(lower)
                lower.append(float(low))
                upper.append(None if high is None else float(high))
        self.system = LinearSystem(lower, upper)
        for side, release in enumerate((old, new)):
            children: dict[K, list[K]] = {}
            for key, parent in release.parents.items():
                if parent is not None:
                    children.setdefault(parent, []).append(key)
            for parent, parts in children.items():
                row, constant = self._terms(
                    [(side, parent, 1.0), *((side, p, -1.0) for p in parts)]
                )
                if row:
                    self.system.equal.append((row, -constant))
        for key in set(old.parents) | set(new.parents):
            sign = 1.0 if new.value(key) >= old.value(key) else -1.0
            row, constant = self._terms([(1, key, sign), (0, key, -sign)])
            if not row:
                continue
            mark = old.marks.get(key)
            if mark is not None and mark == new.marks.get(key) and new.value(key) == old.value(key):
                self.system.equal.append((row, -constant))
            elif len(row) == 1:
                self._bound(next(iter(row.items())), -constant)
            else:
                self.system.at_least.append((row, -constant))

    def _terms(self, terms: Sequence[tuple[int, K, float]]) -> tuple[dict[int, float], float]:
        """A linear form over hidden counts, and the constant the shown ones add."""
        row: dict[int, float] = {}
        constant = 0.0
        for side, key, a in terms:
            j = self.index.get((side, key))
            if j is None:
                constant += a * (self.old, self.new)[side].value(key)
            else:
                row[j] = row.get(j, 0.0) + a
        return {j: a for j, a in row.items() if a}, constant

    def _bound(self, term: tuple[int, float], at_least: float) -> None:
        """a * x >= at_least for one variable: tighten its bound."""
        j, a = term
        limit = at_least / a
        if a > 0:
            self.system.lower[j] = max(self.system.lower[j], limit)
        else:
            upper = self.system.upper[j]
            self.system.upper[j] = limit if upper is None else min(upper, limit)

    def pinned(self, terms: Sequence[tuple[int, K, float]]) -> bool:
        row, _ = self._terms(terms)
        if not row:
            return True
        least, greatest = self.system.range_of(row)
        return greatest - least < 1 - 1e-6


def pair_findings(old: Breakdown[K], new: Breakdown[K]) -> list[Finding[K]]:
    """Everything the pair gives away, as the module docstring defines it (empty: safe)."""
    pair = _Pair(old, new)
    found: list[Finding[K]] = []
    for side, release, kind in ((0, old, "earlier count"), (1, new, "new count")):
        for key in release.hidden:
            if not release.value(key) or (side == 1 and _shown_before(old, key, new.value(key))):
                continue
            if pair.pinned([(side, key, 1.0)]):
                found.append(Finding(key, kind, release.value(key)))
    roots = {key for r in (old, new) for key, parent in r.parents.items() if parent is None}
    for key in [*new.parents, *(key for key in old.parents if key not in new.parents)]:
        change = new.value(key) - old.value(key)
        if key in roots or change == 0 or abs(change) >= new.k:
            continue
        shown = key not in old.hidden and key not in new.hidden
        if shown or pair.pinned([(1, key, 1.0), (0, key, -1.0)]):
            found.append(Finding(key, "change", change))
    return found


def _shown_before(old: Breakdown[K], key: K, value: int) -> bool:
    """The earlier release already showed this very count: pinning it to that tells nothing."""
    return key in old.parents and key not in old.hidden and old.value(key) == value


def tighten(
    new: Breakdown[K], earlier: Sequence[Breakdown[K]], *, total_too: bool = False
) -> dict[K, str]:
    """The new release's hidden counts and reasons: as they were when no pair gives anything
    away, else every count of the breakdown but its total withheld.

    With `total_too` (a total that is no headline, such as the people of contribution logs,
    whose rows publish which logs came), the total is withheld as well when withholding the
    breakdown is not enough: one new log, its row's logs moved and nothing else, would
    otherwise give that log's head count as the change of the total.

    Why all of them, not the fewest that would do: which counts a greedy rule picks depends
    on which count moved, and an attacker who knows the rule could read the last voter's
    group off the choice. Withholding the whole breakdown looks the same whichever count
    moved; it is what :func:`projections.disclosure.protect_nested` does too when hiding
    counts cannot protect a breakdown.
    """
    if not any(pair_findings(old, new) for old in earlier):
        return dict(new.hidden)
    hidden = {key: WITHHELD for key, parent in new.parents.items() if parent is not None}
    hidden.update({key: r for key, r in new.hidden.items() if new.parents.get(key) is None})
    withheld = Breakdown(new.k, new.parents, new.values, hidden, new.lowest, new.marks)
    if total_too and any(pair_findings(old, withheld) for old in earlier):
        hidden.update({key: WITHHELD for key, parent in new.parents.items() if parent is None})
    return hidden
