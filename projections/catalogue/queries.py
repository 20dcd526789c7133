"""Reading the catalogue: a filtered page of a process's ideas, and the filters' choices.

One query for every caller (the web pages and their JSON twins over HTTP), so a list on a
page and the JSON beside it cannot disagree. Pages are by title then id, with an offset:
a process has at most a few thousand ideas, and people jump to page numbers.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from uuid import UUID

from coprod.domain.errors import InvalidInput
from projections.catalogue.model import CatalogueModel
from projections.catalogue.tables import CASE_COLUMNS
from projections.kernel.positions import ActiveGeneration, tracked_position
from projections.kernel.reading import read_active
from projections.store import Connection

__all__ = [
    "MAX_CASES",
    "CaseFacets",
    "CaseFilter",
    "CasePage",
    "CaseRow",
    "case_facets",
    "case_page",
]

#: The most rows one page may ask for.
MAX_CASES = 500


@dataclass(frozen=True)
class CaseRow:
    """One idea as it stands now, and the project it became (if funded)."""

    proposal_id: UUID
    process_id: UUID
    title: str
    stage: str
    status: str
    area: str | None
    category: str | None
    cost: Decimal | None
    currency: str | None
    project_id: UUID | None
    project_status: str | None
    approved: Decimal | None


@dataclass(frozen=True)
class CaseFilter:
    """What a list is narrowed to; None is "any". `projects` keeps only funded ideas, and
    `status` then means the project's status (in_delivery, completed, cancelled)."""

    area: str | None = None
    category: str | None = None
    status: str | None = None
    projects: bool = False


@dataclass(frozen=True)
class CasePage:
    """One page, how many rows match in all, and the log position the answer reflects."""

    items: tuple[CaseRow, ...]
    total: int
    offset: int
    limit: int
    position: int


@dataclass(frozen=True)
class CaseFacets:
    """The values each filter can take in a process, with how many rows have each."""

    areas: tuple[tuple[str, int], ...]
    categories: tuple[tuple[str, int], ...]
    statuses: tuple[tuple[str, int], ...]


def case_page(
    conn: Connection,
    process_id: UUID,
    where: CaseFilter = CaseFilter(),
    *,
    limit: int = 50,
    offset: int = 0,
) -> CasePage:
    """The process's ideas (or projects) matching `where`, by title, `limit` after `offset`."""
    if not 1 <= limit <= MAX_CASES:
        raise InvalidInput("limit", f"must be between 1 and {MAX_CASES}")
    if offset < 0:
        raise InvalidInput("offset", "must not be negative")

    def read(active: ActiveGeneration) -> CasePage:
        p = active.prefix
        clause, params = _where(process_id, where)
        total = int(conn.execute(f"SELECT COUNT(*) FROM {p}_cases WHERE {clause}", params)[0][0])
        rows = conn.execute(
            f"SELECT {', '.join(CASE_COLUMNS)} FROM {p}_cases WHERE {clause} "
            "ORDER BY title, proposal_id LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        items = tuple(_row(r) for r in rows)
        return CasePage(items, total, offset, limit, tracked_position(conn, p))

    return read_active(conn, CatalogueModel, read)


def case_facets(conn: Connection, process_id: UUID, *, projects: bool = False) -> CaseFacets:
    """Areas, categories and statuses in use in the process (for the filter choices)."""

    def read(active: ActiveGeneration) -> CaseFacets:
        clause, params = _where(process_id, CaseFilter(projects=projects))
        status = "project_status" if projects else "status"
        rows = conn.execute(
            f"SELECT area, category, {status} FROM {active.prefix}_cases WHERE {clause}", params
        )
        return CaseFacets(
            areas=_counted(r[0] for r in rows),
            categories=_counted(r[1] for r in rows),
            statuses=_counted(r[2] for r in rows),
        )

    return read_active(conn, CatalogueModel, read)


def _where(process_id: UUID, where: CaseFilter) -> tuple[str, list[Any]]:
    clauses, params = ["process_id = ?"], [process_id.hex]
    if where.projects:
        clauses.append("project_id IS NOT NULL")
    for column, value in (("area", where.area), ("category", where.category)):
        if value is not None:
            clauses.append(f"{column} = ?")
            params.append(value)
    if where.status is not None:
        clauses.append(f"{'project_status' if where.projects else 'status'} = ?")
        params.append(where.status)
    return " AND ".join(clauses), params


def _counted(values: Any) -> tuple[tuple[str, int], ...]:
    counts = Counter(str(v) for v in values if v is not None)
    return tuple(sorted(counts.items()))


def _row(r: tuple[Any, ...]) -> CaseRow:
    values = dict(zip(CASE_COLUMNS, r, strict=True))
    return CaseRow(
        proposal_id=UUID(hex=values["proposal_id"]),
        process_id=UUID(hex=values["process_id"]),
        title=values["title"],
        stage=values["stage"],
        status=values["status"],
        area=values["area"],
        category=values["category"],
        cost=_decimal(values["cost"]),
        currency=values["currency"],
        project_id=None if values["project_id"] is None else UUID(hex=values["project_id"]),
        project_status=values["project_status"],
        approved=_decimal(values["approved"]),
    )


def _decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)
