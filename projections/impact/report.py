"""The impact report: every DOMAIN.md §4 measure of one process, as of any time, disclosure-safe.

Read only from the impact read model (:mod:`projections.impact.model`), under one snapshot. The
big inputs are aggregated in SQL (ballots by demographics, contributions by project, phase,
level and status); the few hundred other facts of a process are folded in log order up to T,
so a correction recorded after T never changes a report as of T.

Choices every reader of a published table should know (also in :data:`NOTES`):

* A decision counts in F (PB-decided funds) while it is in force with a funding outcome, at
  its latest amount; a claw-back leaves the granted amount minus the sum reclaimed and keeps
  the project among the winners; that net sum is the project's approved amount in every
  table (the cost overrun's portfolio approved equals F); reopened, revoked, rejected,
  deferred and cancelled decisions count zero.
* Every table carries the definition of its measure (:mod:`projections.impact.definitions`);
  where DOMAIN.md §4 reads two ways (on-time rate, backlog) both readings are published.
* A spend counts at its latest corrected amount; amounts are as recorded by T.
* Contributions: verified and not-yet-verified logs are counted, disputed logs are not;
  the counts of each are published beside the totals.
* In-kind value counts the fair value of commitments marked met; open pledges are shown
  but not counted, lapsed ones are neither.
* Participants with no stated group are shown as "not stated" and left out of p_g.
* Every count of people (voters, idea submitters, people in contribution logs) goes through
  primary and secondary suppression with the process's k; every share, rate or median whose
  base is people (or logs) is hidden when that base is below k. Counts of projects,
  decisions, milestones and money are not counts of people and are never suppressed.
* Breakdowns of a published total (V by age band, sex, area and quintile; the people of the
  counted logs by phase, level, project and area) are protected against that total, against
  each other where they nest (a quintile is the sum of its areas, an area of its projects) and
  against the public lower bounds of a log (at least one person, at most 24 hours a person).
  The total stays published; when hiding counts cannot protect a breakdown, or the total is
  itself below k, the breakdown is withheld: every count and share of it is hidden as
  "withheld", zeros too. The stated count (the base of p_g, RR_g, gap and D) is shown only
  when the "not stated" count or every stated group's count is, since it follows from those.
"""

from __future__ import annotations

import json
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any
from uuid import UUID

from coprod.adapters.config import StoreSettings, settings_from_env
from coprod.domain.commitment import HOURS_PER_PERSON_DAY
from coprod.domain.errors import InvalidInput, NotFound, NotYetRecorded
from coprod.domain.parameters import DEFAULT_RATES, QUINTILES
from projections.ballot_runs import counts_as_of
from projections.disclosure import (
    WITHHELD,
    Cell,
    DisclosurePolicy,
    ProtectedTable,
    protect_counts,
    protect_nested,
    protect_rate,
)
from projections.impact.definitions import definition_of
from projections.impact.fold import _Decision, _Fold, _Hearing, _Idea, _Milestone, _Project  # noqa: F401
from projections.impact.model import BALLOT_CELL, MICRO, PROCESS_COLUMNS, ImpactModel
from projections.store import DB_ERRORS, Connection, read_generation
from projections.stored_ballot import from_us, to_us

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


def impact_report(
    process_id: UUID,
    as_of: datetime | None = None,
    *,
    settings: StoreSettings | None = None,
    conn: Connection | None = None,
    backlog_months: int = DEFAULT_BACKLOG_MONTHS,
) -> ImpactReport:
    """The impact report of one process now, or exactly as the read model had it at `as_of`.

    `as_of` must be timezone-aware. Raises NotFound for a process the read model has not
    seen by then, or when the read model does not exist yet (run `coprod project --once`).
    """
    if as_of is not None and as_of.tzinfo is None:
        raise InvalidInput("as_of", "must be timezone-aware (e.g. 2026-05-01T12:00:00+00:00)")
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
                    return _Reader(connection, prefix, process_id, as_of, backlog_months).report()
            except DB_ERRORS as e:
                # A rebuild dropped the generation between our registry read and the query.
                if attempt == 2 or not Connection.is_missing_table(e):
                    raise
        raise AssertionError("unreachable")
    finally:
        if own:
            connection.close()


# -- helpers ---------------------------------------------------------------------------------------


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


# -- the reader ------------------------------------------------------------------------------------


