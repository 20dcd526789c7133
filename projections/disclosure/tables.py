"""The published shapes: one figure (:class:`Cell`) and one table of them (:class:`ProtectedTable`).

Why: a hidden figure must carry no value at all, so that no later step can leak it by
mistake, and every table carries the k and method text it was protected with.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from coprod.domain.errors import InvalidInput
from projections.disclosure.policy import REASONS


@dataclass(frozen=True)
class Cell:
    """One published figure; a hidden one keeps no value, so it cannot leak by mistake."""

    value: int | Decimal | None
    suppressed: str | None = None  # None, "primary", "secondary", "small-base" or "withheld"

    def __post_init__(self) -> None:
        if self.suppressed is None:
            return
        if self.suppressed not in REASONS:
            raise InvalidInput("suppressed", f"must be one of {', '.join(REASONS)}")
        if self.value is not None:
            raise InvalidInput("value", "a suppressed cell carries no value")


@dataclass(frozen=True)
class ProtectedTable:
    """One published table: rows of labelled cells, plus the k and method used."""

    title: str
    k: int
    method: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str | Cell, ...], ...]

    def __post_init__(self) -> None:
        for number, row in enumerate(self.rows):
            if len(row) != len(self.columns):
                raise InvalidInput(
                    "rows",
                    f"row {number} of {self.title!r} has {len(row)} entries "
                    f"for {len(self.columns)} columns",
                )

    def as_dicts(self) -> list[dict[str, object]]:
        """JSON-ready rows; every column that holds cells gets a ``<column>_suppressed`` key.

        The key is present on every row (None where the cell is shown), so the rows have one
        shape and load into a data frame or a CSV without gaps. Decimals stay Decimals: the
        caller chooses how to write them (the impact report writes strings, never floats).
        """
        cell_columns = {
            column
            for row in self.rows
            for column, entry in zip(self.columns, row, strict=True)
            if isinstance(entry, Cell)
        }
        result: list[dict[str, object]] = []
        for row in self.rows:
            record: dict[str, object] = {}
            for column, entry in zip(self.columns, row, strict=True):
                if isinstance(entry, Cell):
                    record[column] = entry.value
                    record[f"{column}_suppressed"] = entry.suppressed
                else:
                    record[column] = entry
                    if column in cell_columns:
                        record[f"{column}_suppressed"] = None
            result.append(record)
        return result
