"""A funded project: its delivery plan, spend against the approved amount, and outcomes.

These facts feed the delivery measures of DOMAIN.md §4 (implementation rate, on-time rate,
vote-to-delivery time, cost overrun, budget execution, backlog), so the rules here keep them
honest: spend only against a funded project, no milestone "met" before it was planned, no
completion while work is still open (§5). Corrections are new events that name what they
correct; nothing is edited in place.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from eventsourcing.domain import event

from coprod.domain.aggregate import CoprodAggregate, keep_stored_topics, natural_id
from coprod.domain.errors import AlreadyExists, InvalidInput, NotFound, RuleViolation
from coprod.domain.project_state import (
    Milestone,
    MilestoneStatus,
    OutcomeIndicator,
    OutcomeReport,
    ProjectStatus,
    Spend,
    open_milestone,
    require_beneficiaries,
    require_date,
    require_decimal,
    require_deliverable,
    require_http_url,
)
from coprod.domain.values import Actor, Money, Role, require_positive, require_text

__all__ = [
    "Milestone",
    "MilestoneStatus",
    "OutcomeIndicator",
    "OutcomeReport",
    "Project",
    "ProjectStatus",
    "Spend",
]


class Project(CoprodAggregate):
    """A project funded by a council decision on one proposal (one project per proposal)."""

    class ProjectFunded(CoprodAggregate.Created):
        """An in-force funding decision turned a proposal into a project with an approved amount."""

        process_id: UUID
        proposal_id: UUID
        decision_id: UUID
        title: str
        approved: Money

    class MilestoneScheduled(CoprodAggregate.Event):
        """A delivery milestone was planned with a due date; the code is unique in the project."""

        code: str
        title: str
        due_on: date

    class MilestoneStarted(CoprodAggregate.Event):
        """Work on a milestone began on this date."""

        code: str
        started_on: date

    class MilestoneMet(CoprodAggregate.Event):
        """A milestone was reached on this date, with a link to public evidence."""

        code: str
        met_on: date
        evidence_url: str

    class MilestoneDelayed(CoprodAggregate.Event):
        """A milestone's due date moved later, with the reason; the original stays in history."""

        code: str
        new_due_on: date
        reason: str

    class MilestoneCancelled(CoprodAggregate.Event):
        """A milestone will not be delivered, with the reason; it no longer blocks completion."""

        code: str
        reason: str

    class SpendRecorded(CoprodAggregate.Event):
        """Money was spent on the project: amount, date and what for."""

        spend_id: UUID
        amount: Money
        spent_on: date
        purpose: str

    class SpendCorrected(CoprodAggregate.Event):
        """A recorded spend's amount was wrong; this is the right amount (0 = recorded in error)."""

        spend_id: UUID
        amount: Money
        reason: str

    class MatchFundingRecorded(CoprodAggregate.Event):
        """Money from outside the council (a foundation, a grant) was received for the project.

        It feeds the leverage ratio of DOMAIN.md §4; the id makes a retried record a repeat.
        """

        funding_id: UUID
        source: str
        amount: Money
        received_on: date

    class ProjectCompleted(CoprodAggregate.Event):
        """The project was delivered: every milestone met or cancelled, at least one met."""

        completed_on: date

    class ProjectCancelled(CoprodAggregate.Event):
        """The project will not be delivered, with the reason."""

        reason: str

    class OutcomeIndicatorDefined(CoprodAggregate.Event):
        """An outcome the project should achieve: what is measured, in which unit, the target."""

        code: str
        description: str
        unit: str
        target: Decimal

    class OutcomeReported(CoprodAggregate.Event):
        """A reading of an outcome indicator: the actual value and how many people benefited."""

        code: str
        actual: Decimal
        beneficiaries: int | None
        reported_on: date

    @staticmethod
    def create_id(proposal_id: UUID) -> UUID:
        return natural_id("project", proposal_id)

    @event(ProjectFunded)
    def __init__(
        self,
        actor: Actor,
        process_id: UUID,
        proposal_id: UUID,
        decision_id: UUID,
        title: str,
        approved: Money,
    ) -> None:
        self.process_id = process_id
        self.proposal_id = proposal_id
        self.decision_id = decision_id
        self.title = title
        self.approved = approved
        self.status = ProjectStatus.IN_DELIVERY
        self.completed_on: date | None = None
        self.cancel_reason: str | None = None
        self.milestones: dict[str, Milestone] = {}
        self.spends: dict[UUID, Spend] = {}
        self.indicators: dict[str, OutcomeIndicator] = {}
        self.match_funding: dict[UUID, Money] = {}

    @classmethod
    def fund(
        cls,
        actor: Actor,
        process_id: UUID,
        proposal_id: UUID,
        decision_id: UUID,
        title: str,
        approved: Money,
    ) -> Project:
        """Start a project from a funding decision; funding the same proposal twice clashes."""
        title = require_text("title", title, max_length=200)
        require_positive("approved", approved)
        return cls(
            actor=actor,
            process_id=process_id,
            proposal_id=proposal_id,
            decision_id=decision_id,
            title=title,
            approved=approved,
        )

    @property
    def spent(self) -> Money:
        """Σ spend, each at its latest corrected amount (for cost overrun and execution)."""
        total = Money(Decimal(0), self.approved.currency)
        for spend in self.spends.values():
            total = total + spend.amount
        return total

    @property
    def open_milestones(self) -> tuple[str, ...]:
        return tuple(code for code, m in self.milestones.items() if not m.is_closed)

    # -- milestones ----------------------------------------------------------------------------

    def schedule_milestone(self, actor: Actor, code: str, title: str, due_on: date) -> None:
        self._require_in_delivery("schedule a milestone")
        code = require_text("code", code, max_length=40)
        title = require_text("title", title, max_length=200)
        require_date("due_on", due_on)
        if code in self.milestones:
            raise AlreadyExists("milestone", f"{code!r} in project {self.id}")
        self._schedule_milestone(actor=actor, code=code, title=title, due_on=due_on)

    # `timestamp` is filled by the library from the event, so the planning date is the
    # recording date, on first save and on every replay alike.
    @event(MilestoneScheduled)
    def _schedule_milestone(
        self, actor: Actor, code: str, title: str, due_on: date, timestamp: datetime | None = None
    ) -> None:
        assert timestamp is not None
        self.milestones[code] = Milestone(
            code=code,
            title=title,
            scheduled_on=timestamp.date(),
            due_on=due_on,
            original_due_on=due_on,
        )

    def start_milestone(self, actor: Actor, code: str, started_on: date) -> None:
        self._require_in_delivery("start a milestone")
        milestone = open_milestone(self.milestones, code, "start")
        require_date("started_on", started_on)
        if milestone.started_on is not None:
            raise RuleViolation(
                f"milestone {code!r} already started on {milestone.started_on}",
                rule="milestone-state",
            )
        self._start_milestone(actor=actor, code=milestone.code, started_on=started_on)

    @event(MilestoneStarted)
    def _start_milestone(self, actor: Actor, code: str, started_on: date) -> None:
        self.milestones[code] = replace(
            self.milestones[code], status=MilestoneStatus.STARTED, started_on=started_on
        )

    def meet_milestone(self, actor: Actor, code: str, met_on: date, evidence_url: str) -> None:
        """Record a milestone as met; the date may not precede its planning or its start."""
        self._require_in_delivery("meet a milestone")
        milestone = open_milestone(self.milestones, code, "meet")
        require_date("met_on", met_on)
        if met_on < milestone.scheduled_on:
            raise InvalidInput(
                "met_on",
                f"{met_on} is before milestone {code!r} was scheduled ({milestone.scheduled_on}); "
                "a milestone cannot be met before it was planned",
                rule="milestone-date-order",
            )
        if milestone.started_on is not None and met_on < milestone.started_on:
            raise InvalidInput(
                "met_on",
                f"{met_on} is before milestone {code!r} started ({milestone.started_on})",
                rule="milestone-date-order",
            )
        evidence_url = require_http_url("evidence_url", evidence_url)
        self._meet_milestone(
            actor=actor, code=milestone.code, met_on=met_on, evidence_url=evidence_url
        )

    @event(MilestoneMet)
    def _meet_milestone(self, actor: Actor, code: str, met_on: date, evidence_url: str) -> None:
        self.milestones[code] = replace(
            self.milestones[code],
            status=MilestoneStatus.MET,
            met_on=met_on,
            evidence_url=evidence_url,
            confirmed_by_group=actor.organisation_id
            if actor.role is Role.COMMUNITY_MEMBER
            else None,
        )

    def delay_milestone(self, actor: Actor, code: str, new_due_on: date, reason: str) -> None:
        self._require_in_delivery("delay a milestone")
        milestone = open_milestone(self.milestones, code, "delay")
        require_date("new_due_on", new_due_on)
        if new_due_on <= milestone.due_on:
            raise InvalidInput(
                "new_due_on",
                f"{new_due_on} is not later than the current due date {milestone.due_on}",
                rule="delay-later",
            )
        reason = require_text("reason", reason, max_length=2000)
        self._delay_milestone(
            actor=actor, code=milestone.code, new_due_on=new_due_on, reason=reason
        )

    @event(MilestoneDelayed)
    def _delay_milestone(self, actor: Actor, code: str, new_due_on: date, reason: str) -> None:
        milestone = self.milestones[code]
        self.milestones[code] = replace(milestone, due_on=new_due_on, delays=milestone.delays + 1)

    def cancel_milestone(self, actor: Actor, code: str, reason: str) -> None:
        self._require_in_delivery("cancel a milestone")
        milestone = open_milestone(self.milestones, code, "cancel")
        reason = require_text("reason", reason, max_length=2000)
        self._cancel_milestone(actor=actor, code=milestone.code, reason=reason)

    @event(MilestoneCancelled)
    def _cancel_milestone(self, actor: Actor, code: str, reason: str) -> None:
        self.milestones[code] = replace(self.milestones[code], status=MilestoneStatus.CANCELLED)

    # -- spend ---------------------------------------------------------------------------------

    def record_spend(
        self, actor: Actor, spend_id: UUID, amount: Money, spent_on: date, purpose: str
    ) -> None:
        """Record spend; overspend is allowed (it is what cost overrun measures), junk is not."""
        self._require_in_delivery("record spend")
        if spend_id in self.spends:
            raise AlreadyExists("spend", spend_id)
        require_positive("amount", amount)
        self._in_currency("amount", amount)
        require_date("spent_on", spent_on)
        purpose = require_text("purpose", purpose, max_length=500)
        self._record_spend(
            actor=actor, spend_id=spend_id, amount=amount, spent_on=spent_on, purpose=purpose
        )

    @event(SpendRecorded)
    def _record_spend(
        self, actor: Actor, spend_id: UUID, amount: Money, spent_on: date, purpose: str
    ) -> None:
        self.spends[spend_id] = Spend(spend_id, amount, amount, spent_on, purpose)

    def correct_spend(self, actor: Actor, spend_id: UUID, amount: Money, reason: str) -> None:
        """Replace a spend's amount by a new event; allowed after completion (late invoices)."""
        spend = self.spends.get(spend_id)
        if spend is None:
            raise NotFound("spend", spend_id)
        self._in_currency("amount", amount)
        if amount.amount < 0:
            raise InvalidInput(
                "amount", f"must not be negative, got {amount}", rule="amount-negative"
            )
        if amount == spend.amount:
            raise InvalidInput("amount", f"is already {amount}; nothing to correct")
        reason = require_text("reason", reason, max_length=2000)
        self._correct_spend(actor=actor, spend_id=spend_id, amount=amount, reason=reason)

    @event(SpendCorrected)
    def _correct_spend(self, actor: Actor, spend_id: UUID, amount: Money, reason: str) -> None:
        spend = self.spends[spend_id]
        self.spends[spend_id] = replace(spend, amount=amount, corrections=spend.corrections + 1)

    # -- match funding -------------------------------------------------------------------------

    def record_match_funding(
        self, actor: Actor, funding_id: UUID, source: str, amount: Money, received_on: date
    ) -> None:
        """Record outside money; allowed after completion (grants often pay out late)."""
        self._require_not_cancelled("record match funding")
        if funding_id in self.match_funding:
            raise AlreadyExists("match funding", funding_id)
        source = require_text("source", source, max_length=300)
        require_positive("amount", amount)
        self._in_currency("amount", amount)
        require_date("received_on", received_on)
        self._record_match_funding(
            actor=actor,
            funding_id=funding_id,
            source=source,
            amount=amount,
            received_on=received_on,
        )

    @event(MatchFundingRecorded)
    def _record_match_funding(
        self, actor: Actor, funding_id: UUID, source: str, amount: Money, received_on: date
    ) -> None:
        self.match_funding[funding_id] = amount

    # -- end of delivery -----------------------------------------------------------------------

    def complete(self, actor: Actor, completed_on: date) -> None:
        """Complete the project once every milestone is met or cancelled and one was met.

        A project with no met milestone is refused: without one there is no delivery
        evidence and no date for vote-to-delivery time; cancel the project instead.
        """
        self._require_in_delivery("complete the project")
        require_date("completed_on", completed_on)
        require_deliverable(self.milestones, completed_on)
        self._complete(actor=actor, completed_on=completed_on)

    @event(ProjectCompleted)
    def _complete(self, actor: Actor, completed_on: date) -> None:
        self.status = ProjectStatus.COMPLETED
        self.completed_on = completed_on

    def cancel(self, actor: Actor, reason: str) -> None:
        self._require_in_delivery("cancel the project")
        reason = require_text("reason", reason, max_length=2000)
        self._cancel(actor=actor, reason=reason)

    @event(ProjectCancelled)
    def _cancel(self, actor: Actor, reason: str) -> None:
        self.status = ProjectStatus.CANCELLED
        self.cancel_reason = reason

    # -- outcomes ------------------------------------------------------------------------------

    def define_indicator(
        self, actor: Actor, code: str, description: str, unit: str, target: Decimal
    ) -> None:
        """Declare an outcome target; allowed after completion too, refused once cancelled."""
        self._require_not_cancelled("define an outcome indicator")
        code = require_text("code", code, max_length=40)
        description = require_text("description", description, max_length=500)
        unit = require_text("unit", unit, max_length=40)
        require_decimal("target", target)
        if code in self.indicators:
            raise AlreadyExists("outcome indicator", f"{code!r} in project {self.id}")
        self._define_indicator(
            actor=actor, code=code, description=description, unit=unit, target=target
        )

    @event(OutcomeIndicatorDefined)
    def _define_indicator(
        self, actor: Actor, code: str, description: str, unit: str, target: Decimal
    ) -> None:
        self.indicators[code] = OutcomeIndicator(code, description, unit, target)

    def report_outcome(
        self,
        actor: Actor,
        code: str,
        actual: Decimal,
        beneficiaries: int | None,
        reported_on: date,
    ) -> None:
        """Report a reading; outcomes usually arrive after completion, so that is allowed."""
        self._require_not_cancelled("report an outcome")
        if code not in self.indicators:
            raise RuleViolation(
                f"outcome indicator {code!r} was never defined on this project",
                rule="indicator-defined",
            )
        require_decimal("actual", actual)
        require_beneficiaries(beneficiaries)
        require_date("reported_on", reported_on)
        self._report_outcome(
            actor=actor,
            code=code,
            actual=actual,
            beneficiaries=beneficiaries,
            reported_on=reported_on,
        )

    @event(OutcomeReported)
    def _report_outcome(
        self,
        actor: Actor,
        code: str,
        actual: Decimal,
        beneficiaries: int | None,
        reported_on: date,
    ) -> None:
        indicator = self.indicators[code]
        report = OutcomeReport(actual, beneficiaries, reported_on)
        self.indicators[code] = replace(indicator, reports=(*indicator.reports, report))

    # -- guards --------------------------------------------------------------------------------

    def _require_in_delivery(self, doing: str) -> None:
        if self.status is not ProjectStatus.IN_DELIVERY:
            raise RuleViolation(
                f"cannot {doing}: the project is {self.status.value}", rule="project-closed"
            )

    def _require_not_cancelled(self, doing: str) -> None:
        if self.status is ProjectStatus.CANCELLED:
            raise RuleViolation(f"cannot {doing}: the project is cancelled", rule="project-closed")

    def _in_currency(self, field: str, money: Money) -> None:
        if money.currency != self.approved.currency:
            raise InvalidInput(
                field,
                f"is in {money.currency}; this project's currency is {self.approved.currency}",
                rule="currency-process",
            )


keep_stored_topics("coprod.project", Project)
