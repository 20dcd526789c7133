"""What a projector reports: per catch-up statistics, health (lag), and quarantine retries.

``/health`` and ``coprod project --status`` show :class:`Health`: how far each read model's
active generation is behind the log, in events and in seconds of the oldest event not yet
applied, and how many events it set aside (:mod:`projections.quarantine`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from eventsourcing.persistence import Notification

from coprod.application.base import CoprodBase
from projections.quarantine import is_transient

__all__ = ["Health", "ModelStats", "RetryResult", "lag_seconds"]


@dataclass
class ModelStats:
    """What one catch-up did for one read model."""

    model: str
    generation: int
    events: int = 0
    batches: int = 0
    seconds: float = 0.0
    position: int = 0
    #: Events set aside because they could not be applied (see projections.quarantine).
    quarantined: int = 0

    @property
    def events_per_second(self) -> float:
        return self.events / self.seconds if self.seconds > 0 else 0.0


@dataclass(frozen=True)
class Health:
    """How far behind the log a read model is: in events and in seconds of the oldest one."""

    model: str
    generation: int
    position: int
    max_notification_id: int
    lag_events: int
    #: Age of the oldest event not yet applied (0 when caught up).
    lag_seconds: float
    #: Events this generation could not apply and set aside (the readers' tables lack them).
    quarantined: int = 0


@dataclass(frozen=True)
class RetryResult:
    """What re-applying one read model's quarantined events did."""

    model: str
    retried: int
    still_quarantined: int

    @property
    def applied(self) -> int:
        return self.retried - self.still_quarantined


def lag_seconds(app: CoprodBase, position: int, max_id: int) -> float:
    """Age of the oldest event after `position` (0 when caught up)."""
    if position >= max_id:
        return 0.0
    oldest = app.recorder.select_notifications(start=position, limit=1, inclusive_of_start=False)
    return _age(app, oldest[0]) if oldest else 0.0


def _age(app: CoprodBase, notification: Notification) -> float:
    """Seconds since the event was recorded (0 if its state does not even decode)."""
    try:
        event: Any = app.mapper.to_domain_event(notification)
    except Exception as e:
        if is_transient(e):
            raise
        return 0.0
    return float(max(0.0, (datetime.now(UTC) - event.timestamp).total_seconds()))
