"""Step 4 of a Pabulib import: the ballot closed, the city's decisions with their decision
records, and the provenance record marked complete, in one transaction (see :mod:`.importer`)."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import DomainEventProtocol

from coprod.domain.aggregate import natural_id
from coprod.domain.case_file import CaseFact
from coprod.domain.decision import (
    IN_FORCE,
    Decision,
    DecisionAct,
    DecisionOutcome,
    DecisionRecord,
)
from coprod.domain.pabulib_source import PabulibSource
from coprod.domain.phases import Phase
from coprod.domain.process import Process
from coprod.domain.proposal import Proposal
from coprod.domain.values import Money
from coprod.standards.pabulib.grammar import PbProject
from coprod.standards.pabulib.session import ImportSession

#: Pabulib outcomes are historical: any appeal route was the city's and has lapsed.
_NO_APPEAL = (
    "This records a participatory-budgeting outcome the city published; it was imported from "
    "Pabulib, and any complaint route was the city's own at the time."
)


#: What a `selected` code above 1 means under a rule that defines it (Poznań's greedy-custom
#: files say so in their comment); under any other rule it is the file's own special case.
_SPECIAL: dict[tuple[str, int], str] = {
    ("greedy-custom", 2): " (selected=2: funded from reserve funds outside the district's budget, "
    "because at least 80% of its cost was left when the greedy run stopped at it)",
    ("greedy-custom", 3): " (selected=3: funded from additional funds allocated to the district "
    "after the vote, to the highest-voted projects not yet selected)",
}


def special_case(rule: str, selected: int) -> str:
    """The clause a decision adds for a `selected` code other than 1 ("" for 1)."""
    if selected == 1:
        return ""
    default = f" (selected={selected}: a special case explained in the file's comment)"
    return _SPECIAL.get((rule, selected), default)


class Closing(ImportSession):
    """Step 4, after the ballots."""

    def _close(
        self, process: Process, proposal_of: dict[str, UUID], source: PabulibSource, ballots: int
    ) -> int:
        actor = self.actor
        log: list[DomainEventProtocol[UUID]] = []
        process.close_ballot(actor)
        decisions = 0
        if self.header.has_selected:
            process.advance_phase(actor, Phase.DECISION)
        log.extend(process.collect_events())
        if self.header.has_selected:
            for project in self.header.projects:
                assert project.selected is not None
                proposal = self.app.load(Proposal, proposal_of[project.project_id])
                decision = self._decide(process, proposal, project)
                log.extend(proposal.collect_events())
                log.extend(decision.collect_events())
                proposal.record_decision(actor, decision.id, decision.outcome, IN_FORCE)
                log.extend(proposal.collect_events())
                decisions += 1
        source.complete(actor, ballots, decisions)
        log.extend(source.collect_events())
        self._save(log, first_is=process)
        return decisions

    def _decide(self, process: Process, proposal: Proposal, project: PbProject) -> Decision:
        """The city's decision as the council's, citing the declared rule and the vote result."""
        actor, meta = self.actor, self.meta
        assert project.selected is not None
        funded = project.selected >= 1
        fact_id = natural_id("pabulib-fact", process.id, project.project_id)
        votes = self.checked.votes.get(project.project_id, 0)
        score = self.checked.scores.get(project.project_id, 0)
        summary = (
            f"Published result of the vote (Pabulib file sha256 {self.checked.sha256[:12]}): "
            f"project {project.project_id} received {votes} votes"
            + (f" and a score of {score}" if meta["vote_type"] != "approval" else "")
            + f"; the city marks it selected={project.selected}."
        )
        # The vote result was on the case file when the city decided (date_end), not on the
        # day of the import: the fact carries the decision's date, so "decided after the
        # facts" holds and the case file reads in its real order.
        fact = CaseFact(summary, not funded, True, True, noted_on=self.decided_on)
        proposal.record_fact(actor, fact_id, fact)
        basis = (
            f"The selection rule declared before the vote: {meta['rule']} "
            f"(Pabulib rule), over a budget of {meta['budget']} {self.checked.currency}",
        )
        cost = Money(project.cost, self.checked.currency)
        if funded:
            consideration = (
                "The project was selected for funding under the declared rule"
                + special_case(meta["rule"], project.selected)
                + "; the city's published outcome is recorded as the council's decision."
            )
            record = DecisionRecord(basis, (consideration,), (fact_id,), None, _NO_APPEAL)
            act = DecisionAct(DecisionOutcome.FUNDED_IN_FULL, cost, record, self.decided_on)
            return Decision.decide(actor, process.id, proposal.id, act, assessed_cost=cost)
        consideration = (
            "Under the declared rule the project's votes did not earn it a place within the "
            "budget; the city's published outcome is recorded as the council's decision."
        )
        record = DecisionRecord(basis, (consideration,), (fact_id,), None, _NO_APPEAL)
        act = DecisionAct(DecisionOutcome.REJECTED, None, record, self.decided_on)
        return Decision.decide(actor, process.id, proposal.id, act, assessed_cost=cost)