class _Reader:
    """Reads one process's rows as of T and builds every table of the report."""

    def __init__(
        self, conn: Connection, prefix: str, process_id: UUID, as_of: datetime | None, backlog: int
    ) -> None:
        self.conn = conn
        self.p = prefix
        self.process_id = process_id
        self.pid = process_id.hex
        self.as_of = as_of
        self.until = _FOREVER if as_of is None else to_us(as_of)
        self.today = (as_of or datetime.now(UTC)).astimezone(UTC).date()
        self.backlog_months = backlog
        self.tables: list[ProtectedTable] = []
        self.parameters: list[ParameterUsed] = []
        self.counted: dict[str, Any] = {}

    def q(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        return self.conn.execute(sql, params)

    def _not_found(self) -> NotFound:
        """No such process, or (with an as-of) not yet: then say when it was first recorded."""
        first = self.q(f"SELECT MIN(ts_us) FROM {self.p}_process WHERE process_id = ?", self.pid)
        if self.as_of is None or not first or first[0][0] is None:
            return NotFound("process", self.process_id)
        return NotYetRecorded("process", self.process_id, self.as_of, from_us(int(first[0][0])))

    def report(self) -> ImpactReport:
        rows = self.q(
            f"SELECT {', '.join(PROCESS_COLUMNS[3:])} FROM {self.p}_process "
            "WHERE process_id = ? AND ts_us <= ? ORDER BY notification_id DESC LIMIT 1",
            self.pid,
            self.until,
        )
        if not rows:
            raise self._not_found()
        council, name, currency, pot, base, eligible, k, areas, _state, closed_us = rows[0]
        self.council, self.currency = str(council), str(currency)
        self.pot = None if pot is None else Decimal(pot)
        self.base = None if base is None else Decimal(base)
        self.eligible = None if eligible is None else int(eligible)
        self.areas: list[list[Any]] = json.loads(areas)
        self.closed_us = None if closed_us is None else int(closed_us)
        self.policy = DisclosurePolicy(k=int(k))
        self.fold = self._fold()
        self.f_total = sum((d.funds for d in self.fold.decisions.values()), Decimal(0))
        self.spent = sum(
            (sum(p.spends.values(), Decimal(0)) for p in self.fold.projects.values()), Decimal(0)
        )
        demographics = self._demographics()
        self.voters = sum(demographics.values())
        census = self._census()
        self._turnout()
        self._funnel()
        self._representation(demographics, census)
        self._budget_share()
        self._need_weighted()
        self._by_category()
        self._filter_rate()
        self._implementation()
        self._vote_to_delivery()
        self._on_time()
        self._cost_overrun()
        self._execution()
        self._backlog()
        self._community()
        self._compliance()
        return ImpactReport(
            process_id=self.process_id,
            name=str(name),
            as_of=self.as_of,
            currency=self.currency,
            k=self.policy.k,
            method=self.policy.method,
            tables=tuple(self.tables),
            parameters=tuple(self.parameters),
            counted=self.counted,
        )

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

    # -- reading ---------------------------------------------------------------------------------

    def _fold(self) -> _Fold:
        fold = _Fold()
        for subject, kind, data in self.q(
            f"SELECT subject_id, kind, data FROM {self.p}_facts "
            "WHERE process_id = ? AND ts_us <= ? ORDER BY notification_id",
            self.pid,
            self.until,
        ):
            fold.apply(str(subject), str(kind), json.loads(data))
        return fold

    def _demographics(self) -> Counter[tuple[str | None, str | None, str | None]]:
        counts: Counter[tuple[str | None, str | None, str | None]] = Counter()
        cells = counts_as_of(
            self.conn, f"{self.p}_ballot_runs", BALLOT_CELL[1:], self.pid, self.until
        )
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

    # -- participation ---------------------------------------------------------------------------

    def _people(self, name: str, n: int) -> Cell:
        return protect_counts({name: n}, self.policy)[name]

    def _turnout(self) -> None:
        voters = self._people("voters", self.voters)
        turnout = None if self.eligible is None else ratio(self.voters, self.eligible)
        self._table(
            "turnout",
            ("group", "voters_V", "eligible_E", "turnout"),
            [
                (
                    "all",
                    voters,
                    _value(self.eligible),
                    _derived(turnout, voters, self.voters, self.policy),
                )
            ],
        )

    def _funnel(self) -> None:
        ideas = self.fold.ideas
        submitters = len({i.submitter for i in ideas.values()})
        proposals = sum(1 for i in ideas.values() if i.developed)
        shortlisted = sum(1 for i in ideas.values() if i.shortlist == "shortlisted")
        stages: list[tuple[str, int, bool]] = [
            ("idea submitters", submitters, True),
            ("ideas", len(ideas), False),
            ("proposals", proposals, False),
            ("shortlisted", shortlisted, False),
            ("voters", self.voters, True),
        ]
        rows: list[tuple[str | Cell, ...]] = []
        previous: tuple[int, bool, Cell] | None = None
        for stage, n, people in stages:
            cell = self._people(stage, n) if people else _value(n)
            if previous is None:
                conversion = Cell(None)
            else:
                prev_n, prev_people, prev_cell = previous
                value = ratio(n, prev_n)
                hidden = cell if cell.suppressed else prev_cell
                bases = [m for m, is_people in ((n, people), (prev_n, prev_people)) if is_people]
                if not bases:
                    conversion = _value(value)
                else:
                    conversion = _derived(value, hidden, min(bases), self.policy)
            rows.append((stage, cell, conversion))
            previous = (n, people, cell)
        self._table("participation funnel", ("stage", "count", "conversion_from_previous"), rows)

    def _representation(
        self,
        demographics: Mapping[tuple[str | None, str | None, str | None], int],
        census: Mapping[str, tuple[list[tuple[str, Decimal]], dict[str, str]]],
    ) -> None:
        quintile_of = census.get("deprivation_quintile", ([], {}))[1]
        by_dimension: dict[str, Counter[str | None]] = {d: Counter() for d in DIMENSIONS}
        for (area, age, sex), n in demographics.items():
            by_dimension["area"][area] += n
            by_dimension["age_band"][age] += n
            by_dimension["sex"][sex] += n
            quintile = None if area is None else quintile_of.get(area)
            by_dimension["deprivation_quintile"][quintile] += n
        groups_of: dict[str, list[str]] = {}
        for dimension in DIMENSIONS:
            counts = by_dimension[dimension]
            groups = [g for g, _ in census[dimension][0]] if dimension in census else []
            if dimension == "deprivation_quintile" and not groups:
                groups = list(QUINTILES)
            if dimension == "area" and not groups:
                groups = [str(a[0]) for a in self.areas]
            groups += sorted(g for g in counts if g is not None and g not in groups)
            groups_of[dimension] = groups
        # every quintile an area of the table lies in is a row, so that each area has a parent
        quintiles = groups_of["deprivation_quintile"]
        quintiles += sorted(
            {quintile_of[a] for a in groups_of["area"] if a in quintile_of} - set(quintiles)
        )
        cells = self._voter_cells(by_dimension, groups_of, quintile_of)
        index_rows: list[tuple[str | Cell, ...]] = []
        for dimension in DIMENSIONS:
            counts = by_dimension[dimension]
            shares = dict(census[dimension][0]) if dimension in census else {}
            stated = sum(n for g, n in counts.items() if g is not None)
            not_stated = cells[(dimension, NOT_STATED)]
            # the stated count is V - not stated and the sum of the stated groups: shown only
            # when either is public anyway
            public = not_stated.suppressed is None or all(
                cells[(dimension, g)].suppressed is None for g in groups_of[dimension]
            )
            stated_cell = (
                self._people(f"stated {dimension}", stated) if public else Cell(None, WITHHELD)
            )
            rows: list[tuple[str | Cell, ...]] = []
            hidden_any = False
            d_sum = Decimal(0)
            for g in groups_of[dimension]:
                n, cell = counts.get(g, 0), cells[(dimension, g)]
                hidden_any = hidden_any or cell.suppressed is not None
                p = ratio(n, stated)
                q = shares.get(g)
                rr = None if p is None or not q else ratio(n, stated * q)
                gap = None if p is None or q is None else p - q
                if stated and q is not None:
                    d_sum += abs(Decimal(n) / stated - q)
                rows.append(
                    (
                        g,
                        cell,
                        self._share(p, cell, stated_cell, stated),
                        _value(q),
                        self._share(rr, cell, stated_cell, stated),
                        self._share(gap, cell, stated_cell, stated),
                    )
                )
            rows.append((NOT_STATED, not_stated, Cell(None), Cell(None), Cell(None), Cell(None)))
            self._table(
                f"representation: {dimension}",
                ("group", "participants", "p_g", "q_g", "RR_g", "gap"),
                rows,
                breakdown=True,
            )
            if stated_cell.suppressed == WITHHELD:
                d_cell = Cell(None, WITHHELD)
            elif not shares:
                d_cell = Cell(None)
            elif hidden_any:
                # With two or more hidden cells, D and the total could pin them down again.
                d_cell = Cell(None, "secondary")
            else:
                d_value = (d_sum / 2).quantize(_PLACES, ROUND_HALF_EVEN) if stated else None
                d_cell = (
                    protect_rate(d_value, stated, self.policy)
                    if d_value is not None
                    else Cell(None)
                )
            index_rows.append((dimension, d_cell, stated_cell))
        self._table(
            "dissimilarity index",
            ("dimension", "D", "stated_participants"),
            index_rows,
            breakdown=True,
        )

    def _voter_cells(
        self,
        by_dimension: Mapping[str, Counter[str | None]],
        groups_of: Mapping[str, list[str]],
        quintile_of: Mapping[str, str],
    ) -> dict[tuple[str, str], Cell]:
        """Every breakdown of V protected against V; areas nest in their quintiles."""
        root = ("turnout", "V")
        cells: dict[tuple[str, str], Cell] = {}

        def count(dimension: str, group: str) -> int:
            return by_dimension[dimension].get(None if group == NOT_STATED else group, 0)

        for dimension in ("age_band", "sex"):
            keys = [(dimension, g) for g in [*groups_of[dimension], NOT_STATED]]
            cells.update(
                self._nested(
                    f"voters by {dimension}",
                    {root: None, **dict.fromkeys(keys, root)},
                    {root: self.voters, **{key: count(*key) for key in keys}},
                )
            )
        parents: dict[tuple[str, str], tuple[str, str] | None] = {root: None}
        for area in [*groups_of["area"], NOT_STATED]:
            q = quintile_of.get(area, NOT_STATED) if area != NOT_STATED else NOT_STATED
            parents[("deprivation_quintile", q)] = root
            parents[("area", area)] = ("deprivation_quintile", q)
        # a quintile none of the areas lies in is 0 by construction: shown, outside the tree
        for q in [*groups_of["deprivation_quintile"], NOT_STATED]:
            cells.setdefault(("deprivation_quintile", q), Cell(0))
        values = {key: self.voters if key == root else count(*key) for key in parents}
        cells.update(self._nested("voters by area", parents, values))
        del cells[root]
        return cells

    def _share(self, value: Decimal | None, cell: Cell, stated_cell: Cell, stated: int) -> Cell:
        """A share of the stated participants: hidden with its count, or with its base."""
        if cell.suppressed is None and stated_cell.suppressed == WITHHELD:
            return Cell(None, WITHHELD)
        return _derived(value, cell, stated, self.policy)

    # -- money -----------------------------------------------------------------------------------

    def _budget_share(self) -> None:
        share = None if self.base is None else ratio(self.f_total, self.base)
        self._table(
            "share of budget decided by citizens",
            ("group", "F", "B", "pot", "F_over_B"),
            [("process", _value(self.f_total), _value(self.base), _value(self.pot), _value(share))],
        )

    def _idea_of_decision(self, decision: _Decision) -> _Idea | None:
        return self.fold.ideas.get(decision.proposal)

    def _funds_by(self, attribute: str) -> dict[str | None, Decimal]:
        funds: dict[str | None, Decimal] = defaultdict(Decimal)
        for decision in self.fold.decisions.values():
            if decision.funds:
                idea = self._idea_of_decision(decision)
                funds[None if idea is None else getattr(idea, attribute)] += decision.funds
        return funds

    def _need_weighted(self) -> None:
        funds = self._funds_by("area")
        codes = [str(a[0]) for a in self.areas]
        need_basis = None
        if codes and all(a[3] is not None for a in self.areas):
            need_basis, needs = "need_weight", {str(a[0]): int(a[3]) for a in self.areas}
        elif codes and all(a[2] is not None for a in self.areas):
            need_basis, needs = "population", {str(a[0]): int(a[2]) for a in self.areas}
        else:
            needs = {}
        area_f = sum((v for a, v in funds.items() if a in codes), Decimal(0))
        n_total = sum(needs.values())
        rows: list[tuple[str | Cell, ...]] = []
        for code in codes:
            f_a = funds.get(code, Decimal(0))
            f_share = ratio(f_a, area_f)
            n_a = needs.get(code)
            n_share = None if n_a is None else ratio(n_a, n_total)
            index = None if not area_f or not n_a else ratio(f_a * n_total, area_f * n_a)
            rows.append(
                (code, _value(f_a), _value(f_share), _value(n_a), _value(n_share), _value(index))
            )
        other = sum((v for a, v in funds.items() if a not in codes), Decimal(0))
        rows.append(
            ("not area-specific", _value(other), Cell(None), Cell(None), Cell(None), Cell(None))
        )
        self._table(
            f"need-weighted allocation (N = {need_basis or 'not available'})",
            ("area", "F_a", "F_a_over_F", "N_a", "N_a_over_N", "allocation_index"),
            rows,
        )

    def _by_category(self) -> None:
        funds = self._funds_by("category")
        rows = [
            (str(c) if c is not None else "none", _value(v), _value(ratio(v, self.f_total)))
            for c, v in sorted(funds.items(), key=lambda x: str(x[0]))
        ]
        self._table("PB-decided funds by category", ("category", "F_c", "F_c_over_F"), rows)

    # -- the funnel's filter ---------------------------------------------------------------------

    def _filter_rate(self) -> None:
        ideas = list(self.fold.ideas.values())
        submitted = len(ideas)
        shortlisted = sum(1 for i in ideas if i.shortlist == "shortlisted")
        reasons: Counter[str] = Counter()
        for idea in ideas:
            if idea.shortlist == "shortlisted":
                continue
            if idea.ended is not None:
                reasons[idea.ended] += 1
            elif idea.feasible is False:
                reasons[f"unfeasible: {idea.assessment_reason}"] += 1
            elif idea.shortlist == "not_shortlisted":
                reasons[f"not shortlisted: {idea.shortlist_reason}"] += 1
            else:
                reasons["not (yet) shortlisted"] += 1
        filtered = submitted - shortlisted
        rows: list[tuple[str | Cell, ...]] = [
            ("submitted", _value(submitted), Cell(None)),
            ("shortlisted", _value(shortlisted), _value(ratio(shortlisted, submitted))),
            (
                "filter rate (1 - shortlisted/submitted)",
                _value(filtered),
                _value(ratio(filtered, submitted)),
            ),
        ]
        rows += [
            (reason, _value(n), _value(ratio(n, submitted)))
            for reason, n in sorted(reasons.items())
        ]
        self._table("filter rate", ("reason", "ideas", "share_of_submitted"), rows)

    # -- delivery --------------------------------------------------------------------------------

    def _winners(self) -> list[tuple[_Decision, _Project | None]]:
        by_proposal = {p.proposal: p for p in self.fold.projects.values()}
        return [(d, by_proposal.get(d.proposal)) for d in self.fold.decisions.values() if d.winner]

    def _implementation(self) -> None:
        winners = self._winners()
        rows: list[tuple[str | Cell, ...]] = []
        for months in HORIZONS:
            eligible = delivered = 0
            for decision, project in winners:
                assert decision.funded_on is not None
                cutoff = add_months(decision.funded_on, months)
                if cutoff > self.today:
                    continue
                eligible += 1
                done = project is not None and project.completed_on is not None
                if done and project is not None and project.completed_on is not None:
                    delivered += project.completed_on <= cutoff
            rows.append(
                (
                    f"{months} months",
                    _value(eligible),
                    _value(delivered),
                    _value(ratio(delivered, eligible)),
                )
            )
        delivered = sum(1 for _, p in winners if p is not None and p.completed_on is not None)
        rows.append(
            (
                "to date",
                _value(len(winners)),
                _value(delivered),
                _value(ratio(delivered, len(winners))),
            )
        )
        self._table(
            "implementation rate",
            ("horizon", "winners", "delivered", "implementation_rate"),
            rows,
        )

    def _vote_to_delivery(self) -> None:
        days: list[Decimal] = []
        start, source = self._vote_end()
        if start is not None:
            for project in self.fold.projects.values():
                met = [m.met_on for m in project.milestones.values() if m.met_on is not None]
                if project.completed_on is not None and met:
                    days.append(Decimal((max(met) - start).days))
        stats = _quartiles(days)
        if stats is None:
            cells = [Cell(None)] * 4
        else:
            median, q1, q3 = stats
            cells = [_value(median), _value(q1), _value(q3), _value(q3 - q1)]
        self._table(
            "vote-to-delivery time (days)",
            ("group", "counted_from", "projects", "median", "q1", "q3", "iqr"),
            [("completed projects", source, _value(len(days)), *cells)],
        )

    def _vote_end(self) -> tuple[date | None, str]:
        """The business date the vote ended: the schedule's vote end, else the close's date."""
        if self.fold.vote_end is not None:
            return self.fold.vote_end, f"vote end date {self.fold.vote_end.isoformat()}"
        if self.closed_us is not None:
            closed = _day(self.closed_us)
            return closed, f"ballot closed (recorded) {closed.isoformat()}"
        return None, "no vote end date and no ballot closed"

    def _on_time(self) -> None:
        due = on_time = scheduled = on_time_all = 0
        for project in self.fold.projects.values():
            if project.cancelled:
                continue
            for m in project.milestones.values():
                if m.cancelled:
                    continue
                met = m.met_on is not None and m.met_on <= m.due
                scheduled += 1
                on_time_all += met
                if m.met_on is None and m.due >= self.today:
                    continue
                due += 1
                on_time += met
        self._table(
            "on-time rate",
            ("group", "milestones_due", "met_on_time", "on_time_rate"),
            [
                (
                    "milestones due by the report date",
                    _value(due),
                    _value(on_time),
                    _value(ratio(on_time, due)),
                ),
                (
                    "every milestone with a due date",
                    _value(scheduled),
                    _value(on_time_all),
                    _value(ratio(on_time_all, scheduled)),
                ),
            ],
        )

    def _approved(self, project: _Project) -> Decimal:
        """Granted minus reclaimed while the decision is in force (what F counts), else 0."""
        decision = self.fold.decisions.get(project.decision)
        return project.approved if decision is None else decision.funds

    def _cost_overrun(self) -> None:
        rows: list[tuple[str | Cell, ...]] = []
        total_approved = total_spent = Decimal(0)
        for pid, project in sorted(self.fold.projects.items(), key=lambda x: x[1].title):
            approved = self._approved(project)
            spent = sum(project.spends.values(), Decimal(0))
            total_approved += approved
            total_spent += spent
            overrun = ratio(spent - approved, approved)
            rows.append(
                (f"{project.title} [{pid[:8]}]", _value(approved), _value(spent), _value(overrun))
            )
        for decision, funded in self._winners():
            if funded is None:  # funded, no project yet: in F, so in the portfolio too
                total_approved += decision.funds
                label = f"no project yet [proposal {decision.proposal[:8]}]"
                rows.append((label, _value(decision.funds), _value(Decimal(0)), _value(None)))
        rows.append(
            (
                "portfolio",
                _value(total_approved),
                _value(total_spent),
                _value(ratio(total_spent - total_approved, total_approved)),
            )
        )
        self._table("cost overrun", ("project", "approved", "spent", "overrun"), rows)

    def _execution(self) -> None:
        self._table(
            "budget execution",
            ("group", "spent", "F", "execution"),
            [
                (
                    "process",
                    _value(self.spent),
                    _value(self.f_total),
                    _value(ratio(self.spent, self.f_total)),
                )
            ],
        )

    def _backlog(self) -> None:
        within: list[tuple[str | Cell, ...]] = []
        never: list[tuple[str | Cell, ...]] = []
        for decision, project in self._winners():
            if project is None or project.cancelled or project.completed_on is not None:
                continue
            assert decision.funded_on is not None
            starts = [
                d
                for m in project.milestones.values()
                for d in (m.started_on, m.met_on)
                if d is not None and d <= self.today
            ]
            days = Decimal((self.today - decision.funded_on).days)
            row = (project.title, decision.funded_on.isoformat(), _value(days))
            if not starts:
                never.append(row)
            cutoff = add_months(decision.funded_on, self.backlog_months)
            if cutoff <= self.today and not [d for d in starts if d <= cutoff]:
                within.append(row)
        for title, rows in (
            (
                f"backlog (no milestone started {self.backlog_months} months after the decision)",
                within,
            ),
            ("backlog (nothing started at all)", never),
        ):
            rows.sort(key=lambda r: str(r[0]))
            rows.append(("backlog (projects)", "", _value(len(rows))))
            self._table(title, ("project", "decided_on", "days_since_decision"), rows)

    # -- community -------------------------------------------------------------------------------

    def _latest_status_join(self) -> str:
        return (
            f"FROM {self.p}_contributions c LEFT JOIN (SELECT contribution_id, status FROM "
            "(SELECT contribution_id, status, ROW_NUMBER() OVER (PARTITION BY contribution_id "
            "ORDER BY notification_id DESC) AS rn "
            f"FROM {self.p}_contribution_status WHERE process_id = ? AND ts_us <= ?) latest "
            "WHERE rn = 1) s ON s.contribution_id = c.contribution_id "
            "WHERE c.process_id = ? AND c.ts_us <= ?"
        )

    def _community(self) -> None:
        params = (self.pid, self.until, self.pid, self.until)
        groups = self.conn.execute(
            "SELECT c.project_id, c.phase, c.level, COALESCE(s.status, 'unverified'), "
            "COUNT(*), SUM(c.hours_micro), SUM(c.people) "
            + self._latest_status_join()
            + " GROUP BY c.project_id, c.phase, c.level, COALESCE(s.status, 'unverified')",
            params,
        )
        by_status: dict[str, list[int]] = {
            s: [0, 0, 0] for s in ("verified", "unverified", "disputed")
        }
        breakdowns: dict[str, dict[str, list[int]]] = {
            b: defaultdict(lambda: [0, 0, 0]) for b in ("phase", "level", "project", "area")
        }
        titles = {pid: p.title for pid, p in self.fold.projects.items()}
        area_of: dict[str, str] = {}
        for project, phase, level, status, n, micro, people in groups:
            acc = by_status[str(status)]
            acc[0] += int(n)
            acc[1] += int(micro)
            acc[2] += int(people)
            if status == "disputed":
                continue
            area = self._project_area(str(project)) or NOT_STATED
            label = f"{titles.get(str(project), '?')} [{str(project)[:8]}]"
            area_of[label] = area
            for name, key in (
                ("phase", str(phase)),
                ("level", str(level)),
                ("project", label),
                ("area", area),
            ):
                b = breakdowns[name][key]
                b[0] += int(n)
                b[1] += int(micro)
                b[2] += int(people)
        counted_logs = by_status["verified"][0] + by_status["unverified"][0]
        counted_micro = by_status["verified"][1] + by_status["unverified"][1]
        counted_people = by_status["verified"][2] + by_status["unverified"][2]
        hours = Decimal(counted_micro) / MICRO
        self._table(
            "contribution status",
            ("status", "counted", "logs", "hours"),
            [
                (s, "yes" if s != "disputed" else "no", _value(v[0]), _value(Decimal(v[1]) / MICRO))
                for s, v in by_status.items()
            ],
        )
        people = self._volunteer_cells(breakdowns, area_of, counted_logs, counted_micro)
        rows: list[tuple[str | Cell, ...]] = []
        for name in ("phase", "level", "project", "area"):
            for key, v in sorted(breakdowns[name].items()):
                rows.append(
                    (name, key, _value(v[0]), people[(name, key)], _value(Decimal(v[1]) / MICRO))
                )
        rows.append(
            (
                "all",
                "all",
                _value(counted_logs),
                self._people("people", counted_people),
                _value(hours),
            )
        )
        self._table(
            "volunteer hours",
            ("by", "group", "logs", "people", "hours"),
            rows,
            breakdown=True,
        )
        rates = self._rates()
        in_kind = {"met": Decimal(0), "open": Decimal(0), "lapsed": Decimal(0)}
        in_kind_n: Counter[str] = Counter()
        for _project, value, status in self.fold.commitments.values():
            if value is not None:
                in_kind[status] += value
                in_kind_n[status] += 1
        self._table(
            "in-kind value",
            ("status", "counted", "commitments", "value"),
            [
                (s, "yes" if s == "met" else "no", _value(in_kind_n[s]), _value(in_kind[s]))
                for s in ("met", "open", "lapsed")
            ],
        )
        match = sum(
            (sum(p.match.values(), Decimal(0)) for p in self.fold.projects.values()), Decimal(0)
        )
        value_rows: list[tuple[str | Cell, ...]] = []
        leverage_rows: list[tuple[str | Cell, ...]] = []
        intensity_rows: list[tuple[str | Cell, ...]] = []
        for i, bound in enumerate(("floor", "central", "upper")):
            rate = None if rates is None else rates[i]
            value = None if rate is None else hours * rate
            value_rows.append((bound, _value(hours), _value(rate), _value(value)))
            if value is None:
                leverage_rows.append(
                    (
                        bound,
                        Cell(None),
                        _value(in_kind["met"]),
                        _value(match),
                        _value(self.f_total),
                        Cell(None),
                    )
                )
                intensity_rows.append((bound, Cell(None), _value(self.spent), Cell(None)))
                continue
            leverage = ratio(value + in_kind["met"] + match, self.f_total)
            leverage_rows.append(
                (
                    bound,
                    _value(value),
                    _value(in_kind["met"]),
                    _value(match),
                    _value(self.f_total),
                    _value(leverage),
                )
            )
            community = value + in_kind["met"]
            intensity_rows.append(
                (
                    bound,
                    _value(community),
                    _value(self.spent),
                    _value(ratio(community, community + self.spent)),
                )
            )
        self._table("volunteer value", ("bound", "hours", "rate_per_hour", "value"), value_rows)
        self._table(
            "leverage ratio",
            ("bound", "volunteer_value", "in_kind", "match_funding", "F", "leverage"),
            leverage_rows,
        )
        self._table(
            "co-production intensity",
            ("bound", "community_value", "council_spend", "intensity"),
            intensity_rows,
        )
        histogram = self.conn.execute(
            "SELECT c.seconds_to_log, COUNT(*) "
            + self._latest_status_join()
            + " AND c.seconds_to_log IS NOT NULL AND COALESCE(s.status, 'unverified') <> 'disputed'"
            " GROUP BY c.seconds_to_log",
            params,
        )
        timed = sum(int(n) for _, n in histogram)
        median = _histogram_median({int(s): int(n) for s, n in histogram})
        burden = protect_rate(median, timed, self.policy) if median is not None else Cell(None)
        self._table(
            "community reporting burden",
            ("group", "logs_timed", "median_seconds_to_log"),
            [("counted logs", _value(timed), burden)],
        )

    def _volunteer_cells(
        self,
        breakdowns: Mapping[str, Mapping[str, list[int]]],
        area_of: Mapping[str, str],
        logs: int,
        micro: int,
    ) -> dict[tuple[str, str], Cell]:
        """People of the counted logs by phase, level, and project within area, against the
        people total; a log has at least one person and at most 24 hours per person, so the
        published logs and hours bound each count from below."""
        root = ("all", "all")
        total = sum(v[2] for v in breakdowns["phase"].values())

        def least(n_logs: int, n_micro: int) -> int:
            return max(n_logs, -(-n_micro // (int(HOURS_PER_PERSON_DAY) * MICRO)))

        lowest = {root: least(logs, micro)}
        trees: list[dict[tuple[str, str], tuple[str, str] | None]] = [
            {root: None, **{(by, key): root for key in breakdowns[by]}} for by in ("phase", "level")
        ]
        nested: dict[tuple[str, str], tuple[str, str] | None] = {root: None}
        nested.update({("area", key): root for key in breakdowns["area"]})
        nested.update({("project", key): ("area", area_of[key]) for key in breakdowns["project"]})
        trees.append(nested)
        cells: dict[tuple[str, str], Cell] = {}
        for name, tree in zip(("phase", "level", "area"), trees, strict=True):
            values = {key: total if key == root else breakdowns[key[0]][key[1]][2] for key in tree}
            for key in tree:
                if key != root:
                    lowest[key] = least(*breakdowns[key[0]][key[1]][:2])
            # the logs and hours each row publishes beside its people count
            marks = {
                key: f"{logs}/{micro}"
                if key == root
                else "{}/{}".format(*breakdowns[key[0]][key[1]][:2])
                for key in tree
            }
            floors = {key: lowest[key] for key in tree}
            cells.update(self._nested(f"people by {name}", tree, values, floors, marks))
        return cells

    def _project_area(self, project_id: str) -> str | None:
        project = self.fold.projects.get(project_id)
        idea = None if project is None else self.fold.ideas.get(project.proposal)
        return None if idea is None else idea.area

    # -- decisions -------------------------------------------------------------------------------

    def _compliance(self) -> None:
        decisions = list(self.fold.decisions.values())
        adverse = [d for d in decisions if d.adverse]
        hearing = [d for d in adverse if d.hearing_needed]

        def row(label: str, group: list[_Decision], ok: int) -> tuple[str | Cell, ...]:
            return (label, _value(len(group)), _value(ok), _value(ratio(ok, len(group))))

        self._table(
            "decision compliance",
            ("group", "decisions", "compliant", "share"),
            [
                row(
                    "all decisions: full decision record",
                    decisions,
                    sum(d.complete for d in decisions),
                ),
                row(
                    "adverse decisions: full decision record",
                    adverse,
                    sum(d.complete for d in adverse),
                ),
                row(
                    "adverse decisions relying on facts needing a hearing: heard first",
                    hearing,
                    sum(d.heard for d in hearing),
                ),
            ],
        )


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
