"""The read-side kernel is the mechanism only: it imports no read model and no registry.

Why: projections/runner.py used to hold the registry of every read model, so the mechanism
imported its policies and a new model meant editing the runner. The registry now lives in
projections/registry.py; this test keeps the kernel from growing that dependency back.
"""

from __future__ import annotations

import ast
from pathlib import Path

import projections.kernel

#: What the kernel may use of the read side: itself and the shared infrastructure.
ALLOWED = (
    "projections.kernel",
    "projections.store",
    "projections.quarantine",
    "projections.log_reader",
)


def test_the_kernel_imports_no_read_model() -> None:
    offending = []
    for path in sorted(Path(projections.kernel.__file__).parent.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            for name in names:
                if name.startswith("projections") and not name.startswith(ALLOWED):
                    offending.append(f"{path.name}: {name}")
    assert not offending
