"""What every step of the demo seeder shares: the application, the seed and the calendar."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from uuid import UUID

from api.demo.data import (
    CURRENCY,
    DemoSummary,
    demo_process_id,
)
from coprod.application import Coprod
from coprod.domain.values import Actor, Money


class SeederBase:
    """The state the steps share; the cycle's steps set what the delivery steps read."""

    council_id: UUID
    officer: Actor
    groups: list[tuple[UUID, Actor]]
    process_id: UUID
    funded: list[UUID]

    def __init__(self, app: Coprod, seed: int, progress: Callable[[str], None]) -> None:
        self.app = app
        self.seed = seed
        self.rng = random.Random(seed)
        self.say = progress
        self.today = date.today()
        self.summary = DemoSummary(False, demo_process_id(seed))
        self.count = self.summary.counts

    def day(self, days_ago: int) -> date:
        return self.today - timedelta(days=days_ago)

    def money(self, amount: int | Decimal) -> Money:
        return Money(Decimal(amount), CURRENCY)
