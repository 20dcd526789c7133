"""Reference parameters a council loads for its impact reports: census shares and hourly rates.

Representation ratios need the population's shares per group (DOMAIN.md §4) and volunteer
value needs an hourly rate; both change over time and every published figure must say which
version it used, so each load is a new event with its source and reference year. The version
in force at time T is the last load at or before T; nothing is edited in place. One aggregate
per (council, dimension) and per (council, currency), with a natural id, so the history of one
parameter is one stream.

Rates are applied at projection time only, never copied into contribution events: a better
rate later revalues past hours without touching what the volunteers logged.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from uuid import UUID

from eventsourcing.domain import event

from coprod.domain.aggregate import CoprodAggregate, keep_stored_topics, natural_id
from coprod.domain.ballot import AgeBand, Sex
from coprod.domain.errors import InvalidInput, RuleViolation
from coprod.domain.stored import stored_as
from coprod.domain.values import Actor, Money, Role, require_positive, require_text

#: Shares must add up to one within this tolerance (published census tables are rounded).
SHARE_TOLERANCE = Decimal("0.001")
QUINTILES = ("1", "2", "3", "4", "5")


@stored_as("census_dimension")
class CensusDimension(Enum):
    """The characteristics a representation ratio is computed over (DOMAIN.md §4)."""

    AGE_BAND = "age_band"
    SEX = "sex"
    AREA = "area"
    DEPRIVATION_QUINTILE = "deprivation_quintile"


@stored_as("group_share")
@dataclass(frozen=True)
class GroupShare:
    """One group's share of the reference population, e.g. ("25-34", 0.17)."""

    group: str
    share: Decimal

    def __post_init__(self) -> None:
        require_text("group", self.group, max_length=40)
        if isinstance(self.share, float) or not isinstance(self.share, Decimal):
            raise InvalidInput("share", f"must be a Decimal, not {type(self.share).__name__}")
        if not self.share.is_finite() or not Decimal(0) <= self.share <= Decimal(1):
            raise InvalidInput(
                "share", f"{self.group}: {self.share} is not between 0 and 1", rule="share-range"
            )


@stored_as("area_quintile")
@dataclass(frozen=True)
class AreaQuintile:
    """Which deprivation quintile (1 = most deprived) an area falls in, so ballots can be placed."""

    area_code: str
    quintile: int

    def __post_init__(self) -> None:
        require_text("area_code", self.area_code, max_length=40)
        if isinstance(self.quintile, bool) or self.quintile not in range(1, 6):
            raise InvalidInput("quintile", f"{self.area_code}: must be 1 to 5")


def _require_officer(actor: Actor, doing: str) -> None:
    if actor.role not in (Role.COUNCIL_OFFICER, Role.SYSTEM):
        raise RuleViolation(
            f"only a council officer may {doing}; you act as {actor.role.value}",
            rule="permission",
        )


def _require_year(year: int) -> None:
    if isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 2100:
        raise InvalidInput(
            "reference_year", f"{year!r} is not a year between 1900 and 2100", rule="year"
        )


#: The groups a dimension may have, when it has a closed vocabulary (None: any codes).
_VOCABULARY: dict[CensusDimension, tuple[str, ...] | None] = {
    CensusDimension.AGE_BAND: tuple(a.value for a in AgeBand),
    CensusDimension.SEX: tuple(s.value for s in Sex),
    CensusDimension.AREA: None,
    CensusDimension.DEPRIVATION_QUINTILE: QUINTILES,
}


