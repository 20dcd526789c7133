"""The recorded outcome of a vote: which rule, applied to which ballots, chose which proposals.

A council decision cites the rule declared before the vote (DOMAIN.md §3: "tally computed (rule
declared in advance)"); this record is the fact it cites. It pins the count down so anyone can
re-run it: the rule and its parameters, the log position up to which ballots were read, how many
ballots were counted and a SHA-256 over their ids, the tally per proposal, and the winners in
selection order. One record per (process, rule): the ballot box is closed, so the same rule on
the same ballots always gives the same answer, and recording it again is an AlreadyExists.
"""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import event

from coprod.domain.aggregate import CoprodAggregate, keep_stored_topics, natural_id
from coprod.domain.errors import InvalidInput, RuleViolation
from coprod.domain.process import Process
from coprod.domain.tally import RULES, Tally, require_closed
from coprod.domain.values import Actor, Money


class Outcome(CoprodAggregate):
    """The result of applying one outcome rule to one process's closed ballot."""

    class Computed(CoprodAggregate.Created):
        """A rule was applied to the closed ballot: its parameters, the ballots read and the winners."""

        process_id: UUID
        rule: str
        applied: str
        parameters: tuple[tuple[str, str], ...]
        counted_up_to: int
        ballots: int
        ballots_sha256: str
        tally: tuple[tuple[UUID, int], ...]
        winners: tuple[UUID, ...]
        total_cost: Money

    @staticmethod
    def create_id(process_id: UUID, rule: str) -> UUID:
        return natural_id("outcome", process_id, rule)

    @event(Computed)
    def __init__(
        self,
        actor: Actor,
        process_id: UUID,
        rule: str,
        applied: str,
        parameters: tuple[tuple[str, str], ...],
        counted_up_to: int,
        ballots: int,
        ballots_sha256: str,
        tally: tuple[tuple[UUID, int], ...],
        winners: tuple[UUID, ...],
        total_cost: Money,
    ) -> None:
        self.process_id = process_id
        self.rule = rule
        self.applied = applied
        self.parameters = parameters
        self.counted_up_to = counted_up_to
        self.ballots = ballots
        self.ballots_sha256 = ballots_sha256
        self.tally = tally
        self.winners = winners
        self.total_cost = total_cost

    @classmethod
    def record(
        cls,
        actor: Actor,
        process: Process,
        tally: Tally,
        counted_up_to: int,
        ballots_sha256: str,
    ) -> Outcome:
        """Record a tally of this process's closed ballot; it must fit the ballot paper and pot."""
        require_closed(process)
        if tally.rule not in RULES:
            raise InvalidInput("rule", f"{tally.rule!r}; known: {', '.join(RULES)}")
        if counted_up_to < 0:
            raise InvalidInput("counted_up_to", "must not be negative")
        if len(ballots_sha256) != 64 or any(c not in "0123456789abcdef" for c in ballots_sha256):
            raise InvalidInput("ballots_sha256", "must be a SHA-256 hex digest")
        on_paper = {o.proposal_id for o in process.ballot_options}
        winners = tally.winner_proposals
        stray = [str(w) for w in winners if w not in on_paper]
        if stray:
            raise RuleViolation(
                f"winners not on the ballot paper: {', '.join(stray)}", rule="ballot-paper"
            )
        if len(set(winners)) != len(winners):
            raise RuleViolation("a proposal wins twice", rule="outcome")
        total = tally.total_cost
        assert process.pot is not None  # a closed ballot was opened in the vote phase, with a pot
        if total.currency != process.currency:
            raise InvalidInput("total_cost", f"is in {total.currency}, not {process.currency}")
        if process.pot < tally.pot_cost:
            raise RuleViolation(
                f"the winners cost {tally.pot_cost}, over the pot of {process.pot}",
                rule="budget",
            )
        return cls(
            actor=actor,
            process_id=process.id,
            rule=tally.rule,
            applied=tally.applied,
            parameters=tally.parameters,
            counted_up_to=counted_up_to,
            ballots=tally.ballots,
            ballots_sha256=ballots_sha256,
            tally=tally.tally_by_proposal(),
            winners=winners,
            total_cost=total,
        )


keep_stored_topics("coprod.outcome", Outcome)
