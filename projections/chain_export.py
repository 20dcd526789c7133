"""The event chain in an export: ``event_chain.csv|parquet`` and the head in the manifest.

One row per event, in log order: the inputs of its hash exactly as stored (notification id,
originator id, version, topic, the state bytes in base64) and its stored link (hex). With the
manifest's genesis and head, an evaluator recomputes the chain without coprod:
docs/verify_chain.py does it with the standard library (and pyarrow for Parquet). A link the
store lacks (only in a store recorded before the chain existed) is computed while exporting.
The ``position`` column joins the file to ``events.csv|parquet``.
"""

from __future__ import annotations

import base64
import csv
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from coprod.adapters.chain import GENESIS, PAGE, chain_head, link

CHAIN_FILE = "event_chain"
#: Column, type, meaning: for the data dictionary.
CHAIN_COLUMNS: dict[str, tuple[str, str]] = {
    "position": ("integer", "The event's notification id (as in events.*); hashed as 8 bytes."),
    "originator_id": ("text", "The aggregate id (UUID); hashed as its 16 bytes."),
    "originator_version": ("integer", "The event's number in its aggregate; hashed as 8 bytes."),
    "topic": ("text", "The stored event type, hashed as UTF-8."),
    "state": ("base64", "The exact stored bytes of the event (JSON), base64-encoded."),
    "hash": (
        "hex",
        "SHA-256(previous row's hash, or the manifest's genesis || the encoded row): see "
        "chain.encoding in manifest.json and docs/verify_chain.py.",
    ),
}
ENCODING = (
    "h = SHA-256(h_prev || u64 position || u32 len + 16 bytes of the originator_id UUID || i64 "
    "originator_version || u32 len + utf8 topic || u64 len + state), big-endian"
)


def write_chain(
    directory: Path, fmt: str, app: Any, stop: int, progress: Callable[[int], None]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Write the chain file up to log position `stop`; its files entry and the manifest section."""
    name = f"{CHAIN_FILE}.{fmt}"
    rows = _write(directory / name, fmt, _rows(app, stop, progress))
    head = chain_head(app, stop)
    section = {
        "file": name,
        "algorithm": "sha256",
        "encoding": ENCODING,
        "genesis": GENESIS.hex(),
        "head": head.hash,
        "head_position": head.position,
        "verify": "python docs/verify_chain.py EXPORT_DIR (from the coprod repository)",
    }
    return {"file": name, "table": "event_chain", "rows": rows}, section


def _rows(app: Any, stop: int, progress: Callable[[int], None]) -> Iterator[dict[str, Any]]:
    recorder = app.recorder
    after, previous = 0, GENESIS
    while stop:
        page = recorder.select_notifications(
            start=after, limit=PAGE, stop=stop, inclusive_of_start=False
        )
        if not page:
            return
        stored = dict(recorder.select_links(after, PAGE + 1, stop=page[-1].id))
        for event in page:
            previous = stored.get(event.id) or link(previous, event.id, event)
            yield {
                "position": event.id,
                "originator_id": str(event.originator_id),
                "originator_version": event.originator_version,
                "topic": event.topic,
                "state": base64.b64encode(event.state).decode("ascii"),
                "hash": previous.hex(),
            }
        after = page[-1].id
        progress(after)
        if len(page) < PAGE:
            return


def _write(path: Path, fmt: str, rows: Iterator[dict[str, Any]]) -> int:
    if fmt == "csv":
        count = 0
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(CHAIN_COLUMNS))
            writer.writeheader()
            for row in rows:
                writer.writerow(row)
                count += 1
        return count
    return _write_parquet(path, rows)


def _write_parquet(path: Path, rows: Iterator[dict[str, Any]]) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema(
        [
            ("position", pa.int64()),
            ("originator_id", pa.string()),
            ("originator_version", pa.int64()),
            ("topic", pa.string()),
            ("state", pa.string()),
            ("hash", pa.string()),
        ]
    )
    count, batch = 0, []
    with pq.ParquetWriter(path, schema) as writer:
        for row in rows:
            batch.append(row)
            if len(batch) == PAGE:
                writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                count, batch = count + len(batch), []
        writer.write_table(pa.Table.from_pylist(batch, schema=schema))
    return count + len(batch)


def chain_dictionary_rows(fmt: str) -> list[dict[str, str]]:
    """The data dictionary's rows for the chain file."""
    return [
        {"file": f"{CHAIN_FILE}.{fmt}", "column": name, "type": kind, "meaning": meaning}
        for name, (kind, meaning) in CHAIN_COLUMNS.items()
    ]
