"""An idea, and the proposal it may become: from submission to the council's decision.

One aggregate follows the whole path (idea → proposal → assessed → shortlisted → decided) so
the participation funnel and the filter rate are read off one stream per idea. It also keeps
the case file a lawful decision needs (DOMAIN.md §5): the facts the council may rely on, the
party hearings sent about them, their answers and any exemption, so `unheard_facts` can tell
the decision use case whether an adverse decision may be made yet.

Phase rules need the process, so the use cases (:mod:`coprod.application.proposals`) check
them; this class enforces everything it can see itself.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date
from typing import Any
from uuid import UUID

from eventsourcing.domain import event

from coprod.domain import case_file
from coprod.domain import proposal_checks as checks
from coprod.domain.aggregate import CoprodAggregate, keep_stored_topics
from coprod.domain.case_file import CaseFact, Hearing
from coprod.domain.decision import IN_FORCE, DecisionOutcome, status_after_decision
from coprod.domain.errors import RuleViolation
from coprod.domain.hearing_dates import DEFAULT_MIN_HEARING_DAYS
from coprod.domain.proposal_checks import PROPOSAL
from coprod.domain.proposal_checks import TITLE_MAX_LENGTH as TITLE_MAX_LENGTH
from coprod.domain.values import Actor, Money, require_text

IDEA = "idea"

#: Statuses in which nothing more can happen to the idea itself.
WITHDRAWN = "withdrawn"
MERGED = "merged"


class Proposal(CoprodAggregate):
    """An idea submitted to a process, possibly developed into a costed proposal.

    `stage` is "idea" or "proposal"; `status` is "open", then "feasible"/"unfeasible",
    "shortlisted"/"not_shortlisted", then the value of the decision in force (e.g.
    "funded_in_full", "rejected"), "decision_reopened" or "decision_revoked"; "withdrawn" and
    "merged" end the idea's own life.
    """

    class IdeaSubmitted(CoprodAggregate.Created):
        """Someone submitted an idea to a process; the submitter is the actor."""

        process_id: UUID
        title: str
        description: str
        area_code: str | None
        category: str | None

    class IdeaAmended(CoprodAggregate.Event):
        """The idea's title and/or description changed; only changed fields are set."""

        title: str | None
        description: str | None

    class MergedInto(CoprodAggregate.Event):
        """This idea was merged into another idea or proposal of the same process."""

        target_id: UUID

    class Absorbed(CoprodAggregate.Event):
        """Another idea of the same process was merged into this one."""

        source_id: UUID

    class Withdrawn(CoprodAggregate.Event):
        """The idea or proposal was withdrawn and takes no further part."""

        reason: str

    class DevelopedIntoProposal(CoprodAggregate.Event):
        """The idea was developed into a costed proposal (a later one revises it)."""

        cost_estimate: Money
        area_code: str
        category: str
        co_producers: tuple[UUID, ...]

    class FeasibilityAssessed(CoprodAggregate.Event):
        """The actor (the assessor) judged the proposal feasible or not, and its cost."""

        feasible: bool
        reason: str
        assessed_cost: Money | None

    class Shortlisted(CoprodAggregate.Event):
        """The feasible proposal was put on the shortlist for the ballot."""

    class NotShortlisted(CoprodAggregate.Event):
        """The proposal was kept off the shortlist, for the stated reason (the filter rate)."""

        reason: str

    class FactRecorded(CoprodAggregate.Event):
        """A fact the council may rely on was put on the case file (a description, no personal data).

        Version 2 added `noted_on`, the business date the fact was on file; version-1 facts
        get their recording date (UTC), which is when they were put on file.
        """

        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["noted_on"] = state["timestamp"].astimezone(UTC).date()

        fact_id: UUID
        summary: str
        adverse: bool
        essential: bool
        known_to_party: bool
        noted_on: date

    class HearingSent(CoprodAggregate.Event):
        """The party was asked to comment on these facts by the deadline (forvaltningsloven §19).

        Version 2 added `sent_on`, the business date the hearing was sent; version-1 hearings
        get their recording date (UTC), which is when they were sent.
        """

        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["sent_on"] = state["timestamp"].astimezone(UTC).date()

        hearing_id: UUID
        party_id: UUID
        fact_ids: tuple[UUID, ...]
        deadline: date
        sent_on: date

    class HearingAnswered(CoprodAggregate.Event):
        """The party answered a hearing; the answer itself is kept in the referenced document."""

        hearing_id: UUID
        answered_on: date
        response_ref: str

    class HearingExempted(CoprodAggregate.Event):
        """These facts may be used without a hearing, for the recorded justification."""

        fact_ids: tuple[UUID, ...]
        justification: str

    class DecisionApplied(CoprodAggregate.Event):
        """A council decision on this proposal was made, changed, reopened or revoked."""

        decision_id: UUID
        outcome: DecisionOutcome
        decision_status: str

    @event(IdeaSubmitted)
    def __init__(
        self,
        actor: Actor,
        process_id: UUID,
        title: str,
        description: str,
        area_code: str | None,
        category: str | None,
    ) -> None:
        self.process_id = process_id
        self.submitter_id = actor.id
        #: The organisation the submitter acted for: it may change the idea (application.policy).
        self.submitter_organisation_id: UUID | None = actor.organisation_id
        self.title = title
        self.description = description
        self.area_code = area_code
        self.category = category
        self.stage = IDEA
        self.status = "open"
        self.merged_into: UUID | None = None
        self.absorbed: tuple[UUID, ...] = ()
        self.cost_estimate: Money | None = None
        self.co_producers: tuple[UUID, ...] = ()
        self.feasible: bool | None = None
        self.assessment_reason: str | None = None
        self.assessed_cost: Money | None = None
        self.assessor_id: UUID | None = None
        self.shortlisted: bool | None = None
        self.shortlist_reason: str | None = None
        self.facts: dict[UUID, CaseFact] = {}
        self.hearings: dict[UUID, Hearing] = {}
        self.exempted: dict[UUID, str] = {}
        self.decision_id: UUID | None = None
        self.decision_outcome: DecisionOutcome | None = None
        self.decision_status: str | None = None

    @classmethod
    def submit(
        cls,
        actor: Actor,
        process_id: UUID,
        title: str,
        description: str,
        area_code: str | None,
        category: str | None,
    ) -> Proposal:
        """Submit an idea; it gets a random id, since two people may well submit the same title."""
        fields = checks.idea_fields(title, description, area_code, category)
        return cls(actor=actor, process_id=process_id, **fields)

    @property
    def active(self) -> bool:
        """False once withdrawn or merged: such an idea takes no further part."""
        return self.status not in (WITHDRAWN, MERGED)

    # -- the idea ------------------------------------------------------------------------------

    def amend(self, actor: Actor, title: str | None = None, description: str | None = None) -> None:
        """Change the title and/or description; only the fields that change are recorded."""
        self._require_active("amend")
        changed = checks.amendment((self.title, self.description), title, description)
        self._amend(actor=actor, title=changed[0], description=changed[1])

    @event(IdeaAmended)
    def _amend(self, actor: Actor, title: str | None, description: str | None) -> None:
        if title is not None:
            self.title = title
        if description is not None:
            self.description = description

    def merge_into(self, actor: Actor, target: Proposal) -> None:
        """Merge this idea into `target`; both record it, so the caller must save both at once."""
        if target.id == self.id:
            raise RuleViolation("an idea cannot be merged into itself", rule="merge")
        if target.process_id != self.process_id:
            raise RuleViolation(
                "ideas can only be merged within one process; "
                f"{target.id} belongs to process {target.process_id}",
                rule="merge",
            )
        self._require_active("merge")
        target._require_active("merge into")
        self._merged_into(actor=actor, target_id=target.id)
        target._absorb(actor=actor, source_id=self.id)

    @event(MergedInto)
    def _merged_into(self, actor: Actor, target_id: UUID) -> None:
        self.status = MERGED
        self.merged_into = target_id

    @event(Absorbed)
    def _absorb(self, actor: Actor, source_id: UUID) -> None:
        self.absorbed += (source_id,)

    def withdraw(self, actor: Actor, reason: str) -> None:
        """Withdraw the idea; it takes no further part."""
        self._require_active("withdraw")
        self._withdraw(actor=actor, reason=checks.reason_text(reason))

    @event(Withdrawn)
    def _withdraw(self, actor: Actor, reason: str) -> None:
        self.status = WITHDRAWN

    def develop(
        self,
        actor: Actor,
        cost_estimate: Money,
        area_code: str,
        category: str,
        co_producers: tuple[UUID, ...],
    ) -> None:
        """Make the idea a costed proposal; the use case checks the currency against the process."""
        self._require_active("develop")
        assessed = self.feasible is not None or self.shortlisted is not None
        area_code, category = checks.development(
            assessed, cost_estimate, area_code, category, co_producers
        )
        self._develop(
            actor=actor,
            cost_estimate=cost_estimate,
            area_code=area_code,
            category=category,
            co_producers=co_producers,
        )

    @event(DevelopedIntoProposal)
    def _develop(
        self,
        actor: Actor,
        cost_estimate: Money,
        area_code: str,
        category: str,
        co_producers: tuple[UUID, ...],
    ) -> None:
        self.stage = PROPOSAL
        self.cost_estimate = cost_estimate
        self.area_code = area_code
        self.category = category
        self.co_producers = co_producers

    # -- review --------------------------------------------------------------------------------

    def assess(
        self, actor: Actor, feasible: bool, reason: str, assessed_cost: Money | None
    ) -> None:
        """Judge feasibility; each re-assessment before the shortlist is a new event."""
        self._require_active("assess")
        reason = checks.assessment_reason(
            self.stage, self.shortlisted, feasible, reason, assessed_cost
        )
        self._assess(actor=actor, feasible=feasible, reason=reason, assessed_cost=assessed_cost)

    @event(FeasibilityAssessed)
    def _assess(
        self, actor: Actor, feasible: bool, reason: str, assessed_cost: Money | None
    ) -> None:
        self.feasible = feasible
        self.assessment_reason = reason
        self.assessed_cost = assessed_cost
        self.assessor_id = actor.id
        self.status = "feasible" if feasible else "unfeasible"

    def shortlist(self, actor: Actor) -> None:
        """Put the feasible proposal on the shortlist for the ballot."""
        self._require_active("shortlist")
        self._require_no_shortlist_decision()
        checks.require_feasible(self.feasible)
        self._shortlist(actor=actor)

    @event(Shortlisted)
    def _shortlist(self, actor: Actor) -> None:
        self.shortlisted = True
        self.status = "shortlisted"

    def decline_shortlist(self, actor: Actor, reason: str) -> None:
        """Keep the proposal off the shortlist, for the reason given (the filter rate)."""
        self._require_active("decline")
        if self.stage != PROPOSAL:
            raise RuleViolation("only a proposal can be kept off the shortlist", rule="shortlist")
        self._require_no_shortlist_decision()
        self._decline(actor=actor, reason=checks.reason_text(reason))

    @event(NotShortlisted)
    def _decline(self, actor: Actor, reason: str) -> None:
        self.shortlisted = False
        self.shortlist_reason = reason
        self.status = "not_shortlisted"

    # -- the case file (DOMAIN.md §5, forvaltningsloven §19) -----------------------------------

    def record_fact(self, actor: Actor, fact_id: UUID, fact: CaseFact) -> None:
        """Put a fact on the case file; the summary describes it and must name no person.

        `fact.noted_on` is the business date the fact was on file (default: today, UTC); a
        decision cannot be dated before it.
        """
        summary, noted_on = case_file.checked_fact(self.facts, fact_id, fact)
        self._record_fact(
            actor=actor,
            fact_id=fact_id,
            summary=summary,
            adverse=fact.adverse,
            essential=fact.essential,
            known_to_party=fact.known_to_party,
            noted_on=noted_on,
        )

    @event(FactRecorded)
    def _record_fact(  # noqa: PLR0913 - its parameters are the stored event's fields
        self,
        actor: Actor,
        fact_id: UUID,
        summary: str,
        adverse: bool,
        essential: bool,
        known_to_party: bool,
        noted_on: date,
    ) -> None:
        self.facts[fact_id] = CaseFact(summary, adverse, essential, known_to_party, noted_on)

    def send_hearing(
        self,
        actor: Actor,
        hearing_id: UUID,
        hearing: Hearing,
        *,
        min_days: int = DEFAULT_MIN_HEARING_DAYS,
    ) -> None:
        """Ask the party to comment by the deadline, at least `min_days` after it is sent
        (`hearing.sent_on`, default today)."""
        sent_on = case_file.checked_hearing(self, hearing_id, hearing, min_days)
        self._send_hearing(
            actor=actor,
            hearing_id=hearing_id,
            party_id=hearing.party_id,
            fact_ids=hearing.fact_ids,
            deadline=hearing.deadline,
            sent_on=sent_on,
        )

    @event(HearingSent)
    def _send_hearing(
        self,
        actor: Actor,
        hearing_id: UUID,
        party_id: UUID,
        fact_ids: tuple[UUID, ...],
        deadline: date,
        sent_on: date,
    ) -> None:
        self.hearings[hearing_id] = Hearing(party_id, fact_ids, deadline, sent_on=sent_on)

    def record_hearing_answer(
        self, actor: Actor, hearing_id: UUID, answered_on: date, response_ref: str
    ) -> None:
        """Note that the party answered; `response_ref` points to the answer, it is not the text."""
        response_ref = case_file.checked_answer_ref(
            self.hearings, hearing_id, answered_on, response_ref
        )
        self._answer(
            actor=actor, hearing_id=hearing_id, answered_on=answered_on, response_ref=response_ref
        )

    @event(HearingAnswered)
    def _answer(self, actor: Actor, hearing_id: UUID, answered_on: date, response_ref: str) -> None:
        self.hearings[hearing_id] = replace(
            self.hearings[hearing_id], answered_on=answered_on, response_ref=response_ref
        )

    def exempt_from_hearing(
        self, actor: Actor, fact_ids: tuple[UUID, ...], justification: str
    ) -> None:
        """Record why these facts may be used without hearing the party (forvaltningsloven §19(2))."""
        case_file.require_facts(self.facts, "fact_ids", fact_ids)
        justification = require_text("justification", justification, max_length=2_000)
        self._exempt(actor=actor, fact_ids=fact_ids, justification=justification)

    @event(HearingExempted)
    def _exempt(self, actor: Actor, fact_ids: tuple[UUID, ...], justification: str) -> None:
        for fact_id in fact_ids:
            self.exempted[fact_id] = justification

    def unheard_facts(self, fact_ids: tuple[UUID, ...], on: date) -> tuple[UUID, ...]:
        """The facts an adverse decision on `on` may not yet rely on, in the order given
        (see :func:`coprod.domain.case_file.unheard_facts`)."""
        return case_file.unheard_facts(self, self.exempted, fact_ids, on)

    # -- the decision --------------------------------------------------------------------------

    def record_decision(
        self,
        actor: Actor,
        decision_id: UUID,
        outcome: DecisionOutcome,
        decision_status: str = IN_FORCE,
    ) -> None:
        """Let the proposal know the state of its decision; one live decision at a time."""
        checks.require_decision_status(decision_status)
        self.require_no_other_decision(decision_id)
        self._apply_decision(
            actor=actor, decision_id=decision_id, outcome=outcome, decision_status=decision_status
        )

    @event(DecisionApplied)
    def _apply_decision(
        self, actor: Actor, decision_id: UUID, outcome: DecisionOutcome, decision_status: str
    ) -> None:
        self.decision_id = decision_id
        self.decision_outcome = outcome
        self.decision_status = decision_status
        self.status = status_after_decision(outcome, decision_status)

    def require_no_other_decision(self, decision_id: UUID | None = None) -> None:
        """Refuse a second decision while another one is in force or reopened."""
        checks.require_no_other_decision(self.decision_id, self.decision_status, decision_id)

    # -- guards --------------------------------------------------------------------------------

    def _require_active(self, doing: str) -> None:
        if not self.active:
            raise RuleViolation(
                f"cannot {doing} {self.id}: it has been {self.status}", rule="inactive"
            )

    def _require_no_shortlist_decision(self) -> None:
        if self.shortlisted is not None:
            state = "shortlisted" if self.shortlisted else "kept off the shortlist"
            raise RuleViolation(f"the proposal is already {state}", rule="shortlist")


keep_stored_topics("coprod.proposal", Proposal)
