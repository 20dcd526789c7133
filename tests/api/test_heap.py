"""A serving process freezes its start-up heap once, so full collections do not pause requests.

Run in a fresh interpreter: the test process itself may already have frozen its heap when
an earlier test started an app.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = textwrap.dedent(
    """
    import gc, sys
    from fastapi.testclient import TestClient
    from api.http.app import create_app
    from coprod.adapters.config import parse_database_url

    assert gc.get_freeze_count() == 0
    with TestClient(create_app(parse_database_url(f"sqlite:///{sys.argv[1]}/a.sqlite"))) as c:
        assert c.get("/api/v1/health").status_code == 200
        frozen = gc.get_freeze_count()
        # What the app built at start-up is frozen: a full collection walks only the rest
        walked = len(gc.get_objects())
    with TestClient(create_app(parse_database_url(f"sqlite:///{sys.argv[1]}/b.sqlite"))):
        again = gc.get_freeze_count()
    print(frozen, again, walked)
    """
)


def test_the_first_app_in_a_process_freezes_its_startup_heap_and_later_ones_do_not(
    tmp_path: Path,
) -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    frozen, again, walked = map(int, done.stdout.split())
    # FastAPI, pydantic, pandas and the routes alone are well over 50,000 objects
    assert frozen > 50_000
    assert walked < frozen / 4
    # the second app froze nothing more (frozen objects may since have been freed)
    assert again <= frozen
