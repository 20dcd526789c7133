"""The domain's input value types, each with one checking function used by every door.

A value that reaches the event log is read back by every read model, on SQLite and on
PostgreSQL, for ever: a NUL byte, a lone surrogate or an integer of 2**63 stored once stops
the read side. So each kind of value is checked once, here, and the HTTP bodies (Pydantic
types built on these functions, see ``api/http/fields.py``), the CLI, the Pabulib importer and the
aggregates all call the same function. Every refusal is an :class:`InvalidInput` naming the
field and the ``rule`` it broke, so callers can answer 422 / one CLI line, and nothing is
written.

=================  ==========================================================================
value type         rule
=================  ==========================================================================
``Text``           one line: NFC, no control characters, no lone surrogates, 1..200 chars
``Prose``          like Text but tab and newline allowed (CRLF read as LF), 1..10 000 chars
``Count``          a real ``int`` (``True`` is not 1), 0..1 000 000 000 (fits INTEGER)
``PeopleCount``    1..10 000 people in one contribution log
``Hours``          a finite Decimal, above 0, at most 1 000 000
``Currency``       an ISO 4217 code that can denominate money (Babel's list, see below)
``BusinessDate``   a ``date`` (not a datetime) from 1900-01-01 to 2200-12-31
``Instant``        a ``datetime`` with its UTC offset, which is kept
``PersonDetails``  at most the named fields name, email, phone, address, note, each bounded
=================  ==========================================================================

The date window: participatory budgets date from 1989 and Pabulib's files from 2010 on, so
1900 leaves room for any historical record while refusing ``0001-01-01`` placeholders; 2200
leaves room for long maintenance plans while refusing ``9999-12-31`` sentinels. Both ends lie
inside every date type a value reaches (PostgreSQL, Python and pandas' nanosecond
timestamps, 1677..2262), so no read model or export can overflow on a stored date.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from functools import cache

from coprod.domain.errors import InvalidInput

__all__ = [
    "COUNT_MAX",
    "DATE_MAX",
    "DATE_MIN",
    "HOURS_MAX",
    "INT64_MAX",
    "PEOPLE_COUNT_MAX",
    "PERSON_FIELDS",
    "PROSE_MAX",
    "TEXT_MAX",
    "check_business_date",
    "check_count",
    "check_currency",
    "check_hours",
    "check_instant",
    "check_person_details",
    "check_prose",
    "check_same_currency",
    "check_text",
    "clean_text",
    "currencies",
    "refuse",
]

TEXT_MAX = 200
PROSE_MAX = 10_000
#: Largest integer any column can hold (PostgreSQL BIGINT, SQLite INTEGER).
INT64_MAX = 2**63 - 1
#: Counts stay far below INT64_MAX and within a 32-bit INTEGER column too.
COUNT_MAX = 1_000_000_000
PEOPLE_COUNT_MAX = 10_000
HOURS_MAX = Decimal(1_000_000)
DATE_MIN = date(1900, 1, 1)
DATE_MAX = date(2200, 12, 31)
#: The named person-detail fields and each one's longest value.
PERSON_FIELDS: dict[str, int] = {
    "name": 200,
    "email": 254,
    "phone": 40,
    "address": 500,
    "note": 2_000,
}
#: Codes in Babel's list that denominate no money a budget can be in: no currency (XXX),
#: testing (XTS), precious metals and bond-market or fund units.
_NOT_MONEY = frozenset(
    {"XXX", "XTS", "XAU", "XAG", "XPD", "XPT", "XBA", "XBB", "XBC", "XBD", "XDR", "XSU", "XUA"}
    | {"XFO", "XFU", "XRE", "XEU", "XAD"}
)
#: Unicode's control characters (category Cc), and the same without tab and newline.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_PROSE_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def refuse(field: str, problem: str, rule: str) -> InvalidInput:
    """The refusal every check raises: the field, what is wrong, and the rule's name."""
    return InvalidInput(field, problem, rule=rule)


def clean_text(field: str, value: object, *, prose: bool = False) -> str:
    """Text every store and reader can hold, NFC-normalised; no length or emptiness rule.

    Refused: non-text, lone surrogates (e.g. ``"x\\ud800y"``, which no UTF-8 store can
    hold), NUL and other control characters (tab and newline only in prose; CRLF is read
    as LF). The message never repeats the value itself. Used alone for raw cells of an
    imported file; :func:`check_text` adds the length rules.
    """
    if not isinstance(value, str):
        raise refuse(field, f"must be text, not {type(value).__name__}", "text-type")
    if _SURROGATE.search(value):
        raise refuse(
            field, "contains a lone UTF-16 surrogate (not valid Unicode)", "text-surrogate"
        )
    if prose:
        value = value.replace("\r\n", "\n")
    control = (_PROSE_CONTROL if prose else _CONTROL).search(value)
    if control is not None:
        char = control.group()
        allowed = " (only tab and newline are allowed)" if prose else ""
        name = "NUL" if char == "\x00" else f"U+{ord(char):04X}"
        raise refuse(
            field,
            f"contains the control character {name} at {control.start()}{allowed}",
            "text-nul" if char == "\x00" else "text-control",
        )
    if value.isascii() or unicodedata.is_normalized("NFC", value):
        return value
    return unicodedata.normalize("NFC", value)


