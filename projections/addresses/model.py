"""The addresses model's writer: each process's code and council, each project's title.

Why a read model: an address such as ``/p/demo-2026/projects/pocket-park-nordbyen`` is
resolved on every request that uses one; a lookup by code must be one indexed read.
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
from projections.addresses.tables import DICTIONARY, SUFFIXES, create_statements
from projections.kernel.handlers import Handlers, events_of
from projections.kernel.rowmodel import RowModel, RowWriter

__all__ = ["AddressesModel", "handlers"]


handlers: Handlers[RowWriter] = Handlers(
    ignores=(
        *(events_of(Process) - {Process.Opened}),
        *(events_of(Project) - {Project.ProjectFunded}),
        *(events_of(Organisation) - {Organisation.OrganisationRegistered}),
    ),
    ignores_all_of=(
        Ballot,
        PaperBallot,
        Proposal,
        Decision,
        Commitment,
        Contribution,
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


@handlers.on(Organisation.OrganisationRegistered)
def _registered(e: Any, t: Tracking, b: RowWriter) -> None:
    b.run("INSERT INTO {p}_organisations VALUES (?, ?)", (e.originator_id.hex, e.slug))


@handlers.on(Process.Opened)
def _opened(e: Process.Opened, t: Tracking, b: RowWriter) -> None:
    b.run(
        "INSERT INTO {p}_processes VALUES (?, ?, ?)",
        (e.originator_id.hex, e.council_id.hex, e.code),
    )


@handlers.on(Project.ProjectFunded)
def _funded(e: Project.ProjectFunded, t: Tracking, b: RowWriter) -> None:
    b.run(
        "INSERT INTO {p}_projects VALUES (?, ?, ?, ?)",
        (e.originator_id.hex, e.process_id.hex, e.title, t.notification_id),
    )


class AddressesModel(RowModel):
    """Codes for readable addresses: processes by code, projects by title, councils by slug."""

    name = "addresses"
    version = 1
    table_suffixes = SUFFIXES
    dictionary: ClassVar[dict[str, dict[str, str]]] = DICTIONARY
    handlers: ClassVar[Handlers[RowWriter]] = handlers
    topics: ClassVar[frozenset[str]] = handlers.topics()
    ddl = staticmethod(create_statements)
