"""Disclosure control for published tables (DOMAIN.md §6): no count of people can be read off.

Why this exists: impact reports go to the public and to evaluators, and a count of 1 or 2
voters in a small area, or a share computed over 3 people, can single a person out. Every
figure about people therefore passes through here before it is published, and every published
table carries the k and the method text (:attr:`DisclosurePolicy.method`) it was made with.

The rules, one module each (each module's docstring states its rule as published):

* :mod:`~projections.disclosure.policy`: the k, its floor, and the reasons a count is hidden;
  :mod:`~projections.disclosure.tables`: the published :class:`Cell` and
  :class:`ProtectedTable`.
* :mod:`~projections.disclosure.one_way`: primary suppression (counts ``0 < n < k``, rates over
  fewer than k people), zeros shown, and secondary suppression of one group with its total.
* :mod:`~projections.disclosure.two_way`: a table with both margins published.
* :mod:`~projections.disclosure.nested`: parts of parts of one total, and withheld breakdowns.
* :mod:`~projections.disclosure.pairs`: differencing control between two releases, on the
  linear bounds of :mod:`~projections.disclosure.linear_bounds`.
* **Not suppressed:** counts of projects, decisions and money are not
  counts of people; they are published as they are.

What cannot be done here: when every non-zero count of a group is already hidden and the group
is still recoverable (say counts 1 and k with a published total of k + 1), only hiding the total
helps. :func:`protect_total` says when the total itself must be hidden, and
:func:`exposed_cells` says which two-way cells would still be recoverable from the margins.
"""

from __future__ import annotations

from projections.disclosure.nested import protect_nested
from projections.disclosure.one_way import protect_counts, protect_rate, protect_total
from projections.disclosure.policy import (
    DEFAULT_K,
    MIN_K,
    PRIMARY,
    SECONDARY,
    SMALL_BASE,
    WITHHELD,
    DisclosurePolicy,
)
from projections.disclosure.tables import Cell, ProtectedTable
from projections.disclosure.two_way import exposed_cells, protect_two_way

__all__ = [
    "DEFAULT_K",
    "MIN_K",
    "PRIMARY",
    "SECONDARY",
    "SMALL_BASE",
    "WITHHELD",
    "Cell",
    "DisclosurePolicy",
    "ProtectedTable",
    "exposed_cells",
    "protect_counts",
    "protect_nested",
    "protect_rate",
    "protect_total",
    "protect_two_way",
]
