"""The demo's participatory-budgeting cycle: groups, process, ideas, review, vote, decisions."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal
from uuid import UUID

from api.demo.base import SeederBase
from api.demo.data import (
    AREAS,
    COMPLAINTS,
    DECIDED_DAYS_AGO,
    GROUPS,
    PHASES_DAYS_AGO,
    POT,
    SET_UP_DAYS_AGO,
    THEMES,
)
from api.demo.voters import marked_ballot
from coprod.application.base import SYSTEM_ACTOR
from coprod.application.commands.ballots import CastBallots
from coprod.application.commands.decisions import CorrectDecision, Decide
from coprod.application.commands.people import AddMember, RegisterOrganisation, RegisterPerson
from coprod.application.commands.processes import (
    AdvancePhase,
    CloseBallot,
)
from coprod.application.commands.proposals import (
    AmendIdea,
    AssessFeasibility,
    DeclineShortlist,
    DevelopProposal,
    MergeIdeas,
    OpenBallot,
    RecordFact,
    RecordHearingAnswer,
    SendHearing,
    Shortlist,
    SubmitIdea,
    WithdrawIdea,
)
from coprod.domain.ballot import Ballot
from coprod.domain.decision import DecisionOutcome, DecisionRecord
from coprod.domain.organisation import OrganisationKind
from coprod.domain.phases import Phase
from coprod.domain.values import Actor, Money, Role
from coprod.domain.voting import VoteMethod, VotingRules

#: Days before today the first cycle's ballot opens (it closes 19 days later).
VOTE_OPENS = 429


class CycleSteps(SeederBase):
    """From registering the groups to the council's decisions, through the real use cases."""

    # -- who takes part ------------------------------------------------------------------------

    def organisations(self) -> None:
        self.say("registering the council and community groups")
        app = self.app
        self.at(SET_UP_DAYS_AGO)
        self.council_id = app.register_organisation(
            RegisterOrganisation(
                slug=f"demo-council-{self.seed}",
                kind=OrganisationKind.COUNCIL,
                display_name="Demo City Council",
            ),
            SYSTEM_ACTOR,
        ).aggregate_id
        self.count["organisations"] += 1
        officer_id = app.register_person(
            RegisterPerson(details={"name": "Officer One", "email": "officer@example.org"}),
            SYSTEM_ACTOR,
        )
        app.add_member(
            AddMember(
                organisation_id=self.council_id,
                person_id=officer_id.aggregate_id,
                role=Role.COUNCIL_OFFICER,
            ),
            SYSTEM_ACTOR,
        )
        self.officer = Actor(officer_id.aggregate_id, Role.COUNCIL_OFFICER, self.council_id)
        self.groups = []
        for slug, name in GROUPS:
            group_id = app.register_organisation(
                RegisterOrganisation(
                    slug=f"{slug}-{self.seed}",
                    kind=OrganisationKind.COMMUNITY_GROUP,
                    display_name=name,
                ),
                self.officer,
            ).aggregate_id
            person = app.register_person(
                RegisterPerson(details={"name": f"Contact of {name}"}), self.officer
            ).aggregate_id
            app.add_member(
                AddMember(organisation_id=group_id, person_id=person, role=Role.COMMUNITY_MEMBER),
                self.officer,
            )
            self.groups.append((group_id, Actor(person, Role.COMMUNITY_MEMBER, group_id)))
            self.count["organisations"] += 1
            self.count["community groups"] += 1

    def open_process(self) -> None:
        self.say("opening the PB cycle")
        self.at(SET_UP_DAYS_AGO - 5)
        self.process_id = self.open_demo_process(
            "demo-pb",
            "Demo City participatory budget",
            self.money(POT),
            VotingRules(VoteMethod.KNAPSACK, budget_limit=self.money(POT)),
            PHASES_DAYS_AGO,
        )

    # -- ideas to shortlist --------------------------------------------------------------------

    def ideas(self) -> None:
        self.say("collecting ideas and developing proposals")
        app, rng, pid = self.app, self.rng, self.process_id
        self._submit_ideas()
        self.at(503)
        for idea in self.ideas_ids[:3]:
            app.amend_idea(
                AmendIdea(
                    proposal_id=idea,
                    description="Clarified with the proposers at the ideas workshop",
                ),
                self.officer,
            )
        merged = [
            (self.ideas_ids[40], self.ideas_ids[4]),
            (self.ideas_ids[41], self.ideas_ids[5]),
            (self.ideas_ids[42], self.ideas_ids[6]),
        ]
        for source, target in merged:
            app.merge_ideas(MergeIdeas(source_id=source, target_id=target), self.officer)
            self.count["ideas merged"] += 1
        for idea in self.ideas_ids[43:45]:
            app.withdraw_idea(
                WithdrawIdea(
                    proposal_id=idea,
                    reason="The proposers withdrew it: already funded by the housing association",
                ),
                self.officer,
            )
            self.count["ideas withdrawn"] += 1
        self.at(499)
        app.advance_phase(AdvancePhase(process_id=pid, to_phase=Phase.DEVELOPMENT), self.officer)
        self.proposals = self.ideas_ids[:40] + self.ideas_ids[45:]
        for n, proposal in enumerate(self.proposals):
            self.at(498 - n // 2)
            area_code, category = self.meta[proposal]
            cost = self.money(rng.randrange(60, 460) * 1000)
            co_producers = (self.groups[rng.randrange(len(self.groups))][0],)
            app.develop_proposal(
                DevelopProposal(
                    proposal_id=proposal,
                    cost_estimate=cost,
                    area_code=area_code,
                    category=category,
                    co_producers=co_producers,
                ),
                self.officer,
            )
            self.count["proposals"] += 1

    def _submit_ideas(self) -> None:
        """46 ideas over the themes and areas, by group members and unaffiliated residents."""
        app, rng, pid = self.app, self.rng, self.process_id
        self.ideas_ids: list[UUID] = []
        self.meta: dict[UUID, tuple[str, str]] = {}
        for i in range(46):
            self.at(540 - i * 35 // 46)  # over the ideas phase's first five weeks
            category, title, description = THEMES[i % len(THEMES)]
            area = AREAS[rng.randrange(len(AREAS))]
            _group_id, member = self.groups[rng.randrange(len(self.groups))]
            author = (
                member
                if rng.random() < 0.6
                else Actor(uuid.UUID(int=rng.getrandbits(128)), Role.RESIDENT)
            )
            idea = app.submit_idea(
                SubmitIdea(
                    process_id=pid,
                    title=f"{title} in {area.name}",
                    description=description,
                    area_code=area.code,
                    category=category,
                ),
                author,
            ).aggregate_id
            self.ideas_ids.append(idea)
            self.meta[idea] = (area.code, category)
            self.count["ideas"] += 1

    def review(self) -> None:
        self.say("assessing feasibility and shortlisting")
        app, rng = self.app, self.rng
        self.at(459)
        app.advance_phase(
            AdvancePhase(process_id=self.process_id, to_phase=Phase.REVIEW), self.officer
        )
        self.costs: dict[UUID, Money] = {}
        feasible = []
        for index, proposal in enumerate(self.proposals):
            self.at(458 - index // 3)
            if index % 6 == 5:
                app.assess_feasibility(
                    AssessFeasibility(
                        proposal_id=proposal,
                        feasible=False,
                        reason="The site is not council land and the owner declined",
                    ),
                    self.officer,
                )
                self.count["assessed unfeasible"] += 1
                continue
            estimate = app.get_proposal(proposal).cost_estimate
            assert estimate is not None
            assessed = self.money(
                (estimate.amount * Decimal(rng.choice((90, 100, 110, 125))) / 100).quantize(
                    Decimal(1000)
                )
            )
            app.assess_feasibility(
                AssessFeasibility(
                    proposal_id=proposal,
                    feasible=True,
                    reason="Feasible within one year",
                    assessed_cost=assessed,
                ),
                self.officer,
            )
            self.costs[proposal] = assessed
            feasible.append(proposal)
        self.shortlisted = feasible[:18]
        self.at(435)
        for proposal in self.shortlisted:
            app.shortlist(Shortlist(proposal_id=proposal), self.officer)
            self.count["shortlisted"] += 1
        for proposal in feasible[18:]:
            app.decline_shortlist(
                DeclineShortlist(
                    proposal_id=proposal,
                    reason="A similar project is already on the ballot for this area",
                ),
                self.officer,
            )

    # -- the vote --------------------------------------------------------------------------------

    def vote(self) -> None:
        self.say("voting: 900 ballots")
        app, rng, pid = self.app, self.rng, self.process_id
        self.at(VOTE_OPENS)
        app.advance_phase(AdvancePhase(process_id=pid, to_phase=Phase.VOTE), self.officer)
        app.open_ballot(
            OpenBallot(process_id=pid, proposal_ids=tuple(self.shortlisted)), self.officer
        )
        popularity = {p: rng.uniform(0.5, 3.0) for p in self.shortlisted}
        for first in range(0, 900, 150):  # six batches, three days apart
            self.at(VOTE_OPENS - 3 * (first // 150))
            batch = tuple(
                marked_ballot(
                    app, rng, pid, f"demo-voter-{self.seed}-{n}", self._knapsack_choice(popularity)
                )
                for n in range(first, first + 150)
            )
            self.count["ballots"] += app.cast_ballots(
                CastBallots(process_id=pid, ballots=batch), SYSTEM_ACTOR
            )
        self.at(VOTE_OPENS - 19)
        app.close_ballot(CloseBallot(process_id=pid), self.officer)

    def _knapsack_choice(self, popularity: dict[UUID, float]) -> tuple[UUID, ...]:
        ranked = sorted(popularity, key=lambda p: -popularity[p] * self.rng.random())
        spent, chosen = Decimal(0), []
        for proposal in ranked[: self.rng.randint(1, 7)]:
            cost = self.costs[proposal].amount
            if spent + cost <= POT:
                chosen.append(proposal)
                spent += cost
        return tuple(chosen)

    # -- the council decides -------------------------------------------------------------------

    def decide(self) -> None:
        self.say("recording council decisions")
        app, pid = self.app, self.process_id
        self.at(VOTE_OPENS - 20)
        app.advance_phase(AdvancePhase(process_id=pid, to_phase=Phase.DECISION), self.officer)
        votes: Counter[UUID] = Counter()
        for proposal in self.shortlisted:
            votes[proposal] = 0
        for ballot_votes in self._tally():
            votes.update(ballot_votes)
        ranking = sorted(self.shortlisted, key=lambda p: (-votes[p], str(p)))
        remaining, winners = POT, []
        for proposal in ranking:
            if self.costs[proposal].amount <= remaining:
                winners.append(proposal)
                remaining -= self.costs[proposal].amount
        decided_on = self.at(DECIDED_DAYS_AGO)
        self.funded = []
        losers = [p for p in ranking if p not in winners]
        partial = losers[0] if losers else None
        for proposal in winners:
            receipt = app.decide(
                Decide(
                    proposal_id=proposal,
                    outcome=DecisionOutcome.FUNDED_IN_FULL,
                    amount=self.costs[proposal],
                    decided_on=decided_on,
                ),
                self.officer,
            )
            self.funded.append(receipt.aggregate_id)
            self.count["decisions: funded in full"] += 1
        if partial is not None:
            self._partial_with_hearing(partial, decided_on)
        self._refuse(losers[1:], votes, decided_on)

    def _refuse(self, losers: list[UUID], votes: Counter[UUID], decided_on: date) -> None:
        """The first loser deferred, the rest rejected; the second rejection corrected."""
        app = self.app
        for index, proposal in enumerate(losers):
            if index == 0:
                deferred = Decide(
                    proposal_id=proposal, outcome=DecisionOutcome.DEFERRED, decided_on=decided_on
                )
                app.decide(deferred, self.officer)
                self.count["decisions: deferred"] += 1
                continue
            rejected = Decide(
                proposal_id=proposal,
                outcome=DecisionOutcome.REJECTED,
                record=self._rejection_record(proposal, votes[proposal]),
                decided_on=decided_on,
            )
            receipt = app.decide(rejected, self.officer)
            self.count["decisions: rejected"] += 1
            if index == 1:
                self.at(DECIDED_DAYS_AGO - 3)
                corrected = self._rejection_record(proposal, votes[proposal], corrected=True)
                correction = CorrectDecision(
                    decision_id=receipt.aggregate_id,
                    reason="The vote count in the record was mistyped",
                    outcome=DecisionOutcome.REJECTED,
                    record=corrected,
                    decided_on=decided_on + timedelta(days=3),
                )
                app.correct_decision(correction, self.officer)
                self.count["decisions corrected"] += 1

    def _tally(self) -> list[tuple[UUID, ...]]:
        ballots = []
        for n in range(900):
            pseudonym = self.app.pseudonymise(self.process_id, f"demo-voter-{self.seed}-{n}")
            ballot = self.app.load(
                Ballot, Ballot.create_id(process_id=self.process_id, voter_pseudonym=pseudonym)
            )
            ballots.append(ballot.choices.approvals)
        return ballots

    def _rejection_record(
        self, proposal: UUID, votes: int, corrected: bool = False
    ) -> DecisionRecord:
        fact = uuid.uuid5(proposal, "vote-result" + ("-corrected" if corrected else ""))
        self.app.record_fact(
            RecordFact(
                proposal_id=proposal,
                fact_id=fact,
                summary=f"The proposal received {votes} votes and did not fit the remaining budget",
                adverse=True,
                essential=True,
                known_to_party=True,
                noted_on=self.day(VOTE_OPENS - 20),
            ),
            self.officer,
        )
        return DecisionRecord(
            legal_basis=(
                "Kommunestyrelsesloven §2",
                "PB cycle rules §4 (greedy by votes within the pot)",
            ),
            main_considerations=("Projects are funded in order of votes until the pot is spent",),
            facts_relied_on=(fact,),
            complaints=COMPLAINTS,
            no_appeal_statement=None,
        )

    def _partial_with_hearing(self, proposal: UUID, decided_on: date) -> None:
        app = self.app
        fact = uuid.uuid5(proposal, "site-survey")
        app.record_fact(
            RecordFact(
                proposal_id=proposal,
                fact_id=fact,
                summary="The site survey found that only the first stage can be built this year",
                adverse=True,
                essential=True,
                known_to_party=False,
                noted_on=decided_on - timedelta(days=40),
            ),
            self.officer,
        )
        hearing = uuid.uuid5(proposal, "hearing")
        party = self.groups[0][1].id
        # sent 30 days before the decision with a 25-day deadline (over the 14-day minimum),
        # answered 2 days before the deadline
        app.send_hearing(
            SendHearing(
                proposal_id=proposal,
                hearing_id=hearing,
                party_id=party,
                fact_ids=(fact,),
                deadline=decided_on - timedelta(days=5),
                sent_on=decided_on - timedelta(days=30),
            ),
            self.officer,
        )
        app.record_hearing_answer(
            RecordHearingAnswer(
                proposal_id=proposal,
                hearing_id=hearing,
                answered_on=decided_on - timedelta(days=7),
                response_ref="journal 2026-0412",
            ),
            self.officer,
        )
        amount = self.money((self.costs[proposal].amount / 2).quantize(Decimal(1000)))
        record = DecisionRecord(
            legal_basis=("Kommunestyrelsesloven §2",),
            main_considerations=("Only the first stage can be delivered within the cycle",),
            facts_relied_on=(fact,),
            complaints=COMPLAINTS,
            no_appeal_statement=None,
        )
        partial = Decide(
            proposal_id=proposal,
            outcome=DecisionOutcome.FUNDED_PARTIALLY,
            amount=amount,
            record=record,
            decided_on=decided_on,
        )
        receipt = app.decide(partial, self.officer)
        self.funded.append(receipt.aggregate_id)
        self.count["decisions: funded partially"] += 1

    # -- delivery ---------------------------------------------------------------------------------
