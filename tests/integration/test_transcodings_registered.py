"""Any event in the store can be read whatever the reader imported first.

The Pabulib provenance event carries a ``pabulib_identity``, a type declared in
coprod.domain.pabulib_source; a reader that never imported the importer
(coprod.standards.pabulib: ``events_frame()`` in a fresh analysis session) must still decode it. Import order is the point, so the read runs
in a fresh interpreter on each store.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

from coprod.adapters.config import parse_database_url
from coprod.adapters.transcodings import STORED_MODULES, TOPIC_MODULES
from coprod.application import Coprod
from coprod.standards.pabulib import import_file
from tests.unit.test_pabulib_parser import APPROVAL

SRC = Path(__file__).resolve().parents[2] / "src"

READ = """
import json, sys
from projections.analytics import events_frame
assert "coprod.standards.pabulib" not in sys.modules, "the reader must not have imported the importer"
frame = events_frame()
started = frame[frame["topic"].str.endswith("PabulibSource.FileImportStarted")]
print(json.dumps({"rows": len(frame), "identity": json.loads(started.iloc[0]["payload"])}))
"""


def test_events_frame_after_a_pabulib_import_in_a_fresh_interpreter(
    store_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "tiny.pb"
    path.write_text(APPROVAL, encoding="utf-8")
    with Coprod(parse_database_url(store_url)) as app:
        result = import_file(app, path, use_checker=False)
    env = os.environ | {"COPROD_DATABASE_URL": store_url}
    done = subprocess.run(
        [sys.executable, "-c", READ], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["rows"] == result.events
    assert answer["identity"]["identity"]["unit"] == "Testowo"


def _declares_stored_types(path: Path) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            for decorator in node.decorator_list:
                call = decorator.func if isinstance(decorator, ast.Call) else decorator
                if isinstance(call, ast.Name) and call.id == "stored_as":
                    return True
    return False


def test_every_module_declaring_a_stored_type_is_registered_by_register_all() -> None:
    declaring = {
        ".".join(path.relative_to(SRC).with_suffix("").parts)
        for path in SRC.rglob("*.py")
        if _declares_stored_types(path)
    }
    assert "coprod.domain.pabulib_source" in declaring
    assert declaring == set(STORED_MODULES)


def test_every_module_pinning_stored_topics_is_imported_by_register_all() -> None:
    """A module that pins topics must be loaded before a reader resolves a stored topic."""
    pinning = {
        ".".join(path.relative_to(SRC).with_suffix("").parts)
        for path in SRC.rglob("*.py")
        if "\nkeep_stored_topics(" in path.read_text()
    }
    assert "coprod.domain.proposal" in pinning
    assert pinning == set(TOPIC_MODULES)
