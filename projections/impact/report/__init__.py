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

The package: :mod:`.common` (result types, constants, notes, cell helpers), :mod:`.base` (the
reader every section shares, the only importer of the fold), one module per group of sections
(:mod:`.participation`, :mod:`.allocation`, :mod:`.delivery`, :mod:`.community`) and
:mod:`.build` (the table of sections, in the report's order, and :func:`impact_report`).
"""

from __future__ import annotations

from projections.impact.report.build import SECTIONS, impact_report
from projections.impact.report.common import (
    DEFAULT_BACKLOG_MONTHS,
    NOT_STATED,
    NOTES,
    ImpactReport,
    ParameterUsed,
    add_months,
    ratio,
)

__all__ = [
    "DEFAULT_BACKLOG_MONTHS",
    "NOTES",
    "NOT_STATED",
    "SECTIONS",
    "ImpactReport",
    "ParameterUsed",
    "add_months",
    "impact_report",
    "ratio",
]
