"""Real PB elections in and out: Pabulib ``.pb`` files (https://pabulib.org/format).

`import_file` turns one file into a process with its proposals, ballots and the city's
decisions; `export_process` writes a process back as a valid ``.pb`` file.
"""

from __future__ import annotations

from coprod.standards.pabulib.exporter import export_process
from coprod.standards.pabulib.grammar import PabulibFormatError
from coprod.standards.pabulib.importer import ImportResult, import_file
from coprod.standards.pabulib.parser import PabulibReader
from coprod.standards.pabulib.validation import ValidatedFile, validate_file

__all__ = [
    "ImportResult",
    "PabulibFormatError",
    "PabulibReader",
    "ValidatedFile",
    "export_process",
    "import_file",
    "validate_file",
]
