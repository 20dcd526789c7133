"""The commitments model's writer: each group's pledges and the work logged against them.

Each event changes at most one row, written at once; ballots and the rest of the log are
never decoded (a group's page is read far more often than these events are written).
"""

from __future__ import annotations

from typing import Any, ClassVar

from eventsourcing.persistence import Tracking

from coprod.domain.ballot import Ballot
from coprod.domain.commissioning import ServiceNeed
from coprod.domain.commitment import Commitment, Contribution
from coprod.domain.decision import Decision
from coprod.domain.organisation import Organisation, Person
from coprod.domain.outcome import Outcome
from coprod.domain.pabulib_source import PabulibSource
from coprod.domain.paper_ballot import PaperBallot
from coprod.domain.parameters import CensusShares, VolunteerRates
from coprod.domain.process import Process
from coprod.domain.project import Project
from coprod.domain.proposal import Proposal
from coprod.domain.release import Release
from coprod.domain.tender import Tender
from projections.commitments.tables import DICTIONARY, SUFFIXES, create_statements
from projections.kernel.handlers import Handlers, events_of
from projections.kernel.rowmodel import RowModel, RowWriter
from projections.stored_ballot import to_us

__all__ = ["CommitmentsModel", "handlers"]


handlers: Handlers[RowWriter] = Handlers(
    ignores=(
        *(events_of(Project) - {Project.ProjectFunded}),
        *(events_of(Process) - {Process.Opened}),
    ),
    ignores_all_of=(
        Ballot,
        PaperBallot,
        Proposal,
        Decision,
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
def _opened(e: Process.Opened, t: Tracking, b: RowWriter) -> None:
    b.run("INSERT INTO {p}_processes VALUES (?, ?)", (e.originator_id.hex, e.council_id.hex))


@handlers.on(Project.ProjectFunded)
def _funded(e: Project.ProjectFunded, t: Tracking, b: RowWriter) -> None:
    b.run(
        "INSERT INTO {p}_projects VALUES (?, ?, ?)",
        (e.originator_id.hex, e.process_id.hex, e.title),
    )


@handlers.on(Commitment.CommitmentMade)
def _made(e: Commitment.CommitmentMade, t: Tracking, b: RowWriter) -> None:
    in_kind = None if e.in_kind is None else e.in_kind.description
    b.run(
        "INSERT INTO {p}_commitments VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?)",
        (
            e.originator_id.hex,
            e.organisation_id.hex,
            e.project_id.hex,
            e.phase.value,
            e.level.value,
            None if e.pledged_hours is None else str(e.pledged_hours),
            in_kind,
            to_us(e.timestamp),
        ),
    )


def _commitment_status(e: Any, b: RowWriter, status: str) -> None:
    b.run(
        "UPDATE {p}_commitments SET status = ? WHERE commitment_id = ?",
        (status, e.originator_id.hex),
    )


@handlers.on(Commitment.CommitmentMet)
def _met(e: Commitment.CommitmentMet, t: Tracking, b: RowWriter) -> None:
    _commitment_status(e, b, "met")


@handlers.on(Commitment.CommitmentLapsed)
def _lapsed(e: Commitment.CommitmentLapsed, t: Tracking, b: RowWriter) -> None:
    _commitment_status(e, b, "lapsed")


@handlers.on(Contribution.ContributionLogged)
def _logged(e: Contribution.ContributionLogged, t: Tracking, b: RowWriter) -> None:
    b.run(
        "INSERT INTO {p}_contributions VALUES (?, ?, ?, ?, ?, 'logged', ?)",
        (
            e.originator_id.hex,
            e.commitment_id.hex,
            str(e.hours),
            e.people_count,
            e.worked_on.isoformat(),
            to_us(e.timestamp),
        ),
    )


def _contribution_status(e: Any, b: RowWriter, status: str) -> None:
    b.run(
        "UPDATE {p}_contributions SET status = ? WHERE contribution_id = ?",
        (status, e.originator_id.hex),
    )


@handlers.on(Contribution.ContributionVerified)
def _verified(e: Contribution.ContributionVerified, t: Tracking, b: RowWriter) -> None:
    _contribution_status(e, b, "verified")


@handlers.on(Contribution.ContributionDisputed)
def _disputed(e: Contribution.ContributionDisputed, t: Tracking, b: RowWriter) -> None:
    _contribution_status(e, b, "disputed")


class CommitmentsModel(RowModel):
    """Each group's commitments with the hours pledged, logged, verified and waiting."""

    name = "commitments"
    #: 2: the processes' councils (whose officers may list a group's pledges).
    version = 2
    table_suffixes = SUFFIXES
    dictionary: ClassVar[dict[str, dict[str, str]]] = DICTIONARY
    handlers: ClassVar[Handlers[RowWriter]] = handlers
    topics: ClassVar[frozenset[str]] = handlers.topics()
    ddl = staticmethod(create_statements)
