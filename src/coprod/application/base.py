"""The application core every use-case module builds on: load, check, save, translate errors.

Use cases live in small mixins (one per area of the lifecycle) over this base, so each file
reads in one sitting, and :class:`coprod.application.Coprod` composes them.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import (
    ApplicationRecorder,
    DatabaseError,
    IntegrityError,
    InterfaceError,
    JSONTranscoder,
    Mapper,
    OperationalError,
    Transcoder,
)

from coprod.adapters.config import StoreSettings, settings_from_env
from coprod.adapters.recording import IN_TRANSACTION, CoprodMemoryRecorder, InTransaction
from coprod.adapters.transcodings import TupleRestoringMapper, register_all
from coprod.application.ambient import with_ambient
from coprod.domain.aggregate import natural_id
from coprod.domain.errors import AlreadyExists, NotFound, StaleVersion, StoreUnavailable
from coprod.domain.values import Actor, Role

A = TypeVar("A", bound=Aggregate)
_CREATE_ATTEMPTS = 5

#: The actor recorded for facts the system derives itself (imports, the demo seeder).
SYSTEM_ACTOR = Actor(natural_id("actor", "system"), Role.SYSTEM)


@dataclass(frozen=True)
class Receipt:
    """What a command returns: which aggregate, its new version, and the log position.

    The version is the HTTP ETag; the position lets a reader wait until the read models
    have caught up with this write (read-your-writes).
    """

    aggregate_id: UUID
    version: int
    position: int | None


class CoprodBase(Application[UUID]):
    """Application base: settings from COPROD_DATABASE_URL, coprod transcodings, safe saves."""

    name = "coprod"

    def __init__(self, settings: StoreSettings | None = None, env: Mapping[str, str] | None = None):
        self.settings = settings or settings_from_env()
        merged = dict(self.settings.env)
        merged.update(env or {})
        for attempt in range(1, _CREATE_ATTEMPTS + 1):
            try:
                super().__init__(env=merged)
                break
            except (OperationalError, InterfaceError, OSError) as e:
                raise StoreUnavailable(
                    f"cannot open the store {self.settings.display}: {e}. "
                    "Check COPROD_DATABASE_URL and that the database server is running."
                ) from e
            except (DatabaseError, IntegrityError):
                # Two processes creating the tables at once on PostgreSQL can collide in the
                # catalog ("tuple concurrently updated"); the loser retries and finds them made.
                if attempt == _CREATE_ATTEMPTS:
                    raise
                time.sleep(0.05 * attempt)

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        register_all(transcoder)

    def construct_recorder(self) -> ApplicationRecorder:
        """The store's recorder; the in-memory one runs in-transaction steps like the others.

        The SQL stores get theirs by topic (see :mod:`coprod.adapters.config`); the library's in-memory
        factory takes no topic, so it is chosen here.
        """
        if type(self.factory).__module__ == "eventsourcing.popo":
            return CoprodMemoryRecorder()
        return super().construct_recorder()

    def construct_mapper(self) -> Mapper[UUID]:
        return TupleRestoringMapper(
            transcoder=self.construct_transcoder_for_mapper(),
            cipher=self.factory.cipher(),
            compressor=self.factory.compressor(),
        )

    def construct_transcoder_for_mapper(self) -> Transcoder:
        return self.construct_transcoder()

    # -- loading -------------------------------------------------------------------------------

    def load(self, cls: type[A], aggregate_id: UUID, expected_version: int | None = None) -> A:
        """Load an aggregate of the given class, or refuse with NotFound / StaleVersion."""
        kind = cls.__name__.lower()
        try:
            aggregate: Aggregate = self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            raise NotFound(kind, aggregate_id) from None
        except OperationalError as e:
            raise StoreUnavailable(f"the store is not available: {e}") from e
        if not isinstance(aggregate, cls):
            raise NotFound(kind, aggregate_id)
        if expected_version is not None and aggregate.version != expected_version:
            raise StaleVersion(kind, aggregate_id, expected_version, aggregate.version)
        return aggregate

    def exists(self, aggregate_id: UUID) -> bool:
        return aggregate_id in self.repository

    # -- saving --------------------------------------------------------------------------------

    def commit(self, *aggregates: Aggregate, within: InTransaction | None = None) -> Receipt:
        """Save all aggregates in one transaction; the receipt names the first one.

        A clash on the (id, version) key means either a repeated create of a natural key
        (AlreadyExists) or a concurrent writer (StaleVersion); nothing is written in either case.
        ``within`` adds checks and writes to that same transaction (see :mod:`coprod.adapters.recording`):
        a check that refuses raises its domain error, and nothing is written either.
        Steps set for the whole request by :func:`coprod.application.ambient.adding_to_commits` (the
        HTTP Idempotency-Key record) are added here too.
        """
        within = with_ambient(within, aggregates, getattr(self.recorder, "events_table_name", ""))
        new = [a for a in aggregates if _is_new(a)]
        extra = {} if within is None else {IN_TRANSACTION: within}
        try:
            recordings = self.save(*aggregates, **extra)
        except IntegrityError:
            for aggregate in new:
                if self.exists(aggregate.id):
                    raise AlreadyExists(type(aggregate).__name__.lower(), aggregate.id) from None
            first = aggregates[0]
            raise StaleVersion(type(first).__name__.lower(), first.id, None, None) from None
        except OperationalError as e:
            raise StoreUnavailable(
                f"the store did not accept the write in time ({e}); nothing was recorded, retry"
            ) from e
        position = recordings[-1].notification.id if recordings else None
        first = aggregates[0]
        return Receipt(first.id, first.version, position)


def _is_new(aggregate: Any) -> bool:
    pending = aggregate.pending_events
    return bool(pending) and pending[0].originator_version == 1
