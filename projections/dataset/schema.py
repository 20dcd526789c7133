"""The shape of the evaluator's dataset: a table, its columns, how ids and codes are written."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

__all__ = ["ID", "Column", "Table", "codes"]

#: How every id is written: a UUID, lower case, with hyphens.
ID = "UUID (36 characters, lower case, with hyphens), the same form in every table"


def codes(enum: type[Enum]) -> str:
    """The values a coded column takes, from the domain's own list."""
    return " | ".join(str(member.value) for member in enum)


@dataclass(frozen=True)
class Column:
    """One column: its pandas dtype, what it means, and its unit or its codes."""

    name: str
    dtype: str
    meaning: str
    unit: str = ""


@dataclass(frozen=True)
class Table:
    """One tidy table: one row per `row` (what a row is), its columns in order."""

    name: str
    row: str
    columns: tuple[Column, ...]
