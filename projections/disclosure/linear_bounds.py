"""The least and greatest value of a linear expression over a small bounded linear system.

Why this exists: differencing control (:mod:`projections.disclosure.pairs`) asks, for an
attacker who holds two releases, how far each hidden count could still move. Two releases
linked cell by cell are not a flow network any more (the exact cycle test of
:mod:`projections.disclosure` does not apply), so this solves the linear programme instead.
A dense two-phase simplex with Bland's rule over numpy: the systems are tens of variables,
coprod has no scipy, and the answers must be deterministic.

The answer is the range of the *linear relaxation*; for counts (integers) that range can only
be wider than the integer one, never narrower, so "range below 1" proves a count is pinned,
and the tests check "range of 1 or more" against brute force on the attacks that matter.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

__all__ = ["LinearSystem"]

_EPS = 1e-9

Row = Mapping[int, float]


@dataclass
class LinearSystem:
    """Variables 0..n-1 with bounds, equalities ``row · x = rhs`` and ``row · x >= rhs``."""

    lower: list[float]
    upper: list[float | None]
    equal: list[tuple[Row, float]] = field(default_factory=list)
    at_least: list[tuple[Row, float]] = field(default_factory=list)
    _tableau: NDArray[np.float64] | None = None
    _basis: list[int] = field(default_factory=list)

    def range_of(self, objective: Row) -> tuple[float, float]:
        """(least, greatest) of ``objective · x``; ±inf when unbounded that way."""
        self._phase_one()
        least = self._optimise(objective, 1.0)
        greatest = -self._optimise(objective, -1.0)
        return least, greatest

    # -- standard form: x = lower + y, y >= 0; uppers and >= rows get slack columns ------------

    def _standard(self) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        n = len(self.lower)
        uppers = [j for j, u in enumerate(self.upper) if u is not None]
        slack = len(uppers) + len(self.at_least)
        rows: list[NDArray[np.float64]] = []
        rhs: list[float] = []
        lower = np.array(self.lower, dtype=float)

        def dense(row: Row) -> NDArray[np.float64]:
            vector = np.zeros(n + slack)
            for j, a in row.items():
                vector[j] += a
            return vector

        for row, value in self.equal:
            vector = dense(row)
            rows.append(vector)
            rhs.append(value - float(vector[:n] @ lower))
        for s, j in enumerate(uppers):
            vector = np.zeros(n + slack)
            vector[j] = 1.0
            vector[n + s] = 1.0
            rows.append(vector)
            upper = self.upper[j]
            assert upper is not None
            rhs.append(upper - self.lower[j])
        for s, (row, value) in enumerate(self.at_least, start=len(uppers)):
            vector = dense(row)
            vector[n + s] = -1.0
            rows.append(vector)
            rhs.append(value - float(vector[:n] @ lower))
        if not rows:
            return np.zeros((0, n + slack)), np.zeros(0)
        return np.array(rows), np.array(rhs)

    def _phase_one(self) -> None:
        if self._tableau is not None:
            return
        matrix, rhs = self._standard()
        m, width = matrix.shape
        flip = rhs < 0
        matrix[flip] *= -1
        rhs[flip] *= -1
        tableau = np.hstack([matrix, np.eye(m), rhs.reshape(-1, 1)])
        basis = list(range(width, width + m))
        cost = np.concatenate([np.zeros(width), np.ones(m)])
        _simplex(tableau, basis, cost)
        if tableau[:, -1] @ cost[basis] > 1e-6:
            raise ValueError("the linear system has no solution")
        keep = []
        for i, b in enumerate(basis):
            if b < width:
                keep.append(i)
                continue
            pivots = np.nonzero(np.abs(tableau[i, :width]) > _EPS)[0]
            if pivots.size:
                _pivot(tableau, basis, i, int(pivots[0]))
                keep.append(i)
        tableau = tableau[keep]
        self._basis = [basis[i] for i in keep]
        self._tableau = np.hstack([tableau[:, :width], tableau[:, -1:]])

    def _optimise(self, objective: Row, sign: float) -> float:
        assert self._tableau is not None
        tableau = self._tableau.copy()
        basis = list(self._basis)
        cost = np.zeros(tableau.shape[1] - 1)
        offset = 0.0
        for j, a in objective.items():
            cost[j] += sign * a
            offset += sign * a * self.lower[j]
        if not _simplex(tableau, basis, cost):
            return -np.inf
        return float(tableau[:, -1] @ cost[basis]) + offset


def _pivot(tableau: NDArray[np.float64], basis: list[int], row: int, column: int) -> None:
    tableau[row] /= tableau[row, column]
    for i in range(tableau.shape[0]):
        if i != row and abs(tableau[i, column]) > _EPS:
            tableau[i] -= tableau[i, column] * tableau[row]
    basis[row] = column


def _simplex(tableau: NDArray[np.float64], basis: list[int], cost: NDArray[np.float64]) -> bool:
    """Minimise cost · z in place (Bland's rule, so it never cycles); False when unbounded."""
    while True:
        reduced = cost - cost[basis] @ tableau[:, :-1] if basis else cost.copy()
        entering = np.nonzero(reduced < -_EPS)[0]
        if not entering.size:
            return True
        column = int(entering[0])
        candidates: Sequence[int] = np.nonzero(tableau[:, column] > _EPS)[0].tolist()
        if not candidates:
            return False
        ratios = [(tableau[i, -1] / tableau[i, column], basis[i], i) for i in candidates]
        best = min(r for r, _, _ in ratios)
        row = min((b, i) for r, b, i in ratios if r <= best + _EPS)[1]
        _pivot(tableau, basis, row, column)
