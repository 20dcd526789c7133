"""The evaluator's dataset: one tidy table per entity, a data dictionary that explains every
column (meaning, unit, codes), and a manifest with the hash-chain head (issue 15, item 3).

``coprod export dataset DIR`` writes it (:func:`export_dataset`); :func:`load` reads it back
as pandas DataFrames. docs/DATASET.md has a worked example.
"""

from projections.dataset.columns import TABLES, Column, Table
from projections.dataset.load import load
from projections.dataset.writer import FORMATS, export_dataset

__all__ = ["FORMATS", "TABLES", "Column", "Table", "export_dataset", "load"]
