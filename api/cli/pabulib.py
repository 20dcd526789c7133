"""``coprod import pabulib`` and ``coprod export pabulib``: real PB elections in and out.

Two sub-apps, wired into the main CLI by api/cli/main.py (``cli.add_typer(import_app,
name="import")`` and the same for export). Progress goes to stderr, so ``--format json``
leaves stdout to exactly one JSON object per imported file.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated
from uuid import UUID

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from api.cli.files import check_output, replaced_atomically
from coprod.adapters.config import settings_from_env
from coprod.application import Coprod
from coprod.domain.errors import CoprodError, InvalidInput
from coprod.standards.pabulib import export_process, import_file
from coprod.standards.pabulib.importer import DEFAULT_BATCH, ImportResult
from coprod.standards.pabulib.validation import iter_files

import_app = typer.Typer(help="Import elections from other tools.", no_args_is_help=True)
export_app = typer.Typer(help="Export a process for other tools.", no_args_is_help=True)
errors = Console(stderr=True)


class OutputFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


@import_app.callback()
def _import_group() -> None:
    """Import elections from other tools."""


@export_app.callback()
def _export_group() -> None:
    """Export a process for other tools."""


@import_app.command("pabulib")
def import_pabulib(
    files: Annotated[list[Path], typer.Argument(help="Pabulib .pb files, or folders of them.")],
    output_format: Annotated[
        OutputFormat, typer.Option("--format", help="json: one {process_id, events} per file.")
    ] = OutputFormat.TEXT,
    batch_size: Annotated[
        int, typer.Option(help="Ballots per transaction.", min=1)
    ] = DEFAULT_BATCH,
    checker: Annotated[
        bool, typer.Option(help="Also validate each file with pabulib-checker.")
    ] = True,
) -> None:
    """Import Pabulib files: each becomes a process with its ballots and the city's decisions.

    A malformed file is refused with its line number and nothing of it is written; a file
    imported before is reported and not imported again. The exit code is 2 if any file was
    refused.
    """
    refused = 0
    for given in files:
        if not given.exists():
            raise InvalidInput("files", f"{given} does not exist")
    paths = list(iter_files(files))
    if not paths:
        raise InvalidInput("files", "no .pb file in " + ", ".join(map(str, files)))
    with Coprod(settings_from_env()) as app:
        for path in paths:
            try:
                result = _import_one(app, path, batch_size, checker)
            except (CoprodError, OSError) as e:
                errors.print(
                    f"[red]refused[/red] {path}: {_reason(e)}; nothing of it was imported",
                    soft_wrap=True,
                )
                refused += 1
                continue
            _report(result, output_format)
    if refused:
        raise typer.Exit(2)


def _reason(error: Exception) -> str:
    if isinstance(error, OSError):
        return error.strerror or str(error)
    return str(error)


def _import_one(app: Coprod, path: Path, batch_size: int, checker: bool) -> ImportResult:
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=errors,
        transient=True,
    ) as bar:
        tasks: dict[str, TaskID] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                label = "checking" if stage == "validate" else "importing"
                tasks[stage] = bar.add_task(f"{label} {path.name}", total=total)
            bar.update(tasks[stage], completed=done)

        return import_file(app, path, batch_size=batch_size, progress=progress, use_checker=checker)


def _report(result: ImportResult, output_format: OutputFormat) -> None:
    if result.duplicate:
        errors.print(f"[yellow]already imported[/yellow] {result.path}: {result.duplicate}")
    if output_format is OutputFormat.JSON:
        sys.stdout.write(
            json.dumps({"process_id": str(result.process_id), "events": result.events}) + "\n"
        )
        return
    if not result.duplicate:
        verb = "resumed and completed" if result.resumed else "imported"
        print(
            f"{result.path}: {verb} as process {result.process_id}: {result.ballots} ballots, "
            f"{result.decisions} decisions, {result.events} events"
        )
    if result.ignored_keys:
        errors.print(f"  META keys not kept: {', '.join(result.ignored_keys)}")
    for warning in result.checker_warnings:
        errors.print(f"  pabulib-checker warning: {warning}")


@export_app.command("pabulib")
def export_pabulib(
    process: Annotated[str, typer.Argument(help="The process id (a UUID).")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")
    ] = None,
) -> None:
    """Write a process as a Pabulib .pb file; voter ids are fresh random tokens."""
    try:
        process_id = UUID(process)
    except ValueError:
        raise InvalidInput("process", f"{process!r} is not a process id (UUID)") from None
    if output is not None:
        check_output(output)  # before the store is opened: a typo costs nothing
    with Coprod(settings_from_env()) as app:
        if output is None:
            export_process(app, process_id, sys.stdout)
            return
        # A refused export (no ballot yet, unknown process) leaves an existing file as it was.
        with replaced_atomically(output) as handle:
            summary = export_process(app, process_id, handle)
    errors.print(f"wrote {output}: {summary.projects} projects, {summary.votes} votes")
