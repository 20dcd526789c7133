"""``coprod export csv|parquet DIR``: the event log and every read model, with a data dictionary.

An evaluator gets one folder that explains itself: a file per table, a data dictionary
(file, column, type, meaning) and a manifest saying which log position the files reflect,
how many rows each holds and which coprod wrote them, so a figure can be reproduced later.

The folder appears whole or not at all: everything is written into a hidden sibling
directory that is renamed into place at the end, so a failed export (a full disk, a store
that went away) leaves no half folder that could be mistaken for data. A non-empty target
is refused rather than mixed with older files.
"""

from __future__ import annotations

import csv
import importlib.metadata
import inspect
import json
import shutil
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from eventsourcing.utils import get_topic

from coprod.adapters.config import StoreSettings, settings_from_env
from coprod.application import Coprod
from coprod.domain.catalogue import declared_doc, event_classes, event_fields
from coprod.domain.errors import InvalidInput
from projections.analytics import (
    EVENT_COLUMNS,
    EventSelection,
    ModelFrames,
    iter_event_chunks,
    read_models,
)
from projections.chain_export import chain_dictionary_rows, write_chain
from projections.store import Connection

FORMATS = ("csv", "parquet")
UNDOCUMENTED = "(undocumented)"
DICTIONARY = "data_dictionary"
MANIFEST = "manifest.json"

#: Called as (stage, done, total): "events" and "chain" count log positions, "read models" tables.
Progress = Callable[[str, int, int], None]


