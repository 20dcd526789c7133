"""Reading the CSV files officers export from their spreadsheets, line by line.

Why a module of its own: every bulk import (milestones, spend, census shares, rates, match
funding) must accept what Danish Excel writes — UTF-8 with a BOM, ``;`` as separator, a decimal
comma, ``31-12-2026`` dates — and must name the *file's* line number of every bad value, so the
officer can find it. Nothing here writes; the use cases check every line and commit all or none.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from coprod.domain.errors import AlreadyExists, CoprodError, InvalidInput, NotFound

__all__ = [
    "CsvLine",
    "CsvRefused",
    "LineError",
    "line_error",
    "parse_date",
    "parse_decimal",
    "read_table",
    "refusal_code",
]

#: Files larger than this are refused whole: an import is a few thousand lines at most.
MAX_BYTES = 2_000_000


@dataclass(frozen=True)
class CsvLine:
    """One data line: its line number in the file (the header is line 1) and its cells."""

    number: int
    cells: dict[str, str]

    def get(self, name: str) -> str:
        """The cell, stripped; an absent optional column reads as empty."""
        return (self.cells.get(name) or "").strip()


@dataclass(frozen=True)
class LineError:
    """Why one line is refused: the line number (0 = the file itself), the column, the reason.

    ``message`` is the reason in English (the CLI and HTTP show it); ``code`` names the
    refusal (a rule such as ``date-format``, or ``not-found:project``) so that a page can say
    it in its reader's language; empty where no page has words for it yet.
    """

    line: int
    field: str
    message: str
    code: str = ""


def refusal_code(error: CoprodError) -> str:
    """The code of a domain refusal: its rule, or what was missing or repeated."""
    if isinstance(error, NotFound | AlreadyExists):
        prefix = "not-found" if isinstance(error, NotFound) else "exists"
        return f"{prefix}:{error.kind}"
    return str(getattr(error, "rule", "") or "")


def line_error(line: int, error: CoprodError, default_field: str) -> LineError:
    """A refused line from a domain refusal: its column (or `default_field`) and its code."""
    if isinstance(error, InvalidInput):
        return LineError(line, error.field, error.problem, refusal_code(error))
    return LineError(line, default_field, str(error), refusal_code(error))


@dataclass
class CsvRefused(Exception):
    """The file has bad lines; nothing of it was written. Every bad line is listed."""

    errors: list[LineError] = field(default_factory=list)

    def __str__(self) -> str:
        return "; ".join(f"line {e.line}, {e.field}: {e.message}" for e in self.errors)


def _decode(data: bytes | str) -> str:
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    if len(data) > MAX_BYTES:
        raise CsvRefused([LineError(0, "file", f"is larger than {MAX_BYTES} bytes", "too-large")])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise CsvRefused(
            [
                LineError(
                    0, "file", f"is not UTF-8 (byte {e.start}); save it as CSV UTF-8", "not-utf8"
                )
            ]
        ) from None


def _separator(header: str) -> str:
    """``;`` when the header has more of them than commas (Danish Excel), else ``,``."""
    return ";" if header.count(";") > header.count(",") else ","


def read_table(
    data: bytes | str, required: Iterable[str], optional: Iterable[str] = ()
) -> list[CsvLine]:
    """The data lines of a CSV file with a header row naming at least the ``required`` columns.

    Column names are matched case-insensitively; blank lines are skipped (their numbers still
    count). An unknown column or a missing required one refuses the whole file.
    """
    text = _decode(data)
    first = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_separator(first))
    rows = list(reader)
    if not rows or not any(c.strip() for c in rows[0]):
        raise CsvRefused([LineError(1, "header", "the file has no header row", "no-header")])
    header = [c.strip().lower() for c in rows[0]]
    need, may = list(required), list(optional)
    errors = [
        LineError(1, name, "column is missing", "column-missing")
        for name in need
        if name not in header
    ]
    errors += [
        LineError(
            1,
            name,
            "is not a known column (known: " + ", ".join(need + may) + ")",
            "column-unknown",
        )
        for name in header
        if name and name not in need and name not in may
    ]
    if errors:
        raise CsvRefused(errors)
    lines: list[CsvLine] = []
    number = 1
    for row in rows[1:]:
        number += 1 + sum(cell.count("\n") for cell in row)
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            lines.append(CsvLine(number, {"__extra__": str(len(row))}))
            continue
        lines.append(CsvLine(number, dict(zip(header, row, strict=False))))
    return lines


_DECIMAL_COMMA = re.compile(r"^-?\d{1,3}(\.\d{3})*,\d+$|^-?\d+,\d+$")


def parse_decimal(name: str, text: str) -> Decimal:
    """A number as a person types it: ``1234.50``, ``1234,50`` or ``1.234,50`` (Danish)."""
    cleaned = text.strip().replace(" ", "").replace("\u00a0", "")
    if _DECIMAL_COMMA.match(cleaned):
        cleaned = cleaned.replace(".", "").replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise InvalidInput(name, f"{text!r} is not a number", rule="decimal-format") from None
    if not value.is_finite():
        raise InvalidInput(name, f"{text!r} is not a number", rule="decimal-format")
    return value


_DMY = re.compile(r"^(\d{1,2})[-./](\d{1,2})[-./](\d{4})$")


def parse_date(name: str, text: str) -> date:
    """A date as ``2026-12-31`` or, as Danish Excel writes it, ``31-12-2026`` / ``31.12.2026``."""
    cleaned = text.strip()
    try:
        if m := _DMY.match(cleaned):
            return date(int(m[3]), int(m[2]), int(m[1]))
        return date.fromisoformat(cleaned)
    except ValueError:
        raise InvalidInput(
            name, f"{text!r} is not a date (write 2026-12-31)", rule="date-format"
        ) from None
