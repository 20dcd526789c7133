"""Voting codes on both stores: hashes kept beside the events, one counted ballot per code
even when the same code is sent from several threads at once, and receipts that check out."""

from __future__ import annotations

import threading
from uuid import UUID

import pytest

from coprod.application import Coprod
from coprod.application.commands.ballots import CastBallotWithCode
from coprod.application.voting_codes import CODE_VOTER, CodeState, VotedWithCode
from coprod.domain.errors import DuplicateBallot, NotAllowed
from coprod.domain.voting import BallotChoices, VoteMethod
from tests.web.voting_site import codes, open_vote


def _cast(app: Coprod, process_id: UUID, code: str, option: UUID) -> VotedWithCode:
    command = CastBallotWithCode(
        process_id=process_id, code=code, choices=BallotChoices(approvals=(option,))
    )
    return app.cast_ballot_with_code(command, CODE_VOTER)


def test_codes_cast_once_and_receipts_check_out(store_app: Coprod) -> None:
    process_id, options = open_vote(store_app, VoteMethod.KNAPSACK)
    made = codes(store_app, process_id, 5)
    assert store_app.voting_codes.count(process_id) == 5
    receipts = [_cast(store_app, process_id, code, options[2]).receipt_code for code in made]
    for code, receipt in zip(made, receipts, strict=True):
        assert store_app.voting_code_state(process_id, code) is CodeState.USED
        assert store_app.counted_since(process_id, receipt) is not None
    with pytest.raises(DuplicateBallot):
        _cast(store_app, process_id, made[0], options[1])
    with pytest.raises(NotAllowed) as refused:
        _cast(store_app, process_id, "ABCD-EFGH-JKMN", options[1])
    assert refused.value.rule == "voting-code"


def test_the_same_code_sent_at_once_counts_once(store_app: Coprod) -> None:
    process_id, options = open_vote(store_app, VoteMethod.APPROVAL)
    (code,) = codes(store_app, process_id, 1)
    outcomes: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(6)

    def vote() -> None:
        start.wait()
        try:
            _cast(store_app, process_id, code, options[0])
            result = "counted"
        except DuplicateBallot:
            result = "duplicate"
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=vote) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["counted"] + ["duplicate"] * 5
    ballots = [
        n
        for n in store_app.recorder.select_notifications(1, 10_000)
        if n.topic.endswith("Ballot.BallotCast")
    ]
    assert len(ballots) == 1
