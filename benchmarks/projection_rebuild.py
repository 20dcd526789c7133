"""Rebuild throughput of the read models vs the library's stock one-transaction-per-event way.

    .venv/bin/python benchmarks/projection_rebuild.py                 # both stores, 200k events
    .venv/bin/python benchmarks/projection_rebuild.py --events 50000 --stores sqlite
    COPROD_BENCH_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/postgres ...

For each store it seeds the demo plus open votes with many ballots (big all-or-nothing
batches through the application), then on the same events in the same run measures:
the batched rebuild of all read models (`Projector.rebuild_many`: one pass over the log,
each batch applied to every model); the stock baseline (for each read model, the library's
``Projection.process_event`` per event, one view transaction each, fed by the
library's ``ApplicationSubscription`` on PostgreSQL and a ``select_notifications`` loop on
SQLite, which has no subscriptions) over a SAMPLE of the log (``--stock-sample``, default
20k events, stated in the output); and the live lag (cast one ballot, time until the
read model shows its position; a background ProjectionWorker polling every 20 ms).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from coprod.application.commands.ballots import CastBallot

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

import psycopg  # noqa: E402
from eventsourcing.persistence import Tracking  # noqa: E402
from eventsourcing.projection import ApplicationSubscription  # noqa: E402

from api.demo import seed_demo  # noqa: E402
from coprod.adapters.config import parse_database_url  # noqa: E402
from coprod.adapters.masterkey import ENV_KEY, encode_entry, new_key  # noqa: E402
from coprod.application import Coprod  # noqa: E402
from coprod.application.base import SYSTEM_ACTOR  # noqa: E402
from coprod.application.commands.processes import (  # noqa: E402
    AdvancePhase,
    OpenProcess,
    SetBudget,
    SetEligiblePopulation,
    SetRules,
)
from coprod.application.commands.proposals import (  # noqa: E402
    AssessFeasibility,
    DevelopProposal,
    OpenBallot,
    Shortlist,
    SubmitIdea,
)
from coprod.domain.ballot import Ballot, BallotChannel, MarkedBallot  # noqa: E402
from coprod.domain.phases import Phase  # noqa: E402
from coprod.domain.process import Process  # noqa: E402
from coprod.domain.values import Actor, Money, Role  # noqa: E402
from coprod.domain.voting import BallotChoices, SelectionRule, VoteMethod, VotingRules  # noqa: E402
from projections.kernel.readmodel import GenerationView, StockProjection  # noqa: E402
from projections.registry import READ_MODELS, ProjectionWorker, Projector  # noqa: E402
from projections.store import Connection  # noqa: E402


def open_vote(
    app: Coprod,
    code: str,
    options: int = 8,
    method: VoteMethod = VoteMethod.APPROVAL,
    council: uuid.UUID | None = None,
) -> tuple[uuid.UUID, tuple[uuid.UUID, ...]]:
    """A process with `options` shortlisted proposals and its ballot open (of `council`, or
    of a council of its own)."""
    officer = Actor(uuid.uuid4(), Role.COUNCIL_OFFICER, council or uuid.uuid4())
    pid = app.open_process(
        OpenProcess(
            council_id=officer.organisation_id or uuid.uuid4(),
            code=code,
            name=f"Bench {code}",
            currency="DKK",
        ),
        officer,
    ).aggregate_id
    app.set_budget(SetBudget(process_id=pid, pot=Money.of(1_000_000, "DKK")), officer)
    app.set_eligible_population(SetEligiblePopulation(process_id=pid, eligible=10_000_000), officer)
    voting = VotingRules(method, points=10 if method is VoteMethod.CUMULATIVE else None)
    app.set_rules(
        SetRules(process_id=pid, voting=voting, selection=SelectionRule("greedy")), officer
    )
    ideas = [
        app.submit_idea(
            SubmitIdea(process_id=pid, title=f"Idea {i}", description="A bench idea"), officer
        ).aggregate_id
        for i in range(options)
    ]
    app.advance_phase(AdvancePhase(process_id=pid, to_phase=Phase.DEVELOPMENT), officer)
    for idea in ideas:
        app.develop_proposal(
            DevelopProposal(
                proposal_id=idea,
                cost_estimate=Money.of(10_000, "DKK"),
                area_code="all",
                category="general",
            ),
            officer,
        )
    app.advance_phase(AdvancePhase(process_id=pid, to_phase=Phase.REVIEW), officer)
    for idea in ideas:
        app.assess_feasibility(
            AssessFeasibility(
                proposal_id=idea,
                feasible=True,
                reason="fine",
                assessed_cost=Money.of(10_000, "DKK"),
            ),
            officer,
        )
        app.shortlist(Shortlist(proposal_id=idea), officer)
    app.advance_phase(AdvancePhase(process_id=pid, to_phase=Phase.VOTE), officer)
    app.open_ballot(OpenBallot(process_id=pid, proposal_ids=tuple(ideas)), officer)
    return pid, tuple(ideas)


def pseudonym(process_id: uuid.UUID, n: int) -> str:
    return hashlib.sha256(f"{process_id}:{n}".encode()).hexdigest()


def cast_many(
    app: Coprod,
    pid: uuid.UUID,
    options: tuple[uuid.UUID, ...],
    start: int,
    count: int,
    batch: int = 5_000,
) -> None:
    """Ballots in big all-or-nothing saves (the bulk-import path), checked like any ballot."""
    process = app.load(Process, pid)
    for first in range(start, start + count, batch):
        ballots = []
        for n in range(first, min(first + batch, start + count)):
            k = 1 + n % 3
            chosen = tuple(options[(n + j) % len(options)] for j in range(k))
            ballots.append(
                Ballot.cast(
                    SYSTEM_ACTOR,
                    process,
                    MarkedBallot(
                        pseudonym(pid, n), BallotChoices(approvals=chosen), BallotChannel.ONLINE
                    ),
                )
            )
        app.commit(*ballots)


def seed(app: Coprod, events: int, processes: int = 4) -> None:
    seed_demo(app)
    votes = [open_vote(app, f"bench-{uuid.uuid4().hex[:8]}") for _ in range(processes)]
    have = app.recorder.max_notification_id() or 0
    per = max(0, events - have) // processes + 1
    for pid, options in votes:
        cast_many(app, pid, options, 0, per)


def stock_baseline(app: Coprod, settings: Any, name: str, sample: int) -> tuple[int, float]:
    """The library's way for one read model: one view transaction per event, first `sample`."""
    conn = Connection(settings)
    model = READ_MODELS[name]()
    view = GenerationView(conn, model, 9_999, app.name)  # a scratch generation
    view.create_tables()
    projection = StockProjection(view=view)
    n = 0
    started = time.perf_counter()
    if settings.backend == "postgres":
        with ApplicationSubscription(app, gt=0) as subscription:
            for domain_event, tracking in subscription:
                projection.process_event(domain_event, tracking)
                n += 1
                if n >= sample:
                    break
    else:
        position = 0
        while n < sample:
            batch = app.recorder.select_notifications(
                start=position, limit=500, inclusive_of_start=False
            )
            if not batch:
                break
            for notification in batch[: sample - n]:
                projection.process_event(
                    app.mapper.to_domain_event(notification), Tracking(app.name, notification.id)
                )
                n += 1
            position = batch[-1].id
    elapsed = time.perf_counter() - started
    with conn.transaction():
        for table in model.tables(9_999):
            conn.execute(f"DROP TABLE IF EXISTS {table}")
    conn.close()
    return n, elapsed