def export(
    directory: Path | str,
    fmt: str,
    settings: StoreSettings | None = None,
    *,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Write the whole export into `directory` (new or empty); returns the manifest.

    Raises InvalidInput, before writing anything, for an unknown format, a non-empty target
    or a missing parent folder, and NotFound for a read model never projected.
    """
    if fmt not in FORMATS:
        raise InvalidInput("format", f"{fmt!r} is not one of {', '.join(FORMATS)}")
    target = Path(directory).expanduser().absolute()
    _check_target(target)
    settings = settings or settings_from_env()
    report = progress or (lambda stage, done, total: None)
    # A hidden sibling, so the final rename stays on one file system (and is atomic).
    staging = target.parent / f".{target.name}.{uuid.uuid4().hex[:12]}.partial"
    staging.mkdir()
    try:
        manifest = _write_all(staging, fmt, settings, report)
        _check_target(target)
        if target.exists():
            target.rmdir()
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return manifest


def _check_target(target: Path) -> None:
    if target.exists() and not target.is_dir():
        raise InvalidInput("directory", f"{target} is a file; export into a new or empty folder")
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise InvalidInput("directory", f"{target} is not empty; export into a new or empty folder")
    if not target.parent.is_dir():
        raise InvalidInput("directory", f"folder {target.parent} does not exist")


def _write_all(
    staging: Path, fmt: str, settings: StoreSettings, report: Progress
) -> dict[str, Any]:
    with Coprod(settings) as app, Connection(settings) as conn:
        # Read models first: their tables and positions come from one snapshot, and the
        # log read afterwards certainly holds every event they reflect.
        models = read_models(conn)
        log_position = app.recorder.max_notification_id() or 0
        events_file = f"events.{fmt}"
        report("events", 0, log_position)
        chunks = iter_event_chunks(
            app,
            select=EventSelection(stop=log_position or None),
            progress=lambda done: report("events", done, log_position),
        )
        event_rows = _write_chunks(staging / events_file, fmt, chunks)
        # The tamper-evident chain over the same events, with its head (coprod.adapters.chain).
        chain_file, chain = write_chain(
            staging, fmt, app, log_position, lambda done: report("chain", done, log_position)
        )
    files: list[dict[str, Any]] = [
        {"file": events_file, "table": "events", "rows": event_rows},
        chain_file,
    ]
    tables = [t for m in models for t in m.tables]
    for done, table in enumerate(tables, start=1):
        name = f"{table.name}.{fmt}"
        _write_chunks(staging / name, fmt, iter([table.frame]))
        files.append({"file": name, "table": table.name, "rows": len(table.frame)})
        report("read models", done, len(tables))
    rows = dictionary_rows(fmt, models) + chain_dictionary_rows(fmt)
    _write_dictionary(staging, rows)
    manifest = {
        "coprod_version": importlib.metadata.version("coprod"),
        "exported_at": datetime.now(UTC).isoformat(),
        "format": fmt,
        "store": settings.display,
        "log_position": log_position,
        "chain": chain,
        "read_models": [
            {"model": m.key, "generation": m.generation, "position": m.position} for m in models
        ],
        "files": files,
        "data_dictionary": [f"{DICTIONARY}.csv", f"{DICTIONARY}.md"],
    }
    (staging / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def _write_chunks(path: Path, fmt: str, chunks: Any) -> int:
    """Stream DataFrame chunks into one file; returns the rows written."""
    rows = 0
    if fmt == "csv":
        for i, chunk in enumerate(chunks):
            chunk.to_csv(path, mode="w" if i == 0 else "a", header=i == 0, index=False)
            rows += len(chunk)
        return rows
    import pyarrow as pa
    import pyarrow.parquet as pq

    writer: pq.ParquetWriter | None = None
    try:
        for chunk in chunks:
            table = pa.Table.from_pandas(
                chunk, schema=None if writer is None else writer.schema, preserve_index=False
            )
            if writer is None:
                writer = pq.ParquetWriter(path, table.schema)
            writer.write_table(table)
            rows += len(chunk)
    finally:
        if writer is not None:
            writer.close()
    return rows


# -- the data dictionary ----------------------------------------------------------------------------


def dictionary_rows(fmt: str, models: list[ModelFrames]) -> list[dict[str, str]]:
    """file, column, type, meaning: for the events, every event type's payload, every table."""
    events_file = f"events.{fmt}"
    rows = [
        {"file": events_file, "column": name, "type": kind, "meaning": meaning}
        for name, (kind, meaning) in EVENT_COLUMNS.items()
    ]
    for event_cls in event_classes():
        qualname = event_cls.__qualname__
        doc = declared_doc(event_cls)
        summary = inspect.cleandoc(doc).split("\n\n")[0].replace("\n", " ") if doc else ""
        version = getattr(event_cls, "class_version", 1)
        rows.append(
            {
                "file": events_file,
                "column": f"payload[{qualname}]",
                "type": "JSON object",
                "meaning": f"{summary or UNDOCUMENTED} (topic {get_topic(event_cls)}, "
                f"version {version})",
            }
        )
        for field, type_name in event_fields(event_cls).items():
            if field == "actor":
                continue
            rows.append(
                {
                    "file": events_file,
                    "column": f"payload[{qualname}].{field}",
                    "type": type_name,
                    "meaning": f"`{field}` as recorded by {qualname}: see payload[{qualname}]",
                }
            )
    for model in models:
        documented = model.model.dictionary
        for table in model.tables:
            meanings = documented.get(table.suffix, {})
            for column, kind in table.types.items():
                rows.append(
                    {
                        "file": f"{table.name}.{fmt}",
                        "column": column,
                        "type": kind,
                        "meaning": meanings.get(column, UNDOCUMENTED),
                    }
                )
    return rows


def _write_dictionary(staging: Path, rows: list[dict[str, str]]) -> None:
    with (staging / f"{DICTIONARY}.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["file", "column", "type", "meaning"])
        writer.writeheader()
        writer.writerows(rows)
    lines = [
        "# Data dictionary",
        "",
        "Every column of every file in this export. Event payloads are JSON objects whose",
        "fields depend on the event type; each type and its fields are listed below.",
    ]
    current = None
    for row in rows:
        if row["file"] != current:
            current = row["file"]
            lines += ["", f"## {current}", "", "| column | type | meaning |", "|---|---|---|"]
        cells = [row["column"], row["type"], row["meaning"]]
        lines.append("| " + " | ".join(_md(c) for c in cells) + " |")
    (staging / f"{DICTIONARY}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def read_dictionary(directory: Path | str) -> pd.DataFrame:
    """An export's data dictionary, for checking or for typing a CSV read-back."""
    return pd.read_csv(Path(directory) / f"{DICTIONARY}.csv", dtype=str, keep_default_na=False)
