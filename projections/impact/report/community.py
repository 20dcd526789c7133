"""The impact report's sections: what communities gave, and the lawful decision record: volunteer value, in kind, compliance."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from decimal import Decimal

from coprod.domain.commitment import HOURS_PER_PERSON_DAY
from projections.disclosure import (
    Cell,
    protect_rate,
)
from projections.impact.model import MICRO
from projections.impact.report.base import FoldDecision, ReaderBase
from projections.impact.report.common import (
    NOT_STATED,
    _histogram_median,
    _value,
    ratio,
)


class Community(ReaderBase):
    """What communities gave, and the lawful decision record: volunteer value, in kind, compliance."""

    def _community(self) -> None:
        """Volunteer hours: the logs by status, and the counted ones by phase, level, project
        and area, their people protected against the people total."""
        by_status, breakdowns, area_of = self._contribution_groups()
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
        self.volunteer_hours = hours

    def _contribution_groups(
        self,
    ) -> tuple[dict[str, list[int]], dict[str, dict[str, list[int]]], dict[str, str]]:
        """Logs, hours (micro) and people by status, and by breakdown for the counted logs."""
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
        return by_status, breakdowns, area_of

    def _in_kind(self) -> None:
        """In-kind value by commitment status; only what an officer marked met counts."""
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
        self.in_kind_met = in_kind["met"]

    def _community_value(self) -> None:
        """Volunteer value at each rate bound, the leverage ratio and co-production intensity."""
        rates = self._rates()
        hours, in_kind_met = self.volunteer_hours, self.in_kind_met
        match = sum(
            (sum(p.match.values(), Decimal(0)) for p in self.fold.projects.values()), Decimal(0)
        )
        value_rows: list[tuple[str | Cell, ...]] = []
        leverage_rows: list[tuple[str | Cell, ...]] = []
        values: list[tuple[str, Decimal | None]] = []
        for i, bound in enumerate(("floor", "central", "upper")):
            rate = None if rates is None else rates[i]
            value = None if rate is None else hours * rate
            values.append((bound, value))
            value_rows.append((bound, _value(hours), _value(rate), _value(value)))
            total = None if value is None else value + in_kind_met + match
            leverage_rows.append(
                (
                    bound,
                    Cell(None) if value is None else _value(value),
                    _value(in_kind_met),
                    _value(match),
                    _value(self.f_total),
                    Cell(None) if total is None else _value(ratio(total, self.f_total)),
                )
            )
        self._table("volunteer value", ("bound", "hours", "rate_per_hour", "value"), value_rows)
        self._table(
            "leverage ratio",
            ("bound", "volunteer_value", "in_kind", "match_funding", "F", "leverage"),
            leverage_rows,
        )
        self._intensity(values)

    def _intensity(self, values: list[tuple[str, Decimal | None]]) -> None:
        """Community value / (community value + council spend, co-commissioned included)."""
        council = self.spent + self.commissioned_spent
        commissioned = (
            _value(self.commissioned_spent),
            _value(ratio(self.commissioned_spent, council)),
        )
        rows: list[tuple[str | Cell, ...]] = []
        for bound, value in values:
            if value is None:
                rows.append((bound, Cell(None), _value(council), *commissioned, Cell(None)))
                continue
            community = value + self.in_kind_met
            share = _value(ratio(community, community + council))
            rows.append((bound, _value(community), _value(council), *commissioned, share))
        self._table(
            "co-production intensity",
            (
                "bound",
                "community_value",
                "council_spend",
                "co_commissioned_spend",
                "co_commissioned_share",
                "intensity",
            ),
            rows,
        )

    def _reporting_burden(self) -> None:
        """The median seconds a group spent logging, over the counted logs that were timed."""
        params = (self.pid, self.until, self.pid, self.until)
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

    def _compliance(self) -> None:
        decisions = list(self.fold.decisions.values())
        adverse = [d for d in decisions if d.adverse]
        hearing = [d for d in adverse if d.hearing_needed]

        def row(label: str, group: list[FoldDecision], ok: int) -> tuple[str | Cell, ...]:
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
