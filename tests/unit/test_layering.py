"""Imports point one way: api -> projections -> coprod; coprod imports no web, driver or pandas."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN_IN_COPROD = {
    "api",
    "projections",
    "fastapi",
    "starlette",
    "uvicorn",
    "psycopg",
    "pandas",
    "sqlite3",
}
FORBIDDEN_IN_PROJECTIONS = {"api", "fastapi", "starlette", "uvicorn"}


def _imported_roots(folder: Path) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in folder.rglob("*.py"):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                found.setdefault(name.split(".")[0], set()).add(str(path.relative_to(ROOT)))
    return found


def test_coprod_source_imports_no_upper_layer_or_driver() -> None:
    imported = _imported_roots(ROOT / "src" / "coprod")
    bad = {name: files for name, files in imported.items() if name in FORBIDDEN_IN_COPROD}
    assert bad == {}


def test_projections_do_not_import_the_api() -> None:
    imported = _imported_roots(ROOT / "projections")
    bad = {name: files for name, files in imported.items() if name in FORBIDDEN_IN_PROJECTIONS}
    assert bad == {}


def test_importing_every_coprod_module_loads_no_driver_or_web_code() -> None:
    """Transitively too: load all of coprod in a clean interpreter and look at sys.modules."""
    script = (
        "import importlib, pkgutil, sys, coprod\n"
        "for m in pkgutil.walk_packages(coprod.__path__, 'coprod.'): importlib.import_module(m.name)\n"
        "print(' '.join(sorted({n.split('.')[0] for n in sys.modules})))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    loaded = set(out.stdout.split())
    assert "coprod" in loaded
    assert loaded & (FORBIDDEN_IN_COPROD - {"sqlite3"}) == set()
