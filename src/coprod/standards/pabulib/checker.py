"""pabulib-checker (Pabulib's own validator) as a second opinion on a file.

It reads the whole file into memory (fine up to the ~5 MB files Pabulib has) and prints to
stdout, which is captured here. Its `verify_selected` step recomputes the declared rule; with
Method of Equal Shares that takes 15-30 s on a 6,000-ballot file, and an import records the
city's own decisions rather than recomputing them, so imports skip that step by default.
"""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class CheckReport:
    """The checker's findings, one line each ("kind: detail")."""

    errors: tuple[str, ...]
    warnings: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.errors


def check_file(path: Path, *, verify_selected: bool = False) -> CheckReport:
    """Run pabulib-checker 1.0.x on one file; `verify_selected` also recomputes the outcome."""
    from pabulib.checker import Checker  # type: ignore[import-untyped]

    checker: Any = Checker() if verify_selected else _without_selected(Checker)()
    # The checker opens files as plain UTF-8 and splits on "\n": a BOM would reach it as part
    # of the first line ("data row before any section header"). Give it the text as the
    # format allows it to be (BOM dropped, CRLF as LF), as coprod's own parser reads it.
    text = path.read_text(encoding="utf-8-sig").replace("\r\n", "\n")
    with contextlib.redirect_stdout(io.StringIO()):
        results: dict[str, Any] = checker.process_files([text])
    per_file = [v for k, v in results.items() if k not in ("metadata", "summary")]
    found: dict[str, Any] = per_file[0].get("results", {}) if per_file else {}
    return CheckReport(_lines(found.get("errors", {})), _lines(found.get("warnings", {})))


def _without_selected(base: type) -> type:
    class StructuralChecker(base):  # type: ignore[misc, valid-type]
        """The checker minus the outcome recomputation (see the module docstring)."""

        def verify_selected(self) -> None:
            return None

    return StructuralChecker


def _lines(by_kind: dict[str, dict[Any, str]]) -> tuple[str, ...]:
    return tuple(
        f"{kind}: {detail}" for kind, items in by_kind.items() for detail in items.values()
    )
