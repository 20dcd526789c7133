"""The open-standard exports of the demo (issue 15's benchmark: each under 5 s), both stores.

    .venv/bin/python benchmarks/open_data.py

Seeds the demo into a fresh SQLite file and a fresh PostgreSQL database (tests/postgres_server.py:
``COPROD_TEST_DATABASE_URL``, else 127.0.0.1:5432), publishes its release, brings the read
models up to date, then times each export as a user runs it (the log read to the release's
position, the document built and serialised): OCDS and 360Giving of the demo's process, PROV
(PROV-JSON and PROV-N) of every funded project. Medians of 5 runs.
"""

from __future__ import annotations

import base64
import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

# PostgreSQL needs a master key for the personal-data store: a throwaway one
os.environ.setdefault("COPROD_SECRET_KEY", "1:" + base64.b64encode(os.urandom(32)).decode())

from timing import median_time  # noqa: E402

from api.cli.serve import DEMO_SEED, publish_demo_release  # noqa: E402
from api.demo import demo_process_id, seed_demo  # noqa: E402
from coprod.adapters.config import parse_database_url  # noqa: E402
from coprod.application import Coprod  # noqa: E402
from projections.open_data import (  # noqa: E402
    ProcessSnapshot,
    export_position,
    ocds_release_package,
    project_provenance,
    three_sixty_giving,
)
from projections.store import Connection  # noqa: E402
from tests.postgres_server import fresh_database, postgres_server  # noqa: E402

TARGET_S = 5.0


def run(name: str, url: str) -> None:
    with Coprod(parse_database_url(url)) as app:
        seed_demo(app, seed=DEMO_SEED)
        pid = demo_process_id(DEMO_SEED)
        publish_demo_release(app, pid)
        events = app.recorder.max_notification_id()

        def snapshot() -> ProcessSnapshot:
            position = export_position(app, pid, release=None, current=False)
            return ProcessSnapshot.read(app, pid, position)

        ocds, _ = median_time(lambda: json.dumps(ocds_release_package(snapshot())), 5)
        grants, _ = median_time(lambda: json.dumps(three_sixty_giving(snapshot())), 5)
        projects = [p.id for p in snapshot().projects]
        with Connection(parse_database_url(url)) as conn:

            def prov() -> None:
                for project in projects:
                    document = project_provenance(project, conn=conn)
                    document.serialize(format="json")
                    document.get_provn()

            provenance, _ = median_time(prov, 5)
    print(f"{name}: demo log of {events} events, {len(projects)} funded projects")
    for label, took in (
        ("OCDS release package", ocds),
        ("360Giving package", grants),
        (f"PROV-JSON + PROV-N of all {len(projects)} projects", provenance),
    ):
        verdict = "met" if took < TARGET_S else "NOT met"
        print(f"  {label}: median {took * 1000:.1f} ms (target < {TARGET_S:.0f} s: {verdict})")


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        run("sqlite", f"sqlite:///{folder}/demo.sqlite")
    with postgres_server() as server, fresh_database(server) as database:
        run("postgres", database)


if __name__ == "__main__":
    main()
