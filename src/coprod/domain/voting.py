"""Declared voting rules and the check every ballot passes before it is counted.

The rules are declared before the vote opens (DOMAIN.md §5): a ballot that breaks them is
refused with the rule it broke, never truncated or silently repaired.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from uuid import UUID

from coprod.domain.errors import BallotRejected, InvalidInput
from coprod.domain.stored import stored_as
from coprod.domain.values import Money


@stored_as("vote_method")
class VoteMethod(Enum):
    """How a ballot expresses preferences."""

    APPROVAL = "approval"  # any number of approvals (up to max_choices if set)
    K_APPROVAL = "k_approval"  # at most k approvals
    KNAPSACK = "knapsack"  # approvals whose total cost fits the budget limit
    CUMULATIVE = "cumulative"  # points spread over projects, up to an allowance
    RANKED = "ranked"  # an ordering of projects, up to max_choices long
    SCORING = "scoring"  # a score per project within a declared range (may be 0 or negative)


@stored_as("voting_rules")
@dataclass(frozen=True)
class VotingRules:
    """The ballot rules a process declares; `check_ballot` enforces them."""

    method: VoteMethod
    max_choices: int | None = None
    min_choices: int = 1
    budget_limit: Money | None = None
    points: int | None = None
    max_points_per_project: int | None = None
    #: Added for Pabulib elections; the defaults keep rules stored before them unchanged.
    min_points_per_project: int | None = None
    min_points_total: int | None = None

    def __post_init__(self) -> None:
        if self.min_choices < 0:
            raise InvalidInput("min_choices", "must not be negative")
        if self.max_choices is not None and self.max_choices < max(1, self.min_choices):
            raise InvalidInput("max_choices", "must be at least 1 and at least min_choices")
        if self.method is VoteMethod.K_APPROVAL and self.max_choices is None:
            raise InvalidInput("max_choices", "k-approval needs k (max_choices)")
        if self.method is VoteMethod.KNAPSACK and self.budget_limit is None:
            raise InvalidInput("budget_limit", "knapsack voting needs a budget limit")
        if self.method is VoteMethod.CUMULATIVE and (self.points is None or self.points < 1):
            raise InvalidInput("points", "cumulative voting needs a positive points allowance")
        if (
            self.min_points_per_project is not None
            and self.max_points_per_project is not None
            and self.min_points_per_project > self.max_points_per_project
        ):
            raise InvalidInput("min_points_per_project", "is above max_points_per_project")
        if self.min_points_total is not None and self.min_points_total < 0:
            raise InvalidInput("min_points_total", "must not be negative")


@stored_as("ballot_option")
@dataclass(frozen=True)
class BallotOption:
    """A shortlisted proposal on the ballot paper, with the cost voters see."""

    proposal_id: UUID
    cost: Money


@stored_as("ballot_choices")
@dataclass(frozen=True)
class BallotChoices:
    """What a voter marked: approvals, points per proposal, or a ranking (one of the three)."""

    approvals: tuple[UUID, ...] = ()
    points: tuple[tuple[UUID, int], ...] = ()
    ranking: tuple[UUID, ...] = ()

    @property
    def chosen(self) -> tuple[UUID, ...]:
        """Every proposal the ballot mentions, in ballot order."""
        return self.approvals + tuple(p for p, _ in self.points) + self.ranking


def check_ballot(
    rules: VotingRules, options: tuple[BallotOption, ...], ballot: BallotChoices
) -> None:
    """Refuse a ballot that breaks `rules`; the error names the rule and the numbers."""
    costs = _costs_of(options)
    chosen = ballot.chosen
    unknown = [str(p) for p in chosen if p not in costs]
    if unknown:
        raise BallotRejected(f"not on this ballot: {', '.join(unknown)}", rule="unknown-option")
    if len(set(chosen)) != len(chosen):
        raise BallotRejected("a proposal appears more than once on the ballot", rule="duplicate")
    used = _fields_used(ballot)
    expected = _expected_field(rules.method)
    if used - {expected}:
        raise BallotRejected(
            f"a {rules.method.value} ballot holds only {expected}, not {', '.join(sorted(used - {expected}))}",
            rule="ballot-shape",
        )
    n = len(chosen)
    if n < rules.min_choices:
        raise BallotRejected(
            f"{n} choices, at least {rules.min_choices} required", rule="min-choices"
        )
    if rules.max_choices is not None and n > rules.max_choices:
        raise BallotRejected(
            f"{n} choices, at most {rules.max_choices} allowed", rule="max-choices"
        )
    if rules.method is VoteMethod.KNAPSACK:
        assert rules.budget_limit is not None
        total = sum((costs[p].amount for p in chosen), start=rules.budget_limit.amount * 0)
        if total > rules.budget_limit.amount:
            raise BallotRejected(
                f"chosen projects cost {total} {rules.budget_limit.currency}, over the limit of "
                f"{rules.budget_limit}",
                rule="over-budget",
            )
    if rules.method is VoteMethod.CUMULATIVE:
        _check_points(rules, ballot)
    if rules.method is VoteMethod.SCORING:
        _check_scores(rules, ballot)


#: The last ballot paper seen and its costs: a bulk import checks thousands of ballots against
#: the same paper, and rebuilding the mapping per ballot dominated the check's time.
_last_paper: tuple[tuple[BallotOption, ...], dict[UUID, Money]] | None = None


def _costs_of(options: tuple[BallotOption, ...]) -> dict[UUID, Money]:
    global _last_paper
    last = _last_paper
    if last is not None and last[0] is options:
        return last[1]
    costs = {o.proposal_id: o.cost for o in options}
    _last_paper = (options, costs)
    return costs


def _check_points(rules: VotingRules, ballot: BallotChoices) -> None:
    assert rules.points is not None
    for proposal_id, pts in ballot.points:
        if pts < 1:
            raise BallotRejected(
                f"{pts} points for {proposal_id}: points must be positive", rule="points"
            )
        if rules.max_points_per_project is not None and pts > rules.max_points_per_project:
            raise BallotRejected(
                f"{pts} points for {proposal_id}, at most {rules.max_points_per_project} per project",
                rule="points-per-project",
            )
        if rules.min_points_per_project is not None and pts < rules.min_points_per_project:
            raise BallotRejected(
                f"{pts} points for {proposal_id}, at least {rules.min_points_per_project} per project",
                rule="points-per-project",
            )
    total = sum(p for _, p in ballot.points)
    if total > rules.points:
        raise BallotRejected(
            f"{total} points given, allowance is {rules.points}", rule="points-allowance"
        )
    if rules.min_points_total is not None and total < rules.min_points_total:
        raise BallotRejected(
            f"{total} points given, at least {rules.min_points_total} required",
            rule="points-minimum",
        )


def _check_scores(rules: VotingRules, ballot: BallotChoices) -> None:
    """Scores may be zero or negative; only the declared range binds them."""
    low, high = rules.min_points_per_project, rules.max_points_per_project
    for proposal_id, score in ballot.points:
        if (low is not None and score < low) or (high is not None and score > high):
            raise BallotRejected(
                f"score {score} for {proposal_id} is outside the range {low}..{high}",
                rule="score-range",
            )


def _fields_used(ballot: BallotChoices) -> set[str]:
    return {name for name in ("approvals", "points", "ranking") if getattr(ballot, name)}


def _expected_field(method: VoteMethod) -> str:
    if method in (VoteMethod.CUMULATIVE, VoteMethod.SCORING):
        return "points"
    if method is VoteMethod.RANKED:
        return "ranking"
    return "approvals"


@stored_as("selection_rule")
@dataclass(frozen=True)
class SelectionRule:
    """The outcome rule declared in advance (e.g. greedy by votes, Method of Equal Shares)."""

    method: str
    completion: str | None = None
    min_votes: int = 0

    KNOWN_METHODS = (
        "greedy",
        "greedy_no_skip",
        "mes_cost",
        "mes_cardinality",
        "phragmen",
        "council",
    )

    def __post_init__(self) -> None:
        if self.method not in self.KNOWN_METHODS:
            raise InvalidInput(
                "selection.method", f"{self.method!r}; known: {', '.join(self.KNOWN_METHODS)}"
            )
        if self.min_votes < 0:
            raise InvalidInput("selection.min_votes", "must not be negative")
