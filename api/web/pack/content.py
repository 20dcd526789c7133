"""The report pack's content: one language-neutral value read from a release.

Why one value: the HTML, PDF, workbook and CSV writers all draw from :class:`Pack`, so they
cannot disagree on a number, and none of them parses the release's JSON again. Cells keep
the published numbers exactly (``Decimal`` or ``int``), their kind (share, money, count or
other number, or text) and the reason a cell is hidden; each writer formats them for its
reader. Titles and column names stay the report's stable keys (see api.web.impact_labels).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any
from uuid import UUID

from api.web.cells import number
from api.web.impact_labels import CHARTS, MONEY, SHARES, stem
from api.web.published import latest_release
from coprod.application import Coprod
from coprod.domain.errors import NotFound
from coprod.domain.release import Release

__all__ = ["Kind", "Pack", "PackCell", "PackTable", "Parameter", "build_pack", "find_release"]


class Kind(StrEnum):
    """What a cell holds, which decides its format in every writer."""

    SHARE = "share"
    MONEY = "money"
    COUNT = "count"
    NUMBER = "number"
    TEXT = "text"
    EMPTY = "empty"


@dataclass(frozen=True)
class PackCell:
    """One published cell: its value as published, its kind, and why it is hidden if it is."""

    value: Decimal | int | str | None
    kind: Kind
    suppressed: str | None = None

    @property
    def numeric(self) -> bool:
        return self.kind in (Kind.SHARE, Kind.MONEY, Kind.COUNT, Kind.NUMBER)


@dataclass(frozen=True)
class PackTable:
    """One published table: its key (title), definition, disclosure and typed rows."""

    title: str
    definition: str
    k: int
    method: str
    columns: tuple[str, ...]
    rows: tuple[tuple[PackCell, ...], ...]

    @property
    def chart(self) -> tuple[int, int] | None:
        """(label column, value column) indexes when the table is drawn as a bar chart."""
        spec = CHARTS.get(stem(self.title))
        if spec is None or not all(c in self.columns for c in spec):
            return None
        return self.columns.index(spec[0]), self.columns.index(spec[1])

    @property
    def has_hidden(self) -> bool:
        return any(c.suppressed for row in self.rows for c in row)


@dataclass(frozen=True)
class Parameter:
    """A reference parameter the figures used (census shares, volunteer rates) and its source."""

    name: str
    origin: str
    source: str
    reference_year: int | None
    loaded_at: str | None
    values: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Pack:
    """Everything a report pack states: the release, its provenance and its tables."""

    process_id: UUID
    name: str
    currency: str
    release: int
    position: int
    published_at: datetime
    as_of: datetime
    figures_sha256: str
    counted_sha256: str
    chain_head: str | None
    note: str | None
    k: int
    method: str
    parameters: tuple[Parameter, ...]
    notes: tuple[str, ...]
    tables: tuple[PackTable, ...]


def find_release(app: Coprod, process_id: UUID, number: int | None = None) -> Release:
    """Release `number` of the process, or its latest; NotFound names what is missing."""
    app.get_process(process_id)  # an unknown process says so, not "no release"
    chosen = latest_release(app, process_id, number)
    if chosen is None:
        what = "release" if number is None else f"release {number}"
        raise NotFound(f"{what} of process", process_id)
    return chosen


def build_pack(release: Release) -> Pack:
    """The pack of `release`, its figures read exactly as published."""
    figures: dict[str, Any] = json.loads(release.figures)
    return Pack(
        process_id=UUID(str(figures["process_id"])),
        name=str(figures.get("name", "")),
        currency=str(figures.get("currency", "")),
        release=release.number,
        position=release.position,
        published_at=release.published_at,
        as_of=release.as_of,
        figures_sha256=release.figures_sha256,
        counted_sha256=release.counted_sha256,
        chain_head=release.chain_head,
        note=release.note,
        k=int(figures.get("k", 0)),
        method=str(figures.get("method", "")),
        parameters=tuple(_parameter(p) for p in figures.get("parameters", [])),
        notes=tuple(str(n) for n in figures.get("notes", [])),
        tables=tuple(_table(t) for t in figures.get("tables", [])),
    )


def _parameter(data: dict[str, Any]) -> Parameter:
    values = data.get("values") or {}
    return Parameter(
        name=str(data.get("name", "")),
        origin=str(data.get("origin", "")),
        source=str(data.get("source", "")),
        reference_year=data.get("reference_year"),
        loaded_at=None if data.get("loaded_at") is None else str(data["loaded_at"]),
        values=tuple((str(k), str(v)) for k, v in values.items()),
    )


def _table(data: dict[str, Any]) -> PackTable:
    columns = tuple(str(c) for c in data["columns"])
    return PackTable(
        title=str(data["title"]),
        definition=str(data.get("definition", "")),
        k=int(data.get("k", 0)),
        method=str(data.get("method", "")),
        columns=columns,
        rows=tuple(tuple(_cell(row, c) for c in columns) for row in data["rows"]),
    )


def _cell(row: dict[str, Any], column: str) -> PackCell:
    """A published cell typed by its column (shares, money) and its value (counts are ints)."""
    value, reason = row.get(column), row.get(f"{column}_suppressed")
    if reason:
        return PackCell(None, _numeric_kind(column, None), str(reason))
    if value is None:
        return PackCell(None, Kind.EMPTY)
    parsed = number(value)
    if parsed is None:
        return PackCell(str(value), Kind.TEXT)
    kind = _numeric_kind(column, value)
    return PackCell(value if kind is Kind.COUNT else parsed, kind)


def _numeric_kind(column: str, value: Any) -> Kind:
    if column in SHARES:
        return Kind.SHARE
    if column in MONEY:
        return Kind.MONEY
    if isinstance(value, int) and not isinstance(value, bool):
        return Kind.COUNT
    return Kind.NUMBER
