"""Disclosure control for published tables (DOMAIN.md §6): no count of people can be read off.

Why this exists: impact reports go to the public and to evaluators, and a count of 1 or 2
voters in a small area, or a share computed over 3 people, can single a person out. Every
figure about people therefore passes through here before it is published, and every published
table carries the k and the method text (:attr:`DisclosurePolicy.method`) it was made with.

The rules, as published in the method text:

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
* **Secondary suppression (two-way).** With row and column totals both published, the one-way
  rule is applied to every row and every column until nothing changes (passing over a cell
  that is the only non-zero one of its other line while another will do, since hiding it there
  would expose it); then each hidden cell is checked against both margins at once (a cell is
  recoverable exactly when no cycle of hidden cells lets it move up or down by one within the
  bounds above, see :func:`exposed_cells`), and the smallest visible non-zero cell that frees
  it is hidden, repeating until no hidden cell is recoverable. Per-row-and-column rules alone
  are not enough: counts 1, k / k, 1 with their margins pin all four cells.
* **Not suppressed:** counts of projects, decisions and money are not
  counts of people; they are published as they are.

What cannot be done here: when every non-zero count of a group is already hidden and the group
is still recoverable (say counts 1 and k with a published total of k + 1), only hiding the total
helps. :func:`protect_total` says when the total itself must be hidden, and
:func:`exposed_cells` says which two-way cells would still be recoverable from the margins.

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

from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar

from coprod.domain.errors import InvalidInput
from coprod.domain.process import DEFAULT_DISCLOSURE_K, MIN_DISCLOSURE_K

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

#: The same numbers the process aggregate enforces when an officer sets k.
DEFAULT_K = DEFAULT_DISCLOSURE_K
MIN_K = MIN_DISCLOSURE_K

PRIMARY = "primary"
SECONDARY = "secondary"
SMALL_BASE = "small-base"
WITHHELD = "withheld"
_REASONS = (PRIMARY, SECONDARY, SMALL_BASE, WITHHELD)

K = TypeVar("K", bound=Hashable)
N = TypeVar("N", bound=Hashable)


def _whole(field: str, value: object, *, minimum: int) -> int:
    """Counts of people are whole numbers; a bool or float here is a caller's bug, said plainly."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(field, f"must be a whole number, not {type(value).__name__}")
    if value < minimum:
        raise InvalidInput(field, f"must be at least {minimum}, got {value}")
    return value


@dataclass(frozen=True)
class DisclosurePolicy:
    """The k of one process; refuses a k that would let tables show 1 or 2 people."""

    k: int = DEFAULT_K

    def __post_init__(self) -> None:
        _whole("k", self.k, minimum=MIN_K)

    @property
    def method(self) -> str:
        """Published with every table, so a reader can tell what a hidden cell means."""
        k = self.k
        return (
            f"k = {k}. Primary: counts of people 0 < n < {k} hidden; rates, shares and means "
            f"over fewer than {k} people hidden (small-base). True zeros are shown. "
            "Secondary: wherever a total is published, at least two cells of the group are "
            f"hidden, their sum is at least {k}, and the smallest visible non-zero counts are "
            "hidden next until no hidden count can be recovered exactly from the total, even "
            f"knowing that a primary-hidden count lies in 1..{k - 1} and a secondary-hidden "
            f"count is at least {k}; two-way tables apply this to every row and column until "
            "stable, then check each hidden cell against both margins. Counts of projects, "
            "decisions and money are not counts of people and are not suppressed."
        )


@dataclass(frozen=True)
class Cell:
    """One published figure; a hidden one keeps no value, so it cannot leak by mistake."""

    value: int | Decimal | None
    suppressed: str | None = None  # None, "primary", "secondary", "small-base" or "withheld"

    def __post_init__(self) -> None:
        if self.suppressed is None:
            return
        if self.suppressed not in _REASONS:
            raise InvalidInput("suppressed", f"must be one of {', '.join(_REASONS)}")
        if self.value is not None:
            raise InvalidInput("value", "a suppressed cell carries no value")


