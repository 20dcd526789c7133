"""Disclosure control: primary and secondary suppression, checked against brute force.

The attacker of these checks knows what a published table shows: the visible cells, the totals
(or both margins), k, and each hidden cell's reason, so a primary-hidden count lies in 1..k-1
and a secondary-hidden one is at least k. The checks enumerate values; they do not reuse the
module's interval arithmetic or its cycle search.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from decimal import Decimal

import pytest

from coprod.domain.errors import InvalidInput
from projections.disclosure import (
    DEFAULT_K,
    MIN_K,
    Cell,
    DisclosurePolicy,
    ProtectedTable,
    exposed_cells,
    protect_counts,
    protect_rate,
    protect_total,
    protect_two_way,
)

Key = tuple[str, str]


def box(reason: str, k: int, cap: int) -> range:
    """What the attacker knows of a hidden count: its reason's bounds, capped by a total."""
    return range(1, min(k - 1, cap) + 1) if reason == "primary" else range(k, cap + 1)


def one_way_ranges(hidden: list[tuple[int, str]], rest: int, k: int) -> list[set[int]]:
    """Every value each hidden cell can take with the hidden cells summing to `rest`."""
    ranges = []
    for i in range(len(hidden)):
        sums = {0}
        for j, (_, reason) in enumerate(hidden):
            if j != i:
                sums = {s + v for s in sums for v in box(reason, k, rest) if s + v <= rest}
        ranges.append({v for v in box(hidden[i][1], k, rest) if rest - v in sums})
    return ranges


def other_solution(
    table: Mapping[Key, int], cells: Mapping[Key, Cell], k: int, target: Key
) -> bool:
    """True if the hidden cells can take values fitting both margins with `target` changed."""
    hidden = [key for key in table if cells[key].suppressed is not None]
    row_rest: dict[str, int] = {}
    col_rest: dict[str, int] = {}
    for (r, c), n in table.items():
        if cells[(r, c)].suppressed is not None:
            row_rest[r] = row_rest.get(r, 0) + n
            col_rest[c] = col_rest.get(c, 0) + n
    left_in_row = {r: sum(1 for key in hidden if key[0] == r) for r in row_rest}
    left_in_col = {c: sum(1 for key in hidden if key[1] == c) for c in col_rest}

    def search(i: int) -> bool:
        if i == len(hidden):
            return all(v == 0 for v in row_rest.values()) and all(v == 0 for v in col_rest.values())
        r, c = key = hidden[i]
        cap = min(row_rest[r], col_rest[c])
        options = box(cells[key].suppressed or "", k, cap)
        left_in_row[r] -= 1
        left_in_col[c] -= 1
        found = False
        for v in options:
            if key == target and v == table[key]:
                continue
            if left_in_row[r] == 0 and v != row_rest[r]:
                continue
            if left_in_col[c] == 0 and v != col_rest[c]:
                continue
            row_rest[r] -= v
            col_rest[c] -= v
            found = search(i + 1)
            row_rest[r] += v
            col_rest[c] += v
            if found:
                break
        left_in_row[r] += 1
        left_in_col[c] += 1
        return found

    return search(0)


def hidden_of(cells: Mapping[str, Cell], counts: Mapping[str, int]) -> list[tuple[int, str]]:
    return [(counts[g], c.suppressed) for g, c in cells.items() if c.suppressed is not None]


# -- the policy ---------------------------------------------------------------------------------


def test_default_and_minimum_k() -> None:
    assert (DEFAULT_K, MIN_K) == (5, 3)
    assert DisclosurePolicy().k == 5
    assert DisclosurePolicy(3).k == 3


@pytest.mark.parametrize("k", [2, 1, 0, -5])
def test_a_k_below_three_is_refused(k: int) -> None:
    with pytest.raises(InvalidInput, match="at least 3") as refused:
        DisclosurePolicy(k)
    assert refused.value.field == "k"


@pytest.mark.parametrize("k", [True, 5.0, "5", None])
def test_a_k_that_is_not_a_whole_number_is_refused(k: object) -> None:
    with pytest.raises(InvalidInput, match="whole number"):
        DisclosurePolicy(k)  # type: ignore[arg-type]


