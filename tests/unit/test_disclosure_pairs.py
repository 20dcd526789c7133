"""The pair solver against brute force: what two releases give away, and that tightening ends it.

Every case builds two releases of one breakdown the way the report does (protect_nested), the
later one with a few more people, then enumerates by brute force every pair of integer count
vectors the attacker cannot rule out: each release's shown counts, the bounds each hidden
count's reason implies, the published totals, and that counts only grow. What one value fits
is given away. The solver must find exactly that; after tighten, brute force must find nothing.
"""

from __future__ import annotations

import itertools
import random
from collections import defaultdict
from collections.abc import Iterator

import pytest

from coprod.domain.errors import RuleViolation
from projections.disclosure import DisclosurePolicy, protect_nested
from projections.disclosure.linear_bounds import LinearSystem
from projections.disclosure.pairs import Breakdown, pair_findings, tighten
from projections.releases import _refuse_leaks

Tree = dict[str, str | None]
FLAT: Tree = {"V": None, "a": "V", "b": "V", "c": "V", "ns": "V"}
NESTED: Tree = {"V": None, "q1": "V", "q5": "V", "n": "q1", "e": "q1", "s": "q5", "ns": "V"}


def release(tree: Tree, leaves: dict[str, int], k: int) -> Breakdown[str]:
    values = _sums(tree, leaves)
    cells = protect_nested(tree, values, DisclosurePolicy(k))
    hidden = {key: c.suppressed for key, c in cells.items() if c.suppressed is not None}
    return Breakdown(k, tree, values, hidden)


def _sums(tree: Tree, leaves: dict[str, int]) -> dict[str, int]:
    values = dict(leaves)
    for key in sorted(set(tree) - set(leaves), key=lambda k: -_depth(tree, k)):
        values[key] = sum(values[child] for child, parent in tree.items() if parent == key)
    return values


def _depth(tree: Tree, key: str) -> int:
    depth, parent = 0, tree[key]
    while parent is not None:
        depth, parent = depth + 1, tree[parent]
    return depth


def _leaves(tree: Tree) -> list[str]:
    parents = set(tree.values())
    return [key for key in tree if key not in parents]


def _fits(b: Breakdown[str]) -> Iterator[dict[str, int]]:
    """Every count vector the release allows (leaves enumerated, inner counts their sums)."""
    leaves, total = _leaves(b.parents), b.values["V"]

    def allowed(key: str) -> range:
        if key not in b.hidden:
            return range(b.values[key], b.values[key] + 1)
        low, high = b.bounds(key)
        return range(low, min(total if high is None else high, total) + 1)

    def fill(rest: list[str], left: int) -> Iterator[dict[str, int]]:
        if not rest:
            if left == 0:
                yield {}
            return
        for value in allowed(rest[0]):
            if value <= left:
                for tail in fill(rest[1:], left - value):
                    yield {rest[0]: value, **tail}

    for leaves_fill in fill(leaves, total):
        values = _sums(b.parents, leaves_fill)
        if all(values[key] in allowed(key) for key in b.parents):
            yield values


def brute_leaks(old: Breakdown[str], new: Breakdown[str]) -> set[tuple[str, str]]:
    seen: dict[tuple[str, str], set[int]] = defaultdict(set)
    news = list(_fits(new))
    for a in _fits(old):
        for b in news:
            if all(b[key] >= a[key] for key in a):  # people only join
                for key in a:
                    seen[("earlier count", key)].add(a[key])
                    seen[("new count", key)].add(b[key])
                    seen[("change", key)].add(b[key] - a[key])
    leaks = set()
    for (kind, key), values in seen.items():
        if len(values) != 1:
            continue
        value = next(iter(values))
        hidden = {"earlier count": old.hidden, "new count": new.hidden}.get(kind, {})
        already = kind == "new count" and key not in old.hidden and old.values[key] == value
        if key in hidden and value != 0 and not already:  # zeros and shown values tell nothing
            leaks.add((kind, key))
        if kind == "change" and key != "V" and 0 < abs(value) < new.k:
            leaks.add((kind, key))
    return leaks


