"""Why an imported line was refused, in the officer's language.

The use cases refuse a line with an English message for the CLI and HTTP, and a code
(:attr:`coprod.application.csv_table.LineError.code`: a rule name, or ``not-found:<kind>`` /
``exists:<kind>``). The console's import pages say the coded reasons through the catalogue;
a refusal no page has words for yet is shown in English, marked ``lang="en"``.
"""

from __future__ import annotations

from api.web.i18n import N_
from coprod.application.csv_table import LineError

__all__ = ["REASONS", "reason_of"]

#: The reason for each refusal code, as the officer reads it next to the line and column.
REASONS = {
    "too-large": N_("The file is too large for one import: split it."),
    "not-utf8": N_('The file is not UTF-8: save it as "CSV UTF-8" and upload it again.'),
    "no-header": N_("The file has no header row."),
    "column-missing": N_("This column is missing from the header row."),
    "column-unknown": N_("This is not a column of this import (the columns are listed above)."),
    "no-data": N_("The file has no data lines."),
    "extra-cells": N_("The line has more cells than the header row."),
    "decimal-format": N_("This is not a number: write it as 1234,50 or 1234.50."),
    "date-format": N_("This is not a date: write it as 2026-12-31 or 31-12-2026."),
    "date-window": N_("The date is outside the range coprod accepts."),
    "id-format": N_("This is not an id: copy it as coprod shows it."),
    "action": N_("Write one of: schedule, start, meet, delay, cancel."),
    "text-empty": N_("This value must not be empty."),
    "text-length": N_("This text is too long."),
    "currency-iso": N_("This is not a currency code such as DKK or EUR."),
    "currency-process": N_("The amount is not in the currency of the process."),
    "year": N_("This is not a year."),
    "share-range": N_("A share must be between 0 and 1."),
    "shares-sum": N_("The shares of one dimension must add up to 1."),
    "group-repeated": N_("This group appears more than once."),
    "dimension": N_(
        "This is not a census dimension: write area, age_band, sex or deprivation_quintile."
    ),
    "rates-order": N_("The rates must rise: floor, then central, then upper."),
    "milestone-state": N_("The milestone cannot change like this from where it is now."),
    "milestone-date-order": N_(
        "The date is before the milestone was planned or started: check the date."
    ),
    "delay-later": N_("A delay must move the due date later than it is now."),
    "amount-negative": N_("The amount must not be negative."),
    "amount-positive": N_("The amount must be more than zero."),
    "milestone-scheduled": N_("The project has no milestone with this code: schedule it first."),
    "milestone-closed": N_("The milestone is met or cancelled already, which is final."),
    "project-closed": N_("The project is closed: nothing more can be recorded on it."),
    "permission": N_("You may not record this for this project."),
    "not-found:project": N_("There is no project with this id in the process."),
    "exists:milestone": N_("The project already has a milestone with this code."),
    "exists:spend": N_("This spend is recorded already."),
    "exists:match funding": N_("This match funding is recorded already."),
}


def reason_of(error: LineError) -> str | None:
    """The catalogue's words for a refused line (to be translated), or None: show English."""
    return REASONS.get(error.code)
