"""The impact model's handling of a past cycle's import: its facts take the file's dates.

Why apart from :mod:`projections.impact.handling`: the rules of business time live in
:mod:`projections.valid_time`; this is the impact model's side of them (registered on the
same handlers when :mod:`projections.impact.model` imports it).
"""

from __future__ import annotations

from eventsourcing.persistence import Tracking

from coprod.domain.pabulib_source import PabulibSource
from projections.impact.batch import Batch
from projections.impact.handling import change_process, handlers
from projections.valid_time import import_period

__all__: list[str] = []


@handlers.on(PabulibSource.FileImportStarted)
def _import_started(e: PabulibSource.FileImportStarted, t: Tracking, b: Batch) -> None:
    """A past cycle is being imported: its undated facts take the file's ballot dates."""
    pid = e.process_id.hex
    b.subject(e.originator_id.hex, pid, "source")
    period = import_period(e.identity)
    if period is None:
        return  # dates the importer could not read: the facts keep their recording times
    begin, end = period
    change_process(pid, e, t, b, backdate_begin=begin, backdate_end=end)
    b.backdate(pid, begin)


@handlers.on(PabulibSource.FileImportCompleted)
def _import_completed(e: PabulibSource.FileImportCompleted, t: Tracking, b: Batch) -> None:
    """The past cycle is in: what is recorded from now on is valid when it is recorded."""
    pid = b.process_of(e.originator_id.hex)
    if pid is not None:
        change_process(pid, e, t, b, backdate_begin=None, backdate_end=None)