def check_shares(
    dimension: CensusDimension,
    shares: tuple[GroupShare, ...],
    area_quintiles: tuple[AreaQuintile, ...],
) -> None:
    """Refuse shares that do not describe one population: unknown groups, repeats, sum != 1."""
    if not isinstance(dimension, CensusDimension):
        raise InvalidInput(
            "dimension", f"{dimension!r} is not one of {_values(CensusDimension)}", rule="dimension"
        )
    if not shares:
        raise InvalidInput("shares", "give at least one group", rule="no-data")
    groups = [s.group for s in shares]
    if len(set(groups)) != len(groups):
        raise InvalidInput("shares", "a group appears more than once", rule="group-repeated")
    allowed = _VOCABULARY[dimension]
    if allowed is not None:
        unknown = [g for g in groups if g not in allowed]
        if unknown:
            raise InvalidInput(
                "shares",
                f"{', '.join(unknown)} not a {dimension.value} group ({', '.join(allowed)})",
            )
    total = sum((s.share for s in shares), Decimal(0))
    if abs(total - 1) > SHARE_TOLERANCE:
        raise InvalidInput(
            "shares", f"add up to {total}, not 1 (± {SHARE_TOLERANCE})", rule="shares-sum"
        )
    if dimension is CensusDimension.DEPRIVATION_QUINTILE:
        if not area_quintiles:
            raise InvalidInput(
                "area_quintiles", "deprivation shares need the area -> quintile mapping"
            )
        codes = [a.area_code for a in area_quintiles]
        if len(set(codes)) != len(codes):
            raise InvalidInput("area_quintiles", "an area appears more than once")
    elif area_quintiles:
        raise InvalidInput("area_quintiles", "only deprivation quintile shares carry a mapping")


class CensusShares(CoprodAggregate):
    """The reference population of one council for one dimension, every version loaded."""

    class CensusSharesOpened(CoprodAggregate.Created):
        """The first load of a (council, dimension) opened its history."""

        council_id: UUID
        dimension: CensusDimension

    class CensusSharesLoaded(CoprodAggregate.Event):
        """A version of the shares, with its source; in force from now until the next load.

        Council and dimension are repeated so a reader needs no other event to place it.
        """

        council_id: UUID
        dimension: CensusDimension
        shares: tuple[GroupShare, ...]
        area_quintiles: tuple[AreaQuintile, ...]
        source: str
        reference_year: int

    @staticmethod
    def create_id(council_id: UUID, dimension: CensusDimension) -> UUID:
        return natural_id("census_shares", council_id, dimension.value)

    @event(CensusSharesOpened)
    def __init__(self, actor: Actor, council_id: UUID, dimension: CensusDimension) -> None:
        self.council_id = council_id
        self.dimension = dimension
        self.shares: tuple[GroupShare, ...] = ()
        self.area_quintiles: tuple[AreaQuintile, ...] = ()
        self.source: str | None = None
        self.reference_year: int | None = None

    @classmethod
    def open(cls, actor: Actor, council_id: UUID, dimension: CensusDimension) -> CensusShares:
        _require_officer(actor, "load census shares")
        if not isinstance(dimension, CensusDimension):
            raise InvalidInput(
                "dimension", f"{dimension!r} is not one of {_values(CensusDimension)}"
            )
        return cls(actor=actor, council_id=council_id, dimension=dimension)

    def load(
        self,
        actor: Actor,
        shares: tuple[GroupShare, ...],
        source: str,
        reference_year: int,
        area_quintiles: tuple[AreaQuintile, ...] = (),
    ) -> None:
        """Load a new version; refused unless the shares add up to one population."""
        _require_officer(actor, "load census shares")
        check_shares(self.dimension, tuple(shares), tuple(area_quintiles))
        source = require_text("source", source, max_length=1_000)
        _require_year(reference_year)
        self._load(
            actor=actor,
            council_id=self.council_id,
            dimension=self.dimension,
            shares=tuple(shares),
            area_quintiles=tuple(area_quintiles),
            source=source,
            reference_year=reference_year,
        )

    @event(CensusSharesLoaded)
    def _load(
        self,
        actor: Actor,
        council_id: UUID,
        dimension: CensusDimension,
        shares: tuple[GroupShare, ...],
        area_quintiles: tuple[AreaQuintile, ...],
        source: str,
        reference_year: int,
    ) -> None:
        self.shares = shares
        self.area_quintiles = area_quintiles
        self.source = source
        self.reference_year = reference_year


@dataclass(frozen=True)
class RateSet:
    """An hourly volunteer rate as a range, with where it comes from (never stored in logs)."""

    floor: Money
    central: Money
    upper: Money
    source: str
    reference_year: int


