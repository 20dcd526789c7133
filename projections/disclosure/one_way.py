"""One group of counts and its published total: primary and one-way secondary suppression.

The rules, as published in the method text (:attr:`DisclosurePolicy.method`):

* **Primary suppression.** A count of people with ``0 < n < k`` is hidden (``"primary"``).
  A rate, share, ratio or mean whose base is fewer than ``k`` people is hidden
  (``"small-base"``); a base of 0 people is a base below k as well.
* **Zeros are shown.** A true zero says "nobody" about a group but nothing about a person,
  and hiding zeros would make every sparse table unreadable; this is the usual statistical
  office practice. Zeros are also never used as secondary suppressions.
* **Secondary suppression (one-way).** Where a total of a group of counts is published, the
  hidden counts of the group must not be recoverable from it. The attacker we design against
  knows the total, the visible counts, k, this algorithm, and each hidden cell's reason, hence
  that a primary-hidden count lies in ``1 .. k-1`` and a secondary-hidden count is at least
  ``k`` (it was a visible non-zero count). A group is protected when it has no hidden cell, or
  when (a) at least two cells are hidden, (b) their sum is at least k, and (c) their sum is
  strictly between the least and the greatest sum those bounds allow. (c) is what makes every
  hidden cell's feasible range hold at least two values: the range of a cell is as wide as the
  smallest of its own bound width, the slack above the least sum, the slack below the greatest
  sum and the others' bound widths, all at least 1 when (a)-(c) hold and k >= 3. Until the group
  is protected, the smallest visible non-zero count that completes the protection is hidden
  (``"secondary"``); when no single count completes it, the smallest one is hidden and the
  check repeats. Ties go to the earlier label. Hidden cells stay hidden.

The helpers without a leading underscore here are the package's shared steps (the two-way and
nested rules run the one-way rule on each of their groups); the package exports only the
``protect_*`` functions.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from decimal import Decimal
from typing import TypeVar

from coprod.domain.errors import InvalidInput
from projections.disclosure.policy import (
    PRIMARY,
    SECONDARY,
    SMALL_BASE,
    DisclosurePolicy,
    bounds,
    whole,
)
from projections.disclosure.tables import Cell

K = TypeVar("K", bound=Hashable)


def group_safe(hidden: Sequence[tuple[int, str]], k: int) -> bool:
    """Rules (a)-(c) of the module docstring for one group with a published total."""
    if not hidden:
        return True
    if len(hidden) < 2:
        return False
    total = sum(value for value, _ in hidden)
    if total < k:
        return False
    least = sum(bounds(reason, k)[0] for _, reason in hidden)
    uppers = [bounds(reason, k)[1] for _, reason in hidden]
    greatest = None if None in uppers else sum(u for u in uppers if u is not None)
    return least < total and (greatest is None or total < greatest)


def protect_group(
    group: Sequence[K],
    values: Mapping[K, int],
    reasons: dict[K, str],
    k: int,
    poor: Callable[[K], bool] = lambda key: False,
) -> bool:
    """Hide more of `group` (in `reasons`) until its total gives nothing away; True if changed.

    `poor` marks candidates to take only when no other will do (in a two-way table, a cell
    that is the only non-zero one of its other line: hiding it would expose it there).
    """

    def hidden(extra: K | None = None) -> list[tuple[int, str]]:
        found = [(values[key], reasons[key]) for key in group if key in reasons]
        if extra is not None:
            found.append((values[extra], SECONDARY))
        return found

    order = {key: i for i, key in enumerate(group)}
    changed = False
    while not group_safe(hidden(), k):
        candidates = sorted(
            (key for key in group if key not in reasons and values[key] > 0),
            key=lambda key: (poor(key), values[key], order[key]),
        )
        if not candidates:
            break  # only hiding the total would help: see protect_total
        pick = next((c for c in candidates if group_safe(hidden(c), k)), candidates[0])
        reasons[pick] = SECONDARY
        changed = True
    return changed


def counts_of(counts: Mapping[K, int]) -> dict[K, int]:
    """The counts, each checked to be a whole number of people."""
    return {key: whole(f"counts[{key}]", n, minimum=0) for key, n in counts.items()}


def primary(values: Mapping[K, int], k: int) -> dict[K, str]:
    """The primary-hidden counts: 0 < n < k."""
    return {key: PRIMARY for key, n in values.items() if 0 < n < k}


def cells_of(values: Mapping[K, int], reasons: Mapping[K, str]) -> dict[K, Cell]:
    """The published cells: hidden with their reason, or shown with their value."""
    return {
        key: Cell(None, reasons[key]) if key in reasons else Cell(n) for key, n in values.items()
    }


def protect_counts(
    counts: Mapping[str, int], policy: DisclosurePolicy, *, total: int | None = None
) -> dict[str, Cell]:
    """Counts of people of one group, hidden so that neither they nor the total give one away.

    Pass `total` whenever the group's total is published anywhere (in this table or another);
    then secondary suppression runs as the module docstring says. With ``total=None`` the caller
    promises no total (nor anything it follows from) is published, and only primary suppression
    applies. The secondary rule works on the hidden cells' own values, so it also holds when
    `total` is not the sum of `counts` (overlapping or partial breakdowns). When the group
    cannot be protected by hiding counts alone, all its non-zero counts are hidden and
    :func:`protect_total` reports that the total must be hidden too.
    """
    values = counts_of(counts)
    reasons = primary(values, policy.k)
    if total is not None:
        whole("total", total, minimum=0)
        protect_group(list(values), values, reasons, policy.k)
    return cells_of(values, reasons)


def protect_total(counts: Mapping[str, int], policy: DisclosurePolicy, total: int) -> Cell:
    """The published total of a group: hidden when small itself or when it would expose a cell.

    A total of ``0 < n < k`` people is primary-suppressed; a total from which a hidden count of
    ``protect_counts(counts, policy, total=total)`` could still be recovered is hidden as
    ``"secondary"``. Otherwise the total is shown.
    """
    whole("total", total, minimum=0)
    if 0 < total < policy.k:
        return Cell(None, PRIMARY)
    values = counts_of(counts)
    reasons = primary(values, policy.k)
    protect_group(list(values), values, reasons, policy.k)
    if not group_safe([(values[key], reason) for key, reason in reasons.items()], policy.k):
        return Cell(None, SECONDARY)
    return Cell(total)


def protect_rate(numerator: Decimal | int, base_people: int, policy: DisclosurePolicy) -> Cell:
    """A rate/share/mean: suppressed ('small-base') when base_people < k.

    `numerator` is the figure to publish (already divided); a base of 0 people is below k too,
    and such a rate has no value anyway. Floats are refused: published figures are exact.
    """
    if isinstance(numerator, bool) or not isinstance(numerator, int | Decimal):
        raise InvalidInput(
            "numerator", f"must be an int or Decimal, not {type(numerator).__name__}"
        )
    whole("base_people", base_people, minimum=0)
    if base_people < policy.k:
        return Cell(None, SMALL_BASE)
    return Cell(numerator)
