"""Impact measures read model: the narrow, timestamped rows every DOMAIN.md §4 measure is made of.

Why the rows look the way they do: every measure must be reproducible as it stood at any past
time T, and the big inputs (100k ballots, many contribution logs) must aggregate in SQL.

* ``<g>_process``: one full row per change of a process (budget, E, areas, k, ballot state);
  "as of T" is the last row at or before T.
* ``<g>_ballot_runs``: the counted ballots as runs per demographic cell (area, age band,
  sex: nothing else of a ballot), one row per batch and cell with every ballot's position and
  timestamp (:mod:`projections.ballot_runs`), so a representation table as of T is one
  ``GROUP BY`` plus the few runs that straddle T. A ballot recorded after ``BallotClosed`` is
  not counted (as in the process summary). Version 2: version 1 had one row per ballot.
* ``<g>_contributions`` and ``<g>_contribution_status``: one row per logged contribution
  (hours in micro-hours so SQL sums stay exact) and one per verification or dispute; the
  status as of T is the latest status row at or before T.
* ``<g>_facts``: one row per other fact a measure needs (ideas, assessments, shortlisting,
  case file, decisions and their corrections, projects, milestones, spend and its
  corrections, match funding, commitments), with the fact's few fields as JSON. A process has
  hundreds of these, not 100k, so the report folds them in log order as of T.
* ``<g>_census`` and ``<g>_rates``: every loaded version of a council's census shares and
  volunteer rates; the version in force at T is the last one loaded at or before T.
* ``<g>_subjects``: which process a proposal, decision, project, commitment or contribution
  belongs to, since most of their events do not repeat the process id.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from eventsourcing.persistence import Mapper, Notification

from projections.impact import on_import  # noqa: F401  (registers its handlers)
from projections.impact.batch import Batch, Caches
from projections.impact.handling import handlers
from projections.impact.tables import (
    BALLOT_CELL,
    DICTIONARY,
    MICRO,
    PROCESS_COLUMNS,
    TABLE_SUFFIXES,
    create_statements,
)
from projections.kernel.handlers import Handlers
from projections.kernel.readmodel import Item, ReadModel
from projections.store import Connection
from projections.stored_ballot import BALLOT_CAST, stored_ballot

#: Re-exported: the report (and its callers) read the tables by these names.
__all__ = ["BALLOT_CELL", "MICRO", "PROCESS_COLUMNS", "ImpactModel", "handlers"]


class ImpactModel(ReadModel):
    """Per process: the inputs of every impact measure, each row stamped for as-of reads."""

    name = "impact"
    #: Version 3 reads the phase schedule (the vote's end date, for vote-to-delivery) and
    #: marks in-kind value verified (an officer marked the commitment met). Version 4 takes
    #: co-commissioning: needs, co-design sessions, panels and contracted projects. Version 5
    #: stamps every row with its business time too (``valid_us``), for valid-at reads.
    version = 5
    table_suffixes = TABLE_SUFFIXES
    #: The events the model takes (:mod:`projections.impact.handling`), topics derived.
    handlers: ClassVar[Handlers[Batch]] = handlers
    topics: ClassVar[frozenset[str]] = handlers.topics()
    dictionary: ClassVar[dict[str, dict[str, str]]] = DICTIONARY

    def __init__(self) -> None:
        self._caches = Caches()

    def reset(self) -> None:
        self._caches.clear()

    def create_statements(self, prefix: str) -> list[str]:
        return create_statements(prefix)

    def decode(self, notification: Notification, mapper: Mapper[Any]) -> Any | None:
        """Ballots (almost all of a big log) are read by layout, once for every model."""
        if notification.topic == BALLOT_CAST:
            return stored_ballot(notification, mapper)
        return super().decode(notification, mapper)

    def apply(self, conn: Connection, prefix: str, items: Sequence[Item]) -> None:
        batch = Batch(conn, prefix, self._caches)
        handlers.apply_all(items, batch)
        batch.write()
