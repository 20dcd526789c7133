"""Use cases for ideas and proposals: submission to shortlist, the case file, the ballot paper.

Each use case loads the process first: the phase decides what may happen, and an unknown
process id is a NotFound before anything else is looked at. Currency and area checks live
here too, because the proposal does not hold the process's settings.
"""

from __future__ import annotations

from uuid import UUID

from coprod.application import policy
from coprod.application.base import CoprodBase, Receipt
from coprod.application.commands.proposals import (
    AmendIdea,
    AssessFeasibility,
    DeclineShortlist,
    DevelopProposal,
    ExemptFromHearing,
    MergeIdeas,
    OpenBallot,
    RecordFact,
    RecordHearingAnswer,
    SendHearing,
    Shortlist,
    SubmitIdea,
    WithdrawIdea,
)
from coprod.domain.case_file import CaseFact, Hearing
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

    def submit_idea(self, command: SubmitIdea, actor: Actor) -> Receipt:
        """Submit an idea while ideas are gathered; a named area must be one of the process's."""
        c = command
        process = self.load(Process, c.process_id)
        process.require_phase("submit an idea", *IDEA_PHASES)
        if c.area_code is not None:
            _require_area(process, c.area_code)
        proposal = Proposal.submit(
            actor, c.process_id, c.title, c.description, c.area_code, c.category
        )
        return self.commit(proposal)

    def amend_idea(self, command: AmendIdea, actor: Actor) -> Receipt:
        """Change the idea's title or description (its own organisation, or the council)."""
        c = command
        proposal, process = self._load_with_process(
            actor, c.proposal_id, c.expected_version, idea=True
        )
        process.require_phase("amend an idea", *IDEA_PHASES)
        proposal.amend(actor, c.title, c.description)
        return self.commit(proposal)

    def merge_ideas(self, command: MergeIdeas, actor: Actor) -> Receipt:
        """Merge source into target; both events are saved in one transaction or neither is.

        `expected_version` is the source's, `target_version` the target's; the receipt
        names the source.
        """
        c = command
        source, process = self._load_with_process(actor, c.source_id, c.expected_version, idea=True)
        process.require_phase("merge ideas", *IDEA_PHASES)
        target = self.load(Proposal, c.target_id)
        self._may_act_on(actor, target, process, idea=True)
        if c.target_version is not None and target.version != c.target_version:
            raise StaleVersion("proposal", c.target_id, c.target_version, target.version)
        source.merge_into(actor, target)
        return self.commit(source, target)

    def withdraw_idea(self, command: WithdrawIdea, actor: Actor) -> Receipt:
        """Withdraw the idea, until the ballot paper is fixed."""
        proposal, process = self._load_with_process(
            actor, command.proposal_id, command.expected_version, idea=True
        )
        process.require_phase("withdraw an idea", *WITHDRAW_PHASES)
        proposal.withdraw(actor, command.reason)
        return self.commit(proposal)

    def develop_proposal(self, command: DevelopProposal, actor: Actor) -> Receipt:
        """Make the idea a costed proposal in the process's currency and one of its areas."""
        c = command
        proposal, process = self._load_with_process(
            actor, c.proposal_id, c.expected_version, idea=True
        )
        process.require_phase("develop a proposal", *IDEA_PHASES)
        _require_currency(process, "cost_estimate", c.cost_estimate)
        _require_area(process, c.area_code)
        proposal.develop(actor, c.cost_estimate, c.area_code, c.category, c.co_producers)
        return self.commit(proposal)

    # -- review --------------------------------------------------------------------------------

    def assess_feasibility(self, command: AssessFeasibility, actor: Actor) -> Receipt:
        """Record the council's feasibility assessment (review phase)."""
        c = command
        proposal, process = self._load_with_process(actor, c.proposal_id, c.expected_version)
        process.require_phase("assess feasibility", Phase.REVIEW)
        if c.assessed_cost is not None:
            _require_currency(process, "assessed_cost", c.assessed_cost)
        proposal.assess(actor, c.feasible, c.reason, c.assessed_cost)
        return self.commit(proposal)

    def shortlist(self, command: Shortlist, actor: Actor) -> Receipt:
        """Put a feasible proposal on the shortlist, before the ballot opens."""
        proposal, process = self._load_with_process(
            actor, command.proposal_id, command.expected_version
        )
        _require_shortlisting_open(process, "shortlist")
        proposal.shortlist(actor)
        return self.commit(proposal)

    def decline_shortlist(self, command: DeclineShortlist, actor: Actor) -> Receipt:
        """Keep a proposal off the shortlist, with the reason."""
        proposal, process = self._load_with_process(
            actor, command.proposal_id, command.expected_version
        )
        _require_shortlisting_open(process, "decline shortlisting")
        proposal.decline_shortlist(actor, command.reason)
        return self.commit(proposal)

    # -- the case file -------------------------------------------------------------------------

    def record_fact(self, command: RecordFact, actor: Actor) -> Receipt:
        """Put a fact on file; `noted_on` (default today) backdates it for a case recorded late."""
        c = command
        proposal, process = self._load_with_process(actor, c.proposal_id, c.expected_version)
        _require_not_closed(process, "record a fact")
        fact = CaseFact(c.summary, c.adverse, c.essential, c.known_to_party, c.noted_on)
        proposal.record_fact(actor, c.fact_id, fact)
        return self.commit(proposal)

    def send_hearing(self, command: SendHearing, actor: Actor) -> Receipt:
        """Send a hearing (on `sent_on`, default today) with at least the process's period."""
        c = command
        proposal, process = self._load_with_process(actor, c.proposal_id, c.expected_version)
        _require_not_closed(process, "send a hearing")
        hearing = Hearing(c.party_id, c.fact_ids, c.deadline, sent_on=c.sent_on)
        proposal.send_hearing(actor, c.hearing_id, hearing, min_days=process.min_hearing_days)
        return self.commit(proposal)

    def record_hearing_answer(self, command: RecordHearingAnswer, actor: Actor) -> Receipt:
        """Note that the party answered a hearing, with a reference to the answer."""
        c = command
        proposal, process = self._load_with_process(actor, c.proposal_id, c.expected_version)
        _require_not_closed(process, "record a hearing answer")
        proposal.record_hearing_answer(actor, c.hearing_id, c.answered_on, c.response_ref)
        return self.commit(proposal)

    def exempt_from_hearing(self, command: ExemptFromHearing, actor: Actor) -> Receipt:
        """Record why these facts may be used without a hearing."""
        c = command
        proposal, process = self._load_with_process(actor, c.proposal_id, c.expected_version)
        _require_not_closed(process, "exempt facts from hearing")
        proposal.exempt_from_hearing(actor, c.fact_ids, c.justification)
        return self.commit(proposal)

    # -- the ballot paper ----------------------------------------------------------------------

    def open_ballot(self, command: OpenBallot, actor: Actor) -> Receipt:
        """Open the vote on these shortlisted proposals at their assessed costs.

        `expected_version` is the process's. Whether every shortlisted proposal is on the
        paper is the officer's responsibility: the write side sees one proposal at a time.
        """
        c = command
        process = self.load(Process, c.process_id)
        policy.officer_acts_for(actor, process.council_id, f"process {c.process_id}")
        if c.expected_version is not None and process.version != c.expected_version:
            raise StaleVersion("process", c.process_id, c.expected_version, process.version)
        process.require_phase("open the ballot", Phase.VOTE)
        if len(set(c.proposal_ids)) != len(c.proposal_ids):
            raise InvalidInput("proposal_ids", "names a proposal more than once")
        options = tuple(self._ballot_option(c.process_id, p) for p in c.proposal_ids)
        process.open_ballot(actor, options)
        return self.commit(process)

    def _ballot_option(self, process_id: UUID, proposal_id: UUID) -> BallotOption:
        """A shortlisted, active proposal of this process, at its assessed cost."""
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
        return BallotOption(proposal_id, proposal.assessed_cost)

    # -- reading -------------------------------------------------------------------------------

    def get_proposal(self, proposal_id: UUID) -> Proposal:
        """The idea or proposal as it stands now (public)."""
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
