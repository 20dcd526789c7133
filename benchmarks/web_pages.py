"""Server time and transferred size of every public page, on a store with 100k ballots and
1,000 funded projects, on both stores.

    .venv/bin/python benchmarks/web_pages.py                          # both stores
    .venv/bin/python benchmarks/web_pages.py --stores sqlite --ballots 20000 --projects 200
    COPROD_BENCH_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/postgres ...

Seeds the demo, then one process with --projects proposals on the ballot, --ballots ballots,
every proposal decided "funded in full" and funded as a project with a milestone; catches the
read models up and publishes a release. Each page is then requested --runs times in the app
(FastAPI's TestClient: the server's own time plus an in-process round trip, no network), the
project and proposal pages cycling over different projects. Reported: median and p95 in ms,
the first request (cold: the process page counts the declared rule once per process
version, then serves it from memory) and the bytes a browser transfers with gzip (the
page, its CSS and its inline SVG; no page loads JavaScript).
"""

from __future__ import annotations

import argparse
import gzip
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

import psycopg  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

from api.cli.serve import publish_demo_release  # noqa: E402
from api.demo import seed_demo  # noqa: E402
from api.http.app import create_app  # noqa: E402
from benchmarks.projection_rebuild import cast_many, open_vote  # noqa: E402
from coprod.adapters.config import parse_database_url  # noqa: E402
from coprod.application import Coprod  # noqa: E402
from coprod.application.commands.decisions import Decide  # noqa: E402
from coprod.application.commands.processes import AdvancePhase, CloseBallot  # noqa: E402
from coprod.application.commands.projects import FundProject, ScheduleMilestone  # noqa: E402
from coprod.domain.decision import DecisionOutcome  # noqa: E402
from coprod.domain.phases import Phase  # noqa: E402
from coprod.domain.process import Process  # noqa: E402
from coprod.domain.values import Actor, Money, Role  # noqa: E402


def seed(app: Coprod, ballots: int, projects: int) -> tuple[uuid.UUID, list[uuid.UUID]]:
    """The big process: `projects` funded projects and `ballots` ballots; returns its id and
    its projects' ids."""
    seed_demo(app)
    pid, options = open_vote(app, f"web-{uuid.uuid4().hex[:8]}", options=projects)
    council = app.load(Process, pid).council_id
    officer = Actor(uuid.uuid4(), Role.COUNCIL_OFFICER, council)
    cast_many(app, pid, options, 0, ballots)
    app.close_ballot(CloseBallot(process_id=pid), officer)
    app.advance_phase(AdvancePhase(process_id=pid, to_phase=Phase.DECISION), officer)
    decisions = [
        app.decide(
            Decide(
                proposal_id=p,
                outcome=DecisionOutcome.FUNDED_IN_FULL,
                amount=Money.of(10_000, "DKK"),
                decided_on=date.today(),
            ),
            officer,
        ).aggregate_id
        for p in options
    ]
    app.advance_phase(AdvancePhase(process_id=pid, to_phase=Phase.DELIVERY), officer)
    funded = []
    for decision in decisions:
        project = app.fund_project(FundProject(decision_id=decision), officer).aggregate_id
        app.schedule_milestone(
            ScheduleMilestone(project_id=project, code="build", title="Built", due_on=date.today()),
            officer,
        )
        funded.append(project)
    return pid, funded


def measure(client: TestClient, paths: list[str], runs: int) -> dict[str, float]:
    """Median, p95 and first request time (ms) over `runs` requests cycling over `paths`."""
    times = []
    for n in range(runs):
        started = time.perf_counter()
        response = client.get(paths[n % len(paths)])
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (paths[n % len(paths)], response.status_code)
    ordered = sorted(times)
    return {
        "first": times[0],
        "median": statistics.median(times),
        "p95": ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))],
    }


def transferred(client: TestClient, path: str) -> int:
    """Bytes gzip-compressed of the page and the stylesheet and icon it loads."""
    total = len(gzip.compress(client.get(path).content))
    for asset in ("/static/coprod.css", "/static/favicon.svg"):
        total += len(gzip.compress(client.get(asset).content))
    return total


def run(url: str, ballots: int, projects: int, runs: int) -> dict[str, dict[str, float]]:
    settings = parse_database_url(url)
    with Coprod(settings) as app:
        started = time.perf_counter()
        pid, funded = seed(app, ballots, projects)
        publish_demo_release(app, pid)
        print(
            f"  seeded and projected {app.recorder.max_notification_id():,} events in "
            f"{time.perf_counter() - started:.0f} s"
        )
        proposals = [app.get_project(p).proposal_id for p in funded[:50]]
    pages = {
        "home": ["/"],
        "process": [f"/processes/{pid}"],
        "project list": [f"/processes/{pid}/projects", f"/processes/{pid}/projects?page=7"],
        "project": [f"/projects/{p}" for p in funded[:50]],
        "proposal": [f"/proposals/{p}" for p in proposals],
        "impact": [f"/processes/{pid}/impact"],
    }
    results: dict[str, dict[str, float]] = {}
    with TestClient(create_app(settings, worker=False)) as client:
        for name, paths in pages.items():
            figures = measure(client, paths, runs)
            figures["kb"] = transferred(client, paths[0]) / 1024
            results[name] = figures
            print(
                f"  {name:13} first {figures['first']:7.1f} ms  median {figures['median']:6.1f} "
                f"ms  p95 {figures['p95']:6.1f} ms  {figures['kb']:6.1f} KB gzip"
            )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--ballots", type=int, default=100_000)
    parser.add_argument("--projects", type=int, default=1_000)
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--stores", default="sqlite,postgres")
    args = parser.parse_args()
    results = {}
    if "sqlite" in args.stores:
        with tempfile.TemporaryDirectory() as tmp:
            print(f"SQLite (file, WAL), {args.ballots:,} ballots, {args.projects:,} projects")
            url = f"sqlite:///{tmp}/bench.sqlite"
            results["sqlite"] = run(url, args.ballots, args.projects, args.runs)
    if "postgres" in args.stores:
        server = os.environ.get(
            "COPROD_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
        )
        name = f"coprod_bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(server, autocommit=True) as c:
            c.execute(f'CREATE DATABASE "{name}"')
        try:
            print(f"PostgreSQL, {args.ballots:,} ballots, {args.projects:,} projects")
            url = server.rsplit("/", 1)[0] + "/" + name
            results["postgres"] = run(url, args.ballots, args.projects, args.runs)
        finally:
            with psycopg.connect(server, autocommit=True) as c:
                c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    print("\nsummary: p95 ms (target < 50) and KB gzip (target <= 150, project page <= 100)")
    for store, pages in results.items():
        cells = "  ".join(f"{n} {r['p95']:.1f}/{r['kb']:.0f}" for n, r in pages.items())
        print(f"  {store:8} {cells}")


if __name__ == "__main__":
    main()
