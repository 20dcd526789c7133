"""``coprod demo``: a realistic participatory-budgeting cycle, seeded through the real use cases.

Every fact goes through the same application commands a council or group would use, so the
demo doubles as an end-to-end exercise of the write side's rules. The content (ideas, costs,
votes, decisions, delivery states) is fixed by the seed; business dates are laid out
backwards from today, because delivery facts may not be dated before they were recorded.
"""

from __future__ import annotations

from collections.abc import Callable

from api.demo.cycle import CycleSteps
from api.demo.data import DemoSummary, demo_process_id
from api.demo.delivery import DeliverySteps
from coprod.application import Coprod

__all__ = ["DemoSummary", "demo_process_id", "seed_demo"]


def seed_demo(
    app: Coprod, seed: int = 2026, progress: Callable[[str], None] | None = None
) -> DemoSummary:
    """Seed one PB cycle; if this seed's demo is already in the store, add nothing."""
    process_id = demo_process_id(seed)
    if app.exists(process_id):
        return DemoSummary(True, process_id, events=app.recorder.max_notification_id() or 0)
    seeder = _Seeder(app, seed, progress or (lambda _: None))
    seeder.run()
    seeder.summary.events = app.recorder.max_notification_id() or 0
    return seeder.summary


class _Seeder(CycleSteps, DeliverySteps):
    """The steps of the cycle, in order; each step uses only application commands."""

    def run(self) -> None:
        self.organisations()
        self.open_process()
        self.ideas()
        self.review()
        self.vote()
        self.decide()
        self.deliver()
        self.co_deliver()
