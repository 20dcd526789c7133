"""The ranking a tender's published weights give: the yardstick every award is held to.

An award must follow the weights the tender published (issue 15): the write side computes the
ranking from the panel's scores when the award is made and stores it with the award, so an
award that departs from it is visible and must give its reasons.

Per bid and criterion, the score used is the moderated score when the panel agreed one, else
the mean of the members' scores; the price criterion is computed (``scale * lowest / price``).
The total is Σ weight * score / scale, out of 100 points. Ties are ordered by the lower price,
then by the bidder's id, so the ranking is the same on every replay.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID

from coprod.domain.commissioning_terms import Criterion, CriterionKind, RankedBid
from coprod.domain.errors import RuleViolation

__all__ = ["BidToRank", "ScoresNotComplete", "rank_bids"]

_POINTS = Decimal("0.0001")


class ScoresNotComplete(RuleViolation):
    """A bid lacks a score on a criterion the panel scores: there is no ranking to follow yet."""

    rule = "scores-complete"


@dataclass(frozen=True)
class BidToRank:
    """What the ranking reads of one bid."""

    bid_id: UUID
    bidder_id: UUID
    price: Decimal


def rank_bids(
    criteria: Sequence[Criterion],
    scale: int,
    bids: Iterable[BidToRank],
    scores: Mapping[tuple[UUID, str], Sequence[Decimal]],
    moderated: Mapping[tuple[UUID, str], Decimal],
) -> tuple[RankedBid, ...]:
    """Rank `bids` by weighted total; refuse while any bid lacks a quality score."""
    bids = list(bids)
    lowest = min((b.price for b in bids), default=Decimal(0))
    totals = []
    for bid in bids:
        total = Decimal(0)
        for criterion in criteria:
            if criterion.kind is CriterionKind.PRICE:
                value = Decimal(scale) * lowest / bid.price
            else:
                value = _quality_score(bid.bid_id, criterion.code, scores, moderated)
            total += criterion.weight * value / Decimal(scale)
        totals.append((total.quantize(_POINTS), bid))
    totals.sort(key=lambda item: (-item[0], item[1].price, item[1].bidder_id.hex))
    return tuple(
        RankedBid(place, bid.bid_id, bid.bidder_id, total)
        for place, (total, bid) in enumerate(totals, start=1)
    )


def _quality_score(
    bid_id: UUID,
    code: str,
    scores: Mapping[tuple[UUID, str], Sequence[Decimal]],
    moderated: Mapping[tuple[UUID, str], Decimal],
) -> Decimal:
    if (bid_id, code) in moderated:
        return moderated[(bid_id, code)]
    given = scores.get((bid_id, code), ())
    if not given:
        raise ScoresNotComplete(
            f"bid {bid_id} has no score on criterion {code!r}: the panel must score every bid on "
            "every quality criterion (or agree a moderated score) before the award"
        )
    return sum(given, Decimal(0)) / len(given)
