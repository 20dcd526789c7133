"""Reading a group's commitments: pledged against logged, verified against waiting.

Why a query of its own: the phone page a volunteer opens from a commitment's QR code must
show, at once and on a slow connection, what the group promised and how much of it is
logged and verified; summing the group's contribution aggregates per visit would grow
with its history. Both reads run on one snapshot of one generation, so the sums agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from projections.commitments.model import CommitmentsModel
from projections.kernel.positions import ActiveGeneration
from projections.kernel.reading import read_active
from projections.store import Connection

__all__ = ["CommitmentRow", "LogRow", "commitment_logs", "group_commitments"]

#: How many of a commitment's logs its page lists (the latest first).
RECENT_LOGS = 50


@dataclass(frozen=True)
class CommitmentRow:
    """One pledge with its hours: logged in all, of which verified and still waiting."""

    commitment_id: UUID
    organisation_id: UUID
    project_id: UUID
    project_title: str
    phase: str
    level: str
    pledged_hours: Decimal | None
    in_kind: str | None
    status: str
    logged_hours: Decimal
    verified_hours: Decimal
    waiting_hours: Decimal
    logs: int


@dataclass(frozen=True)
class LogRow:
    """One day's logged work: hours, head count, day and where verification stands."""

    contribution_id: UUID
    hours: Decimal
    people_count: int
    worked_on: date
    status: str


_SELECT = (
    "SELECT c.commitment_id, c.organisation_id, c.project_id, COALESCE(j.title, ''), c.phase, "
    "c.level, c.pledged_hours, c.in_kind, c.status, w.hours, w.status "
    "FROM {p}_commitments c LEFT JOIN {p}_projects j ON j.project_id = c.project_id "
    "LEFT JOIN {p}_contributions w ON w.commitment_id = c.commitment_id "
)


def group_commitments(
    conn: Connection, organisation_id: UUID, commitment_id: UUID | None = None
) -> tuple[CommitmentRow, ...]:
    """The group's commitments, oldest first (or just `commitment_id`, if it is the group's).

    Hours are summed here in exact decimals (stored as text, so both stores agree).
    """

    def read(active: ActiveGeneration) -> tuple[CommitmentRow, ...]:
        where, params = "WHERE c.organisation_id = ?", [organisation_id.hex]
        if commitment_id is not None:
            where, params = where + " AND c.commitment_id = ?", [*params, commitment_id.hex]
        rows = conn.execute(
            _SELECT.replace("{p}", active.prefix) + where + " ORDER BY c.made_us, c.commitment_id",
            params,
        )
        return _summed(rows)

    return read_active(conn, CommitmentsModel, read)


@dataclass
class _Sums:
    """The hours of one commitment's logs, added up row by row."""

    row: tuple[Any, ...]
    logged: Decimal = Decimal(0)
    verified: Decimal = Decimal(0)
    waiting: Decimal = Decimal(0)
    logs: int = 0

    def add(self, hours: Decimal, status: str) -> None:
        self.logged += hours
        self.verified += hours if status == "verified" else 0
        self.waiting += hours if status == "logged" else 0
        self.logs += 1


def _summed(rows: list[tuple[Any, ...]]) -> tuple[CommitmentRow, ...]:
    found: dict[str, _Sums] = {}
    for r in rows:
        sums = found.setdefault(r[0], _Sums(r))
        if r[9] is not None:
            sums.add(Decimal(r[9]), r[10])
    return tuple(
        CommitmentRow(
            commitment_id=UUID(hex=r[0]),
            organisation_id=UUID(hex=r[1]),
            project_id=UUID(hex=r[2]),
            project_title=r[3],
            phase=r[4],
            level=r[5],
            pledged_hours=None if r[6] is None else Decimal(r[6]),
            in_kind=r[7],
            status=r[8],
            logged_hours=s.logged,
            verified_hours=s.verified,
            waiting_hours=s.waiting,
            logs=s.logs,
        )
        for s in found.values()
        for r in (s.row,)
    )


def commitment_logs(conn: Connection, commitment_id: UUID) -> tuple[LogRow, ...]:
    """The commitment's latest logs, the most recent day first."""

    def read(active: ActiveGeneration) -> tuple[LogRow, ...]:
        rows = conn.execute(
            f"SELECT contribution_id, hours, people_count, worked_on, status "
            f"FROM {active.prefix}_contributions WHERE commitment_id = ? "
            "ORDER BY worked_on DESC, logged_us DESC LIMIT ?",
            [commitment_id.hex, RECENT_LOGS],
        )
        return tuple(
            LogRow(UUID(hex=r[0]), Decimal(r[1]), int(r[2]), date.fromisoformat(r[3]), r[4])
            for r in rows
        )

    return read_active(conn, CommitmentsModel, read)
