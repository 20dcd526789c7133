"""``coprod export dataset DIR [--format csv|parquet|both]``: the evaluator's dataset.

One tidy table per entity, a data dictionary and a manifest with the hash-chain head
(:mod:`projections.dataset`); progress on stderr while the log streams past.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from coprod.adapters.config import settings_from_env
from projections.dataset import export_dataset

__all__ = ["register"]

errors = Console(stderr=True)


def export_dataset_command(
    directory: Annotated[Path, typer.Argument(help="A new or empty folder to write into.")],
    fmt: Annotated[
        str, typer.Option("--format", help="csv, parquet or both (the default).")
    ] = "both",
) -> None:
    """The evaluator's dataset: a tidy table per entity, its data dictionary and manifest."""
    with Progress(
        TextColumn("reading the log"),
        BarColumn(),
        MofNCompleteColumn(),
        console=errors,
        transient=True,
    ) as bar:
        task = bar.add_task("log", total=None)
        manifest = export_dataset(
            directory,
            fmt,
            settings_from_env(),
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )
    rows = ", ".join(f"{n} {t['rows']}" for n, t in manifest["tables"].items())
    errors.print(
        f"wrote {directory} (log position {manifest['log_position']}, chain head "
        f"{manifest['chain_head']['hash'][:12]}…): {rows}"
    )


def register(export_app: typer.Typer) -> None:
    """Add ``dataset`` to ``coprod export``."""
    export_app.command("dataset")(export_dataset_command)
