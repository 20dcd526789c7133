"""The queues' writer: a few columns per process, proposal, project, contribution and hearing.

Each event changes at most one row, written at once (officers' queues are small and the
events that feed them are rare next to ballots, which this model never decodes). Proposal
statuses are the catalogue's words, from the same domain function
(:func:`coprod.domain.decision.status_after_decision`).
"""

from __future__ import annotations

from typing import Any, ClassVar

from eventsourcing.persistence import Tracking

from coprod.domain.ballot import Ballot
from coprod.domain.commissioning import ServiceNeed
from coprod.domain.commitment import Commitment, Contribution
from coprod.domain.decision import Decision, status_after_decision
from coprod.domain.organisation import Organisation, Person
from coprod.domain.outcome import Outcome
from coprod.domain.pabulib_source import PabulibSource
from coprod.domain.paper_ballot import PaperBallot
from coprod.domain.parameters import CensusShares, VolunteerRates
from coprod.domain.phases import Phase
from coprod.domain.process import Process
from coprod.domain.project import Project
from coprod.domain.proposal import IDEA, MERGED, WITHDRAWN, Proposal
from coprod.domain.release import Release
from coprod.domain.tender import Tender
from projections.kernel.handlers import Handlers, events_of
from projections.kernel.rowmodel import RowModel, RowWriter
from projections.queues.tables import DICTIONARY, SUFFIXES, create_statements
from projections.stored_ballot import to_us

__all__ = ["QueuesModel", "handlers"]


class _Batch(RowWriter):
    """Where a batch writes (see :class:`projections.kernel.rowmodel.RowWriter`)."""

    def proposal(self, e: Any, **values: Any) -> None:
        """Set `values` on the proposal's row (no row: an idea this model never saw)."""
        names = ", ".join(f"{k} = ?" for k in values)
        self.run(
            f"UPDATE {{p}}_proposals SET {names}, updated_us = ? WHERE proposal_id = ?",
            [*values.values(), to_us(e.timestamp), e.originator_id.hex],
        )


handlers: Handlers[_Batch] = Handlers(
    ignores=(
        *(events_of(Process) - {Process.Opened, Process.PhaseAdvanced}),
        *(events_of(Project) - {Project.ProjectFunded}),
        Proposal.Absorbed,
        Proposal.FactRecorded,
        Proposal.HearingExempted,
    ),
    ignores_all_of=(
        Ballot,
        Decision,
        Commitment,
        Organisation,
        Person,
        Outcome,
        PabulibSource,
        CensusShares,
        VolunteerRates,
        Release,
        ServiceNeed,
        Tender,
    ),
)


@handlers.on(Process.Opened)
def _opened(e: Process.Opened, t: Tracking, b: _Batch) -> None:
    b.run(
        "INSERT INTO {p}_processes VALUES (?, ?, ?, ?)",
        (e.originator_id.hex, e.council_id.hex, e.name, Phase.IDEAS.value),
    )


@handlers.on(Process.PhaseAdvanced)
def _advanced(e: Process.PhaseAdvanced, t: Tracking, b: _Batch) -> None:
    b.run(
        "UPDATE {p}_processes SET phase = ? WHERE process_id = ?",
        (e.to_phase.value, e.originator_id.hex),
    )


@handlers.on(Proposal.IdeaSubmitted)
def _submitted(e: Proposal.IdeaSubmitted, t: Tracking, b: _Batch) -> None:
    b.run(
        "INSERT INTO {p}_proposals VALUES (?, ?, ?, ?, ?, ?)",
        (e.originator_id.hex, e.process_id.hex, e.title, IDEA, "open", to_us(e.timestamp)),
    )


@handlers.on(Proposal.IdeaAmended)
def _amended(e: Proposal.IdeaAmended, t: Tracking, b: _Batch) -> None:
    if e.title is not None:
        b.proposal(e, title=e.title)


@handlers.on(Proposal.MergedInto)
def _merged(e: Proposal.MergedInto, t: Tracking, b: _Batch) -> None:
    b.proposal(e, status=MERGED)


@handlers.on(Proposal.Withdrawn)
def _withdrawn(e: Proposal.Withdrawn, t: Tracking, b: _Batch) -> None:
    b.proposal(e, status=WITHDRAWN)


@handlers.on(Proposal.DevelopedIntoProposal)
def _developed(e: Proposal.DevelopedIntoProposal, t: Tracking, b: _Batch) -> None:
    b.proposal(e, stage="proposal")


