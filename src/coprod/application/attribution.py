"""Whose council an aggregate is, looked up in the event store by id (not in log order).

Why: some reads list events out of order, by id, with nothing but the aggregate id to go
on (the read models' quarantine list). The policy decides from the council who may see
them (:func:`coprod.application.policy.sees_quarantined`); this finds the council the same
way an evaluator's export does (:func:`coprod.application.policy.owner_of_first`), by
reading each aggregate's first stored event and following its process, project or
registrar. An event that does not decode gives :data:`~coprod.application.policy.UNKNOWN`.
"""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from eventsourcing.utils import TopicError

from coprod.application import policy
from coprod.application.base import CoprodBase
from coprod.domain.values import Actor

__all__ = ["CouncilLookup"]

#: What decoding a hand-edited or broken stored event raises (store errors are not caught).
_UNDECODABLE = (ValueError, TypeError, KeyError, AttributeError, TopicError)


class CouncilLookup:
    """The owners of aggregates, each looked up once (one lookup object per request)."""

    def __init__(self, app: CoprodBase) -> None:
        self._app = app
        self._owner: dict[UUID, object] = {}

    def owner(self, aggregate_id: UUID) -> object:
        """The aggregate's council id, None for the system's facts, or policy.UNKNOWN."""
        if aggregate_id in self._owner:
            return self._owner[aggregate_id]
        self._owner[aggregate_id] = policy.UNKNOWN  # a cycle of links resolves to unknown
        first = self._first_event(aggregate_id)
        found = policy.UNKNOWN if first is None else policy.owner_of_first(first, self.owner)
        self._owner[aggregate_id] = found
        return found

    def visible_to(self, actor: Actor, originator_ids: Iterable[str]) -> set[str]:
        """Which of these aggregate ids (as stored text) the policy lets `actor` see listed."""
        shown = set()
        for text in set(originator_ids):
            try:
                owner = self.owner(UUID(text))
            except ValueError:  # not even an id: nobody can tell whose it is
                owner = policy.UNKNOWN
            if policy.sees_quarantined(actor, owner):
                shown.add(text)
        return shown

    def _first_event(self, aggregate_id: UUID) -> object | None:
        stored = self._app.recorder.select_events(aggregate_id, lte=1, limit=1)
        if not stored:
            return None
        try:
            return self._app.mapper.to_domain_event(stored[0])
        except _UNDECODABLE:
            return None
