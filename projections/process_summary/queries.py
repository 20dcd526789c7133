"""Reading the process summary: one process now, or exactly as the read model had it then.

See :mod:`projections.process_summary` for the tables. Every read goes through the kernel's
reader (:mod:`projections.kernel.reading`): the active generation, in one snapshot, retried
when a rebuild switches generations under it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from coprod.adapters.config import StoreSettings, settings_from_env
from coprod.domain.errors import InvalidInput
from coprod.domain.phases import Phase
from coprod.domain.process import ProcessKind
from coprod.domain.values import Money
from projections.ballot_runs import counts_as_of
from projections.kernel.positions import ActiveGeneration
from projections.kernel.reading import read_active
from projections.process_summary.model import ProcessSummaryModel
from projections.process_summary.tables import FOREVER, PROCESS_COLUMNS
from projections.store import Connection
from projections.stored_ballot import to_us
from projections.valid_time import Moments, not_found_at, process_row_at, valid_until

__all__ = ["ProcessSummary", "ProposalTally", "process_summary"]


@dataclass(frozen=True)
class ProposalTally:
    """One proposal's result; only the measures of the process's vote method are set."""

    proposal_id: UUID
    approvals: int | None
    points: int | None
    supporters: int | None
    #: (position on the ballot, ballots that ranked it there), for ranked votes.
    rank_positions: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class ProcessSummary:
    """A process as the read model saw it at `as_of` (None: now); tallies only after the close."""

    process_id: UUID
    as_of: datetime | None
    name: str
    kind: ProcessKind
    phase: Phase
    currency: str
    pot: Money | None
    budget_base: Money | None
    eligible: int | None
    vote_method: str | None
    ballot_state: str
    ballot_options: int
    ideas_submitted: int
    ideas_merged: int
    ideas_withdrawn: int
    proposals: int
    assessed_feasible: int
    assessed_unfeasible: int
    shortlisted: int
    not_shortlisted: int
    ballots_cast: int
    #: Decisions by their status as of `as_of`: the outcome in force, or "reopened"/"revoked".
    decisions: tuple[tuple[str, int], ...]
    projects_funded: int
    projects_completed: int
    projects_cancelled: int
    #: None while the ballot is not closed: no live results leak during the vote.
    tallies: tuple[ProposalTally, ...] | None
    #: The business date the summary describes (None: what is true now, as recorded).
    valid_at: date | datetime | None = None


def process_summary(
    process_id: UUID,
    as_of: datetime | None = None,
    *,
    valid_at: date | datetime | None = None,
    settings: StoreSettings | None = None,
    conn: Connection | None = None,
) -> ProcessSummary:
    """The summary of one process now, or exactly as the read model had it at `as_of`; with
    `valid_at`, what was true at that business date (:mod:`projections.valid_time`).

    `as_of` must be timezone-aware (events are timestamped in UTC); a naive time would be
    ambiguous. Raises NotFound for a process the read model has not seen, NotYetRecorded
    (a NotFound naming the first recorded time) for one first recorded after `as_of`.
    """
    if as_of is not None and as_of.tzinfo is None:
        raise InvalidInput("as_of", "must be timezone-aware (e.g. 2026-05-01T12:00:00+00:00)")
    valid_until(valid_at)  # refuses a naive time before any reading
    own = conn is None
    connection = conn or Connection(settings or settings_from_env())

    def read(active: ActiveGeneration) -> ProcessSummary:
        return _read(connection, active.prefix, process_id, (as_of, valid_at))

    try:
        # No catalogue look-up first (a hot path): a store never projected has no registry
        # table, which is reported as the database says.
        return read_active(connection, ProcessSummaryModel, read, check_registry=False)
    finally:
        if own:
            connection.close()


def _read(conn: Connection, p: str, process_id: UUID, when: Moments) -> ProcessSummary:
    as_of, valid_at = when
    pid = process_id.hex
    until = FOREVER if as_of is None else to_us(as_of)
    valid = valid_until(valid_at)
    row = process_row_at(conn, p, PROCESS_COLUMNS[3:], pid, until, valid)
    if row is None:
        raise not_found_at(conn, p, process_id, as_of, valid_at)
    name, kind, phase, currency, pot, base, eligible, method, state, options = row[:10]
    counts: Counter[tuple[str, str]] = Counter()
    for fact_kind, fact_state, n in conn.execute(
        "SELECT kind, state, COUNT(*) FROM (SELECT kind, state, ROW_NUMBER() OVER "
        "(PARTITION BY subject_id, kind ORDER BY notification_id DESC) AS rn "
        f"FROM {p}_facts WHERE process_id = ? AND ts_us <= ? AND valid_us <= ?) latest "
        "WHERE rn = 1 GROUP BY kind, state",
        (pid, until, valid),
    ):
        counts[(str(fact_kind), str(fact_state))] = int(n)
    # A ballot is valid from its recording, or from the close's business time once closed
    # then (an imported cycle's ballots carry no time of their own): see valid_time.
    ballots_until = until if state == "closed" else min(until, valid)
    ballots = counts_as_of(conn, f"{p}_ballot_runs", (), pid, ballots_until)[()]
    tallies = _tallies(conn, p, pid) if state == "closed" else None
    return ProcessSummary(
        process_id=process_id,
        as_of=as_of,
        valid_at=valid_at,
        name=name,
        kind=ProcessKind(kind),
        phase=Phase(phase),
        currency=currency,
        pot=None if pot is None else Money(Decimal(pot), currency),
        budget_base=None if base is None else Money(Decimal(base), currency),
        eligible=None if eligible is None else int(eligible),
        vote_method=method,
        ballot_state=state,
        ballot_options=int(options),
        ideas_submitted=counts[("idea", "submitted")],
        ideas_merged=counts[("idea_end", "merged")],
        ideas_withdrawn=counts[("idea_end", "withdrawn")],
        proposals=counts[("proposal", "developed")],
        assessed_feasible=counts[("assessment", "feasible")],
        assessed_unfeasible=counts[("assessment", "unfeasible")],
        shortlisted=counts[("shortlist", "shortlisted")],
        not_shortlisted=counts[("shortlist", "not_shortlisted")],
        ballots_cast=ballots,
        decisions=tuple(sorted((s, n) for (k, s), n in counts.items() if k == "decision")),
        projects_funded=sum(n for (k, _), n in counts.items() if k == "project"),
        projects_completed=counts[("project", "completed")],
        projects_cancelled=counts[("project", "cancelled")],
        tallies=tallies,
    )


def _tallies(conn: Connection, p: str, pid: str) -> tuple[ProposalTally, ...]:
    by_proposal: dict[str, dict[str, Any]] = {}
    for proposal, measure, position, value in conn.execute(
        f"SELECT proposal_id, measure, position, value FROM {p}_tallies WHERE process_id = ? "
        "ORDER BY proposal_id, measure, position",
        (pid,),
    ):
        entry = by_proposal.setdefault(str(proposal), {"rank": []})
        if measure == "rank":
            entry["rank"].append((int(position), int(value)))
        else:
            entry[str(measure)] = int(value)
    result = [
        ProposalTally(
            proposal_id=UUID(hex=proposal),
            approvals=e.get("approvals"),
            points=e.get("points"),
            supporters=e.get("supporters"),
            rank_positions=tuple(e["rank"]),
        )
        for proposal, e in by_proposal.items()
    ]
    result.sort(key=lambda t: (-(t.approvals or t.points or 0), str(t.proposal_id)))
    return tuple(result)
