"""The request bodies and answers of the co-commissioning routes (see :mod:`.commissioning`).

Each body turns into the domain's own value (``to_...``), whose checks run at once: a bad
weight or an unknown participant group is a 422 naming the field, and nothing is written.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import Field

from api.http.fields import BusinessDate, Code, Count, Instant, Prose, Title, Url
from api.http.routes.common import Body, DecimalText, MoneyModel, View, decimal
from api.http.routes.decisions import RecordModel
from coprod.domain.commissioning import NeedDefinition, SessionRecord
from coprod.domain.commissioning_terms import (
    Criterion,
    CriterionKind,
    Lot,
    PanelRole,
    ParticipantGroup,
    Participation,
)
from coprod.domain.tender_checks import AwardTerms, BidTerms, ContractTerms, TenderTerms

__all__ = [
    "AwardBody",
    "BidBody",
    "ContractBody",
    "NeedBody",
    "PanelBody",
    "ScoreBody",
    "SessionBody",
    "TenderBody",
    "TenderItem",
    "TenderList",
]


class ParticipationModel(Body):
    group: ParticipantGroup
    count: Count


def _participants(items: list[ParticipationModel]) -> tuple[Participation, ...]:
    return tuple(Participation(p.group, p.count) for p in items)


class NeedBody(Body):
    """A service need defined with residents: who took part, in counts per group."""

    code: Code
    title: Title
    description: Prose
    participants: list[ParticipationModel] = Field(max_length=10)
    defined_on: BusinessDate

    def to_need(self) -> NeedDefinition:
        parts = _participants(self.participants)
        return NeedDefinition(self.code, self.title, self.description, parts, self.defined_on)


class SessionBody(Body):
    """A co-design session: its code, date, participants by group and outputs."""

    code: Code
    held_on: BusinessDate
    participants: list[ParticipationModel] = Field(max_length=10)
    outputs: list[Prose] = Field(max_length=20)

    def to_session(self) -> SessionRecord:
        parts = _participants(self.participants)
        return SessionRecord(self.code, self.held_on, parts, tuple(self.outputs))


class LotModel(Body):
    code: Code
    title: Title


class CriterionModel(Body):
    code: Code
    title: Title
    weight: DecimalText = Field(description="Its weight in percent; the weights add up to 100")
    kind: CriterionKind = CriterionKind.QUALITY


class TenderBody(Body):
    """A tender: lots, weighted criteria, the score scale, the bid deadline and its value."""

    code: Code
    title: Title
    lots: list[LotModel] = Field(max_length=50)
    criteria: list[CriterionModel] = Field(max_length=50)
    scale: Count = Field(description="Scores run from 0 to this (at most 100)")
    deadline: Instant
    estimated_value: MoneyModel

    def to_terms(self) -> TenderTerms:
        lots = tuple(Lot(lot.code, lot.title) for lot in self.lots)
        criteria = tuple(
            Criterion(c.code, c.title, decimal("weight", c.weight), c.kind) for c in self.criteria
        )
        value = self.estimated_value.to_money()
        return TenderTerms(self.code, self.title, lots, criteria, self.scale, self.deadline, value)


class PanelBody(Body):
    member_id: UUID = Field(description="The person's id (pseudonymous; never a name)")
    role: PanelRole


class ConflictsBody(Body):
    conflicted_bidders: list[UUID] = Field(default=[], max_length=500)


class BidBody(Body):
    bidder_id: UUID
    lot_code: Code
    price: MoneyModel
    documents: list[Url] = Field(default=[], max_length=20)

    def to_bid(self) -> BidTerms:
        price = self.price.to_money()
        return BidTerms(self.bidder_id, self.lot_code, price, tuple(self.documents))


class ScoreBody(Body):
    bid_id: UUID
    criterion_code: Code
    score: DecimalText
    note: Prose | None = None


class ModerationBody(Body):
    bid_id: UUID
    criterion_code: Code
    score: DecimalText
    reason: Prose


class AwardBody(Body):
    """An award needs the full record (it is adverse to every other bidder) and a standstill."""

    lot_code: Code
    bid_id: UUID
    record: RecordModel
    decided_on: BusinessDate
    standstill_days: Count
    departure_reason: Prose | None = None

    def to_award(self) -> AwardTerms:
        return AwardTerms(
            self.lot_code,
            self.bid_id,
            self.record.to_record(),
            self.decided_on,
            self.standstill_days,
            self.departure_reason,
        )


class ContractBody(Body):
    lot_code: Code
    value: MoneyModel
    starts_on: BusinessDate
    ends_on: BusinessDate
    signed_on: BusinessDate

    def to_contract(self) -> ContractTerms:
        value = self.value.to_money()
        return ContractTerms(self.lot_code, value, self.starts_on, self.ends_on, self.signed_on)


class TenderItem(View):
    tender_id: UUID
    code: str
    title: str
    need_title: str
    deadline: datetime
    stage: str = Field(description="open for bids, evaluation, awarded or contracted")


class TenderList(View):
    items: list[TenderItem]
