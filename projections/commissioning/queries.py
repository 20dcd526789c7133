"""Reading co-commissioning: a process's tenders, and one tender's progress and outcome.

Bids stay sealed here: before the tender is opened (after its deadline) no query returns a
bid, a bidder or even how many bids arrived. Panel members are counted by role, never
listed; individual scores are for the council's officers and evaluators only (``full``).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from uuid import UUID

from projections.commissioning.model import CommissioningModel
from projections.commissioning.rows import read_tender
from projections.commissioning.views import TenderSummary, TenderView, stage_of
from projections.kernel.positions import ActiveGeneration
from projections.kernel.reading import read_active
from projections.store import Connection

__all__ = ["panels_of", "tender_of_project", "tender_view", "tenders_of"]


def tenders_of(conn: Connection, process_id: UUID) -> list[TenderSummary]:
    """The tenders of a process, newest deadline first."""

    def read(active: ActiveGeneration) -> list[TenderSummary]:
        p = active.prefix
        rows = conn.execute(
            "SELECT t.tender_id, t.code, t.title, n.title, t.deadline, t.opened, t.lots, "
            f"(SELECT COUNT(*) FROM {p}_awards a WHERE a.tender_id = t.tender_id), "
            f"(SELECT COUNT(*) FROM {p}_contracts c WHERE c.tender_id = t.tender_id) "
            f"FROM {p}_tenders t JOIN {p}_needs n ON n.need_id = t.need_id "
            "WHERE t.process_id = ? ORDER BY t.deadline DESC, t.code",
            [process_id.hex],
        )
        return [_summary(r) for r in rows]

    return read_active(conn, CommissioningModel, read)


def tender_view(conn: Connection, tender_id: UUID, *, full: bool = False) -> TenderView | None:
    """One tender as the public may see it; `full` adds the members' scores."""

    def read(active: ActiveGeneration) -> TenderView | None:
        return read_tender(conn, active.prefix, tender_id.hex, full=full)

    return read_active(conn, CommissioningModel, read)


def tender_of_project(conn: Connection, project_id: UUID) -> UUID | None:
    """The tender whose contract a project delivers (None: a PB project, or not yet read)."""

    def read(active: ActiveGeneration) -> UUID | None:
        rows = conn.execute(
            f"SELECT tender_id FROM {active.prefix}_contracts WHERE project_id = ?",
            [project_id.hex],
        )
        return UUID(hex=rows[0][0]) if rows else None

    return read_active(conn, CommissioningModel, read)


def panels_of(conn: Connection, member_id: UUID) -> list[TenderSummary]:
    """The tenders on whose evaluation panel this person sits, newest deadline first."""

    def read(active: ActiveGeneration) -> list[TenderSummary]:
        p = active.prefix
        rows = conn.execute(
            "SELECT t.tender_id, t.code, t.title, n.title, t.deadline, t.opened, t.lots, "
            f"(SELECT COUNT(*) FROM {p}_awards a WHERE a.tender_id = t.tender_id), "
            f"(SELECT COUNT(*) FROM {p}_contracts c WHERE c.tender_id = t.tender_id) "
            f"FROM {p}_panel m JOIN {p}_tenders t ON t.tender_id = m.tender_id "
            f"JOIN {p}_needs n ON n.need_id = t.need_id "
            "WHERE m.member_id = ? ORDER BY t.deadline DESC, t.code",
            [member_id.hex],
        )
        return [_summary(r) for r in rows]

    return read_active(conn, CommissioningModel, read)


def _summary(r: Any) -> TenderSummary:
    stage = stage_of(bool(r[5]), int(r[7]), int(r[8]), len(json.loads(r[6])))
    return TenderSummary(UUID(hex=r[0]), r[1], r[2], r[3], datetime.fromisoformat(r[4]), stage)
