"""The audit trail at a business date: an imported past cycle's story told at its real dates.

A Pabulib file imported today must read, at a day inside its ballot period, as ideas on a
ballot not yet closed and with no decision; at its date_end, closed and decided (with the
tally); before its date_begin, not yet in existence. Every entry carries the time it became
true (`valid_from`) beside the time it was recorded (`at`). On both stores, and the CLI.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from uuid import UUID

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.cli.main import cli
from api.http.app import create_app
from coprod.adapters.config import parse_database_url
from coprod.application import Coprod
from coprod.domain.errors import NotYetValid
from coprod.standards.pabulib import import_file
from coprod.standards.pabulib.log_reader import find_source
from projections.registry import Projector
from projections.timeline import Timeline, project_timeline
from tests.integration.test_valid_at import BEGIN, END, PAST_CYCLE, VOTERS


@dataclass
class Story:
    url: str
    park: UUID  # the proposal of project p1, funded


@pytest.fixture
def story(store_url: str, tmp_path: Path) -> Iterator[Story]:
    path = tmp_path / "past.pb"
    path.write_text(PAST_CYCLE, encoding="utf-8")
    app = Coprod(parse_database_url(store_url))
    try:
        result = import_file(app, path, use_checker=False)
        source = find_source(app, result.process_id)
        assert source is not None
        park = next(p.proposal_id for p in source.projects if p.project_id == "p1")
        with Projector(app, models=["timeline", "process_summary"]) as projector:
            projector.catch_up()
        yield Story(store_url, park)
    finally:
        app.close()


def _timeline(s: Story, valid_at: date | None) -> Timeline:
    return project_timeline(s.park, valid_at=valid_at, settings=parse_database_url(s.url))


def _end_of(day: date) -> datetime:
    return datetime.combine(day, time.max, tzinfo=UTC)


def test_an_imported_story_reads_at_its_own_dates(story: Story) -> None:
    during = _timeline(story, END - timedelta(days=1))
    events = [e.event for e in during.entries]
    assert "Proposal.IdeaSubmitted" in events
    assert "Decision.DecisionMade" not in events
    assert "Process.BallotClosed" not in events
    assert (during.decision_ids, during.tally) == ((), None)
    assert {e.valid_from for e in during.entries} == {_end_of(BEGIN)}
    closed = _timeline(story, END)
    events = [e.event for e in closed.entries]
    assert "Process.BallotClosed" in events
    assert "Decision.DecisionMade" in events
    assert len(closed.decision_ids) == 1
    assert closed.tally is not None
    assert closed.tally[0].approvals == VOTERS
    decided = next(e for e in closed.entries if e.event == "Decision.DecisionMade")
    assert decided.valid_from == _end_of(END)
    assert decided.at > decided.valid_from  # recorded years after it became true
    assert closed.to_dict()["valid_at"] == END.isoformat()
    # Now: the same story, with every entry valid by now.
    now = _timeline(story, None)
    assert len(now.entries) == len(closed.entries)


def test_before_the_cycle_the_story_did_not_exist(story: Story) -> None:
    with pytest.raises(NotYetValid, match="valid from 2023-06-01"):
        _timeline(story, BEGIN - timedelta(days=1))


def test_the_cli_tells_the_story_at_a_business_date(story: Story) -> None:
    runner = CliRunner(env={"COPROD_DATABASE_URL": story.url})
    during = (END - timedelta(days=1)).isoformat()
    args = ["timeline", str(story.park), "--valid-at", during, "--format", "json"]
    done = runner.invoke(cli, args)
    assert done.exit_code == 0, done.output
    document = json.loads(done.output)
    assert document["valid_at"] == during
    assert all(e["valid_from"] <= _end_of(BEGIN).isoformat() for e in document["entries"])
    assert document["decision_ids"] == []
    early = runner.invoke(cli, ["timeline", str(story.park), "--valid-at", "2020-01-01"])
    assert early.exit_code == 2
    assert "not in existence yet" in " ".join(early.output.split())


def test_the_public_trail_says_when_an_imported_step_happened(story: Story) -> None:
    """Recorded today, dated in 2023: the trail page shows both, in the reader's language."""
    settings = parse_database_url(story.url)
    with Coprod(settings) as app, Projector(app) as projector:
        projector.catch_up()
    with TestClient(create_app(settings)) as client:
        english = client.get(f"/proposals/{story.park}", headers={"Accept-Language": "en"})
        danish = client.get(f"/proposals/{story.park}", headers={"Accept-Language": "da"})
    assert english.status_code == 200, english.text
    assert "Dated 15 Jun 2023, recorded later" in english.text
    assert "Dated 1 Jun 2023, recorded later" in english.text
    assert "Dateret 15. juni 2023, registreret senere" in danish.text
