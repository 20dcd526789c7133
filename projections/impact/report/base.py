"""The report's reader: one process's rows as of T, and the reading every section shares."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from coprod.domain.errors import NotFound
from coprod.domain.parameters import DEFAULT_RATES
from projections.ballot_runs import counts_as_of
from projections.disclosure import (
    Cell,
    DisclosurePolicy,
    ProtectedTable,
    protect_counts,
    protect_nested,
)
from projections.impact.fold import Decision as FoldDecision
from projections.impact.fold import Fold, creates
from projections.impact.fold import Idea as FoldIdea
from projections.impact.fold import Project as FoldProject
from projections.impact.model import BALLOT_CELL
from projections.impact.report.common import (
    _FOREVER,
    BREAKDOWN_NOTE,
    DIMENSIONS,
    ParameterUsed,
    _moment,
)
from projections.store import Connection
from projections.stored_ballot import from_us, to_us
from projections.valid_time import Moments, not_found_at, valid_until

__all__ = ["Fold", "FoldDecision", "FoldIdea", "FoldProject", "ReaderBase"]


class ReaderBase:
    """Reads one process's rows as of T; the sections (one mixin each) build the tables."""

    # Set by report() before any section runs.
    council: str
    currency: str
    pot: Decimal | None
    base: Decimal | None
    eligible: int | None
    areas: list[list[Any]]
    closed_us: int | None
    closed_valid_us: int | None
    policy: DisclosurePolicy
    fold: Fold
    f_total: Decimal
    spent: Decimal
    commissioned_spent: Decimal
    voters: int
    # Set by one section for a later one (see build.SECTIONS for the order).
    volunteer_hours: Decimal
    in_kind_met: Decimal
    demographics: Counter[tuple[str | None, str | None, str | None]]
    census: dict[str, tuple[list[tuple[str, Decimal]], dict[str, str]]]

    def __init__(
        self, conn: Connection, prefix: str, process_id: UUID, when: Moments, backlog: int
    ) -> None:
        self.conn = conn
        self.p = prefix
        self.process_id = process_id
        self.pid = process_id.hex
        self.as_of, self.valid_at = when
        self.until = _FOREVER if self.as_of is None else to_us(self.as_of)
        self.valid = valid_until(self.valid_at)
        known = (self.as_of or datetime.now(UTC)).astimezone(UTC)
        self.today = min(known, from_us(min(self.valid, to_us(known)))).date()
        self.backlog_months = backlog
        self.tables: list[ProtectedTable] = []
        self.parameters: list[ParameterUsed] = []
        self.counted: dict[str, Any] = {}

    def q(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        return self.conn.execute(sql, params)

    def _not_found(self) -> NotFound:
        """No such process, or (with an as-of or valid-at) not yet: then say from when."""
        return not_found_at(self.conn, self.p, self.process_id, self.as_of, self.valid_at)

    def _table(
        self,
        title: str,
        columns: tuple[str, ...],
        rows: Iterable[tuple[str | Cell, ...]],
        *,
        breakdown: bool = False,
    ) -> None:
        method = self.policy.method
        self.tables.append(
            ProtectedTable(
                title=title,
                k=self.policy.k,
                method=f"{method} {BREAKDOWN_NOTE}" if breakdown else method,
                columns=columns,
                rows=tuple(rows),
            )
        )

    def _nested(
        self, name: str, parents: Any, values: Any, lowest: Any = None, marks: Any = None
    ) -> Any:
        """protect_nested, remembering the breakdown as counted (see ImpactReport.counted)."""
        cells = protect_nested(parents, values, self.policy, lowest=lowest)
        self.counted[name] = (parents, values, lowest or {}, cells, marks or {})
        return cells

    def _fold(self) -> Fold:
        """The facts recorded by the as-of and true by the valid-at, in log order.

        At a business date, a subject exists once any fact of it is true (a project funded
        today whose spend, imported from CSV, is dated last year existed last year): its
        creating fact is then folded too. A fact about a subject with nothing true yet (a
        milestone met before anything else of its project) is left out with it.
        """
        rows = [
            (str(subject), str(kind), json.loads(data), int(valid))
            for subject, kind, data, valid in self.q(
                f"SELECT subject_id, kind, data, valid_us FROM {self.p}_facts "
                "WHERE process_id = ? AND ts_us <= ? ORDER BY notification_id",
                self.pid,
                self.until,
            )
        ]
        evident = {subject for subject, _, _, valid in rows if valid <= self.valid}
        fold = Fold()
        born: set[str] = set()
        for subject, kind, fact, valid in rows:
            if creates(kind, fact):
                if subject not in evident:
                    continue
                born.add(subject)
            elif valid > self.valid or subject not in born:
                continue
            fold.apply(subject, kind, fact)
        return fold

    def _demographics(self) -> Counter[tuple[str | None, str | None, str | None]]:
        """Counted ballots: recorded by the as-of and cast by the valid-at.

        A ballot is valid from its recording or the close's business time, whichever is
        earlier (see :mod:`projections.valid_time`): all counted ballots once the close is.
        """
        counts: Counter[tuple[str | None, str | None, str | None]] = Counter()
        closed = self.closed_valid_us is not None and self.closed_valid_us <= self.valid
        until = self.until if closed else min(self.until, self.valid)
        cells = counts_as_of(self.conn, f"{self.p}_ballot_runs", BALLOT_CELL[1:], self.pid, until)
        for (area, age, sex), n in cells.items():
            counts[(area, age, sex)] = n
        return counts

    def _census(self) -> dict[str, tuple[list[tuple[str, Decimal]], dict[str, str]]]:
        latest: dict[str, tuple[Any, ...]] = {}
        for row in self.q(
            f"SELECT dimension, source, reference_year, shares, quintiles, ts_us "
            f"FROM {self.p}_census WHERE council_id = ? AND ts_us <= ? ORDER BY notification_id",
            self.council,
            self.until,
        ):
            latest[str(row[0])] = row
        result = {}
        for dimension in DIMENSIONS:
            if dimension not in latest:
                continue
            _, source, year, shares, quintiles, ts_us = latest[dimension]
            parsed = [(str(g), Decimal(s)) for g, s in json.loads(shares)]
            mapping = {str(a): str(q) for a, q in json.loads(quintiles)}
            result[dimension] = (parsed, mapping)
            self.parameters.append(
                ParameterUsed(
                    f"census shares: {dimension}",
                    "loaded",
                    str(source),
                    int(year),
                    _moment(int(ts_us)),
                    tuple((g, str(s)) for g, s in parsed),
                )
            )
        return result

    def _rates(self) -> tuple[Decimal, Decimal, Decimal] | None:
        rows = self.q(
            f"SELECT floor, central, upper, source, reference_year, ts_us FROM {self.p}_rates "
            "WHERE council_id = ? AND currency = ? AND ts_us <= ? "
            "ORDER BY notification_id DESC LIMIT 1",
            self.council,
            self.currency,
            self.until,
        )
        if rows:
            floor, central, upper, source, year, ts_us = rows[0]
            values = (Decimal(floor), Decimal(central), Decimal(upper))
            self.parameters.append(
                ParameterUsed(
                    f"volunteer rates ({self.currency}/h)",
                    "loaded",
                    str(source),
                    int(year),
                    _moment(int(ts_us)),
                    tuple(zip(("floor", "central", "upper"), map(str, values), strict=True)),
                )
            )
            return values
        default = DEFAULT_RATES.get(self.currency)
        if default is None:
            self.parameters.append(
                ParameterUsed(
                    f"volunteer rates ({self.currency}/h)",
                    "none",
                    f"no rates loaded and no default for {self.currency}: value not computed",
                    None,
                    None,
                )
            )
            return None
        values = (default.floor.amount, default.central.amount, default.upper.amount)
        self.parameters.append(
            ParameterUsed(
                f"volunteer rates ({self.currency}/h)",
                "default",
                default.source,
                default.reference_year,
                None,
                tuple(zip(("floor", "central", "upper"), map(str, values), strict=True)),
            )
        )
        return values

    def _people(self, name: str, n: int) -> Cell:
        return protect_counts({name: n}, self.policy)[name]

    def _latest_status_join(self) -> str:
        return (
            f"FROM {self.p}_contributions c LEFT JOIN (SELECT contribution_id, status FROM "
            "(SELECT contribution_id, status, ROW_NUMBER() OVER (PARTITION BY contribution_id "
            "ORDER BY notification_id DESC) AS rn "
            f"FROM {self.p}_contribution_status WHERE process_id = ? AND ts_us <= ?) latest "
            "WHERE rn = 1) s ON s.contribution_id = c.contribution_id "
            f"WHERE c.process_id = ? AND c.ts_us <= ? AND c.valid_us <= {self.valid}"
        )
