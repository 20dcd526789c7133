"""The impact report's sections: who took part: turnout, the idea-to-winner funnel and representation against the census."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from decimal import ROUND_HALF_EVEN, Decimal

from coprod.domain.parameters import QUINTILES
from projections.disclosure import (
    WITHHELD,
    Cell,
    protect_rate,
)
from projections.impact.report.base import ReaderBase
from projections.impact.report.common import (
    _PLACES,
    DIMENSIONS,
    NOT_STATED,
    _derived,
    _value,
    ratio,
)


class Participation(ReaderBase):
    """Who took part: turnout, the idea-to-winner funnel and representation against the census."""

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

    def _representation(self) -> None:
        """Participants against the census by age band, sex, area and deprivation quintile
        (p_g, q_g, RR_g, gap per group), and the dissimilarity index D per dimension."""
        quintile_of = self.census.get("deprivation_quintile", ([], {}))[1]
        by_dimension, groups_of = self._groups_by_dimension(quintile_of)
        cells = self._voter_cells(by_dimension, groups_of, quintile_of)
        index_rows = [
            self._dimension_table(dimension, by_dimension[dimension], groups_of[dimension], cells)
            for dimension in DIMENSIONS
        ]
        self._table(
            "dissimilarity index",
            ("dimension", "D", "stated_participants"),
            index_rows,
            breakdown=True,
        )

    def _groups_by_dimension(
        self, quintile_of: Mapping[str, str]
    ) -> tuple[dict[str, Counter[str | None]], dict[str, list[str]]]:
        """Voters by group of each dimension, and each dimension's groups in table order: the
        census's, then any other group voters stated."""
        census = self.census
        by_dimension: dict[str, Counter[str | None]] = {d: Counter() for d in DIMENSIONS}
        for (area, age, sex), n in self.demographics.items():
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
        return by_dimension, groups_of

    def _dimension_table(
        self,
        dimension: str,
        counts: Counter[str | None],
        groups: list[str],
        cells: Mapping[tuple[str, str], Cell],
    ) -> tuple[str | Cell, ...]:
        """One dimension's representation table; returns its row of the dissimilarity index."""
        census = self.census
        shares = dict(census[dimension][0]) if dimension in census else {}
        stated = sum(n for g, n in counts.items() if g is not None)
        not_stated = cells[(dimension, NOT_STATED)]
        # the stated count is V - not stated and the sum of the stated groups: shown only
        # when either is public anyway
        public = not_stated.suppressed is None or all(
            cells[(dimension, g)].suppressed is None for g in groups
        )
        stated_cell = (
            self._people(f"stated {dimension}", stated) if public else Cell(None, WITHHELD)
        )
        rows: list[tuple[str | Cell, ...]] = []
        hidden_any = False
        d_sum = Decimal(0)
        for g in groups:
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
        d_cell = self._dissimilarity(stated_cell, bool(shares), hidden_any, d_sum, stated)
        return (dimension, d_cell, stated_cell)

    def _dissimilarity(
        self, stated_cell: Cell, has_census: bool, hidden_any: bool, d_sum: Decimal, stated: int
    ) -> Cell:
        """D = half the sum of |p_g - q_g|, hidden when its base is, or when it and the total
        could pin down a hidden cell again."""
        if stated_cell.suppressed == WITHHELD:
            return Cell(None, WITHHELD)
        if not has_census:
            return Cell(None)
        if hidden_any:
            # With two or more hidden cells, D and the total could pin them down again.
            return Cell(None, "secondary")
        d_value = (d_sum / 2).quantize(_PLACES, ROUND_HALF_EVEN) if stated else None
        return protect_rate(d_value, stated, self.policy) if d_value is not None else Cell(None)

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
