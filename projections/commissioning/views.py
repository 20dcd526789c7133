"""What the commissioning queries return: plain values for pages, HTTP and exports."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

__all__ = [
    "AwardView",
    "BidView",
    "ContractView",
    "NeedView",
    "TenderSummary",
    "TenderView",
    "stage_of",
]


@dataclass(frozen=True)
class TenderSummary:
    """One line of a process's tenders."""

    id: UUID
    code: str
    title: str
    need_title: str
    deadline: datetime
    stage: str  # "open for bids" | "evaluation" | "awarded" | "contracted"


@dataclass(frozen=True)
class NeedView:
    """The need a tender commissions, and who took part in defining and designing it."""

    id: UUID
    code: str
    title: str
    description: str
    defined_on: date
    #: (session code or "" for the definition, date, {group: people}, outputs); a count of
    #: people is None where disclosure control hides it (public views)
    participation: list[tuple[str, date, dict[str, int | None], list[str]]]


@dataclass(frozen=True)
class BidView:
    """An opened bid."""

    id: UUID
    bidder_id: UUID
    bidder: str
    lot_code: str
    price: Decimal
    documents: list[str]


@dataclass(frozen=True)
class AwardView:
    """An awarded lot with the ranking the published weights gave."""

    lot_code: str
    award_id: UUID
    bid_id: UUID
    bidder: str
    decided_on: date
    standstill_ends: date
    followed_ranking: bool
    departure_reason: str | None
    legal_basis: list[str]
    main_considerations: list[str]
    #: (place, bidder name, total out of 100)
    ranking: list[tuple[int, str, Decimal]]


@dataclass(frozen=True)
class ContractView:
    """The contract of a lot, and the project that delivers it."""

    lot_code: str
    contract_id: UUID
    project_id: UUID
    value: Decimal
    starts_on: date
    ends_on: date
    signed_on: date


@dataclass(frozen=True)
class TenderView:
    """A tender's progress and outcome, as the public may see it (``scores`` when full)."""

    id: UUID
    process_id: UUID
    council_id: UUID
    code: str
    title: str
    need: NeedView
    lots: list[dict[str, str]]
    criteria: list[dict[str, str]]
    scale: int
    deadline: datetime
    estimated_value: Decimal
    currency: str
    published_on: date
    opened: bool
    bid_count: int | None
    #: members by role; None where disclosure control hides a count (public views)
    panel: dict[str, int | None]
    panel_declared: int
    #: the process's disclosure threshold the counts were published under
    k: int
    bids: list[BidView] = field(default_factory=list)
    awards: list[AwardView] = field(default_factory=list)
    contracts: list[ContractView] = field(default_factory=list)
    #: (bid id, criterion, member id or None for moderated, score); empty unless full
    scores: list[tuple[UUID, str, UUID | None, Decimal]] = field(default_factory=list)

    @property
    def stage(self) -> str:
        """Where the tender is: open for bids, evaluation, awarded or contracted."""
        return stage_of(self.opened, len(self.awards), len(self.contracts), len(self.lots))


def stage_of(opened: bool, awards: int, contracts: int, lots: int) -> str:
    if contracts >= lots:
        return "contracted"
    if awards >= lots:
        return "awarded"
    return "evaluation" if opened else "open for bids"
