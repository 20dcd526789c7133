"""The timeline's side of a past cycle's import: its rows take the file's ballot dates.

The rules are :mod:`projections.valid_time`'s; the process's import clock is kept in the
model's field state (under the process id), so it survives restarts like every other field.
"""

from __future__ import annotations

from eventsourcing.persistence import Tracking

from coprod.domain.pabulib_source import PabulibSource
from projections.timeline.batch import TimelineBatch
from projections.timeline.events import handlers
from projections.valid_time import import_period

__all__: list[str] = []


@handlers.on(PabulibSource.FileImportStarted)
def _import_started(e: PabulibSource.FileImportStarted, t: Tracking, b: TimelineBatch) -> None:
    """A past cycle is being imported: its undated rows take the file's ballot dates."""
    pid = e.process_id.hex
    b.set(e.originator_id.hex, "", "process", pid)
    period = import_period(e.identity)
    if period is None:
        return  # dates the importer could not read: the rows keep their recording times
    begin, end = period
    b.set(pid, "", "backdate_begin", str(begin))
    b.set(pid, "", "backdate_end", str(end))
    b.backdate(pid, begin)


@handlers.on(PabulibSource.FileImportCompleted)
def _import_completed(e: PabulibSource.FileImportCompleted, t: Tracking, b: TimelineBatch) -> None:
    """The past cycle is in: rows recorded from now on are valid when they are recorded."""
    pid = b.get(e.originator_id.hex, "", "process")
    if pid is not None:
        b.set(pid, "", "backdate_begin", None)
        b.set(pid, "", "backdate_end", None)
