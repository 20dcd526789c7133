"""The base every coprod aggregate and event shares: who acted, and deterministic ids.

Every event carries the :class:`~coprod.domain.values.Actor` (the brief's "who did it"); the library
stamps the time. Command methods check their rules first and only then call a private
``@event`` method, so replaying old events never re-runs today's rules.
"""

from __future__ import annotations

from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate
from eventsourcing.utils import register_topic

from coprod.domain.values import Actor

#: Namespace for uuid5 ids derived from natural keys; fixed forever (ids are stored).
COPROD_NAMESPACE = UUID("6f1c6f0e-8a39-5b0f-9d64-3c0e4c7a9b21")


def natural_id(kind: str, *parts: object) -> UUID:
    """A deterministic id from a natural key, so repeating a create conflicts, not duplicates."""
    key = "/".join([kind, *(str(p) for p in parts)])
    return uuid5(COPROD_NAMESPACE, key)


class CoprodAggregate(Aggregate):
    """Base aggregate: every event it records names the actor."""

    class Event(Aggregate.Event):
        actor: Actor

    class Created(Event, Aggregate.Created):
        pass


def keep_stored_topics(stored_module: str, *aggregates: type[Aggregate]) -> None:
    """Pin the topics an aggregate and its events are stored under, wherever the code lives.

    Topics (``module:Class.Event``) are written into every stored event and, once published
    (``docs/published_topics.txt``), are data like the names of :mod:`coprod.domain.stored`:
    they must never change. The modules moved into rooms (``coprod.proposal`` became
    ``coprod.domain.proposal``); pinning keeps new events written under the old topics, so a
    store never mixes two names for one event type, and registers them so old rows resolve.
    """
    for aggregate in aggregates:
        classes = [aggregate] + [
            value
            for value in vars(aggregate).values()
            if isinstance(value, type) and issubclass(value, Aggregate.Event)
        ]
        for cls in classes:
            topic = f"{stored_module}:{cls.__qualname__}"
            setattr(cls, "TOPIC", topic)  # noqa: B010 - the library reads it by getattr
            register_topic(topic, cls)
