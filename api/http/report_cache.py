"""Rendered impact reports, kept in process until the read model moves.

An impact report on a process with many ballots takes tens of milliseconds to compute and
render, yet it can only change when the impact read model applies another event (its
tracking position moves), when a rebuild switches its generation, or, for the "now"
report, when the date changes (overdue milestones and backlog ages count from today). So
the rendered JSON is kept under exactly those inputs, plus the process and ``as_of``, and a
repeat costs one small query for the position instead of the whole report.

A report ``as_of`` a past time is keyed by the position too: a worker that is behind (or a
rebuild) may still add events from before that time, and a cached answer must never be
older than what the read model shows. The report is the same for every caller (it is
public and disclosure-controlled), so the caller's role is not part of the key.

The cache is a bounded LRU: :data:`REPORT_CACHE_SIZE` reports, a few hundred kB each at
most, so memory stays small however many processes are asked for.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, date, datetime
from uuid import UUID

from projections.impact.model import ImpactModel
from projections.queries import position
from projections.store import Connection

__all__ = ["REPORT_CACHE_SIZE", "ReportCache", "impact_position"]

#: How many rendered reports are kept; the least recently used goes first.
REPORT_CACHE_SIZE = 64

Key = tuple[UUID, str | None, date | None, int, int, str | None]


def impact_position(conn: Connection) -> tuple[int, int] | None:
    """The impact read model's active generation and applied log position, or None."""
    found = position(conn, ImpactModel)
    return None if found is None else (found.generation, found.position)


class ReportCache:
    """A thread-safe LRU of rendered reports, keyed by what the report depends on."""

    def __init__(self, size: int = REPORT_CACHE_SIZE) -> None:
        self.size = size
        self._items: OrderedDict[Key, bytes] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def key(
        process_id: UUID,
        as_of: datetime | None,
        position: tuple[int, int],
        today: date | None,
        valid_at: date | datetime | None = None,
    ) -> Key:
        """The inputs of one report; ``today`` matters only without ``as_of`` (a report at a
        business date still counts overdue milestones from the earlier of the two)."""
        day = (today or datetime.now(UTC).date()) if as_of is None else None
        generation, applied = position
        moment = None if as_of is None else as_of.isoformat()  # the report echoes it as given
        valid = None if valid_at is None else valid_at.isoformat()
        return (process_id, moment, day, generation, applied, valid)

    def get_or_render(self, key: Key, render: Callable[[], bytes]) -> bytes:
        """The cached rendering, or `render()` once and remember it (refusals are not kept)."""
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                return found
        rendered = render()  # outside the lock: two first requests may both render, harmlessly
        with self._lock:
            self._items[key] = rendered
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return rendered

    def __len__(self) -> int:
        return len(self._items)
