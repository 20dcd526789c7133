"""The report pack as an Excel workbook: a "method and sources" sheet, then one sheet a table.

Why this layout: a council analyst filters and charts the tables in Excel, so each sheet is
one wide table with a frozen header row, numbers stored as numbers (shares as percentages,
money with two decimals), never as text. A hidden cell is empty, with its reason in a
comment on the cell and in a last "Hidden cells" column, so a sum over a column is never
fed a word. The first sheet says which release the figures are and where they came from.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from api.web.i18n import Language
from api.web.impact_labels import table_title
from api.web.impact_texts import published_or_english
from api.web.labels import label
from api.web.pack.content import Kind, Pack, PackCell, PackTable
from api.web.pack.sheets import about_rows, headings, hidden_note

__all__ = ["FORMATS", "report_xlsx", "sheet_names"]

#: Excel number formats by kind of cell (locale-neutral: Excel shows them in its own locale).
FORMATS = {
    Kind.SHARE: "0.0%",
    Kind.MONEY: "#,##0.00",
    Kind.COUNT: "#,##0",
    Kind.NUMBER: "#,##0.00##",
}
_NOT_IN_NAME = re.compile(r"[\[\]:*?/\\]")
_MOST = 31
_BOLD = Font(bold=True)


def report_xlsx(pack: Pack, lang: Language) -> bytes:
    """The workbook of `pack` with headings and labels in `lang`, as .xlsx bytes."""
    book = Workbook()
    about = book.active
    assert about is not None  # a new workbook has one sheet
    names = sheet_names(lang, pack.tables, reserved=lang.gettext("Method and sources"))
    about.title = lang.gettext("Method and sources")[:_MOST]
    for row in about_rows(lang, pack, names):
        about.append(row)
    about.column_dimensions["A"].width = 34
    about.column_dimensions["B"].width = 40
    for name, table in zip(names, pack.tables, strict=True):
        _table_sheet(book.create_sheet(name), lang, table, pack.currency)
    _no_formulas(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _no_formulas(book: Workbook) -> None:
    """Every text cell stays text: openpyxl stores a string starting with ``=`` as a formula,
    and a typed name (``=HYPERLINK(...)``) must never run on the reader's computer."""
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"


def sheet_names(lang: Language, tables: tuple[PackTable, ...], reserved: str) -> list[str]:
    """One sheet name a table: "01 Turnout", at most 31 characters, none allowed twice."""
    taken = {reserved[:_MOST].lower()}
    names = []
    for i, table in enumerate(tables, start=1):
        title = " ".join(_NOT_IN_NAME.sub(" ", table_title(lang, table.title)).split()).strip("'")
        name = f"{i:02d} {title}"[:_MOST].rstrip()
        n = 2
        while name.lower() in taken:
            suffix = f" ({n})"
            name = f"{i:02d} {title}"[: _MOST - len(suffix)].rstrip() + suffix
            n += 1
        taken.add(name.lower())
        names.append(name)
    return names


def _table_sheet(sheet: Worksheet, lang: Language, table: PackTable, currency: str) -> None:
    """The table as a sheet: bold frozen header row, typed cells, notes on hidden cells."""
    header = headings(lang, table, currency)
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = _BOLD
    sheet.freeze_panes = "A2"
    for r, row in enumerate(table.rows, start=2):
        for c, value in enumerate(row, start=1):
            target = sheet.cell(row=r, column=c, value=_value(lang, value))
            if value.suppressed:
                target.comment = Comment(published_or_english(lang, value.suppressed), "coprod")
            elif value.numeric and value.value is not None:
                target.number_format = FORMATS[value.kind]
        if table.has_hidden:
            sheet.cell(row=r, column=len(row) + 1, value=hidden_note(lang, table, r - 2))
    for c, text in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(c)].width = min(max(len(text) + 2, 12), 48)


def _value(lang: Language, cell: PackCell) -> Decimal | int | str | None:
    if cell.suppressed or cell.value is None:
        return None
    if cell.kind is Kind.TEXT:
        return label(lang, str(cell.value))
    return cell.value
