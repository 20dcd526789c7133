"""What every step of the demo seeder shares: the application, the seed, the calendar and clock.

The calendar counts days back from today (``day(90)`` is 90 days ago). Steps recorded in
order call ``at(days_ago)``, which moves the simulated clock (:mod:`api.demo.clock`) there, so
each event is stamped on the day the step happens. Delivery facts of many projects interleave
in time, so they are put on an agenda and recorded in date order.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from uuid import UUID

from api.demo.clock import SimulatedClock
from api.demo.data import (
    AREAS,
    CURRENCY,
    DemoSummary,
    demo_process_id,
)
from coprod.application import Coprod
from coprod.application.commands.processes import (
    DefineAreas,
    OpenProcess,
    SchedulePhases,
    SetBudget,
    SetEligiblePopulation,
    SetRules,
)
from coprod.domain.phases import Phase
from coprod.domain.process import PhaseDates
from coprod.domain.values import Actor, Money
from coprod.domain.voting import SelectionRule, VotingRules

#: The council's yearly budget and its residents of voting age, the same for both processes.
BUDGET_BASE = 400_000_000
ELIGIBLE = 28_000


class SeederBase:
    """The state the steps share; the cycle's steps set what the delivery steps read."""

    council_id: UUID
    officer: Actor
    groups: list[tuple[UUID, Actor]]
    process_id: UUID
    funded: list[UUID]

    def __init__(
        self, app: Coprod, seed: int, progress: Callable[[str], None], clock: SimulatedClock
    ) -> None:
        self.app = app
        self.seed = seed
        self.rng = random.Random(seed)
        self.say = progress
        self.clock = clock
        self.today = datetime.now(UTC).date()  # the simulated clock keeps UTC days
        self.summary = DemoSummary(False, demo_process_id(seed))
        self.count = self.summary.counts
        self.agenda: list[tuple[int, int, Callable[[], object]]] = []

    def day(self, days_ago: int) -> date:
        return self.today - timedelta(days=days_ago)

    def at(self, days_ago: int) -> date:
        """Move the clock to `days_ago` and return the date events are now recorded on."""
        return self.clock.advance_to(self.day(max(days_ago, 1)))

    def plan(self, days_ago: int, step: Callable[[], object]) -> None:
        """Put `step` on the agenda `days_ago`; same-day steps keep the order they were planned."""
        self.agenda.append((-max(days_ago, 1), len(self.agenda), step))

    def run_agenda(self) -> None:
        """Record the planned steps in date order, the clock moved to each step's day."""
        for minus_days, _, step in sorted(self.agenda, key=lambda item: item[:2]):
            self.at(-minus_days)
            step()
        self.agenda = []

    def open_demo_process(
        self,
        code: str,
        name: str,
        pot: Money,
        voting: VotingRules,
        phases: tuple[tuple[Phase, int, int], ...],
    ) -> UUID:
        """Open a process of the demo council with its budget, areas, rules and calendar."""
        app, officer = self.app, self.officer
        opened = OpenProcess(
            council_id=self.council_id, code=f"{code}-{self.seed}", name=name, currency=CURRENCY
        )
        pid = app.open_process(opened, officer).aggregate_id
        budget = SetBudget(process_id=pid, pot=pot, budget_base=self.money(BUDGET_BASE))
        app.set_budget(budget, officer)
        app.set_eligible_population(
            SetEligiblePopulation(process_id=pid, eligible=ELIGIBLE), officer
        )
        app.define_areas(DefineAreas(process_id=pid, areas=AREAS), officer)
        rules = SetRules(process_id=pid, voting=voting, selection=SelectionRule("greedy"))
        app.set_rules(rules, officer)
        schedule = tuple(PhaseDates(p, self.day(a), self.day(b)) for p, a, b in phases)
        app.schedule_phases(SchedulePhases(process_id=pid, schedule=schedule), officer)
        return pid

    def money(self, amount: int | Decimal) -> Money:
        return Money(Decimal(amount), CURRENCY)
