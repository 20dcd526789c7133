"""A council decision on one proposal, with the legal record Danish administrative law demands.

DOMAIN.md §5: an adverse decision (rejection, partial funding, cancellation, claw-back) must
carry its legal basis, main considerations, the facts relied on and complaints guidance (or an
explicit statement that there is no appeal route); funding in full needs none of these. The
aggregate refuses an incomplete record, naming each missing element, so the lawful path is
the only one the write side offers. A decision is never edited: corrections, reopenings and
revocations are later events in the same stream, which therefore references the original.

The party-hearing rule needs the proposal's case file, so it is enforced by the use case
(:mod:`coprod.application.decisions`), not here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum
from uuid import UUID

from eventsourcing.domain import event

from coprod.domain.aggregate import CoprodAggregate, keep_stored_topics
from coprod.domain.dates import latest_today
from coprod.domain.errors import DateInFuture, DecisionRecordIncomplete, InvalidInput, RuleViolation
from coprod.domain.inputs import check_business_date
from coprod.domain.stored import stored_as
from coprod.domain.values import Actor, Money, require_positive, require_text


@stored_as("decision_outcome")
class DecisionOutcome(Enum):
    """What the council decided; `adverse` outcomes need the full legal record.

    For CLAWED_BACK the decision's amount is the sum reclaimed, not a sum granted.
    """

    FUNDED_IN_FULL = "funded_in_full"
    FUNDED_PARTIALLY = "funded_partially"
    REJECTED = "rejected"
    DEFERRED = "deferred"
    CANCELLED = "cancelled"
    CLAWED_BACK = "clawed_back"

    @property
    def adverse(self) -> bool:
        """True when the outcome goes against the applicant (forvaltningsloven §§22-25)."""
        return self in _ADVERSE

    @property
    def funded(self) -> bool:
        """True when the outcome grants money to the proposal."""
        return self in (DecisionOutcome.FUNDED_IN_FULL, DecisionOutcome.FUNDED_PARTIALLY)


_ADVERSE = frozenset(
    {
        DecisionOutcome.FUNDED_PARTIALLY,
        DecisionOutcome.REJECTED,
        DecisionOutcome.CANCELLED,
        DecisionOutcome.CLAWED_BACK,
    }
)

#: The values of `Decision.status`; a plain str so other modules compare it with literals.
IN_FORCE = "in_force"
REOPENED = "reopened"
REVOKED = "revoked"
DECISION_STATUSES = (IN_FORCE, REOPENED, REVOKED)


def status_after_decision(outcome: DecisionOutcome, decision_status: str) -> str:
    """A proposal's status once its decision is in `decision_status`: the outcome while the
    decision is in force ("funded_in_full", "rejected"...), else "decision_<status>".

    One function, so the aggregate and the read models that list proposals agree.
    """
    if decision_status == IN_FORCE:
        return outcome.value
    return f"decision_{decision_status}"


@stored_as("complaints_guidance")
@dataclass(frozen=True)
class ComplaintsGuidance:
    """Where and how the party can complain, and within how many days (forvaltningsloven §25)."""

    body: str
    procedure: str
    deadline_days: int

    def __post_init__(self) -> None:
        require_text("complaints.body", self.body, max_length=300)
        require_text("complaints.procedure", self.procedure, max_length=2_000)
        if isinstance(self.deadline_days, bool) or not isinstance(self.deadline_days, int):
            raise InvalidInput("complaints.deadline_days", "must be a whole number of days")
        if self.deadline_days < 1:
            raise InvalidInput("complaints.deadline_days", "must be at least 1 day")


@stored_as("decision_record")
@dataclass(frozen=True)
class DecisionRecord:
    """The reasons a decision gives (forvaltningsloven §§22-24) and its complaints guidance.

    Empty tuples are allowed here so that the decision can name every missing element at
    once; completeness is judged by :func:`missing_elements` against the outcome.
    """

    legal_basis: tuple[str, ...] = ()
    main_considerations: tuple[str, ...] = ()
    facts_relied_on: tuple[UUID, ...] = ()
    complaints: ComplaintsGuidance | None = None
    no_appeal_statement: str | None = None

    def __post_init__(self) -> None:
        for field in ("legal_basis", "main_considerations", "facts_relied_on"):
            if not isinstance(getattr(self, field), tuple):
                raise InvalidInput(field, "must be a tuple")
        for i, text in enumerate(self.legal_basis):
            require_text(f"legal_basis[{i}]", text, max_length=500)
        for i, text in enumerate(self.main_considerations):
            require_text(f"main_considerations[{i}]", text, max_length=5_000)
        if len(set(self.facts_relied_on)) != len(self.facts_relied_on):
            raise InvalidInput("facts_relied_on", "names a fact more than once")
        if self.no_appeal_statement is not None:
            require_text("no_appeal_statement", self.no_appeal_statement, max_length=2_000)


def missing_elements(record: DecisionRecord | None) -> tuple[str, ...]:
    """The elements an adverse decision's record lacks, by field name (empty when complete)."""
    if record is None:
        return (
            "legal_basis",
            "main_considerations",
            "facts_relied_on",
            "complaints or no_appeal_statement",
        )
    missing = [
        name
        for name in ("legal_basis", "main_considerations", "facts_relied_on")
        if not getattr(record, name)
    ]
    if record.complaints is None and record.no_appeal_statement is None:
        missing.append("complaints or no_appeal_statement")
    return tuple(missing)


