"""Time of an impact report, now and as of a past time, on a process with 100k ballots.

    .venv/bin/python benchmarks/impact_report.py                      # both stores, 100k ballots
    .venv/bin/python benchmarks/impact_report.py --ballots 20000 --stores sqlite
    COPROD_BENCH_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/postgres ...

Seeds the demo cycle plus one open vote whose ballots carry area, age band and sex (big
all-or-nothing saves, as in projection_rebuild.py), closes it, catches the impact read model
up, then times ``impact_report`` (median of --runs calls, one connection, as a server would
hold) for "now", for "as of" the middle of the vote, at that moment as a business date
(``valid_at``), and with both.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

import psycopg  # noqa: E402

from api.demo import seed_demo  # noqa: E402
from benchmarks.projection_rebuild import open_vote, pseudonym  # noqa: E402
from coprod.adapters.config import parse_database_url  # noqa: E402
from coprod.adapters.masterkey import ENV_KEY, encode_entry, new_key  # noqa: E402
from coprod.application import Coprod  # noqa: E402
from coprod.application.base import SYSTEM_ACTOR  # noqa: E402
from coprod.application.commands.processes import CloseBallot  # noqa: E402
from coprod.domain.ballot import AgeBand, Ballot, BallotChannel, MarkedBallot, Sex  # noqa: E402
from coprod.domain.process import Process  # noqa: E402
from coprod.domain.values import Actor, Role  # noqa: E402
from coprod.domain.voting import BallotChoices  # noqa: E402
from projections.impact.report import impact_report  # noqa: E402
from projections.registry import Projector  # noqa: E402
from projections.store import Connection  # noqa: E402

AREAS = ("north", "south", "east", "west")


def seed(app: Coprod, ballots: int, batch: int = 5_000) -> tuple[uuid.UUID, datetime]:
    """The demo plus one vote with `ballots` ballots; returns the process and a mid-vote time."""
    seed_demo(app)
    pid, options = open_vote(app, f"impact-{uuid.uuid4().hex[:8]}")
    process = app.load(Process, pid)
    # an officer of the council that runs the process: only they may close its ballot
    officer = Actor(uuid.uuid4(), Role.COUNCIL_OFFICER, process.council_id)
    ages, sexes = list(AgeBand), list(Sex)
    middle = datetime.now(UTC)
    for first in range(0, ballots, batch):
        cast = []
        for n in range(first, min(first + batch, ballots)):
            chosen = tuple(options[(n + j) % len(options)] for j in range(1 + n % 3))
            cast.append(
                Ballot.cast(
                    SYSTEM_ACTOR,
                    process,
                    MarkedBallot(
                        pseudonym(pid, n),
                        BallotChoices(approvals=chosen),
                        BallotChannel.ONLINE,
                        None if n % 11 == 0 else AREAS[n % 4],
                        None if n % 7 == 0 else ages[n % len(ages)],
                        None if n % 13 == 0 else sexes[n % len(sexes)],
                    ),
                )
            )
        app.commit(*cast)
        if first < ballots // 2 <= first + batch:
            middle = datetime.now(UTC)
    app.close_ballot(CloseBallot(process_id=pid), officer)
    return pid, middle


def timed(runs: int, call: object) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()  # type: ignore[operator]
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def run(url: str, ballots: int, runs: int) -> dict[str, float]:
    settings = parse_database_url(url)
    app = Coprod(settings)
    started = time.perf_counter()
    pid, middle = seed(app, ballots)
    print(
        f"  seeded {app.recorder.max_notification_id():,} events in {time.perf_counter() - started:.1f} s"
    )
    with Projector(app, settings=settings, models=["impact"], batch_size=5_000) as projector:
        started = time.perf_counter()
        projector.catch_up()
        print(f"  impact read model caught up in {time.perf_counter() - started:.1f} s")
    with Connection(settings) as conn:
        if settings.backend == "postgres":
            conn.execute("ANALYZE")
        first = impact_report(pid, conn=conn)
        voters = first.table("turnout").as_dicts()[0]["voters_V"]
        half = impact_report(pid, middle, conn=conn).table("turnout").as_dicts()[0]["voters_V"]
        now_ms = timed(runs, lambda: impact_report(pid, conn=conn))
        asof_ms = timed(runs, lambda: impact_report(pid, middle, conn=conn))
        # At a business date: the mid-vote moment as a valid-at (the vote is live, so the
        # same voters as the as-of), then both times at once.
        valid = impact_report(pid, valid_at=middle, conn=conn)
        assert valid.table("turnout").as_dicts()[0]["voters_V"] == half
        valid_ms = timed(runs, lambda: impact_report(pid, valid_at=middle, conn=conn))
        both_ms = timed(runs, lambda: impact_report(pid, middle, valid_at=middle, conn=conn))
    print(f"  voters now {voters:,}, as of mid-vote {half:,}")
    print(f"  impact_report now:   median {now_ms:.1f} ms over {runs} runs")
    print(f"  impact_report as-of: median {asof_ms:.1f} ms over {runs} runs")
    print(f"  impact_report valid-at: median {valid_ms:.1f} ms; both: {both_ms:.1f} ms")
    app.close()
    return {"now": now_ms, "asof": asof_ms, "valid": valid_ms, "both": both_ms}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--ballots", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--stores", default="sqlite,postgres")
    args = parser.parse_args()
    # PostgreSQL keeps personal data sealed under a master key: a throwaway one here.
    os.environ.setdefault(ENV_KEY, encode_entry(1, new_key()))
    results = {}
    if "sqlite" in args.stores:
        with tempfile.TemporaryDirectory() as tmp:
            print(f"SQLite (file, WAL), {args.ballots:,} ballots")
            results["sqlite"] = run(f"sqlite:///{tmp}/bench.sqlite", args.ballots, args.runs)
    if "postgres" in args.stores:
        server = os.environ.get(
            "COPROD_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
        )
        name = f"coprod_bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(server, autocommit=True) as c:
            c.execute(f'CREATE DATABASE "{name}"')
        try:
            print(f"PostgreSQL, {args.ballots:,} ballots")
            results["postgres"] = run(
                server.rsplit("/", 1)[0] + "/" + name, args.ballots, args.runs
            )
        finally:
            with psycopg.connect(server, autocommit=True) as c:
                c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    print("\nsummary (target: well under 2 s; HTTP p95 < 100 ms later)")
    for store, r in results.items():
        print(
            f"  {store:8} now {r['now']:7.1f} ms   as-of {r['asof']:7.1f} ms   "
            f"valid-at {r['valid']:7.1f} ms   both {r['both']:7.1f} ms"
        )


if __name__ == "__main__":
    main()
