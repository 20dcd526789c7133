"""Voting with a one-time code: one counted ballot per code, unknown codes refused like any
invalid one, only the council's officers make codes, and the receipt names the ballot."""

from __future__ import annotations

from uuid import UUID

import pytest

from coprod.adapters.voting_codes import CODE_ALPHABET, code_hash, new_code, normalise_code
from coprod.application import Coprod
from coprod.application.commands.ballots import CastBallot, CastBallotWithCode, CreateVotingCodes
from coprod.application.voting_codes import CODE_VOTER, CodeState
from coprod.domain.ballot import Ballot, BallotChannel
from coprod.domain.errors import BallotRejected, DuplicateBallot, InvalidInput, NotAllowed
from coprod.domain.values import Actor, Role
from tests.unit.test_ballot import P1, P2, P3, approve, open_vote, pseudonym


@pytest.fixture
def vote(app: Coprod, officer: Actor, council_id: UUID) -> UUID:
    return open_vote(app, officer, council_id)


def cast(app: Coprod, vote: UUID, code: str, *proposals: UUID) -> str:
    command = CastBallotWithCode(process_id=vote, code=code, choices=approve(*proposals))
    return app.cast_ballot_with_code(command, CODE_VOTER).receipt_code


def test_codes_are_easy_to_type_and_forgiving_of_case_and_spaces() -> None:
    code = new_code()
    assert len(code) == 14
    assert code.count("-") == 2
    assert all(ch in CODE_ALPHABET for ch in code.replace("-", ""))
    assert normalise_code(" " + code.lower().replace("-", " ") + " ") == code.replace("-", "")
    assert code_hash(code) == code_hash(code.lower())
    assert normalise_code("ABCD-EFGH-IJKL") is None  # I is not in the alphabet
    assert code_hash("too short") is None


def test_one_counted_ballot_per_code(app: Coprod, officer: Actor, vote: UUID) -> None:
    first, second = app.create_voting_codes(CreateVotingCodes(process_id=vote, count=2), officer)
    assert app.voting_code_state(vote, first) is CodeState.VALID
    receipt = cast(app, vote, first, P1, P3)
    assert app.voting_code_state(vote, first) is CodeState.USED
    with pytest.raises(DuplicateBallot):
        cast(app, vote, first.lower(), P2)
    cast(app, vote, second, P2)
    assert app.counted_since(vote, receipt) is not None
    ballots = [
        e
        for e in app.recorder.select_notifications(1, 1000)
        if e.topic.endswith("Ballot.BallotCast")
    ]
    assert len(ballots) == 2


def test_the_ballot_names_no_person_and_no_code(app: Coprod, officer: Actor, vote: UUID) -> None:
    (code,) = app.create_voting_codes(CreateVotingCodes(process_id=vote, count=1), officer)
    command = CastBallotWithCode(process_id=vote, code=code, choices=approve(P1))
    voted = app.cast_ballot_with_code(command, CODE_VOTER)
    ballot = app.load(Ballot, voted.receipt.aggregate_id)
    assert ballot.channel is BallotChannel.ONLINE
    assert code.replace("-", "") not in repr(ballot.__dict__)
    assert str(code_hash(code)) not in repr(ballot.__dict__)


def test_unknown_and_foreign_codes_are_refused_alike(
    app: Coprod, officer: Actor, council_id: UUID, vote: UUID
) -> None:
    made_up = new_code()
    for code in (made_up, "nonsense"):
        assert app.voting_code_state(vote, code) is CodeState.UNKNOWN
        with pytest.raises(NotAllowed) as refused:
            cast(app, vote, code, P1)
        assert refused.value.rule == "voting-code"


def test_a_refused_ballot_keeps_the_code_unused(app: Coprod, officer: Actor, vote: UUID) -> None:
    (code,) = app.create_voting_codes(CreateVotingCodes(process_id=vote, count=1), officer)
    with pytest.raises(BallotRejected) as refused:
        cast(app, vote, code, P1, P2)  # 1100 DKK over the 1000 DKK limit
    assert refused.value.rule == "over-budget"
    assert app.voting_code_state(vote, code) is CodeState.VALID


def test_only_the_councils_officers_make_codes(app: Coprod, officer: Actor, vote: UUID) -> None:
    other = Actor(officer.id, Role.COUNCIL_OFFICER, UUID(int=7))
    for actor in (other, CODE_VOTER, Actor(officer.id, Role.EVALUATOR, officer.organisation_id)):
        with pytest.raises(NotAllowed):
            app.create_voting_codes(CreateVotingCodes(process_id=vote, count=1), actor)
    with pytest.raises(InvalidInput):
        app.create_voting_codes(CreateVotingCodes(process_id=vote, count=0), officer)


def test_a_resident_without_a_code_casts_nothing(app: Coprod, vote: UUID) -> None:
    command = CastBallot(
        process_id=vote,
        voter_pseudonym=pseudonym(1),
        choices=approve(P1),
        channel=BallotChannel.ONLINE,
    )
    with pytest.raises(NotAllowed):
        app.cast_ballot(command, CODE_VOTER)


def test_a_receipt_says_nothing_of_a_made_up_or_other_process_ballot(
    app: Coprod, officer: Actor, vote: UUID
) -> None:
    (code,) = app.create_voting_codes(CreateVotingCodes(process_id=vote, count=1), officer)
    receipt = cast(app, vote, code, P3)
    assert app.counted_since(vote, receipt.lower().replace("-", " ")) is not None
    assert app.counted_since(UUID(int=1), receipt) is None
    assert app.counted_since(vote, "AAAA-" * 6 + "AA") is None
    assert app.counted_since(vote, "nonsense") is None
    assert app.counted_since(vote, "9" * 26) is None  # over 128 bits


def test_a_codes_pseudonym_is_the_stores_pseudonym_of_its_hash(
    app: Coprod, officer: Actor, vote: UUID
) -> None:
    (code,) = app.create_voting_codes(CreateVotingCodes(process_id=vote, count=1), officer)
    voted = app.cast_ballot_with_code(
        CastBallotWithCode(process_id=vote, code=code, choices=approve(P1)), CODE_VOTER
    )
    expected = app.personal_data.pseudonymise(vote, f"code:{code_hash(code)}")
    assert app.load(Ballot, voted.receipt.aggregate_id).voter_pseudonym == expected
