"""The demo council's reference parameters: census shares and volunteer rates.

Without census shares the impact report can say who voted but not whether they resemble the
population (q_g, RR_g, gap and D stay null); without rates it cannot value volunteer hours.
The figures are invented for Demo City but shaped like a Danish municipality's, and their
source text says so, so nobody mistakes them for real statistics.
"""

from __future__ import annotations

from decimal import Decimal

from api.demo.base import SeederBase
from api.demo.data import AREAS
from coprod.application.commands.parameters import LoadCensusShares, LoadVolunteerRates
from coprod.domain.parameters import AreaQuintile, CensusDimension, GroupShare

CENSUS_SOURCE = (
    "Demo City population register, 1 January 2025 (invented figures, "
    "shaped like Statistics Denmark's FOLK1A)"
)
DEPRIVATION_SOURCE = "Demo City area deprivation index 2024 (invented, quintile 1 = most deprived)"
RATES_SOURCE = (
    "Demo City volunteer valuation 2025 (invented): floor the lowest collective-agreement "
    "wage, central the median hourly earnings, upper the cost of paid staff"
)
#: Residents aged 16+ by age band: older than the voters, so the young are over-represented.
AGE_SHARES = (
    ("16-24", "0.13"),
    ("25-34", "0.17"),
    ("35-44", "0.15"),
    ("45-54", "0.16"),
    ("55-64", "0.15"),
    ("65-74", "0.13"),
    ("75+", "0.11"),
)
SEX_SHARES = (("female", "0.505"), ("male", "0.490"), ("other", "0.005"))
#: Deprivation quintile of each area (1 = most deprived), following the areas' need weights.
AREA_QUINTILES = (("west", 1), ("harbour", 2), ("north", 4), ("old-town", 5))


def _shares(pairs: tuple[tuple[str, str], ...]) -> tuple[GroupShare, ...]:
    return tuple(GroupShare(group, Decimal(share)) for group, share in pairs)


def area_shares() -> tuple[GroupShare, ...]:
    """Each area's share of the population, rounded to 0.001, the last taking the rest."""
    total = sum(a.population or 0 for a in AREAS)
    shares = [
        (a.code, (Decimal(a.population or 0) / total).quantize(Decimal("0.001"))) for a in AREAS
    ]
    rest = Decimal(1) - sum((s for _, s in shares[:-1]), Decimal(0))
    shares[-1] = (shares[-1][0], rest)
    return tuple(GroupShare(code, share) for code, share in shares)


class ParameterSteps(SeederBase):
    """The council loads its census shares and volunteer rates before the cycle starts."""

    def parameters(self) -> None:
        self.say("loading census shares and volunteer rates")
        app, council, officer = self.app, self.council_id, self.officer
        by_area = {s.group: s.share for s in area_shares()}
        quintiles = tuple(AreaQuintile(code, q) for code, q in AREA_QUINTILES)
        tables = (
            (CensusDimension.AGE_BAND, _shares(AGE_SHARES), CENSUS_SOURCE, ()),
            (CensusDimension.SEX, _shares(SEX_SHARES), CENSUS_SOURCE, ()),
            (CensusDimension.AREA, area_shares(), CENSUS_SOURCE, ()),
            (
                CensusDimension.DEPRIVATION_QUINTILE,
                tuple(GroupShare(str(q), by_area[code]) for code, q in AREA_QUINTILES),
                DEPRIVATION_SOURCE,
                quintiles,
            ),
        )
        for dimension, shares, source, mapping in tables:
            load = LoadCensusShares(
                council_id=council,
                dimension=dimension,
                shares=shares,
                source=source,
                reference_year=2025 if source is CENSUS_SOURCE else 2024,
                area_quintiles=mapping,
            )
            app.load_census_shares(load, officer)
            self.count["census tables loaded"] += 1
        rates = LoadVolunteerRates(
            council_id=council,
            floor=self.money(150),
            central=self.money(215),
            upper=self.money(320),
            source=RATES_SOURCE,
            reference_year=2025,
        )
        app.load_volunteer_rates(rates, officer)