def test_the_method_text_states_k_and_the_rules() -> None:
    method = DisclosurePolicy(10).method
    assert "k = 10" in method
    assert "0 < n < 10" in method
    assert "fewer than 10 people" in method
    assert "zeros are shown" in method
    assert "Secondary" in method
    assert "projects, decisions and money" in method


# -- primary suppression ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("k", "n", "expected"),
    [
        (5, 4, Cell(None, "primary")),  # k - 1
        (5, 5, Cell(5)),  # k
        (5, 6, Cell(6)),  # k + 1
        (10, 9, Cell(None, "primary")),
        (10, 10, Cell(10)),
        (10, 11, Cell(11)),
        (3, 1, Cell(None, "primary")),
        (5, 0, Cell(0)),  # true zeros are shown
    ],
)
def test_primary_suppression_at_k_minus_1_k_and_k_plus_1(k: int, n: int, expected: Cell) -> None:
    assert protect_counts({"g": n}, DisclosurePolicy(k)) == {"g": expected}


def test_without_a_published_total_only_primary_suppression_applies() -> None:
    cells = protect_counts({"a": 1, "b": 5, "c": 6, "d": 0}, DisclosurePolicy())
    assert cells == {"a": Cell(None, "primary"), "b": Cell(5), "c": Cell(6), "d": Cell(0)}


@pytest.mark.parametrize(
    ("base", "expected"),
    [(4, Cell(None, "small-base")), (5, Cell(Decimal("0.25"))), (6, Cell(Decimal("0.25")))],
)
def test_a_rate_over_fewer_than_k_people_is_hidden(base: int, expected: Cell) -> None:
    assert protect_rate(Decimal("0.25"), base, DisclosurePolicy()) == expected


def test_a_rate_over_nobody_is_hidden_and_ints_pass_through() -> None:
    policy = DisclosurePolicy()
    assert protect_rate(0, 0, policy) == Cell(None, "small-base")
    assert protect_rate(7, 12, policy) == Cell(7)


def test_bad_inputs_are_refused_with_the_field_named() -> None:
    policy = DisclosurePolicy()
    with pytest.raises(InvalidInput, match=r"counts\[a\]"):
        protect_counts({"a": -1}, policy)
    with pytest.raises(InvalidInput, match="whole number"):
        protect_counts({"a": 2.0}, policy)  # type: ignore[dict-item]
    with pytest.raises(InvalidInput, match="whole number"):
        protect_counts({"a": True}, policy)
    with pytest.raises(InvalidInput, match="total"):
        protect_counts({"a": 1}, policy, total=-1)
    with pytest.raises(InvalidInput, match="base_people"):
        protect_rate(Decimal(1), -1, policy)
    with pytest.raises(InvalidInput, match="numerator"):
        protect_rate(0.5, 10, policy)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="no value"):
        Cell(3, "primary")
    with pytest.raises(InvalidInput, match="suppressed"):
        Cell(None, "hidden")


# -- secondary suppression, by hand -------------------------------------------------------------


def test_a_lone_hidden_cell_takes_the_smallest_visible_one_with_it() -> None:
    # female 6, male 5 (= k), other 4 (k - 1), not stated 0; 15 voters published
    counts = {"female": 6, "male": 5, "other": 4, "not stated": 0}
    cells = protect_counts(counts, DisclosurePolicy(), total=15)
    assert cells == {
        "female": Cell(6),
        "male": Cell(None, "secondary"),
        "other": Cell(None, "primary"),
        "not stated": Cell(0),
    }
    # other + male = 15 - 6 = 9, other in 1..4, male >= 5: other is any of 1..4
    assert one_way_ranges(hidden_of(cells, counts), 9, 5) == [{5, 6, 7, 8}, {1, 2, 3, 4}]


def test_two_small_cells_that_sum_to_k_need_nothing_more() -> None:
    counts = {"female": 6, "male": 4, "not stated": 1}
    cells = protect_counts(counts, DisclosurePolicy(), total=11)
    assert cells["female"] == Cell(6)
    assert one_way_ranges(hidden_of(cells, counts), 5, 5) == [{1, 2, 3, 4}, {1, 2, 3, 4}]


