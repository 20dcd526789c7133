"""Evaluator commands: ``coprod processes`` and ``coprod export csv|parquet DIR``.

The lead wires them into the main CLI with :func:`register` (the ``export`` group itself
lives in api/cli/pabulib.py). Listings read the read models as they are and say how far
behind the log they are, instead of catching up: a read must never write. Progress and
freshness notes go to stderr, so ``--format json`` leaves stdout to exactly one JSON value.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn
from rich.table import Table

from api.cli.files import TableOrJson
from coprod.adapters.config import settings_from_env
from projections.export import export
from projections.queries import ProcessList, list_processes

console = Console()
errors = Console(stderr=True)


def processes(
    output_format: Annotated[
        TableOrJson, typer.Option("--format", help="json: a list of {id, name, phase}.")
    ] = TableOrJson.TABLE,
) -> None:
    """List every process with its phase, from the process summary read model."""
    settings = settings_from_env()
    listing = list_processes(settings)
    if output_format is TableOrJson.JSON:
        data = [{"id": str(p.id), "name": p.name, "phase": p.phase} for p in listing.processes]
        sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
    else:
        table = Table(title=f"Processes in {settings.display}")
        table.add_column("id", no_wrap=True, min_width=36)  # people copy it into commands
        table.add_column("name")
        table.add_column("phase", no_wrap=True)
        for p in listing.processes:
            table.add_row(str(p.id), p.name, p.phase)
        console.print(table)
    errors.print(freshness(listing))


def freshness(listing: ProcessList) -> str:
    """One line saying how current the listing is, and what to run if it is behind."""
    if listing.lag_events == 0:
        return f"read model up to date (log position {listing.position})"
    return (
        f"read model at log position {listing.position} of {listing.log_position} "
        f"({listing.lag_events} events behind; run `coprod project --once` to catch up)"
    )


def export_csv(
    directory: Annotated[Path, typer.Argument(help="A new or empty folder to write into.")],
) -> None:
    """Export the event log and every read model as CSV, with a data dictionary."""
    _export(directory, "csv")


def export_parquet(
    directory: Annotated[Path, typer.Argument(help="A new or empty folder to write into.")],
) -> None:
    """Export the event log and every read model as Parquet, with a data dictionary."""
    _export(directory, "parquet")


def _export(directory: Path, fmt: str) -> None:
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=errors,
        transient=True,
    ) as bar:
        tasks: dict[str, TaskID] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(f"exporting {stage}", total=total)
            bar.update(tasks[stage], completed=done, total=total)

        manifest = export(directory, fmt, settings_from_env(), progress=progress)
    files = manifest["files"]
    errors.print(
        f"wrote {directory}: {len(files)} files ({files[0]['rows']} events up to log position "
        f"{manifest['log_position']}), data_dictionary.csv/.md and manifest.json"
    )


def register(cli: typer.Typer, export_app: typer.Typer) -> None:
    """Add `processes` to the main CLI and `csv`/`parquet` to its `export` group."""
    cli.command("processes")(processes)
    export_app.command("csv")(export_csv)
    export_app.command("parquet")(export_parquet)