@dataclass(frozen=True)
class ProtectedTable:
    """One published table: rows of labelled cells, plus the k and method used."""

    title: str
    k: int
    method: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str | Cell, ...], ...]

    def __post_init__(self) -> None:
        for number, row in enumerate(self.rows):
            if len(row) != len(self.columns):
                raise InvalidInput(
                    "rows",
                    f"row {number} of {self.title!r} has {len(row)} entries "
                    f"for {len(self.columns)} columns",
                )

    def as_dicts(self) -> list[dict[str, object]]:
        """JSON-ready rows; every column that holds cells gets a ``<column>_suppressed`` key.

        The key is present on every row (None where the cell is shown), so the rows have one
        shape and load into a data frame or a CSV without gaps. Decimals stay Decimals: the
        caller chooses how to write them (the impact report writes strings, never floats).
        """
        cell_columns = {
            column
            for row in self.rows
            for column, entry in zip(self.columns, row, strict=True)
            if isinstance(entry, Cell)
        }
        result: list[dict[str, object]] = []
        for row in self.rows:
            record: dict[str, object] = {}
            for column, entry in zip(self.columns, row, strict=True):
                if isinstance(entry, Cell):
                    record[column] = entry.value
                    record[f"{column}_suppressed"] = entry.suppressed
                else:
                    record[column] = entry
                    if column in cell_columns:
                        record[f"{column}_suppressed"] = None
            result.append(record)
        return result


# -- one-way ------------------------------------------------------------------------------------


def _bounds(reason: str, k: int) -> tuple[int, int | None]:
    """What the attacker knows of a hidden count from its reason (None: no upper bound)."""
    if reason == WITHHELD:
        return (0, None)
    return (1, k - 1) if reason == PRIMARY else (k, None)


def _group_safe(hidden: Sequence[tuple[int, str]], k: int) -> bool:
    """Rules (a)-(c) of the module docstring for one group with a published total."""
    if not hidden:
        return True
    if len(hidden) < 2:
        return False
    total = sum(value for value, _ in hidden)
    if total < k:
        return False
    least = sum(_bounds(reason, k)[0] for _, reason in hidden)
    uppers = [_bounds(reason, k)[1] for _, reason in hidden]
    greatest = None if None in uppers else sum(u for u in uppers if u is not None)
    return least < total and (greatest is None or total < greatest)