def live_lag(app: Coprod, settings: Any, writes: int = 200) -> list[float]:
    pid, options = open_vote(app, f"lag-{uuid.uuid4().hex[:8]}")
    lags = []
    with ProjectionWorker(settings, poll_interval=0.02) as worker:
        worker.wait_for(app.recorder.max_notification_id(), timeout=300)
        for n in range(writes):
            started = time.perf_counter()
            receipt = app.cast_ballot(
                CastBallot(
                    process_id=pid,
                    voter_pseudonym=pseudonym(pid, n),
                    choices=BallotChoices(approvals=(options[0],)),
                    channel=BallotChannel.ONLINE,
                ),
                SYSTEM_ACTOR,
            )
            worker.wait_for(receipt.position, timeout=10)
            lags.append(time.perf_counter() - started)
            time.sleep(0.01)
    return lags


def settle(settings: Any) -> None:
    """Let PostgreSQL finish writing the seeded log first (else its checkpoint is measured)."""
    if settings.backend == "postgres":
        with Connection(settings) as conn:
            conn.execute("CHECKPOINT")
            conn.execute("VACUUM ANALYZE coprod_events")


def run(url: str, events: int, sample: int) -> dict[str, float]:
    settings = parse_database_url(url)
    app = Coprod(settings)
    started = time.perf_counter()
    seed(app, events)
    total = app.recorder.max_notification_id() or 0
    print(f"  seeded {total:,} events in {time.perf_counter() - started:.1f} s")
    settle(settings)
    # Every read model rebuilt from scratch in one pass over the log, twice; the stock way
    # runs each model as the library would: one projection, one transaction per event, each.
    rates = []
    with Projector(app, settings=settings, batch_size=5_000) as projector:
        projector.catch_up()
        for attempt in (1, 2):
            started = time.perf_counter()
            rebuilt = projector.rebuild_many()
            seconds = time.perf_counter() - started
            rates.append(rebuilt[0].events / seconds)
            print(
                f"  batched rebuild #{attempt} of all read models ({len(rebuilt)}, one pass): "
                f"{rebuilt[0].events:,} events in {seconds:.2f} s = {rates[-1]:,.0f} events/s"
            )
    rate = statistics.mean(rates)
    stock_total_s = 0.0
    for name in READ_MODELS:
        n, seconds = stock_baseline(app, settings, name, sample)
        stock_total_s += seconds
        print(f"  stock, {name}: {n:,} events in {seconds:.2f} s = {n / seconds:,.0f} events/s")
    stock_rate = n / stock_total_s
    print(
        f"  stock (library Projection, 1 txn/event, each read model), SAMPLE of the first "
        f"{n:,} events: {stock_total_s:.2f} s = {stock_rate:,.0f} events/s for all read models"
    )
    lags = sorted(live_lag(app, settings))
    p50 = statistics.median(lags) * 1000
    p95 = lags[int(len(lags) * 0.95) - 1] * 1000
    print(
        f"  live lag (write -> visible, {len(lags)} single-ballot writes): p50 {p50:.1f} ms, p95 {p95:.1f} ms"
    )
    print(f"  RATIO batched/stock: {rate / stock_rate:.1f}x")
    app.close()
    return {"events": total, "rate": rate, "stock": stock_rate, "p50": p50, "p95": p95}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--stock-sample", type=int, default=20_000)
    parser.add_argument("--stores", default="sqlite,postgres")
    args = parser.parse_args()
    # PostgreSQL keeps personal data sealed under a master key: a throwaway one here.
    os.environ.setdefault(ENV_KEY, encode_entry(1, new_key()))
    results = {}
    if "sqlite" in args.stores:
        with tempfile.TemporaryDirectory() as tmp:
            print(f"SQLite (file, WAL), {args.events:,}+ events")
            results["sqlite"] = run(f"sqlite:///{tmp}/bench.sqlite", args.events, args.stock_sample)
    if "postgres" in args.stores:
        server = os.environ.get(
            "COPROD_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
        )
        name = f"coprod_bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(server, autocommit=True) as c:
            c.execute(f'CREATE DATABASE "{name}"')
        try:
            print(f"PostgreSQL, {args.events:,}+ events")
            results["postgres"] = run(
                server.rsplit("/", 1)[0] + "/" + name, args.events, args.stock_sample
            )
        finally:
            with psycopg.connect(server, autocommit=True) as c:
                c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    print("\nsummary")
    for store, r in results.items():
        print(
            f"  {store:8} {r['events']:>9,.0f} events  batched {r['rate']:>9,.0f}/s  "
            f"stock {r['stock']:>7,.0f}/s  ratio {r['rate'] / r['stock']:5.1f}x  "
            f"lag p50 {r['p50']:.1f} ms p95 {r['p95']:.1f} ms"
        )
    pg = results.get("postgres")
    if pg:
        ok = pg["rate"] >= 30_000 and pg["rate"] / pg["stock"] >= 20
        print(
            f"  target (PostgreSQL >= 30,000 events/s and >= 20x stock): {'MET' if ok else 'NOT MET'}"
        )


if __name__ == "__main__":
    main()
