"""A table of counts by row and column with both margins published: two-way suppression.

* **Secondary suppression (two-way).** With row and column totals both published, the one-way
  rule (:mod:`projections.disclosure.one_way`) is applied to every row and every column until
  nothing changes (passing over a cell that is the only non-zero one of its other line while
  another will do, since hiding it there would expose it); then each hidden cell is checked
  against both margins at once (a cell is recoverable exactly when no cycle of hidden cells
  lets it move up or down by one within the bounds above, see :func:`exposed_cells`), and the
  smallest visible non-zero cell that frees it is hidden, repeating until no hidden cell is
  recoverable. Per-row-and-column rules alone are not enough: counts 1, k / k, 1 with their
  margins pin all four cells.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Mapping
from typing import TypeVar

from coprod.domain.errors import InvalidInput
from projections.disclosure.one_way import cells_of, primary, protect_group
from projections.disclosure.policy import SECONDARY, DisclosurePolicy, bounds, whole
from projections.disclosure.tables import Cell

N = TypeVar("N", bound=Hashable)


def _lines(keys: Iterable[tuple[str, str]]) -> list[list[tuple[str, str]]]:
    """Rows then columns of a two-way table, each a list of its cells in first-seen order."""
    rows: dict[str, list[tuple[str, str]]] = {}
    columns: dict[str, list[tuple[str, str]]] = {}
    for key in keys:
        rows.setdefault(key[0], []).append(key)
        columns.setdefault(key[1], []).append(key)
    return [*rows.values(), *columns.values()]


def reaches(edges: Mapping[N, list[N]], start: N, goal: N) -> bool:
    """Whether `goal` can be reached from `start` along `edges` (the residual-cycle test)."""
    seen, todo = {start}, [start]
    while todo:
        here = todo.pop()
        if here == goal:
            return True
        for there in edges.get(here, ()):
            if there not in seen:
                seen.add(there)
                todo.append(there)
    return False


def _exposed(
    values: Mapping[tuple[str, str], int], reasons: Mapping[tuple[str, str], str], k: int
) -> list[tuple[str, str]]:
    """Hidden cells fixed by the margins: no residual cycle moves them up or down by one.

    Moving a hidden cell (r, c) up by one keeps the margins only if some other hidden cell in
    column c moves down, then one in that cell's row moves up, and so on back to row r. As a
    graph on row and column nodes: an edge r -> c for each hidden cell that can still go up,
    c -> r for each that can still go down. The cell can go up iff c reaches r without it, and
    down iff r reaches c without it; a cell that can do neither is recoverable (this is exact
    for sums with bounds, by decomposing the difference of two solutions into cycles).
    """

    def node(kind: str, name: str) -> tuple[str, str]:
        return (kind, name)

    def moves(key: tuple[str, str]) -> tuple[bool, bool]:
        low, high = bounds(reasons[key], k)
        return values[key] < (high if high is not None else values[key] + 1), values[key] > low

    hidden = list(reasons)
    found: list[tuple[str, str]] = []
    for cell in hidden:
        edges: dict[tuple[str, str], list[tuple[str, str]]] = {}
        for other in hidden:
            if other == cell:
                continue
            up, down = moves(other)
            row, column = node("r", other[0]), node("c", other[1])
            if up:
                edges.setdefault(row, []).append(column)
            if down:
                edges.setdefault(column, []).append(row)

        up, down = moves(cell)
        row, column = node("r", cell[0]), node("c", cell[1])
        if not (up and reaches(edges, column, row)) and not (down and reaches(edges, row, column)):
            found.append(cell)
    return found


def exposed_cells(
    table: Mapping[tuple[str, str], int],
    cells: Mapping[tuple[str, str], Cell],
    policy: DisclosurePolicy,
) -> tuple[tuple[str, str], ...]:
    """Hidden cells of a two-way table that its row and column totals still pin down exactly.

    Empty after :func:`protect_two_way` unless the table cannot be protected by hiding inner
    cells alone; then those margins must be hidden as well.
    """
    values = _two_way_values(table)
    reasons = {key: cell.suppressed for key, cell in cells.items() if cell.suppressed is not None}
    unknown = set(reasons) - set(values)
    if unknown:
        raise InvalidInput("cells", f"cells not in the table: {sorted(unknown)}")
    return tuple(_exposed(values, reasons, policy.k))


def _two_way_values(table: Mapping[tuple[str, str], int]) -> dict[tuple[str, str], int]:
    values: dict[tuple[str, str], int] = {}
    for key, n in table.items():
        if not (isinstance(key, tuple) and len(key) == 2):
            raise InvalidInput("table", f"keys are (row, column) pairs, not {key!r}")
        values[key] = whole(f"table[{key}]", n, minimum=0)
    return values


def protect_two_way(
    table: Mapping[tuple[str, str], int], policy: DisclosurePolicy
) -> dict[tuple[str, str], Cell]:
    """Counts of people by row and column, with both margins (and the grand total) published.

    Primary suppression, then the one-way rule per row and per column until stable (passing
    over a cell that is the only non-zero one of its other line while another will do), then
    the exact check of :func:`exposed_cells`. For an exposed cell that hiding more inner cells
    can free at all, the smallest visible non-zero cell that frees it is hidden (first in its
    row or column, then anywhere), else the smallest in its row or column, and all is repeated
    until stable. A cell no hiding of inner cells can free is left: its margin must go (see
    :func:`exposed_cells`). A (row, column) pair missing from `table` is no cell.
    """
    k = policy.k
    values = _two_way_values(table)
    reasons = primary(values, k)
    lines = _lines(values)
    order = {key: i for i, key in enumerate(values)}
    nonzero_in_row = Counter(key[0] for key, n in values.items() if n > 0)
    nonzero_in_column = Counter(key[1] for key, n in values.items() if n > 0)

    def poor(key: tuple[str, str]) -> bool:
        return nonzero_in_row[key[0]] < 2 or nonzero_in_column[key[1]] < 2

    # Hiding more never pins a cell down (it only adds ways to move), so a cell still exposed
    # with every non-zero cell hidden is beyond what inner cells can do.
    everything = {key: reasons.get(key, SECONDARY) for key, n in values.items() if n > 0}
    hopeless = set(_exposed(values, everything, k))

    def visible(keys: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
        found = {key for key in keys if key not in reasons and values[key] > 0}
        return sorted(found, key=lambda key: (values[key], order[key]))

    def frees(cell: tuple[str, str], candidate: tuple[str, str]) -> bool:
        return cell not in _exposed(values, {**reasons, candidate: SECONDARY}, k)

    while True:
        changed = True
        while changed:
            changed = False
            for line in lines:
                changed = protect_group(line, values, reasons, k, poor) or changed
        exposed = [cell for cell in _exposed(values, reasons, k) if cell not in hopeless]
        if not exposed:
            break
        cell = exposed[0]
        near = visible(key for key in values if cell[0] == key[0] or cell[1] == key[1])
        pick = next((c for c in near if frees(cell, c)), None)
        if pick is None:
            pick = next((c for c in visible(values) if frees(cell, c)), None)
        if pick is None:
            pick = (sorted(near, key=poor) or visible(values))[0]
        reasons[pick] = SECONDARY
    return cells_of(values, reasons)
