"""``coprod demo``: a realistic participatory-budgeting cycle, seeded through the real use cases.

Every fact goes through the same application commands a council or group would use, so the
demo doubles as an end-to-end exercise of the write side's rules. The content (ideas, costs,
votes, decisions, delivery states) is fixed by the seed; the calendar runs from about a year
and a half ago to yesterday: a first cycle voted, decided and (partly) delivered, and a
second process of the same council with its ballot open.

Demo events are stamped with simulated times (:mod:`api.demo.clock`): each step is recorded
on the day it happens in the story, not at the moment the seeder runs. The domain dates some
facts by when they were recorded (a milestone cannot be met before the day it was
scheduled), so only a clock that moves through the cycle lets the demo show spread-out
delivery and late milestones; it never goes backwards, before the store's last event or past
the real now, so the read models' as-of queries and the "not in the future" rules hold.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from api.demo.clock import SimulatedClock, simulated_time
from api.demo.codelivery import CoDeliverySteps
from api.demo.commissioning import CommissioningSteps
from api.demo.cycle import CycleSteps
from api.demo.data import DemoSummary, demo_process_id
from api.demo.delivery import DeliverySteps
from api.demo.parameters import ParameterSteps
from api.demo.voting import VotingSteps, voting_process_id
from coprod.application import Coprod

__all__ = ["DemoSummary", "demo_process_id", "seed_demo", "voting_process_id"]


def seed_demo(
    app: Coprod, seed: int = 2026, progress: Callable[[str], None] | None = None
) -> DemoSummary:
    """Seed the demo council's two processes; if this seed's demo is in the store, add nothing."""
    process_id = demo_process_id(seed)
    if app.exists(process_id):
        return DemoSummary(True, process_id, events=app.recorder.max_notification_id() or 0)
    clock = SimulatedClock(floor=_last_recorded(app))
    seeder = _Seeder(app, seed, progress or (lambda _: None), clock)
    with simulated_time(clock):
        seeder.run()
    seeder.summary.events = app.recorder.max_notification_id() or 0
    return seeder.summary


def _last_recorded(app: Coprod) -> datetime | None:
    """When the store's last event was recorded: the simulated clock never goes before it."""
    last = app.recorder.max_notification_id()
    if not last:
        return None
    notifications = app.recorder.select_notifications(start=last, limit=1)
    try:
        event: Any = app.mapper.to_domain_event(notifications[0])
    except Exception:  # an event this version cannot read: start at the real now instead
        return datetime.now(UTC)
    recorded: datetime = event.timestamp
    return recorded


class _Seeder(
    ParameterSteps, CycleSteps, DeliverySteps, CoDeliverySteps, CommissioningSteps, VotingSteps
):
    """The steps of the cycle, in order; each step uses only application commands."""

    def run(self) -> None:
        self.organisations()
        self.parameters()
        self.open_process()
        self.ideas()
        self.review()
        self.vote()
        self.decide()
        self.deliver()
        self.co_deliver()
        self.co_commission()
        self.voting_process()
        self.say("recording delivery and the second vote in date order")
        self.run_agenda()