def cases(count: int) -> Iterator[tuple[Tree, dict[str, int], dict[str, int], int]]:
    rng = random.Random(11)
    for _ in range(count):
        tree = rng.choice((FLAT, NESTED))
        k = rng.choice((3, 5))
        before = {leaf: rng.choice((0, 1, 2, 3, 4, 5, 6, 8)) for leaf in _leaves(tree)}
        after = {leaf: n + rng.choice((0, 0, 0, 1, 2, 5)) for leaf, n in before.items()}
        yield tree, before, after, k


ATTEMPTS = list(cases(150))


def test_the_solver_finds_what_brute_force_finds_and_tightening_leaves_nothing() -> None:
    found_before = 0
    for tree, before, after, k in ATTEMPTS:
        old, new = release(tree, before, k), release(tree, after, k)
        solver = {(f.kind, f.key) for f in pair_findings(old, new)}
        assert solver == brute_leaks(old, new), (tree, before, after, k)
        found_before += bool(solver)
        tightened = Breakdown(k, tree, new.values, tighten(new, [old]))
        assert brute_leaks(old, tightened) == set(), (tree, before, after, k)
        assert pair_findings(old, tightened) == []
    assert found_before > 30  # the attacks are real: many untightened pairs gave something away


def test_one_voter_apart_the_last_voters_group_is_a_finding_and_then_withheld() -> None:
    old = release(FLAT, {"a": 20, "b": 30, "c": 40, "ns": 0}, 5)
    new = release(FLAT, {"a": 20, "b": 31, "c": 40, "ns": 0}, 5)
    assert [(f.kind, f.key, f.value) for f in pair_findings(old, new)] == [("change", "b", 1)]
    hidden = tighten(new, [old])
    assert hidden == dict.fromkeys(("a", "b", "c", "ns"), "withheld")


def test_the_small_process_example_a_hidden_one_and_eight_beside_an_earlier_release() -> None:
    old = release(FLAT, {"a": 8, "b": 12, "c": 0, "ns": 0}, 5)
    new = release(FLAT, {"a": 8, "b": 12, "c": 0, "ns": 1}, 5)
    assert new.hidden == {"ns": "primary", "a": "secondary"}  # safe on its own...
    found = {(f.kind, f.key, f.value) for f in pair_findings(old, new)}
    assert ("new count", "ns", 1) in found  # ...not beside the first
    # the 8 was shown in the first release: pinning it to 8 again tells nothing new
    assert ("new count", "a", 8) not in found
    assert brute_leaks(old, Breakdown(5, FLAT, new.values, tighten(new, [old]))) == set()


def test_a_release_is_checked_against_every_earlier_one_not_just_the_last() -> None:
    first = release(FLAT, {"a": 8, "b": 12, "c": 0, "ns": 0}, 5)
    second = release(FLAT, {"a": 8, "b": 12, "c": 5, "ns": 0}, 5)  # +5 in c: nothing given
    third = release(FLAT, {"a": 8, "b": 12, "c": 5, "ns": 1}, 5)
    assert pair_findings(first, second) == []
    assert pair_findings(second, third) != []
    hidden = tighten(third, [first, second])
    for earlier in (first, second):
        assert brute_leaks(earlier, Breakdown(5, FLAT, third.values, hidden)) == set()


def test_identical_releases_give_nothing_away_and_keep_their_suppression() -> None:
    old = release(NESTED, {"n": 1, "e": 9, "s": 12, "ns": 0}, 5)
    assert old.hidden
    assert pair_findings(old, old) == []
    assert tighten(old, [old]) == dict(old.hidden)


