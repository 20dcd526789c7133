"""Use cases of co-commissioning: a need defined with residents, through tender to contract.

See :mod:`coprod.domain.commissioning` and :mod:`coprod.domain.tender` for the rules. The use
cases load, check who may act (:mod:`coprod.application.commissioning_policy`), and commit;
signing a contract also starts the delivery as a :class:`~coprod.domain.project.Project`
in the same transaction, so milestones, spend and contributions work as for any project.
The project's ``proposal_id`` is the winning bid (the proposal the council funded) and its
``decision_id`` the award.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import eventsourcing.domain as es_domain

from coprod.application import commissioning_policy, policy
from coprod.application.base import CoprodBase, Receipt
from coprod.application.commands import commissioning as cmd
from coprod.domain.commissioning import ServiceNeed
from coprod.domain.errors import StaleVersion
from coprod.domain.organisation import Organisation
from coprod.domain.process import Process
from coprod.domain.project import Project
from coprod.domain.tender import Tender
from coprod.domain.tender_checks import check_contract
from coprod.domain.values import Actor

__all__ = ["CommissioningCommands"]


class CommissioningCommands(CoprodBase):
    """Need, co-design, tender, panel, bids, scores, award and contract."""

    def now(self) -> datetime:
        """The moment a deadline is judged against: the clock the events are stamped with
        (the library's), so a replayed or simulated history judges deadlines as it stamps."""
        moment: datetime = es_domain.datetime_now_with_tzinfo()
        return moment

    def define_service_need(self, command: cmd.DefineServiceNeed, actor: Actor) -> Receipt:
        """Record a need defined with residents, in a process of the officer's council."""
        process = self.load(Process, command.process_id)
        policy.council_officer_of(actor, process.council_id, f"process {process.id}")
        need = ServiceNeed.define(actor, process.id, process.council_id, command.need)
        return self.commit(need)

    def hold_co_design_session(self, command: cmd.HoldCoDesignSession, actor: Actor) -> Receipt:
        """Record a co-design session of a need."""
        need = self.load(ServiceNeed, command.need_id, command.expected_version)
        policy.council_officer_of(actor, need.council_id, f"service need {need.code}")
        need.hold_session(actor, command.session)
        return self.commit(need)

    def publish_tender(self, command: cmd.PublishTender, actor: Actor) -> Receipt:
        """Publish a tender for a need; the same tender code twice is AlreadyExists."""
        need = self.load(ServiceNeed, command.need_id)
        policy.council_officer_of(actor, need.council_id, f"service need {need.code}")
        owner = (need.process_id, need.council_id)
        tender = Tender.publish(actor, need.id, owner, command.terms, self.now())
        return self.commit(tender)

    def appoint_panel_member(self, command: cmd.AppointPanelMember, actor: Actor) -> Receipt:
        """Add a resident or an officer to the evaluation panel."""
        tender = self._tender_for_officer(actor, command.tender_id, command.expected_version)
        tender.appoint(actor, command.member_id, command.role)
        return self.commit(tender)

    def declare_conflicts(self, command: cmd.DeclareConflicts, actor: Actor) -> Receipt:
        """A member declares their interests, as themself, before seeing the bids."""
        tender = self.load(Tender, command.tender_id, command.expected_version)
        member = commissioning_policy.may_act_as_member(actor, actor.id, "a declaration")
        tender.declare_conflicts(actor, member, command.conflicted_bidders)
        return self.commit(tender)

    def submit_bid(self, command: cmd.SubmitBid, actor: Actor) -> Receipt:
        """Record a bid before the deadline; the receipt names the tender (the bid id is
        :meth:`Tender.bid_id_for`)."""
        tender = self.load(Tender, command.tender_id, command.expected_version)
        self.load(Organisation, command.bid.bidder_id)  # a bidder is a registered organisation
        what = f"tender {tender.code}"
        commissioning_policy.may_submit_bid(actor, command.bid.bidder_id, tender.council_id, what)
        tender.submit_bid(actor, command.bid, self.now())
        return self.commit(tender)

    def open_bids(self, command: cmd.OpenBids, actor: Actor) -> Receipt:
        """Open the bids once the deadline has passed and the panel is mixed."""
        tender = self._tender_for_officer(actor, command.tender_id, command.expected_version)
        tender.open_bids(actor, self.now())
        return self.commit(tender)

    def score_bid(self, command: cmd.ScoreBid, actor: Actor) -> Receipt:
        """A member scores a bid, as themself; a conflicted member cannot."""
        c = command
        tender = self.load(Tender, c.tender_id, c.expected_version)
        member = commissioning_policy.may_act_as_member(actor, actor.id, "a score")
        tender.score(actor, member, c.bid_id, c.criterion_code, c.score, c.note)
        return self.commit(tender)

    def moderate_score(self, command: cmd.ModerateScore, actor: Actor) -> Receipt:
        """Record the score the panel agreed in moderation."""
        c = command
        tender = self._tender_for_officer(actor, c.tender_id, c.expected_version)
        tender.moderate(actor, c.bid_id, c.criterion_code, c.score, c.reason)
        return self.commit(tender)

    def award_tender(self, command: cmd.AwardTender, actor: Actor) -> Receipt:
        """Award a lot with a complete decision record; departing from the ranking needs reasons."""
        tender = self._tender_for_officer(actor, command.tender_id, command.expected_version)
        tender.award(actor, command.award)
        return self.commit(tender)

    def sign_contract(self, command: cmd.SignContract, actor: Actor) -> Receipt:
        """Record the contract after the standstill, and start its delivery as a project."""
        terms = command.contract
        tender = self._tender_for_officer(actor, command.tender_id, command.expected_version)
        award = tender.award_of(terms.lot_code)
        check_contract(terms, tender.estimated_value.currency)  # named fields, before the project
        project = Project.fund(  # first: its event is stamped, and read, before the contract's
            actor,
            tender.process_id,
            award.bid_id,
            award.award_id,
            f"{tender.title}: {tender.lots[terms.lot_code].title}"[:200],
            terms.value,
        )
        tender.sign_contract(actor, terms)
        return self.commit(project, tender)

    def _tender_for_officer(
        self, actor: Actor, tender_id: UUID, expected_version: int | None
    ) -> Tender:
        tender = self.load(Tender, tender_id)
        policy.council_officer_of(actor, tender.council_id, f"tender {tender.code}")
        if expected_version is not None and tender.version != expected_version:
            raise StaleVersion("tender", tender_id, expected_version, tender.version)
        return tender
