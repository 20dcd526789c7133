"""pabutools' winners for the rule comparisons, the large files computed in a second process.

pabutools takes 8-25 s per rule on a city-scale file, and its one-unit Add1 loop ~80 s on
Toulouse or Ochota (some 6 minutes for all comparisons, on
one core) while the rest of the suite leaves the second core mostly idle. So when the session
collects the comparisons of ``tests/integration/test_rules_pabulib.py``, the large files'
ones are handed to one background process at once, in test order; by the time those tests
run, their answers are ready or nearly. The child computes exactly what the test would
inline: the same parse, multiprofile, rule and satisfaction class (all defined here), and a
small file is computed inline. A failure in the child is raised in the test that asked.
"""

from __future__ import annotations

import functools
import multiprocessing
from collections.abc import Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any

from pabutools.election import Cardinality_Sat, Cost_Sat, parse_pabulib
from pabutools.election.satisfaction import AdditiveSatisfaction
from pabutools.rules import greedy_utilitarian_welfare, method_of_equal_shares
from pabutools.rules import sequential_phragmen as pabu_phragmen

__all__ = ["ORACLE", "RULE_OF_TEST", "PointsTimesCost", "PositionalTimesCost", "pabutools_winners"]

#: Files at least this big go to the background process; smaller ones take under a second.
BACKGROUND_BYTES = 150_000
#: Test function -> the rule it compares.
RULE_OF_TEST = {
    "test_greedy_matches_pabutools": "greedy",
    "test_mes_cost_matches_pabutools": "mes-cost",
    "test_mes_cardinality_matches_pabutools": "mes-card",
    "test_mes_add1_matches_pabutools": "mes-cost+add1",
    "test_phragmen_matches_pabutools": "phragmen",
}


class PointsTimesCost(AdditiveSatisfaction):
    """Points x cost, so pabutools' greedy density (sat / cost) is the project's total points."""

    def __init__(self, instance: Any, profile: Any, ballot: Any) -> None:
        super().__init__(
            instance, profile, ballot, lambda _i, _p, b, proj, _pre: b.get(proj, 0) * proj.cost
        )


class PositionalTimesCost(AdditiveSatisfaction):
    """(max_length - position) x cost: Kraków's 3-2-1 points as pabutools' greedy density."""

    def __init__(self, instance: Any, profile: Any, ballot: Any, *, max_length: int) -> None:
        def points(_i: Any, _p: Any, b: Any, proj: Any, _pre: Any) -> Any:
            return (max_length - b.position(proj)) * proj.cost if proj in b else 0

        super().__init__(instance, profile, ballot, points)


@functools.cache
def _parsed(path: str) -> tuple[Any, Any, str]:
    instance, profile = parse_pabulib(path)
    return instance, profile.as_multiprofile(), type(profile).__name__


def pabutools_winners(path: str, rule: str) -> list[str]:
    """pabutools' winners, in its selection order, for one of :data:`RULE_OF_TEST`'s rules."""
    instance, profile, kind = _parsed(path)
    if rule == "greedy":
        if "Ordinal" in kind:
            # pabutools' Additive_Borda_Sat is not additive to its greedy (it runs the
            # quadratic scheme, minutes on Kraków 2024) and is not Kraków's 3-2-1, so use
            # positional points x cost.
            sat = functools.partial(
                PositionalTimesCost, max_length=int(instance.meta["max_length"])
            )
            result = greedy_utilitarian_welfare(
                instance, profile, sat_class=sat, is_sat_additive=True
            )
        elif "Approval" in kind:
            result = greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat)
        else:
            result = greedy_utilitarian_welfare(instance, profile, sat_class=PointsTimesCost)
    elif rule == "mes-cost":
        result = method_of_equal_shares(instance, profile, sat_class=Cost_Sat)
    elif rule == "mes-card":
        result = method_of_equal_shares(instance, profile, sat_class=Cardinality_Sat)
    elif rule == "mes-cost+add1":
        result = method_of_equal_shares(
            instance, profile, sat_class=Cost_Sat, voter_budget_increment=1
        )
    elif rule == "phragmen":
        result = pabu_phragmen(instance, profile)
    else:
        raise ValueError(f"no pabutools rule {rule!r}")
    return [p.name for p in result]


class Oracle:
    """Answers ``winners(path, rule)``, from the background process when it was asked there."""

    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None
        self._futures: dict[tuple[str, str], Future[list[str]]] = {}

    def start(self, jobs: Iterable[tuple[Path, str]]) -> None:
        """Hand the large files' comparisons to one background process, in the order the
        tests will ask for them (the order given)."""
        wanted = list(
            dict.fromkeys((p, r) for p, r in jobs if p.stat().st_size >= BACKGROUND_BYTES)
        )
        if not wanted or self._pool is not None:
            return
        # spawn: the child must not inherit the parent's threads and database connections.
        context = multiprocessing.get_context("spawn")
        self._pool = ProcessPoolExecutor(max_workers=1, mp_context=context)
        for path, rule in wanted:
            self._futures[(str(path), rule)] = self._pool.submit(pabutools_winners, str(path), rule)

    def winners(self, path: Path, rule: str) -> list[str]:
        future = self._futures.pop((str(path), rule), None)
        if future is not None:
            return future.result()
        return pabutools_winners(str(path), rule)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
        self._futures.clear()


ORACLE = Oracle()
