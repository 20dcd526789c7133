"""Our outcome rules vs pabutools 1.2.3 on the largest Pabulib instances, in the same run.

Usage: ``COPROD_PABULIB_DIR=/path/to/pb .venv/bin/python benchmarks/rules_vs_pabutools.py [-r 3]
[--rule mes-cost+add1]`` (``--rule`` keeps only the named rules; Add1 alone runs on ``ADD1_ON``).

pabutools gets its fastest input (the collapsed multiprofile) and exact fractions, as in the
tests. Parsing is excluded from both sides; our timing includes building the ballot groups. Each
line: median seconds over the repeats, the ratio pabutools / ours, and whether winner sets match.
"""

from __future__ import annotations

import argparse
import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pabutools.election import Cardinality_Sat, Cost_Sat
from pabutools.rules import (
    greedy_utilitarian_welfare,
    method_of_equal_shares,
)
from pabutools.rules import sequential_phragmen as pabu_phragmen

from benchmarks.timing import median_time
from coprod.domain.rules import (
    BallotKind,
    equal_shares,
    greedy,
    mes_add1,
    positional_from,
    sequential_phragmen,
)
from tests.integration.test_rules_pabulib import load
from tests.pabutools_oracle import PointsTimesCost, PositionalTimesCost

LARGEST = [
    "Poland_Lodz_2022.pb",
    "Poland_Krakow_2024.pb",
    "Poland_Warszawa_2026.pb",
    "France_Toulouse_2024.pb",
    "Poland_Wieliczka_2023_Green_Budget.pb",
]
ADD1_ON = [
    "Poland_Wieliczka_2023_Green_Budget.pb",
    "Poland_Swiecie_2023.pb",
    "Netherlands_Assen_2024.pb",
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-r", "--repeats", type=int, default=3)
    parser.add_argument(
        "--rule", action="append", help="only these rules (e.g. mes-cost+add1); repeatable"
    )
    args = parser.parse_args()
    folder = Path(os.environ.get("COPROD_PABULIB_DIR", "/work/shared/data/pabulib"))
    print(f"{'instance':40} {'rule':14} {'pabutools':>10} {'ours':>9} {'ratio':>7}  same")
    names = LARGEST + [n for n in ADD1_ON if n not in LARGEST]
    if args.rule and all(r.endswith("add1") for r in args.rule):
        names = ADD1_ON
    for name in names:
        bench(name, folder / name, args.repeats, args.rule)


def bench(name: str, path: Path, repeats: int, only: list[str] | None = None) -> None:
    """Time every applicable rule on one instance and print one line per rule."""
    data = load(path)
    inst, prof, el = data.instance, data.profile, data.election
    cases: list[tuple[str, Callable[[], Any], Callable[[], Any]]] = []
    if el.kind is BallotKind.ORDINAL:
        max_length = int(data.meta["max_length"])
        sat = functools.partial(PositionalTimesCost, max_length=max_length)
        cases.append(
            (
                "greedy",
                lambda: greedy_utilitarian_welfare(inst, prof, sat_class=sat, is_sat_additive=True),
                lambda: greedy(el, ordinal=positional_from(max_length)),
            )
        )
    elif el.kind is BallotKind.APPROVAL:
        cases += [
            (
                "greedy",
                lambda: greedy_utilitarian_welfare(inst, prof, sat_class=Cost_Sat),
                lambda: greedy(el),
            ),
            (
                "mes-cost",
                lambda: method_of_equal_shares(inst, prof, sat_class=Cost_Sat),
                lambda: equal_shares(el),
            ),
            (
                "mes-card",
                lambda: method_of_equal_shares(inst, prof, sat_class=Cardinality_Sat),
                lambda: equal_shares(el, satisfaction="cardinality"),
            ),
            ("phragmen", lambda: pabu_phragmen(inst, prof), lambda: sequential_phragmen(el)),
        ]
        if name in ADD1_ON:
            cases.append(
                (
                    "mes-cost+add1",
                    lambda: method_of_equal_shares(
                        inst, prof, sat_class=Cost_Sat, voter_budget_increment=1
                    ),
                    lambda: mes_add1(el),
                )
            )
    else:
        cases.append(
            (
                "greedy",
                lambda: greedy_utilitarian_welfare(inst, prof, sat_class=PointsTimesCost),
                lambda: greedy(el),
            )
        )
    for rule, theirs_fn, ours_fn in cases:
        if only and rule not in only:
            continue
        t_theirs, theirs = median_time(theirs_fn, repeats)
        t_ours, ours = median_time(ours_fn, repeats)
        same = ours.winner_set == frozenset(p.name for p in theirs)
        print(
            f"{name:40} {rule:14} {t_theirs:10.3f} {t_ours:9.4f} {t_theirs / t_ours:7.1f}  {same}",
            flush=True,
        )


if __name__ == "__main__":
    main()
