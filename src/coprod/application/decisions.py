"""Use cases for council decisions: decide, correct, reopen, revoke — lawfully or not at all.

A decision and the proposal it concerns are saved in one transaction, so the proposal's
status never disagrees with the decision log. Besides the record rules the Decision enforces,
these use cases apply the rules that need the proposal and the process:

- the process must be in the decision phase or later (delivery, evaluation), not closed;
- the party-hearing rule (DOMAIN.md §5): an adverse act may rely only on facts on the
  proposal's case file, and not on an adverse, essential fact unknown to the party until it
  was heard (answer received or deadline passed) or exempted; a hearing sent but pending
  is named (``hearing-pending``);
- the date rules (:mod:`coprod.domain.hearing_dates`): an act is not dated before the facts and
  hearings it relies on (``date-before-case``), nor in the future (``date-in-future``);
- what can be decided: any assessed proposal may be rejected, deferred or cancelled with a
  full record (so an unfeasible proposal can get a formal, appealable rejection), but only a
  shortlisted proposal can be funded, and when the process held a ballot only one that was
  on it. Ideas never assessed cannot be decided: they have no assessed cost or case to rest on.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from coprod.application import policy
from coprod.application.base import CoprodBase, Receipt
from coprod.domain.decision import IN_FORCE, Decision, DecisionOutcome, DecisionRecord
from coprod.domain.errors import HearingRequired, InvalidInput, RuleViolation, StaleVersion
from coprod.domain.hearing_dates import require_decision_after_facts, require_hearings_done
from coprod.domain.inputs import check_same_currency
from coprod.domain.phases import Phase
from coprod.domain.process import Process
from coprod.domain.proposal import Proposal
from coprod.domain.values import Actor, Money

#: Decisions are made after the vote and may be corrected during delivery and evaluation.
DECISION_PHASES = (Phase.DECISION, Phase.DELIVERY, Phase.EVALUATION)


class DecisionCommands(CoprodBase):
    """Council decisions on proposals, with the §5 hearing rule and the proposal kept in step."""

    def decide(
        self,
        actor: Actor,
        proposal_id: UUID,
        outcome: DecisionOutcome,
        amount: Money | None,
        record: DecisionRecord | None,
        decided_on: date,
        expected_version: int | None = None,
    ) -> Receipt:
        """Decide on a proposal; `expected_version` is the proposal's, the receipt the decision's."""
        proposal = self.load(Proposal, proposal_id)
        process = self.load(Process, proposal.process_id)
        policy.officer_acts_for(actor, process.council_id, f"process {process.id}")
        if expected_version is not None and proposal.version != expected_version:
            raise StaleVersion("proposal", proposal_id, expected_version, proposal.version)
        process.require_phase("decide on a proposal", *DECISION_PHASES)
        _require_currency(process, amount)
        proposal.require_no_other_decision()
        _require_decidable(proposal, process, outcome)
        decision = Decision.decide(
            actor,
            proposal.process_id,
            proposal_id,
            outcome,
            amount,
            record,
            decided_on,
            assessed_cost=proposal.assessed_cost,
        )
        if record is not None:
            require_decision_after_facts(proposal, record.facts_relied_on, decided_on)
        if outcome.adverse:
            _require_heard(proposal, record, decided_on)
        proposal.record_decision(actor, decision.id, outcome, IN_FORCE)
        return self.commit(decision, proposal)

    def correct_decision(
        self,
        actor: Actor,
        decision_id: UUID,
        reason: str,
        outcome: DecisionOutcome,
        amount: Money | None,
        record: DecisionRecord | None,
        decided_on: date,
        expected_version: int | None = None,
    ) -> Receipt:
        decision, proposal, process = self._load_decision(actor, decision_id, expected_version)
        process.require_phase("correct a decision", *DECISION_PHASES)
        _require_currency(process, amount)
        _require_decidable(proposal, process, outcome)
        decision.correct(
            actor,
            reason,
            outcome,
            amount,
            record,
            decided_on,
            assessed_cost=proposal.assessed_cost,
        )
        if record is not None:
            require_decision_after_facts(proposal, record.facts_relied_on, decided_on)
        if outcome.adverse:
            _require_heard(proposal, record, decided_on)
        proposal.record_decision(actor, decision.id, decision.outcome, decision.status)
        return self.commit(decision, proposal)

    def reopen_decision(
        self, actor: Actor, decision_id: UUID, reason: str, expected_version: int | None = None
    ) -> Receipt:
        decision, proposal, process = self._load_decision(actor, decision_id, expected_version)
        process.require_phase("reopen a decision", *DECISION_PHASES)
        decision.reopen(actor, reason)
        proposal.record_decision(actor, decision.id, decision.outcome, decision.status)
        return self.commit(decision, proposal)

    def revoke_decision(
        self,
        actor: Actor,
        decision_id: UUID,
        reason: str,
        record: DecisionRecord,
        decided_on: date,
        expected_version: int | None = None,
    ) -> Receipt:
        decision, proposal, process = self._load_decision(actor, decision_id, expected_version)
        process.require_phase("revoke a decision", *DECISION_PHASES)
        decision.revoke(actor, reason, record, decided_on)
        _require_heard(proposal, record, decided_on)
        proposal.record_decision(actor, decision.id, decision.outcome, decision.status)
        return self.commit(decision, proposal)

    def get_decision(self, decision_id: UUID) -> Decision:
        return self.load(Decision, decision_id)

    def _load_decision(
        self, actor: Actor, decision_id: UUID, expected_version: int | None
    ) -> tuple[Decision, Proposal, Process]:
        """The decision, its proposal and process, if the actor is an officer of the
        process's council (application.policy); the version is compared after the policy."""
        decision = self.load(Decision, decision_id)
        process = self.load(Process, decision.process_id)
        policy.officer_acts_for(actor, process.council_id, f"process {process.id}")
        if expected_version is not None and decision.version != expected_version:
            raise StaleVersion("decision", decision_id, expected_version, decision.version)
        proposal = self.load(Proposal, decision.proposal_id)
        return decision, proposal, process


