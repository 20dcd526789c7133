"""Shapes every route shares: strict request bodies, money as strings, the command result.

Bodies forbid unknown fields, so a misspelt field is a 422 naming it, never silently
dropped. Money and other exact numbers travel as strings (``{"amount": "123.45",
"currency": "DKK"}``): a JSON float cannot hold 0.1 exactly.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Annotated, TypeVarTuple, overload
from uuid import UUID

from fastapi import Response
from pydantic import BaseModel, ConfigDict, Field

from api.http.fields import CurrencyCode
from api.http.idempotency import describe_command
from coprod.application import Receipt
from coprod.domain.errors import InvalidInput
from coprod.domain.values import Money

__all__ = [
    "API_PREFIX",
    "Body",
    "CommandResult",
    "DecimalText",
    "MoneyModel",
    "Problem",
    "View",
    "command_result",
    "decimal",
    "etag",
    "money_out",
    "run_command",
]

#: Where every route is mounted; Location headers name resources under it.
API_PREFIX = "/api/v1"

Args = TypeVarTuple("Args")

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
    currency: CurrencyCode

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


class ProblemField(BaseModel):
    field: str
    problem: str
    rule: str | None = Field(default=None, description="The check that failed, e.g. text-nul")


class Problem(BaseModel):
    """An ``application/problem+json`` refusal (RFC 9457), as api/http/errors.py writes it."""

    model_config = ConfigDict(extra="forbid")

    type: str = Field(examples=["urn:coprod:problem:not-found"])
    title: str
    status: int
    detail: str = Field(description="What went wrong and what to do about it")
    instance: str
    field: str | None = None
    rule: str | None = None
    kind: str | None = None
    current_version: int | None = None
    errors: list[ProblemField] | None = None


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


def run_command(
    response: Response,
    command: Callable[[*Args], Receipt],
    *args: *Args,
    created: str | None = None,
    item_id: UUID | None = None,
) -> CommandResult:
    """Call one application command and answer with what it recorded.

    Every command route ends the same way once its object-level check has passed, so the
    answer is built in one place: the ETag is the new version, and ``created`` (the
    collection, e.g. ``"processes"``) adds the Location of a newly made aggregate. The
    command's arguments stay type-checked against the application method. With an
    Idempotency-Key, the key's record learns the answer's Location and item id first, so
    that a retry after a crash gets the same answer rebuilt (see api/http/idempotency.py).
    """
    describe_command(
        None if created is None else lambda aggregate_id: f"{API_PREFIX}/{created}/{aggregate_id}",
        item_id,
    )
    receipt = command(*args)
    location = None if created is None else f"{API_PREFIX}/{created}/{receipt.aggregate_id}"
    return command_result(response, receipt, location=location, item_id=item_id)
