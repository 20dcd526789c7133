"""Commands of co-commissioning: a need, its co-design, a tender, bids, the panel, the award.

Each is handled by the :class:`coprod.application.Coprod` method of the same name in snake
case (``app.publish_tender(PublishTender(...), actor)``). The terms of a tender, a bid, an
award and a contract are the domain's own values (:mod:`coprod.domain.tender_checks`), so every
door builds the same value and the aggregate checks it once.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID

from coprod.application.commands import Command
from coprod.domain.commissioning import NeedDefinition, SessionRecord
from coprod.domain.commissioning_terms import PanelRole
from coprod.domain.tender_checks import AwardTerms, BidTerms, ContractTerms, TenderTerms

__all__ = [
    "AppointPanelMember",
    "AwardTender",
    "DeclareConflicts",
    "DefineServiceNeed",
    "HoldCoDesignSession",
    "ModerateScore",
    "OpenBids",
    "PublishTender",
    "ScoreBid",
    "SignContract",
    "SubmitBid",
]


@dataclass(frozen=True, kw_only=True)
class DefineServiceNeed(Command):
    """An officer records a service need defined with residents, in a process of their council."""

    process_id: UUID
    need: NeedDefinition


@dataclass(frozen=True, kw_only=True)
class HoldCoDesignSession(Command):
    """An officer records a co-design session of a need: date, participants by group, outputs."""

    need_id: UUID
    session: SessionRecord
    expected_version: int | None = None


@dataclass(frozen=True, kw_only=True)
class PublishTender(Command):
    """An officer publishes a tender for a need: lots, weighted criteria, deadline, value."""

    need_id: UUID
    terms: TenderTerms


@dataclass(frozen=True, kw_only=True)
class AppointPanelMember(Command):
    """An officer appoints a resident or an officer (a person id) to the evaluation panel."""

    tender_id: UUID
    member_id: UUID
    role: PanelRole
    expected_version: int | None = None


@dataclass(frozen=True, kw_only=True)
class DeclareConflicts(Command):
    """A panel member declares the bidders they have an interest in, before seeing the bids."""

    tender_id: UUID
    conflicted_bidders: tuple[UUID, ...] = ()
    expected_version: int | None = None


@dataclass(frozen=True, kw_only=True)
class SubmitBid(Command):
    """A bidder (or an officer receiving a bid on paper) submits a bid before the deadline."""

    tender_id: UUID
    bid: BidTerms
    expected_version: int | None = None


@dataclass(frozen=True, kw_only=True)
class OpenBids(Command):
    """An officer opens the sealed bids after the deadline."""

    tender_id: UUID
    expected_version: int | None = None


@dataclass(frozen=True, kw_only=True)
class ScoreBid(Command):
    """A panel member scores a bid on a quality criterion."""

    tender_id: UUID
    bid_id: UUID
    criterion_code: str
    score: Decimal
    note: str | None = None
    expected_version: int | None = None


@dataclass(frozen=True, kw_only=True)
class ModerateScore(Command):
    """An officer records the score the panel agreed in moderation, with the reason."""

    tender_id: UUID
    bid_id: UUID
    criterion_code: str
    score: Decimal
    reason: str
    expected_version: int | None = None


@dataclass(frozen=True, kw_only=True)
class AwardTender(Command):
    """An officer awards a lot with the full decision record and a standstill period."""

    tender_id: UUID
    award: AwardTerms
    expected_version: int | None = None


@dataclass(frozen=True, kw_only=True)
class SignContract(Command):
    """An officer records the contract for an awarded lot; delivery starts as a project."""

    tender_id: UUID
    contract: ContractTerms
    expected_version: int | None = None
