"""The decisions model's writer: one row per council decision, as it now stands.

Why a read model: a process's decisions list (``GET /api/v1/processes/{id}/decisions``) is
filtered and paged; loading every decision aggregate per request would grow with the
process's history. Each event changes at most one row.
"""

from __future__ import annotations

from typing import Any, ClassVar

from eventsourcing.persistence import Tracking

from coprod.domain.ballot import Ballot
from coprod.domain.commissioning import ServiceNeed
from coprod.domain.commitment import Commitment, Contribution
from coprod.domain.decision import Decision, DecisionRecord
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
from coprod.domain.values import Money
from projections.decisions.tables import DICTIONARY, SUFFIXES, create_statements
from projections.kernel.handlers import Handlers, events_of
from projections.kernel.rowmodel import RowModel, RowWriter
from projections.stored_ballot import to_us

__all__ = ["DecisionsModel", "handlers"]


class _Batch(RowWriter):
    """Where a batch writes (see :class:`projections.kernel.rowmodel.RowWriter`)."""

    def decision(self, e: Any, **values: Any) -> None:
        names = ", ".join(f"{k} = ?" for k in values)
        self.run(
            f"UPDATE {{p}}_decisions SET {names} WHERE decision_id = ?",
            [*values.values(), e.originator_id.hex],
        )


handlers: Handlers[_Batch] = Handlers(
    ignores=(*(events_of(Proposal) - {Proposal.IdeaSubmitted, Proposal.IdeaAmended}),),
    ignores_all_of=(
        Ballot,
        PaperBallot,
        Process,
        Project,
        Commitment,
        Contribution,
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


def _amount(money: Money | None) -> tuple[str | None, str | None]:
    return (None, None) if money is None else (str(money.amount), money.currency)


def _basis(record: DecisionRecord | None) -> str | None:
    """The record's legal bases, one a line (empty: none)."""
    return None if record is None or not record.legal_basis else "\n".join(record.legal_basis)


@handlers.on(Proposal.IdeaSubmitted)
def _submitted(e: Proposal.IdeaSubmitted, t: Tracking, b: _Batch) -> None:
    b.run("INSERT INTO {p}_proposals VALUES (?, ?)", (e.originator_id.hex, e.title))


@handlers.on(Proposal.IdeaAmended)
def _amended(e: Proposal.IdeaAmended, t: Tracking, b: _Batch) -> None:
    if e.title is not None:
        b.run(
            "UPDATE {p}_proposals SET title = ? WHERE proposal_id = ?",
            (e.title, e.originator_id.hex),
        )


@handlers.on(Decision.DecisionMade)
def _made(e: Decision.DecisionMade, t: Tracking, b: _Batch) -> None:
    b.run(
        "INSERT INTO {p}_decisions VALUES (?, ?, ?, ?, 'made', ?, ?, ?, ?, ?)",
        (
            e.originator_id.hex,
            e.process_id.hex,
            e.proposal_id.hex,
            e.outcome.value,
            *_amount(e.amount),
            e.decided_on.isoformat(),
            _basis(e.record),
            to_us(e.timestamp),
        ),
    )


@handlers.on(Decision.DecisionCorrected)
def _corrected(e: Decision.DecisionCorrected, t: Tracking, b: _Batch) -> None:
    amount, currency = _amount(e.amount)
    b.decision(
        e,
        outcome=e.outcome.value,
        status="corrected",
        amount=amount,
        currency=currency,
        decided_on=e.decided_on.isoformat(),
        legal_basis=_basis(e.record),
    )


@handlers.on(Decision.DecisionReopened)
def _reopened(e: Decision.DecisionReopened, t: Tracking, b: _Batch) -> None:
    b.decision(e, status="reopened")


@handlers.on(Decision.DecisionRevoked)
def _revoked(e: Decision.DecisionRevoked, t: Tracking, b: _Batch) -> None:
    b.decision(
        e,
        status="revoked",
        decided_on=e.decided_on.isoformat(),
        legal_basis=_basis(e.record),
    )


class DecisionsModel(RowModel):
    """Every council decision as it now stands, by process, for the decisions list."""

    name = "decisions"
    version = 1
    table_suffixes = SUFFIXES
    dictionary: ClassVar[dict[str, dict[str, str]]] = DICTIONARY
    handlers: ClassVar[Handlers[_Batch]] = handlers
    topics: ClassVar[frozenset[str]] = handlers.topics()
    ddl = staticmethod(create_statements)
    writer = _Batch
