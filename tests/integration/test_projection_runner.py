"""The projection runner and the process summary on real stores: exact, resumable, switchable."""

from __future__ import annotations

import hashlib
import os
import random
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from eventsourcing.persistence import Tracking

from api.demo import demo_process_id, seed_demo
from coprod.adapters.config import parse_database_url
from coprod.application import Coprod
from coprod.application.base import SYSTEM_ACTOR
from coprod.application.commands.ballots import CastBallot, CastBallots
from coprod.application.commands.people import RegisterOrganisation
from coprod.application.commands.processes import (
    AdvancePhase,
    CloseBallot,
    OpenProcess,
    SetBudget,
    SetRules,
)
from coprod.application.commands.proposals import (
    AssessFeasibility,
    DevelopProposal,
    OpenBallot,
    Shortlist,
    SubmitIdea,
)
from coprod.domain.ballot import BallotChannel, MarkedBallot
from coprod.domain.decision import Decision
from coprod.domain.organisation import OrganisationKind
from coprod.domain.phases import Phase
from coprod.domain.project import Project, ProjectStatus
from coprod.domain.values import Actor, Money, Role
from coprod.domain.voting import BallotChoices, SelectionRule, VoteMethod, VotingRules
from projections.ballot_runs import expand
from projections.impact.model import BALLOT_CELL
from projections.kernel.readmodel import GenerationView, StockProjection
from projections.process_summary import ProcessSummaryModel, process_summary
from projections.registry import READ_MODELS, ProjectionWorker, Projector
from projections.store import Connection, read_generation
from projections.stored_ballot import StoredBallot

ROOT = Path(__file__).resolve().parents[2]
KEY = ProcessSummaryModel.key()


def open_vote(
    app: Coprod, options: int = 4, method: VoteMethod = VoteMethod.APPROVAL
) -> tuple[uuid.UUID, tuple[uuid.UUID, ...], Actor]:
    officer = Actor(uuid.uuid4(), Role.COUNCIL_OFFICER, uuid.uuid4())
    assert officer.organisation_id is not None
    pid = app.open_process(
        OpenProcess(
            council_id=officer.organisation_id,
            code=f"v-{uuid.uuid4().hex[:6]}",
            name="Vote",
            currency="DKK",
        ),
        officer,
    ).aggregate_id
    app.set_budget(SetBudget(process_id=pid, pot=Money.of(100_000, "DKK")), officer)
    points = 10 if method is VoteMethod.CUMULATIVE else None
    app.set_rules(
        SetRules(
            process_id=pid,
            voting=VotingRules(method, points=points),
            selection=SelectionRule("greedy"),
        ),
        officer,
    )
    ideas = [
        app.submit_idea(
            SubmitIdea(process_id=pid, title=f"Idea {i}", description="text"), officer
        ).aggregate_id
        for i in range(options)
    ]
    app.advance_phase(AdvancePhase(process_id=pid, to_phase=Phase.DEVELOPMENT), officer)
    for idea in ideas:
        app.develop_proposal(
            DevelopProposal(
                proposal_id=idea,
                cost_estimate=Money.of(1_000, "DKK"),
                area_code="all",
                category="general",
            ),
            officer,
        )
    app.advance_phase(AdvancePhase(process_id=pid, to_phase=Phase.REVIEW), officer)
    for idea in ideas:
        app.assess_feasibility(
            AssessFeasibility(
                proposal_id=idea, feasible=True, reason="ok", assessed_cost=Money.of(1_000, "DKK")
            ),
            officer,
        )
        app.shortlist(Shortlist(proposal_id=idea), officer)
    app.advance_phase(AdvancePhase(process_id=pid, to_phase=Phase.VOTE), officer)
    app.open_ballot(OpenBallot(process_id=pid, proposal_ids=tuple(ideas)), officer)
    return pid, tuple(ideas), officer


def pseudonym(n: object) -> str:
    return hashlib.sha256(str(n).encode()).hexdigest()


def choices_for(n: int, options: tuple[uuid.UUID, ...], method: VoteMethod) -> BallotChoices:
    k = 1 + n % len(options)
    picked = tuple(options[(n + j) % len(options)] for j in range(k))
    if method is VoteMethod.CUMULATIVE:
        return BallotChoices(points=tuple((p, 1 + (n + i) % 3) for i, p in enumerate(picked[:3])))
    if method is VoteMethod.RANKED:
        return BallotChoices(ranking=picked)
    return BallotChoices(approvals=picked)


