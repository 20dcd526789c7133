"""Shared machinery for the rules that give voters money or load (MES, Phragmén).

Voters with the same ballot always hold the same amount, so the rules work on distinct ballots
("groups") with multiplicities; and most groups share a handful of distinct amounts ("levels").
Amounts are exact fractions per level, mirrored in floats for the vectorised scan. A float
result is only used to *rank* projects: every project that comes within ``TOLERANCE`` of the best
is re-evaluated exactly, so winners are those of exact arithmetic (as pabutools' gmpy2 ``mpq``).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from coprod.domain.errors import InvalidInput
from coprod.domain.rules.model import BallotKind, Election, IntArray

FloatArray = npt.NDArray[np.float64]

TOLERANCE = 1e-9


@dataclass(frozen=True, eq=False)
class ApprovalGroups:
    """Distinct approval ballots and the (group, project) incidence, built once per election."""

    multiplicity: IntArray  # per group
    entry_group: IntArray  # per incidence entry
    entry_project: IntArray  # per incidence entry
    support: IntArray  # per project: number of voters approving it
    supporters: tuple[IntArray, ...]  # per project: the groups approving it

    @classmethod
    def of(cls, election: Election) -> ApprovalGroups:
        if election.kind is not BallotKind.APPROVAL:
            raise InvalidInput(
                "kind", f"this rule needs approval ballots, not {election.kind.value}"
            )
        index: dict[tuple[int, ...], int] = {}
        counts: list[int] = []
        members: list[tuple[int, ...]] = []
        indptr, indices, mult = election.indptr.tolist(), election.indices, election.multiplicity
        for v in range(election.n_ballots):
            row = tuple(sorted(indices[indptr[v] : indptr[v + 1]].tolist()))
            g = index.get(row)
            if g is None:
                index[row] = len(counts)
                counts.append(int(mult[v]))
                members.append(row)
            else:
                counts[g] += int(mult[v])
        multiplicity = np.asarray(counts, dtype=np.int64)
        lengths = np.asarray([len(m) for m in members], dtype=np.int64)
        entry_group = np.repeat(np.arange(len(members), dtype=np.int64), lengths)
        entry_project = np.asarray([j for m in members for j in m], dtype=np.int64)
        support = np.zeros(election.n_projects, dtype=np.int64)
        np.add.at(support, entry_project, multiplicity[entry_group])
        order = np.argsort(entry_project, kind="stable")
        bounds = np.searchsorted(entry_project[order], np.arange(election.n_projects + 1))
        supporters = tuple(
            entry_group[order[bounds[j] : bounds[j + 1]]] for j in range(election.n_projects)
        )
        return cls(multiplicity, entry_group, entry_project, support, supporters)

    def level_counts(self, group_level: IntArray, n_levels: int, n_projects: int) -> IntArray:
        """Voters per (project, level): row j counts project j's supporters at each amount."""
        flat = self.entry_project * n_levels + group_level[self.entry_group]
        counts = np.bincount(
            flat, weights=self.multiplicity[self.entry_group], minlength=n_projects * n_levels
        )
        return np.rint(counts).astype(np.int64).reshape(n_projects, n_levels)


def relevel(
    values: list[Fraction],
    floats: FloatArray,
    group_level: IntArray,
    moved: IntArray,
    new_index: IntArray,
) -> tuple[list[Fraction], FloatArray, IntArray]:
    """Compact the levels after some groups moved to new amounts; keeps levels sorted ascending.

    ``values``/``floats`` hold the old levels then the new amounts (exact and as floats);
    ``moved`` are the groups that changed and ``new_index`` their index into ``values``.
    Sorting is done on the floats; exact comparison only breaks float-equal runs.
    """
    level = group_level.copy()
    level[moved] = new_index
    used = np.unique(level)
    order_arr = used[np.argsort(floats[used], kind="stable")]
    sorted_f = floats[order_arr]
    dup = np.nonzero(sorted_f[1:] == sorted_f[:-1])[0]
    if all(values[order_arr[i]] == values[order_arr[i + 1]] for i in dup.tolist()):
        # Usual case: equal floats are equal values (e.g. everyone who paid all has 0).
        fresh = np.ones(len(order_arr), dtype=bool)
        fresh[dup + 1] = False
        remap = np.zeros(len(values), dtype=np.int64)
        remap[order_arr] = np.cumsum(fresh) - 1
        keep = order_arr[fresh].tolist()
        return [values[u] for u in keep], floats[keep], remap[level]
    order = order_arr.tolist()
    distinct: list[Fraction] = []
    distinct_f: list[float] = []
    remap = np.zeros(len(values), dtype=np.int64)
    start = 0
    while start < len(order):
        stop = start + 1
        while stop < len(order) and floats[order[stop]] == floats[order[start]]:
            stop += 1
        run = order[start:stop]
        if len(run) > 1:
            run.sort(key=lambda u: values[u])
        for pos, u in enumerate(run):
            if pos == 0 or values[u] != distinct[-1]:
                distinct.append(values[u])
                distinct_f.append(float(floats[u]))
            remap[u] = len(distinct) - 1
        start = stop
    return distinct, np.asarray(distinct_f, dtype=np.float64), remap[level]
