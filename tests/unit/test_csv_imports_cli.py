"""``coprod import milestones|spend`` and ``coprod parameters load``: line-numbered refusals."""

from __future__ import annotations

import uuid
from pathlib import Path

from typer.testing import CliRunner

from api.cli.main import cli
from coprod.adapters.config import parse_database_url
from coprod.application import SYSTEM_ACTOR, Coprod
from coprod.application.commands.people import RegisterOrganisation
from coprod.domain.organisation import OrganisationKind
from coprod.domain.values import Actor, Role
from tests.unit.test_csv_imports import events, funded, milestones_csv
from tests.unit.test_parameters_load import CENSUS


def test_cli_imports_all_or_nothing_and_loads_census(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path}/cli.sqlite"
    monkeypatch.setenv("COPROD_DATABASE_URL", url)
    with Coprod(parse_database_url(url)) as app:
        council = app.register_organisation(
            RegisterOrganisation(
                slug="odense", kind=OrganisationKind.COUNCIL, display_name="Odense"
            ),
            SYSTEM_ACTOR,
        ).aggregate_id
        officer = Actor(uuid.uuid4(), Role.COUNCIL_OFFICER, council)
        process, project = funded(app, officer)
        before = events(app)
    bad, good = tmp_path / "bad.csv", tmp_path / "good.csv"
    bad.write_text(milestones_csv(project, bad=True))
    good.write_text(milestones_csv(project).rsplit("\n", 2)[0] + "\n")
    runner = CliRunner()
    refused = runner.invoke(cli, ["import", "milestones", str(process), str(bad)])
    assert refused.exit_code == 2, refused.output
    assert f"{bad}:4: met_on:" in refused.stderr
    assert f"{bad}:5: project:" in refused.stderr
    dry = runner.invoke(cli, ["import", "milestones", str(process), str(good), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "dry run" in dry.stdout
    with Coprod(parse_database_url(url)) as app:
        assert events(app) == before
    done = runner.invoke(cli, ["import", "milestones", str(process), str(good)])
    assert done.exit_code == 0, done.output
    census = tmp_path / "census.csv"
    census.write_text(CENSUS)
    loaded = runner.invoke(cli, ["parameters", "load", "census", "odense", str(census)])
    assert loaded.exit_code == 0, loaded.output
    with Coprod(parse_database_url(url)) as app:
        assert events(app) == before + 3 + 4  # two dimensions: each opened and loaded
