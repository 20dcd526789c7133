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
from projections.kernel.positions import ActiveGeneration, tracked_position
from projections.kernel.reading import read_active
from projections.store import Connection

__all__ = [
    "CommitmentRow",
    "CommitmentTerms",
    "ContributionPage",
    "ContributionRow",
    "LogRow",
    "commitment_logs",
    "commitment_terms",
    "group_commitments",
    "group_contributions",
]

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
    "LEFT JOIN {p}_processes s ON s.process_id = j.process_id "
    "LEFT JOIN {p}_contributions w ON w.commitment_id = c.commitment_id "
)


def group_commitments(
    conn: Connection,
    organisation_id: UUID,
    commitment_id: UUID | None = None,
    *,
    council_id: UUID | None = None,
) -> tuple[CommitmentRow, ...]:
    """The group's commitments, oldest first (or just `commitment_id`, if it is the group's);
    with `council_id`, only those on that council's projects (what its officers may see).

    Hours are summed here in exact decimals (stored as text, so both stores agree).
    """

    def read(active: ActiveGeneration) -> tuple[CommitmentRow, ...]:
        where, params = "WHERE c.organisation_id = ?", [organisation_id.hex]
        if commitment_id is not None:
            where, params = where + " AND c.commitment_id = ?", [*params, commitment_id.hex]
        if council_id is not None:
            where, params = where + " AND s.council_id = ?", [*params, council_id.hex]
        rows = conn.execute(
            _SELECT.replace("{p}", active.prefix) + where + " ORDER BY c.made_us, c.commitment_id",
            params,
        )
        return _summed(rows)

    return read_active(conn, CommitmentsModel, read)


@dataclass(frozen=True)
class CommitmentTerms:
    """What a log against a commitment takes from it: phase, level and whether it is open."""

    commitment_id: UUID
    project_id: UUID
    phase: str
    level: str
    status: str


def commitment_terms(
    conn: Connection, organisation_id: UUID, commitment_id: UUID
) -> CommitmentTerms | None:
    """The commitment's terms if it is the group's (None otherwise), without its logs.

    Why not :func:`group_commitments`: a log POST needs no sums, and those read every log
    of the commitment, so each POST would cost more as the group's history grows.
    """

    def read(active: ActiveGeneration) -> CommitmentTerms | None:
        rows = conn.execute(
            f"SELECT project_id, phase, level, status FROM {active.prefix}_commitments "
            "WHERE organisation_id = ? AND commitment_id = ?",
            [organisation_id.hex, commitment_id.hex],
        )
        if not rows:
            return None
        project, phase, level, status = rows[0]
        return CommitmentTerms(commitment_id, UUID(hex=project), phase, level, status)

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


@dataclass(frozen=True)
class ContributionRow:
    """One log of a group's work, with the commitment and project it was logged against."""

    contribution_id: UUID
    commitment_id: UUID
    project_id: UUID
    project_title: str
    hours: Decimal
    people_count: int
    worked_on: date
    status: str


@dataclass(frozen=True)
class ContributionPage:
    """One page, how many match in all, and the log position the answer reflects."""

    items: tuple[ContributionRow, ...]
    total: int
    offset: int
    limit: int
    position: int


def group_contributions(
    conn: Connection,
    organisation_id: UUID,
    *,
    status: str | None = None,
    council_id: UUID | None = None,
    limit: int = 50,
    offset: int = 0,
) -> ContributionPage:
    """The group's logged work (with `status`: logged, verified or disputed), the latest day
    first; with `council_id`, only on that council's projects."""

    def read(active: ActiveGeneration) -> ContributionPage:
        p = active.prefix
        where, params = "WHERE c.organisation_id = ?", [organisation_id.hex]
        if status is not None:
            where, params = where + " AND w.status = ?", [*params, status]
        if council_id is not None:
            where, params = where + " AND s.council_id = ?", [*params, council_id.hex]
        base = (
            f"FROM {p}_contributions w JOIN {p}_commitments c "
            "ON c.commitment_id = w.commitment_id "
            f"LEFT JOIN {p}_projects j ON j.project_id = c.project_id "
            f"LEFT JOIN {p}_processes s ON s.process_id = j.process_id "
        )
        total = int(conn.execute(f"SELECT COUNT(*) {base}{where}", params)[0][0])
        rows = conn.execute(
            "SELECT w.contribution_id, w.commitment_id, c.project_id, COALESCE(j.title, ''), "
            f"w.hours, w.people_count, w.worked_on, w.status {base}{where} "
            "ORDER BY w.worked_on DESC, w.contribution_id LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        items = tuple(
            ContributionRow(
                contribution_id=UUID(hex=r[0]),
                commitment_id=UUID(hex=r[1]),
                project_id=UUID(hex=r[2]),
                project_title=r[3],
                hours=Decimal(r[4]),
                people_count=int(r[5]),
                worked_on=date.fromisoformat(r[6]),
                status=r[7],
            )
            for r in rows
        )
        return ContributionPage(items, total, offset, limit, tracked_position(conn, p))

    return read_active(conn, CommitmentsModel, read)
