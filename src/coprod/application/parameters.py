"""Use cases for the reference parameters of impact reports: census shares and volunteer rates.

A load opens the parameter's history on first use, so a council never has to "create" a
parameter before giving its first version; opening and loading are saved in one transaction.
"""

from __future__ import annotations

from uuid import UUID

from coprod.application import policy
from coprod.application.base import CoprodBase, Receipt
from coprod.application.commands import parameters as cmd
from coprod.domain.parameters import CensusDimension, CensusShares, VolunteerRates
from coprod.domain.values import Actor


class ParameterCommands(CoprodBase):
    """Council-side loads of versioned, sourced reference parameters."""

    def load_census_shares(self, command: cmd.LoadCensusShares, actor: Actor) -> Receipt:
        """Load a new version of a council's census shares for one dimension."""
        policy.may_load_parameters(actor, command.council_id)
        census_id = CensusShares.create_id(command.council_id, command.dimension)
        if self.exists(census_id):
            census = self.load(CensusShares, census_id, command.expected_version)
        else:
            census = CensusShares.open(actor, command.council_id, command.dimension)
        census.load(
            actor, command.shares, command.source, command.reference_year, command.area_quintiles
        )
        return self.commit(census)

    def load_volunteer_rates(self, command: cmd.LoadVolunteerRates, actor: Actor) -> Receipt:
        """Load a new version of a council's hourly volunteer rates in floor's currency."""
        policy.may_load_parameters(actor, command.council_id)
        currency = command.floor.currency
        rates_id = VolunteerRates.create_id(command.council_id, currency)
        if self.exists(rates_id):
            rates = self.load(VolunteerRates, rates_id, command.expected_version)
        else:
            rates = VolunteerRates.open(actor, command.council_id, currency)
        rates.load(
            actor,
            command.floor,
            command.central,
            command.upper,
            command.source,
            command.reference_year,
        )
        return self.commit(rates)

    def get_census_shares(self, council_id: UUID, dimension: CensusDimension) -> CensusShares:
        return self.load(CensusShares, CensusShares.create_id(council_id, dimension))

    def get_volunteer_rates(self, council_id: UUID, currency: str) -> VolunteerRates:
        return self.load(VolunteerRates, VolunteerRates.create_id(council_id, currency))
