"""Census shares and volunteer rates loaded from a council's CSV file: all lines or none.

Why: statisticians hand councils spreadsheets, not JSON. One file may hold several census
dimensions (or several currencies' rates); each becomes a new version of its parameter, and
all of them are saved in ONE transaction, or none if any line is bad — a half-loaded census
would make the representation ratios compare voters with a mix of two populations.
Each bad line is reported with its number and column; a dry run checks and saves nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from uuid import UUID

from coprod.application import policy
from coprod.application.base import CoprodBase
from coprod.application.csv_table import (
    CsvLine,
    CsvRefused,
    LineError,
    line_error,
    parse_decimal,
    read_table,
)
from coprod.application.imports import ImportResult, LinePreview
from coprod.domain.aggregate import CoprodAggregate
from coprod.domain.errors import CoprodError, InvalidInput
from coprod.domain.parameters import CensusDimension, CensusShares, GroupShare, VolunteerRates
from coprod.domain.values import Actor, Money

__all__ = ["CENSUS_COLUMNS", "RATES_COLUMNS", "ParameterImportCommands"]

#: One line per group; ``dimension`` is age_band, sex, area or deprivation_quintile; all lines
#: of one dimension give the same source and year, and their shares add up to 1.
CENSUS_COLUMNS = ("dimension", "group", "share", "source", "reference_year")
#: One line per currency: hourly floor <= central <= upper.
RATES_COLUMNS = ("currency", "floor", "central", "upper", "source", "reference_year")


def _year(row: CsvLine) -> int:
    text = row.get("reference_year")
    if not text.isdigit():
        raise InvalidInput("reference_year", f"{text!r} is not a year", rule="year")
    return int(text)


def _rate(row: CsvLine, name: str, currency: str) -> Money:
    return Money(parse_decimal(name, row.get(name)), currency)


def _refusal(row: int, error: CoprodError, default: str) -> LineError:
    return line_error(row, error, default)


class ParameterImportCommands(CoprodBase):
    """Council-side loads of reference parameters from CSV."""

    def load_census_csv(
        self, council_id: UUID, data: bytes | str, actor: Actor, *, dry_run: bool = False
    ) -> ImportResult:
        """Load a new version of each census dimension in the file; all or none."""
        policy.may_load_parameters(actor, council_id)
        rows = read_table(data, CENSUS_COLUMNS)
        errors: list[LineError] = []
        groups: dict[CensusDimension, list[tuple[CsvLine, GroupShare]]] = defaultdict(list)
        broken: set[str] = set()  # a dimension with a bad line is not summed as well
        for row in self._good(rows, errors):
            try:
                dimension = _dimension(row.get("dimension"))
                share = GroupShare(row.get("group"), parse_decimal("share", row.get("share")))
                _year(row)
            except CoprodError as e:
                errors.append(_refusal(row.number, e, "group"))
                broken.add(row.get("dimension").lower())
                continue
            groups[dimension].append((row, share))
        loaded: list[CensusShares] = []
        previews: list[LinePreview] = []
        for dimension, lines in groups.items():
            if dimension.value in broken:
                continue
            first = lines[0][0]
            try:
                census = self._census(council_id, dimension, actor)
                census.load(actor, tuple(s for _, s in lines), first.get("source"), _year(first))
            except CoprodError as e:
                errors.append(_refusal(first.number, e, "share"))
                continue
            loaded.append(census)
            for row, share in lines:
                summary = f"{dimension.value} {share.group}: {share.share}"
                previews.append(LinePreview(row.number, census.id, "census", summary))
        return self._finish(loaded, previews, errors, dry_run)

    def load_rates_csv(
        self, council_id: UUID, data: bytes | str, actor: Actor, *, dry_run: bool = False
    ) -> ImportResult:
        """Load a new version of the volunteer rates for each currency in the file."""
        policy.may_load_parameters(actor, council_id)
        rows = read_table(data, RATES_COLUMNS)
        errors: list[LineError] = []
        loaded: list[VolunteerRates] = []
        previews: list[LinePreview] = []
        for row in self._good(rows, errors):
            try:
                currency = row.get("currency").upper()
                if any(r.currency == currency for r in loaded):
                    raise InvalidInput("currency", f"{currency} is on an earlier line already")
                floor, central, upper = (
                    _rate(row, n, currency) for n in ("floor", "central", "upper")
                )
                rates = self._rates(council_id, currency, actor)
                rates.load(actor, floor, central, upper, row.get("source"), _year(row))
            except CoprodError as e:
                errors.append(_refusal(row.number, e, "currency"))
                continue
            loaded.append(rates)
            summary = f"{currency} {floor.amount} / {central.amount} / {upper.amount} per hour"
            previews.append(LinePreview(row.number, rates.id, "rates", summary))
        return self._finish(loaded, previews, errors, dry_run)

    def _good(self, rows: list[CsvLine], errors: list[LineError]) -> list[CsvLine]:
        if not rows:
            raise CsvRefused([LineError(0, "file", "has no data lines", "no-data")])
        for row in rows:
            if "__extra__" in row.cells:
                errors.append(
                    LineError(row.number, "line", "has more cells than the header", "extra-cells")
                )
        return [row for row in rows if "__extra__" not in row.cells]

    def _census(self, council_id: UUID, dimension: CensusDimension, actor: Actor) -> CensusShares:
        census_id = CensusShares.create_id(council_id, dimension)
        if self.exists(census_id):
            return self.load(CensusShares, census_id)
        return CensusShares.open(actor, council_id, dimension)

    def _rates(self, council_id: UUID, currency: str, actor: Actor) -> VolunteerRates:
        rates_id = VolunteerRates.create_id(council_id, currency)
        if self.exists(rates_id):
            return self.load(VolunteerRates, rates_id)
        return VolunteerRates.open(actor, council_id, currency)

    def _finish(
        self,
        loaded: Sequence[CoprodAggregate],
        previews: list[LinePreview],
        errors: list[LineError],
        dry_run: bool,
    ) -> ImportResult:
        if errors:
            raise CsvRefused(sorted(errors, key=lambda e: e.line))
        if not dry_run:
            self.commit(*loaded)
        previews.sort(key=lambda p: p.line)
        return ImportResult(tuple(previews), recorded=not dry_run)


def _dimension(text: str) -> CensusDimension:
    try:
        return CensusDimension(text.strip().lower())
    except ValueError:
        known = ", ".join(d.value for d in CensusDimension)
        raise InvalidInput("dimension", f"{text!r} is not one of {known}") from None
