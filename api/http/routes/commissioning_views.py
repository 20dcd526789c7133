"""The answer of ``GET /tenders/{id}``: a tender's progress and outcome, built from the
commissioning read model's view (:class:`projections.commissioning.TenderView`)."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from pydantic import Field

from api.http.routes.common import MoneyModel, View
from projections.commissioning import TenderView

__all__ = ["TenderDetail", "detail_of"]


class ParticipationItem(View):
    session_code: str = Field(description="Empty for the definition of the need")
    held_on: date
    people: dict[str, int | None] = Field(
        description="People per group; null where disclosure control hides a count below k"
    )
    outputs: list[str]


class NeedItem(View):
    need_id: UUID
    code: str
    title: str
    description: str
    defined_on: date
    participation: list[ParticipationItem]


class BidItem(View):
    bid_id: UUID
    bidder_id: UUID
    bidder: str
    lot_code: str
    price: MoneyModel
    documents: list[str]


class RankedItem(View):
    place: int
    bidder: str
    total: str = Field(description="Weighted total out of 100 points")


class AwardItem(View):
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
    ranking: list[RankedItem]


class ContractItem(View):
    lot_code: str
    contract_id: UUID
    project_id: UUID
    value: MoneyModel
    starts_on: date
    ends_on: date
    signed_on: date


class ScoreItem(View):
    bid_id: UUID
    criterion_code: str
    member_id: UUID | None = Field(description="Null for the score agreed in moderation")
    score: str


class TenderDetail(View):
    """A tender: bids appear once opened; scores only for the council's officers/evaluators."""

    tender_id: UUID
    process_id: UUID
    code: str
    title: str
    stage: str = Field(description="open for bids, evaluation, awarded or contracted")
    need: NeedItem
    lots: list[dict[str, str]]
    criteria: list[dict[str, str]]
    scale: int
    deadline: datetime
    estimated_value: MoneyModel
    published_on: date
    opened: bool
    bid_count: int | None
    panel: dict[str, int | None] = Field(description="Members per role; null: hidden below k")
    panel_declared: int
    k: int = Field(description="The disclosure threshold the counts of people follow")
    bids: list[BidItem]
    awards: list[AwardItem]
    contracts: list[ContractItem]
    scores: list[ScoreItem]


def _money(amount: object, currency: str) -> MoneyModel:
    return MoneyModel(amount=str(amount), currency=currency)


def _need(view: TenderView) -> NeedItem:
    n = view.need
    return NeedItem(
        need_id=n.id,
        code=n.code,
        title=n.title,
        description=n.description,
        defined_on=n.defined_on,
        participation=[
            ParticipationItem(session_code=c, held_on=d, people=people, outputs=out)
            for c, d, people, out in n.participation
        ],
    )


def _awards(view: TenderView) -> list[AwardItem]:
    return [
        AwardItem(
            lot_code=a.lot_code,
            award_id=a.award_id,
            bid_id=a.bid_id,
            bidder=a.bidder,
            decided_on=a.decided_on,
            standstill_ends=a.standstill_ends,
            followed_ranking=a.followed_ranking,
            departure_reason=a.departure_reason,
            legal_basis=a.legal_basis,
            main_considerations=a.main_considerations,
            ranking=[RankedItem(place=p, bidder=b, total=str(t)) for p, b, t in a.ranking],
        )
        for a in view.awards
    ]


def detail_of(view: TenderView) -> TenderDetail:
    """The HTTP answer for a tender view."""
    cur = view.currency
    return TenderDetail(
        tender_id=view.id,
        process_id=view.process_id,
        code=view.code,
        title=view.title,
        stage=view.stage,
        need=_need(view),
        lots=view.lots,
        criteria=view.criteria,
        scale=view.scale,
        deadline=view.deadline,
        estimated_value=_money(view.estimated_value, cur),
        published_on=view.published_on,
        opened=view.opened,
        bid_count=view.bid_count,
        panel=view.panel,
        panel_declared=view.panel_declared,
        k=view.k,
        bids=[
            BidItem(
                bid_id=b.id,
                bidder_id=b.bidder_id,
                bidder=b.bidder,
                lot_code=b.lot_code,
                price=_money(b.price, cur),
                documents=b.documents,
            )
            for b in view.bids
        ],
        awards=_awards(view),
        contracts=[
            ContractItem(
                lot_code=c.lot_code,
                contract_id=c.contract_id,
                project_id=c.project_id,
                value=_money(c.value, cur),
                starts_on=c.starts_on,
                ends_on=c.ends_on,
                signed_on=c.signed_on,
            )
            for c in view.contracts
        ],
        scores=[
            ScoreItem(bid_id=b, criterion_code=c, member_id=m, score=str(s))
            for b, c, m, s in view.scores
        ],
    )
