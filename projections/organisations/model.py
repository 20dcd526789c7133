"""The organisations model's writer: each organisation as registered, and its members now."""

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
from projections.kernel.handlers import Handlers
from projections.kernel.rowmodel import RowModel, RowWriter
from projections.organisations.tables import DICTIONARY, SUFFIXES, create_statements

__all__ = ["OrganisationsModel", "handlers"]


handlers: Handlers[RowWriter] = Handlers(
    ignores_all_of=(
        Ballot,
        PaperBallot,
        Process,
        Project,
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
def _registered(e: Organisation.OrganisationRegistered, t: Tracking, b: RowWriter) -> None:
    registrar = e.actor.organisation_id
    b.run(
        "INSERT INTO {p}_organisations VALUES (?, ?, ?, ?, ?)",
        (
            e.originator_id.hex,
            e.slug,
            e.kind.value,
            e.display_name,
            None if registrar is None else registrar.hex,
        ),
    )


@handlers.on(Organisation.MemberAdded)
def _added(e: Organisation.MemberAdded, t: Tracking, b: RowWriter) -> None:
    b.run(
        "INSERT INTO {p}_members VALUES (?, ?, ?)",
        (e.originator_id.hex, e.person_id.hex, e.role.value),
    )


@handlers.on(Organisation.MemberRemoved)
def _removed(e: Any, t: Tracking, b: RowWriter) -> None:
    b.run(
        "DELETE FROM {p}_members WHERE organisation_id = ? AND person_id = ?",
        (e.originator_id.hex, e.person_id.hex),
    )


class OrganisationsModel(RowModel):
    """Organisations by their registrar, and who is a member of each now."""

    name = "organisations"
    version = 1
    table_suffixes = SUFFIXES
    dictionary: ClassVar[dict[str, dict[str, str]]] = DICTIONARY
    handlers: ClassVar[Handlers[RowWriter]] = handlers
    topics: ClassVar[frozenset[str]] = handlers.topics()
    ddl = staticmethod(create_statements)
