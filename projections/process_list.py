"""A page of processes from the process summary read model, for lists that must not grow unbounded.

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
from uuid import UUID

from coprod.domain.errors import InvalidInput, NotFound
from coprod.domain.phases import Phase
from coprod.domain.process import ProcessKind
from projections.process_summary import ProcessSummaryModel
from projections.store import DB_ERRORS, REGISTRY, Connection, read_generation

__all__ = ["MAX_LIMIT", "ProcessListItem", "ProcessPage", "decode_cursor", "process_page"]

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
    for attempt in range(3):
        try:
            with conn.snapshot():
                return _read(conn, limit, after, offset)
        except DB_ERRORS as e:
            # A rebuild dropped the generation between our registry read and the query.
            if attempt == 2 or not Connection.is_missing_table(e):
                raise
    raise AssertionError("unreachable")


def _read(conn: Connection, limit: int, after: tuple[str, str] | None, offset: int) -> ProcessPage:
    key = ProcessSummaryModel.key()
    generation = read_generation(conn, key) if REGISTRY in conn.tables() else None
    if generation is None:
        raise NotFound("read model", f"{key} (run `coprod project --once`)")
    p = ProcessSummaryModel.prefix(generation.active)
    tracked = conn.execute(f"SELECT MAX(notification_id) FROM {p}_tracking")
    position = int(tracked[0][0] or 0) if tracked else 0
    total = int(conn.execute(f"SELECT COUNT(DISTINCT process_id) FROM {p}_process")[0][0])
    where, params = "", []
    if after is not None:
        where = "AND (name > ? OR (name = ? AND process_id > ?)) "
        params = [after[0], after[0], after[1]]
    rows = conn.execute(
        "SELECT process_id, name, kind, phase, currency, ballot_state "
        f"FROM {p}_process p1 WHERE notification_id = (SELECT MAX(notification_id) "
        f"FROM {p}_process p2 WHERE p2.process_id = p1.process_id) {where}"
        "ORDER BY name, process_id LIMIT ? OFFSET ?",
        (*params, limit + 1, 0 if after is not None else offset),
    )
    more = len(rows) > limit
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
