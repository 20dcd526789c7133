"""A simulated clock for the demo seeder: its events are stamped with the cycle's own dates.

The demo records a PB cycle that in real life takes a year and a half, in a few seconds. With
the real clock every event would be stamped "now", and the domain measures some facts against
when they were recorded (a milestone cannot be met before the day it was scheduled, i.e. the
scheduling event's date), so every delivery date would have to be today: vote-to-delivery
would have no spread and every milestone would be on time. While the seeder runs, this module
therefore replaces the library's timestamp function (``eventsourcing.domain
.datetime_now_with_tzinfo``, which every event's ``create_timestamp`` calls) with a clock the
seeder moves forward step by step through the cycle, so the demo's audit trail and business
dates agree with each other.

The clock keeps the invariants the real one gives the read models: times are strictly
increasing in recording order (the as-of queries rely on it), never before the last event
already in the store, and never after the real now, so rules such as "not in the future" still
hold. The original function is restored on leaving the context, even after an error. Only the
demo seeder uses it; no command of the application ever sees a simulated time otherwise.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta

import eventsourcing.application as es_application
import eventsourcing.domain as es_domain

__all__ = ["SimulatedClock", "simulated_time"]

_NAME = "datetime_now_with_tzinfo"
#: Between two events recorded "at the same moment": keeps times strictly increasing.
TICK = timedelta(milliseconds=1)
#: The hour of the (UTC) day the simulated office works at.
OFFICE_HOUR = time(9, 0, tzinfo=UTC)


class SimulatedClock:
    """A clock that only moves forward, between a floor and the real now."""

    def __init__(self, floor: datetime | None = None) -> None:
        self._last = floor.astimezone(UTC) if floor is not None else None
        self._target = self._last or datetime.min.replace(tzinfo=UTC)

    def advance_to(self, day: date) -> date:
        """Move to the office hour of `day` (never backwards); returns the clock's date.

        The returned date is `day` unless the clock is already later (a floor from events
        already in the store): callers use it as the business date, so no fact is dated
        before the moment it is recorded.
        """
        moment = datetime.combine(day, OFFICE_HOUR)
        if moment > self._target:
            self._target = min(moment, datetime.now(UTC))
        return self.today()

    def today(self) -> date:
        return max(self._target, self._last or self._target).date()

    def now(self) -> datetime:
        """The next event's time: the target, or one tick after the last, capped at real now."""
        moment = self._target if self._last is None else max(self._target, self._last + TICK)
        moment = min(moment, datetime.now(UTC))
        self._last = moment
        return moment


@contextmanager
def simulated_time(clock: SimulatedClock) -> Iterator[SimulatedClock]:
    """Stamp every event recorded inside the block with `clock`; restore the library's after."""
    original_domain = es_domain.datetime_now_with_tzinfo
    original_application = getattr(es_application, _NAME)  # snapshots' times
    es_domain.datetime_now_with_tzinfo = clock.now
    setattr(es_application, _NAME, clock.now)
    try:
        yield clock
    finally:
        es_domain.datetime_now_with_tzinfo = original_domain
        setattr(es_application, _NAME, original_application)
