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
from coprod.application.commands import decisions as cmd
from coprod.domain.decision import (
    IN_FORCE,
    Decision,
    DecisionAct,
    DecisionOutcome,
    DecisionRecord,
)
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

    def decide(self, command: cmd.Decide, actor: Actor) -> Receipt:
        """Decide on a proposal; `expected_version` is the proposal's, the receipt the decision's."""
        proposal = self.load(Proposal, command.proposal_id)
        process = self.load(Process, proposal.process_id)
        policy.officer_acts_for(actor, process.council_id, f"process {process.id}")
        _require_version("proposal", proposal, command.expected_version)
        process.require_phase("decide on a proposal", *DECISION_PHASES)
        act = DecisionAct(command.outcome, command.amount, command.record, command.decided_on)
        _require_currency(process, act.amount)
        proposal.require_no_other_decision()
        _require_decidable(proposal, process, act.outcome)
        decision = Decision.decide(
            actor, proposal.process_id, proposal.id, act, assessed_cost=proposal.assessed_cost
        )
        _require_lawful(proposal, act)
        proposal.record_decision(actor, decision.id, act.outcome, IN_FORCE)
        return self.commit(decision, proposal)

    def correct_decision(self, command: cmd.CorrectDecision, actor: Actor) -> Receipt:
        """Replace a decision by a new act (the original stays on record)."""
        decision, proposal, process = self._load_decision(
            actor, command.decision_id, command.expected_version
        )
        process.require_phase("correct a decision", *DECISION_PHASES)
        act = DecisionAct(command.outcome, command.amount, command.record, command.decided_on)
        _require_currency(process, act.amount)
        _require_decidable(proposal, process, act.outcome)
        decision.correct(actor, command.reason, act, assessed_cost=proposal.assessed_cost)
        _require_lawful(proposal, act)
        proposal.record_decision(actor, decision.id, decision.outcome, decision.status)
        return self.commit(decision, proposal)

    def reopen_decision(self, command: cmd.ReopenDecision, actor: Actor) -> Receipt:
        """Take a decision out of force while it is reconsidered."""
        decision, proposal, process = self._load_decision(
            actor, command.decision_id, command.expected_version
        )
        process.require_phase("reopen a decision", *DECISION_PHASES)
        decision.reopen(actor, command.reason)
        proposal.record_decision(actor, decision.id, decision.outcome, decision.status)
        return self.commit(decision, proposal)

    def revoke_decision(self, command: cmd.RevokeDecision, actor: Actor) -> Receipt:
        """Revoke a decision by a new act, after the party was heard."""
        decision, proposal, process = self._load_decision(
            actor, command.decision_id, command.expected_version
        )
        process.require_phase("revoke a decision", *DECISION_PHASES)
        decision.revoke(actor, command.reason, command.record, command.decided_on)
        _require_heard(proposal, command.record, command.decided_on)
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
        _require_version("decision", decision, expected_version)
        proposal = self.load(Proposal, decision.proposal_id)
        return decision, proposal, process


def _require_version(kind: str, aggregate: Proposal | Decision, expected: int | None) -> None:
    """The version the caller last saw, compared after the policy (so a 403 is not a 412)."""
    if expected is not None and aggregate.version != expected:
        raise StaleVersion(kind, aggregate.id, expected, aggregate.version)


def _require_lawful(proposal: Proposal, act: DecisionAct) -> None:
    """An act is dated after the facts it relies on; an adverse one rests on heard facts."""
    if act.record is not None:
        require_decision_after_facts(proposal, act.record.facts_relied_on, act.decided_on)
    if act.outcome.adverse:
        _require_heard(proposal, act.record, act.decided_on)


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
