"""Ballot rules: every declared rule refuses a breaking ballot, naming the rule."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from coprod.domain.errors import BallotRejected, InvalidInput
from coprod.domain.values import Money
from coprod.domain.voting import (
    BallotChoices,
    BallotOption,
    SelectionRule,
    VoteMethod,
    VotingRules,
    check_ballot,
)

A, B, C, D = (uuid.uuid4() for _ in range(4))
OPTIONS = tuple(
    BallotOption(p, Money(Decimal(c), "DKK"))
    for p, c in ((A, "100000"), (B, "250000"), (C, "300000"), (D, "50000"))
)


def dkk(amount: str) -> Money:
    return Money(Decimal(amount), "DKK")


def test_approval_accepts_any_number_up_to_max() -> None:
    rules = VotingRules(VoteMethod.APPROVAL, max_choices=3)
    check_ballot(rules, OPTIONS, BallotChoices(approvals=(A, B, C)))
    with pytest.raises(BallotRejected, match="4 choices, at most 3 allowed") as e:
        check_ballot(rules, OPTIONS, BallotChoices(approvals=(A, B, C, D)))
    assert e.value.rule == "max-choices"


def test_too_few_choices_refused() -> None:
    rules = VotingRules(VoteMethod.APPROVAL, min_choices=2)
    with pytest.raises(BallotRejected, match="1 choices, at least 2 required"):
        check_ballot(rules, OPTIONS, BallotChoices(approvals=(A,)))


def test_k_approval_needs_k() -> None:
    with pytest.raises(InvalidInput, match="max_choices: k-approval needs k"):
        VotingRules(VoteMethod.K_APPROVAL)


def test_knapsack_at_the_limit_is_accepted_over_it_refused() -> None:
    rules = VotingRules(VoteMethod.KNAPSACK, budget_limit=dkk("400000"))
    check_ballot(rules, OPTIONS, BallotChoices(approvals=(A, C)))  # exactly 400,000
    with pytest.raises(BallotRejected, match="cost 450000 DKK, over the limit of 400000 DKK") as e:
        check_ballot(rules, OPTIONS, BallotChoices(approvals=(A, C, D)))
    assert e.value.rule == "over-budget"


def test_knapsack_needs_a_limit() -> None:
    with pytest.raises(InvalidInput, match="budget_limit"):
        VotingRules(VoteMethod.KNAPSACK)


def test_cumulative_points_allowance_and_per_project_cap() -> None:
    rules = VotingRules(VoteMethod.CUMULATIVE, points=10, max_points_per_project=5)
    check_ballot(rules, OPTIONS, BallotChoices(points=((A, 5), (B, 5))))
    with pytest.raises(BallotRejected, match="11 points given, allowance is 10") as e:
        check_ballot(rules, OPTIONS, BallotChoices(points=((A, 5), (B, 5), (C, 1))))
    assert e.value.rule == "points-allowance"
    with pytest.raises(BallotRejected, match="at most 5 per project"):
        check_ballot(rules, OPTIONS, BallotChoices(points=((A, 6),)))
    with pytest.raises(BallotRejected, match="points must be positive"):
        check_ballot(rules, OPTIONS, BallotChoices(points=((A, 0),)))


def test_ranked_ballot_length_and_shape() -> None:
    rules = VotingRules(VoteMethod.RANKED, max_choices=2)
    check_ballot(rules, OPTIONS, BallotChoices(ranking=(C, A)))
    with pytest.raises(BallotRejected, match="at most 2"):
        check_ballot(rules, OPTIONS, BallotChoices(ranking=(C, A, B)))
    with pytest.raises(BallotRejected, match="holds only ranking, not approvals") as e:
        check_ballot(rules, OPTIONS, BallotChoices(approvals=(A,)))
    assert e.value.rule == "ballot-shape"


def test_unknown_and_repeated_options_refused() -> None:
    rules = VotingRules(VoteMethod.APPROVAL)
    stranger = uuid.uuid4()
    with pytest.raises(BallotRejected, match=f"not on this ballot: {stranger}"):
        check_ballot(rules, OPTIONS, BallotChoices(approvals=(A, stranger)))
    with pytest.raises(BallotRejected, match="more than once"):
        check_ballot(rules, OPTIONS, BallotChoices(approvals=(A, A)))


def test_selection_rule_must_be_known() -> None:
    assert SelectionRule("mes_cost", completion="add1").method == "mes_cost"
    with pytest.raises(InvalidInput, match=r"selection\.method: 'lottery'; known: greedy"):
        SelectionRule("lottery")
