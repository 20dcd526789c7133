"""The base every coprod aggregate and event shares: who acted, and deterministic ids.

Every event carries the :class:`~coprod.values.Actor` (the brief's "who did it"); the library
stamps the time. Command methods check their rules first and only then call a private
``@event`` method, so replaying old events never re-runs today's rules.
"""

from __future__ import annotations

from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate

from coprod.values import Actor

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
