"""Shapes every route shares: strict request bodies, money as strings, the command result.

Bodies forbid unknown fields, so a misspelt field is a 422 naming it, never silently
dropped. Money and other exact numbers travel as strings (``{"amount": "123.45",
"currency": "DKK"}``): a JSON float cannot hold 0.1 exactly.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, overload
from uuid import UUID

from fastapi import Response
from pydantic import BaseModel, ConfigDict, Field

from coprod.application import Receipt
from coprod.errors import InvalidInput
from coprod.values import Money

__all__ = [
    "Body",
    "CommandResult",
    "DecimalText",
    "MoneyModel",
    "View",
    "command_result",
    "decimal",
    "etag",
    "money_out",
]

#: An exact decimal number as text, e.g. "12.5" (never a JSON float).
DecimalText = Annotated[
    str,
    Field(pattern=r"^-?\d{1,15}(\.\d{1,6})?$", examples=["12.5"], description="A decimal as text"),
]


class Body(BaseModel):
    """A request body: unknown fields are refused, not dropped."""

    model_config = ConfigDict(extra="forbid")


class View(BaseModel):
    """A response body."""

    model_config = ConfigDict(extra="forbid")


class MoneyModel(Body):
    """An exact amount in one ISO 4217 currency."""

    amount: DecimalText
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$", examples=["DKK"])]

    def to_money(self) -> Money:
        return Money.of(self.amount, self.currency)


@overload
def money_out(money: Money) -> MoneyModel: ...
@overload
def money_out(money: Money | None) -> MoneyModel | None: ...
def money_out(money: Money | None) -> MoneyModel | None:
    if money is None:
        return None
    return MoneyModel(amount=str(money.amount), currency=money.currency)


def decimal(field: str, text: str) -> Decimal:
    try:
        return Decimal(text)
    except ArithmeticError:  # pragma: no cover - the pattern admits only numbers
        raise InvalidInput(field, f"{text!r} is not a number") from None


class CommandResult(View):
    """What a command recorded: the aggregate, its new version (the ETag) and log position.

    Pass ``position`` as ``min_position`` to a query to read your own write.
    """

    id: UUID
    version: int
    position: int | None
    item_id: UUID | None = Field(
        default=None, description="The id of the item made inside the aggregate (fact, spend...)"
    )


def etag(version: int) -> str:
    return f'"{version}"'


def command_result(
    response: Response,
    receipt: Receipt,
    *,
    location: str | None = None,
    item_id: UUID | None = None,
) -> CommandResult:
    """The result body, with ETag (and Location for a created resource) set on the response."""
    response.headers["ETag"] = etag(receipt.version)
    if location is not None:
        response.headers["Location"] = location
    return CommandResult(
        id=receipt.aggregate_id,
        version=receipt.version,
        position=receipt.position,
        item_id=item_id,
    )
