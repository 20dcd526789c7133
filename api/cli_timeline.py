"""``coprod timeline PROJECT [--as-of T] [--format table|json]``: the audit trail of one item.

Wired into the main CLI by api/cli.py (``cli.command("timeline")(timeline)``). PROJECT may be
a project id or the id of its idea/proposal or decision: all give the same story. The command
reads the timeline read model only; when it does not exist yet the error says to run
``coprod project --once``. Refusals are one line on stderr and exit code 2.
``--format json`` is :meth:`Timeline.to_dict` (evaluator view: pseudonymous actor ids kept).
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from enum import StrEnum
from typing import Annotated
from uuid import UUID

import typer
from rich.console import Console
from rich.table import Table

from api.cli_errors import fail
from coprod.config import settings_from_env
from coprod.errors import CoprodError, InvalidInput
from projections.timeline import Timeline, TimelineEntry, project_timeline

errors = Console(stderr=True)


class TimelineFormat(StrEnum):
    TABLE = "table"
    JSON = "json"


def timeline(
    project: Annotated[
        str, typer.Argument(help="A project id, or the id of its idea/proposal or decision.")
    ],
    as_of: Annotated[
        str | None,
        typer.Option(help="The timeline as it stood at this time (ISO 8601 with a UTC offset)."),
    ] = None,
    output_format: Annotated[
        TimelineFormat, typer.Option("--format", help="table, or json (every field).")
    ] = TimelineFormat.TABLE,
) -> None:
    """The story of one project from idea to outcomes: who did what, when, why, what changed."""
    try:
        result = project_timeline(_uuid(project), _moment(as_of), settings=settings_from_env())
    except CoprodError as e:
        fail(e)
    if output_format is TimelineFormat.JSON:
        sys.stdout.write(json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n")
    else:
        _print(result)


def _uuid(text: str) -> UUID:
    try:
        return UUID(text)
    except ValueError:
        raise InvalidInput("project", f"{text!r} is not an id (a UUID)") from None


def _moment(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput("as_of", f"{text!r} is not an ISO 8601 time") from None
    if moment.tzinfo is None:
        raise InvalidInput("as_of", "give a UTC offset, e.g. 2026-05-01T12:00:00+00:00")
    return moment


def _short(value: object) -> str:
    """The first 8 hex digits: enough to tell ids apart on screen (json has them in full)."""
    return str(value)[:8]


def _clip(text: str | None, width: int = 60) -> str:
    """Long texts (an amended description) are cut on screen; json has them whole."""
    if text is None:
        return "(none)"
    return text if len(text) <= width else text[: width - 1] + "…"


def _changes(entry: TimelineEntry) -> str:
    parts = []
    for change in entry.changes:
        if change.before is None:
            continue  # a first value is already in the summary
        parts.append(f"{change.field}: {_clip(change.before)} -> {_clip(change.after)}")
    return "; ".join(parts)


def _print(result: Timeline) -> None:
    console = Console(soft_wrap=False)
    when = "now" if result.as_of is None else result.as_of.isoformat()
    console.print(
        f"[bold]Timeline of {result.subject_id}[/bold] as of {when}: process "
        f"{result.process_id}, project {result.project_id or 'none'}, "
        f"{len(result.entries)} events"
    )
    if len(result.chain_ids) > 1:
        merged = ", ".join(str(c) for c in result.chain_ids[1:])
        console.print(f"Ideas merged into it: {merged}")
    table = Table(show_lines=False)
    table.add_column("pos", justify="right")
    table.add_column("when (UTC)")
    table.add_column("stage")
    table.add_column("what happened")
    table.add_column("by")
    table.add_column("why")
    table.add_column("changed (before -> after)")
    table.add_column("corrects")
    for entry in result.entries:
        by = entry.actor_role
        if entry.actor_organisation_id is not None:
            by += f" @{_short(entry.actor_organisation_id)}"
        corrects = "" if entry.corrects is None else f"#{entry.corrects}"
        if entry.corrected_by:
            corrects += (
                (" " if corrects else "")
                + "corrected by "
                + ", ".join(f"#{n}" for n in entry.corrected_by)
            )
        table.add_row(
            str(entry.position),
            entry.at.strftime("%Y-%m-%d %H:%M:%S"),
            entry.stage,
            entry.summary,
            by,
            entry.reason or "",
            _changes(entry),
            corrects,
        )
    console.print(table)
    for tally in result.tally or ():
        measures = [
            f"{name} {value}"
            for name, value in (
                ("approvals", tally.approvals),
                ("points", tally.points),
                ("supporters", tally.supporters),
            )
            if value is not None
        ]
        measures += [f"rank {p}: {n}" for p, n in tally.rank_positions]
        console.print(f"Ballot result for {tally.proposal_id}: {', '.join(measures)}")
