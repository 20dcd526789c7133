"""The impact report's sections: what was delivered: implementation, vote to delivery, on time, cost overrun, execution and backlog."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from projections.disclosure import (
    Cell,
)
from projections.impact.report.base import FoldDecision, FoldProject, ReaderBase
from projections.impact.report.common import (
    HORIZONS,
    _day,
    _quartiles,
    _value,
    add_months,
    ratio,
)


class Delivery(ReaderBase):
    """What was delivered: implementation, vote to delivery, on time, cost overrun, execution and backlog."""

    def _winners(self) -> list[tuple[FoldDecision, FoldProject | None]]:
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

    def _approved(self, project: FoldProject) -> Decimal:
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
