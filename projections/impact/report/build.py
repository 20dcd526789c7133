"""The report built: the sections in the order the report lists them, then the result."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from coprod.adapters.config import StoreSettings, settings_from_env
from coprod.domain.errors import InvalidInput, NotFound
from projections.disclosure import (
    DisclosurePolicy,
)
from projections.impact.model import PROCESS_COLUMNS, ImpactModel
from projections.impact.report.allocation import Allocation
from projections.impact.report.commissioning import CoCommissioning
from projections.impact.report.common import (
    DEFAULT_BACKLOG_MONTHS,
    ImpactReport,
)
from projections.impact.report.community import Community
from projections.impact.report.delivery import Delivery
from projections.impact.report.participation import Participation
from projections.store import DB_ERRORS, Connection, read_generation
from projections.valid_time import process_row_at, valid_until


class _Reader(Participation, Allocation, Delivery, Community, CoCommissioning):
    """Reads one process's rows as of T and builds every table of the report."""

    def report(self) -> ImpactReport:
        columns = PROCESS_COLUMNS[3:]
        row = process_row_at(self.conn, self.p, columns, self.pid, self.until, self.valid)
        if row is None:
            raise self._not_found()
        council, name, currency, pot, base, eligible, k, areas, _state, closed_us = row[:10]
        closed_valid = row[columns.index("closed_valid_us")]
        self.closed_valid_us = None if closed_valid is None else int(closed_valid)
        self.council, self.currency = str(council), str(currency)
        self.pot = None if pot is None else Decimal(pot)
        self.base = None if base is None else Decimal(base)
        self.eligible = None if eligible is None else int(eligible)
        self.areas: list[list[Any]] = json.loads(areas)
        self.closed_us = None if closed_us is None else int(closed_us)
        self.policy = DisclosurePolicy(k=int(k))
        self.fold = self._fold()
        self.f_total = sum((d.funds for d in self.fold.decisions.values()), Decimal(0))
        projects = self.fold.projects.values()
        self.spent = sum(  # PB-funded projects: the spend F is executed by
            (sum(p.spends.values(), Decimal(0)) for p in projects if not p.commissioned),
            Decimal(0),
        )
        self.commissioned_spent = sum(
            (sum(p.spends.values(), Decimal(0)) for p in projects if p.commissioned),
            Decimal(0),
        )
        self.demographics = self._demographics()
        self.voters = sum(self.demographics.values())
        self.census = self._census()
        for section in SECTIONS:
            section(self)
        return ImpactReport(
            process_id=self.process_id,
            name=str(name),
            as_of=self.as_of,
            valid_at=self.valid_at,
            currency=self.currency,
            k=self.policy.k,
            method=self.policy.method,
            tables=tuple(self.tables),
            parameters=tuple(self.parameters),
            counted=self.counted,
        )


def impact_report(
    process_id: UUID,
    as_of: datetime | None = None,
    *,
    valid_at: date | datetime | None = None,
    settings: StoreSettings | None = None,
    conn: Connection | None = None,
    backlog_months: int = DEFAULT_BACKLOG_MONTHS,
) -> ImpactReport:
    """The impact report of one process now, or exactly as the read model had it at `as_of`;
    with `valid_at`, of what was true at that business date (as known at `as_of`).

    `as_of` must be timezone-aware; `valid_at` a date (its end, UTC) or an aware time.
    Raises NotFound for a process the read model has not seen by then (or not yet in
    existence at `valid_at`), or when the read model does not exist yet (run `coprod project
    --once`).
    """
    if as_of is not None and as_of.tzinfo is None:
        raise InvalidInput("as_of", "must be timezone-aware (e.g. 2026-05-01T12:00:00+00:00)")
    valid_until(valid_at)  # refuses a naive time before any reading
    if isinstance(backlog_months, bool) or not isinstance(backlog_months, int):
        raise InvalidInput("backlog_months", "must be a whole number of months")
    if backlog_months < 1:
        raise InvalidInput("backlog_months", "must be at least 1")
    own = conn is None
    connection = conn or Connection(settings or settings_from_env())
    key = ImpactModel.key()
    try:
        for attempt in range(3):
            try:
                with connection.snapshot():
                    generation = read_generation(connection, key)
                    if generation is None:
                        raise NotFound("read model", f"{key} (run `coprod project --once`)")
                    prefix = ImpactModel.prefix(generation.active)
                    when = (as_of, valid_at)
                    return _Reader(connection, prefix, process_id, when, backlog_months).report()
            except DB_ERRORS as e:
                # A rebuild dropped the generation between our registry read and the query.
                if attempt == 2 or not Connection.is_missing_table(e):
                    raise
        raise AssertionError("unreachable")
    finally:
        if own:
            connection.close()


#: The report's sections, in the order its tables appear: one builder each (no dispatch by
#: name), so a new section is one method in its room and one entry here.
SECTIONS: tuple[Callable[[_Reader], None], ...] = (
    _Reader._turnout,
    _Reader._funnel,
    _Reader._representation,
    _Reader._budget_share,
    _Reader._need_weighted,
    _Reader._by_category,
    _Reader._filter_rate,
    _Reader._implementation,
    _Reader._vote_to_delivery,
    _Reader._on_time,
    _Reader._cost_overrun,
    _Reader._execution,
    _Reader._backlog,
    _Reader._community,
    _Reader._in_kind,
    _Reader._community_value,
    _Reader._reporting_burden,
    _Reader._co_design,
    _Reader._panels,
    _Reader._compliance,
)