def cast(
    app: Coprod,
    pid: uuid.UUID,
    options: tuple[uuid.UUID, ...],
    n: int,
    start: int = 0,
    method: VoteMethod = VoteMethod.APPROVAL,
    batch: int = 2_000,
) -> None:
    for first in range(start, start + n, batch):
        app.cast_ballots(
            CastBallots(
                process_id=pid,
                ballots=tuple(
                    [
                        MarkedBallot(pseudonym((pid, i)), choices_for(i, options, method))
                        for i in range(first, min(first + batch, start + n))
                    ]
                ),
            ),
            SYSTEM_ACTOR,
        )


def independent_summary(app: Coprod, pid: uuid.UUID) -> dict[str, Any]:
    """The same figures from the aggregates and raw events, without the read model's code."""
    ids: dict[str, set[uuid.UUID]] = {"proposal": set(), "decision": set(), "project": set()}
    ballots = []
    for n in app.recorder.select_notifications(start=0, limit=10**7):
        if n.topic.endswith(
            ("Proposal.IdeaSubmitted", "Decision.DecisionMade", "Project.ProjectFunded")
        ):
            e: Any = app.mapper.to_domain_event(n)
            if e.process_id == pid:
                kind = n.topic.split(":")[1].split(".")[0].lower()
                ids[kind].add(e.originator_id)
        elif n.topic.endswith("Ballot.BallotCast"):
            e = app.mapper.to_domain_event(n)
            if e.process_id == pid:
                ballots.append(e.choices)
    proposals = [app.repository.get(i) for i in ids["proposal"]]
    decisions: list[Decision] = [app.repository.get(i) for i in ids["decision"]]
    projects: list[Project] = [app.repository.get(i) for i in ids["project"]]
    tally: Counter[uuid.UUID] = Counter()
    for choices in ballots:
        tally.update(choices.approvals)
    return {
        "ideas_submitted": len(proposals),
        "ideas_merged": sum(p.status == "merged" for p in proposals),
        "ideas_withdrawn": sum(p.status == "withdrawn" for p in proposals),
        "proposals": sum(p.stage == "proposal" for p in proposals),
        "assessed_feasible": sum(p.feasible is True for p in proposals),
        "assessed_unfeasible": sum(p.feasible is False for p in proposals),
        "shortlisted": sum(p.shortlisted is True for p in proposals),
        "not_shortlisted": sum(p.shortlisted is False for p in proposals),
        "ballots_cast": len(ballots),
        "decisions": tuple(
            sorted(
                Counter(
                    d.outcome.value if d.status == "in_force" else d.status for d in decisions
                ).items()
            )
        ),
        "projects_funded": len(projects),
        "projects_completed": sum(p.status is ProjectStatus.COMPLETED for p in projects),
        "projects_cancelled": sum(p.status is ProjectStatus.CANCELLED for p in projects),
        "tally": dict(tally),
    }


def snapshot_tables(url: str) -> dict[str, list[tuple[Any, ...]]]:
    with Connection(parse_database_url(url)) as conn:
        generation = read_generation(conn, KEY)
        assert generation is not None
        prefix = ProcessSummaryModel.prefix(generation.active)
        return {
            suffix: _rows(conn, f"{prefix}_{suffix}", 1 if suffix == "ballot_runs" else None)
            for suffix in ProcessSummaryModel.table_suffixes
        }


def _rows(conn: Connection, table: str, run_key: int | None) -> list[tuple[Any, ...]]:
    """A table's rows, sorted; ballot runs as one row per ballot, since where a batch
    ended (a crash, another batch size) changes the runs but never the ballots in them."""
    rows = conn.execute(f"SELECT * FROM {table}")
    if run_key is not None:
        rows = expand(rows, run_key)
    return sorted(rows, key=repr)


# -- exactness ---------------------------------------------------------------------------------


