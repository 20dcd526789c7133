"""The domain's input value types as Pydantic field types, for every request body.

Each type runs the same checking function as the domain (:mod:`coprod.domain.inputs`), so a value
is refused at the HTTP edge for the same reason, with the same rule name, as anywhere else;
the ``Field`` constraints beside it only document the shape in the OpenAPI schema. A
refusal becomes a Pydantic error whose type is the rule (e.g. ``text-nul``), which
api/http/errors.py answers as 422 ``application/problem+json`` naming the field and the rule.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, Strict
from pydantic_core import PydanticCustomError

from coprod.domain.errors import InvalidInput
from coprod.domain.inputs import (
    COUNT_MAX,
    DATE_MAX,
    DATE_MIN,
    PEOPLE_COUNT_MAX,
    PERSON_FIELDS,
    PROSE_MAX,
    TEXT_MAX,
    check_business_date,
    check_count,
    check_currency,
    check_instant,
    check_person_details,
    check_prose,
    check_text,
)
from coprod.domain.proposal import TITLE_MAX_LENGTH

__all__ = [
    "BusinessDate",
    "Code",
    "Count",
    "CurrencyCode",
    "Instant",
    "PeopleCount",
    "PersonDetails",
    "Prose",
    "Text",
    "Title",
    "Url",
]

#: Short codes (area codes, milestone and indicator codes) are one line of at most this.
CODE_MAX = 100
#: Titles of ideas and proposals (Pabulib names are long; see coprod.domain.proposal).
TITLE_MAX = TITLE_MAX_LENGTH
#: A link to evidence.
URL_MAX = 2_000
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _domain(check: Callable[..., Any], **options: Any) -> AfterValidator:
    """Run a domain check on the parsed value; its refusal becomes a Pydantic error."""

    def validate(value: Any) -> Any:
        try:
            return check("value", value, **options)
        except InvalidInput as e:
            inner = e.field.removeprefix("value").lstrip(".")
            problem = f"{inner}: {e.problem}" if inner else e.problem
            raise PydanticCustomError(
                e.rule or "invalid-input", "{problem}", {"problem": problem}
            ) from None

    return AfterValidator(validate)


def _date_as_sent(value: Any) -> Any:
    """Only ``YYYY-MM-DD``: a time or time zone on a date is refused, never dropped."""
    if isinstance(value, str) and _ISO_DATE.match(value):
        return value
    if isinstance(value, date) and type(value) is date:
        return value
    raise PydanticCustomError(
        "date-type", "must be a date written YYYY-MM-DD, without a time or time zone"
    )


def _bounded_mapping(value: Any) -> Any:
    """Refuse an oversized mapping before Pydantic validates its every item."""
    if isinstance(value, dict) and len(value) > len(PERSON_FIELDS):
        raise PydanticCustomError(
            "details-count",
            "has {count} fields; at most {limit} are known",
            {"count": len(value), "limit": len(PERSON_FIELDS)},
        )
    return value


#: One line of text: a title, a name, a reference.
Text = Annotated[
    str, Field(min_length=1, max_length=TEXT_MAX), _domain(check_text, max_length=TEXT_MAX)
]
#: The title of an idea or proposal: one line.
Title = Annotated[
    str, Field(min_length=1, max_length=TITLE_MAX), _domain(check_text, max_length=TITLE_MAX)
]
#: An http(s) link: one line.
Url = Annotated[
    str, Field(min_length=1, max_length=URL_MAX), _domain(check_text, max_length=URL_MAX)
]
#: A short one-line code, e.g. an area or milestone code.
Code = Annotated[
    str, Field(min_length=1, max_length=CODE_MAX), _domain(check_text, max_length=CODE_MAX)
]
#: Several lines: a description, a reason, a justification (tab and newline allowed).
Prose = Annotated[
    str, Field(min_length=1, max_length=PROSE_MAX), _domain(check_prose, max_length=PROSE_MAX)
]
#: A whole number from 0 to 10^9: ``true`` or ``"3"`` are refused, never read as numbers.
Count = Annotated[int, Strict(), Field(ge=0, le=COUNT_MAX), _domain(check_count)]
#: People in one contribution log.
PeopleCount = Annotated[
    int,
    Strict(),
    Field(ge=1, le=PEOPLE_COUNT_MAX),
    _domain(check_count, minimum=1, maximum=PEOPLE_COUNT_MAX),
]
#: An ISO 4217 code that can denominate money (``ZZZ`` and ``XXX`` are refused).
CurrencyCode = Annotated[
    str, Field(pattern=r"^[A-Z]{3}$", examples=["DKK"]), _domain(check_currency)
]
#: A calendar date from 1900-01-01 to 2200-12-31, written ``YYYY-MM-DD``.
BusinessDate = Annotated[
    date,
    BeforeValidator(_date_as_sent),
    Field(
        description=f"A date YYYY-MM-DD from {DATE_MIN} to {DATE_MAX}; no time or time zone",
        examples=["2026-05-01"],
    ),
    _domain(check_business_date),
]
#: A moment with its UTC offset, kept as sent; a naive date-time is refused.
Instant = Annotated[
    datetime,
    Field(examples=["2026-05-01T12:00:00+02:00"]),
    _domain(check_instant),
]
#: A person's details: only the named fields, each bounded text.
PersonDetails = Annotated[
    dict[str, str],
    BeforeValidator(_bounded_mapping),
    Field(
        max_length=len(PERSON_FIELDS),
        examples=[{"name": "Anna Jensen", "email": "anna@example.org"}],
        description=(
            "Kept outside the event log, deleted on erasure. Fields: "
            + ", ".join(
                f"{name} (at most {limit} characters)" for name, limit in PERSON_FIELDS.items()
            )
        ),
    ),
    _domain(check_person_details),
]
