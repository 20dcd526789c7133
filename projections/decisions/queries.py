"""Reading a process's decisions: filtered by outcome, paged, newest act first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from uuid import UUID

from projections.decisions.model import DecisionsModel
from projections.kernel.positions import ActiveGeneration, tracked_position
from projections.kernel.reading import read_active
from projections.store import Connection

__all__ = ["DecisionPage", "DecisionRow", "decision_page"]


@dataclass(frozen=True)
class DecisionRow:
    """One decision as it now stands, with its proposal's title."""

    decision_id: UUID
    proposal_id: UUID
    title: str
    outcome: str
    status: str
    amount: Decimal | None
    currency: str | None
    decided_on: date
    legal_basis: str | None


@dataclass(frozen=True)
class DecisionPage:
    """One page, how many match in all, and the log position the answer reflects."""

    items: tuple[DecisionRow, ...]
    total: int
    offset: int
    limit: int
    position: int


def decision_page(
    conn: Connection,
    process_id: UUID,
    *,
    outcome: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> DecisionPage:
    """The process's decisions (or those with `outcome`), the latest act first."""

    def read(active: ActiveGeneration) -> DecisionPage:
        p = active.prefix
        where, params = "WHERE d.process_id = ?", [process_id.hex]
        if outcome is not None:
            where, params = where + " AND d.outcome = ?", [*params, outcome]
        base = f"FROM {p}_decisions d LEFT JOIN {p}_proposals a ON a.proposal_id = d.proposal_id "
        total = int(conn.execute(f"SELECT COUNT(*) {base}{where}", params)[0][0])
        rows = conn.execute(
            "SELECT d.decision_id, d.proposal_id, COALESCE(a.title, ''), d.outcome, d.status, "
            f"d.amount, d.currency, d.decided_on, d.legal_basis {base}{where} "
            "ORDER BY d.decided_on DESC, d.decision_id LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        items = tuple(
            DecisionRow(
                decision_id=UUID(hex=r[0]),
                proposal_id=UUID(hex=r[1]),
                title=r[2],
                outcome=r[3],
                status=r[4],
                amount=None if r[5] is None else Decimal(r[5]),
                currency=r[6],
                decided_on=date.fromisoformat(r[7]),
                legal_basis=r[8],
            )
            for r in rows
        )
        return DecisionPage(items, total, offset, limit, tracked_position(conn, p))

    return read_active(conn, DecisionsModel, read)
