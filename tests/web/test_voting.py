"""Residents vote with a code through the pages: every declared method, refusals next to the
field in Danish and English with nothing written, one counted ballot per code, unknown codes
refused, the receipt checks out, and wrong codes are rate-limited."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.http.app import create_app
from api.web.csrf import CSRF_FIELD
from api.web.pages.vote import CODE_ATTEMPTS
from coprod.adapters.config import parse_database_url
from coprod.application import Coprod
from coprod.domain.ballot import AgeBand, Ballot, Sex
from coprod.domain.voting import VoteMethod
from tests.web.signin import csrf_of
from tests.web.voting_site import codes, open_vote, receipt_of


@dataclass
class Vote:
    app: FastAPI
    client: TestClient
    process: UUID
    options: list[UUID]

    @property
    def coprod(self) -> Coprod:
        app: Coprod = self.app.state.coprod
        return app

    def ballots(self) -> int:
        notifications = self.coprod.recorder.select_notifications(1, 10_000)
        return sum(1 for n in notifications if n.topic.endswith("Ballot.BallotCast"))

    def code(self) -> str:
        return codes(self.coprod, self.process, 1)[0]

    def open(self, code: str, lang: str = "en") -> str:
        page = self.client.get(
            f"/processes/{self.process}/vote", params={"code": code, "lang": lang}
        )
        assert page.status_code == 200, page.text
        return page.text

    def post(
        self, code: str, fields: Mapping[str, object], lang: str = "en", action: str = "cast"
    ) -> Any:
        html = self.open(code, lang)
        data = {CSRF_FIELD: csrf_of(html), "code": code, "action": action, **fields}
        return self.client.post(f"/processes/{self.process}/vote?lang={lang}", data=data)


def _vote(tmp_path: Path, method: VoteMethod, *, worker: bool = False) -> Iterator[Vote]:
    app = create_app(parse_database_url(f"sqlite:///{tmp_path / 'v.sqlite'}"), worker=worker)
    with TestClient(app) as client:
        process, options = open_vote(app.state.coprod, method)
        yield Vote(app, client, process, options)


@pytest.fixture
def knapsack(tmp_path: Path) -> Iterator[Vote]:
    yield from _vote(tmp_path, VoteMethod.KNAPSACK)


@pytest.mark.parametrize(
    ("method", "fields", "marked"),
    [
        (VoteMethod.APPROVAL, {"approve": [0, 1, 2]}, 3),
        (VoteMethod.K_APPROVAL, {"approve": [0, 2]}, 2),
        (VoteMethod.KNAPSACK, {"approve": [1, 2]}, 2),
        (VoteMethod.CUMULATIVE, {"points-0": "7", "points-2": "3"}, 2),
        (VoteMethod.RANKED, {"rank-2": "1", "rank-0": "2"}, 2),
    ],
)
def test_every_method_casts_through_the_form(
    tmp_path: Path, method: VoteMethod, fields: dict[str, object], marked: int
) -> None:
    for vote in _vote(tmp_path, method):
        form: dict[str, object] = {}
        for name, value in fields.items():
            if name == "approve":
                form[name] = [str(vote.options[i]) for i in value]  # type: ignore[attr-defined]
            else:
                prefix, index = name.split("-")
                form[f"{prefix}-{vote.options[int(index)]}"] = value
        code = vote.code()
        answer = vote.post(code, {**form, "area": "west", "age_band": "25-34", "sex": "female"})
        assert answer.status_code == 200, answer.text
        assert "Your ballot is counted" in answer.text
        ballot = vote.coprod.load(Ballot, _only_ballot(vote))
        chosen = ballot.choices.chosen
        if method is VoteMethod.RANKED:
            assert chosen == (vote.options[2], vote.options[0])
        assert len(chosen) == marked
        if method is VoteMethod.CUMULATIVE:
            assert ballot.choices.points == ((vote.options[0], 7), (vote.options[2], 3))
        assert (ballot.area_code, ballot.age_band, ballot.sex) == (
            "west",
            AgeBand.AGE_25_34,
            Sex.FEMALE,
        )


def _only_ballot(vote: Vote) -> UUID:
    (found,) = [
        UUID(str(n.originator_id))
        for n in vote.coprod.recorder.select_notifications(1, 10_000)
        if n.topic.endswith("Ballot.BallotCast")
    ]
    return found


def test_the_form_follows_the_declared_method(tmp_path: Path) -> None:
    for vote in _vote(tmp_path, VoteMethod.CUMULATIVE):
        html = vote.open(vote.code())
        assert 'type="number"' in html
        assert "Spread up to 10 points" in html
        assert "Prefer not to say" in html


@pytest.mark.parametrize(
    ("lang", "reason"),
    [
        (
            "en",
            "The projects you chose cost DKK\u00a01,100.00, more than the DKK\u00a01,000.00 you can spend",
        ),
        (
            "da",
            "De projekter, du har valgt, koster 1.100,00\u00a0kr., mere end de 1.000,00\u00a0kr., du kan bruge",
        ),
    ],
)
def test_an_over_budget_ballot_is_refused_with_the_reason_and_nothing_written(
    knapsack: Vote, lang: str, reason: str
) -> None:
    code = knapsack.code()
    over = {"approve": [str(knapsack.options[0]), str(knapsack.options[1])]}
    for action in ("check", "cast"):
        answer = knapsack.post(code, over, lang=lang, action=action)
        assert answer.status_code == 400
        assert reason in answer.text
        assert 'id="choices-error"' in answer.text
        assert "checked" in answer.text  # what the voter marked is kept
    assert knapsack.ballots() == 0
    assert knapsack.post(code, {"approve": [str(knapsack.options[2])]}).status_code == 200


def test_check_my_ballot_shows_the_budget_left_without_javascript(knapsack: Vote) -> None:
    code = knapsack.code()
    answer = knapsack.post(code, {"approve": [str(knapsack.options[0])]}, action="check")
    assert answer.status_code == 200
    assert "<strong data-left>DKK\u00a0400.00</strong>" in answer.text
    assert "can be counted as marked" in answer.text
    assert knapsack.ballots() == 0


def test_a_second_ballot_with_the_same_code_is_refused(knapsack: Vote) -> None:
    code = knapsack.code()
    html = knapsack.open(code)
    one = {"approve": [str(knapsack.options[2])], "code": code, "action": "cast"}
    first = knapsack.client.post(
        f"/processes/{knapsack.process}/vote", data={CSRF_FIELD: csrf_of(html), **one}
    )
    assert first.status_code == 200
    again = knapsack.client.post(
        f"/processes/{knapsack.process}/vote?lang=da", data={CSRF_FIELD: csrf_of(html), **one}
    )
    assert again.status_code == 410
    assert "Denne kode er brugt" in again.text
    page = knapsack.client.get(
        f"/processes/{knapsack.process}/vote", params={"code": code, "lang": "en"}
    )
    assert page.status_code == 410
    assert "This code has been used" in page.text
    assert knapsack.ballots() == 1


def test_an_unknown_code_is_refused_next_to_the_field(knapsack: Vote) -> None:
    for lang, text in (
        ("en", "This code does not open this vote"),
        ("da", "Denne kode åbner ikke"),
    ):
        page = knapsack.client.get(
            f"/processes/{knapsack.process}/vote", params={"code": "ABCD-EFGH-JKMN", "lang": lang}
        )
        assert page.status_code == 400
        assert text in page.text
        assert 'aria-describedby="code-error"' in page.text
    real = knapsack.code()
    html = knapsack.open(real)
    forged = {CSRF_FIELD: csrf_of(html), "code": "ABCD-EFGH-JKMN", "action": "cast"}
    answer = knapsack.client.post(
        f"/processes/{knapsack.process}/vote", data={**forged, "approve": str(knapsack.options[2])}
    )
    assert answer.status_code == 400
    assert knapsack.ballots() == 0


def test_a_code_of_another_process_opens_nothing(tmp_path: Path, knapsack: Vote) -> None:
    other, _ = open_vote(knapsack.coprod, VoteMethod.APPROVAL, slug="sydby")
    (code,) = codes(knapsack.coprod, other, 1)
    page = knapsack.client.get(f"/processes/{knapsack.process}/vote", params={"code": code})
    assert page.status_code == 400


def test_the_receipt_checks_out_and_shows_no_choices(knapsack: Vote) -> None:
    code = knapsack.code()
    answer = knapsack.post(code, {"approve": [str(knapsack.options[2])]})
    receipt = receipt_of(answer.text)
    assert "Benches" not in answer.text.split("<main", 1)[1]
    page = knapsack.client.get(
        f"/processes/{knapsack.process}/receipt", params={"receipt": receipt.lower()}
    )
    assert page.status_code == 200
    assert "Counted: this ballot has been counted since" in page.text
    assert "Benches" not in page.text
    da = knapsack.client.get(
        f"/processes/{knapsack.process}/receipt", params={"receipt": receipt, "lang": "da"}
    )
    assert "Talt med:" in da.text
    wrong = knapsack.client.get(
        f"/processes/{knapsack.process}/receipt", params={"receipt": "A" * 26, "lang": "en"}
    )
    assert "No counted ballot in this vote has this receipt" in wrong.text


def test_wrong_codes_are_rate_limited(knapsack: Vote) -> None:
    real = knapsack.code()
    url = f"/processes/{knapsack.process}/vote"
    for _ in range(CODE_ATTEMPTS):
        assert knapsack.client.get(url, params={"code": "ABCD-EFGH-JKMN"}).status_code == 400
    limited = knapsack.client.get(url, params={"code": real, "lang": "da"})
    assert limited.status_code == 429
    assert limited.headers["Retry-After"]
    assert "For mange forsøg" in limited.text


def test_a_post_without_its_token_writes_nothing(knapsack: Vote) -> None:
    code = knapsack.code()
    knapsack.open(code)
    answer = knapsack.client.post(
        f"/processes/{knapsack.process}/vote",
        data={"code": code, "action": "cast", "approve": str(knapsack.options[2])},
    )
    assert answer.status_code == 403
    assert knapsack.ballots() == 0


def test_a_closed_vote_says_so(tmp_path: Path) -> None:
    for vote in _vote(tmp_path, VoteMethod.APPROVAL):
        from coprod.application import SYSTEM_ACTOR
        from coprod.application.commands.processes import CloseBallot

        code = vote.code()
        vote.coprod.close_ballot(CloseBallot(process_id=vote.process), SYSTEM_ACTOR)
        page = vote.client.get(f"/processes/{vote.process}/vote", params={"code": code})
        assert page.status_code == 409
        assert "The vote is not open" in page.text


def test_the_process_page_links_to_the_vote_and_the_receipts(tmp_path: Path) -> None:
    for vote in _vote(tmp_path, VoteMethod.APPROVAL, worker=True):
        # the worker applies the process (and its code) in the background: wait for it
        vote.app.state.reads.wait_for(vote.coprod.recorder.max_notification_id())
        page = vote.client.get(f"/processes/{vote.process}", params={"lang": "da"})
        assert page.status_code == 200, page.text
        # readable addresses (the process's code is "green"), which lead to the same pages
        assert 'href="/p/green/vote"' in page.text
        assert "Stem med din kode" in page.text
        assert 'href="/p/green/receipt"' in page.text
        assert vote.client.get("/p/green/vote").status_code == 200
        assert vote.client.get("/p/green/receipt").status_code == 200
