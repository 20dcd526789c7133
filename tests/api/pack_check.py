"""Reading a report pack back and comparing it cell by cell with the API's figures.

Shared by tests/api/test_report_pack.py (the demo, through the CLI and the web downloads)
and its test with hidden cells. Each file is parsed as a reader's program would: the
workbook with openpyxl, the CSV files with Python's csv module in their dialect.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from openpyxl import load_workbook

from api.web.i18n import language
from api.web.impact_texts import published_or_english
from api.web.labels import label

BOM = "\ufeff".encode()
DIALECTS = {"da": (";", ","), "en": (",", ".")}


def expected(value: Any, reason: Any, lang: str) -> Decimal | str | None:
    """What a pack must hold for an API cell: nothing if hidden, the number, or the label."""
    if reason or value is None or value == "":
        return None  # an empty text is an empty cell
    if isinstance(value, int):
        return Decimal(value)
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return label(language(lang), str(value))


@dataclass(frozen=True)
class Found:
    """A published cell beside what a file holds for it."""

    actual: Any
    column: str
    reason: str | None
    want: Decimal | str | None
    note: Any  # the row's "hidden cells" column, if the table has one


def pairs(rows: list[Any], table: dict[str, Any], lang: str) -> Iterator[Found]:
    """Every cell of `table` beside the same cell of `rows` (a file's rows, header excluded)."""
    width = len(table["columns"])
    assert len(rows) == len(table["rows"]), table["title"]
    for row, published in zip(rows, table["rows"], strict=True):
        note = row[width] if len(row) > width else None
        for actual, column in zip(row, table["columns"], strict=False):
            reason = published.get(f"{column}_suppressed")
            want = expected(published.get(column), reason, lang)
            yield Found(actual, column, reason, want, note)


def check_xlsx(data: bytes, figures: dict[str, Any], lang: str) -> int:
    """The workbook's table sheets equal the API's tables; returns the hidden cells seen."""
    book = load_workbook(io.BytesIO(data))
    about, *sheets = book.worksheets
    assert len(sheets) == len(figures["tables"])
    assert about.title == language(lang).gettext("Method and sources")
    about_text = " ".join(str(c) for row in about.iter_rows(values_only=True) for c in row if c)
    check_about(about_text, figures, lang)
    hidden = 0
    for sheet, table in zip(sheets, figures["tables"], strict=True):
        assert len(sheet.title) <= 31
        assert sheet.freeze_panes == "A2"
        for found in pairs(list(sheet.iter_rows(min_row=2)), table, lang):
            cell, where = found.actual, (table["title"], found.column)
            if found.reason:
                hidden += 1
                assert cell.value is None
                assert cell.comment is not None
                assert _reason(found.reason, lang) in str(found.note.value)
            elif isinstance(found.want, Decimal):
                assert isinstance(cell.value, int | float), where
                assert cell.value == float(found.want), where
                assert cell.number_format != "General"
            else:
                assert cell.value == found.want, where
    return hidden


def check_csv(files: dict[str, bytes], figures: dict[str, Any], code: str) -> int:
    """The CSV files of dialect `code` equal the API's tables; returns the hidden cells seen."""
    delimiter, decimal = DIALECTS[code]
    assert all(data.startswith(BOM) for data in files.values())
    about = _rows(files.pop("about.csv"), delimiter)
    check_about(" ".join(" ".join(r) for r in about), figures, code)
    names = sorted(files)
    assert len(names) == len(figures["tables"])
    hidden = 0
    for name, table in zip(names, figures["tables"], strict=True):
        header, *rows = _rows(files[name], delimiter)
        assert len(header) >= len(table["columns"])
        for found in pairs(rows, table, code):
            text, where = found.actual, (name, found.column, found.actual)
            if found.reason:
                hidden += 1
                assert text == ""
                assert _reason(found.reason, code) in found.note
            elif isinstance(found.want, Decimal):
                assert ("." if decimal == "," else ",") not in text, where
                assert Decimal(text.replace(decimal, ".")) == found.want, where
            else:
                assert text == (found.want or ""), where
    return hidden


def csv_from_zip(data: bytes, code: str) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {n.removeprefix(f"{code}/"): archive.read(n) for n in archive.namelist()}


def _reason(reason: str, lang: str) -> str:
    """Why a cell is hidden, as the pack in `lang` says it (api.web.impact_texts)."""
    return published_or_english(language(lang), reason)


def check_about(text: str, figures: dict[str, Any], lang: str) -> None:
    """The metadata names the release, its log position and hash, k, method (in the pack's
    language, api.web.impact_texts) and sources."""
    release = figures["release"]
    method = published_or_english(language(lang), figures["method"])
    for fact in (release["figures_sha256"], str(release["position"]), method):
        assert fact in text
    assert str(figures["k"]) in text
    for parameter in figures["parameters"]:
        assert parameter["source"] in text


def _rows(data: bytes, delimiter: str) -> list[list[str]]:
    text = data.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def hidden_in(figures: dict[str, Any]) -> int:
    """How many cells the API's tables hide (disclosure control): the pack must hide them too."""
    return sum(
        1
        for table in figures["tables"]
        for row in table["rows"]
        for column in table["columns"]
        if row.get(f"{column}_suppressed")
    )