def test_summary_equals_an_independent_count(store_app: Coprod, store_url: str) -> None:
    seed_demo(store_app)
    pid = demo_process_id(2026)
    with Projector(store_app, batch_size=500) as projector:
        every = projector.catch_up()
    assert {s.model for s in every} == {m().key() for m in READ_MODELS.values()}
    for stats in every:
        assert stats.events == store_app.recorder.max_notification_id(), stats.model
    summary = process_summary(pid, settings=parse_database_url(store_url))
    expected = independent_summary(store_app, pid)
    for field, value in expected.items():
        if field != "tally":
            assert getattr(summary, field) == value, field
    assert summary.name == "Demo City participatory budget"
    assert summary.phase is Phase.DELIVERY
    assert summary.pot == Money.of(3_000_000, "DKK")
    assert summary.eligible == 28_000
    assert summary.tallies is not None
    assert {t.proposal_id: t.approvals for t in summary.tallies} == {
        p: expected["tally"].get(p, 0) for p in (t.proposal_id for t in summary.tallies)
    }
    assert sum(t.approvals or 0 for t in summary.tallies) == sum(expected["tally"].values())


@pytest.mark.parametrize("method", [VoteMethod.CUMULATIVE, VoteMethod.RANKED])
def test_points_and_rankings_are_tallied(sqlite_url: str, method: VoteMethod) -> None:
    with Coprod(parse_database_url(sqlite_url)) as app:
        pid, options, officer = open_vote(app, 4, method)
        cast(app, pid, options, 60, method=method)
        app.close_ballot(CloseBallot(process_id=pid), officer)
        with Projector(app) as projector:
            projector.catch_up()
        summary = process_summary(pid, settings=app.settings)
    assert summary.tallies is not None
    by_id = {t.proposal_id: t for t in summary.tallies}
    ballots = [choices_for(i, options, method) for i in range(60)]
    for option in options:
        tally = by_id[option]
        if method is VoteMethod.CUMULATIVE:
            assert tally.points == sum(p for b in ballots for o, p in b.points if o == option)
            assert tally.supporters == sum(1 for b in ballots for o, _ in b.points if o == option)
            assert tally.approvals is None
        else:
            positions = Counter(b.ranking.index(option) + 1 for b in ballots if option in b.ranking)
            assert dict(tally.rank_positions) == dict(positions)


def test_batched_rows_equal_the_stock_per_event_projection(sqlite_url: str) -> None:
    """The fast ballot decoder and batching give exactly the rows of the library's way."""
    with Coprod(parse_database_url(sqlite_url)) as app:
        seed_demo(app)
        with Projector(app, batch_size=300) as projector:
            projector.catch_up()
        batched = snapshot_tables(sqlite_url)
        conn = Connection(app.settings)
        view = GenerationView(conn, ProcessSummaryModel(), 50, app.name)
        view.create_tables()
        projection = StockProjection(view=view)
        for n in app.recorder.select_notifications(start=0, limit=10**6):
            projection.process_event(app.mapper.to_domain_event(n), Tracking(app.name, n.id))
        assert view.position() == app.recorder.max_notification_id()
        stock = {
            s: _rows(conn, f"{view.prefix}_{s}", 1 if s == "ballot_runs" else None)
            for s in ProcessSummaryModel.table_suffixes
        }
        conn.close()
    assert stock == batched


def test_ignored_events_still_advance_the_position(store_app: Coprod, store_url: str) -> None:
    with Projector(store_app) as projector:
        projector.catch_up()
        receipt = store_app.register_organisation(
            RegisterOrganisation(
                slug=f"group-{uuid.uuid4().hex[:6]}",
                kind=OrganisationKind.COMMUNITY_GROUP,
                display_name="G",
            ),
            SYSTEM_ACTOR,
        )
        every = projector.catch_up()
        healths = projector.health()
    assert [s.events for s in every] == [1] * len(READ_MODELS)
    for health in healths:
        assert health.position == receipt.position == health.max_notification_id
    assert health.lag_events == 0
    assert snapshot_tables(store_url)["facts"] == []


# -- privacy and as-of -------------------------------------------------------------------------


def test_tallies_hidden_until_the_ballot_closes(store_app: Coprod, store_url: str) -> None:
    pid, options, officer = open_vote(store_app)
    cast(store_app, pid, options, 30)
    settings = parse_database_url(store_url)
    with Projector(store_app) as projector:
        projector.catch_up()
        during = process_summary(pid, settings=settings)
        assert during.ballot_state == "open"
        assert during.ballots_cast == 30
        assert during.tallies is None  # stored, but not shown while voting
        stored = snapshot_tables(store_url)["tallies"]
        assert sum(row[4] for row in stored) > 0
        before_close = datetime.now(UTC)
        store_app.close_ballot(CloseBallot(process_id=pid), officer)
        projector.catch_up()
    after = process_summary(pid, settings=settings)
    assert after.tallies is not None
    assert sum(t.approvals or 0 for t in after.tallies) == sum(
        len(choices_for(i, options, VoteMethod.APPROVAL).approvals) for i in range(30)
    )
    assert process_summary(pid, before_close, settings=settings).tallies is None


