"""Reading the queues: one council's waiting work, each queue a count and its first rows.

Scoped by the council that runs the process, so an officer's console never lists another
council's cases. Each queue is ordered oldest first (the work that has waited longest), and
every queue reads one snapshot of one generation, so the counts and rows agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Generic, TypeVar
from uuid import UUID

from coprod.application.decisions import DECISION_PHASES as DECIDING
from projections.kernel.positions import ActiveGeneration, tracked_position
from projections.kernel.reading import read_active
from projections.queues.model import QueuesModel
from projections.store import Connection

__all__ = [
    "DECISION_PHASES",
    "DECISION_STATUSES",
    "HEARING_OPEN_STATUSES",
    "ContributionItem",
    "HearingItem",
    "ProposalItem",
    "Queue",
    "Queues",
    "council_queues",
]

T = TypeVar("T")

#: Proposals waiting for the council's decision: assessed feasible or shortlisted without a
#: decision yet, or whose decision was reopened for reconsideration...
DECISION_STATUSES = ("feasible", "shortlisted", "decision_reopened")
#: ...in a process whose phase allows deciding (coprod.application.decisions.DECISION_PHASES).
DECISION_PHASES = tuple(p.value for p in DECIDING)
#: A hearing matters while its proposal is undecided; after the decision it is history.
HEARING_OPEN_STATUSES = (
    "open",
    "feasible",
    "unfeasible",
    "shortlisted",
    "not_shortlisted",
    "decision_reopened",
)


@dataclass(frozen=True)
class ProposalItem:
    """An idea or proposal in a queue, with its process."""

    proposal_id: UUID
    process_id: UUID
    process_name: str
    title: str
    status: str


@dataclass(frozen=True)
class HearingItem:
    """A hearing still waiting for the party's answer; `overdue` once its deadline passed."""

    hearing_id: UUID
    proposal_id: UUID
    process_id: UUID
    title: str
    sent_on: date
    deadline: date
    overdue: bool


@dataclass(frozen=True)
class ContributionItem:
    """Logged community work waiting for an officer to verify or dispute it."""

    contribution_id: UUID
    project_id: UUID
    project_title: str
    organisation_id: UUID
    hours: Decimal
    people_count: int
    worked_on: date


@dataclass(frozen=True)
class Queue(Generic[T]):
    """How many wait in all, and the first `limit` of them (oldest first)."""

    total: int
    items: tuple[T, ...]


@dataclass(frozen=True)
class Queues:
    """Every queue of one council, as of one log position."""

    contributions: Queue[ContributionItem]
    ideas: Queue[ProposalItem]
    proposals: Queue[ProposalItem]
    hearings_waiting: Queue[HearingItem]
    hearings_overdue: Queue[HearingItem]
    decisions: Queue[ProposalItem]
    #: The council's processes (id, name), by name: where its releases and phases are run.
    processes: tuple[tuple[UUID, str], ...]
    #: The council's funded projects (id, title), by title: where milestones and spend go.
    projects: tuple[tuple[UUID, str], ...]
    position: int
    #: Per process with paper ballots typed in but not yet checked: (id, name, how many).
    paper_ballots: tuple[tuple[UUID, str, int], ...] = ()


