"""The demo's co-commissioned service: a youth club defined with residents, co-designed in two
workshops, tendered to the community groups, scored by a panel of residents and an officer,
awarded with its ranking, contracted after the standstill and delivered as a project.

Every step is on the seeder's agenda at its day in the story, so the tender's deadline, the
opening, the standstill and the contract are judged by the simulated clock the events are
stamped with (:meth:`coprod.application.commissioning.CommissioningCommands.now`).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import partial
from uuid import UUID, uuid5

from api.demo.base import SeederBase
from coprod.application.commands import commissioning as cmd
from coprod.application.commands.people import RegisterPerson
from coprod.application.commands.projects import MeetMilestone, RecordSpend, ScheduleMilestone
from coprod.domain.commissioning import NeedDefinition, SessionRecord
from coprod.domain.commissioning_terms import (
    Criterion,
    CriterionKind,
    Lot,
    PanelRole,
    ParticipantGroup,
    Participation,
)
from coprod.domain.decision import ComplaintsGuidance, DecisionRecord
from coprod.domain.tender import Tender
from coprod.domain.tender_checks import AwardTerms, BidTerms, ContractTerms, TenderTerms
from coprod.domain.values import Actor, Role

__all__ = ["CommissioningSteps"]

#: The story's days (days ago): need, workshops, tender, opening, award, contract.
NEED, WORKSHOPS, PUBLISHED, OPENED, AWARDED, SIGNED = 330, (320, 306), 300, 268, 260, 248
BID_DAYS = 30
#: Quality scores per bidder (index into the demo's groups) from each of the four members.
SCORES = {0: (8, 7, 9, 8), 1: (6, 6, 7, 5), 2: (7, 8, 6, 7)}
PRICES = {0: 460_000, 1: 380_000, 2: 420_000}


def _people(residents: int, users: int, officers: int) -> tuple[Participation, ...]:
    return (
        Participation(ParticipantGroup.RESIDENTS, residents),
        Participation(ParticipantGroup.SERVICE_USERS, users),
        Participation(ParticipantGroup.OFFICERS, officers),
    )


class CommissioningSteps(SeederBase):
    """One co-commissioned service, from need to delivery, planned on the agenda."""

    need_id: UUID
    tender_id: UUID
    panel: list[Actor]
    commissioned_project: UUID

    def co_commission(self) -> None:
        self.say("co-commissioning a youth club with residents")
        self.plan(NEED, self._define_need)
        for number, day in enumerate(WORKSHOPS, start=1):
            self.plan(day, partial(self._workshop, number))
        self.plan(PUBLISHED, self._publish)
        for index, (group_id, member) in enumerate(self.groups[:3]):
            bid = BidTerms(
                group_id,
                "club",
                self.money(PRICES[index]),
                (f"https://example.org/demo/tender/youth-club/bid-{index + 1}.pdf",),
            )
            self.plan(PUBLISHED - 5 - 7 * index, partial(self._bid, bid, member))
        if self.clock.today() > self.day(NEED):
            # Seeded into a store whose last event is later than the story's days: the
            # clock cannot go back, so the bid deadline is still ahead; the tender stays open.
            return
        self.plan(OPENED, self._open_and_score)
        self.plan(AWARDED, self._award)
        self.plan(SIGNED, self._contract)
        self.plan(SIGNED - 40, self._first_milestone)

    def _define_need(self) -> None:
        need = NeedDefinition(
            code="youth-club",
            title="A youth club in the north district",
            description="Evenings and weekends for 12-17 year olds, run with the young people.",
            participants=_people(37, 22, 3),
            defined_on=self.clock.today(),
        )
        made = self.app.define_service_need(
            cmd.DefineServiceNeed(process_id=self.process_id, need=need), self.officer
        )
        self.need_id = made.aggregate_id
        self.count["co-commissioned services"] += 1

    def _workshop(self, number: int) -> None:
        outputs = (
            ("Open Tuesday to Friday 16-22 and Saturday afternoons", "A youth council of 6")
            if number == 1
            else ("Music room and homework café", "Volunteer mentors from local groups")
        )
        session = SessionRecord(
            f"workshop-{number}", self.clock.today(), _people(24, 18, 2), outputs
        )
        self.app.hold_co_design_session(
            cmd.HoldCoDesignSession(need_id=self.need_id, session=session), self.officer
        )

    def _publish(self) -> None:
        now = self.app.now()
        deadline = datetime.combine(now.date() + timedelta(days=BID_DAYS), now.timetz())
        terms = TenderTerms(
            code="youth-club-2025",
            title="Running the north district youth club",
            lots=(Lot("club", "The youth club, three years"),),
            criteria=(
                Criterion("plan", "Activity plan made with young people", Decimal(40)),
                Criterion("involvement", "Involving residents and volunteers", Decimal(30)),
                Criterion("price", "Price", Decimal(30), CriterionKind.PRICE),
            ),
            scale=10,
            deadline=deadline.astimezone(UTC),
            estimated_value=self.money(450_000),
        )
        self.tender_id = self.app.publish_tender(
            cmd.PublishTender(need_id=self.need_id, terms=terms), self.officer
        ).aggregate_id
        self._panel()

    def _bid(self, bid: BidTerms, member: Actor) -> None:
        self.app.submit_bid(cmd.SubmitBid(tender_id=self.tender_id, bid=bid), member)

    def _panel(self) -> None:
        """Three residents (registered people, pseudonymous in the events) and the officer."""
        self.panel = []
        for n in range(3):
            person = self.app.register_person(
                RegisterPerson(details={"name": f"Panel resident {n + 1}"}), self.officer
            ).aggregate_id
            self.panel.append(Actor(person, Role.RESIDENT))
        self.panel.append(self.officer)
        for member in self.panel:
            role = PanelRole.OFFICER if member.role is Role.COUNCIL_OFFICER else PanelRole.RESIDENT
            appoint = cmd.AppointPanelMember(
                tender_id=self.tender_id, member_id=member.id, role=role
            )
            self.app.appoint_panel_member(appoint, self.officer)

    def _open_and_score(self) -> None:
        app = self.app
        app.open_bids(cmd.OpenBids(tender_id=self.tender_id), self.officer)
        conflicted = self.groups[1][0]  # one resident volunteers with the second group
        for n, member in enumerate(self.panel):
            bidders = (conflicted,) if n == 0 else ()
            app.declare_conflicts(
                cmd.DeclareConflicts(tender_id=self.tender_id, conflicted_bidders=bidders), member
            )
        for index, (group_id, _member) in enumerate(self.groups[:3]):
            bid = Tender.bid_id_for(self.tender_id, group_id, "club")
            for n, member in enumerate(self.panel):
                if n == 0 and group_id == conflicted:
                    continue  # a conflicted member never scores that bid
                for offset, criterion in enumerate(("plan", "involvement")):
                    score = Decimal(max(0, SCORES[index][n] - offset))
                    app.score_bid(
                        cmd.ScoreBid(
                            tender_id=self.tender_id,
                            bid_id=bid,
                            criterion_code=criterion,
                            score=score,
                        ),
                        member,
                    )

    def _award(self) -> None:
        ranking = self.app.load(Tender, self.tender_id).ranking("club")
        record = DecisionRecord(
            legal_basis=("Udbudsloven § 162 and § 191 (light regime for social services)",),
            main_considerations=(
                "The bid ranked first on the published weights: the strongest activity plan "
                "made with young people, at a price within the estimate.",
            ),
            facts_relied_on=(uuid5(self.tender_id, "evaluation-report"),),
            complaints=ComplaintsGuidance(
                "Klagenævnet for Udbud", "Complain in writing to the board.", 45
            ),
        )
        terms = AwardTerms("club", ranking[0].bid_id, record, self.clock.today(), 10)
        self.app.award_tender(cmd.AwardTender(tender_id=self.tender_id, award=terms), self.officer)

    def _contract(self) -> None:
        today = self.clock.today()
        tender = self.app.load(Tender, self.tender_id)
        winner = tender.bids[tender.awards["club"].bid_id]
        terms = ContractTerms(
            "club", winner.price, today + timedelta(days=14), today + timedelta(days=3 * 365), today
        )
        made = self.app.sign_contract(
            cmd.SignContract(tender_id=self.tender_id, contract=terms), self.officer
        )
        self.commissioned_project = made.aggregate_id
        schedule = (("opening", "The club opens", 60), ("review", "First-year review", 400))
        for code, title, due in schedule:
            milestone = ScheduleMilestone(
                project_id=made.aggregate_id,
                code=code,
                title=title,
                due_on=today + timedelta(days=due),
            )
            self.app.schedule_milestone(milestone, self.officer)

    def _first_milestone(self) -> None:
        today = self.clock.today()
        project = self.commissioned_project
        self.app.meet_milestone(
            MeetMilestone(
                project_id=project,
                code="opening",
                met_on=today,
                evidence_url="https://example.org/demo/youth-club/opening",
            ),
            self.officer,
        )
        spend = RecordSpend(
            project_id=project,
            amount=self.money(120_000),
            spent_on=today,
            purpose="First year of the youth club contract",
        )
        self.app.record_spend(spend, self.officer)
