"""Resolving readable addresses: a process by its code, a project by its code in a process.

A process code is unique within its council, so two councils may use the same one: a lookup
then returns every match, and the caller asks which was meant (or the address names the
council, ``<council slug>~<code>``). A project's code is its title made readable when it was
funded (:func:`projections.addresses.slugs.slugify`), numbered -2, -3... on a clash in the
order of funding, so it never changes once printed.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from projections.addresses.model import AddressesModel
from projections.addresses.slugs import slugify, unique
from projections.kernel.positions import ActiveGeneration
from projections.kernel.reading import read_active
from projections.store import Connection

__all__ = [
    "COUNCIL_SEPARATOR",
    "ProcessMatch",
    "process_addresses",
    "processes_by_code",
    "project_codes",
]

#: Between a council's slug and a process code when a code alone is ambiguous.
COUNCIL_SEPARATOR = "~"


@dataclass(frozen=True)
class ProcessMatch:
    """A process a code names, with its council's slug (to tell two councils' apart)."""

    process_id: UUID
    council_slug: str
    code: str


def processes_by_code(conn: Connection, address: str) -> tuple[ProcessMatch, ...]:
    """Every process `address` names: ``code`` or ``<council slug>~code``."""
    council, _, code = address.rpartition(COUNCIL_SEPARATOR)

    def read(active: ActiveGeneration) -> tuple[ProcessMatch, ...]:
        p = active.prefix
        sql = (
            f"SELECT s.process_id, COALESCE(o.slug, ''), s.code FROM {p}_processes s "
            f"LEFT JOIN {p}_organisations o ON o.organisation_id = s.council_id "
            "WHERE s.code = ?"
        )
        params = [code]
        if council:
            sql, params = sql + " AND o.slug = ?", [*params, council]
        rows = conn.execute(sql + " ORDER BY o.slug, s.process_id", params)
        return tuple(ProcessMatch(UUID(hex=r[0]), r[1], r[2]) for r in rows)

    return read_active(conn, AddressesModel, read)


def project_codes(conn: Connection, process_id: UUID) -> dict[str, UUID]:
    """Every project of the process by its code."""

    def read(active: ActiveGeneration) -> dict[str, UUID]:
        rows = conn.execute(
            f"SELECT project_id, title FROM {active.prefix}_projects WHERE process_id = ? "
            "ORDER BY funded_at, project_id",
            [process_id.hex],
        )
        codes = unique([slugify(r[1]) for r in rows])
        return {code: UUID(hex=r[0]) for code, r in zip(codes, rows, strict=True)}

    return read_active(conn, AddressesModel, read)


def process_addresses(conn: Connection) -> dict[UUID, str]:
    """Every process's readable address: its code, or ``<council slug>~<code>`` where
    several councils use the same code (the form :func:`processes_by_code` resolves)."""

    def read(active: ActiveGeneration) -> dict[UUID, str]:
        p = active.prefix
        rows = conn.execute(
            f"SELECT s.process_id, s.code, COALESCE(o.slug, '') FROM {p}_processes s "
            f"LEFT JOIN {p}_organisations o ON o.organisation_id = s.council_id",
            [],
        )
        uses: dict[str, int] = {}
        for row in rows:
            uses[row[1]] = uses.get(row[1], 0) + 1
        found: dict[UUID, str] = {}
        for process_id, code, council in rows:
            if uses[code] == 1:
                found[UUID(hex=process_id)] = code
            elif council:
                found[UUID(hex=process_id)] = f"{council}{COUNCIL_SEPARATOR}{code}"
        return found

    return read_active(conn, AddressesModel, read)
