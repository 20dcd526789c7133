"""``coprod serve --workers N``: several server processes on PostgreSQL, refused where unsafe;
the API command of docker-compose.yml run as written."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx2
import pytest
import yaml
from typer.testing import CliRunner

from api.cli.main import cli

COPROD = str(Path(sys.executable).parent / "coprod")


def _serve(url: str, *args: str) -> tuple[int, str]:
    """The real command, as a user runs it (refusals are printed by ``api.cli.main.main``)."""
    env = {**os.environ, "COPROD_DATABASE_URL": url}
    done = subprocess.run(
        [COPROD, "serve", *args], env=env, capture_output=True, text=True, timeout=60
    )
    return done.returncode, done.stderr + done.stdout


def test_several_workers_on_sqlite_are_refused_with_the_reason(sqlite_url: str) -> None:
    code, out = _serve(sqlite_url, "--workers", "2")
    assert code == 2
    assert "several server processes need PostgreSQL" in out
    assert "Traceback" not in out


@pytest.mark.postgres
def test_several_workers_with_an_in_process_projection_worker_are_refused(
    postgres_url: str,
) -> None:
    code, out = _serve(postgres_url, "--workers", "2", "--worker")
    assert code == 2
    assert "run `coprod project` beside them" in out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def _server(url: str, *args: str) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """``coprod serve ARGS`` until it answers /health (on ARGS' --port, or a free one)."""
    if "--port" in args:
        port = int(args[args.index("--port") + 1])
    else:
        port = _free_port()
        args = ("--port", str(port), *args)
    env = {**os.environ, "COPROD_DATABASE_URL": url}
    command = [COPROD, "serve", *args]
    server = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx2.get(f"{base}/api/v1/health", timeout=1).status_code == 200:
                    break
            except httpx2.TransportError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                output = server.communicate()[0].decode(errors="replace")
                raise AssertionError(f"coprod serve did not start:\n{output}")
            time.sleep(0.2)
        yield base, server
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _compose_api_command(port: int) -> list[str]:
    """The API service's command from docker-compose.yml, on this machine's loopback."""
    compose = yaml.safe_load((Path(__file__).parents[2] / "docker-compose.yml").read_text())
    command = list(compose["services"]["api"]["command"])
    command[command.index("--host") + 1] = "127.0.0.1"
    command[command.index("--port") + 1] = str(port)
    return command


@pytest.mark.postgres
@pytest.mark.slow
def test_the_compose_api_command_seeds_the_demo_once_and_serves_from_two_processes(
    postgres_url: str,
) -> None:
    """docker-compose.yml's API command, run as written (no Docker here): two processes."""
    command = _compose_api_command(_free_port())
    assert command[0] == "serve"
    with _server(postgres_url, *command[1:]) as (base, server):
        caught_up = CliRunner().invoke(
            cli, ["project", "--once"], env={"COPROD_DATABASE_URL": postgres_url}
        )
        assert caught_up.exit_code == 0, caught_up.output
        with httpx2.Client(base_url=base, timeout=10) as http:
            # Fresh connections, so the kernel spreads them over both processes.
            answers = [
                http.get("/api/v1/processes", headers={"Connection": "close"}) for _ in range(8)
            ]
            pid = next(
                p["id"]
                for p in answers[0].json()["items"]
                if p["name"] == "Demo City participatory budget"
            )
            # The demo publishes a release, so the public (no key) reads its impact report.
            public_impact = http.get(f"/api/v1/processes/{pid}/impact")
    assert public_impact.status_code == 200, public_impact.text
    output = server.communicate(timeout=20)[0].decode(errors="replace")
    assert [a.status_code for a in answers] == [200] * 8
    # the demo's two processes (one delivering, one voting), seeded once
    assert {len(a.json()["items"]) for a in answers} == {2}
    assert output.count("Demo seeded") == 1
    assert output.count("Started server process") == 2
