"""The demo council's second process, still in its vote: a small green-streets budget.

The home page should show a process people can still vote in beside the delivered one. It
is recorded with the same commands as the first cycle (open, ideas, review, shortlist, ballot
open, ballots) on the agenda of the last four months, so its events interleave in time with
the first cycle's delivery; its ballot stays open past today, so no release is published.
"""

from __future__ import annotations

from decimal import Decimal
from functools import partial
from uuid import UUID

from api.demo.base import SeederBase
from api.demo.voters import marked_ballot
from coprod.application.base import SYSTEM_ACTOR
from coprod.application.commands.ballots import CastBallots
from coprod.application.commands.processes import (
    AdvancePhase,
)
from coprod.application.commands.proposals import (
    AssessFeasibility,
    DevelopProposal,
    OpenBallot,
    Shortlist,
    SubmitIdea,
)
from coprod.domain.organisation import Organisation
from coprod.domain.phases import Phase
from coprod.domain.process import Process
from coprod.domain.voting import VoteMethod, VotingRules

VOTING_POT = Decimal("800000")
VOTING_PHASES = (
    (Phase.IDEAS, 115, 86),
    (Phase.DEVELOPMENT, 85, 56),
    (Phase.REVIEW, 55, 31),
    (Phase.VOTE, 30, -10),
    (Phase.DECISION, -11, -25),
    (Phase.DELIVERY, -26, -390),
)
VOTING_IDEAS = (
    ("green", "Street trees on Havnegade", "harbour"),
    ("green", "Rain garden by the school", "west"),
    ("mobility", "Bike parking at the station", "north"),
    ("mobility", "Slow street outside the nursery", "old-town"),
    ("green", "Green roofs on the bus shelters", "west"),
    ("social", "Benches and shade on the square", "harbour"),
    ("green", "Wildflower verges", "north"),
    ("mobility", "Car-free Sundays on the main street", "old-town"),
)
#: When the ballots come in (days ago) and how many each time: 200 so far.
BALLOT_WAVES = ((29, 70), (22, 40), (12, 50), (4, 40))


def voting_process_id(seed: int) -> UUID:
    """The second process the demo for `seed` creates: fixed, like :func:`demo_process_id`."""
    council = Organisation.create_id(slug=f"demo-council-{seed}")
    return Process.create_id(council_id=council, code=f"demo-green-{seed}")


class VotingSteps(SeederBase):
    """The second process, planned on the agenda step by step up to its open ballot."""

    def voting_process(self) -> None:
        self.say("a second process, its vote open: 200 ballots so far")
        self.plan(120, self._open_voting)
        for n in range(len(VOTING_IDEAS)):
            self.plan(112 - 3 * n, partial(self._voting_idea, n))
        self.plan(85, self._voting_develop)
        self.plan(55, self._voting_review)
        self.plan(30, self._voting_ballot)
        first = 0
        for days_ago, count in BALLOT_WAVES:
            self.plan(days_ago, partial(self._voting_ballots, first, count))
            first += count

    def _open_voting(self) -> None:
        self.voting_id = self.open_demo_process(
            "demo-green",
            "Greener streets budget",
            self.money(VOTING_POT),
            VotingRules(VoteMethod.APPROVAL),
            VOTING_PHASES,
        )
        self.voting_ideas: list[UUID] = []

    def _voting_idea(self, n: int) -> None:
        category, title, area = VOTING_IDEAS[n]
        _group, member = self.groups[n % len(self.groups)]
        idea = SubmitIdea(
            process_id=self.voting_id,
            title=title,
            description=f"{title}: proposed by neighbours at the street meeting",
            area_code=area,
            category=category,
        )
        self.voting_ideas.append(self.app.submit_idea(idea, member).aggregate_id)

    def _voting_develop(self) -> None:
        app, officer = self.app, self.officer
        app.advance_phase(
            AdvancePhase(process_id=self.voting_id, to_phase=Phase.DEVELOPMENT), officer
        )
        for n, proposal in enumerate(self.voting_ideas):
            category, _title, area = VOTING_IDEAS[n]
            develop = DevelopProposal(
                proposal_id=proposal,
                cost_estimate=self.money(self.rng.randrange(60, 260) * 1000),
                area_code=area,
                category=category,
                co_producers=(self.groups[n % len(self.groups)][0],),
            )
            app.develop_proposal(develop, officer)

    def _voting_review(self) -> None:
        app, officer = self.app, self.officer
        app.advance_phase(AdvancePhase(process_id=self.voting_id, to_phase=Phase.REVIEW), officer)
        for proposal in self.voting_ideas:
            estimate = app.get_proposal(proposal).cost_estimate
            assess = AssessFeasibility(
                proposal_id=proposal,
                feasible=True,
                reason="Feasible within one year",
                assessed_cost=estimate,
            )
            app.assess_feasibility(assess, officer)
            app.shortlist(Shortlist(proposal_id=proposal), officer)
            self.count["voting process: proposals on the ballot"] += 1

    def _voting_ballot(self) -> None:
        app, officer, pid = self.app, self.officer, self.voting_id
        app.advance_phase(AdvancePhase(process_id=pid, to_phase=Phase.VOTE), officer)
        app.open_ballot(OpenBallot(process_id=pid, proposal_ids=tuple(self.voting_ideas)), officer)

    def _voting_ballots(self, first: int, count: int) -> None:
        app, rng, pid = self.app, self.rng, self.voting_id
        batch = tuple(
            marked_ballot(
                app,
                rng,
                pid,
                f"demo-green-voter-{self.seed}-{n}",
                tuple(rng.sample(self.voting_ideas, rng.randint(1, 3))),
            )
            for n in range(first, first + count)
        )
        cast = CastBallots(process_id=pid, ballots=batch)
        self.count["voting process: ballots so far"] += app.cast_ballots(cast, SYSTEM_ACTOR)