@pytest.mark.parametrize(
    ("objective", "expected"),
    [({0: 1.0}, (1.0, 4.0)), ({1: 1.0}, (5.0, 8.0)), ({0: 1.0, 1: -1.0}, (-7.0, -1.0))],
)
def test_linear_bounds_on_a_small_system(
    objective: dict[int, float], expected: tuple[float, float]
) -> None:
    # x0 + x1 = 9, x0 in 1..4, x1 >= 5
    system = LinearSystem([1.0, 5.0], [4.0, None], [({0: 1.0, 1: 1.0}, 9.0)])
    assert system.range_of(objective) == pytest.approx(expected)


def test_linear_bounds_unbounded_and_infeasible() -> None:
    open_ended = LinearSystem([0.0, 0.0], [None, None], [], [({1: 1.0, 0: -1.0}, 0.0)])
    assert open_ended.range_of({1: 1.0}) == (0.0, float("inf"))
    with pytest.raises(ValueError, match="no solution"):
        LinearSystem([5.0], [None], [({0: 1.0}, 3.0)]).range_of({0: 1.0})


def test_brute_force_sees_the_leaks_it_should() -> None:
    """The checker itself can fail: an untightened pair one voter apart leaks."""
    old = release(FLAT, {"a": 20, "b": 30, "c": 40, "ns": 0}, 5)
    new = release(FLAT, {"a": 20, "b": 31, "c": 40, "ns": 0}, 5)
    assert brute_leaks(old, new) == {("change", "b")}
    assert list(itertools.islice(_fits(old), 2)) == [{"a": 20, "b": 30, "c": 40, "ns": 0, "V": 90}]


def test_a_row_whose_logs_and_hours_did_not_move_is_known_not_to_have_moved() -> None:
    """People of contribution logs: one new log of one person in project b, nothing else.

    Each row publishes its logs and hours (the marks); rows with the same marks in both
    releases did not change, so the change of the total is the new log's head count. Hiding
    the breakdown is not enough; the total goes too.
    """
    tree: Tree = {"all": None, "a": "all", "b": "all"}
    marks_old = {"all": "4/40", "a": "2/20", "b": "2/20"}
    marks_new = {"all": "5/42", "a": "2/20", "b": "3/22"}
    old = Breakdown(5, tree, {"all": 12, "a": 6, "b": 6}, {}, {}, marks_old)
    new = Breakdown(5, tree, {"all": 13, "a": 6, "b": 7}, {}, {}, marks_new)
    assert [(f.kind, f.key) for f in pair_findings(old, new)] == [("change", "b")]
    withheld = tighten(new, [old])
    assert withheld == {"a": "withheld", "b": "withheld"}
    still = Breakdown(5, tree, new.values, withheld, {}, marks_new)
    assert {(f.kind, f.key, f.value) for f in pair_findings(old, still)} == {
        ("new count", "b", 7),
        ("change", "b", 1),
    }
    everything = tighten(new, [old], total_too=True)
    assert everything == {"a": "withheld", "b": "withheld", "all": "withheld"}
    assert pair_findings(old, Breakdown(5, tree, new.values, everything, {}, marks_new)) == []


def test_a_release_that_still_gives_something_away_is_refused() -> None:
    """Counts that fall (disputed logs): b 2 -> 0, c 5 stays, k = 5. With the total kept,
    the earlier release's hidden b = 2 and c = 5 follow; publishing must wait."""
    old = release(FLAT, {"a": 0, "b": 2, "c": 5, "ns": 0}, 5)
    new = release(FLAT, {"a": 0, "b": 0, "c": 5, "ns": 0}, 5)
    kept_total = Breakdown(5, FLAT, new.values, tighten(new, [old]))
    with pytest.raises(RuleViolation, match="beside release 1") as refused:
        _refuse_leaks("people by area", kept_total, [old])
    assert refused.value.rule == "differencing"
    everything = Breakdown(5, FLAT, new.values, tighten(new, [old], total_too=True))
    _refuse_leaks("people by area", everything, [old])  # with the total withheld: published
