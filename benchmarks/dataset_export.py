"""The evaluator's dataset export of a 1M-event store on PostgreSQL (issue 15: < 60 s, peak
memory < 1 GB, progress shown).

    .venv/bin/python benchmarks/dataset_export.py                      # 1,000,000 events
    .venv/bin/python benchmarks/dataset_export.py --events 200000 --runs 3

The store is kept between runs in the PostgreSQL database ``coprod_bench_dataset_<events>``
(built once: the demo plus votes of bulk-imported ballots, benchmarks/projection_rebuild.py's
``seed``; ``--rebuild`` builds it anew). Each run exports CSV and Parquet in a child process
(``coprod export dataset``, as a user runs it) and reports its wall time and the child's peak
resident memory (getrusage of the waited child); medians over ``--runs``.
"""

from __future__ import annotations

import argparse
import base64
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]
os.environ.setdefault("COPROD_SECRET_KEY", "1:" + base64.b64encode(os.urandom(32)).decode())

import psycopg  # noqa: E402
from projection_rebuild import seed  # noqa: E402

from coprod.adapters.config import parse_database_url  # noqa: E402
from coprod.application import Coprod  # noqa: E402

SERVER = os.environ.get(
    "COPROD_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)


def store(events: int, rebuild: bool) -> str:
    """The URL of a database holding at least `events` events (built if missing)."""
    name = f"coprod_bench_dataset_{events}"
    base = SERVER.rsplit("/", 1)[0]
    with psycopg.connect(SERVER, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and rebuild:
            conn.execute(f'DROP DATABASE "{name}"')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    url = f"{base}/{name}"
    with Coprod(parse_database_url(url)) as app:
        have = app.recorder.max_notification_id() or 0
        if have < events:
            started = time.perf_counter()
            print(f"building {events:,} events in {name} (once)...", flush=True)
            seed(app, events)
            have = app.recorder.max_notification_id() or 0
            print(f"  built {have:,} events in {time.perf_counter() - started:.0f} s", flush=True)
    return url


def run_once(url: str) -> tuple[float, float]:
    """One export in a child process: (seconds, peak RSS in MB)."""
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "COPROD_DATABASE_URL": url}
        entry = "from api.cli.main import main; main()"
        command = [sys.executable, "-c", entry, "export", "dataset", f"{folder}/out"]
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        started = time.perf_counter()
        subprocess.run(command, env=env, cwd=ROOT, check=True)
        took = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        size = sum(p.stat().st_size for p in Path(folder, "out").iterdir())
    print(
        f"  {took:.1f} s, peak RSS {max(peak, before) / 1024:.0f} MB, {size / 1e6:.0f} MB written"
    )
    return took, max(peak, before) / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    url = store(args.events, args.rebuild)
    results = [run_once(url) for _ in range(args.runs)]
    seconds = statistics.median(r[0] for r in results)
    peak = max(r[1] for r in results)
    print(
        f"dataset export of {args.events:,} events on PostgreSQL: median {seconds:.1f} s "
        f"(target < 60 s: {'met' if seconds < 60 else 'NOT met'}), peak RSS {peak:.0f} MB "
        f"(target < 1 GB: {'met' if peak < 1024 else 'NOT met'})"
    )


if __name__ == "__main__":
    main()
