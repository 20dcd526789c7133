"""The impact report's sections: where the money went: budget share, need-weighted allocation, categories and the filter rate."""

from __future__ import annotations

from collections import Counter, defaultdict
from decimal import Decimal

from projections.disclosure import (
    Cell,
)
from projections.impact.report.base import FoldDecision, FoldIdea, ReaderBase
from projections.impact.report.common import (
    _value,
    ratio,
)


class Allocation(ReaderBase):
    """Where the money went: budget share, need-weighted allocation, categories and the filter rate."""

    def _budget_share(self) -> None:
        share = None if self.base is None else ratio(self.f_total, self.base)
        self._table(
            "share of budget decided by citizens",
            ("group", "F", "B", "pot", "F_over_B"),
            [("process", _value(self.f_total), _value(self.base), _value(self.pot), _value(share))],
        )

    def _idea_of_decision(self, decision: FoldDecision) -> FoldIdea | None:
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
