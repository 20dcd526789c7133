"""``coprod verify``: recompute the event chain over the whole log and name the first broken link.

Wired into the main CLI by api/cli/main.py (``cli.command("verify")(verify)``). Intact: exit 0 and
the head hash on stdout (compare it with a release's or an export's). Broken: exit 1 and one
line on stderr naming the event (notification id, originator, version, topic). The log is read
page by page; on a long log the count checked so far is printed on stderr. The chain itself is
described in :mod:`coprod.adapters.chain`; an offline check of an export is docs/verify_chain.py.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Annotated

import typer
from rich.console import Console

from coprod.adapters.chain import Verdict
from coprod.adapters.chain import verify as verify_chain
from coprod.adapters.config import settings_from_env
from coprod.application import Coprod
from coprod.domain.errors import CoprodError

errors = Console(stderr=True)
#: Logs longer than this get progress lines on stderr.
PROGRESS_FROM = 50_000


def verify(
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the verdict as one JSON object.")
    ] = False,
) -> None:
    """Check that no stored event was changed, deleted or reordered (tamper-evident history)."""
    settings = settings_from_env()
    try:
        with Coprod(settings) as app:
            total = app.recorder.max_notification_id() or 0
            verdict = verify_chain(app, progress=_progress(total))
    except CoprodError as e:
        errors.print(f"[red]error:[/red] {e}", soft_wrap=True)
        raise typer.Exit(2) from None
    if as_json:
        sys.stdout.write(json.dumps(_as_dict(verdict, settings.display)) + "\n")
    if not verdict.intact:
        if not as_json:
            errors.print(
                f"[red]{verdict.broken}[/red] in {settings.display}; the chain holds up to "
                f"event {verdict.head.position}",
                soft_wrap=True,
            )
        raise typer.Exit(1)
    if not as_json:
        _print_intact(verdict, settings.display)


def _progress(total: int) -> Callable[[int], None] | None:
    if total < PROGRESS_FROM:
        return None
    return lambda done: errors.print(f"verified {done} of about {total} events", soft_wrap=True)


def _print_intact(verdict: Verdict, store: str) -> None:
    if verdict.unlinked:
        errors.print(
            f"no chain stored yet in {store}: its {verdict.unlinked} events were recorded "
            "before coprod kept one; the next write links them from this head",
            soft_wrap=True,
        )
    else:
        errors.print(f"intact: {verdict.events} events in {store}", soft_wrap=True)
    sys.stdout.write(f"{verdict.head.hash} {verdict.head.position}\n")


def _as_dict(verdict: Verdict, store: str) -> dict[str, object]:
    return {
        "store": store,
        "intact": verdict.intact,
        "events": verdict.events,
        "head": verdict.head.hash,
        "position": verdict.head.position,
        "broken": verdict.broken,
        "unlinked": verdict.unlinked,
    }
