"""Use cases for ideas and proposals: submission to shortlist, the case file, the ballot paper.

Each use case loads the process first: the phase decides what may happen, and an unknown
process id is a NotFound before anything else is looked at. Currency and area checks live
here too, because the proposal does not hold the process's settings.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from coprod.application import policy
from coprod.application.base import CoprodBase, Receipt
from coprod.domain.errors import InvalidInput, PhaseError, RuleViolation, StaleVersion
from coprod.domain.inputs import check_same_currency
from coprod.domain.phases import Phase
from coprod.domain.process import Process
from coprod.domain.proposal import Proposal
from coprod.domain.values import Actor, Money
from coprod.domain.voting import BallotOption

#: Ideas are submitted, amended, merged and developed only while ideas are being gathered.
IDEA_PHASES = (Phase.IDEAS, Phase.DEVELOPMENT)
#: Withdrawal stays possible until the ballot paper is fixed.
WITHDRAW_PHASES = (Phase.IDEAS, Phase.DEVELOPMENT, Phase.REVIEW)


class ProposalCommands(CoprodBase):
    """Commands on ideas and proposals; each takes the version of the proposal it changes."""

    def submit_idea(
        self,
        actor: Actor,
        process_id: UUID,
        title: str,
        description: str,
        area_code: str | None = None,
        category: str | None = None,
    ) -> Receipt:
        process = self.load(Process, process_id)
        process.require_phase("submit an idea", *IDEA_PHASES)
        if area_code is not None:
            _require_area(process, area_code)
        proposal = Proposal.submit(actor, process_id, title, description, area_code, category)
        return self.commit(proposal)

    def amend_idea(
        self,
        actor: Actor,
        proposal_id: UUID,
        title: str | None = None,
        description: str | None = None,
        expected_version: int | None = None,
    ) -> Receipt:
        proposal, process = self._load_with_process(actor, proposal_id, expected_version, idea=True)
        process.require_phase("amend an idea", *IDEA_PHASES)
        proposal.amend(actor, title, description)
        return self.commit(proposal)

    def merge_ideas(
        self,
        actor: Actor,
        source_id: UUID,
        target_id: UUID,
        expected_version: int | None = None,
        target_version: int | None = None,
    ) -> Receipt:
        """Merge source into target; both events are saved in one transaction or neither is.

        `expected_version` is the source's, `target_version` the target's; the receipt
        names the source.
        """
        source, process = self._load_with_process(actor, source_id, expected_version, idea=True)
        process.require_phase("merge ideas", *IDEA_PHASES)
        target = self.load(Proposal, target_id)
        self._may_act_on(actor, target, process, idea=True)
        if target_version is not None and target.version != target_version:
            raise StaleVersion("proposal", target_id, target_version, target.version)
        source.merge_into(actor, target)
        return self.commit(source, target)

    def withdraw_idea(
        self, actor: Actor, proposal_id: UUID, reason: str, expected_version: int | None = None
    ) -> Receipt:
        proposal, process = self._load_with_process(actor, proposal_id, expected_version, idea=True)
        process.require_phase("withdraw an idea", *WITHDRAW_PHASES)
        proposal.withdraw(actor, reason)
        return self.commit(proposal)

    def develop_proposal(
        self,
        actor: Actor,
        proposal_id: UUID,
        cost_estimate: Money,
        area_code: str,
        category: str,
        co_producers: tuple[UUID, ...] = (),
        expected_version: int | None = None,
    ) -> Receipt:
        proposal, process = self._load_with_process(actor, proposal_id, expected_version, idea=True)
        process.require_phase("develop a proposal", *IDEA_PHASES)
        _require_currency(process, "cost_estimate", cost_estimate)
        _require_area(process, area_code)
        proposal.develop(actor, cost_estimate, area_code, category, co_producers)
        return self.commit(proposal)

    # -- review --------------------------------------------------------------------------------

    def assess_feasibility(
        self,
        actor: Actor,
        proposal_id: UUID,
        feasible: bool,
        reason: str,
        assessed_cost: Money | None = None,
        expected_version: int | None = None,
    ) -> Receipt:
        proposal, process = self._load_with_process(actor, proposal_id, expected_version)
        process.require_phase("assess feasibility", Phase.REVIEW)
        if assessed_cost is not None:
            _require_currency(process, "assessed_cost", assessed_cost)
        proposal.assess(actor, feasible, reason, assessed_cost)
        return self.commit(proposal)

    def shortlist(
        self, actor: Actor, proposal_id: UUID, expected_version: int | None = None
    ) -> Receipt:
        proposal, process = self._load_with_process(actor, proposal_id, expected_version)
        _require_shortlisting_open(process, "shortlist")
        proposal.shortlist(actor)
        return self.commit(proposal)

    def decline_shortlist(
        self, actor: Actor, proposal_id: UUID, reason: str, expected_version: int | None = None
    ) -> Receipt:
        proposal, process = self._load_with_process(actor, proposal_id, expected_version)
        _require_shortlisting_open(process, "decline shortlisting")
        proposal.decline_shortlist(actor, reason)
        return self.commit(proposal)

    # -- the case file -------------------------------------------------------------------------

    def record_fact(
        self,
        actor: Actor,
        proposal_id: UUID,
        fact_id: UUID,
        summary: str,
        adverse: bool,
        essential: bool,
        known_to_party: bool,
        expected_version: int | None = None,
        *,
        noted_on: date | None = None,
    ) -> Receipt:
        """Put a fact on file; `noted_on` (default today) backdates it for a case recorded late."""
        proposal, process = self._load_with_process(actor, proposal_id, expected_version)
        _require_not_closed(process, "record a fact")
        proposal.record_fact(
            actor, fact_id, summary, adverse, essential, known_to_party, noted_on=noted_on
        )
        return self.commit(proposal)

    def send_hearing(
        self,
        actor: Actor,
        proposal_id: UUID,
        hearing_id: UUID,
        party_id: UUID,
        fact_ids: tuple[UUID, ...],
        deadline: date,
        expected_version: int | None = None,
        *,
        sent_on: date | None = None,
    ) -> Receipt:
        """Send a hearing (on `sent_on`, default today) with at least the process's period."""
        proposal, process = self._load_with_process(actor, proposal_id, expected_version)
        _require_not_closed(process, "send a hearing")
        proposal.send_hearing(
            actor,
            hearing_id,
            party_id,
            fact_ids,
            deadline,
            sent_on,
            min_days=process.min_hearing_days,
        )
        return self.commit(proposal)

    def record_hearing_answer(
        self,
        actor: Actor,
        proposal_id: UUID,
        hearing_id: UUID,
        answered_on: date,
        response_ref: str,
        expected_version: int | None = None,
    ) -> Receipt:
        proposal, process = self._load_with_process(actor, proposal_id, expected_version)
        _require_not_closed(process, "record a hearing answer")
        proposal.record_hearing_answer(actor, hearing_id, answered_on, response_ref)
        return self.commit(proposal)

    def exempt_from_hearing(
        self,
        actor: Actor,
        proposal_id: UUID,
        fact_ids: tuple[UUID, ...],
        justification: str,
        expected_version: int | None = None,
    ) -> Receipt:
        proposal, process = self._load_with_process(actor, proposal_id, expected_version)
        _require_not_closed(process, "exempt facts from hearing")
        proposal.exempt_from_hearing(actor, fact_ids, justification)
        return self.commit(proposal)

    # -- the ballot paper ----------------------------------------------------------------------

    def open_ballot(
        self,
        actor: Actor,
        process_id: UUID,
        proposal_ids: tuple[UUID, ...],
        expected_version: int | None = None,
    ) -> Receipt:
        """Open the vote on these shortlisted proposals at their assessed costs.

        `expected_version` is the process's. Whether every shortlisted proposal is on the
        paper is the officer's responsibility: the write side sees one proposal at a time.
        """
        process = self.load(Process, process_id)
        policy.officer_acts_for(actor, process.council_id, f"process {process_id}")
        if expected_version is not None and process.version != expected_version:
            raise StaleVersion("process", process_id, expected_version, process.version)
        process.require_phase("open the ballot", Phase.VOTE)
        if len(set(proposal_ids)) != len(proposal_ids):
            raise InvalidInput("proposal_ids", "names a proposal more than once")
        options = []
        for proposal_id in proposal_ids:
            proposal = self.load(Proposal, proposal_id)
            if proposal.process_id != process_id:
                raise RuleViolation(
                    f"proposal {proposal_id} belongs to process {proposal.process_id}",
                    rule="ballot-paper",
                )
            if proposal.shortlisted is not True or not proposal.active:
                raise RuleViolation(
                    f"proposal {proposal_id} is {proposal.status}, not shortlisted",
                    rule="ballot-paper",
                )
            assert proposal.assessed_cost is not None  # shortlisting needs a feasible assessment
            options.append(BallotOption(proposal_id, proposal.assessed_cost))
        process.open_ballot(actor, tuple(options))
        return self.commit(process)

    # -- reading -------------------------------------------------------------------------------

    def get_proposal(self, proposal_id: UUID) -> Proposal:
        return self.load(Proposal, proposal_id)

    def _load_with_process(
        self, actor: Actor, proposal_id: UUID, expected_version: int | None, idea: bool = False
    ) -> tuple[Proposal, Process]:
        """The proposal and its process, if the actor may act on it (application.policy):
        an idea's own organisation or the council's officer for ``idea`` commands, else an
        officer of the process's council. The version is compared after the policy."""
        proposal = self.load(Proposal, proposal_id)
        process = self.load(Process, proposal.process_id)
        self._may_act_on(actor, proposal, process, idea)
        if expected_version is not None and proposal.version != expected_version:
            raise StaleVersion("proposal", proposal_id, expected_version, proposal.version)
        return proposal, process

    @staticmethod
    def _may_act_on(actor: Actor, proposal: Proposal, process: Process, idea: bool) -> None:
        if idea:
            policy.may_change_idea(
                actor,
                proposal.id,
                proposal.submitter_organisation_id,
                proposal.submitter_id,
                process.council_id,
                process.id,
            )
        else:
            policy.officer_acts_for(actor, process.council_id, f"process {process.id}")


def _require_not_closed(process: Process, doing: str) -> None:
    if process.phase is Phase.CLOSED:
        raise PhaseError(f"cannot {doing}: the process is closed")


def _require_shortlisting_open(process: Process, doing: str) -> None:
    process.require_phase(doing, Phase.REVIEW)
    if process.ballot_state != "not_opened":
        raise PhaseError(f"cannot {doing}: the ballot is already {process.ballot_state}")


def _require_currency(process: Process, field: str, money: Money) -> None:
    check_same_currency(field, money.currency, process.currency)


def _require_area(process: Process, area_code: str) -> None:
    """Once the process has defined its areas, a proposal must name one of them."""
    codes = [a.code for a in process.areas]
    if codes and area_code.strip() not in codes:
        raise InvalidInput("area_code", f"{area_code!r} is not an area of this process")
