"""``coprod project``: run the read-model projector as a worker, once, or rebuild a read model.

Without options it follows the log until Ctrl-C or SIGTERM (the worker process of a
PostgreSQL deployment); a stop lets the current batch commit or roll back, never half.

An event a read model cannot apply is quarantined, never a reason to stop (see
:mod:`projections.quarantine`): ``--status`` lists those events, ``--retry-quarantined``
re-applies them after a fix. Every other failure of a catch-up, rebuild or retry prints one
line on stderr and exits 1 (a rebuild resumes where it stopped when run again); a refusal
(an unknown read model, the store unreachable) is the CLI's usual one line with exit 2.
"""

from __future__ import annotations

import signal
import threading
import time
from types import FrameType
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from api.http.heap import freeze_startup_heap
from coprod.adapters.config import settings_from_env
from coprod.domain.errors import CoprodError
from projections.quarantine import clean_text
from projections.registry import Projector

project_app = typer.Typer(
    help="Keep the read models up to date (worker), catch up once, rebuild, or show health.",
    add_completion=False,
)
console = Console()
errors = Console(stderr=True)


@project_app.callback(invoke_without_command=True)
def project(
    once: Annotated[
        bool, typer.Option("--once", help="Catch up every read model, print counts, exit.")
    ] = False,
    rebuild: Annotated[
        str | None,
        typer.Option(
            "--rebuild",
            metavar="NAME[,NAME...]|all",
            help="Rebuild these read models beside the old ones, in one pass over the log.",
        ),
    ] = None,
    status: Annotated[
        bool,
        typer.Option(
            "--status", help="Print position and lag of every read model, and quarantined events."
        ),
    ] = False,
    retry_quarantined: Annotated[
        bool,
        typer.Option(
            "--retry-quarantined",
            help="Re-apply quarantined events (after a fix): by a rebuild of each read model "
            "that has any; those that still fail stay quarantined.",
        ),
    ] = False,
    batch_size: Annotated[
        int, typer.Option(help="Events per transaction when catching up.", min=1)
    ] = 2_000,
    poll_interval: Annotated[
        float, typer.Option(help="Seconds between polls when caught up.", min=0.001)
    ] = 0.05,
) -> None:
    """Project the event log into the read models."""
    settings = settings_from_env()
    try:
        with Projector(settings=settings, batch_size=batch_size) as projector:
            _dispatch(projector, once, rebuild, status, retry_quarantined, poll_interval)
    except (typer.Exit, typer.Abort, KeyboardInterrupt, CoprodError):
        raise  # a refusal (unknown read model, store down): one line from api.cli.main.main
    except Exception as e:
        errors.print(
            f"[red]error:[/red] the projection stopped: {type(e).__name__}: "
            f"{clean_text(e, 500)}. What was applied is committed with its position; "
            "run the command again to resume.",
            soft_wrap=True,
        )
        raise typer.Exit(1) from None


def _dispatch(
    projector: Projector,
    once: bool,
    rebuild: str | None,
    status: bool,
    retry_quarantined: bool,
    poll_interval: float,
) -> None:
    settings = projector.settings
    if status:
        _print_status(projector)
    elif retry_quarantined:
        _retry(projector)
    elif rebuild is not None:
        names = None if rebuild == "all" else [n.strip() for n in rebuild.split(",")]
        started = time.perf_counter()
        rebuilt = projector.rebuild_many(names)
        elapsed = time.perf_counter() - started
        events = max(s.events for s in rebuilt)
        for stats in rebuilt:
            console.print(
                f"rebuilt {stats.model} as generation {stats.generation}"
                + (f"; {stats.quarantined} event(s) quarantined" if stats.quarantined else "")
            )
        console.print(
            f"{events} events in {elapsed:.1f} s "
            f"({events / elapsed if elapsed else 0:,.0f} events/s for "
            f"{len(rebuilt)} read model{'s' if len(rebuilt) > 1 else ''}); "
            "readers switched, the old generations were dropped."
        )
    elif once:
        started = time.perf_counter()
        results = projector.catch_up()
        elapsed = time.perf_counter() - started
        table = Table(title=f"Read models in {settings.display}")
        columns = ("read model", "generation", "events applied", "position", "events/s")
        for column in (*columns, "quarantined"):
            table.add_column(column, justify="left" if column == "read model" else "right")
        for s in results:
            table.add_row(
                s.model,
                str(s.generation),
                str(s.events),
                str(s.position),
                f"{s.events_per_second:,.0f}",
                str(s.quarantined),
            )
        console.print(table)
        console.print(f"caught up in {elapsed:.2f} s")
    else:
        _run(projector, poll_interval)


def _run(projector: Projector, poll_interval: float) -> None:
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = signal.signal(signal.SIGTERM, on_signal)
    freeze_startup_heap()
    console.print(
        f"projecting {', '.join(projector.model_names)} from {projector.settings.display}; "
        "Ctrl-C or SIGTERM stops"
    )
    try:
        projector.run_forever(stop, poll_interval)
    except KeyboardInterrupt:
        stop.set()
    finally:
        signal.signal(signal.SIGTERM, previous)
    console.print("stopped; every applied batch is committed with its position")


def _print_status(projector: Projector) -> None:
    table = Table(title=f"Read-model health in {projector.settings.display}")
    columns = ("read model", "generation", "position", "log max", "lag events", "lag s")
    for column in (*columns, "quarantined"):
        table.add_column(column, justify="left" if column == "read model" else "right")
    for h in projector.health():
        table.add_row(
            h.model,
            str(h.generation),
            str(h.position),
            str(h.max_notification_id),
            str(h.lag_events),
            f"{h.lag_seconds:.1f}",
            str(h.quarantined),
        )
    console.print(table)
    quarantined = projector.quarantined(include_building=True)
    if not quarantined:
        console.print("no quarantined events")
        return
    listing = Table(title="Quarantined events (not in the read model; see --retry-quarantined)")
    for column in ("read model", "generation", "position", "topic", "originator", "error"):
        listing.add_column(column, justify="right" if column == "position" else "left")
    for q in quarantined:
        listing.add_row(
            q.model,
            f"{q.generation}{'' if q.active else ' (rebuilding)'}",
            str(q.notification_id),
            q.topic,
            f"{q.originator_id} v{q.originator_version}",
            f"{q.error_class.rsplit('.', 1)[-1]}: {q.error_message}",
        )
    console.print(listing)


def _retry(projector: Projector) -> None:
    results = projector.retry_quarantined()
    if not results:
        console.print("no quarantined events")
        return
    for r in results:
        console.print(
            f"{r.model}: {r.retried} quarantined event(s) re-applied by a rebuild; "
            f"{r.applied} now applied, {r.still_quarantined} still quarantined"
        )