def test_as_of_t_equals_the_summary_computed_at_t(store_app: Coprod, store_url: str) -> None:
    settings = parse_database_url(store_url)
    seed_demo(store_app)
    pid, options, officer = open_vote(store_app)
    cast(store_app, pid, options, 20)
    with Projector(store_app) as projector:
        projector.catch_up()
        at_t = process_summary(pid, settings=settings)
        t = datetime.now(UTC)
        time.sleep(0.01)
        cast(store_app, pid, options, 15, start=20)
        store_app.close_ballot(CloseBallot(process_id=pid), officer)
        store_app.advance_phase(AdvancePhase(process_id=pid, to_phase=Phase.DECISION), officer)
        projector.catch_up()
    later = process_summary(pid, t, settings=settings)
    assert later == replace(at_t, as_of=t)
    now = process_summary(pid, settings=settings)
    assert (now.ballots_cast, now.phase, now.tallies is not None) == (35, Phase.DECISION, True)
    with pytest.raises(Exception, match="timezone"):
        process_summary(pid, datetime(2030, 1, 1), settings=settings)


# -- rebuild and worker --------------------------------------------------------------------------


def test_rebuild_builds_beside_and_switches(store_app: Coprod, store_url: str) -> None:
    seed_demo(store_app)
    pid = demo_process_id(2026)
    with Projector(store_app) as projector:
        projector.catch_up()
        before = process_summary(pid, settings=store_app.settings)
        rows = snapshot_tables(store_url)
        stats = projector.rebuild("process_summary")
        assert stats.generation == 2
        assert stats.events == store_app.recorder.max_notification_id()
        tables = projector.conn.tables()
    assert not any(t.startswith(f"{KEY}_g1_") for t in tables)
    assert f"{KEY}_g2_facts" in tables
    assert snapshot_tables(store_url) == rows
    assert process_summary(pid, settings=store_app.settings) == before


