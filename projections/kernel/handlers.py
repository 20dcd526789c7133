"""Which events a read model takes, declared once beside the code that handles them.

A model used to list the topics it reads and, elsewhere, a map from event class to method:
two lists kept in step by hand. Here the handler *is* the declaration (as the library's
``Projection`` declares its ``@singledispatchmethod`` cases and ``topics``):

.. code-block:: python

    handlers: Handlers[_Batch] = Handlers(ignores=(Process.AreasDefined,))

    @handlers.on(Process.Opened)
    def _opened(event: Process.Opened, tracking: Tracking, batch: _Batch) -> None: ...

The topics the runner selects are derived from the handlers; ``ignores`` names the event
types the model deliberately does not take, and ``ignores_all_of`` the aggregates it takes
nothing from (a new event there is ignored without an edit), so a test can insist that every event type of
the log is one or the other for every model (a new event cannot be missed silently).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Generic, TypeVar

from eventsourcing.domain import DomainEvent
from eventsourcing.persistence import Tracking
from eventsourcing.utils import get_topic

B = TypeVar("B")
#: A handler: the decoded event (or the model's light record of it), its position, the batch.
Handler = Callable[[Any, Tracking, B], None]
F = TypeVar("F", bound=Callable[..., None])


class Handlers(Generic[B]):
    """The events one read model takes, each with its handler, and those it ignores."""

    def __init__(self, ignores: Iterable[type] = (), ignores_all_of: Iterable[type] = ()) -> None:
        self._by_type: dict[type, Handler[B]] = {}
        self._events: dict[type, None] = {}
        self._ignores: frozenset[type] = frozenset(ignores)
        #: Aggregates the model takes nothing from: every event nested in one, now or added
        #: later, counts as ignored, so a new event there needs no edit in this model.
        self.ignored_aggregates: frozenset[type] = frozenset(ignores_all_of)

    @property
    def ignored(self) -> frozenset[type]:
        """The event types this model deliberately does not take (named, or by aggregate)."""
        whole = (e for aggregate in self.ignored_aggregates for e in events_of(aggregate))
        return self._ignores | frozenset(whole)

    def on(self, *event_types: type, record: type | None = None) -> Callable[[F], F]:
        """Register the decorated function for these event types.

        ``record`` is the model's light decoded form of an event (e.g. a ballot read by
        layout, :class:`projections.stored_ballot.StoredBallot`): the function handles it too,
        while the topic still comes from the event type.
        """

        def register(func: F) -> F:
            for event_type in event_types:
                self._add(event_type, func)
                self._events[event_type] = None
            if record is not None:
                self._add(record, func)
            return func

        return register

    def _add(self, kind: type, func: Handler[B]) -> None:
        if kind in self._by_type:
            raise ValueError(f"{kind.__qualname__} already has a handler")
        if kind in self._ignores or any(
            kind in events_of(aggregate) for aggregate in self.ignored_aggregates
        ):
            raise ValueError(f"{kind.__qualname__} is both handled and ignored")
        self._by_type[kind] = func

    def handled(self) -> frozenset[type]:
        """The domain event types handled (not the light records)."""
        return frozenset(self._events)

    def topics(self) -> frozenset[str]:
        """The topics the runner must decode for this model."""
        return frozenset(get_topic(e) for e in self._events)

    def dispatch(self, event: Any, tracking: Tracking, batch: B) -> None:
        """Apply one event; an event of a type without a handler is passed over."""
        handler = self._by_type.get(type(event))
        if handler is not None:
            handler(event, tracking, batch)

    def apply_all(self, items: Iterable[tuple[Any, Tracking]], batch: B) -> None:
        """Apply a run of events in log order (the hot loop: one dict lookup per event)."""
        by_type = self._by_type
        for event, tracking in items:
            handler = by_type.get(type(event))
            if handler is not None:
                handler(event, tracking, batch)


#: Base classes the library nests in every aggregate; no event is ever stored as one of them.
_LIBRARY_BASES = frozenset({"Event", "Created"})


def events_of(aggregate: type) -> frozenset[type]:
    """The event classes declared in an aggregate (``Process.Opened``...), not its bases."""
    return frozenset(
        member
        for name, member in vars(aggregate).items()
        if isinstance(member, type)
        and issubclass(member, DomainEvent)
        and member.__qualname__ == f"{aggregate.__qualname__}.{name}"
        and name not in _LIBRARY_BASES
    )
