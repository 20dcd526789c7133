"""The export carries the event chain, and docs/verify_chain.py checks it without coprod.

The script runs in a subprocess, isolated from coprod: for CSV with no site-packages at all
(`python -I -S`, so only the standard library), for Parquet with pyarrow available.
"""

from __future__ import annotations

import base64
import csv
import json
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from coprod.adapters.chain import chain_head
from coprod.adapters.config import parse_database_url
from coprod.application import Coprod
from coprod.application.commands.processes import OpenProcess
from coprod.domain.process import Process, ProcessKind
from coprod.domain.values import Actor, Role
from projections.export import export
from projections.registry import Projector
from tests.integration.test_event_chain import _sql

SCRIPT = Path(__file__).resolve().parents[2] / "docs" / "verify_chain.py"
COUNCIL = uuid.uuid4()
OFFICER = Actor(uuid.uuid4(), Role.COUNCIL_OFFICER, COUNCIL)


@pytest.fixture(params=["sqlite", "postgres"])
def url(request: pytest.FixtureRequest) -> str:
    name = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    return str(request.getfixturevalue(name))


@pytest.fixture
def app(url: str) -> Iterator[Coprod]:
    with Coprod(parse_database_url(url)) as application:
        for i in range(3):
            application.open_process(
                OpenProcess(council_id=COUNCIL, code=f"C{i}", name=f"Process {i}", currency="EUR"),
                OFFICER,
            )
        # A Pabulib-style batch straight to the recorder, with awkward text for CSV.
        bulk = [
            Process.open(
                OFFICER, COUNCIL, f"B{i}", f'Bulk "{i}", ; żółw', ProcessKind.PB_CYCLE, "EUR"
            )
            for i in range(5)
        ]
        events = [e for p in bulk for e in p.collect_events()]
        application.recorder.insert_events([application.mapper.to_stored_event(e) for e in events])
        with Projector(application) as projector:
            projector.catch_up()
        yield application


def _check(directory: Path, fmt: str) -> subprocess.CompletedProcess[str]:
    flags = ["-I", "-S"] if fmt == "csv" else ["-I"]
    return subprocess.run(
        [sys.executable, *flags, str(SCRIPT), str(directory)],
        capture_output=True,
        text=True,
        cwd=directory.parent,
        check=False,
    )


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_an_intact_export_verifies_offline_to_the_stores_head(
    app: Coprod, url: str, tmp_path: Path, fmt: str
) -> None:
    manifest = export(tmp_path / "out", fmt, parse_database_url(url))
    head = chain_head(app)
    assert manifest["chain"]["head"] == head.hash
    assert manifest["chain"]["head_position"] == head.position == manifest["log_position"]
    assert {"file": f"event_chain.{fmt}", "table": "event_chain", "rows": 8} in manifest["files"]
    done = _check(tmp_path / "out", fmt)
    assert done.returncode == 0, done.stderr
    assert head.hash in done.stdout
    assert "8 events" in done.stdout


def test_a_tampered_export_file_is_caught_offline(app: Coprod, url: str, tmp_path: Path) -> None:
    export(tmp_path / "out", "csv", parse_database_url(url))
    path = tmp_path / "out" / "event_chain.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows: list[dict[str, Any]] = list(csv.DictReader(handle))
    state = bytearray(base64.b64decode(rows[4]["state"]))
    state[2] ^= 0x20
    rows[4]["state"] = base64.b64encode(bytes(state)).decode()
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    done = _check(tmp_path / "out", "csv")
    assert done.returncode == 1
    assert f"event {rows[4]['position']} (originator {rows[4]['originator_id']}" in done.stderr


def test_a_cut_export_does_not_reach_the_manifests_head(
    app: Coprod, url: str, tmp_path: Path
) -> None:
    export(tmp_path / "out", "csv", parse_database_url(url))
    path = tmp_path / "out" / "event_chain.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:-1]), encoding="utf-8")
    done = _check(tmp_path / "out", "csv")
    assert done.returncode == 1
    assert "not the manifest's head" in done.stderr


def test_an_export_of_a_tampered_store_fails_offline(app: Coprod, url: str, tmp_path: Path) -> None:
    target = app.recorder.select_notifications(2, 1)[0]
    _sql(url, "UPDATE events SET state = ? WHERE notification_id = ?", (target.state + b" ", 2))
    manifest = export(tmp_path / "out", "parquet", parse_database_url(url))
    done = _check(tmp_path / "out", "parquet")
    assert done.returncode == 1
    assert f"event 2 (originator {target.originator_id}" in done.stderr
    assert (
        json.loads((tmp_path / "out" / "manifest.json").read_text())["chain"] == manifest["chain"]
    )
