"""The coprod application: one object per process, composed of one mixin per use-case area."""

from __future__ import annotations

from coprod.application.base import SYSTEM_ACTOR, CoprodBase, Receipt
from coprod.application.commissioning import CommissioningCommands
from coprod.application.contributions import ContributionCommands
from coprod.application.decisions import DecisionCommands
from coprod.application.imports import ImportCommands
from coprod.application.outcomes import OutcomeCommands
from coprod.application.paper_ballots import PaperBallotCommands
from coprod.application.parameter_imports import ParameterImportCommands
from coprod.application.parameters import ParameterCommands
from coprod.application.people import PeopleCommands
from coprod.application.processes import ProcessCommands
from coprod.application.projects import ProjectCommands
from coprod.application.proposals import ProposalCommands
from coprod.application.releases import ReleaseCommands
from coprod.application.voting_codes import VotingCodeCommands

__all__ = ["SYSTEM_ACTOR", "Coprod", "CoprodBase", "Receipt"]


class Coprod(
    ProcessCommands,
    VotingCodeCommands,
    PaperBallotCommands,
    ProjectCommands,
    PeopleCommands,
    ContributionCommands,
    ProposalCommands,
    DecisionCommands,
    OutcomeCommands,
    ParameterCommands,
    ReleaseCommands,
    ImportCommands,
    ParameterImportCommands,
    CommissioningCommands,
):
    """Every write-side use case of coprod; construct one per process and share it."""

    name = "coprod"
