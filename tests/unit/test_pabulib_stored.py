"""The import's direct ballot encoding writes exactly what the domain and the mapper would.

The bulk import skips `Ballot.cast` and the library's JSON encoder for all but the first
ballot of a file (coprod.standards.pabulib.stored); these tests hold its bytes to the mapper's for every
vote type, its pseudonyms to the application's, and show that a disagreement stops the
import before any ballot is written.
"""

from __future__ import annotations

from pathlib import Path
from uuid import UUID

import pytest

from coprod.adapters.config import parse_database_url
from coprod.application import Coprod
from coprod.domain.ballot import Ballot
from coprod.domain.errors import InvalidInput
from coprod.standards.pabulib import import_file
from coprod.standards.pabulib.log_reader import find_source
from coprod.standards.pabulib.pseudonyms import ProcessPseudonyms
from coprod.standards.pabulib.stored import BallotEvents, BallotFastPathMismatch
from tests.unit.test_pabulib_parser import APPROVAL, CHOOSE_ONE, CUMULATIVE, ORDINAL, SCORING

#: An approval file with a cost limit per ballot (knapsack) and ballots in every column shape.
KNAPSACK = APPROVAL.replace("currency;PLN", "currency;PLN\nmax_sum_cost;1000", 1)


def _file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "tiny.pb"
    path.write_text(text, encoding="utf-8")
    return path


def _ballot_rows(app: Coprod) -> list[object]:
    topic = "coprod.ballot:Ballot.BallotCast"
    return [n for n in app.recorder.select_notifications(1, 10_000) if n.topic == topic]


@pytest.mark.parametrize("text", [APPROVAL, CHOOSE_ONE, ORDINAL, CUMULATIVE, SCORING, KNAPSACK])
def test_every_stored_ballot_is_what_the_mapper_writes_for_its_event(
    app: Coprod, text: str, tmp_path: Path
) -> None:
    result = import_file(app, _file(tmp_path, text), use_checker=False)
    rows = _ballot_rows(app)
    assert len(rows) == result.ballots >= 2
    for row in rows:
        event = app.mapper.to_domain_event(row)  # type: ignore[arg-type]
        again = app.mapper.to_stored_event(event)
        assert (again.originator_id, again.originator_version, again.topic, again.state) == (
            row.originator_id,  # type: ignore[attr-defined]
            row.originator_version,  # type: ignore[attr-defined]
            row.topic,  # type: ignore[attr-defined]
            row.state,  # type: ignore[attr-defined]
        )
        assert isinstance(event, Ballot.BallotCast)
        assert row.originator_id == Ballot.create_id(result.process_id, event.voter_pseudonym)  # type: ignore[attr-defined]


def test_ballots_load_the_same_through_a_compressing_store(tmp_path: Path) -> None:
    plain = Coprod(
        parse_database_url("sqlite:///:memory:"), env={"PERSISTENCE_MODULE": "eventsourcing.popo"}
    )
    zipped = Coprod(
        parse_database_url("sqlite:///:memory:"),
        env={
            "PERSISTENCE_MODULE": "eventsourcing.popo",
            "COMPRESSOR_TOPIC": "eventsourcing.compressor:ZlibCompressor",
        },
    )
    path = _file(tmp_path, CUMULATIVE)
    first = import_file(plain, path, use_checker=False)
    second = import_file(zipped, path, use_checker=False)
    assert second.process_id == first.process_id
    for voter in ("q", "r"):
        a = _load_ballot(plain, first.process_id, voter)
        b = _load_ballot(zipped, second.process_id, voter)
        assert _marks(plain, a) == _marks(zipped, b)
        assert (a.channel, a.age_band, a.sex) == (b.channel, b.age_band, b.sex)
    rows = _ballot_rows(zipped)
    assert rows
    assert all(not r.state.startswith(b"{") for r in rows)  # type: ignore[attr-defined]


def _marks(app: Coprod, ballot: Ballot) -> tuple[tuple[str, int], ...]:
    """The ballot's points by Pabulib project id (proposal ids differ between stores)."""
    source = find_source(app, ballot.process_id)
    assert source is not None
    project_of = {p.proposal_id: p.project_id for p in source.projects}
    return tuple((project_of[p], n) for p, n in ballot.choices.points)


def _load_ballot(app: Coprod, process_id: UUID, voter: str) -> Ballot:
    pseudonym = app.pseudonymise(process_id, voter)
    ballot: Ballot = app.load(Ballot, Ballot.create_id(process_id, pseudonym))
    return ballot


def test_process_pseudonyms_equal_the_applications(app: Coprod) -> None:
    process_id = UUID(int=11)
    pseudonymise = ProcessPseudonyms(app.personal_data, process_id)
    for ref in ("v1", " V1 ", "Anna@X.dk", "\uff21\uff22\uff23", "straße", "12345"):
        assert pseudonymise(ref) == app.pseudonymise(process_id, ref)
    assert pseudonymise(" V1 ") == pseudonymise("v1")
    assert pseudonymise("v1") != ProcessPseudonyms(app.personal_data, UUID(int=12))("v1")
    with pytest.raises(InvalidInput):
        pseudonymise("   ")


def test_a_direct_encoding_that_differs_from_the_mapper_stops_the_import(
    app: Coprod, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = BallotEvents._encode

    def skewed(self: BallotEvents, vote: object, timestamp: object) -> object:
        stored = original(self, vote, timestamp)  # type: ignore[arg-type]
        return type(stored)(
            stored.originator_id,
            stored.originator_version,
            stored.topic,
            stored.state.replace(b'"area_code":null', b'"area_code":"x"'),
        )

    monkeypatch.setattr(BallotEvents, "_encode", skewed)
    with pytest.raises(BallotFastPathMismatch):
        import_file(app, _file(tmp_path, APPROVAL), use_checker=False)
    assert _ballot_rows(app) == []
