"""The size budgets of the product code (issue 12), checked on every CI run.

No module over 500 lines, no function over 60, no public function with more than 6
parameters: past these sizes a newcomer cannot hold a piece in their head, and a long
positional signature hides which value goes where. Tests and benchmarks are exempt.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = ("src", "projections", "api")
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 60
MAX_PUBLIC_PARAMETERS = 6


def _parameters(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    args = node.args
    named = [a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)]
    count = len([name for name in named if name not in ("self", "cls")])
    return count + (args.vararg is not None) + (args.kwarg is not None)


def offenders() -> dict[tuple[str, str, str], str]:
    """Every piece of product code over a budget, keyed (path, kind, name) with a message."""
    found: dict[tuple[str, str, str], str] = {}
    for top in PRODUCT:
        for path in sorted((ROOT / top).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            text = path.read_text(encoding="utf-8")
            lines = len(text.splitlines())
            if lines > MAX_MODULE_LINES:
                found[(rel, "module", "")] = f"{rel}: {lines} lines"
            for node in ast.walk(ast.parse(text)):
                if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    continue
                where = f"{rel}:{node.lineno} {node.name}"
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    found[(rel, "function", node.name)] = f"{where}: {length} lines"
                params = _parameters(node)
                if not node.name.startswith("_") and params > MAX_PUBLIC_PARAMETERS:
                    found[(rel, "parameters", node.name)] = f"{where}: {params} parameters"
    return found


def test_no_product_code_over_budget() -> None:
    found = offenders()
    assert not found, "over budget (split it):\n" + "\n".join(sorted(found.values()))


def test_the_budget_check_sees_an_offender(tmp_path: Path) -> None:
    """The checker itself: a long function with many parameters is found."""
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_FUNCTION_LINES))
    source = f"def wide(a, b, c, d, e, f, g):\n{body}\n"
    node = ast.parse(source).body[0]
    assert isinstance(node, ast.FunctionDef)
    assert _parameters(node) == 7
    assert (node.end_lineno or 0) - node.lineno + 1 > MAX_FUNCTION_LINES
