"""``coprod export dataset DIR``: the evaluator's dataset, streamed from the log.

One pass over the log (in pages, never whole in memory): ballots and their choices are
written in chunks as they stream past, since they are the bulk of a log; the other entities
are rebuilt as aggregates in memory (a few per proposal or project) and written at the end.
Each table goes to CSV (UTF-8, header row) and/or Parquet, with a data dictionary and a
manifest (log position, hash-chain head, rows and SHA-256 per file). The folder appears
whole or not at all: written beside it, then renamed into place.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import shutil
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from eventsourcing.utils import get_topic

from coprod.adapters.chain import chain_head
from coprod.adapters.config import StoreSettings, settings_from_env
from coprod.application import Coprod
from coprod.domain.ballot import Ballot
from coprod.domain.errors import InvalidInput
from projections.dataset.columns import TABLES, Table
from projections.dataset.rows import AGGREGATE_ROWS, stored_ballot_rows
from projections.kernel.handlers import events_of

__all__ = ["FORMATS", "export_dataset"]

FORMATS = ("csv", "parquet", "both")
PAGE = 5_000
CHUNK = 50_000
#: Called as (done, total) log positions while the log streams past.
Progress = Callable[[int, int], None]

_BALLOT = get_topic(Ballot.BallotCast)
_TOPICS = tuple(
    sorted({_BALLOT} | {get_topic(e) for cls in AGGREGATE_ROWS for e in events_of(cls)})
)
_ARROW = {
    "string": pa.string(),
    "Int64": pa.int64(),
    "Float64": pa.float64(),
    "datetime64[ns, UTC]": pa.timestamp("us", tz="UTC"),
}


class _Sink:
    """One table's files, appended a chunk at a time."""

    def __init__(self, table: Table, folder: Path, fmt: str) -> None:
        self.table = table
        self.names = [c.name for c in table.columns]
        self.schema = pa.schema([(c.name, _ARROW[c.dtype]) for c in table.columns])
        self.csv = folder / f"{table.name}.csv" if fmt in ("csv", "both") else None
        self.parquet = folder / f"{table.name}.parquet" if fmt in ("parquet", "both") else None
        self.writer = None if self.parquet is None else pq.ParquetWriter(self.parquet, self.schema)
        self.rows: list[dict[str, Any]] = []
        self.count = 0
        if self.csv is not None:
            pd.DataFrame(columns=self.names).to_csv(self.csv, index=False)

    def add(self, row: dict[str, Any]) -> None:
        self.rows.append(row)
        if len(self.rows) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        frame = pd.DataFrame(self.rows, columns=self.names)
        if self.csv is not None:
            frame.to_csv(
                self.csv, mode="a", header=False, index=False, date_format="%Y-%m-%dT%H:%M:%S.%fZ"
            )
        if self.writer is not None:
            self.writer.write_table(
                pa.Table.from_pandas(frame, schema=self.schema, preserve_index=False)
            )
        self.count += len(self.rows)
        self.rows = []

    def close(self) -> list[Path]:
        self.flush()
        if self.writer is not None:
            self.writer.close()
        return [p for p in (self.csv, self.parquet) if p is not None]


def export_dataset(
    directory: Path | str,
    fmt: str = "both",
    settings: StoreSettings | None = None,
    *,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Write the dataset into `directory` (new or empty); returns its manifest."""
    if fmt not in FORMATS:
        raise InvalidInput("format", f"{fmt!r}: choose one of {', '.join(FORMATS)}")
    target = Path(directory)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise InvalidInput("directory", f"{target} is not an empty folder; give a new one")
    if not target.parent.is_dir():
        raise InvalidInput("directory", f"folder {target.parent} does not exist")
    partial = target.parent / f".{target.name}.{uuid.uuid4().hex[:8]}.partial"
    partial.mkdir()
    try:
        with Coprod(settings or settings_from_env()) as app:
            manifest = _write(app, partial, fmt, progress)
        if target.exists():
            target.rmdir()
        partial.rename(target)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return manifest


def _write(app: Coprod, folder: Path, fmt: str, progress: Progress | None) -> dict[str, Any]:
    stop = app.recorder.max_notification_id() or 0
    sinks = {t.name: _Sink(t, folder, fmt) for t in TABLES}
    kept: dict[Any, Any] = {}
    start = 1
    while start <= stop:
        page = app.recorder.select_notifications(start, PAGE, stop=stop, topics=_TOPICS)
        if not page:
            break
        for notification in page:
            if notification.topic == _BALLOT:
                for name, row in stored_ballot_rows(notification, app.mapper):
                    sinks[name].add(row)
                continue
            event: Any = app.mapper.to_domain_event(notification)
            kept[event.originator_id] = event.mutate(kept.get(event.originator_id))
        start = page[-1].id + 1
        if progress is not None:
            progress(page[-1].id, stop)
    for aggregate in kept.values():
        for name, row in AGGREGATE_ROWS[type(aggregate)](aggregate):
            sinks[name].add(row)
    files = {name: sink.close() for name, sink in sinks.items()}
    _dictionary(folder)
    return _manifest(app, folder, stop, sinks, files)


def _dictionary(folder: Path) -> None:
    rows = [
        {
            "table": t.name,
            "row": t.row,
            "column": c.name,
            "dtype": c.dtype,
            "meaning": c.meaning,
            "unit_or_codes": c.unit,
        }
        for t in TABLES
        for c in t.columns
    ]
    pd.DataFrame(rows).to_csv(folder / "data_dictionary.csv", index=False)
    (folder / "data_dictionary.json").write_text(json.dumps(rows, indent=2, ensure_ascii=False))


def _manifest(
    app: Coprod, folder: Path, stop: int, sinks: dict[str, _Sink], files: dict[str, list[Path]]
) -> dict[str, Any]:
    head = chain_head(app, stop)
    manifest = {
        "coprod_version": importlib.metadata.version("coprod"),
        "written_at": datetime.now(UTC).isoformat(),
        "log_position": stop,
        "chain_head": {"position": head.position, "hash": head.hash},
        "id_format": "UUID, 36 characters, lower case, with hyphens",
        "tables": {
            name: {
                "rows": sinks[name].count,
                "files": {p.name: _sha256(p) for p in paths},
            }
            for name, paths in files.items()
        },
        "dictionary": ["data_dictionary.csv", "data_dictionary.json"],
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2))
    return manifest


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
