"""The trail of a co-commissioned project: the award that chose its bid, and the contract.

Such a project's story begins with its tender (the public tender page tells the need, the
co-design and the evaluation); on the project's own trail, the chain is its winning bid,
opened by the award: which tender and need it answers, whether it followed the ranking the
published weights gave, and the standstill; then the contract, and delivery as for any
project (:mod:`.on_delivery`).
"""

from __future__ import annotations

from datetime import timedelta

from eventsourcing.persistence import Tracking

from coprod.domain.tender import Tender
from projections.timeline.batch import TimelineBatch
from projections.timeline.events import handlers
from projections.timeline.summaries import summary
from projections.timeline.values import as_text


@handlers.on(Tender.TenderPublished)
def _published(e: Tender.TenderPublished, t: Tracking, b: TimelineBatch) -> None:
    """Remember the tender's title and its process, for the award's line."""
    tender = e.originator_id.hex
    b.subject(tender, tender, "tender", e.process_id.hex, e.timestamp)
    b.set(tender, "", "title", e.title)


@handlers.on(Tender.TenderAwarded)
def _awarded(e: Tender.TenderAwarded, t: Tracking, b: TimelineBatch) -> None:
    tender = e.originator_id.hex
    found = b.subject_of(tender)
    if found is None:
        return
    chain = e.bid_id.hex
    b.subject(chain, chain, "bid", found[1], e.timestamp)
    followed = bool(e.ranking) and e.ranking[0].bid_id == e.bid_id
    ends = e.decided_on + timedelta(days=e.standstill_days)
    b.row(
        chain,
        e,
        t,
        "decision",
        summary(
            "tender_awarded" if followed else "tender_awarded_departing",
            tender=b.get(tender, "", "title") or "",
            decided_on=e.decided_on,
            standstill_ends=ends,
        ),
        reason=e.departure_reason,
        changes=[("awarded_on", None, e.decided_on.isoformat())],
        links=[("awarded_by", "tender", tender)],
    )


@handlers.on(Tender.ContractSigned)
def _signed(e: Tender.ContractSigned, t: Tracking, b: TimelineBatch) -> None:
    chain = e.bid_id.hex
    if b.subject_of(chain) is None:
        return
    b.row(
        chain,
        e,
        t,
        "project",
        summary(
            "contract_signed",
            value=as_text(e.value),
            signed_on=e.signed_on,
            starts_on=e.starts_on,
            ends_on=e.ends_on,
        ),
        links=[("contracted_by", "tender", e.originator_id.hex)],
    )