def test_small_cells_summing_below_k_take_a_third() -> None:
    counts = {"a": 1, "b": 1, "c": 30, "d": 40}
    cells = protect_counts(counts, DisclosurePolicy(), total=72)
    assert [cells[g].suppressed for g in "abcd"] == ["primary", "primary", "secondary", None]
    # 1 + 1 alone would be pinned down: both cells are at least 1
    assert one_way_ranges([(1, "primary"), (1, "primary")], 2, 5) == [{1}, {1}]


def test_two_cells_at_k_minus_1_are_pinned_by_their_upper_bound() -> None:
    # a + b = 8 with both at most 4 gives a = b = 4, so a visible cell is hidden too
    counts = {"a": 4, "b": 4, "c": 9}
    assert one_way_ranges([(4, "primary"), (4, "primary")], 8, 5) == [{4}, {4}]
    cells = protect_counts(counts, DisclosurePolicy(), total=17)
    assert [cells[g].suppressed for g in "abc"] == ["primary", "primary", "secondary"]
    assert all(len(r) > 1 for r in one_way_ranges(hidden_of(cells, counts), 17, 5))


def test_a_secondary_cell_at_exactly_k_would_pin_a_one_so_a_larger_one_is_hidden() -> None:
    # 1 + 5 = 6 with the 5 known to be >= 5 gives the 1 away; 1 + 7 leaves 1..3 possible
    assert one_way_ranges([(1, "primary"), (5, "secondary")], 6, 5) == [{1}, {5}]
    counts = {"a": 1, "b": 5, "c": 7, "d": 20}
    cells = protect_counts(counts, DisclosurePolicy(), total=33)
    assert [cells[g].suppressed for g in "abcd"] == ["primary", None, "secondary", None]
    assert one_way_ranges(hidden_of(cells, counts), 8, 5) == [{1, 2, 3}, {5, 6, 7}]


def test_when_only_the_total_can_give_way_it_is_hidden() -> None:
    policy = DisclosurePolicy()
    cells = protect_counts({"a": 1, "b": 5}, policy, total=6)
    assert cells == {"a": Cell(None, "primary"), "b": Cell(None, "secondary")}
    assert protect_total({"a": 1, "b": 5}, policy, 6) == Cell(None, "secondary")
    assert protect_total({"a": 3}, policy, 3) == Cell(None, "primary")
    assert protect_total({"a": 6, "b": 4, "c": 1}, policy, 11) == Cell(11)
    assert protect_total({"a": 0}, policy, 0) == Cell(0)


# -- secondary suppression, random tables -------------------------------------------------------


def _count(rng: random.Random, k: int, zeros: int = 2) -> int:
    """Zeros, small counts and counts near k are the interesting ones."""
    small = [rng.randint(1, k - 1) for _ in range(zeros)]
    return rng.choice([*[0] * zeros, *small, k, rng.randint(k, 3 * k), rng.randint(k, 4 * k)])


def test_random_one_way_groups_hide_nothing_recoverable() -> None:
    rng = random.Random(20260501)
    checked = flagged = 0
    for _ in range(500):
        k = rng.choice([3, 4, 5, 10])
        policy = DisclosurePolicy(k)
        counts = {f"g{i}": _count(rng, k) for i in range(rng.randint(1, 6))}
        total = sum(counts.values())
        cells = protect_counts(counts, policy, total=total)
        for g, n in counts.items():
            if 0 < n < k:
                assert cells[g] == Cell(None, "primary")
            elif cells[g].suppressed is None:
                assert cells[g].value == n
            else:
                assert cells[g].suppressed == "secondary"
                assert n > 0  # zeros are never hidden
        hidden = hidden_of(cells, counts)
        rest = total - sum(c.value for c in cells.values() if isinstance(c.value, int))
        ranges = one_way_ranges(hidden, rest, k)
        exposed = hidden and (len(hidden) < 2 or rest < k or any(len(r) < 2 for r in ranges))
        if protect_total(counts, policy, total).suppressed is None:
            assert not exposed, (k, counts, cells)
            checked += bool(hidden)
        else:
            # only when nothing is left to hide, and only when the total really gives way
            assert exposed or 0 < total < k, (k, counts, cells)
            assert all(cells[g].suppressed for g, n in counts.items() if n > 0)
            flagged += 1
    assert checked > 200
    assert flagged > 0


