"""What the event chain costs: single commands and a Pabulib import, with and without it.

    .venv/bin/python benchmarks/chain_cost.py                        # both stores, both paths
    .venv/bin/python benchmarks/chain_cost.py --stores sqlite --commands 300 --rounds 5
    COPROD_BENCH_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/postgres  (a server db)

"chained" is coprod as shipped. "unchained" is the same code with the chain switched off in
this benchmark only (the recorders' ``_chain`` made a no-op and, on PostgreSQL, the head query
not sent), so the difference is the chain alone. Each measurement runs in a fresh child
process on a fresh store; rounds alternate chained/unchained so that load on the machine hits
both alike; the table gives medians of wall and CPU time (the CPU time of the process
running coprod, which the other processes on a shared machine disturb less) and the ratio
chained/unchained.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from benchmarks.import_pabulib import DEFAULT_PG, _drop_pg_db, _fresh_pg_db  # noqa: E402
from coprod.adapters.config import parse_database_url  # noqa: E402
from coprod.application import Coprod  # noqa: E402
from coprod.application.commands.processes import OpenProcess, SetEligiblePopulation  # noqa: E402
from coprod.domain.values import Actor, Role  # noqa: E402

DEFAULT_FILE = "/work/shared/data/pabulib/Poland_Krakow_2024.pb"


def _switch_chain_off() -> None:
    from coprod.adapters.postgres_recorder import ArrayInsertApplicationRecorder
    from coprod.adapters.recording import CoprodSQLiteRecorder

    CoprodSQLiteRecorder._chain = lambda self, c, new: None  # type: ignore[method-assign]
    ArrayInsertApplicationRecorder._chain = lambda self, c, ids, ev: None  # type: ignore[method-assign]
    insert = ArrayInsertApplicationRecorder._insert_stored_events

    def without_head(
        self: Any, curs: Any, events: Any, *, head_cursor: Any = None, **kw: Any
    ) -> None:
        insert(self, curs, events, **kw)

    ArrayInsertApplicationRecorder._insert_stored_events = without_head  # type: ignore[method-assign]


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _commands(app: Coprod, n: int) -> dict[str, float]:
    council = uuid.uuid4()
    officer = Actor(uuid.uuid4(), Role.COUNCIL_OFFICER, council)
    process = app.open_process(
        OpenProcess(council_id=council, code="WARM", name="warm-up", currency="EUR"), officer
    ).aggregate_id
    started, cpu = time.perf_counter(), _cpu()
    for i in range(n):
        if i % 2:
            app.open_process(
                OpenProcess(council_id=council, code=f"C{i}", name=f"Process {i}", currency="EUR"),
                officer,
            )
        else:
            app.set_eligible_population(
                SetEligiblePopulation(process_id=process, eligible=1000 + i), officer
            )
    wall, cpu = time.perf_counter() - started, _cpu() - cpu
    return {"wall": wall / n * 1000, "cpu": cpu / n * 1000}


def _child(args: argparse.Namespace) -> dict[str, Any]:
    if args.mode == "unchained":
        _switch_chain_off()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/b.sqlite" if args.store == "sqlite" else _fresh_pg_db(args.server)
        try:
            with Coprod(parse_database_url(url)) as app:
                if args.what == "commands":
                    return _commands(app, args.commands)
                from coprod.standards.pabulib import import_file

                started, cpu = time.perf_counter(), _cpu()
                import_file(app, Path(args.file), use_checker=False)
                return {"wall": time.perf_counter() - started, "cpu": _cpu() - cpu}
        finally:
            if args.store == "postgres":
                _drop_pg_db(args.server, url)


def _run(args: argparse.Namespace, store: str, what: str, mode: str) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--child", "--store", store, "--what", what, "--mode", mode]
    cmd += ["--server", args.server, "--file", args.file, "--commands", str(args.commands)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=True)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stores", default="sqlite,postgres")
    parser.add_argument("--what", default="commands,import")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--commands", type=int, default=300)
    parser.add_argument("--file", default=os.environ.get("COPROD_BENCH_PB_FILE", DEFAULT_FILE))
    parser.add_argument("--server", default=os.environ.get("COPROD_BENCH_POSTGRES_URL", DEFAULT_PG))
    parser.add_argument("--child", action="store_true")
    parser.add_argument("--store")
    parser.add_argument("--mode", choices=("chained", "unchained"))
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_child(args)))
        return
    print("medians over rounds; wall = elapsed, cpu = this process's CPU time (not the server's)")
    print(f"{'store':9} {'what':9} {'metric':6} {'unchained':>10} {'chained':>10} {'ratio':>6}")
    for store in args.stores.split(","):
        for what in args.what.split(","):
            runs: dict[str, list[dict[str, float]]] = {"chained": [], "unchained": []}
            for _ in range(args.rounds):
                for mode in ("unchained", "chained"):
                    runs[mode].append(_run(args, store, what, mode))
            unit = "ms/cmd" if what == "commands" else "s"
            for metric in ("wall", "cpu"):
                off = statistics.median(r[metric] for r in runs["unchained"])
                on = statistics.median(r[metric] for r in runs["chained"])
                print(
                    f"{store:9} {what:9} {metric:6} {off:>7.2f} {unit:<2} {on:>7.2f} {unit:<2} "
                    f"{on / off:>6.3f}  off {[round(r[metric], 2) for r in runs['unchained']]} "
                    f"on {[round(r[metric], 2) for r in runs['chained']]}"
                )


if __name__ == "__main__":
    main()
