"""The rooms keep their doors: the import-linter contracts pass, and loading the write side
(domain and application) pulls in no web, driver or data-frame library even transitively."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NEVER_LOADED_BY_THE_WRITE_SIDE = {
    "api",
    "projections",
    "fastapi",
    "starlette",
    "uvicorn",
    "psycopg",
    "pandas",
}


def test_import_linter_contracts_are_kept() -> None:
    """The contracts live in pyproject.toml; CI runs the same command."""
    linter = Path(sys.executable).with_name("lint-imports")
    out = subprocess.run(
        [str(linter), "--config", str(ROOT / "pyproject.toml")],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "0 broken" in out.stdout


def test_loading_the_domain_and_application_loads_no_driver_or_web_code() -> None:
    """Transitively too: load every domain and application module in a clean interpreter."""
    script = (
        "import importlib, pkgutil, sys\n"
        "import coprod.domain, coprod.application\n"
        "for pkg in (coprod.domain, coprod.application):\n"
        "    for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.'):\n"
        "        importlib.import_module(m.name)\n"
        "print(' '.join(sorted({n.split('.')[0] for n in sys.modules})))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    loaded = set(out.stdout.split())
    assert "coprod" in loaded
    assert loaded & NEVER_LOADED_BY_THE_WRITE_SIDE == set()


def test_no_import_inside_a_function_hides_a_cycle() -> None:
    """A first-party import inside a function is how a cycle hides; the rooms need none."""
    import ast

    found = []
    for folder in ("src/coprod", "projections", "api"):
        for path in (ROOT / folder).rglob("*.py"):
            tree = ast.parse(path.read_text(), filename=str(path))
            for func in ast.walk(tree):
                if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
                    continue
                for node in ast.walk(func):
                    if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in (
                        "coprod",
                        "projections",
                        "api",
                    ):
                        found.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.module}")
    assert found == [], "move these imports to the top of the module: " + ", ".join(found)