@handlers.on(Proposal.FeasibilityAssessed)
def _assessed(e: Proposal.FeasibilityAssessed, t: Tracking, b: _Batch) -> None:
    b.proposal(e, status="feasible" if e.feasible else "unfeasible")


@handlers.on(Proposal.Shortlisted)
def _shortlisted(e: Proposal.Shortlisted, t: Tracking, b: _Batch) -> None:
    b.proposal(e, status="shortlisted")


@handlers.on(Proposal.NotShortlisted)
def _not_shortlisted(e: Proposal.NotShortlisted, t: Tracking, b: _Batch) -> None:
    b.proposal(e, status="not_shortlisted")


@handlers.on(Proposal.DecisionApplied)
def _decision(e: Proposal.DecisionApplied, t: Tracking, b: _Batch) -> None:
    b.proposal(e, status=status_after_decision(e.outcome, e.decision_status))


@handlers.on(Proposal.HearingSent)
def _hearing_sent(e: Proposal.HearingSent, t: Tracking, b: _Batch) -> None:
    b.run(
        "INSERT INTO {p}_hearings VALUES (?, ?, ?, ?, NULL)",
        (e.hearing_id.hex, e.originator_id.hex, e.sent_on.isoformat(), e.deadline.isoformat()),
    )


@handlers.on(Proposal.HearingAnswered)
def _hearing_answered(e: Proposal.HearingAnswered, t: Tracking, b: _Batch) -> None:
    b.run(
        "UPDATE {p}_hearings SET answered_on = ? WHERE hearing_id = ?",
        (e.answered_on.isoformat(), e.hearing_id.hex),
    )


@handlers.on(Project.ProjectFunded)
def _funded(e: Project.ProjectFunded, t: Tracking, b: _Batch) -> None:
    b.run(
        "INSERT INTO {p}_projects VALUES (?, ?, ?)",
        (e.originator_id.hex, e.process_id.hex, e.title),
    )


@handlers.on(Contribution.ContributionLogged)
def _logged(e: Contribution.ContributionLogged, t: Tracking, b: _Batch) -> None:
    b.run(
        "INSERT INTO {p}_contributions VALUES (?, ?, ?, ?, ?, ?, 'logged')",
        (
            e.originator_id.hex,
            e.project_id.hex,
            e.organisation_id.hex,
            str(e.hours),
            e.people_count,
            e.worked_on.isoformat(),
        ),
    )


def _contribution_status(e: Any, b: _Batch, status: str) -> None:
    b.run(
        "UPDATE {p}_contributions SET status = ? WHERE contribution_id = ?",
        (status, e.originator_id.hex),
    )


@handlers.on(Contribution.ContributionVerified)
def _verified(e: Contribution.ContributionVerified, t: Tracking, b: _Batch) -> None:
    _contribution_status(e, b, "verified")


@handlers.on(Contribution.ContributionDisputed)
def _disputed(e: Contribution.ContributionDisputed, t: Tracking, b: _Batch) -> None:
    _contribution_status(e, b, "disputed")


@handlers.on(PaperBallot.Entered)
def _paper_entered(e: PaperBallot.Entered, t: Tracking, b: _Batch) -> None:
    b.run(
        "INSERT INTO {p}_paper_ballots VALUES (?, ?, ?, ?, ?, 'pending')",
        (
            e.originator_id.hex,
            e.process_id.hex,
            e.serial,
            e.actor.id.hex,
            to_us(e.timestamp),
        ),
    )


def _paper_state(e: Any, b: _Batch, state: str) -> None:
    b.run(
        "UPDATE {p}_paper_ballots SET state = ? WHERE paper_ballot_id = ?",
        (state, e.originator_id.hex),
    )


@handlers.on(PaperBallot.Confirmed)
def _paper_confirmed(e: PaperBallot.Confirmed, t: Tracking, b: _Batch) -> None:
    _paper_state(e, b, "confirmed")


@handlers.on(PaperBallot.Discarded)
def _paper_discarded(e: PaperBallot.Discarded, t: Tracking, b: _Batch) -> None:
    _paper_state(e, b, "discarded")


class QueuesModel(RowModel):
    """What waits for an officer in each council's processes."""

    name = "queues"
    #: 2: the process's phase (decisions are listed only where they can be made).
    #: 3: paper ballots waiting for a second officer.
    version = 3
    table_suffixes = SUFFIXES
    dictionary: ClassVar[dict[str, dict[str, str]]] = DICTIONARY
    handlers: ClassVar[Handlers[_Batch]] = handlers
    topics: ClassVar[frozenset[str]] = handlers.topics()
    ddl = staticmethod(create_statements)
    writer = _Batch
