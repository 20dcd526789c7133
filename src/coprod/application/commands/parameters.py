"""Commands that load a council's reference parameters: census shares and volunteer rates.

Handled by ``app.load_census_shares(LoadCensusShares(...), actor)`` and
``app.load_volunteer_rates(LoadVolunteerRates(...), actor)``; ``expected_version`` is the
version of the parameter's history (None for "any", and for a first load).
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from coprod.application.commands import Command
from coprod.domain.parameters import AreaQuintile, CensusDimension, GroupShare
from coprod.domain.values import Money

__all__ = ["LoadCensusShares", "LoadVolunteerRates"]


@dataclass(frozen=True, kw_only=True)
class LoadCensusShares(Command):
    """A new version of a council's census shares for one dimension, with its source."""

    council_id: UUID
    dimension: CensusDimension
    shares: tuple[GroupShare, ...]
    source: str
    reference_year: int
    area_quintiles: tuple[AreaQuintile, ...] = ()
    expected_version: int | None = None


@dataclass(frozen=True, kw_only=True)
class LoadVolunteerRates(Command):
    """A new version of a council's hourly volunteer rates, in the floor's currency."""

    council_id: UUID
    floor: Money
    central: Money
    upper: Money
    source: str
    reference_year: int
    expected_version: int | None = None
