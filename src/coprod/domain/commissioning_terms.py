"""The value types of co-commissioning: who took part, a tender's lots and weighted criteria.

Co-commissioning (DOMAIN.md §3) is the deepest level of co-production: residents define the
service need, design it with the council, and sit on the panel that scores the bids. These
values are stored inside the events of :mod:`coprod.domain.commissioning` and
:mod:`coprod.domain.tender`, so their stored names (``@stored_as``) must never change.

Participation is recorded in aggregate only (how many people of each group), never names, so a
need's or a session's record carries no personal data and its counts can be published after
disclosure control (DOMAIN.md §6).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from uuid import UUID

from coprod.domain.errors import InvalidInput
from coprod.domain.inputs import check_count
from coprod.domain.organisation import require_slug
from coprod.domain.stored import stored_as
from coprod.domain.values import require_text

__all__ = [
    "MAX_WEIGHT_TOTAL",
    "Criterion",
    "CriterionKind",
    "Lot",
    "PanelRole",
    "ParticipantGroup",
    "Participation",
    "RankedBid",
    "require_participation",
]

#: Criterion weights are percentages: a tender's weights add up to exactly this.
MAX_WEIGHT_TOTAL = Decimal(100)


@stored_as("participant_group")
class ParticipantGroup(Enum):
    """Who took part in defining a need or in a co-design session, as a group (never a name)."""

    RESIDENTS = "residents"
    SERVICE_USERS = "service_users"
    COMMUNITY_GROUPS = "community_groups"
    OFFICERS = "officers"
    PROVIDERS = "providers"
    OTHER = "other"


@stored_as("participation")
@dataclass(frozen=True)
class Participation:
    """How many people of one group took part: the aggregate the brief asks for, not a list."""

    group: ParticipantGroup
    count: int

    def __post_init__(self) -> None:
        if not isinstance(self.group, ParticipantGroup):
            raise InvalidInput("participants.group", f"{self.group!r} is not a participant group")
        check_count("participants.count", self.count, minimum=1)


def require_participation(
    participants: tuple[Participation, ...], *, residents_needed: bool
) -> tuple[Participation, ...]:
    """At least one group, each group once; a need defined "with residents" must include them."""
    if not participants:
        raise InvalidInput("participants", "name at least one group that took part, with a count")
    groups = [p.group for p in participants]
    if len(set(groups)) != len(groups):
        raise InvalidInput("participants", "names a group more than once; add the counts up")
    if residents_needed and not {ParticipantGroup.RESIDENTS, ParticipantGroup.SERVICE_USERS} & set(
        groups
    ):
        raise InvalidInput(
            "participants",
            "a co-commissioned need is defined with residents or service users; none took part",
            rule="co-commissioning-residents",
        )
    return participants


@stored_as("lot")
@dataclass(frozen=True)
class Lot:
    """One part of a tender that is awarded on its own (a tender has at least one)."""

    code: str
    title: str

    def __post_init__(self) -> None:
        require_slug(self.code)
        require_text("lot.title", self.title, max_length=200)


@stored_as("criterion_kind")
class CriterionKind(Enum):
    """QUALITY criteria are scored by the panel; PRICE is computed from the bids' prices.

    The price score is the usual lowest-price formula: the cheapest bid in the lot gets the
    full scale, another bid ``scale * lowest / price``, so nobody on the panel judges price.
    """

    QUALITY = "quality"
    PRICE = "price"


@stored_as("criterion")
@dataclass(frozen=True)
class Criterion:
    """An award criterion with its published weight (a percentage of the total)."""

    code: str
    title: str
    weight: Decimal
    kind: CriterionKind = CriterionKind.QUALITY

    def __post_init__(self) -> None:
        require_slug(self.code)
        require_text("criterion.title", self.title, max_length=200)
        if not isinstance(self.weight, Decimal) or not self.weight.is_finite():
            raise InvalidInput("criterion.weight", "must be a decimal number")
        if not Decimal(0) < self.weight <= MAX_WEIGHT_TOTAL:
            raise InvalidInput("criterion.weight", f"{self.weight} must be above 0 and at most 100")
        if not isinstance(self.kind, CriterionKind):
            raise InvalidInput("criterion.kind", f"{self.kind!r} is not a criterion kind")


@stored_as("panel_role")
class PanelRole(Enum):
    """The two kinds of evaluation panel member; a panel needs both before bids are opened."""

    RESIDENT = "resident"
    OFFICER = "officer"


@stored_as("ranked_bid")
@dataclass(frozen=True)
class RankedBid:
    """One line of the computed ranking stored with an award: place, bid and weighted total.

    ``total`` is out of 100 points: Σ weight * criterion score / scale. Stored with the award,
    so anyone can see whether the council followed its published weights.
    """

    place: int
    bid_id: UUID
    bidder_id: UUID
    total: Decimal
