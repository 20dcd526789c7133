"""The read-model interface, and the library-style view that tracks one table generation.

A read model turns a run of events into SQL writes; it never commits. The view
(:class:`GenerationView`, a library ``TrackingRecorder``) wraps those writes and the move of
the tracking position in ONE transaction, so a crash leaves either both or neither: an
event is never lost and never counted twice. The same view serves the batched runner (a
whole batch, one position move) and the library's stock one-event-per-transaction
:class:`~eventsourcing.projection.Projection` (used as the benchmark baseline).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any, ClassVar

from eventsourcing.persistence import Mapper, Notification, Tracking, TrackingRecorder
from eventsourcing.projection import Projection

from projections.kernel.positions import tracked_position
from projections.store import Connection

#: A decoded event (or the model's own light record of it) with its log position.
Item = tuple[Any, Tracking]


class PositionConflict(Exception):
    """Another runner moved this generation's position first; the batch was rolled back."""


class ReadModel(ABC):
    """One read model version: its tables, which events it reads and how it applies them.

    An instance may cache state between batches (e.g. a process's current row); the runner
    calls :meth:`reset` whenever a batch fails, because the cache may then be ahead of the
    database. Instances are per table generation.
    """

    name: ClassVar[str]
    version: ClassVar[int]
    #: Table suffixes, without the generation prefix; every one is dropped with its generation.
    table_suffixes: ClassVar[tuple[str, ...]]
    #: Topics the model reads; any other event is skipped undecoded but still advances.
    topics: ClassVar[frozenset[str]]
    #: The data dictionary evaluators get with every export: table suffix -> column ->
    #: meaning (unit, where it comes from). A column left out is exported undocumented.
    dictionary: ClassVar[dict[str, dict[str, str]]] = {}

    @classmethod
    def key(cls) -> str:
        """The versioned name (``process_summary_v1``): a new version never reuses tables."""
        return f"{cls.name}_v{cls.version}"

    @classmethod
    def prefix(cls, generation: int) -> str:
        return f"{cls.key()}_g{generation}"

    @classmethod
    def tables(cls, generation: int) -> tuple[str, ...]:
        prefix = cls.prefix(generation)
        return (f"{prefix}_tracking", *(f"{prefix}_{s}" for s in cls.table_suffixes))

    @abstractmethod
    def create_statements(self, prefix: str) -> list[str]:
        """DDL for the model's own tables (``CREATE TABLE IF NOT EXISTS`` ...)."""

    def decode(self, notification: Notification, mapper: Mapper[Any]) -> Any | None:
        """The event as `apply` wants it, or None to skip it (it still advances the position)."""
        if notification.topic not in self.topics:
            return None
        return mapper.to_domain_event(notification)

    @abstractmethod
    def apply(self, conn: Connection, prefix: str, items: Sequence[Item]) -> None:
        """Write the effect of these events, in log order, inside the caller's transaction."""

    def reset(self) -> None:
        """Forget cached state (after a failed batch, or when another runner moved ahead)."""
        return None


class GenerationView(TrackingRecorder):
    """One generation of one read model, as the library's tracking recorder.

    The position lives in the generation's own ``<prefix>_tracking`` table, one row per
    upstream application, so several read models (and generations) share one database.
    """

    def __init__(
        self, conn: Connection, model: ReadModel, generation: int, application_name: str
    ) -> None:
        self.conn = conn
        self.model = model
        self.generation = generation
        self.application_name = application_name
        self.prefix = model.prefix(generation)
        self.tracking_table = f"{self.prefix}_tracking"

    def create_tables(self) -> None:
        with self.conn.transaction():
            self.conn.advisory_lock(self.prefix)
            self.conn.execute(
                f"CREATE TABLE IF NOT EXISTS {self.tracking_table} "
                "(application_name TEXT PRIMARY KEY, notification_id BIGINT NOT NULL)"
            )
            for statement in self.model.create_statements(self.prefix):
                self.conn.execute(statement)
            if not self.conn.execute(
                f"SELECT 1 FROM {self.tracking_table} WHERE application_name = ?",
                (self.application_name,),
            ):
                self.conn.execute(
                    f"INSERT INTO {self.tracking_table} VALUES (?, 0)", (self.application_name,)
                )

    # -- the library's TrackingRecorder interface ------------------------------------------------

    def max_tracking_id(self, application_name: str) -> int | None:
        return tracked_position(self.conn, self.prefix, application_name) or None

    def insert_tracking(self, tracking: Tracking) -> None:
        """Advance past an event the model does nothing with (so `wait` never stalls)."""
        self.apply([], tracking)

    # -- writing -----------------------------------------------------------------------------------

    def position(self) -> int:
        return self.max_tracking_id(self.application_name) or 0

    def apply(self, items: Sequence[Item], last: Tracking, expected: int | None = None) -> None:
        """Apply `items` and move the position to `last` in one transaction.

        With `expected` (the position the batch was read from) the move is a compare-and-set,
        so two runners on one generation can never both apply a batch. Without it (the
        stock per-event path) the position only moves forward, as in the library.
        """
        with self.conn.transaction():
            self.move(last, expected)
            if items:
                self.model.apply(self.conn, self.prefix, items)

    def move(self, last: Tracking, expected: int | None) -> None:
        """Inside a transaction: move the position, or raise PositionConflict."""
        if expected is None:
            changed = self.conn.execute_count(
                f"UPDATE {self.tracking_table} SET notification_id = ? "
                "WHERE application_name = ? AND notification_id < ?",
                (last.notification_id, last.application_name, last.notification_id),
            )
        else:
            changed = self.conn.execute_count(
                f"UPDATE {self.tracking_table} SET notification_id = ? "
                "WHERE application_name = ? AND notification_id = ?",
                (last.notification_id, last.application_name, expected),
            )
        if changed != 1:
            raise PositionConflict(
                f"{self.prefix}: position is not {expected}; "
                f"event {last.notification_id} was already applied or another runner moved it"
            )


class StockProjection(Projection[GenerationView]):
    """The library's one-transaction-per-event projection over the same view (the baseline)."""

    name = "coprod_stock"

    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        self.view.apply([(domain_event, tracking)], tracking)
