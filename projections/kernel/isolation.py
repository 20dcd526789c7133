"""Decoding a batch for several read models, and applying it so no single event stops them.

A batch that fails because of one event is split until that event fails alone, and it is
quarantined (:mod:`projections.quarantine`) in the transaction that moves the position past
it; a store that is unavailable is retried instead. The happy path is untouched: one
transaction per batch, and no per-event work beyond the decode and the model's handler.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from eventsourcing.persistence import Notification, Tracking

from coprod.application.base import CoprodBase
from projections.kernel.health import ModelStats
from projections.kernel.readmodel import GenerationView, Item
from projections.quarantine import Place, clean_text, is_transient, record

__all__ = ["Decoded", "Target", "Undecodable", "apply_isolating", "decode_all"]

log = logging.getLogger("coprod.projections")

#: A batch as read (the notifications) and as each target's model decoded it.
Decoded = tuple[Sequence[Notification], list[list[Item]]]


@dataclass(frozen=True)
class Undecodable:
    """Stands in a batch for an event a read model could not decode, with the error."""

    error: Exception


class _Items(list[Item]):
    """A model's items of one batch, and whether decoding met an undecodable event."""

    undecodable = False


@dataclass
class Target:
    """One generation of one read model that a projector writes, and what it did so far."""

    model_name: str
    view: GenerationView
    stats: ModelStats = field(init=False)

    def __post_init__(self) -> None:
        self.stats = ModelStats(self.view.model.key(), self.view.generation)


def decode_all(
    app: CoprodBase,
    targets: Sequence[Target],
    positions: Sequence[int],
    notifications: Sequence[Notification],
) -> list[list[Item]]:
    """Each model's items, decoding event by event across the models, so that what one
    model decodes the next can reuse (see :mod:`projections.stored_ballot`)."""
    mapper = app.mapper
    name = app.name
    result: list[list[Item]] = [_Items() for _ in targets]
    models = [
        (t.view.model, position, result[i])
        for i, (t, position) in enumerate(zip(targets, positions, strict=True))
    ]
    for n in notifications:
        tracking: Tracking | None = None
        for model, position, items in models:
            if n.id > position:
                try:
                    decoded = model.decode(n, mapper)
                except Exception as e:
                    if is_transient(e):
                        raise
                    decoded = Undecodable(e)  # quarantined when the batch is applied
                    items.undecodable = True  # type: ignore[attr-defined]
                if decoded is not None:
                    if tracking is None:
                        tracking = Tracking(name, n.id)
                    items.append((decoded, tracking))
    return result


def apply_isolating(
    application_name: str,
    t: Target,
    items: Sequence[Item],
    span: tuple[int, int],
    notifications: Sequence[Notification],
) -> None:
    """Apply `items` and move the position from ``span[0]`` to ``span[1]``, setting aside
    any event that cannot be applied.

    The happy path is one transaction, exactly as before. A batch that fails with a bad
    event (not a transient store error, which is raised for a retry) is rolled back and
    split in halves, each applied in its own transaction with its own compare-and-set
    of the position, down to the single event that fails alone: that one is recorded
    in the quarantine in the same transaction that moves the position past it. Every
    other event is applied exactly once, and k bad events in n cost about k·log2(n)
    extra transactions.
    """
    expected, last_id = span
    if isinstance(items, _Items):  # a whole batch: decoding said (no scan on the happy path)
        undecodable = items.undecodable
    else:  # a part of a failed batch
        undecodable = any(isinstance(decoded, Undecodable) for decoded, _ in items)
    if not undecodable:
        try:
            t.view.apply(items, Tracking(application_name, last_id), expected=expected)
            return
        except Exception as e:
            t.view.model.reset()
            if is_transient(e) or not items:
                raise
            error = e
        except BaseException:
            t.view.model.reset()
            raise
    else:
        error = next(d.error for d, _ in items if isinstance(d, Undecodable))
    if len(items) == 1:
        _quarantine(application_name, t, (items[0], error), span, notifications)
        return
    middle = len(items) // 2
    left_last = items[middle - 1][1].notification_id
    apply_isolating(application_name, t, items[:middle], (expected, left_last), notifications)
    apply_isolating(application_name, t, items[middle:], (left_last, last_id), notifications)


def _quarantine(
    application_name: str,
    t: Target,
    failed: tuple[Item, Exception],
    span: tuple[int, int],
    notifications: Sequence[Notification],
) -> None:
    """Move past one event that cannot be applied and record it, in one transaction."""
    item, error = failed
    expected, last_id = span
    notification_id = item[1].notification_id
    n = next(n for n in notifications if n.id == notification_id)
    log.error(
        "%s: event %d (%s) quarantined: %s: %s",
        t.view.prefix,
        notification_id,
        n.topic,
        type(error).__name__,
        clean_text(error),
    )
    with t.view.conn.transaction():
        t.view.move(Tracking(application_name, last_id), expected)
        place = Place(t.view.model.key(), t.view.generation, application_name)
        record(t.view.conn, place, n, error)
    t.stats.quarantined += 1
