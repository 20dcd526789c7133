"""A published cell as a reader sees it: its number read from the release's JSON, and its text
in the reader's language (a share as a percentage, money with its currency).

Why one module: the impact page and the report pack (api/web/pack) show the same cells, and
a figure must read the same on the page, in the HTML and PDF report and in the workbook.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from api.web.i18n import NO_VALUE, Language
from api.web.impact_labels import MONEY, SHARES
from api.web.labels import label

__all__ = ["Cell", "cell", "number", "shown_number"]


@dataclass(frozen=True)
class Cell:
    """A cell as shown: its text, and why it is hidden if it is."""

    text: str
    suppressed: str | None = None
    numeric: bool = False


def number(value: Any) -> Decimal | None:
    """The published value as a number (decimals are published as strings), or None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str):
        try:
            return Decimal(value)
        except InvalidOperation:
            return None
    return None


def shown_number(lang: Language, column: str, value: Decimal, currency: str) -> str:
    """`value` of `column` as text: a share as a percentage, money with its currency."""
    if column in SHARES:
        return lang.percent(value, 1)
    if column in MONEY:
        return lang.money(value, currency)
    digits = 0 if value == value.to_integral_value() else 2
    return lang.number(value, digits)


def cell(lang: Language, row: dict[str, Any], column: str, currency: str) -> Cell:
    """The cell `column` of a published row, as the reader sees it."""
    value, reason = row.get(column), row.get(f"{column}_suppressed")
    if reason:
        return Cell(lang.gettext("hidden"), suppressed=str(reason))
    parsed = number(value)
    if parsed is None:
        return Cell(NO_VALUE if value is None else label(lang, str(value)))
    return Cell(shown_number(lang, column, parsed, currency), numeric=True)
