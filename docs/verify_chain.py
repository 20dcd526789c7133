#!/usr/bin/env python3
"""Verify the event chain of a coprod export offline, without coprod.

Usage:  python verify_chain.py EXPORT_DIR

EXPORT_DIR is a folder written by ``coprod export csv DIR`` or ``coprod export parquet DIR``.
The script reads manifest.json and event_chain.csv (Python standard library only) or
event_chain.parquet (needs pyarrow), recomputes every event's hash from the genesis and
compares it with the row's hash and, at the end, with the manifest's head:

    h_0 = genesis (32 zero bytes)
    h_n = SHA-256(h_prev || u64 position || u32 len + the 16 bytes of originator_id
                  || i64 originator_version || u32 len + UTF-8 topic || u64 len + state)

(big-endian; state is the event's stored bytes, base64 in the file). Exit 0 and the head when
intact; exit 1 and one line naming the first broken row otherwise. Compare the head with one a
council published (a release, an earlier export): a match shows that no event up to that
position was changed, removed, added or reordered since.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import json
import struct
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path


def encode(position: int, originator_id: str, version: int, topic: str, state: bytes) -> bytes:
    oid, top = uuid.UUID(originator_id).bytes, topic.encode()
    return (
        struct.pack(">QI", position, len(oid))
        + oid
        + struct.pack(">qI", version, len(top))
        + top
        + struct.pack(">Q", len(state))
        + state
    )


def rows(path: Path) -> Iterator[dict[str, str]]:
    if path.suffix == ".csv":
        csv.field_size_limit(sys.maxsize)
        with path.open(encoding="utf-8", newline="") as handle:
            yield from csv.DictReader(handle)
        return
    import pyarrow.parquet as pq  # only for Parquet exports

    for batch in pq.ParquetFile(path).iter_batches(batch_size=10_000):
        for row in batch.to_pylist():
            yield {key: str(value) for key, value in row.items()}


def verify(directory: Path) -> tuple[bool, str]:
    manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    chain = manifest["chain"]
    previous, last, count = bytes.fromhex(chain["genesis"]), 0, 0
    for row in rows(directory / chain["file"]):
        position = int(row["position"])
        name = (
            f"event {position} (originator {row['originator_id']}, version "
            f"{row['originator_version']}, topic {row['topic']})"
        )
        if position <= last:
            return False, f"broken: {name} is out of order (after {last})"
        data = encode(
            position,
            row["originator_id"],
            int(row["originator_version"]),
            row["topic"],
            base64.b64decode(row["state"], validate=True),
        )
        previous = hashlib.sha256(previous + data).digest()
        if previous.hex() != row["hash"]:
            return False, f"broken: {name} does not match its hash"
        last, count = position, count + 1
    if previous.hex() != chain["head"] or last != chain["head_position"]:
        return (
            False,
            f"broken: the chain ends at {last} with {previous.hex()}, not the manifest's head",
        )
    return True, f"intact: {count} events, head {previous.hex()} at position {last}"


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python verify_chain.py EXPORT_DIR", file=sys.stderr)
        return 2
    try:
        intact, message = verify(Path(argv[1]))
    except (OSError, KeyError, ValueError) as e:
        print(f"cannot verify {argv[1]}: {e}", file=sys.stderr)
        return 2
    print(message, file=sys.stdout if intact else sys.stderr)
    return 0 if intact else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