def _require_currency(process: Process, amount: Money | None) -> None:
    """A grant is in the process's currency, so every total sums like with like."""
    if amount is not None:
        check_same_currency("amount", amount.currency, process.currency)


def _require_decidable(proposal: Proposal, process: Process, outcome: DecisionOutcome) -> None:
    """Which proposals a decision may concern; see the module docstring for why."""
    if not proposal.active:
        raise RuleViolation(
            f"proposal {proposal.id} has been {proposal.status}; there is nothing to decide",
            rule="decision-subject",
        )
    if proposal.feasible is None:
        raise RuleViolation(
            f"proposal {proposal.id} has not been assessed; only assessed proposals are decided",
            rule="decision-subject",
        )
    if not outcome.funded:
        return
    if proposal.shortlisted is not True:
        raise RuleViolation(
            f"proposal {proposal.id} was not shortlisted and cannot be funded",
            rule="decision-subject",
        )
    on_ballot = {o.proposal_id for o in process.ballot_options}
    if on_ballot and proposal.id not in on_ballot:
        raise RuleViolation(
            f"proposal {proposal.id} was not on the ballot and cannot be funded",
            rule="decision-subject",
        )


def _require_heard(proposal: Proposal, record: DecisionRecord | None, on: date) -> None:
    """The party-hearing rule: adverse acts rest only on case-file facts the party was heard on."""
    assert record is not None  # adverse acts were refused without a complete record
    unknown = [str(f) for f in record.facts_relied_on if f not in proposal.facts]
    if unknown:
        raise InvalidInput(
            "facts_relied_on", f"not on the proposal's case file: {', '.join(unknown)}"
        )
    require_decision_after_facts(proposal, record.facts_relied_on, on)
    unheard = proposal.unheard_facts(record.facts_relied_on, on)
    require_hearings_done(proposal, unheard, on)
    if unheard:
        raise HearingRequired(
            "the decision relies on adverse, essential facts the party has not been heard on: "
            f"{', '.join(str(f) for f in unheard)}; send a hearing and await the answer or the "
            "deadline, or record an exemption"
        )
