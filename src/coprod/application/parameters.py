"""Use cases for the reference parameters of impact reports: census shares and volunteer rates.

A load opens the parameter's history on first use, so a council never has to "create" a
parameter before giving its first version; opening and loading are saved in one transaction.
"""

from __future__ import annotations

from uuid import UUID

from coprod.application.base import CoprodBase, Receipt
from coprod.domain.parameters import (
    AreaQuintile,
    CensusDimension,
    CensusShares,
    GroupShare,
    VolunteerRates,
)
from coprod.domain.values import Actor, Money


class ParameterCommands(CoprodBase):
    """Council-side loads of versioned, sourced reference parameters."""

    def load_census_shares(
        self,
        actor: Actor,
        council_id: UUID,
        dimension: CensusDimension,
        shares: tuple[GroupShare, ...],
        source: str,
        reference_year: int,
        area_quintiles: tuple[AreaQuintile, ...] = (),
        expected_version: int | None = None,
    ) -> Receipt:
        """Load a new version of a council's census shares for one dimension."""
        census_id = CensusShares.create_id(council_id, dimension)
        if self.exists(census_id):
            census = self.load(CensusShares, census_id, expected_version)
        else:
            census = CensusShares.open(actor, council_id, dimension)
        census.load(actor, shares, source, reference_year, area_quintiles)
        return self.commit(census)

    def load_volunteer_rates(
        self,
        actor: Actor,
        council_id: UUID,
        floor: Money,
        central: Money,
        upper: Money,
        source: str,
        reference_year: int,
        expected_version: int | None = None,
    ) -> Receipt:
        """Load a new version of a council's hourly volunteer rates in floor's currency."""
        rates_id = VolunteerRates.create_id(council_id, floor.currency)
        if self.exists(rates_id):
            rates = self.load(VolunteerRates, rates_id, expected_version)
        else:
            rates = VolunteerRates.open(actor, council_id, floor.currency)
        rates.load(actor, floor, central, upper, source, reference_year)
        return self.commit(rates)

    def get_census_shares(self, council_id: UUID, dimension: CensusDimension) -> CensusShares:
        return self.load(CensusShares, CensusShares.create_id(council_id, dimension))

    def get_volunteer_rates(self, council_id: UUID, currency: str) -> VolunteerRates:
        return self.load(VolunteerRates, VolunteerRates.create_id(council_id, currency))
