"""Listing processes from the process summary read model: ONE query for every caller.

HTTP asks for a page, the CLI for every process; both are :func:`read_processes` (the CLI
without a limit), so they cannot disagree on order, on which processes exist or on the
position the answer reflects (the facade, :mod:`projections.queries`, is how callers reach it).

Why keyset paging by default: an offset page re-reads and skips every earlier row and shifts
when a process is opened meanwhile; a cursor (the last row's name and id) starts exactly
after the last row seen, so a client walking all pages never sees one twice or misses one.
An offset is still accepted for clients that jump to a page number.

Reads only the active generation, in one snapshot with the position it reflects, so a
caller can tell how fresh the page is; a rebuild that switches generations mid-read is
retried like every reader.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from coprod.domain.errors import InvalidInput
from coprod.domain.phases import Phase
from coprod.domain.process import ProcessKind
from projections.kernel.positions import ActiveGeneration, tracked_position
from projections.kernel.reading import read_active
from projections.process_summary.model import ProcessSummaryModel
from projections.store import Connection

__all__ = [
    "MAX_LIMIT",
    "ProcessListItem",
    "ProcessPage",
    "decode_cursor",
    "process_page",
    "read_processes",
]

#: The most rows one page may ask for.
MAX_LIMIT = 500


@dataclass(frozen=True)
class ProcessListItem:
    """One process as it stands now in the read model."""

    process_id: UUID
    name: str
    kind: ProcessKind
    phase: Phase
    currency: str
    ballot_state: str


@dataclass(frozen=True)
class ProcessPage:
    """One page, how many processes there are in all, and where the next page starts."""

    items: tuple[ProcessListItem, ...]
    total: int
    #: Pass back as ``cursor`` for the next page; None on the last page.
    next_cursor: str | None
    #: The log position the read model had applied when the page was read.
    position: int


def encode_cursor(name: str, process_id: str) -> str:
    raw = json.dumps([name, process_id], ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[str, str]:
    """The (name, process id hex) a cursor stands for; InvalidInput for anything else."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        name, pid = json.loads(raw)
        if isinstance(name, str) and isinstance(pid, str) and len(pid) == 32:
            int(pid, 16)
            return name, pid
    except (binascii.Error, ValueError, TypeError):
        pass
    raise InvalidInput("cursor", "is not a cursor this API gave out; start again without one")


def process_page(
    conn: Connection, *, limit: int = 50, cursor: str | None = None, offset: int = 0
) -> ProcessPage:
    """Processes ordered by name (then id): `limit` of them after `cursor`, or after `offset`."""
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput("limit", f"must be between 1 and {MAX_LIMIT}")
    if offset < 0:
        raise InvalidInput("offset", "must not be negative")
    if cursor is not None and offset:
        raise InvalidInput("cursor", "send either cursor or offset, not both")
    after = None if cursor is None else decode_cursor(cursor)
    return read_processes(conn, limit=limit, after=after, offset=offset)


def read_processes(
    conn: Connection,
    *,
    limit: int | None = None,
    after: tuple[str, str] | None = None,
    offset: int = 0,
) -> ProcessPage:
    """Each process as it stands now, by name then id: `limit` of them (None: all) after
    the (name, id hex) `after`, or after `offset` rows; in one snapshot with the position."""

    def read(active: ActiveGeneration) -> ProcessPage:
        return _read(conn, active.prefix, (limit, after, offset))

    return read_active(conn, ProcessSummaryModel, read)


def _read(
    conn: Connection, p: str, window: tuple[int | None, tuple[str, str] | None, int]
) -> ProcessPage:
    limit, after, offset = window
    position = tracked_position(conn, p)
    total = int(conn.execute(f"SELECT COUNT(DISTINCT process_id) FROM {p}_process")[0][0])
    where, params = "", list[Any]()
    if after is not None:
        where = "AND (name > ? OR (name = ? AND process_id > ?)) "
        params = [after[0], after[0], after[1]]
    page = "" if limit is None else "LIMIT ? OFFSET ?"
    if limit is not None:
        params += [limit + 1, 0 if after is not None else offset]
    rows = conn.execute(
        "SELECT process_id, name, kind, phase, currency, ballot_state "
        f"FROM {p}_process p1 WHERE notification_id = (SELECT MAX(notification_id) "
        f"FROM {p}_process p2 WHERE p2.process_id = p1.process_id) {where}"
        f"ORDER BY name, process_id {page}",
        params,
    )
    more = limit is not None and len(rows) > limit
    rows = rows[:limit]
    items = tuple(
        ProcessListItem(
            process_id=UUID(hex=str(pid)),
            name=str(name),
            kind=ProcessKind(kind),
            phase=Phase(phase),
            currency=str(currency),
            ballot_state=str(state),
        )
        for pid, name, kind, phase, currency, state in rows
    )
    next_cursor = encode_cursor(str(rows[-1][1]), str(rows[-1][0])) if more else None
    return ProcessPage(items, total, next_cursor, position)