def check_text(
    field: str, value: object, *, max_length: int = TEXT_MAX, prose: bool = False
) -> str:
    """One stored text value: :func:`clean_text`, stripped, not empty, within ``max_length``."""
    text = clean_text(field, value, prose=prose).strip()
    if not text:
        raise refuse(field, "must not be empty", "text-empty")
    if len(text) > max_length:
        raise refuse(
            field, f"is {len(text)} characters long; the limit is {max_length}", "text-length"
        )
    return text


def check_prose(field: str, value: object, *, max_length: int = PROSE_MAX) -> str:
    """Several lines of text (descriptions, reasons): as :func:`check_text`, tab and LF allowed."""
    return check_text(field, value, max_length=max_length, prose=True)


def check_count(field: str, value: object, *, minimum: int = 0, maximum: int = COUNT_MAX) -> int:
    """A whole number within bounds; ``True``/``False`` are refused, not read as 1/0."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise refuse(field, f"must be a whole number, not {type(value).__name__}", "int-type")
    if value < minimum:
        floor = "must not be negative" if minimum == 0 else f"must be at least {minimum}"
        raise refuse(field, f"{floor}, got {value}", "int-range")
    if value > maximum:
        raise refuse(field, f"must be at most {maximum}, got {value}", "int-range")
    return value


def check_hours(field: str, value: object, *, maximum: Decimal = HOURS_MAX) -> Decimal:
    """Hours as an exact, finite Decimal above zero and not absurdly large."""
    if isinstance(value, bool | float) or not isinstance(value, Decimal):
        raise refuse(field, f"must be a Decimal, not {type(value).__name__}", "decimal-type")
    if not value.is_finite() or value <= 0:
        raise refuse(field, f"must be a positive number of hours, got {value}", "hours-range")
    if value > maximum:
        raise refuse(field, f"must be at most {maximum} hours, got {value}", "hours-range")
    return value


@cache
def currencies() -> frozenset[str]:
    """ISO 4217 codes that can denominate a budget: Babel's CLDR list minus non-money units."""
    from babel.numbers import list_currencies

    return frozenset(list_currencies()) - _NOT_MONEY


def check_currency(field: str, value: object) -> str:
    """An ISO 4217 currency code, upper case (``ZZZ`` and ``XXX`` are refused)."""
    if not isinstance(value, str) or value not in currencies():
        shown = repr(value) if isinstance(value, str) and value.isprintable() else "the value"
        raise refuse(field, f"{shown} is not an ISO 4217 currency code", "currency-iso")
    return value


def check_same_currency(field: str, currency: str, process_currency: str) -> None:
    """Money that relates to a process must be in the process's currency, never mixed."""
    if currency != process_currency:
        raise refuse(
            field,
            f"is in {currency}; this process uses {process_currency}",
            "currency-process",
        )


def check_business_date(
    field: str,
    value: object,
    *,
    earliest: date = DATE_MIN,
    latest: date = DATE_MAX,
) -> date:
    """A calendar date in the plausible window; a datetime is refused, not truncated.

    Rules narrow the window by passing ``earliest``/``latest`` (e.g. "not in the future").
    """
    if isinstance(value, datetime) or not isinstance(value, date):
        raise refuse(
            field, f"must be a date, not {type(value).__name__} (write YYYY-MM-DD)", "date-type"
        )
    if not earliest <= value <= latest:
        raise refuse(
            field,
            f"{value.isoformat()} is outside {earliest.isoformat()}..{latest.isoformat()}",
            "date-window",
        )
    return value


def check_instant(field: str, value: object) -> datetime:
    """A moment with its UTC offset, kept as sent; a naive datetime is ambiguous and refused."""
    if not isinstance(value, datetime):
        raise refuse(field, f"must be a datetime, not {type(value).__name__}", "datetime-type")
    if value.tzinfo is None or value.utcoffset() is None:
        raise refuse(field, "must carry a UTC offset (e.g. +02:00 or Z)", "datetime-offset")
    check_business_date(field, value.date())
    return value


def check_person_details(field: str, details: object) -> dict[str, str]:
    """A person's details: only the named fields of :data:`PERSON_FIELDS`, each bounded text.

    A closed set keeps data out of field names (they reach the log) and bounds the
    personal-data row: 50 000 fields or 10 MB are refused before anything is stored.
    """
    if not isinstance(details, Mapping):
        raise refuse(field, "must be a mapping of field name to text", "details-type")
    if len(details) > len(PERSON_FIELDS):
        raise refuse(
            field,
            f"has {len(details)} fields; at most {len(PERSON_FIELDS)} are known",
            "details-count",
        )
    clean: dict[str, str] = {}
    for name, value in details.items():
        limit = PERSON_FIELDS.get(name) if isinstance(name, str) else None
        if limit is None:
            raise refuse(
                field,
                f"unknown field; use only {', '.join(PERSON_FIELDS)}",
                "details-field",
            )
        clean[name] = check_text(f"{field}.{name}", value, max_length=limit, prose=name == "note")
    return clean
