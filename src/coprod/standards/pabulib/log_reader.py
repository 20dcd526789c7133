"""Reading a process's proposals and ballots straight from the event log (the interim path).

There are no read models yet, and a ballot's id derives from a pseudonym, so the ballots of
a process cannot be listed through the repository. Until a projection exists, the export
scans the application's notification log, filtered by event topic in the database, decodes
each notification with the application's mapper and keeps those of the wanted process. It
reads page by page, so memory stays bounded; the cost is a scan of every ballot in the store.
Replace these functions with projection queries once the read side lands.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from uuid import UUID

from eventsourcing.utils import get_topic

from coprod.application import Coprod
from coprod.domain.ballot import Ballot
from coprod.domain.pabulib_source import PabulibSource

PAGE = 1_000


def iter_events(app: Coprod, *event_classes: type, page: int = PAGE) -> Iterator[Any]:
    """Every event of these classes, in log order, decoded by the application's mapper."""
    topics = [get_topic(cls) for cls in event_classes]
    start = 1
    while True:
        notifications = app.recorder.select_notifications(start, page, topics=topics)
        if not notifications:
            return
        for notification in notifications:
            yield app.mapper.to_domain_event(notification)
        start = notifications[-1].id + 1


def iter_ballots(app: Coprod, process_id: UUID) -> Iterator[Ballot.BallotCast]:
    """The counted ballots of one process, in the order they were cast."""
    for cast in iter_events(app, Ballot.BallotCast):
        if cast.process_id == process_id:
            yield cast


def find_source(app: Coprod, process_id: UUID) -> PabulibSource | None:
    """The Pabulib file a process was imported from, if any (the latest, if imported twice)."""
    found: PabulibSource | None = None
    for started in iter_events(app, PabulibSource.FileImportStarted):
        if started.process_id == process_id:
            found = app.load(PabulibSource, started.originator_id)
    return found
