"""Counts that are parts of parts of one total published elsewhere: nested suppression.

* **Nested counts and withheld breakdowns.** :func:`protect_nested` protects counts that are
  parts of parts of one total published elsewhere (voters V by area, and the same voters by the
  deprivation quintile their area is in). When the total must stay published (it is the
  headline of another table) and hiding counts cannot protect the breakdown, or when the total
  is itself hidden, the breakdown is withheld: all its counts, zeros included, are hidden as
  ``"withheld"``, about which the attacker knows only that it is at least 0 (and any public
  lower bound); a count the structure alone fixes (a group nothing can fall into) is shown,
  unless it is below k.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Generic, TypeVar

from coprod.domain.errors import InvalidInput
from projections.disclosure.one_way import cells_of, primary, protect_group
from projections.disclosure.policy import SECONDARY, WITHHELD, DisclosurePolicy, bounds, whole
from projections.disclosure.tables import Cell
from projections.disclosure.two_way import reaches

K = TypeVar("K", bound=Hashable)


def _exposed_nested(
    parents: Mapping[K, K | None],
    values: Mapping[K, int],
    reasons: Mapping[K, str],
    floor: Mapping[K, int],
    k: int,
) -> list[K]:
    """Hidden counts of a tree of sums that no residual cycle moves up or down by one.

    Each count is an edge from its parent's node to its own node (a leaf's goes to the outside
    node, and the root's comes from it), so every node balances; then as in the two-way check
    (:func:`projections.disclosure.two_way.exposed_cells`).
    """
    inner = {parent for parent in parents.values() if parent is not None}
    outside: tuple[object, ...] = ("outside",)

    def ends(key: K) -> tuple[tuple[object, ...], tuple[object, ...]]:
        parent = parents[key]
        tail = outside if parent is None else ("node", parent)
        return tail, ("node", key) if key in inner else outside

    def moves(key: K) -> tuple[bool, bool]:
        low, high = bounds(reasons[key], k)
        low = max(low, floor.get(key, 0))
        return high is None or values[key] < high, values[key] > low

    found: list[K] = []
    for cell in reasons:
        edges: dict[tuple[object, ...], list[tuple[object, ...]]] = {}
        for other in reasons:
            if other == cell:
                continue
            up, down = moves(other)
            tail, head = ends(other)
            if up:
                edges.setdefault(tail, []).append(head)
            if down:
                edges.setdefault(head, []).append(tail)
        up, down = moves(cell)
        tail, head = ends(cell)
        if not (up and reaches(edges, head, tail)) and not (down and reaches(edges, tail, head)):
            found.append(cell)
    return found


class _Tree(Generic[K]):
    """One breakdown as a tree of sums: its counts, their parents, floors and the root."""

    def __init__(
        self,
        parents: Mapping[K, K | None],
        counts: Mapping[K, int],
        lowest: Mapping[K, int] | None,
        k: int,
    ) -> None:
        self.parents, self.k = parents, k
        self.values = {key: whole(f"counts[{key}]", n, minimum=0) for key, n in counts.items()}
        roots = [key for key, parent in parents.items() if parent is None]
        if set(parents) != set(self.values) or len(roots) != 1:
            raise InvalidInput("parents", "needs one root and a parent entry for every count")
        if any(parent is not None and parent not in self.values for parent in parents.values()):
            raise InvalidInput("parents", "every parent must be a count of the tree")
        self.root = roots[0]
        self.floor = {
            key: whole(f"lowest[{key}]", n, minimum=0) for key, n in (lowest or {}).items()
        }
        self.groups: dict[K, list[K]] = {}
        for key, parent in parents.items():
            if parent is not None:
                self.groups.setdefault(parent, []).append(key)
        self.order = {key: i for i, key in enumerate(self.values)}

    def exposed(self, hidden: Mapping[K, str]) -> list[K]:
        return _exposed_nested(self.parents, self.values, hidden, self.floor, self.k)

    def withheld(self, reasons: Mapping[K, str]) -> dict[K, Cell]:
        """Everything below the root withheld, but what the structure alone fixes."""
        values, root = self.values, self.root
        held = {key: WITHHELD for key in values if key != root}
        held.update({root: reasons[root]} if root in reasons else {})
        # Fixed by the structure alone (public anyway); a small one stays hidden regardless.
        fixed = {key for key in self.exposed(held) if key != root and not 0 < values[key] < self.k}
        return cells_of(values, {key: r for key, r in held.items() if key not in fixed})

    def hopeless(self, reasons: Mapping[K, str]) -> set[K]:
        """Counts still pinned with every non-zero count hidden: beyond what hiding can do
        (hiding more never pins a hidden count down)."""
        everything = {
            key: reasons.get(key, SECONDARY)
            for key, n in self.values.items()
            if n > 0 and key != self.root
        }
        return set(self.exposed(everything))

    def protect_groups(self, reasons: dict[K, str]) -> None:
        """The one-way rule on every group whose total is shown, until nothing changes."""
        changed = True
        while changed:
            changed = False
            for total, parts in self.groups.items():
                if total not in reasons:
                    changed = protect_group(parts, self.values, reasons, self.k) or changed

    def freeing(self, cell: K, reasons: Mapping[K, str]) -> K:
        """The smallest visible count whose hiding frees `cell`, else the nearest smallest."""
        visible = sorted(
            (
                key
                for key, n in self.values.items()
                if n > 0 and key not in reasons and key != self.root
            ),
            key=lambda key: (self.values[key], self.order[key]),
        )
        pick = next(
            (c for c in visible if cell not in self.exposed({**reasons, c: SECONDARY})), None
        )
        if pick is None:
            near = [c for c in visible if self.parents[c] in (self.parents[cell], cell)]
            pick = (near or visible)[0]
        return pick


def protect_nested(
    parents: Mapping[K, K | None],
    counts: Mapping[K, int],
    policy: DisclosurePolicy,
    *,
    lowest: Mapping[K, int] | None = None,
) -> dict[K, Cell]:
    """Counts of people that are parts of parts of one total that another table publishes.

    Why: a report shows the same people several ways (V in the turnout; V by area and by the
    deprivation quintile each area is in), and a hidden count must not follow from any of them.
    `parents` maps each key to the key it is part of, None for the root (the total, which is
    only ever hidden as primary, as the table publishing it does). `lowest` holds public lower
    bounds (people in contribution logs are at least the logs). The one-way rule runs on every
    group whose total is shown, then each hidden count is checked exactly against all the sums
    at once, hiding the smallest visible count that frees it. When hiding counts cannot do it,
    or the root is hidden, everything below the root is withheld (module docstring).
    """
    tree = _Tree(parents, counts, lowest, policy.k)
    reasons = primary(tree.values, tree.k)
    if tree.root in reasons:
        return tree.withheld(reasons)
    hopeless = tree.hopeless(reasons)
    while True:
        tree.protect_groups(reasons)
        stuck = tree.exposed(reasons)
        if not stuck:
            return cells_of(tree.values, reasons)
        if hopeless.intersection(stuck):
            return tree.withheld(reasons)
        reasons[tree.freeing(stuck[0], reasons)] = SECONDARY
