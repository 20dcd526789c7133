"""What each tender command says, and the checks on it before any event is recorded.

One frozen value per command (the terms of a tender, a bid, an award, a contract), so the
use cases and the doors pass a command whole, and :mod:`coprod.domain.tender` reads as the
tender's life rather than as field checks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from coprod.domain.commissioning_terms import (
    MAX_WEIGHT_TOTAL,
    Criterion,
    CriterionKind,
    Lot,
    RankedBid,
)
from coprod.domain.dates import latest_today
from coprod.domain.decision import DecisionRecord
from coprod.domain.errors import InvalidInput, RuleViolation
from coprod.domain.inputs import check_business_date, check_count, check_instant
from coprod.domain.organisation import require_slug
from coprod.domain.project_state import require_http_url
from coprod.domain.values import Money, require_positive, require_text

__all__ = [
    "Award",
    "AwardTerms",
    "Bid",
    "BidTerms",
    "ConflictOfInterest",
    "Contract",
    "ContractTerms",
    "TenderTerms",
    "check_award",
    "check_bid",
    "check_contract",
    "check_score",
    "check_tender",
]

_DOCUMENTS_MAX = 20
_SCALE_MAX = 100


@dataclass(frozen=True)
class TenderTerms:
    """A tender as published: lots, weighted criteria, the score scale, deadline and value."""

    code: str
    title: str
    lots: tuple[Lot, ...]
    criteria: tuple[Criterion, ...]
    scale: int
    deadline: datetime
    estimated_value: Money


@dataclass(frozen=True)
class BidTerms:
    """A bid: which organisation bids on which lot, at what price, with links to its documents."""

    bidder_id: UUID
    lot_code: str
    price: Money
    documents: tuple[str, ...] = ()


@dataclass(frozen=True)
class AwardTerms:
    """An award: the lot, the winning bid, the decision record, and the standstill period.

    ``departure_reason`` is required when the bid is not first in the computed ranking.
    """

    lot_code: str
    bid_id: UUID
    record: DecisionRecord
    decided_on: date
    standstill_days: int
    departure_reason: str | None = None


@dataclass(frozen=True)
class ContractTerms:
    """The contract signed with the awarded bidder: value and the period of delivery."""

    lot_code: str
    value: Money
    starts_on: date
    ends_on: date
    signed_on: date


class ConflictOfInterest(RuleViolation):
    """A panel member acted on a bid without declaring, or scored a bidder they are tied to."""

    rule = "conflict-of-interest"


@dataclass(frozen=True)
class Bid:
    """A bid as the tender keeps it (the latest submission of a bidder for a lot)."""

    bid_id: UUID
    bidder_id: UUID
    lot_code: str
    price: Money


@dataclass(frozen=True)
class Award:
    """An awarded lot: the winning bid, the ranking, when the standstill ends, the record."""

    award_id: UUID
    bid_id: UUID
    ranking: tuple[RankedBid, ...]
    standstill_ends: date
    terms: AwardTerms


@dataclass(frozen=True)
class Contract:
    """A signed contract: its id and terms (the project that delivers it derives from its bid)."""

    contract_id: UUID
    bid_id: UUID
    terms: ContractTerms


def check_tender(terms: TenderTerms, now: datetime) -> TenderTerms:
    """Refuse a tender whose lots, weights, scale, deadline or value cannot work."""
    require_slug(terms.code)
    require_text("title", terms.title, max_length=200)
    _unique("lots", [lot.code for lot in terms.lots])
    _unique("criteria", [c.code for c in terms.criteria])
    total = sum((c.weight for c in terms.criteria), Decimal(0))
    if total != MAX_WEIGHT_TOTAL:
        raise InvalidInput(
            "criteria", f"the weights add up to {total}; they must add up to 100", rule="weights"
        )
    if sum(1 for c in terms.criteria if c.kind is CriterionKind.PRICE) > 1:
        raise InvalidInput("criteria", "at most one price criterion")
    check_count("scale", terms.scale, minimum=1, maximum=_SCALE_MAX)
    deadline = check_instant("deadline", terms.deadline)
    if deadline <= now:
        raise InvalidInput("deadline", f"{deadline.isoformat()} has passed; bids need time")
    require_positive("estimated_value", terms.estimated_value)
    return terms


def check_bid(terms: BidTerms, currency: str) -> BidTerms:
    """A positive price in the tender's currency and at most 20 http(s) document links."""
    require_slug(terms.lot_code)
    require_positive("price", terms.price)
    if terms.price.currency != currency:
        raise InvalidInput("price", f"must be in {currency}, the tender's currency")
    if len(terms.documents) > _DOCUMENTS_MAX:
        raise InvalidInput("documents", f"at most {_DOCUMENTS_MAX} links")
    for i, url in enumerate(terms.documents):
        require_http_url(f"documents[{i}]", url)
    return terms


def check_award(terms: AwardTerms) -> AwardTerms:
    """A decision date up to today, a standstill of at least one day, a bounded reason."""
    check_business_date("decided_on", terms.decided_on, latest=latest_today())
    check_count("standstill_days", terms.standstill_days, minimum=1, maximum=365)
    if terms.departure_reason is not None:
        require_text("departure_reason", terms.departure_reason, max_length=5_000)
    return terms


def check_contract(terms: ContractTerms, currency: str) -> ContractTerms:
    """A positive value in the tender's currency, a period that ends after it starts."""
    require_positive("value", terms.value)
    if terms.value.currency != currency:
        raise InvalidInput("value", f"must be in {currency}, the tender's currency")
    check_business_date("signed_on", terms.signed_on, latest=latest_today())
    check_business_date("starts_on", terms.starts_on)
    check_business_date("ends_on", terms.ends_on)
    if terms.ends_on < terms.starts_on:
        raise InvalidInput("ends_on", "is before starts_on")
    return terms


def check_score(score: Decimal, scale: int) -> Decimal:
    """A finite number on the tender's scale, 0 to `scale`."""
    if (
        not isinstance(score, Decimal)
        or not score.is_finite()
        or not Decimal(0) <= score <= Decimal(scale)
    ):
        raise InvalidInput("score", f"must be a number from 0 to {scale}")
    return score


def _unique(field: str, codes: list[str]) -> None:
    if not codes:
        raise InvalidInput(field, "name at least one")
    if len(set(codes)) != len(codes):
        raise InvalidInput(field, "a code appears more than once")