def test_random_two_way_tables_hide_nothing_recoverable_from_the_margins() -> None:
    rng = random.Random(7)
    checked = flagged = 0
    for _ in range(200):
        k = rng.choice([3, 4, 5])
        policy = DisclosurePolicy(k)
        shape = rng.choice([(2, 3), (3, 3), (3, 2), (2, 4)])
        table = {
            (f"r{r}", f"c{c}"): _count(rng, k, zeros=1)
            for r in range(shape[0])
            for c in range(shape[1])
        }
        cells = protect_two_way(table, policy)
        for key, n in table.items():
            if 0 < n < k:
                assert cells[key] == Cell(None, "primary")
            elif cells[key].suppressed is None:
                assert cells[key].value == n
            else:
                assert (cells[key].suppressed, n > 0) == ("secondary", True)
        hidden = [key for key, cell in cells.items() if cell.suppressed is not None]
        pinned = {key for key in hidden if not other_solution(table, cells, k, key)}
        # the module's own verdict agrees with the brute force
        assert set(exposed_cells(table, cells, policy)) == pinned, (table, cells)
        if pinned:
            flagged += 1
            # only where no hiding of inner cells could help: hidden all, they stay pinned
            everything = {
                key: Cell(None, "primary" if 0 < n < k else "secondary") if n else Cell(0)
                for key, n in table.items()
            }
            assert not any(other_solution(table, everything, k, key) for key in pinned)
        else:
            checked += bool(hidden)
    assert checked > 50  # tables with hidden cells that the margins do not give away
    assert flagged > 0  # and the tables whose margins must go too were met


def test_per_row_and_column_rules_alone_would_leave_a_cell_pinned() -> None:
    """Every row and column has two hidden cells, yet the margins fix all four."""
    k, policy = 5, DisclosurePolicy(5)
    table = {("a", "x"): 1, ("a", "y"): 5, ("b", "x"): 5, ("b", "y"): 1}
    cells = protect_two_way(table, policy)
    assert all(c.suppressed for c in cells.values())
    assert not any(other_solution(table, cells, k, key) for key in table)
    assert set(exposed_cells(table, cells, policy)) == set(table)


def test_a_two_way_table_hand_checked() -> None:
    policy = DisclosurePolicy()
    table = {
        ("a", "x"): 1,
        ("a", "y"): 8,
        ("a", "z"): 9,
        ("b", "x"): 7,
        ("b", "y"): 6,
        ("b", "z"): 12,
        ("c", "x"): 10,
        ("c", "y"): 11,
        ("c", "z"): 13,
    }
    cells = protect_two_way(table, policy)
    hidden = {key: c.suppressed for key, c in cells.items() if c.suppressed}
    # the 1 takes the smallest cells of its row (8) and column (7), and 6 closes the rectangle
    assert hidden == {
        ("a", "x"): "primary",
        ("a", "y"): "secondary",
        ("b", "x"): "secondary",
        ("b", "y"): "secondary",
    }
    assert all(other_solution(table, cells, 5, key) for key in hidden)
    assert exposed_cells(table, cells, policy) == ()


# -- the published table ------------------------------------------------------------------------


def test_as_dicts_has_one_shape_per_row() -> None:
    policy = DisclosurePolicy()
    table = ProtectedTable(
        title="representation: sex",
        k=policy.k,
        method=policy.method,
        columns=("group", "participants", "share"),
        rows=(
            ("female", Cell(6), Cell(Decimal("0.6"))),
            ("male", Cell(None, "secondary"), Cell(None, "secondary")),
            ("all", Cell(10), "n/a"),
        ),
    )
    assert table.as_dicts() == [
        {
            "group": "female",
            "participants": 6,
            "participants_suppressed": None,
            "share": Decimal("0.6"),
            "share_suppressed": None,
        },
        {
            "group": "male",
            "participants": None,
            "participants_suppressed": "secondary",
            "share": None,
            "share_suppressed": "secondary",
        },
        {
            "group": "all",
            "participants": 10,
            "participants_suppressed": None,
            "share": "n/a",
            "share_suppressed": None,
        },
    ]
    assert (table.k, table.method) == (5, policy.method)


def test_a_row_of_the_wrong_length_is_refused() -> None:
    with pytest.raises(InvalidInput, match="row 0"):
        ProtectedTable("t", 5, "m", ("a", "b"), (("x",),))
