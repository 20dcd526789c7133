"""``coprod import milestones|spend|match-funding PROCESS FILE.csv`` and
``coprod parameters load census|rates|match-funding PROCESS-or-COUNCIL FILE.csv``.

The operator's way to load the spreadsheets officers keep (the HTTP endpoints and the console
pages call the same use cases). Every bad line is printed with its line number and column and
nothing is written (exit 2); ``--dry-run`` prints what each line would record and writes
nothing. The shell has the store's credentials, so it acts as an officer of the council the
process belongs to (or of the council named), recorded under one fixed operator id.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated
from uuid import NAMESPACE_URL, UUID, uuid5

import typer
from rich.console import Console
from rich.table import Table

from api.cli.errors import errors
from api.cli.invite import organisation_ref
from coprod.adapters.config import settings_from_env
from coprod.application import Coprod
from coprod.application.csv_table import CsvRefused
from coprod.application.imports import ImportResult
from coprod.domain.errors import InvalidInput
from coprod.domain.process import Process
from coprod.domain.values import Actor, Role

__all__ = ["OPERATOR_ID", "import_match_funding", "import_milestones", "import_spend"]

console = Console()
parameters_app = typer.Typer(no_args_is_help=True)
#: Who the log says acted when an operator loads a file from the shell.
OPERATOR_ID = uuid5(NAMESPACE_URL, "coprod:cli-operator")

Process_ = Annotated[str, typer.Argument(help="The process id.")]
File_ = Annotated[Path, typer.Argument(help="The CSV file (header row; , or ; separated).")]
DryRun = Annotated[bool, typer.Option("--dry-run", help="Check and preview; write nothing.")]


class Kind(StrEnum):
    """What a parameters file holds."""

    census = "census"
    rates = "rates"
    match_funding = "match-funding"


def _process(app: Coprod, ref: str) -> tuple[UUID, Actor]:
    try:
        process_id = UUID(ref)
    except ValueError:
        raise InvalidInput("process", f"{ref!r} is not a process id") from None
    council = app.load(Process, process_id).council_id
    return process_id, Actor(OPERATOR_ID, Role.COUNCIL_OFFICER, council)


def _run(kind: str, ref: str, path: Path, dry_run: bool) -> None:
    data = path.read_bytes()
    with Coprod(settings_from_env()) as app:
        try:
            if kind in ("census", "rates"):
                council = organisation_ref(app, ref)
                actor = Actor(OPERATOR_ID, Role.COUNCIL_OFFICER, council)
                load = app.load_census_csv if kind == "census" else app.load_rates_csv
                result = load(council, data, actor, dry_run=dry_run)
            else:
                process_id, actor = _process(app, ref)
                use_case = {
                    "milestones": app.import_milestones,
                    "spend": app.import_spend,
                    "match-funding": app.import_match_funding,
                }[kind]
                result = use_case(process_id, data, actor, dry_run=dry_run)
        except CsvRefused as refused:
            for e in refused.errors:
                errors.print(f"{path}:{e.line}: {e.field}: {e.message}", highlight=False)
            errors.print(f"[red]refused[/red]: {len(refused.errors)} bad line(s); nothing imported")
            raise typer.Exit(2) from None
    _report(result, path)


def _report(result: ImportResult, path: Path) -> None:
    table = Table("line", "action", "records")
    for line in result.lines:
        table.add_row(str(line.line), line.action, line.summary)
    console.print(table)
    done = "imported" if result.recorded else "would be imported (dry run, nothing written)"
    console.print(f"{len(result.lines)} line(s) of {path} {done}")


def import_milestones(process: Process_, file: File_, dry_run: DryRun = False) -> None:
    """Schedule, start, meet, delay or cancel milestones from CSV; all lines or none.

    Columns: project, action (schedule|start|meet|delay|cancel), code, date, and as the action
    needs: title, evidence_url, reason.
    """
    _run("milestones", process, file, dry_run)


def import_spend(process: Process_, file: File_, dry_run: DryRun = False) -> None:
    """Record spend from CSV; all lines or none.

    Columns: project, amount, date, purpose; optional currency, spend_id.
    """
    _run("spend", process, file, dry_run)


def import_match_funding(process: Process_, file: File_, dry_run: DryRun = False) -> None:
    """Record match funding from CSV; all lines or none.

    Columns: project, source, amount, date; optional currency, funding_id.
    """
    _run("match-funding", process, file, dry_run)


@parameters_app.command("load")
def load_parameters(
    kind: Annotated[Kind, typer.Argument(help="census, rates or match-funding.")],
    target: Annotated[
        str, typer.Argument(help="The council's id or slug; the process id for match-funding.")
    ],
    file: File_,
    dry_run: DryRun = False,
) -> None:
    """Load census shares or volunteer rates of a council, or match funding of a process.

    census columns: dimension, group, share, source, reference_year.
    rates columns: currency, floor, central, upper, source, reference_year.
    """
    _run(kind.value, target, file, dry_run)