def council_queues(conn: Connection, council_id: UUID, today: date, *, limit: int = 20) -> Queues:
    """The council's five queues (hearings split into waiting and past their deadline)."""

    def read(active: ActiveGeneration) -> Queues:
        p, c = active.prefix, council_id.hex
        return Queues(
            contributions=_contributions(conn, p, c, limit),
            ideas=_proposals(conn, p, c, "stage = 'idea' AND status = 'open'", limit),
            proposals=_proposals(conn, p, c, "stage = 'proposal' AND status = 'open'", limit),
            hearings_waiting=_hearings(conn, p, c, today, overdue=False, limit=limit),
            hearings_overdue=_hearings(conn, p, c, today, overdue=True, limit=limit),
            decisions=_proposals(
                conn,
                p,
                c,
                f"a.status IN {_in(DECISION_STATUSES)} AND s.phase IN {_in(DECISION_PHASES)}",
                limit,
            ),
            processes=tuple(
                (UUID(hex=r[0]), r[1])
                for r in conn.execute(
                    f"SELECT process_id, name FROM {p}_processes WHERE council_id = ? "
                    "ORDER BY name, process_id",
                    [c],
                )
            ),
            projects=tuple(
                (UUID(hex=r[0]), r[1])
                for r in conn.execute(
                    f"SELECT j.project_id, j.title FROM {p}_projects j JOIN {p}_processes s "
                    "ON s.process_id = j.process_id WHERE s.council_id = ? "
                    "ORDER BY j.title, j.project_id",
                    [c],
                )
            ),
            position=tracked_position(conn, p),
            paper_ballots=tuple(
                (UUID(hex=r[0]), r[1], int(r[2]))
                for r in conn.execute(
                    f"SELECT s.process_id, s.name, COUNT(*) FROM {p}_paper_ballots b "
                    f"JOIN {p}_processes s ON s.process_id = b.process_id "
                    "WHERE s.council_id = ? AND b.state = 'pending' "
                    "GROUP BY s.process_id, s.name ORDER BY s.name, s.process_id",
                    [c],
                )
            ),
        )

    return read_active(conn, QueuesModel, read)


def _in(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


def _count(conn: Connection, sql: str, params: list[Any]) -> int:
    return int(conn.execute(f"SELECT COUNT(*) {sql}", params)[0][0])


def _proposals(conn: Connection, p: str, c: str, where: str, limit: int) -> Queue[ProposalItem]:
    sql = (
        f"FROM {p}_proposals a JOIN {p}_processes s ON s.process_id = a.process_id "
        f"WHERE s.council_id = ? AND {where}"
    )
    rows = conn.execute(
        "SELECT a.proposal_id, a.process_id, s.name, a.title, a.status "
        f"{sql} ORDER BY a.updated_us, a.proposal_id LIMIT ?",
        [c, limit],
    )
    items = tuple(ProposalItem(UUID(hex=r[0]), UUID(hex=r[1]), r[2], r[3], r[4]) for r in rows)
    return Queue(_count(conn, sql, [c]), items)


def _hearings(
    conn: Connection, p: str, c: str, today: date, *, overdue: bool, limit: int
) -> Queue[HearingItem]:
    sql = (
        f"FROM {p}_hearings h JOIN {p}_proposals a ON a.proposal_id = h.proposal_id "
        f"JOIN {p}_processes s ON s.process_id = a.process_id "
        f"WHERE s.council_id = ? AND h.answered_on IS NULL "
        f"AND a.status IN {_in(HEARING_OPEN_STATUSES)} "
        f"AND h.deadline {'<' if overdue else '>='} ?"
    )
    params: list[Any] = [c, today.isoformat()]
    rows = conn.execute(
        "SELECT h.hearing_id, h.proposal_id, a.process_id, a.title, h.sent_on, h.deadline "
        f"{sql} ORDER BY h.deadline, h.hearing_id LIMIT ?",
        [*params, limit],
    )
    items = tuple(
        HearingItem(
            UUID(hex=r[0]),
            UUID(hex=r[1]),
            UUID(hex=r[2]),
            r[3],
            date.fromisoformat(r[4]),
            date.fromisoformat(r[5]),
            overdue,
        )
        for r in rows
    )
    return Queue(_count(conn, sql, params), items)


def _contributions(conn: Connection, p: str, c: str, limit: int) -> Queue[ContributionItem]:
    sql = (
        f"FROM {p}_contributions w JOIN {p}_projects j ON j.project_id = w.project_id "
        f"JOIN {p}_processes s ON s.process_id = j.process_id "
        "WHERE s.council_id = ? AND w.status = 'logged'"
    )
    rows = conn.execute(
        "SELECT w.contribution_id, w.project_id, j.title, w.organisation_id, w.hours, "
        f"w.people_count, w.worked_on {sql} ORDER BY w.worked_on, w.contribution_id LIMIT ?",
        [c, limit],
    )
    items = tuple(
        ContributionItem(
            UUID(hex=r[0]),
            UUID(hex=r[1]),
            r[2],
            UUID(hex=r[3]),
            Decimal(r[4]),
            int(r[5]),
            date.fromisoformat(r[6]),
        )
        for r in rows
    )
    return Queue(_count(conn, sql, [c]), items)