def check_rates(floor: Money, central: Money, upper: Money) -> None:
    """A range must be in one currency, positive and ordered floor <= central <= upper."""
    for name, money in (("floor", floor), ("central", central), ("upper", upper)):
        if not isinstance(money, Money):
            raise InvalidInput(name, f"must be Money, not {type(money).__name__}")
        require_positive(name, money)
    if not floor <= central:
        raise InvalidInput("central", f"{central} is below the floor {floor}", rule="rates-order")
    if not central <= upper:
        raise InvalidInput(
            "upper", f"{upper} is below the central rate {central}", rule="rates-order"
        )


def _rate(amount: str, currency: str) -> Money:
    return Money(Decimal(amount), currency)


#: Shipped defaults (DOMAIN.md §4), used when a council loaded none for its currency. Where
#: the brief gives no figure for a bound, the bound repeats the nearest given one, and the
#: source text says so; a council that has better figures loads them.
DEFAULT_RATES: dict[str, RateSet] = {
    "DKK": RateSet(
        floor=_rate("200", "DKK"),
        central=_rate("200", "DKK"),
        upper=_rate("327", "DKK"),
        source=(
            "floor and central: 200 DKK/h, SDU for DGI 2013 (replacement cost); upper: "
            "327 DKK/h, Danmarks Statistik 2016 (total labour cost)"
        ),
        reference_year=2016,
    ),
    "GBP": RateSet(
        floor=_rate("11.44", "GBP"),
        central=_rate("18.64", "GBP"),
        upper=_rate("18.64", "GBP"),
        source=(
            "floor: £11.44/h, National Living Wage 2024; central and upper: £18.64/h, "
            "ONS ASHE 2024 median (no separate upper figure)"
        ),
        reference_year=2024,
    ),
    "USD": RateSet(
        floor=_rate("31.80", "USD"),
        central=_rate("31.80", "USD"),
        upper=_rate("31.80", "USD"),
        source="$31.80/h, Independent Sector, 2022 data (one figure for all three bounds)",
        reference_year=2022,
    ),
}


class VolunteerRates(CoprodAggregate):
    """The hourly volunteer rates one council uses in one currency, every version loaded."""

    class VolunteerRatesOpened(CoprodAggregate.Created):
        """The first load of a (council, currency) opened its history."""

        council_id: UUID
        currency: str

    class VolunteerRatesLoaded(CoprodAggregate.Event):
        """A version of the rate range, with its source; in force from now until the next load.

        The council is repeated so a reader needs no other event to place it.
        """

        council_id: UUID
        floor: Money
        central: Money
        upper: Money
        source: str
        reference_year: int

    @staticmethod
    def create_id(council_id: UUID, currency: str) -> UUID:
        return natural_id("volunteer_rates", council_id, currency)

    @event(VolunteerRatesOpened)
    def __init__(self, actor: Actor, council_id: UUID, currency: str) -> None:
        self.council_id = council_id
        self.currency = currency
        self.rates: RateSet | None = None

    @classmethod
    def open(cls, actor: Actor, council_id: UUID, currency: str) -> VolunteerRates:
        _require_officer(actor, "load volunteer rates")
        Money.of(0, currency)  # validates the currency code
        return cls(actor=actor, council_id=council_id, currency=currency)

    def load(
        self,
        actor: Actor,
        floor: Money,
        central: Money,
        upper: Money,
        source: str,
        reference_year: int,
    ) -> None:
        """Load a new version; refused unless ordered, positive and in this currency."""
        _require_officer(actor, "load volunteer rates")
        check_rates(floor, central, upper)
        if floor.currency != self.currency:
            raise InvalidInput("floor", f"is in {floor.currency}; these rates are {self.currency}")
        source = require_text("source", source, max_length=1_000)
        _require_year(reference_year)
        self._load(
            actor=actor,
            council_id=self.council_id,
            floor=floor,
            central=central,
            upper=upper,
            source=source,
            reference_year=reference_year,
        )

    @event(VolunteerRatesLoaded)
    def _load(
        self,
        actor: Actor,
        council_id: UUID,
        floor: Money,
        central: Money,
        upper: Money,
        source: str,
        reference_year: int,
    ) -> None:
        self.rates = RateSet(floor, central, upper, source, reference_year)


def _values(enum_cls: type[Enum]) -> str:
    return ", ".join(m.value for m in enum_cls)


keep_stored_topics("coprod.parameters", CensusShares, VolunteerRates)
