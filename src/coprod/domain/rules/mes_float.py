"""A float MES run with certified error bounds, so that Add1 can try hundreds of shares cheaply.

Add1 runs MES once per currency unit of per-voter share (150-850 runs on the shared instances) and
only needs each run's purchases to decide whether to go on. This run keeps each group's money as
a float plus a bound on its distance to the exact money, and prices projects lazily as pabutools
does (a project's last price is a lower bound on its next one, because money only goes down).
Every decision (affordable or not, which project is cheapest) is taken only when the floats and
their bounds settle it; exact ties are settled in fractions where the price is exactly known
(see ``_settle_tie``); anything else too close to call makes :func:`float_mes_winners` return
None, and the caller runs the exact :func:`coprod.domain.rules.mes.run_mes` for that share. So whatever
it returns equals exact MES (pabutools' ``mpq`` arithmetic), ties included. ``mes_add1`` still
recomputes the share it settles on exactly, for the explanations, and checks the two agree.

Why the bounds hold (``u`` = unit roundoff 2**-53; ``ROUNDOFF`` = 4u leaves slack for the few
operations per step):

* Money starts at ``float(share)``, off by at most ``u * share``.
* A sum of ``k`` nonnegative floats of total ``S`` is off by at most ``k * u * S``; a project's
  float total is therefore off by at most ``sum(weight * error) + k * u * total``, bounded more
  cheaply by ``supporters * worst + ...`` (``worst`` = the largest group error so far).
* A price: the per-voter payment ``x`` solves ``F(x) = cost`` with ``F(x) = sum of
  weight * min(money, x)`` over the supporters. Replacing exact money by float money moves ``F``
  only through the groups whose ``min`` is their money, or could be: those poor or within their
  error of ``x``. So ``|F_float - F_exact| <= sum over those groups of weight * error`` plus
  rounding, and because ``F`` rises at least as fast as the surely rich voters (money minus error
  above ``x``), ``x`` is off by at most that over the surely rich count. The groups concerned are
  inside the sorted prefix up to ``x + worst``, which is what the code takes (a superset is
  sound: it only widens the bound and shrinks the rich count).
* Paying: a surely poor group (money plus error below ``x`` minus its error) pays all it has and
  holds exactly 0, error 0; any other group moves by at most its error plus the payment's error
  plus one rounding. Errors are kept per group, so a payment's error, divided by the rich count,
  is not multiplied by everyone's error (a single global bound blows up within 20 rounds).
* A cheaper test rules a rival out without pricing it: if its supporters cannot reach its cost
  even at the best price so far (upper end), ``F(best) < cost`` so its price is surely higher.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from coprod.domain.rules.levels import FloatArray
from coprod.domain.rules.mes import MesSetup
from coprod.domain.rules.model import IntArray

ROUNDOFF = 2.0**-50  # four times the unit roundoff: slack for the few ops per bound
SLACK = 2.0**-40  # a group within this relative distance of a price counts as on the boundary


@dataclass(frozen=True, eq=False)
class FloatMes:
    """What the float runs share, per candidate project (``MesSetup.candidates`` order)."""

    setup: MesSetup
    multiplicity: FloatArray  # per group
    supporters: tuple[IntArray, ...]  # the groups approving each candidate
    weights: tuple[FloatArray, ...]  # their multiplicities
    cost_list: list[float]
    sat_list: list[float]
    support_list: list[float]  # voters approving it
    lower_list: list[float]  # a lower bound on its first price (every supporter rich)
    names: tuple[str, ...]
    costs: tuple[Fraction, ...]
    sats: tuple[Fraction, ...]
    rank: tuple[int, ...]  # position by id: the tie-break

    @classmethod
    def of(cls, setup: MesSetup) -> FloatMes:
        election, groups = setup.election, setup.groups
        ids, all_costs = election.ids, election.costs
        cand = setup.candidates
        mult = groups.multiplicity.astype(np.float64)
        supporters = tuple(groups.supporters[j] for j in cand)
        costs = tuple(all_costs[j] for j in cand)
        sats = costs if setup.satisfaction == "cost" else tuple(Fraction(1) for _ in cand)
        support = [int(groups.support[j]) for j in cand]
        lower = [
            float(c / (n * sat)) * (1 - 8 * ROUNDOFF)
            for c, n, sat in zip(costs, support, sats, strict=True)
        ]
        by_id = sorted(range(len(cand)), key=lambda k: ids[cand[k]])
        rank = [0] * len(cand)
        for pos, k in enumerate(by_id):
            rank[k] = pos
        return cls(
            setup,
            mult,
            supporters,
            tuple(mult[g] for g in supporters),
            [float(c) for c in costs],
            [float(s) for s in sats],
            [float(n) for n in support],
            lower,
            tuple(ids[j] for j in cand),
            costs,
            sats,
            tuple(rank),
        )


def float_mes_winners(fm: FloatMes, share: Fraction, hint: Sequence[int] = ()) -> list[int] | None:
    """Exact MES's purchases at ``share`` (as candidate positions), or None if floats cannot tell.

    ``hint`` (the purchases of a nearby share, usually the same) only orders the work: each round
    the first hinted project still in the running is priced first, so that the others can be
    ruled out cheaply against it.
    """
    start = float(share)
    # Per group: float money, and a bound on its distance to the exact money.
    money = np.full(len(fm.multiplicity), start, dtype=np.float64)
    error = np.full(len(fm.multiplicity), abs(start) * ROUNDOFF, dtype=np.float64)
    worst = abs(start) * ROUNDOFF  # the largest entry of ``error``
    lower = list(fm.lower_list)
    active = list(range(len(fm.cost_list)))
    chosen: list[int] = []
    hinted = 0
    while active:
        hinted = _order_round(active, lower, hint, hinted)
        found = _best_of_round(fm, active, lower, money, error, worst)
        if found is None:
            return None
        best, best_rho, best_err, best_group, best_pay, best_pay_err, evaluated, keep = found
        if best < 0:
            break
        rivals = [e for e in evaluated if e[0] - e[1] <= best_rho + best_err]
        if len(rivals) > 1:
            settled = _settle_tie(fm, rivals)
            if settled is None:
                return None
            if settled != best:
                best, best_group, best_pay, best_pay_err = _tie_winner(fm, settled, rivals)
        chosen.append(best)
        keep.remove(best)
        active = keep
        worst += _pay(money, error, best_group, best_pay, best_pay_err, start)
    return chosen


_Round = tuple[
    int, float, float, np.ndarray, float, float, list[tuple[float, float, int, int]], list[int]
]


def _best_of_round(
    fm: FloatMes,
    active: list[int],
    lower: list[float],
    money: np.ndarray,
    error: np.ndarray,
    worst: float,
) -> _Round | None:
    """One round: the cheapest candidate (best < 0 if none is affordable), or None if unsure.

    Returns (best, its rho and error, its supporters, payment and payment error, the priced
    candidates as (rho, err, k, rich if exact else 0), the candidates still in the running).
    Lowers ``lower`` in place. One call per round; the loop over candidates stays inline.
    """
    best_group: IntArray = np.empty(0, dtype=np.intp)  # set with best
    best = -1
    best_rho = best_err = best_pay = best_pay_err = math.inf
    evaluated: list[tuple[float, float, int, int]] = []  # rho, err, k, rich if exact else 0
    keep: list[int] = []
    for pos, k in enumerate(active):
        if lower[k] > best_rho + best_err:
            keep.extend(active[pos:])
            break
        groups = fm.supporters[k]
        b = money[groups]
        w = fm.weights[k]
        c = fm.cost_list[k]
        total = float(w @ b)
        rounding = (len(b) + 2) * ROUNDOFF * total
        if total + fm.support_list[k] * worst + rounding < c:
            continue  # surely unaffordable: dropped for good (money only goes down)
        if best >= 0:
            # At the best price so far (upper end), do k's supporters surely fall short of
            # k's cost? Then k surely costs more than the best.
            cap = (best_rho + best_err) * fm.sat_list[k] * (1 + ROUNDOFF)  # rounded up
            reach = float(w @ np.minimum(b, cap))
            if reach + fm.support_list[k] * worst + rounding < c:
                lower[k] = best_rho + best_err
                keep.append(k)
                continue
        if total - fm.support_list[k] * worst - rounding < c:
            total_err = float(w @ error[groups]) + rounding  # the sharper bound
            if total + total_err < c:
                continue
            if total - total_err < c:
                return None  # affordability too close to call
        priced = _price(fm, k, b, w, error, worst)
        if priced is None:
            return None
        rho, err, x, x_err, exact_rich = priced
        lower[k] = rho - err
        keep.append(k)
        evaluated.append((rho, err, k, exact_rich))
        if rho < best_rho:
            best, best_rho, best_err = k, rho, err
            best_group, best_pay, best_pay_err = groups, x, x_err
    return best, best_rho, best_err, best_group, best_pay, best_pay_err, evaluated, keep


def _order_round(active: list[int], lower: list[float], hint: Sequence[int], hinted: int) -> int:
    """Order a round's candidates by lower bound, the first hinted one still running in front.

    Returns the hint's new position (hinted projects already bought are skipped for good).
    """
    active.sort(key=lower.__getitem__)
    while hinted < len(hint) and hint[hinted] not in active:
        hinted += 1
    if hinted < len(hint):
        active.remove(hint[hinted])
        active.insert(0, hint[hinted])
    return hinted


def _price(
    fm: FloatMes, k: int, b: np.ndarray, w: np.ndarray, error: np.ndarray, worst: float
) -> tuple[float, float, float, float, int] | None:
    """Candidate ``k``'s price per satisfaction with its error bound, or None if floats cannot tell.

    ``b``: the supporters' money, ``w`` their multiplicities; ``error``: every group's error
    bound. Returns (rho, rho's error, the payment x, x's error, the number of rich voters if
    exactly known else 0).
    Only candidates that survived the cheap screens get here, so the call is one per priced
    project against a dozen array operations.
    """
    c = fm.cost_list[k]
    order = b.argsort()
    bs = b[order]
    ws = w[order]
    hs = ws * bs
    poor = hs.cumsum() - hs
    cw = ws.cumsum()
    price = (c - poor) / (fm.support_list[k] - cw + ws)  # rich from here on
    fits = price <= bs
    at = int(fits.argmax())
    if not fits[at]:
        return None  # money ~ cost: rounding left nobody able to pay the price
    x = float(price[at])
    # F(x) = sum of min(money, x) moves by the errors of the groups that are poor or close
    # to x; it rises at least as fast as the surely rich voters at x. Those groups are
    # within the sorted prefix up to x + worst error (taking a few more is still sound).
    m = int(bs.searchsorted(x * (1 + SLACK) + worst, "right"))
    if m:
        near_err = error[fm.supporters[k][order[:m]]]
        near_w = float(cw[m - 1])
        f_err = float(ws[:m] @ near_err)
        exact = bs[m - 1] == 0 and not near_err.any()
    else:
        near_w = f_err = 0.0
        exact = True
    sure_rich = fm.support_list[k] - near_w
    if sure_rich <= 0:
        return None
    f_err += (len(bs) + 2) * ROUNDOFF * (c + float(poor[at]))
    x_err = f_err / sure_rich + ROUNDOFF * x
    sat = fm.sat_list[k]
    rho = x / sat
    err = x_err / sat + ROUNDOFF * rho
    return rho, err, x, x_err, int(sure_rich) if exact else 0


def _tie_winner(
    fm: FloatMes, settled: int, rivals: list[tuple[float, float, int, int]]
) -> tuple[int, np.ndarray, float, float]:
    """The settled tie's winner with its supporters, exact payment and that payment's error."""
    pay = fm.cost_list[settled] / next(e[3] for e in rivals if e[2] == settled)
    return settled, fm.supporters[settled], pay, ROUNDOFF * pay


def _pay(
    money: np.ndarray,
    error: np.ndarray,
    group: np.ndarray,
    pay: float,
    pay_err: float,
    start: float,
) -> float:
    """The supporters in ``group`` pay ``pay`` each (or all they have); returns the error added.

    Surely poor supporters pay all they have: exactly 0 left, no error. The others move by at most
    their error plus the payment's (and one rounding of at most the start share).
    """
    b = money[group]
    e = error[group]
    surely_poor = b + e < pay - pay_err
    money[group] = np.maximum(b - pay, 0.0)
    moved = pay_err + ROUNDOFF * start
    error[group] = np.where(surely_poor, 0.0, e + moved)
    return moved


def names_of(fm: FloatMes, chosen: Sequence[int]) -> tuple[str, ...]:
    """The winners as project ids, in selection order, after the base allocation."""
    return fm.setup.base + tuple(fm.names[k] for k in chosen)


def _settle_tie(fm: FloatMes, rivals: list[tuple[float, float, int, int]]) -> int | None:
    """The winner among prices too close for floats, when every one of them is known exactly.

    A price is exact when the only supporters not surely rich hold exactly nothing (they paid
    everything before): then ``x = cost / rich voters`` with an integer count, and
    ``rho = x / satisfaction`` is compared as a fraction; equal prices go to the smaller id.
    """
    if any(rich == 0 for _, _, _, rich in rivals):
        return None
    exact = [
        (Fraction(fm.costs[k]) / (rich * fm.sats[k]), fm.rank[k], k) for _, _, k, rich in rivals
    ]
    return min(exact)[2]