def require_complete_record(doing: str, record: DecisionRecord | None) -> None:
    """Refuse an adverse act whose record is incomplete or contradicts itself."""
    missing = missing_elements(record)
    if missing:
        raise DecisionRecordIncomplete(
            f"{doing} is adverse to the party and must carry a complete decision record; "
            f"missing: {', '.join(missing)}"
        )
    _require_one_appeal_route(record)


def _require_one_appeal_route(record: DecisionRecord | None) -> None:
    """A record cannot both offer a complaints route and say there is none."""
    if record is not None and record.complaints is not None and record.no_appeal_statement:
        raise InvalidInput(
            "no_appeal_statement", "give complaints guidance or a no-appeal statement, not both"
        )


@dataclass(frozen=True)
class DecisionAct:
    """What one act of deciding says: the outcome, the amount, the record and the date.

    One value for :meth:`Decision.decide` and :meth:`Decision.correct`, which take the same
    four inputs; the stored events keep them as separate fields, unchanged.
    """

    outcome: DecisionOutcome
    amount: Money | None
    record: DecisionRecord | None
    decided_on: date


class Decision(CoprodAggregate):
    """One council decision on one proposal, with every later correction, reopening or revocation.

    Public attributes read by other modules: `process_id`, `proposal_id`, `outcome`, `amount`
    (the sum granted, or reclaimed for a claw-back) and `status` ("in_force" | "reopened" |
    "revoked").
    """

    class DecisionMade(CoprodAggregate.Created):
        """The council decided on a proposal, with its amount and decision record."""

        process_id: UUID
        proposal_id: UUID
        outcome: DecisionOutcome
        amount: Money | None
        record: DecisionRecord | None
        decided_on: date

    class DecisionCorrected(CoprodAggregate.Event):
        """A new act replaced the decision's outcome, amount and record; the original stays."""

        reason: str
        original_outcome: DecisionOutcome
        outcome: DecisionOutcome
        amount: Money | None
        record: DecisionRecord | None
        decided_on: date

    class DecisionReopened(CoprodAggregate.Event):
        """The decision was reopened for reconsideration and is no longer in force."""

        reason: str
        original_outcome: DecisionOutcome

    class DecisionRevoked(CoprodAggregate.Event):
        """The decision was revoked by a new act with its own decision record."""

        reason: str
        original_outcome: DecisionOutcome
        record: DecisionRecord
        decided_on: date

    @event(DecisionMade)
    def __init__(  # noqa: PLR0913 - the parameters are the stored event's fields
        self,
        actor: Actor,
        process_id: UUID,
        proposal_id: UUID,
        outcome: DecisionOutcome,
        amount: Money | None,
        record: DecisionRecord | None,
        decided_on: date,
    ) -> None:
        self.process_id = process_id
        self.proposal_id = proposal_id
        self.outcome = outcome
        self.original_outcome = outcome
        self.amount = amount
        self.record = record
        self.decided_on = decided_on
        self.last_act_on = decided_on
        self.status = IN_FORCE
        self.reasons: tuple[str, ...] = ()

    @classmethod
    def decide(
        cls,
        actor: Actor,
        process_id: UUID,
        proposal_id: UUID,
        act: DecisionAct,
        *,
        assessed_cost: Money | None = None,
    ) -> Decision:
        """Record a decision, refusing an adverse one without its complete legal record.

        `assessed_cost` is the proposal's assessed cost: partial funding must stay below it and
        full funding must reach it, so an adverse partial grant cannot pass as "in full".
        """
        outcome, amount, record, decided_on = act.outcome, act.amount, act.record, act.decided_on
        check_business_date("decided_on", decided_on)
        if outcome is DecisionOutcome.CLAWED_BACK:
            raise RuleViolation(
                "a claw-back corrects an earlier funding decision; correct that decision instead",
                rule="claw-back",
            )
        _require_past("decided_on", decided_on)
        _check_outcome(outcome, amount, record, assessed_cost, funded_before=None)
        return cls(
            actor=actor,
            process_id=process_id,
            proposal_id=proposal_id,
            outcome=outcome,
            amount=amount,
            record=record,
            decided_on=decided_on,
        )

    # -- later acts ----------------------------------------------------------------------------

    def correct(
        self,
        actor: Actor,
        reason: str,
        act: DecisionAct,
        *,
        assessed_cost: Money | None = None,
    ) -> None:
        """Replace the decision by a new act; a reopened decision comes back into force."""
        outcome, amount, record, decided_on = act.outcome, act.amount, act.record, act.decided_on
        self._require_not_revoked("correct")
        reason = require_text("reason", reason, max_length=2_000)
        self._not_before("decided_on", decided_on)
        _require_past("decided_on", decided_on)
        if outcome is DecisionOutcome.CLAWED_BACK and not self.outcome.funded:
            raise RuleViolation(
                f"nothing was granted to claw back: the decision is {self.outcome.value}",
                rule="claw-back",
            )
        funded_before = self.amount if self.outcome.funded else None
        _check_outcome(outcome, amount, record, assessed_cost, funded_before=funded_before)
        if (outcome, amount, record) == (self.outcome, self.amount, self.record):
            raise RuleViolation(
                "the correction changes neither outcome, amount nor record", rule="no-change"
            )
        self._correct(
            actor=actor,
            reason=reason,
            original_outcome=self.original_outcome,
            outcome=outcome,
            amount=amount,
            record=record,
            decided_on=decided_on,
        )

    @event(DecisionCorrected)
    def _correct(  # noqa: PLR0913 - the parameters are the stored event's fields
        self,
        actor: Actor,
        reason: str,
        original_outcome: DecisionOutcome,
        outcome: DecisionOutcome,
        amount: Money | None,
        record: DecisionRecord | None,
        decided_on: date,
    ) -> None:
        self.outcome = outcome
        self.amount = amount
        self.record = record
        self.last_act_on = decided_on
        self.status = IN_FORCE
        self.reasons += (reason,)

    def reopen(self, actor: Actor, reason: str) -> None:
        """Take the decision out of force while it is reconsidered (then correct or revoke it)."""
        if self.status != IN_FORCE:
            raise RuleViolation(
                f"only a decision in force can be reopened; this one is {self.status}",
                rule="decision-status",
            )
        reason = require_text("reason", reason, max_length=2_000)
        self._reopen(actor=actor, reason=reason, original_outcome=self.original_outcome)

    @event(DecisionReopened)
    def _reopen(self, actor: Actor, reason: str, original_outcome: DecisionOutcome) -> None:
        self.status = REOPENED
        self.reasons += (reason,)

    def revoke(self, actor: Actor, reason: str, record: DecisionRecord, decided_on: date) -> None:
        """Revoke the decision; revoking is adverse to the party, so it needs a full record."""
        self._require_not_revoked("revoke")
        reason = require_text("reason", reason, max_length=2_000)
        self._not_before("decided_on", decided_on)
        _require_past("decided_on", decided_on)
        require_complete_record("revoking a decision", record)
        self._revoke(
            actor=actor,
            reason=reason,
            original_outcome=self.original_outcome,
            record=record,
            decided_on=decided_on,
        )

    @event(DecisionRevoked)
    def _revoke(
        self,
        actor: Actor,
        reason: str,
        original_outcome: DecisionOutcome,
        record: DecisionRecord,
        decided_on: date,
    ) -> None:
        self.status = REVOKED
        self.record = record
        self.last_act_on = decided_on
        self.reasons += (reason,)

    # -- guards --------------------------------------------------------------------------------

    def _require_not_revoked(self, doing: str) -> None:
        if self.status == REVOKED:
            raise RuleViolation(
                f"cannot {doing} a revoked decision; make a new decision instead",
                rule="decision-status",
            )

    def _not_before(self, field: str, on: date) -> None:
        check_business_date(field, on)
        if on < self.last_act_on:
            raise InvalidInput(
                field, f"{on.isoformat()} is before the last act on {self.last_act_on.isoformat()}"
            )


