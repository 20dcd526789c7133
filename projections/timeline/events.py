"""Which events the timeline takes: declared once, beside the handlers that take them.

The handlers register themselves with ``@handlers.on(...)`` in :mod:`.on_cases` and
:mod:`.on_delivery` and :mod:`.on_commissioning`; the topics the runner decodes are derived from them. What the timeline
leaves out is named here: the process's set-up (the story of an idea starts at its
submission), the decision's echo on the proposal, and whole aggregates with nothing to tell
about one idea (ballots are counted by the process summary, never listed).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from coprod.domain.ballot import Ballot
from coprod.domain.commissioning import ServiceNeed
from coprod.domain.organisation import Organisation, Person
from coprod.domain.paper_ballot import PaperBallot
from coprod.domain.parameters import CensusShares, VolunteerRates
from coprod.domain.process import Process
from coprod.domain.proposal import Proposal
from coprod.domain.release import Release
from coprod.domain.tender import Tender
from projections.kernel.handlers import Handlers

if TYPE_CHECKING:
    from projections.timeline.batch import TimelineBatch

handlers: Handlers[TimelineBatch] = Handlers(
    ignores=(
        Process.Opened,
        Process.BudgetSet,
        Process.AreasDefined,
        Process.RulesSet,
        Process.PhasesScheduled,
        Process.PhaseAdvanced,
        Process.EligiblePopulationSet,
        Process.DisclosureThresholdSet,
        Process.MinimumHearingPeriodSet,
        Proposal.DecisionApplied,
        # a tender's steps before its award are told on the tender's own page
        Tender.PanelMemberAppointed,
        Tender.ConflictsDeclared,
        Tender.BidSubmitted,
        Tender.BidsOpened,
        Tender.BidScored,
        Tender.ScoreModerated,
    ),
    ignores_all_of=(
        Ballot,
        Organisation,
        Person,
        PaperBallot,
        CensusShares,
        VolunteerRates,
        Release,
        ServiceNeed,
    ),
)
