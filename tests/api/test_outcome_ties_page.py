"""The process page says when the vote's result depends on a tie, and which tie-break decided,
in English and Danish; a result without a decisive tie says nothing about ties."""

from __future__ import annotations

import uuid

from fastapi.testclient import TestClient

from coprod.application import Coprod
from coprod.application.commands.processes import CloseBallot
from coprod.domain.values import Actor, Role
from coprod.domain.voting import BallotChoices, SelectionRule
from tests.api.conftest import World
from tests.unit.test_outcome import cast, make_vote


def _vote(coprod: Coprod, world: World, approvals: list[tuple[str, ...]]) -> uuid.UUID:
    officer = Actor(uuid.uuid4(), Role.COUNCIL_OFFICER, world.council)
    pid, ids = make_vote(coprod, officer, world.council, SelectionRule("greedy"))
    ballots = [BallotChoices(approvals=tuple(ids[n] for n in names)) for names in approvals]
    cast(coprod, officer, pid, ballots)
    coprod.close_ballot(CloseBallot(process_id=pid), officer)
    return pid


def test_a_tie_where_the_money_runs_out_is_named_with_its_tie_break(
    client: TestClient, coprod: Coprod, world: World
) -> None:
    # A (600) and B (550) both get 3 votes; the 1000 DKK pot cannot pay both.
    pid = _vote(coprod, world, [("A", "C"), ("A", "C"), ("A", "D"), ("B",), ("B",), ("B", "D")])
    english = client.get(f"/processes/{pid}", headers={"Accept-Language": "en"}).text
    assert "The result depends on a tie: Project " in english
    assert "had the same score (3), and the tie-break decided: the smaller project id first." in (
        english
    )
    danish = client.get(f"/processes/{pid}?lang=da").text
    assert "Resultatet afhænger af stemmelighed" in danish
    assert "projektet med det mindste id først" in danish


def test_no_sentence_when_no_tie_decides(client: TestClient, coprod: Coprod, world: World) -> None:
    pid = _vote(coprod, world, [("A", "C"), ("A", "D"), ("B",), ("C",)])
    page = client.get(f"/processes/{pid}", headers={"Accept-Language": "en"}).text
    assert "The result of the vote" in page
    assert "depends on a tie" not in page
