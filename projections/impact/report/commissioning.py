"""The impact report's co-commissioning measures: who took part in defining and designing
each co-commissioned service, and who sat on each tender's evaluation panel.

Both are counts of people, so both are disclosure-controlled (DOMAIN.md §6): each round's or
panel's counts are protected against its published total (primary and secondary
suppression), and the total itself is hidden when it is small or would expose a count.
"""

from __future__ import annotations

from projections.disclosure import Cell, protect_counts, protect_total
from projections.impact.report.base import ReaderBase


class CoCommissioning(ReaderBase):
    """Co-design participation and panel composition, as of T."""

    def _protected_rows(
        self, label: tuple[str, ...], people: dict[str, int]
    ) -> list[tuple[str | Cell, ...]]:
        total = sum(people.values())
        cells = protect_counts(people, self.policy, total=total)
        rows: list[tuple[str | Cell, ...]] = [(*label, g, cells[g]) for g in sorted(people)]
        rows.append((*label, "all", protect_total(people, self.policy, total)))
        return rows

    def _co_design(self) -> None:
        """People by group who defined each need and took part in each co-design session."""
        rows: list[tuple[str | Cell, ...]] = []
        for need in sorted(self.fold.needs.values(), key=lambda n: n.title):
            for session, held_on, people in need.rounds:
                label = (need.title, session or "definition", held_on.isoformat())
                rows.extend(self._protected_rows(label, people))
        self._table(
            "co-design participation", ("need", "round", "held_on", "group", "people"), rows
        )

    def _panels(self) -> None:
        """Residents and officers on each tender's evaluation panel."""
        rows: list[tuple[str | Cell, ...]] = []
        for title, roles in sorted(self.fold.panels.values()):
            rows.extend(self._protected_rows((title,), roles))
        self._table("panel composition", ("tender", "role", "members"), rows)
