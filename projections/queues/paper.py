"""Reading the paper ballots of one process that wait for a second officer's check.

Why a query of the queues model and not a scan of the log: the console lists them on every
view, and the entries are few next to the ballots, which this model never decodes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

from projections.kernel.positions import ActiveGeneration
from projections.kernel.reading import read_active
from projections.queues.model import QueuesModel
from projections.store import Connection

__all__ = ["PaperBallotItem", "pending_paper_ballots"]


@dataclass(frozen=True)
class PaperBallotItem:
    """A typed-in paper ballot waiting to be checked against the paper."""

    paper_ballot_id: UUID
    serial: str
    entered_by: UUID
    entered_at: datetime


def pending_paper_ballots(
    conn: Connection, process_id: UUID, *, limit: int = 200
) -> tuple[PaperBallotItem, ...]:
    """The process's pending entries, oldest first (the paper waiting longest comes first)."""

    def read(active: ActiveGeneration) -> tuple[PaperBallotItem, ...]:
        rows = conn.execute(
            "SELECT paper_ballot_id, serial, entered_by, entered_us "
            f"FROM {active.prefix}_paper_ballots WHERE process_id = ? AND state = 'pending' "
            "ORDER BY entered_us, paper_ballot_id LIMIT ?",
            [process_id.hex, limit],
        )
        return tuple(
            PaperBallotItem(
                UUID(hex=r[0]),
                r[1],
                UUID(hex=r[2]),
                datetime.fromtimestamp(int(r[3]) / 1_000_000, tz=UTC),
            )
            for r in rows
        )

    return read_active(conn, QueuesModel, read)