def _protect_group(
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
    while not _group_safe(hidden(), k):
        candidates = sorted(
            (key for key in group if key not in reasons and values[key] > 0),
            key=lambda key: (poor(key), values[key], order[key]),
        )
        if not candidates:
            break  # only hiding the total would help: see protect_total
        pick = next((c for c in candidates if _group_safe(hidden(c), k)), candidates[0])
        reasons[pick] = SECONDARY
        changed = True
    return changed


def _counts(counts: Mapping[K, int]) -> dict[K, int]:
    return {key: _whole(f"counts[{key}]", n, minimum=0) for key, n in counts.items()}


def _primary(values: Mapping[K, int], k: int) -> dict[K, str]:
    return {key: PRIMARY for key, n in values.items() if 0 < n < k}


def _cells(values: Mapping[K, int], reasons: Mapping[K, str]) -> dict[K, Cell]:
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
    values = _counts(counts)
    reasons = _primary(values, policy.k)
    if total is not None:
        _whole("total", total, minimum=0)
        _protect_group(list(values), values, reasons, policy.k)
    return _cells(values, reasons)


def protect_total(counts: Mapping[str, int], policy: DisclosurePolicy, total: int) -> Cell:
    """The published total of a group: hidden when small itself or when it would expose a cell.

    A total of ``0 < n < k`` people is primary-suppressed; a total from which a hidden count of
    ``protect_counts(counts, policy, total=total)`` could still be recovered is hidden as
    ``"secondary"``. Otherwise the total is shown.
    """
    _whole("total", total, minimum=0)
    if 0 < total < policy.k:
        return Cell(None, PRIMARY)
    values = _counts(counts)
    reasons = _primary(values, policy.k)
    _protect_group(list(values), values, reasons, policy.k)
    if not _group_safe([(values[key], reason) for key, reason in reasons.items()], policy.k):
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
    _whole("base_people", base_people, minimum=0)
    if base_people < policy.k:
        return Cell(None, SMALL_BASE)
    return Cell(numerator)


# -- two-way ------------------------------------------------------------------------------------


def _lines(keys: Iterable[tuple[str, str]]) -> list[list[tuple[str, str]]]:
    """Rows then columns of a two-way table, each a list of its cells in first-seen order."""
    rows: dict[str, list[tuple[str, str]]] = {}
    columns: dict[str, list[tuple[str, str]]] = {}
    for key in keys:
        rows.setdefault(key[0], []).append(key)
        columns.setdefault(key[1], []).append(key)
    return [*rows.values(), *columns.values()]


def _reaches(edges: Mapping[N, list[N]], start: N, goal: N) -> bool:
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
        low, high = _bounds(reasons[key], k)
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
        if not (up and _reaches(edges, column, row)) and not (
            down and _reaches(edges, row, column)
        ):
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
        values[key] = _whole(f"table[{key}]", n, minimum=0)
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
    reasons = _primary(values, k)
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
                changed = _protect_group(line, values, reasons, k, poor) or changed
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
    return _cells(values, reasons)


# -- nested -------------------------------------------------------------------------------------


def _exposed_nested(
    parents: Mapping[K, K | None],
    values: Mapping[K, int],
    reasons: Mapping[K, str],
    floor: Mapping[K, int],
    k: int,
) -> list[K]:
    """Hidden counts of a tree of sums that no residual cycle moves up or down by one.

    Each count is an edge from its parent's node to its own node (a leaf's goes to the outside
    node, and the root's comes from it), so every node balances; then as in :func:`_exposed`.
    """
    inner = {parent for parent in parents.values() if parent is not None}
    outside: tuple[object, ...] = ("outside",)

    def ends(key: K) -> tuple[tuple[object, ...], tuple[object, ...]]:
        parent = parents[key]
        tail = outside if parent is None else ("node", parent)
        return tail, ("node", key) if key in inner else outside

    def moves(key: K) -> tuple[bool, bool]:
        low, high = _bounds(reasons[key], k)
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
        if not (up and _reaches(edges, head, tail)) and not (down and _reaches(edges, tail, head)):
            found.append(cell)
    return found


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
    k = policy.k
    values = {key: _whole(f"counts[{key}]", n, minimum=0) for key, n in counts.items()}
    roots = [key for key, parent in parents.items() if parent is None]
    if set(parents) != set(values) or len(roots) != 1:
        raise InvalidInput("parents", "needs one root and a parent entry for every count")
    if any(parent is not None and parent not in values for parent in parents.values()):
        raise InvalidInput("parents", "every parent must be a count of the tree")
    root = roots[0]
    floor = {key: _whole(f"lowest[{key}]", n, minimum=0) for key, n in (lowest or {}).items()}
    groups: dict[K, list[K]] = {}
    for key, parent in parents.items():
        if parent is not None:
            groups.setdefault(parent, []).append(key)
    order = {key: i for i, key in enumerate(values)}
    reasons = _primary(values, k)

    def exposed(hidden: Mapping[K, str]) -> list[K]:
        return _exposed_nested(parents, values, hidden, floor, k)

    def withheld() -> dict[K, Cell]:
        held = {key: WITHHELD for key in values if key != root}
        held.update({root: reasons[root]} if root in reasons else {})
        # Fixed by the structure alone (public anyway); a small one stays hidden regardless.
        fixed = {key for key in exposed(held) if key != root and not 0 < values[key] < k}
        return _cells(values, {key: r for key, r in held.items() if key not in fixed})

    if root in reasons:
        return withheld()
    # Hiding more never pins a hidden count down, so one still pinned with every non-zero
    # count hidden is beyond what hiding counts can do.
    everything = {
        key: reasons.get(key, SECONDARY) for key, n in values.items() if n > 0 and key != root
    }
    hopeless = set(exposed(everything))
    while True:
        changed = True
        while changed:
            changed = False
            for total, parts in groups.items():
                if total not in reasons:
                    changed = _protect_group(parts, values, reasons, k) or changed
        stuck = exposed(reasons)
        if not stuck:
            return _cells(values, reasons)
        if hopeless.intersection(stuck):
            return withheld()
        cell = stuck[0]
        visible = sorted(
            (key for key, n in values.items() if n > 0 and key not in reasons and key != root),
            key=lambda key: (values[key], order[key]),
        )
        pick = next((c for c in visible if cell not in exposed({**reasons, c: SECONDARY})), None)
        if pick is None:
            near = [c for c in visible if parents[c] in (parents[cell], cell)]
            pick = (near or visible)[0]
        reasons[pick] = SECONDARY
