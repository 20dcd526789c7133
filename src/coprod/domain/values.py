"""Value objects shared by every aggregate: who acted, money, and the closed vocabularies.

All are immutable and stored through a named transcoding (see :mod:`coprod.adapters.transcodings`).
Money is never a float: amounts are ``Decimal`` and always carry their currency.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import Enum
from uuid import UUID

from coprod.domain.errors import InvalidInput
from coprod.domain.inputs import PROSE_MAX, TEXT_MAX, check_currency, check_text
from coprod.domain.stored import stored_as

_CURRENCY = re.compile(r"^[A-Z]{3}$")
#: Amounts accepted as input stay below this size (15 integer digits, as the API's pattern).
MONEY_LIMIT = Decimal(10) ** 15


@stored_as("role")
class Role(Enum):
    """What capacity an actor acted in; access rules and reports depend on it."""

    COUNCIL_OFFICER = "council_officer"
    COMMUNITY_MEMBER = "community_member"
    RESIDENT = "resident"
    EVALUATOR = "evaluator"
    PUBLIC = "public"
    SYSTEM = "system"


@stored_as("actor")
@dataclass(frozen=True)
class Actor:
    """Who did it: an opaque person id (never a name), the role, and their organisation."""

    id: UUID
    role: Role
    organisation_id: UUID | None = None


@stored_as("money")
@dataclass(frozen=True)
class Money:
    """An exact amount in one currency (ISO 4217), so sums never drift or mix currencies."""

    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        if isinstance(self.amount, float) or not isinstance(self.amount, Decimal):
            raise InvalidInput("amount", f"must be a Decimal, not {type(self.amount).__name__}")
        if not self.amount.is_finite():
            raise InvalidInput("amount", "must be a finite number")
        if not isinstance(self.currency, str) or not _CURRENCY.match(self.currency):
            raise InvalidInput("currency", f"{self.currency!r} is not a 3-letter ISO 4217 code")

    @classmethod
    def of(cls, amount: str | int | Decimal, currency: str) -> Money:
        """Parse user input; a malformed amount is an InvalidInput, never a crash.

        Input must be finite, below 10**15 in size and in an ISO 4217 currency
        (:func:`coprod.domain.inputs.check_currency`); stored money is read back without that list,
        so a code retired later never stops a replay.
        """
        if isinstance(amount, bool | float):
            raise InvalidInput("amount", "must be a decimal number as text", rule="money-type")
        try:
            value = amount if isinstance(amount, Decimal) else Decimal(str(amount))
        except (InvalidOperation, ValueError):
            raise InvalidInput("amount", "is not a number", rule="money-type") from None
        if not value.is_finite():
            raise InvalidInput("amount", "must be a finite number", rule="money-finite")
        if abs(value) >= MONEY_LIMIT:
            raise InvalidInput("amount", f"must be below {MONEY_LIMIT} in size", rule="money-range")
        return cls(value, check_currency("currency", currency))

    def _same_currency(self, other: Money) -> None:
        if other.currency != self.currency:
            raise InvalidInput("currency", f"cannot combine {self.currency} with {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount - other.amount, self.currency)

    def __le__(self, other: Money) -> bool:
        self._same_currency(other)
        return self.amount <= other.amount

    def __lt__(self, other: Money) -> bool:
        self._same_currency(other)
        return self.amount < other.amount

    @property
    def is_positive(self) -> bool:
        return self.amount > 0

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"


def require_positive(field: str, money: Money) -> None:
    """Refuse zero and negative amounts with the field's name."""
    if not money.is_positive:
        raise InvalidInput(field, f"must be positive, got {money}", rule="amount-positive")


def require_text(
    field: str, value: str, *, max_length: int = PROSE_MAX, prose: bool | None = None
) -> str:
    """Refuse empty, oversized or unstorable text instead of storing it or cutting it short.

    The aggregates' door to :func:`coprod.domain.inputs.check_text`: the text comes back
    NFC-normalised and stripped. Limits above :data:`~coprod.domain.inputs.TEXT_MAX` are prose
    (tab and newline allowed) unless ``prose`` says otherwise.
    """
    multi_line = max_length > TEXT_MAX if prose is None else prose
    return check_text(field, value, max_length=max_length, prose=multi_line)
