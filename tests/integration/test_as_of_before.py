"""An as-of before something existed says so, with its first recorded time, on both stores.

"No process with id …" for a process that exists would send the reader hunting for a wrong
id; the answer names the time to ask for instead. An id never recorded stays "not found".
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from typer.testing import CliRunner

from api.cli.main import cli
from coprod.domain.errors import NotFound, NotYetRecorded
from projections.impact.report import impact_report
from projections.registry import Projector
from tests.integration.test_timeline import Chain, build_chain, moment


@pytest.fixture
def early_chain(store_url: str) -> Any:
    before = moment()
    built = build_chain(store_url)
    with Projector(built.app, models=["process_summary", "timeline", "impact"]) as projector:
        projector.catch_up()
    yield before, built
    built.app.close()


def test_as_of_before_a_process_and_a_project_existed(
    early_chain: tuple[datetime, Chain],
) -> None:
    before, chain = early_chain
    now = chain.timeline(chain.project)
    with pytest.raises(NotYetRecorded) as timeline_error:
        chain.timeline(chain.project, before)
    first = timeline_error.value.first
    assert before < first <= datetime.now(UTC)
    assert first == min(e.at for e in now.entries if e.subject_id == chain.project)
    assert str(timeline_error.value) == (
        f"project, idea or decision {chain.project} did not exist yet at "
        f"{before.isoformat()}: it was first recorded at {first.isoformat()}"
    )
    with pytest.raises(NotYetRecorded) as report_error:
        impact_report(now.process_id, before, settings=chain.app.settings)
    assert before < report_error.value.first <= first
    assert str(report_error.value).startswith(f"process {now.process_id} did not exist yet")

    for read in (
        lambda: chain.timeline(uuid.uuid4(), before),
        lambda: impact_report(uuid.uuid4(), before, settings=chain.app.settings),
    ):
        with pytest.raises(NotFound) as unknown:
            read()
        assert not isinstance(unknown.value, NotYetRecorded)
        assert str(unknown.value).startswith("no ")


def test_the_cli_says_so_in_one_line(sqlite_url: str) -> None:
    before = moment()
    chain = build_chain(sqlite_url)
    try:
        with Projector(chain.app, models=["process_summary", "timeline", "impact"]) as projector:
            projector.catch_up()
        process = chain.timeline(chain.project).process_id
        runner = CliRunner(env={"COPROD_DATABASE_URL": sqlite_url})
        for args in (
            ["timeline", str(chain.project)],
            ["report", "impact", str(process)],
        ):
            result = runner.invoke(cli, [*args, "--as-of", before.isoformat()])
            assert result.exit_code == 2, result.output
            lines = result.stderr.strip().splitlines()
            assert len(lines) == 1, result.stderr
            assert f"did not exist yet at {before.isoformat()}" in lines[0]
            assert "it was first recorded at " in lines[0]
            assert lines[0].endswith(f" in {sqlite_url}")
    finally:
        chain.app.close()
