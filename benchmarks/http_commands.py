"""HTTP command throughput and latency, against the same command called on the application.

    .venv/bin/python benchmarks/http_commands.py
    .venv/bin/python benchmarks/http_commands.py --levels 1,2,4,8,16,32 --seconds 5 --runs 2
    COPROD_BENCH_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/postgres ...

On PostgreSQL, in a fresh database ``coprod_bench_<hex>`` dropped afterwards. The command is
"log a contribution": each one creates a new Contribution aggregate (reading one of several
commitments), so the load does not queue on one hot aggregate.

1. ``uvicorn`` serves ``create_app`` in a separate process, once per ``--workers`` entry
   (default 1, then 2 worker processes, as ``coprod serve --workers N`` runs it); this process
   loads it from threads with a bare keep-alive client (:class:`KeepAliveClient`: httpx would
   spend more CPU than the server on these shared cores) at increasing concurrency (closed
   loop) to find the peak throughput, then sends an open-loop, fixed-rate load at 50 % of that
   peak and reports p50/p95/p99 latency, measured from each request's scheduled start (so
   queueing counts).
2. The same for ``Coprod.log_contribution`` called directly in this process (the server idle).
3. Ratios: HTTP/direct peak throughput (target >= 50 %) and HTTP p95 at 50 % of peak
   (target < 25 ms), per run and the median of ``--runs`` runs (the machine is shared).
4. Impact report: GET /api/v1/processes/{id}/impact p50/p95 on a process with 100k ballots,
   uncached and repeated (see :func:`impact_report_p95`), on the last server.

Both sides freeze their start-up heap out of the garbage collector (``api.http.heap``), as
``coprod serve`` does. The load generator shares the two cores with the server and the
database: the figures are for this machine as a whole, not for the server alone.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from coprod.application.commands.contributions import LogContribution
from coprod.application.commands.people import RegisterOrganisation

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

import httpx2  # noqa: E402
import psycopg  # noqa: E402

from api.http.heap import freeze_startup_heap  # noqa: E402
from api.keys import KeyStore  # noqa: E402
from coprod.adapters.config import parse_database_url  # noqa: E402
from coprod.application import SYSTEM_ACTOR, Coprod  # noqa: E402
from coprod.domain.commitment import CoproductionLevel, CoproductionPhase  # noqa: E402
from coprod.domain.organisation import OrganisationKind  # noqa: E402
from coprod.domain.values import Actor, Role  # noqa: E402

DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
IMPACT_PATH = "/api/v1/processes/{process_id}/impact"
TODAY = date.today()


# -- the database and the server --------------------------------------------------------------


@contextmanager
def bench_database(server_url: str) -> Iterator[str]:
    """A fresh database on the server, dropped afterwards whatever happens."""
    name = f"coprod_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(server_url)
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def uvicorn_server(database_url: str, workers: int) -> Iterator[str]:
    """``uvicorn --factory api.http.app:create_app`` in a child process; yields its base URL."""
    port = free_port()
    env = {**os.environ, "COPROD_DATABASE_URL": database_url, "PYTHONPATH": str(ROOT)}
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        "api.http.app:create_app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    server = subprocess.Popen(command, env=env, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx2.get(f"{base}/api/v1/health", timeout=1).status_code == 200:
                    break
            except httpx2.TransportError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


# -- the data the commands need ---------------------------------------------------------------


@dataclass
class Setup:
    """Keys, and the commitments contributions are logged against (one per project)."""

    officer: dict[str, str]
    member: dict[str, str]
    member_actor: Actor
    group: uuid.UUID
    commitments: list[tuple[str, str]]  # (commitment id, project id)
    process: str
    council: uuid.UUID


def seed(app: Coprod, base: str, projects: int, suffix: str = "") -> Setup:
    """A council, a group and `projects` funded projects the group has pledged to, via HTTP."""
    council = app.register_organisation(
        RegisterOrganisation(
            slug=f"bench-council{suffix}",
            kind=OrganisationKind.COUNCIL,
            display_name="Bench council",
        ),
        SYSTEM_ACTOR,
    ).aggregate_id
    group = app.register_organisation(
        RegisterOrganisation(
            slug=f"bench-group{suffix}",
            kind=OrganisationKind.COMMUNITY_GROUP,
            display_name="Bench group",
        ),
        SYSTEM_ACTOR,
    ).aggregate_id
    keys = KeyStore(app)
    officer_key = keys.create(council, Role.COUNCIL_OFFICER, label="bench officer")
    member_key = keys.create(group, Role.COMMUNITY_MEMBER, label="bench member")
    officer = {"Authorization": f"Bearer {officer_key.secret}"}
    member = {"Authorization": f"Bearer {member_key.secret}"}
    money = {"amount": "1000", "currency": "DKK"}

    with httpx2.Client(base_url=f"{base}/api/v1", timeout=30) as http:

        def post(path: str, who: dict[str, str], body: Any = None) -> Any:
            answer = http.post(path, json=body, headers=who)
            assert answer.status_code in (200, 201), (path, answer.text)
            return answer.json()

        pid = post("/processes", officer, {"code": "bench", "name": "Bench", "currency": "DKK"})[
            "id"
        ]
        post(f"/processes/{pid}/budget", officer, {"pot": {"amount": "1000000", "currency": "DKK"}})
        post(
            f"/processes/{pid}/rules",
            officer,
            {"voting": {"method": "approval", "max_choices": 3}, "selection": {"method": "greedy"}},
        )
        post(f"/processes/{pid}/areas", officer, {"areas": [{"code": "north", "name": "North"}]})
        ideas = [
            post(f"/processes/{pid}/ideas", member, {"title": f"Idea {i}", "description": "d"})[
                "id"
            ]
            for i in range(projects)
        ]
        develop = {"cost_estimate": money, "area_code": "north", "category": "parks"}
        for idea in ideas:
            post(f"/proposals/{idea}/develop", member, develop)
        post(f"/processes/{pid}/phase", officer, {"to_phase": "review"})
        for idea in ideas:
            assess = {"feasible": True, "reason": "ok", "assessed_cost": money}
            post(f"/proposals/{idea}/assess", officer, assess)
            post(f"/proposals/{idea}/shortlist", officer)
        post(f"/processes/{pid}/phase", officer, {"to_phase": "decision"})
        commitments = []
        for idea in ideas:
            decide = {"outcome": "funded_in_full", "amount": money, "decided_on": str(TODAY)}
            decision = post(f"/proposals/{idea}/decision", officer, decide)["id"]
            project = post(f"/decisions/{decision}/project", officer)["id"]
            pledge = {"phase": "co_delivery", "level": "group", "pledged_hours": "100"}
            commitment = post(f"/projects/{project}/commitments", member, pledge)["id"]
            commitments.append((commitment, project))
        post(f"/processes/{pid}/phase", officer, {"to_phase": "delivery"})

    actor = Actor(member_key.key.actor_id, Role.COMMUNITY_MEMBER, group)
    return Setup(officer, member, actor, group, commitments, pid, council)


CONTRIBUTION = {
    "hours": "2.5",
    "people_count": 3,
    "phase": "co_delivery",
    "level": "group",
    "worked_on": str(TODAY),
}


class KeepAliveClient:
    """A bare HTTP/1.1 keep-alive client on one socket: the load generator, kept cheap.

    httpx costs about 1.3 ms of CPU a request here, on the same two cores as the server, so
    it would measure itself as much as the server (the reason wrk exists). This sends
    prebuilt bytes and reads back the status and a Content-Length body, ~50 µs a request.
    """

    def __init__(self, base: str, headers: dict[str, str]) -> None:
        parts = urlsplit(base)
        self.address = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        self.sock: socket.socket | None = None
        #: the last answer's Server-Timing app time (ms), NaN when it carried none
        self.server_ms = float("nan")
        self.pending = b""

    def post_json(self, path: str, body: Any) -> int:
        data = json.dumps(body).encode()
        request = (
            f"POST {path} HTTP/1.1\r\nHost: {self.address[0]}\r\n{self.head}"
            f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n\r\n"
        ).encode() + data
        if self.sock is None:
            self.sock = socket.create_connection(self.address)
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.pending = b""
        self.sock.sendall(request)
        return self._status()

    def _recv(self) -> bytes:
        assert self.sock is not None
        chunk = self.sock.recv(65536)
        if not chunk:
            self.sock = None
            raise ConnectionError("the server closed the connection")
        return chunk

    def _status(self) -> int:
        while b"\r\n\r\n" not in self.pending:
            self.pending += self._recv()
        head, _, rest = self.pending.partition(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        length = 0
        self.server_ms = float("nan")
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            key = name.strip().lower()
            if key == b"content-length":
                length = int(value)
            elif key == b"server-timing" and b"app;dur=" in value:
                self.server_ms = float(value.split(b"app;dur=")[1].split(b",")[0])
        while len(rest) < length:
            rest += self._recv()
        self.pending = rest[length:]
        return int(lines[0].split()[1])


def http_command(base: str, setup: Setup) -> Callable[[int], Callable[[int], bool]]:
    """Per thread, a function logging contribution n over HTTP; True when it was recorded."""

    def for_thread(thread: int) -> Callable[[int], bool]:
        client = KeepAliveClient(base, setup.member)

        def send(n: int) -> bool:
            commitment, _ = setup.commitments[n % len(setup.commitments)]
            path = f"/api/v1/commitments/{commitment}/contributions"
            return client.post_json(path, CONTRIBUTION) == 201

        return send

    return for_thread


def direct_command(app: Coprod, setup: Setup) -> Callable[[int], Callable[[int], bool]]:
    """Per thread, the same command through ``Coprod.log_contribution`` in this process."""

    def for_thread(thread: int) -> Callable[[int], bool]:
        def send(n: int) -> bool:
            commitment, project = setup.commitments[n % len(setup.commitments)]
            app.log_contribution(
                LogContribution(
                    commitment_id=uuid.UUID(commitment),
                    organisation_id=setup.group,
                    project_id=uuid.UUID(project),
                    hours=Decimal("2.5"),
                    people_count=3,
                    phase=CoproductionPhase.CO_DELIVERY,
                    level=CoproductionLevel.GROUP,
                    worked_on=TODAY,
                ),
                setup.member_actor,
            )
            return True

        return send

    return for_thread


# -- load shapes --------------------------------------------------------------------------------


@dataclass
class Result:
    ok: int
    failed: int
    seconds: float
    latencies_ms: list[float]

    @property
    def throughput(self) -> float:
        return self.ok / self.seconds

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies_ms)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def closed_loop(
    make: Callable[[int], Callable[[int], bool]], threads: int, seconds: float
) -> Result:
    """`threads` callers, each sending its next command as soon as the last is answered."""
    counter = iter(range(10**9))
    lock = threading.Lock()
    latencies: list[float] = []
    outcome = {"ok": 0, "failed": 0}
    senders = [make(t) for t in range(threads)]
    start = time.perf_counter()
    stop = start + seconds

    def run(send: Callable[[int], bool]) -> None:
        while time.perf_counter() < stop:
            with lock:
                n = next(counter)
            began = time.perf_counter()
            try:
                ok = send(n)
            except Exception:
                ok = False
            took = (time.perf_counter() - began) * 1000
            with lock:
                outcome["ok" if ok else "failed"] += 1
                latencies.append(took)

    workers = [threading.Thread(target=run, args=(s,)) for s in senders]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return Result(outcome["ok"], outcome["failed"], time.perf_counter() - start, latencies)


def fixed_rate(
    make: Callable[[int], Callable[[int], bool]], rate: float, seconds: float, threads: int
) -> Result:
    """Requests scheduled every 1/rate s; latency counts from the scheduled start."""
    total = max(1, int(rate * seconds))
    counter = iter(range(total))
    lock = threading.Lock()
    latencies: list[float] = []
    outcome = {"ok": 0, "failed": 0}
    senders = [make(t) for t in range(threads)]
    start = time.perf_counter() + 0.05

    def run(send: Callable[[int], bool]) -> None:
        while True:
            with lock:
                n = next(counter, None)
            if n is None:
                return
            due = start + n / rate
            delay = due - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            try:
                ok = send(n)
            except Exception:
                ok = False
            took = (time.perf_counter() - due) * 1000
            with lock:
                outcome["ok" if ok else "failed"] += 1
                latencies.append(took)

    workers = [threading.Thread(target=run, args=(s,)) for s in senders]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return Result(outcome["ok"], outcome["failed"], time.perf_counter() - start, latencies)


@dataclass
class Profile:
    name: str
    by_level: dict[int, Result]
    paced: Result
    rate: float

    @property
    def peak(self) -> float:
        return max(r.throughput for r in self.by_level.values())


def profile(
    name: str, make: Callable[[int], Callable[[int], bool]], levels: list[int], seconds: float
) -> Profile:
    by_level = {}
    for level in levels:
        result = closed_loop(make, level, seconds)
        by_level[level] = result
        print(
            f"  {name:6} c={level:<3} {result.throughput:8.1f} cmd/s  "
            f"p50 {result.percentile(50):6.1f} ms  p95 {result.percentile(95):6.1f} ms  "
            f"failed {result.failed}",
            flush=True,
        )
    best = max(by_level, key=lambda level: by_level[level].throughput)
    rate = by_level[best].throughput / 2
    # Twice the callers the peak needed: enough to keep the schedule, few enough not to
    # turn the GIL and the connection pool into the bottleneck being measured.
    paced = fixed_rate(make, rate, seconds * 2, threads=max(4, 2 * best))
    print(
        f"  {name:6} at {rate:.1f} cmd/s (50 % of peak): p50 {paced.percentile(50):.1f} ms  "
        f"p95 {paced.percentile(95):.1f} ms  p99 {paced.percentile(99):.1f} ms  "
        f"failed {paced.failed}",
        flush=True,
    )
    return Profile(name, by_level, paced, rate)


# -- impact report ------------------------------------------------------------------------------


def impact_report_p95(app: Coprod, base: str, setup: Setup, ballots: int, requests: int) -> None:
    """GET /processes/{id}/impact p95 on a process with `ballots` ballots.

    Seeds a voting process through the bulk ballot path of benchmarks/projection_rebuild.py,
    brings the read models up to date in this process, then times sequential GETs: first
    reports never rendered before (a new ``as_of`` each), then the same "now" report again.
    """
    from benchmarks.projection_rebuild import cast_many, open_vote
    from projections.registry import Projector

    pid, options = open_vote(app, f"impact-{uuid.uuid4().hex[:6]}", council=setup.council)
    cast_many(app, pid, options, 0, ballots)
    Projector(app).catch_up()
    path = IMPACT_PATH.format(process_id=pid)
    # The live report at any as-of is for the council's officers and evaluators (the public
    # reads releases).
    with httpx2.Client(base_url=base, timeout=60, headers=setup.officer) as http:

        def timed(params: dict[str, str]) -> float:
            began = time.perf_counter()
            answer = http.get(path, params=params)
            assert answer.status_code == 200, answer.text
            return (time.perf_counter() - began) * 1000

        # Each distinct as_of is a report never rendered before: the uncached cost.
        start = datetime.now(UTC)
        cold = sorted(
            timed({"as_of": (start + timedelta(microseconds=i)).isoformat()})
            for i in range(max(5, requests // 5))
        )
        # The same "now" report again and again, as a dashboard asks: served from the cache
        # until the read model moves.
        warm = sorted(timed({}) for _ in range(requests))
    for name, latencies in (("uncached", cold), ("repeated", warm)):
        p95 = latencies[min(len(latencies) - 1, int(0.95 * (len(latencies) - 1)))]
        print(
            f"impact report ({ballots} ballots, {name}, {len(latencies)} GETs): "
            f"p50 {statistics.median(latencies):.1f} ms  p95 {p95:.1f} ms"
        )


def server_stack() -> str:
    """The event loop and HTTP parser uvicorn picks ("auto"): they set its CPU per request."""
    from importlib.util import find_spec

    loop = "uvloop" if find_spec("uvloop") else "asyncio"
    parser = "httptools" if find_spec("httptools") else "h11"
    return f"{loop}, {parser}"


# -- main ---------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--levels", default="1,2,4,8,16,32", help="closed-loop concurrencies")
    parser.add_argument("--seconds", type=float, default=5.0, help="per level (paced: twice)")
    parser.add_argument("--projects", type=int, default=8, help="commitments to spread over")
    parser.add_argument(
        "--workers", default="1,2", help="uvicorn worker processes; one server per entry"
    )
    parser.add_argument("--impact-ballots", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=2, help="http/direct rounds; medians shown")
    args = parser.parse_args()
    levels = [int(x) for x in args.levels.split(",")]
    worker_counts = [int(x) for x in args.workers.split(",")]
    server = os.environ.get("COPROD_BENCH_POSTGRES_URL", DEFAULT_SERVER)

    with bench_database(server) as url:
        app = Coprod(parse_database_url(url))
        # the server freezes its start-up heap (api.http.heap); the direct path does the same
        freeze_startup_heap()
        try:
            summary = []
            for workers in worker_counts:
                with uvicorn_server(url, workers) as base:
                    setup = seed(app, base, args.projects, suffix=f"w{workers}")
                    print(
                        f"PostgreSQL {url}; uvicorn workers={workers} ({server_stack()}); "
                        "command: log contribution"
                    )
                    ratio, p95 = compare(app, base, setup, levels, args.seconds, args.runs)
                    summary.append((workers, ratio, p95))
                    if workers == worker_counts[-1]:
                        impact_report_p95(app, base, setup, args.impact_ballots, requests=50)
            for workers, ratio, p95 in summary:
                print(
                    f"workers={workers}: http/direct {ratio:.0%} (target >= 50 %: "
                    f"{'met' if ratio >= 0.5 else 'NOT met'}); http p95 at 50 % of peak "
                    f"{p95:.1f} ms (target < 25 ms: {'met' if p95 < 25 else 'NOT met'})"
                )
        finally:
            app.close()


def compare(
    app: Coprod, base: str, setup: Setup, levels: list[int], seconds: float, runs: int
) -> tuple[float, float]:
    """HTTP and direct profiles, alternated ``runs`` times; the median ratio and HTTP p95."""
    ratios, p95s = [], []
    for run in range(1, runs + 1):
        # http and direct alternate, so a noisy neighbour hits both alike
        http = profile("http", http_command(base, setup), levels, seconds)
        direct = profile("direct", direct_command(app, setup), levels, seconds)
        ratio = http.peak / direct.peak
        p95 = http.paced.percentile(95)
        ratios.append(ratio)
        p95s.append(p95)
        print(
            f"run {run}: peak http {http.peak:.1f} cmd/s, direct {direct.peak:.1f} "
            f"cmd/s; http/direct {ratio:.0%}; http p95 at 50 % of peak {p95:.1f} ms "
            f"(direct {direct.paced.percentile(95):.1f} ms)",
            flush=True,
        )
    ratio, p95 = statistics.median(ratios), statistics.median(p95s)
    print(f"median of {runs} runs: http/direct {ratio:.0%}; http p95 at 50 % of peak {p95:.1f} ms")
    return ratio, p95


if __name__ == "__main__":
    main()
