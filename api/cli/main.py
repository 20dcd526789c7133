"""The ``coprod`` command: one entry point for users, operators and evaluators.

Domain refusals are printed as one clear line and a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated

import typer
from eventsourcing.persistence import PersistenceError
from rich.console import Console
from rich.table import Table

from api.cli.codes import codes_app
from api.cli.dataset import register as register_dataset
from api.cli.errors import CoprodGroup, fail
from api.cli.evaluator import register as register_evaluator
from api.cli.files import check_output, replaced_atomically
from api.cli.imports import (
    import_match_funding,
    import_milestones,
    import_spend,
    parameters_app,
)
from api.cli.invite import invite
from api.cli.open_data import register as register_open_data
from api.cli.outcome import outcome
from api.cli.pabulib import export_app, import_app
from api.cli.people import people_app
from api.cli.privacy import privacy_app, secrets_app
from api.cli.projections import project_app
from api.cli.report import report_app
from api.cli.serve import keys_app, publish_demo_release, serve
from api.cli.tenders import tenders_app
from api.cli.timeline import timeline
from api.cli.verify import verify
from api.demo import seed_demo, voting_process_id
from coprod.adapters.config import settings_from_env
from coprod.application import Coprod
from coprod.domain.catalogue import published_in, render_catalogue
from coprod.domain.errors import CoprodError

cli = typer.Typer(
    cls=CoprodGroup,
    help="coprod: an event-sourced tracker for participatory budgeting and co-production.",
    no_args_is_help=True,
    add_completion=False,
)
cli.add_typer(import_app, name="import", help="Import data from open standards.")
cli.add_typer(keys_app, name="keys", help="Create, revoke and list API keys.")
cli.add_typer(codes_app, name="codes", help="One-time voting codes and the letters to post.")
cli.add_typer(tenders_app, name="tenders", help="Co-commissioning: tenders and their outcome.")
cli.command()(serve)
cli.add_typer(
    project_app, name="project", help="Keep the read models up to date (the projection worker)."
)
register_open_data(export_app)
register_dataset(export_app)
cli.add_typer(export_app, name="export", help="Export data in open standards.")
cli.command("outcome")(outcome)
cli.command("timeline")(timeline)
cli.command("verify")(verify)
register_evaluator(cli, export_app)
cli.add_typer(report_app, name="report", help="Published reports: impact measures (DOMAIN.md §4).")
cli.add_typer(privacy_app, name="privacy", help="Remove erased personal data from disk.")
cli.add_typer(secrets_app, name="secrets", help="The master key that wraps the subject keys.")
cli.add_typer(people_app, name="people", help="Personal data: erase a person on request.")
cli.command("invite")(invite)
import_app.command("milestones")(import_milestones)
import_app.command("spend")(import_spend)
import_app.command("match-funding")(import_match_funding)
cli.add_typer(
    parameters_app, name="parameters", help="Census shares, volunteer rates, match funding (CSV)."
)
console = Console()
errors = Console(stderr=True)


@cli.command()
def demo(
    seed: Annotated[
        int, typer.Option(help="Random seed; the same seed seeds the same cycle.")
    ] = 2026,
) -> None:
    """Seed a realistic PB cycle into the configured store and print a summary."""
    settings = settings_from_env()
    started = time.perf_counter()
    with Coprod(settings) as app:
        summary = seed_demo(app, seed=seed, progress=lambda msg: console.print(f"[dim]{msg}[/dim]"))
        if not summary.already_present:
            number = publish_demo_release(app, summary.process_id)
            console.print(f"[dim]published impact release {number} (what the public reads)[/dim]")
    elapsed = time.perf_counter() - started
    if summary.already_present:
        console.print(
            f"The demo for seed {seed} is already in {settings.display}: nothing was added."
        )
    table = Table(title=f"Demo PB cycle (seed {seed}) in {settings.display}")
    table.add_column("what")
    table.add_column("count", justify="right")
    for label, value in summary.rows():
        table.add_row(label, str(value))
    console.print(table)
    console.print(
        f"Processes: {summary.process_id} (delivering, with impact release 1) and "
        f"{voting_process_id(seed)} (voting)."
    )
    if not summary.already_present:
        console.print(f"{summary.events} events recorded in {elapsed:.1f} s.")


@cli.command()
def catalogue(
    output: Annotated[
        Path | None, typer.Option(help="Write to this file instead of stdout.")
    ] = None,
) -> None:
    """Print the event catalogue (the data dictionary of the event log) as Markdown.

    With ``--output``, the topics the existing file lists as published stay listed (the list
    is append-only) and new events' topics are added.
    """
    target = None if output is None else check_output(output)
    previous = target.read_text(encoding="utf-8") if target is not None and target.exists() else ""
    text = render_catalogue(published_in(previous))
    if output is None:
        sys.stdout.write(text)
    else:
        with replaced_atomically(output) as handle:
            handle.write(text)
        console.print(f"wrote {output}")


def main() -> None:
    """Run the CLI; every refusal is one line on stderr (see api/cli/errors.py), never a traceback.

    The root group handles errors inside the command; this catches what escapes it (none is
    expected) the same way, so even then no traceback is printed.
    """
    try:
        cli()
    except (CoprodError, OSError, PersistenceError) as e:
        try:
            fail(e)
        except typer.Exit as done:
            raise SystemExit(done.exit_code) from None
