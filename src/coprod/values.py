"""Value objects shared by every aggregate: who acted, money, and the closed vocabularies.

All are immutable and stored through a named transcoding (see :mod:`coprod.transcodings`).
Money is never a float: amounts are ``Decimal`` and always carry their currency.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import Enum
from uuid import UUID

from coprod.errors import InvalidInput
from coprod.transcodings import stored_as

_CURRENCY = re.compile(r"^[A-Z]{3}$")


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
        """Parse user input; a malformed amount is an InvalidInput, never a crash."""
        try:
            value = amount if isinstance(amount, Decimal) else Decimal(str(amount))
        except InvalidOperation:
            raise InvalidInput("amount", f"{amount!r} is not a number") from None
        return cls(value, currency)

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
        raise InvalidInput(field, f"must be positive, got {money}")


def require_text(field: str, value: str, *, max_length: int = 10_000) -> str:
    """Refuse empty or oversized text instead of storing it or cutting it short."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(field, "must not be empty")
    if len(value) > max_length:
        raise InvalidInput(field, f"is {len(value)} characters long; the limit is {max_length}")
    return value.strip()
