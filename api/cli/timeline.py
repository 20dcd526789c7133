"""``coprod timeline PROJECT [--as-of T] [--valid-at D] [--format table|json]``: the audit trail of one item.

Wired into the main CLI by api/cli/main.py (``cli.command("timeline")(timeline)``). PROJECT may be
a project id or the id of its idea/proposal or decision: all give the same story. The command
reads the timeline read model only; when it does not exist yet the error says to run
``coprod project --once``. Refusals are one line on stderr and exit code 2.
``--format json`` is :meth:`Timeline.to_dict` (evaluator view: pseudonymous actor ids kept).
``--public`` prints what the public sees: no actor ids, no head count of any contribution log;
head-counts only as the totals of the latest release (both views print those).
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from typing import Annotated
from uuid import UUID

import typer
from rich.console import Console
from rich.table import Table

from api.cli.errors import fail
from api.cli.files import TableOrJson, ValidAtOption, as_of_moment, valid_at_moment
from coprod.adapters.config import settings_from_env
from coprod.application import Coprod
from coprod.domain.errors import CoprodError, InvalidInput, NotFound
from coprod.domain.release import latest_at
from projections.releases import community_totals
from projections.timeline import (
    PUBLIC_DROPPED_CHANGES,
    Timeline,
    TimelineEntry,
    project_timeline,
)

errors = Console(stderr=True)


def timeline(
    project: Annotated[
        str, typer.Argument(help="A project id, or the id of its idea/proposal or decision.")
    ],
    as_of: Annotated[
        str | None,
        typer.Option(help="The timeline as it stood at this time (ISO 8601 with a UTC offset)."),
    ] = None,
    valid_at: ValidAtOption = None,
    output_format: Annotated[
        TableOrJson, typer.Option("--format", help="table, or json (every field).")
    ] = TableOrJson.TABLE,
    public: Annotated[
        bool, typer.Option("--public", help="What the public sees (no ids, no per-log counts).")
    ] = False,
) -> None:
    """The story of one project from idea to outcomes: who did what, when, why, what changed."""
    try:
        moment = as_of_moment(as_of)
        result = project_timeline(
            _uuid(project),
            moment,
            valid_at=valid_at_moment(valid_at),
            settings=settings_from_env(),
        )
        community = _community(result, moment)
    except CoprodError as e:
        fail(e)
    if output_format is TableOrJson.JSON:
        document = {**result.to_dict(public=public), "community": community}
        sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    else:
        _print(result, public)
        _print_community(community)


def _community(result: Timeline, as_of: datetime | None) -> dict[str, object] | None:
    """Contribution head-counts from the latest release at or before `as_of`, if any."""
    with Coprod(settings_from_env()) as app:
        try:
            release = latest_at(result.process_id, app.releases(result.process_id), as_of)
        except NotFound:
            return None
    return {
        "release": release.number,
        **community_totals(json.loads(release.figures), result.subject_id),
    }


def _print_community(community: dict[str, object] | None) -> None:
    if community is None:
        print("Contribution head-counts: none published yet (no release of the process).")
        return
    print(f"Contribution head-counts from release {community['release']}:")
    print(json.dumps({k: v for k, v in community.items() if k != "release"}, ensure_ascii=False))


def _uuid(text: str) -> UUID:
    try:
        return UUID(text)
    except ValueError:
        raise InvalidInput("project", f"{text!r} is not an id (a UUID)") from None


def _short(value: object) -> str:
    """The first 8 hex digits: enough to tell ids apart on screen (json has them in full)."""
    return str(value)[:8]


def _clip(text: str | None, width: int = 60) -> str:
    """Long texts (an amended description) are cut on screen; json has them whole."""
    if text is None:
        return "(none)"
    return text if len(text) <= width else text[: width - 1] + "…"


def _changes(entry: TimelineEntry, public: bool = False) -> str:
    parts = []
    for change in entry.changes:
        if public and change.field in PUBLIC_DROPPED_CHANGES:
            continue
        if change.before is None:
            continue  # a first value is already in the summary
        parts.append(f"{change.field}: {_clip(change.before)} -> {_clip(change.after)}")
    return "; ".join(parts)


def _print(result: Timeline, public: bool = False) -> None:
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
        shown = entry.to_dict(public=public)
        table.add_row(
            str(entry.position),
            entry.at.strftime("%Y-%m-%d %H:%M:%S"),
            entry.stage,
            str(shown["summary"]),
            by,
            entry.reason or "",
            _changes(entry, public),
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
