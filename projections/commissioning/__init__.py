"""Co-commissioning as it stands, for the console, the public tender page, HTTP and exports.

Why a read model: a tender's page shows its need and co-design participation, panel
composition, opened bids, the award with its ranking and the contract; replaying the
tender's events on each view would repeat the domain's work and could not list a process's
tenders with one read.
"""

from projections.commissioning.model import CommissioningModel
from projections.commissioning.queries import (
    panels_of,
    tender_of_project,
    tender_view,
    tenders_of,
)
from projections.commissioning.views import TenderSummary, TenderView

__all__ = [
    "CommissioningModel",
    "TenderSummary",
    "TenderView",
    "panels_of",
    "tender_of_project",
    "tender_view",
    "tenders_of",
]
