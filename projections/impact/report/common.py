"""What the impact report is made of: its result types, constants, notes and cell helpers."""

from __future__ import annotations

import statistics
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any
from uuid import UUID

from projections.disclosure import (
    Cell,
    ProtectedTable,
    protect_rate,
)
from projections.impact.definitions import definition_of

_FOREVER = 2**62


_PLACES = Decimal("0.000001")


NOT_STATED = "not stated"


HORIZONS = (12, 24, 36)


DEFAULT_BACKLOG_MONTHS = 6


DIMENSIONS = ("age_band", "sex", "area", "deprivation_quintile")


#: Method text of every breakdown of a published total, also one of the NOTES.
BREAKDOWN_NOTE = (
    "Breakdowns of a published total (voters V by age band, sex, area and deprivation "
    "quintile; people in counted contribution logs by phase, level, project and area) are "
    "protected so that no hidden count follows from that total, from the other tables "
    "(a quintile is the sum of its areas, an area of its projects), from the shares shown, "
    "or from a log having at least one person and at most 24 hours per person. The total "
    "stays published; where hiding counts cannot protect a breakdown, or the total is itself "
    "hidden (below k), the whole breakdown is withheld: its counts, zeros included, and its "
    "shares are hidden as 'withheld'. The stated count, base of p_g, RR_g, gap and D, is "
    "shown only when the 'not stated' count is, or every stated group's (it is V minus the "
    "one and the sum of the others)."
)


NOTES = (
    "F (PB-decided funds) = sum of the amounts of decisions in force with a funding outcome; "
    "a claw-back leaves the granted amount minus the sum reclaimed, keeps the project among "
    "the winners, and that net sum is the project's approved amount in every table.",
    "Spend counts at its latest corrected amount.",
    "Contributions: verified and unverified logs counted, disputed logs excluded "
    "(see 'contribution status').",
    "In-kind value counts commitments an officer of the council marked met (verified); open "
    "pledges, and any a group marked met itself, are shown as open, not counted. Value in "
    "another currency than the process's is not counted.",
    "Participants with no stated group are shown as 'not stated' and excluded from p_g.",
    "Counts of projects, decisions, milestones and money are not counts of people and are "
    "not suppressed.",
    BREAKDOWN_NOTE,
)


@dataclass(frozen=True)
class ParameterUsed:
    """Which version of a reference parameter a report used, and where it comes from."""

    name: str
    origin: str  # "loaded" or "default"
    source: str
    reference_year: int | None
    loaded_at: datetime | None
    values: tuple[tuple[str, str], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "origin": self.origin,
            "source": self.source,
            "reference_year": self.reference_year,
            "loaded_at": None if self.loaded_at is None else self.loaded_at.isoformat(),
            "values": dict(self.values),
        }


@dataclass(frozen=True)
class ImpactReport:
    """One process's impact measures as of `as_of` (None: now), every table disclosure-safe."""

    process_id: UUID
    name: str
    as_of: datetime | None
    currency: str
    k: int
    method: str
    tables: tuple[ProtectedTable, ...]
    parameters: tuple[ParameterUsed, ...]
    notes: tuple[str, ...] = NOTES
    #: The business date the figures describe (None: whatever is true now, as recorded).
    valid_at: date | datetime | None = None
    #: Each protected breakdown before suppression, by name: (parents, counts, lowest, cells,
    #: marks: the logs and hours a row publishes beside its count).
    #: Never published; releases check later releases against it (projections.releases).
    counted: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def definition(self, title: str) -> str:
        """What the table's measure means, as published beside it."""
        return definition_of(title)

    def table(self, title: str) -> ProtectedTable:
        for table in self.tables:
            if table.title == title:
                return table
        raise KeyError(title)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: decimals as strings, so nothing is rounded on the way out."""
        result: dict[str, Any] = _jsonable(
            {
                "process_id": str(self.process_id),
                "name": self.name,
                "as_of": None if self.as_of is None else self.as_of.isoformat(),
                "valid_at": None if self.valid_at is None else self.valid_at.isoformat(),
                "currency": self.currency,
                "k": self.k,
                "method": self.method,
                "parameters": [p.to_dict() for p in self.parameters],
                "notes": list(self.notes),
                "tables": [
                    {
                        "title": t.title,
                        "definition": definition_of(t.title),
                        "k": t.k,
                        "method": t.method,
                        "columns": list(t.columns),
                        "rows": t.as_dicts(),
                    }
                    for t in self.tables
                ],
            }
        )
        return result


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def ratio(numerator: Decimal | int, denominator: Decimal | int) -> Decimal | None:
    """numerator / denominator to 6 places (half-even), or None when the denominator is 0."""
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(_PLACES, ROUND_HALF_EVEN)


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's end (31 Jan + 1 month = 28/29 Feb)."""
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    for dom in range(day.day, 27, -1):
        try:
            return date(year, month, dom)
        except ValueError:
            continue
    return date(year, month, min(day.day, 28))


def _value(value: int | Decimal | None) -> Cell:
    """A cell that is not a count of people: published as is."""
    return Cell(value)


def _derived(value: Decimal | None, base_cell: Cell, base_people: int, policy: Any) -> Cell:
    """A share computed from a protected count: hidden with it, else hidden on a small base."""
    if base_cell.suppressed is not None:
        return Cell(None, base_cell.suppressed)
    if value is None:
        return Cell(None)
    return protect_rate(value, base_people, policy)


def _quartiles(values: list[Decimal]) -> tuple[Decimal, Decimal, Decimal] | None:
    """Median, Q1, Q3 with linear interpolation (as pandas' default quantile)."""
    if not values:
        return None
    ordered = sorted(values)
    median = Decimal(statistics.median(ordered))
    if len(ordered) == 1:
        return median, ordered[0], ordered[0]
    q1, _, q3 = statistics.quantiles(ordered, n=4, method="inclusive")
    return median, Decimal(q1), Decimal(q3)


def _day(ts_us: int) -> date:
    return (datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=ts_us)).date()


def _moment(ts_us: int) -> datetime:
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=ts_us)


def _dec(text: str | None) -> Decimal:
    return Decimal(0) if text is None else Decimal(text)


def _histogram_median(histogram: Mapping[int, int]) -> Decimal | None:
    """The median of values given as value -> count (the mean of the middle two when even)."""
    total = sum(histogram.values())
    if not total:
        return None
    wanted = [(total - 1) // 2, total // 2]
    found: list[int] = []
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        while wanted and wanted[0] < seen:
            found.append(value)
            wanted.pop(0)
    return (Decimal(found[0]) + Decimal(found[1])) / 2
