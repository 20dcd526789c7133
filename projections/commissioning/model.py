"""The commissioning model's writer: needs, co-design participation, tenders and their panel,
bids, scores, awards and contracts, one row per fact as it stands now.

Bids are written as they arrive, like every fact; keeping them sealed until the deadline is
the queries' job (:mod:`projections.commissioning.queries` shows none before the tender is
opened), so a rebuilt model never depends on when it was built.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
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
from coprod.domain.process import DEFAULT_DISCLOSURE_K, Process
from coprod.domain.project import Project
from coprod.domain.proposal import Proposal
from coprod.domain.release import Release
from coprod.domain.tender import Tender
from projections.commissioning.tables import (
    DEFINITION,
    DICTIONARY,
    MODERATED,
    SUFFIXES,
    create_statements,
)
from projections.kernel.handlers import Handlers, events_of
from projections.kernel.rowmodel import RowModel, RowWriter

__all__ = ["CommissioningModel", "handlers"]

handlers: Handlers[RowWriter] = Handlers(
    ignores_all_of=(
        Ballot,
        PaperBallot,
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
    ),
    ignores=(
        Organisation.MemberAdded,
        Organisation.MemberRemoved,
        *(
            e
            for e in events_of(Process)
            if e not in (Process.Opened, Process.DisclosureThresholdSet)
        ),
    ),
)


@handlers.on(Process.Opened)
def _process(e: Process.Opened, t: Tracking, b: RowWriter) -> None:
    b.run("INSERT INTO {p}_processes VALUES (?, ?)", (e.originator_id.hex, DEFAULT_DISCLOSURE_K))


@handlers.on(Process.DisclosureThresholdSet)
def _threshold(e: Process.DisclosureThresholdSet, t: Tracking, b: RowWriter) -> None:
    b.run("UPDATE {p}_processes SET k = ? WHERE process_id = ?", (e.k, e.originator_id.hex))


def _participation(b: RowWriter, need: str, session: str, e: Any, outputs: str) -> None:
    held_on = getattr(e, "held_on", None) or e.defined_on
    for p in e.participants:
        b.run(
            "INSERT INTO {p}_participation VALUES (?, ?, ?, ?, ?, ?)",
            (need, session, held_on.isoformat(), p.group.value, p.count, outputs),
        )


@handlers.on(ServiceNeed.ServiceNeedDefined)
def _need(e: ServiceNeed.ServiceNeedDefined, t: Tracking, b: RowWriter) -> None:
    need = e.originator_id.hex
    b.run(
        "INSERT INTO {p}_needs VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            need,
            e.process_id.hex,
            e.council_id.hex,
            e.code,
            e.title,
            e.description,
            e.defined_on.isoformat(),
        ),
    )
    _participation(b, need, DEFINITION, e, "[]")


@handlers.on(ServiceNeed.CoDesignSessionHeld)
def _session(e: ServiceNeed.CoDesignSessionHeld, t: Tracking, b: RowWriter) -> None:
    outputs = json.dumps(list(e.outputs), ensure_ascii=False)
    _participation(b, e.originator_id.hex, e.session_code, e, outputs)


@handlers.on(Tender.TenderPublished)
def _published(e: Tender.TenderPublished, t: Tracking, b: RowWriter) -> None:
    lots = [{"code": lot.code, "title": lot.title} for lot in e.lots]
    criteria = [
        {"code": c.code, "title": c.title, "weight": str(c.weight), "kind": c.kind.value}
        for c in e.criteria
    ]
    b.run(
        "INSERT INTO {p}_tenders VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, NULL)",
        (
            e.originator_id.hex,
            e.need_id.hex,
            e.process_id.hex,
            e.council_id.hex,
            e.code,
            e.title,
            json.dumps(lots, ensure_ascii=False),
            json.dumps(criteria, ensure_ascii=False),
            e.scale,
            e.deadline.isoformat(),
            str(e.estimated_value.amount),
            e.estimated_value.currency,
            e.timestamp.date().isoformat(),
        ),
    )


@handlers.on(Tender.PanelMemberAppointed)
def _appointed(e: Tender.PanelMemberAppointed, t: Tracking, b: RowWriter) -> None:
    b.run(
        "INSERT INTO {p}_panel VALUES (?, ?, ?, 0, 0)",
        (e.originator_id.hex, e.member_id.hex, e.role.value),
    )


@handlers.on(Tender.ConflictsDeclared)
def _declared(e: Tender.ConflictsDeclared, t: Tracking, b: RowWriter) -> None:
    b.run(
        "UPDATE {p}_panel SET declared = 1, conflicts = ? WHERE tender_id = ? AND member_id = ?",
        (len(e.conflicted_bidders), e.originator_id.hex, e.member_id.hex),
    )


@handlers.on(Tender.BidSubmitted)
def _bid(e: Tender.BidSubmitted, t: Tracking, b: RowWriter) -> None:
    b.run(
        "INSERT INTO {p}_bids VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (tender_id, bid_id) "
        "DO UPDATE SET price = excluded.price, documents = excluded.documents",
        (
            e.originator_id.hex,
            e.bid_id.hex,
            e.bidder_id.hex,
            e.lot_code,
            str(e.price.amount),
            json.dumps(list(e.documents)),
        ),
    )


@handlers.on(Tender.BidsOpened)
def _opened(e: Tender.BidsOpened, t: Tracking, b: RowWriter) -> None:
    b.run(
        "UPDATE {p}_tenders SET opened = 1, bid_count = ? WHERE tender_id = ?",
        (e.bid_count, e.originator_id.hex),
    )


def _score(b: RowWriter, e: Any, member: str, reason: str | None) -> None:
    b.run(
        "INSERT INTO {p}_scores VALUES (?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (tender_id, bid_id, criterion_code, member_id) "
        "DO UPDATE SET score = excluded.score, reason = excluded.reason",
        (e.originator_id.hex, e.bid_id.hex, e.criterion_code, member, str(e.score), reason),
    )


@handlers.on(Tender.BidScored)
def _scored(e: Tender.BidScored, t: Tracking, b: RowWriter) -> None:
    _score(b, e, e.member_id.hex, e.note)


@handlers.on(Tender.ScoreModerated)
def _moderated(e: Tender.ScoreModerated, t: Tracking, b: RowWriter) -> None:
    _score(b, e, MODERATED, e.reason)


@handlers.on(Tender.TenderAwarded)
def _awarded(e: Tender.TenderAwarded, t: Tracking, b: RowWriter) -> None:
    ranking = [
        {
            "place": r.place,
            "bid_id": r.bid_id.hex,
            "bidder_id": r.bidder_id.hex,
            "total": str(r.total),
        }
        for r in e.ranking
    ]
    complaints = e.record.complaints
    b.run(
        "INSERT INTO {p}_awards VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            e.originator_id.hex,
            e.lot_code,
            e.award_id.hex,
            e.bid_id.hex,
            e.decided_on.isoformat(),
            _plus_days(e.decided_on, e.standstill_days),
            json.dumps(ranking),
            int(bool(e.ranking) and e.ranking[0].bid_id == e.bid_id),
            e.departure_reason,
            json.dumps(list(e.record.legal_basis), ensure_ascii=False),
            json.dumps(list(e.record.main_considerations), ensure_ascii=False),
            None if complaints is None else complaints.body,
            None if complaints is None else complaints.deadline_days,
        ),
    )


def _plus_days(day: date, days: int) -> str:
    return (day + timedelta(days=days)).isoformat()


@handlers.on(Tender.ContractSigned)
def _contract(e: Tender.ContractSigned, t: Tracking, b: RowWriter) -> None:
    b.run(
        "INSERT INTO {p}_contracts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            e.originator_id.hex,
            e.lot_code,
            e.contract_id.hex,
            e.bid_id.hex,
            Project.create_id(e.bid_id).hex,
            str(e.value.amount),
            e.value.currency,
            e.starts_on.isoformat(),
            e.ends_on.isoformat(),
            e.signed_on.isoformat(),
        ),
    )


@handlers.on(Organisation.OrganisationRegistered)
def _organisation(e: Organisation.OrganisationRegistered, t: Tracking, b: RowWriter) -> None:
    b.run("INSERT INTO {p}_bidders VALUES (?, ?)", (e.originator_id.hex, e.display_name))


class CommissioningModel(RowModel):
    """Co-commissioning as it stands: needs, participation, tenders, panel, bids, awards."""

    name = "commissioning"
    version = 1
    table_suffixes = SUFFIXES
    dictionary: ClassVar[dict[str, dict[str, str]]] = DICTIONARY
    handlers: ClassVar[Handlers[RowWriter]] = handlers
    topics: ClassVar[frozenset[str]] = handlers.topics()
    ddl = staticmethod(create_statements)
