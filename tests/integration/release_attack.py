"""A differencing attacker that works from published figures alone, by brute force.

Independent of the solver in projections.disclosure.pairs: it enumerates every pair of voter
counts that fits two published reports (each cell's value or the bounds its reason implies,
the published V, the shown shares, a quintile being the sum of its areas) and the one thing
it knows beyond them, that voters only ever join. What only one value fits is recovered.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from tests.integration.test_impact import QUINTILE_OF, _allowed, _fills, _shares_agree

Counts = dict[str, int]


@dataclass
class Leak:
    release: str  # "earlier", "later" or "change"
    dimension: str
    group: str
    value: int


def _tables(document: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    return {t["title"]: t["rows"] for t in document["tables"]}


def _voters(document: dict[str, Any]) -> int:
    value = _tables(document)["turnout"][0]["voters_V"]
    assert value is not None, "these attacks start from a published V"
    return int(value)


def _rows(document: dict[str, Any], dimension: str) -> dict[str, dict[str, Any]]:
    return {r["group"]: r for r in _tables(document)[f"representation: {dimension}"]}


def _fits(document: dict[str, Any], dimension: str, counts: Counts, k: int) -> bool:
    rows = _rows(document, dimension)
    index = next(r for r in _tables(document)["dissimilarity index"] if r["dimension"] == dimension)
    stated = sum(n for g, n in counts.items() if g != "not stated")
    if stated not in _allowed(index, "stated_participants", k, _voters(document)):
        return False
    return _shares_agree(rows, counts, k)


def _fillings(document: dict[str, Any], dimensions: tuple[str, ...]) -> Iterator[Counts]:
    """Every assignment of the dimension's (or area and quintile's) counts the report allows."""
    k, v = document["k"], _voters(document)
    first = _rows(document, dimensions[0])
    slots = [(g, _allowed(row, "participants", k, v)) for g, row in first.items()]
    for counts in _fills(slots, v):
        if not _fits(document, dimensions[0], counts, k):
            continue
        if dimensions[0] != "area":
            yield {f"{dimensions[0]}:{g}": n for g, n in counts.items()}
            continue
        quintiles = _rows(document, "deprivation_quintile")
        by_q = dict.fromkeys(quintiles, 0)
        for area, n in counts.items():
            by_q[QUINTILE_OF.get(area, "not stated")] += n
        if any(n not in _allowed(quintiles[q], "participants", k, v) for q, n in by_q.items()):
            continue
        if not _fits(document, "deprivation_quintile", by_q, k):
            continue
        yield {
            **{f"area:{g}": n for g, n in counts.items()},
            **{f"deprivation_quintile:{q}": n for q, n in by_q.items()},
        }


def _hidden(document: dict[str, Any], dimensions: tuple[str, ...]) -> set[str]:
    return {
        f"{d}:{g}"
        for d in dimensions
        for g, row in _rows(document, d).items()
        if row["participants_suppressed"] is not None
    }


def pair_leaks(earlier: dict[str, Any], later: dict[str, Any]) -> list[Leak]:
    """Every hidden voter count of either report, and every small change, only one value fits."""
    k = later["k"]
    leaks: list[Leak] = []
    for dimensions in (("age_band",), ("sex",), ("area", "deprivation_quintile")):
        values: dict[tuple[str, str], set[int]] = defaultdict(set)
        olds = list(_fillings(earlier, dimensions))
        news = list(_fillings(later, dimensions))
        for old in olds:
            for new in news:
                if any(new.get(key, 0) < n for key, n in old.items()):
                    continue  # voters only join
                for key in old.keys() | new.keys():
                    values[("earlier", key)].add(old.get(key, 0))
                    values[("later", key)].add(new.get(key, 0))
                    values[("change", key)].add(new.get(key, 0) - old.get(key, 0))
        assert olds, "the true counts must fit"
        assert news, "the true counts must fit"
        hidden = {"earlier": _hidden(earlier, dimensions), "later": _hidden(later, dimensions)}
        for (kind, key), found in sorted(values.items()):
            if len(found) != 1:
                continue
            (value,) = found
            dimension, group = key.split(":", 1)
            if kind in hidden and key in hidden[kind]:
                leaks.append(Leak(kind, dimension, group, value))
            if kind == "change" and 0 < abs(value) < k:
                leaks.append(Leak(kind, dimension, group, value))
    return leaks
