"""Reading the evaluator's dataset back: one pandas DataFrame per table, with its dtypes.

    from projections.dataset import load
    tables = load("dataset/")
    decisions = tables["decisions"].merge(tables["proposals"][["proposal_id", "title"]])

Parquet is read where the export wrote it (exact types), else CSV with the dictionary's
dtypes; timestamps come back as UTC.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from coprod.domain.errors import InvalidInput

__all__ = ["load"]


def load(directory: Path | str) -> dict[str, pd.DataFrame]:
    """Every table of a dataset folder written by ``coprod export dataset``."""
    folder = Path(directory)
    manifest_path = folder / "manifest.json"
    if not manifest_path.is_file():
        raise InvalidInput("directory", f"{folder} holds no dataset (no manifest.json)")
    manifest = json.loads(manifest_path.read_text())
    dictionary = json.loads((folder / "data_dictionary.json").read_text())
    tables: dict[str, pd.DataFrame] = {}
    for name in manifest["tables"]:
        columns = {r["column"]: r["dtype"] for r in dictionary if r["table"] == name}
        tables[name] = _read(folder, name, columns)
    return tables


def _read(folder: Path, name: str, columns: dict[str, str]) -> pd.DataFrame:
    parquet = folder / f"{name}.parquet"
    if parquet.is_file():
        frame = pd.read_parquet(parquet)
    else:
        plain = {c: t for c, t in columns.items() if not t.startswith("datetime")}
        frame = pd.read_csv(folder / f"{name}.csv", dtype=plain, keep_default_na=True)
    for column, dtype in columns.items():
        if dtype.startswith("datetime"):
            moments = pd.to_datetime(frame[column], utc=True, format="ISO8601")
            frame[column] = moments.astype(dtype)
        else:
            frame[column] = frame[column].astype(dtype)
    return frame[list(columns)]
