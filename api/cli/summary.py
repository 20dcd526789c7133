"""``coprod report summary PROCESS [--as-of T] [--valid-at D] [--format table|json]``.

The process summary's figures (counts per stage, ballots, decisions by status and, after the
close, tallies) from the terminal: the same query as ``GET /processes/{id}/summary``, so an
officer migrating a past cycle can check its figures at the cycle's real dates without the
HTTP API. Registered on the ``report`` group by :mod:`api.cli.report`.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from api.cli.errors import fail
from api.cli.files import TableOrJson, ValidAtOption, as_of_moment, process_id_of, valid_at_moment
from coprod.adapters.config import settings_from_env
from coprod.domain.errors import CoprodError
from projections.queries import ProcessSummary, process_summary

console = Console()


def summary(
    process: Annotated[str, typer.Argument(help="The process id (a UUID).")],
    as_of: Annotated[
        str | None,
        typer.Option(help="As coprod knew it at this time (ISO 8601 with a UTC offset)."),
    ] = None,
    valid_at: ValidAtOption = None,
    output_format: Annotated[
        TableOrJson, typer.Option("--format", help="table, or json (every field).")
    ] = TableOrJson.TABLE,
) -> None:
    """A process's state and counts per stage; tallies once its ballot is closed."""
    try:
        found = process_summary(
            process_id_of(process),
            as_of_moment(as_of),
            valid_at=valid_at_moment(valid_at),
            settings=settings_from_env(),
        )
    except CoprodError as e:
        fail(e)
    if output_format is TableOrJson.JSON:
        sys.stdout.write(json.dumps(_jsonable(found), indent=2, ensure_ascii=False) + "\n")
    else:
        _print(found)


def _jsonable(found: ProcessSummary) -> Any:
    """Every field; times and dates as ISO text, amounts as decimal text."""
    return json.loads(json.dumps(dataclasses.asdict(found), default=_text))


def _text(value: object) -> str:
    iso = getattr(value, "isoformat", None)
    return iso() if callable(iso) else str(value)


def _print(found: ProcessSummary) -> None:
    known = "now" if found.as_of is None else found.as_of.isoformat()
    true_at = "" if found.valid_at is None else f", true at {found.valid_at.isoformat()}"
    console.print(f"[bold]{found.name}[/bold] ({found.process_id}), as of {known}{true_at}")
    table = Table("figure", "value")
    table.add_row("phase", found.phase.value)
    table.add_row("ballot", found.ballot_state)
    table.add_row("pot", "" if found.pot is None else f"{found.pot.amount} {found.currency}")
    for name in (
        "ideas_submitted",
        "proposals",
        "shortlisted",
        "ballots_cast",
        "projects_funded",
        "projects_completed",
    ):
        table.add_row(name.replace("_", " "), str(getattr(found, name)))
    for status, count in found.decisions:
        table.add_row(f"decisions: {status}", str(count))
    console.print(table)
    if found.tallies is not None:
        tallies = Table("proposal", "approvals", "points", "supporters")
        for t in found.tallies:
            tallies.add_row(
                str(t.proposal_id), *(_count(v) for v in (t.approvals, t.points, t.supporters))
            )
        console.print(tallies)


def _count(value: int | None) -> str:
    return "" if value is None else str(value)
