"""A vote to cast ballots in, through the pages: a council, a process in its vote under the
given rules, three ideas on the ballot paper, and voting codes for it."""

from __future__ import annotations

import re
from uuid import UUID

from coprod.application import SYSTEM_ACTOR, Coprod
from coprod.application.commands.ballots import CreateVotingCodes
from coprod.application.commands.people import RegisterOrganisation
from coprod.application.commands.processes import (
    AdvancePhase,
    DefineAreas,
    OpenProcess,
    SetBudget,
    SetRules,
)
from coprod.application.commands.proposals import SubmitIdea
from coprod.domain.organisation import OrganisationKind
from coprod.domain.phases import Phase
from coprod.domain.process import Area, Process
from coprod.domain.values import Money
from coprod.domain.voting import BallotOption, SelectionRule, VoteMethod, VotingRules

__all__ = ["IDEAS", "RULES", "codes", "open_vote", "receipt_of"]

#: Three ideas and their costs: 600 + 500 is over the knapsack limit of 1000.
IDEAS = (("Street trees", 600), ("Rain garden", 500), ("Benches", 300))
RULES = {
    VoteMethod.APPROVAL: VotingRules(VoteMethod.APPROVAL),
    VoteMethod.K_APPROVAL: VotingRules(VoteMethod.K_APPROVAL, max_choices=2),
    VoteMethod.KNAPSACK: VotingRules(VoteMethod.KNAPSACK, budget_limit=Money.of(1000, "DKK")),
    VoteMethod.CUMULATIVE: VotingRules(VoteMethod.CUMULATIVE, points=10),
    VoteMethod.RANKED: VotingRules(VoteMethod.RANKED, max_choices=3),
}


def open_vote(app: Coprod, method: VoteMethod, slug: str = "nordby") -> tuple[UUID, list[UUID]]:
    """A process of council `slug` with its ballot open under `method`; its options' ids."""
    actor = SYSTEM_ACTOR
    council = app.register_organisation(
        RegisterOrganisation(slug=slug, kind=OrganisationKind.COUNCIL, display_name="Nordby"),
        actor,
    ).aggregate_id
    pid = app.open_process(
        OpenProcess(council_id=council, code="green", name="Greener streets", currency="DKK"),
        actor,
    ).aggregate_id
    app.define_areas(
        DefineAreas(process_id=pid, areas=(Area("west", "West"), Area("harbour", "Harbour"))),
        actor,
    )
    ideas = [
        app.submit_idea(
            SubmitIdea(
                process_id=pid,
                title=title,
                description=title,
                area_code="west",
                category="green",
            ),
            actor,
        ).aggregate_id
        for title, _cost in IDEAS
    ]
    app.set_budget(SetBudget(process_id=pid, pot=Money.of(1000, "DKK")), actor)
    rules = RULES[method]
    app.set_rules(SetRules(process_id=pid, voting=rules, selection=SelectionRule("greedy")), actor)
    app.advance_phase(AdvancePhase(process_id=pid, to_phase=Phase.VOTE), actor)
    process = app.load(Process, pid)
    costs = [Money.of(cost, "DKK") for _title, cost in IDEAS]
    process.open_ballot(actor, tuple(BallotOption(i, c) for i, c in zip(ideas, costs, strict=True)))
    app.commit(process)
    return pid, ideas


def codes(app: Coprod, process_id: UUID, count: int) -> tuple[str, ...]:
    return app.create_voting_codes(
        CreateVotingCodes(process_id=process_id, count=count), SYSTEM_ACTOR
    )


def receipt_of(html: str) -> str:
    found = re.search(r'<code id="receipt">([A-Z2-9-]+)</code>', html)
    assert found is not None, "the page shows no receipt"
    return found.group(1)