def _require_past(field: str, on: date) -> None:
    """A decision is recorded after it is made: its date cannot be after today anywhere."""
    if on > latest_today():
        raise DateInFuture(f"{field}: {on.isoformat()} is in the future")


def _check_outcome(
    outcome: DecisionOutcome,
    amount: Money | None,
    record: DecisionRecord | None,
    assessed_cost: Money | None,
    *,
    funded_before: Money | None,
) -> None:
    """The record and amount rules every decision act obeys, whatever its kind."""
    if outcome.adverse:
        require_complete_record(f"a {outcome.value.replace('_', ' ')} decision", record)
    _require_one_appeal_route(record)
    if outcome.funded or outcome is DecisionOutcome.CLAWED_BACK:
        if amount is None:
            raise InvalidInput("amount", f"a {outcome.value} decision needs an amount")
        require_positive("amount", amount)
    elif amount is not None:
        raise InvalidInput("amount", f"a {outcome.value} decision carries no amount")
    if amount is None:
        return
    if assessed_cost is not None and amount.currency != assessed_cost.currency:
        raise InvalidInput(
            "amount", f"is in {amount.currency}; the assessed cost is in {assessed_cost.currency}"
        )
    if outcome is DecisionOutcome.FUNDED_PARTIALLY:
        if assessed_cost is None:
            raise InvalidInput("assessed_cost", "partial funding needs the assessed cost")
        if not amount < assessed_cost:
            raise InvalidInput(
                "amount", f"{amount} is not less than the assessed cost {assessed_cost}"
            )
    if (
        outcome is DecisionOutcome.FUNDED_IN_FULL
        and assessed_cost is not None
        and amount < assessed_cost
    ):
        raise InvalidInput(
            "amount",
            f"{amount} is less than the assessed cost {assessed_cost}: that is partial funding",
        )
    if outcome is DecisionOutcome.CLAWED_BACK and funded_before is not None:
        if amount.currency != funded_before.currency:
            raise InvalidInput(
                "amount", f"is in {amount.currency}; the grant is in {funded_before.currency}"
            )
        if funded_before < amount:
            raise InvalidInput("amount", f"{amount} is more than the {funded_before} granted")


keep_stored_topics("coprod.decision", Decision)
