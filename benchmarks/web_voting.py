"""Voting through the web form on PostgreSQL with 2 server processes (issue 14's benchmark).

    .venv/bin/python benchmarks/web_voting.py
    .venv/bin/python benchmarks/web_voting.py --rate 200 --seconds 20 --threads 16
    COPROD_BENCH_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/postgres ...

In a fresh database ``coprod_bench_<hex>`` (dropped afterwards): a knapsack vote with three
options, and one voting code per ballot to cast. ``uvicorn --workers 2`` serves
``create_app`` in a child process (as ``coprod serve --workers 2``); this process posts the
ballot form (``POST /processes/<id>/vote``, CSRF token and cookie, "Cast my ballot") from
threads with a bare keep-alive client (:class:`http_commands.KeepAliveClient`), each request
with its own code:

1. closed loop (each thread sends its next ballot when the last is answered) for the peak;
2. open loop at a fixed rate (default 200 ballots/s) for the sustained rate and p50/p95/p99,
   measured from each request's scheduled start (queueing counts);
3. after the run: every accepted ballot (answer 200 with a receipt) is in the store exactly
   once and no other ballot is (BallotCast events counted, ballot ids distinct), and each
   accepted code now reads "used".

The load generator shares the machine's cores with the two servers and PostgreSQL.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT), str(ROOT / "benchmarks")]

import httpx2  # noqa: E402
from http_commands import (  # noqa: E402
    DEFAULT_SERVER,
    KeepAliveClient,
    Result,
    bench_database,
    closed_loop,
    fixed_rate,
    uvicorn_server,
)

from api.web.csrf import CSRF_COOKIE, CSRF_FIELD  # noqa: E402
from coprod.adapters.config import parse_database_url  # noqa: E402
from coprod.adapters.masterkey import ENV_KEY, encode_entry, new_key  # noqa: E402
from coprod.application import Coprod  # noqa: E402
from coprod.application.voting_codes import CodeState  # noqa: E402
from coprod.domain.voting import VoteMethod  # noqa: E402
from tests.web.voting_site import codes, open_vote  # noqa: E402

_TOKEN = re.compile(rf'name="{CSRF_FIELD}" value="([^"]+)"')


class FormClient(KeepAliveClient):
    """The keep-alive client, posting a url-encoded form with the visitor's cookie."""

    def post_form(self, path: str, fields: list[tuple[str, str]]) -> int:
        data = urlencode(fields).encode()
        request = (
            f"POST {path} HTTP/1.1\r\nHost: {self.address[0]}\r\n{self.head}"
            "Accept: text/html\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(data)}\r\n\r\n"
        ).encode() + data
        if self.sock is None:
            import socket

            self.sock = socket.create_connection(self.address)
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.pending = b""
        self.sock.sendall(request)
        return self._status()


def visitor(base: str, process_id: str, code: str) -> tuple[str, str]:
    """A browser's CSRF cookie and its form token, from one visit to the vote page."""
    page = httpx2.get(f"{base}/processes/{process_id}/vote", params={"code": code}, timeout=30)
    assert page.status_code == 200, page.text
    found = _TOKEN.search(page.text)
    assert found is not None
    return page.cookies[CSRF_COOKIE], found.group(1)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rate", type=float, default=200.0, help="ballots/s, open loop")
    parser.add_argument("--seconds", type=float, default=20.0, help="open-loop duration")
    parser.add_argument("--peak-seconds", type=float, default=8.0, help="closed-loop duration")
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    server = os.environ.get("COPROD_BENCH_POSTGRES_URL", DEFAULT_SERVER)
    # the code pseudonyms' keys are wrapped under a master key; a throwaway one for the run
    os.environ.setdefault(ENV_KEY, encode_entry(1, new_key()))
    with bench_database(server) as url:
        app = Coprod(parse_database_url(url))
        try:
            run(app, url, args)
        finally:
            app.close()


def run(app: Coprod, url: str, args: argparse.Namespace) -> None:
    process, options = open_vote(app, VoteMethod.KNAPSACK)
    budget = int(args.rate * args.seconds * 1.1) + 2000 * int(args.peak_seconds) + 10
    made = list(codes(app, process, budget))
    accepted: list[str] = []
    lock = threading.Lock()
    position = iter(range(len(made)))
    ballot = [("approve", str(options[1])), ("approve", str(options[2])), ("action", "cast")]
    with uvicorn_server(url, args.workers) as base:
        cookie, token = visitor(base, str(process), made[-1])
        path = f"/processes/{process}/vote"

        def make(_thread: int) -> Callable[[int], bool]:
            client = FormClient(base, {"Cookie": f"{CSRF_COOKIE}={cookie}"})

            def send(_n: int) -> bool:
                with lock:
                    code = made[next(position)]
                fields = [(CSRF_FIELD, token), ("code", code), *ballot]
                ok = client.post_form(path, fields) == 200
                if ok:
                    with lock:
                        accepted.append(code)
                return ok

            return send

        peak = closed_loop(make, args.threads, args.peak_seconds)
        report(f"closed loop, {args.threads} threads", peak)
        paced = fixed_rate(make, args.rate, args.seconds, args.threads)
        report(f"open loop at {args.rate:.0f} ballots/s", paced)
    check_counted(app, process, accepted)
    met = paced.throughput >= 0.98 * args.rate and paced.percentile(95) < 100
    print(
        f"target 200 ballots/s sustained with p95 < 100 ms: {'met' if met else 'NOT met'} "
        f"({paced.throughput:.0f}/s, p95 {paced.percentile(95):.1f} ms, "
        f"peak {peak.throughput:.0f}/s)"
    )


def report(name: str, result: Result) -> None:
    print(
        f"{name}: {result.ok} accepted, {result.failed} failed in {result.seconds:.1f} s = "
        f"{result.throughput:.0f} ballots/s; p50 {result.percentile(50):.1f} ms, "
        f"p95 {result.percentile(95):.1f} ms, p99 {result.percentile(99):.1f} ms"
    )


def check_counted(app: Coprod, process: object, accepted: list[str]) -> None:
    """Every accepted ballot stored once, nothing else stored, every accepted code used."""
    ids = []
    start = 1
    while True:
        page = app.recorder.select_notifications(start, 10_000)
        if not page:
            break
        ids += [n.originator_id for n in page if n.topic.endswith("Ballot.BallotCast")]
        start = page[-1].id + 1
    assert len(ids) == len(set(ids)), "a ballot was stored twice"
    assert len(ids) == len(accepted), f"{len(accepted)} accepted but {len(ids)} stored"
    unused = [c for c in accepted if app.voting_code_state(process, c) is not CodeState.USED]  # type: ignore[arg-type]
    assert not unused, f"{len(unused)} accepted codes have no ballot"
    print(f"after the run: {len(accepted)} accepted ballots, {len(ids)} stored, each once")


if __name__ == "__main__":
    main()
