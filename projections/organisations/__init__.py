"""Organisations and their members, for the pages that list a council's community groups.

Why a read model: ``/console/members`` listed a council's groups by reading every
registration event of the log and loading each group, on every view; here it is one indexed
read (see :mod:`projections.organisations.queries`).
"""

from projections.organisations.model import OrganisationsModel
from projections.organisations.queries import GroupRow, groups_of

__all__ = ["GroupRow", "OrganisationsModel", "groups_of"]