def model_rows(url: str, name: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every table of one read model's active generation, rows sorted."""
    model = READ_MODELS[name]()
    with Connection(parse_database_url(url)) as conn:
        generation = read_generation(conn, model.key())
        assert generation is not None
        prefix = model.prefix(generation.active)
        cell = {"process_summary": 1, "impact": len(BALLOT_CELL)}.get(name)
        return {
            suffix: _rows(conn, f"{prefix}_{suffix}", cell if suffix == "ballot_runs" else None)
            for suffix in model.table_suffixes
        }


def test_rebuild_of_every_model_in_one_pass_gives_the_caught_up_rows(
    store_app: Coprod, store_url: str
) -> None:
    seed_demo(store_app)
    with Projector(store_app, batch_size=300) as projector:
        projector.catch_up()
        before = {name: model_rows(store_url, name) for name in READ_MODELS}
        read = 0
        original = projector._read

        def counting(start: int, stop: int | None) -> Any:
            nonlocal read
            batch = original(start, stop)
            read += len(batch)
            return batch

        projector._read = counting  # type: ignore[method-assign]
        rebuilt = projector.rebuild_many()
    total = store_app.recorder.max_notification_id()
    assert [s.model for s in rebuilt] == [m().key() for m in READ_MODELS.values()]
    assert {(s.generation, s.events) for s in rebuilt} == {(2, total)}
    assert read == total  # the log was read once for all of them
    assert {name: model_rows(store_url, name) for name in READ_MODELS} == before


def test_worker_gives_read_your_writes(store_app: Coprod) -> None:
    pid, options, _ = open_vote(store_app)
    with ProjectionWorker(store_app.settings, poll_interval=0.01) as worker:
        receipt = store_app.cast_ballot(
            CastBallot(
                process_id=pid,
                voter_pseudonym=pseudonym("me"),
                choices=BallotChoices(approvals=options[:1]),
                channel=BallotChannel.ONLINE,
            ),
            SYSTEM_ACTOR,
        )
        worker.wait_for(receipt.position, timeout=5)
        assert process_summary(pid, settings=store_app.settings).ballots_cast == 1
        with pytest.raises(TimeoutError):
            worker.wait_for((receipt.position or 0) + 10**6, timeout=0.1)


@pytest.mark.postgres
def test_concurrent_writers_every_acknowledged_event_exactly_once(postgres_url: str) -> None:
    settings = parse_database_url(postgres_url)
    with Coprod(settings) as app:
        pid, options, _ = open_vote(app)
    acknowledged: list[int] = []
    lock = threading.Lock()

    # Built one after another: concurrent first-time table creation is the write side's race.
    writers = [Coprod(settings) for _ in range(4)]

    def writer(w: int) -> None:
        for i in range(60):
            r = writers[w].cast_ballot(
                CastBallot(
                    process_id=pid,
                    voter_pseudonym=pseudonym((w, i)),
                    choices=choices_for(i, options, VoteMethod.APPROVAL),
                    channel=BallotChannel.ONLINE,
                ),
                SYSTEM_ACTOR,
            )
            assert r.position is not None
            with lock:
                acknowledged.append(r.position)

    with ProjectionWorker(settings, poll_interval=0.005, batch_size=7) as worker:
        threads = [threading.Thread(target=writer, args=(w,)) for w in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        worker.wait_for(max(acknowledged), timeout=30)
    for w in writers:
        w.close()
    rows = snapshot_tables(postgres_url)["ballot_runs"]  # one row per ballot
    assert len(acknowledged) == 240
    assert sorted(r[1] for r in rows) == sorted(acknowledged)
    assert len({r[1] for r in rows}) == 240


@pytest.mark.postgres
@pytest.mark.slow
def test_sigkilled_worker_resumes_to_the_same_rows_as_a_rebuild(postgres_url: str) -> None:
    settings = parse_database_url(postgres_url)
    with Coprod(settings) as app:
        seed_demo(app)
        pid, options, officer = open_vote(app, 6)
        cast(app, pid, options, 19_000, batch=5_000)
        app.close_ballot(CloseBallot(process_id=pid), officer)
        total = app.recorder.max_notification_id() or 0
    assert total >= 20_000
    env = {**os.environ, "COPROD_DATABASE_URL": postgres_url}
    worker = [
        sys.executable,
        "-c",
        "import sys; from api.cli.projections import project_app; project_app(sys.argv[1:])",
        "--batch-size",
        "100",
    ]
    rng = random.Random(7)
    targets = sorted(rng.sample(range(1_000, total - 1_000), 4))
    positions = []
    with Connection(settings) as conn:
        for target in targets:
            proc = subprocess.Popen(worker, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
            deadline = time.monotonic() + 30
            position = 0
            while position < target and time.monotonic() < deadline:
                rows = (
                    conn.execute(f"SELECT notification_id FROM {KEY}_g1_tracking")
                    if (f"{KEY}_g1_tracking" in conn.tables())
                    else []
                )
                position = int(rows[0][0]) if rows else 0
                time.sleep(0.005)
            proc.send_signal(signal.SIGKILL)  # mid-batch, most likely
            proc.wait()
            positions.append(position)
    assert all(0 < p < total for p in positions), positions
    assert positions == sorted(positions), positions  # resumed, never restarted from 0
    with Projector(settings=settings) as projector:
        projector.catch_up()
        resumed = snapshot_tables(postgres_url)
        projector.rebuild("process_summary")
    assert snapshot_tables(postgres_url) == resumed
    # ballots, and the demo's: 900 in its first process, 200 so far in its second
    assert len(resumed["ballot_runs"]) == 19_000 + 900 + 200
    summary = process_summary(pid, settings=settings)
    assert summary.ballots_cast == 19_000


def test_in_memory_store_is_refused_clearly() -> None:
    from coprod.domain.errors import InvalidInput

    settings = parse_database_url("sqlite:///:memory:")
    with pytest.raises(InvalidInput, match="in-memory"):
        Connection(settings)


def test_cli_rebuilds_named_or_all_models_and_refuses_an_unknown_one(sqlite_url: str) -> None:
    from typer.testing import CliRunner

    from api.cli.main import cli

    settings = parse_database_url(sqlite_url)
    with Coprod(settings) as app:
        seed_demo(app)
    env = {"COPROD_DATABASE_URL": sqlite_url}
    runner = CliRunner()
    assert runner.invoke(cli, ["project", "--once"], env=env).exit_code == 0
    named = runner.invoke(cli, ["project", "--rebuild", "timeline,impact"], env=env)
    assert named.exit_code == 0, named.output
    assert "rebuilt timeline_v3 as generation 2" in named.output
    assert "for 2 read models" in named.output
    every = runner.invoke(cli, ["project", "--rebuild", "all"], env=env)
    assert every.exit_code == 0, every.output
    with Connection(settings) as conn:
        active = {name: read_generation(conn, m.key()) for name, m in READ_MODELS.items()}
    assert {n: g.active for n, g in active.items() if g} == {
        "process_summary": 2,
        "impact": 3,
        "timeline": 3,
        "catalogue": 2,
        "queues": 2,
        "commitments": 2,
        "decisions": 2,
        "addresses": 2,
        "organisations": 2,
        "commissioning": 2,
    }
    unknown = runner.invoke(cli, ["project", "--rebuild", "tallies"], env=env)
    assert unknown.exit_code == 2  # one line on stderr (api/cli/errors.py), no traceback
    assert "known: process_summary, impact, timeline" in unknown.stderr


def test_as_of_inside_one_batch_counts_ballot_by_ballot(store_app: Coprod, store_url: str) -> None:
    """Ballot runs cover whole batches; an as-of time inside one still counts exactly."""
    from coprod.domain.ballot import AgeBand, Sex
    from projections.ballot_runs import counts_as_of
    from projections.impact.model import ImpactModel

    pid, options, _ = open_vote(store_app)
    ages, sexes, areas = [None, *AgeBand], [None, *Sex], [None, "north", "south"]
    store_app.cast_ballots(
        CastBallots(
            process_id=pid,
            ballots=tuple(
                [
                    MarkedBallot(
                        pseudonym(("run", i)),
                        choices_for(i, options, VoteMethod.APPROVAL),
                        area_code=areas[i % 3],
                        age_band=ages[i % len(ages)],
                        sex=sexes[i % 2],
                    )
                    for i in range(120)
                ]
            ),
        ),
        SYSTEM_ACTOR,
    )
    cast_at = []  # (timestamp in µs, cell) of each ballot, from the log itself
    for n in store_app.recorder.select_notifications(start=0, limit=10**6):
        if n.topic.endswith("Ballot.BallotCast"):
            e = store_app.mapper.to_domain_event(n)
            if e.process_id == pid:  # type: ignore[attr-defined]
                fact = StoredBallot.of(e)  # type: ignore[arg-type]
                cast_at.append((fact.ts_us, (fact.area_code, fact.age_band, fact.sex)))
    assert len(cast_at) == 120
    with Projector(store_app, batch_size=10_000) as projector:  # one batch: one run per cell
        projector.catch_up()
    settings = parse_database_url(store_url)
    prefix = ImpactModel.prefix(1)
    stamps = sorted({ts for ts, _ in cast_at})
    with Connection(settings) as conn:
        for until in [stamps[0] - 1, stamps[0], stamps[37], stamps[-2], stamps[-1]]:
            expected = Counter(cell for ts, cell in cast_at if ts <= until)
            got = counts_as_of(conn, f"{prefix}_ballot_runs", BALLOT_CELL[1:], pid.hex, until)
            assert +got == expected, until
            moment = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=until)
            summary = process_summary(pid, moment, settings=settings)
            assert summary.ballots_cast == sum(expected.values())


def test_log_reader_reads_what_the_library_reads(store_app: Coprod) -> None:
    from projections.log_reader import LogReader

    seed_demo(store_app)
    reader = LogReader(store_app.recorder)
    assert reader._sqlite or reader._statements  # the fast path is taken on both stores
    recorder = store_app.recorder
    for start, limit, stop in [
        (0, 10_000, None),
        (0, 7, None),
        (100, 50, 120),
        (1400, 10**6, None),
    ]:
        ours = reader.read(start, limit, stop)
        theirs = recorder.select_notifications(
            start=start, limit=limit, stop=stop, inclusive_of_start=False
        )
        assert ours == theirs
        assert {type(n.originator_id) for n in ours} <= {uuid.UUID}
        assert {type(n.state) for n in ours} <= {bytes}
