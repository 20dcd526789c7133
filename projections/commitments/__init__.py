"""Each community group's commitments and the work logged against them (the phone pages).

Why a read model of its own: "my commitments" shows, per pledge, the hours pledged, logged,
verified and waiting; one indexed read per page instead of loading every contribution
aggregate of the group (see :mod:`projections.commitments.queries`).
"""

from projections.commitments.model import CommitmentsModel
from projections.commitments.queries import (
    CommitmentRow,
    CommitmentTerms,
    ContributionPage,
    ContributionRow,
    LogRow,
    commitment_logs,
    commitment_terms,
    group_commitments,
    group_contributions,
)

__all__ = [
    "CommitmentRow",
    "CommitmentTerms",
    "CommitmentsModel",
    "ContributionPage",
    "ContributionRow",
    "LogRow",
    "commitment_logs",
    "commitment_terms",
    "group_commitments",
    "group_contributions",
]
