"""Pabulib import throughput and peak memory, against a raw bulk insert of as many rows.

    .venv/bin/python benchmarks/import_pabulib.py                  # largest file, both stores
    .venv/bin/python benchmarks/import_pabulib.py --stores sqlite --file path/to/x.pb
    COPROD_PABULIB_DIR=/work/shared/data/pabulib  (default folder)
    COPROD_BENCH_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/postgres  (a server db)

Each measurement runs in a fresh child process so that peak RSS (getrusage) is its own.
"coprod" is the real use case (`import_file`, checker off: both passes, domain checks,
pseudonyms, ballots in their stored form, the store's own recorder: on PostgreSQL that is
coprod.adapters's, which `coprod.adapters.config` selects). "raw" writes the same number of rows of the
same average size straight into a bare table: `executemany` on SQLite, `COPY` on PostgreSQL.
The ratio raw/coprod is what the event-sourced path costs over the database's floor.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

import psycopg  # noqa: E402

from coprod.adapters.config import parse_database_url  # noqa: E402
from coprod.application import Coprod  # noqa: E402
from coprod.standards.pabulib import import_file  # noqa: E402

DEFAULT_DIR = "/work/shared/data/pabulib"
DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/postgres"


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _fresh_pg_db(server: str) -> str:
    name = f"coprod_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return server.rsplit("/", 1)[0] + "/" + name


def _drop_pg_db(server: str, url: str) -> None:
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def measure_import(store: str, path: Path, server: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.sqlite" if store == "sqlite" else _fresh_pg_db(server)
        try:
            app = Coprod(parse_database_url(url))
            base_mb = _peak_mb()
            started = time.perf_counter()
            result = import_file(app, path, use_checker=False)
            elapsed = time.perf_counter() - started
            row_bytes = _average_row_bytes(app)
            app.close()
        finally:
            if store == "postgres":
                _drop_pg_db(server, url)
    return {
        "events": result.events,
        "ballots": result.ballots,
        "seconds": elapsed,
        "peak_mb": _peak_mb(),
        "base_mb": base_mb,
        "row_bytes": row_bytes,
    }


def _average_row_bytes(app: Coprod) -> int:
    rows = app.recorder.select_notifications(1, 2_000)
    return int(sum(len(r.state) for r in rows) / max(1, len(rows)))


def measure_raw(store: str, rows: int, row_bytes: int, server: str) -> dict[str, Any]:
    payload = b"x" * row_bytes
    topic = "coprod.ballot:Ballot.BallotCast"
    data = [(uuid.uuid4(), 1, topic, payload) for _ in range(rows)]
    with tempfile.TemporaryDirectory() as tmp:
        if store == "sqlite":
            conn = sqlite3.connect(f"{tmp}/raw.sqlite")
            conn.execute(
                "CREATE TABLE events (id INTEGER PRIMARY KEY AUTOINCREMENT, originator_id TEXT, "
                "originator_version INTEGER, topic TEXT, state BLOB, "
                "UNIQUE (originator_id, originator_version))"
            )
            started = time.perf_counter()
            for i in range(0, rows, 5_000):
                with conn:
                    conn.executemany(
                        "INSERT INTO events (originator_id, originator_version, topic, state) "
                        "VALUES (?, ?, ?, ?)",
                        [(str(a), b, c, d) for a, b, c, d in data[i : i + 5_000]],
                    )
            elapsed = time.perf_counter() - started
            conn.close()
        else:
            url = _fresh_pg_db(server)
            try:
                with psycopg.connect(url) as conn:
                    conn.execute(
                        "CREATE TABLE events (id BIGSERIAL PRIMARY KEY, originator_id UUID, "
                        "originator_version INTEGER, topic TEXT, state BYTEA, "
                        "UNIQUE (originator_id, originator_version))"
                    )
                    conn.commit()
                    started = time.perf_counter()
                    for i in range(0, rows, 5_000):
                        with conn.cursor().copy(
                            "COPY events (originator_id, originator_version, topic, state) "
                            "FROM STDIN"
                        ) as copy:
                            for row in data[i : i + 5_000]:
                                copy.write_row(row)
                        conn.commit()
                    elapsed = time.perf_counter() - started
            finally:
                _drop_pg_db(server, url)
    return {"rows": rows, "seconds": elapsed}


def _child(args: argparse.Namespace) -> None:
    path = Path(args.file)
    if args.child == "import":
        out = measure_import(args.store, path, args.server)
    else:
        out = measure_raw(args.store, args.rows, args.row_bytes, args.server)
    print(json.dumps(out))


def _run_child(*extra: str) -> dict[str, Any]:
    cmd = [sys.executable, __file__, *extra]
    done = subprocess.run(cmd, capture_output=True, text=True, check=True)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", help="a .pb file (default: the largest in the folder)")
    parser.add_argument("--stores", default="postgres,sqlite")
    parser.add_argument("--server", default=os.environ.get("COPROD_BENCH_POSTGRES_URL", DEFAULT_PG))
    parser.add_argument("--child", choices=("import", "raw"))
    parser.add_argument("--store")
    parser.add_argument("--rows", type=int)
    parser.add_argument("--row-bytes", type=int)
    args = parser.parse_args()
    if args.child:
        _child(args)
        return
    if args.file is None:
        folder = Path(os.environ.get("COPROD_PABULIB_DIR", DEFAULT_DIR))
        args.file = str(max(folder.glob("*.pb"), key=lambda p: p.stat().st_size))
    print(f"file: {args.file} ({Path(args.file).stat().st_size / 1e6:.1f} MB)")
    header = f"{'store':9} {'events':>8} {'import s':>9} {'events/s':>9} {'peak MB':>8} "
    header += f"{'raw s':>7} {'raw rows/s':>11} {'raw/import':>10}"
    print(header)
    for store in args.stores.split(","):
        common = ["--file", args.file, "--store", store, "--server", args.server]
        imp = _run_child("--child", "import", *common)
        raw = _run_child(
            "--child",
            "raw",
            *common,
            "--rows",
            str(imp["events"]),
            "--row-bytes",
            str(imp["row_bytes"]),
        )
        rate = imp["events"] / imp["seconds"]
        raw_rate = raw["rows"] / raw["seconds"]
        print(
            f"{store:9} {imp['events']:>8} {imp['seconds']:>9.1f} {rate:>9.0f} "
            f"{imp['peak_mb']:>8.0f} {raw['seconds']:>7.2f} {raw_rate:>11.0f} "
            f"{raw_rate / rate:>9.1f}x"
        )
    print("events/s target on PostgreSQL: 10,000")


if __name__ == "__main__":
    main()
