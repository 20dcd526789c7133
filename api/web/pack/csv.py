"""The report pack's tables as CSV files that open cleanly in a Danish and an English Excel.

Why two dialects: Excel reads a CSV with the separators of the computer's locale. A Danish
Excel splits on ``;`` and reads ``0,25`` as a number; an English one splits on ``,`` and
reads ``0.25``. Both need the UTF-8 byte order mark to read æ, ø and å. So each language
has its folder (``csv/da``, ``csv/en``): one clean table a file — a header row, then one row
a published row, numbers written in full without thousands separators, a hidden cell empty
with its reason in a last column — and ``about.csv`` with the release, log position, hashes,
k, disclosure method and parameter sources.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from decimal import Decimal

from api.web.i18n import Language, language
from api.web.labels import label
from api.web.pack.content import Kind, Pack, PackCell
from api.web.pack.sheets import about_rows, headings, hidden_note, inert, slug

__all__ = ["BOM", "DIALECTS", "Dialect", "csv_files", "csv_zip"]

BOM = "\ufeff"


@dataclass(frozen=True)
class Dialect:
    """How a language's Excel reads a CSV: the field separator and the decimal mark."""

    code: str
    delimiter: str
    decimal: str


DIALECTS = {"da": Dialect("da", ";", ","), "en": Dialect("en", ",", ".")}


def csv_files(pack: Pack, code: str) -> dict[str, bytes]:
    """``about.csv`` and one ``<nn>-<slug>.csv`` a table, in language `code` ("da", "en")."""
    dialect, lang = DIALECTS[code], language(code)
    names = [f"{slug(i, t)}.csv" for i, t in enumerate(pack.tables, start=1)]
    files = {
        "about.csv": _write(
            dialect, [[_text(v, dialect) for v in row] for row in about_rows(lang, pack, names)]
        )
    }
    for name, table in zip(names, pack.tables, strict=True):
        rows: list[list[str]] = [headings(lang, table, pack.currency)]
        for r, row in enumerate(table.rows):
            cells = [_cell(lang, dialect, cell) for cell in row]
            if table.has_hidden:
                cells.append(hidden_note(lang, table, r))
            rows.append(cells)
        files[name] = _write(dialect, rows)
    return files


def csv_zip(pack: Pack, code: str) -> bytes:
    """The CSV files of language `code` in one zip (the web download)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in csv_files(pack, code).items():
            archive.writestr(f"{code}/{name}", data)
    return out.getvalue()


def _cell(lang: Language, dialect: Dialect, cell: PackCell) -> str:
    if cell.suppressed or cell.value is None:
        return ""
    if cell.kind is Kind.TEXT:
        return inert(label(lang, str(cell.value)))
    return _text(cell.value, dialect)


def _text(value: Decimal | int | str, dialect: Dialect) -> str:
    """A number in full with the dialect's decimal mark (no exponent, no thousands mark);
    text as text a spreadsheet will not run (:func:`inert`)."""
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", dialect.decimal)
    return inert(value) if isinstance(value, str) else str(value)


def _write(dialect: Dialect, rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=dialect.delimiter, lineterminator="\r\n")
    writer.writerows(rows)
    return (BOM + out.getvalue()).encode("utf-8")
