"""``coprod tenders list PROCESS`` and ``coprod tenders show TENDER``: co-commissioning at a glance.

Both read the commissioning read model (kept by the server's worker, or ``coprod project
--once``), as the HTTP routes do: bids stay sealed until opened and counts of people below
the process's k are hidden, unless ``--full`` asks for what the council's officers see (the
operator running the CLI is the system). ``--format json`` prints the same document as
``GET /api/v1/tenders/{id}``.
"""

from __future__ import annotations

import json
import sys
from typing import Annotated
from uuid import UUID

import typer
from rich.console import Console
from rich.table import Table

from api.cli.files import TableOrJson
from api.http.routes.commissioning_views import detail_of
from coprod.adapters.config import settings_from_env
from coprod.domain.errors import InvalidInput, NotFound
from projections.commissioning import TenderView, tender_view, tenders_of
from projections.store import Connection

__all__ = ["tenders_app"]

tenders_app = typer.Typer(no_args_is_help=True)


def _uuid(field: str, text: str) -> UUID:
    try:
        return UUID(text)
    except ValueError:
        raise InvalidInput(field, f"{text!r} is not an id (a UUID)") from None


@tenders_app.command("list")
def list_tenders(process: Annotated[str, typer.Argument(help="The process id.")]) -> None:
    """The process's tenders and where each stands."""
    with Connection(settings_from_env()) as conn:
        found = tenders_of(conn, _uuid("process", process))
    table = Table("tender", "code", "title", "need", "deadline", "stage")
    for t in found:
        table.add_row(str(t.id), t.code, t.title, t.need_title, t.deadline.isoformat(), t.stage)
    Console(soft_wrap=False).print(table)
    if not found:
        print("No tenders in this process (yet: run `coprod project --once` if one was just made).")


@tenders_app.command("show")
def show_tender(
    tender: Annotated[str, typer.Argument(help="The tender id.")],
    output_format: Annotated[TableOrJson, typer.Option("--format", help="table or json.")] = (
        TableOrJson.TABLE
    ),
    full: Annotated[
        bool, typer.Option("--full", help="Also the members' scores and uncensored counts.")
    ] = False,
) -> None:
    """A tender's need, panel, bids (once opened), award with its ranking, and contract."""
    tender_id = _uuid("tender", tender)
    with Connection(settings_from_env()) as conn:
        view = tender_view(conn, tender_id, full=full)
    if view is None:
        raise NotFound("tender", tender_id)
    if output_format is TableOrJson.JSON:
        document = detail_of(view).model_dump(mode="json")
        sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
        return
    _print(view)


def _count(value: int | None) -> str:
    return "hidden (< k)" if value is None else str(value)


def _print(view: TenderView) -> None:
    console = Console(soft_wrap=False)
    console.print(f"[bold]{view.title}[/bold] ({view.code}): {view.stage}")
    console.print(f"Need: {view.need.title}; deadline {view.deadline.isoformat()}")
    for code, held_on, people, _outputs in view.need.participation:
        groups = ", ".join(f"{g} {_count(n)}" for g, n in people.items())
        console.print(f"  {code or 'defined'} {held_on.isoformat()}: {groups}")
    panel = ", ".join(f"{role} {_count(n)}" for role, n in view.panel.items()) or "none yet"
    console.print(f"Panel: {panel}; {view.panel_declared} declared conflicts (k = {view.k})")
    if not view.opened:
        console.print("Bids: sealed until the deadline and the opening.")
        return
    bids = Table("bidder", "lot", "price")
    for b in view.bids:
        bids.add_row(b.bidder, b.lot_code, f"{b.price} {view.currency}")
    console.print(bids)
    for a in view.awards:
        follows = "follows the ranking" if a.followed_ranking else "departs from the ranking"
        console.print(f"Lot {a.lot_code} awarded {a.decided_on} to {a.bidder} ({follows}).")
        for place, bidder, total in a.ranking:
            console.print(f"  {place}. {bidder}: {total} of 100")
        if a.departure_reason:
            console.print(f"  Reasons: {a.departure_reason}")
    for c in view.contracts:
        console.print(
            f"Contract for lot {c.lot_code}: {c.value} {view.currency}, "
            f"{c.starts_on}..{c.ends_on}, project {c.project_id}"
        )
