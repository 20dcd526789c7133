"""The evaluator's dataset, co-commissioning part: needs and co-design, tenders, their panel,
bids, scores, awards with their ranking, and contracts, one tidy table each.

Bids and scores are written only for tenders whose bids were opened: a dataset exported
while a tender is open keeps its bids sealed, as every other door does. Panel members are
numbered per panel, never a person id; participation is counted per group, never named.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from coprod.domain.commissioning import ServiceNeed
from coprod.domain.commissioning_terms import CriterionKind, PanelRole, ParticipantGroup
from coprod.domain.project import Project
from coprod.domain.tender import Tender
from projections.dataset.schema import ID, Column, Table, codes

__all__ = ["COMMISSIONING_ROWS", "COMMISSIONING_TABLES"]

Row = dict[str, Any]
_DAY = "calendar date (YYYY-MM-DD)"
#: The round of a need's own definition, beside its co-design sessions' codes.
DEFINITION = "(definition)"


def _id(name: str, what: str) -> Column:
    return Column(name, "string", what, ID)


def _money(name: str, what: str) -> Column:
    return Column(name, "Float64", what, "in the currency of the row's `currency` column")


def _flag(name: str, what: str) -> Column:
    return Column(name, "Int64", what, "1 = yes, 0 = no")


_CURRENCY = Column("currency", "string", "The money's currency.", "ISO 4217 code")
_TENDER = _id("tender_id", "The tender.")

COMMISSIONING_TABLES: tuple[Table, ...] = (
    Table(
        "service_needs",
        "a service need defined with residents (co-commissioning)",
        (
            _id("need_id", "The need."),
            _id("process_id", "Its process."),
            Column("code", "string", "Its short code in the process."),
            Column("title", "string", "Its title."),
            Column("description", "string", "What service is needed, as defined with residents."),
            Column("defined_on", "string", "The day it was defined.", _DAY),
        ),
    ),
    Table(
        "co_design",
        "the people of one group in one round of a need (its definition or a session)",
        (
            _id("need_id", "The need."),
            Column("round", "string", f"The session's code, or {DEFINITION}."),
            Column("held_on", "string", "The day.", _DAY),
            Column("participant_group", "string", "Who.", codes(ParticipantGroup)),
            Column("people", "Int64", "How many took part (a count, never names).", "people"),
            Column("outputs", "string", "What the session produced, one per line."),
        ),
    ),
    Table(
        "tenders",
        "a tender for a co-commissioned service",
        (
            _TENDER,
            _id("need_id", "The need it commissions."),
            _id("process_id", "Its process."),
            Column("code", "string", "Its short code for the need."),
            Column("title", "string", "Its title."),
            Column("lots", "string", "Its lots, one `code: title` per line."),
            Column("scale", "Int64", "The top of the score scale (scores run from 0).", "points"),
            Column("deadline", "datetime64[ns, UTC]", "When bids closed.", "UTC timestamp"),
            _money("estimated_value", "Its estimated value."),
            _CURRENCY,
            _flag("opened", "Whether its bids were opened after the deadline."),
        ),
    ),
    Table(
        "tender_criteria",
        "an award criterion of a tender, with its published weight",
        (
            _TENDER,
            Column("criterion_code", "string", "The criterion's code."),
            Column("title", "string", "What it judges."),
            Column("weight", "Float64", "Its weight; a tender's weights add up to 100.", "%"),
            Column("kind", "string", "Scored by the panel, or price.", codes(CriterionKind)),
        ),
    ),
    Table(
        "panel_members",
        "a member of a tender's evaluation panel",
        (
            _TENDER,
            Column(
                "member",
                "Int64",
                "The member's number on this panel, in order of appointment (never a person).",
                "number",
            ),
            Column("role", "string", "Resident or officer.", codes(PanelRole)),
            _flag("declared", "Whether they declared their conflicts of interest."),
            Column("conflicted_bidders", "Int64", "Bidders they declared an interest in.", "count"),
        ),
    ),
    Table(
        "bids",
        "a bid for a lot of a tender (only once the tender's bids were opened)",
        (
            _TENDER,
            _id("bid_id", "The bid."),
            _id("bidder_id", "The bidding organisation."),
            Column("lot_code", "string", "The lot it bids for."),
            _money("price", "Its price."),
            _CURRENCY,
        ),
    ),
    Table(
        "bid_scores",
        "one score of a bid on a quality criterion",
        (
            _TENDER,
            _id("bid_id", "The bid."),
            Column("criterion_code", "string", "The criterion."),
            Column(
                "member",
                "Int64",
                "The scoring member's number on the panel (empty: agreed in moderation).",
                "number",
            ),
            Column("score", "Float64", "The score, from 0 to the tender's scale.", "points"),
        ),
    ),
    Table(
        "awards",
        "the award of a lot, a decision with its record",
        (
            _TENDER,
            Column("lot_code", "string", "The lot."),
            _id("award_id", "The award (a co-commissioned project's `decision_id`)."),
            _id("bid_id", "The winning bid."),
            Column("decided_on", "string", "The day of the decision.", _DAY),
            Column("standstill_days", "Int64", "The standstill period.", "days"),
            _flag("followed_ranking", "Whether the bid ranked first by the weights won."),
            Column("departure_reason", "string", "Why the award departs from the ranking."),
            Column("legal_basis", "string", "The legal basis, one per line."),
            Column("main_considerations", "string", "The main considerations, one per line."),
        ),
    ),
    Table(
        "award_ranking",
        "one bid's place in the ranking the published weights gave, stored with the award",
        (
            _id("award_id", "The award."),
            Column("place", "Int64", "Its place; 1 is first.", "rank"),
            _id("bid_id", "The bid."),
            Column("total", "Float64", "Its weighted total.", "points of 100"),
        ),
    ),
    Table(
        "contracts",
        "the contract of an awarded lot, delivered as a project",
        (
            _TENDER,
            Column("lot_code", "string", "The lot."),
            _id("contract_id", "The contract."),
            _id("bid_id", "The awarded bid (the project's `proposal_id`)."),
            _id("project_id", "The project that delivers it."),
            _money("value", "The contract's value."),
            _CURRENCY,
            Column("starts_on", "string", "Delivery starts.", _DAY),
            Column("ends_on", "string", "Delivery ends.", _DAY),
            Column("signed_on", "string", "Signed.", _DAY),
        ),
    ),
)


def _need(n: ServiceNeed) -> Iterator[tuple[str, Row]]:
    yield (
        "service_needs",
        {
            "need_id": str(n.id),
            "process_id": str(n.process_id),
            "code": n.code,
            "title": n.title,
            "description": n.description,
            "defined_on": n.defined_on.isoformat(),
        },
    )
    rounds: list[tuple[str, Any, Any, tuple[str, ...]]] = [
        (DEFINITION, n.defined_on, n.participants, ())
    ]
    rounds += [(s.code, s.held_on, s.participants, s.outputs) for s in n.sessions.values()]
    for code, held_on, participants, outputs in rounds:
        for p in participants:
            yield (
                "co_design",
                {
                    "need_id": str(n.id),
                    "round": code,
                    "held_on": held_on.isoformat(),
                    "participant_group": p.group.value,
                    "people": p.count,
                    "outputs": "\n".join(outputs) or None,
                },
            )


def _tender(t: Tender) -> Iterator[tuple[str, Row]]:
    tender = str(t.id)
    value = t.estimated_value
    yield (
        "tenders",
        {
            "tender_id": tender,
            "need_id": str(t.need_id),
            "process_id": str(t.process_id),
            "code": t.code,
            "title": t.title,
            "lots": "\n".join(f"{lot.code}: {lot.title}" for lot in t.lots.values()),
            "scale": t.scale,
            "deadline": t.deadline,
            "estimated_value": float(value.amount),
            "currency": value.currency,
            "opened": int(t.opened),
        },
    )
    for c in t.criteria:
        criterion = {"criterion_code": c.code, "title": c.title, "weight": float(c.weight)}
        yield ("tender_criteria", {"tender_id": tender, **criterion, "kind": c.kind.value})
    for number, (member, role) in enumerate(t.panel.items(), start=1):
        declared = t.declarations.get(member)
        yield (
            "panel_members",
            {
                "tender_id": tender,
                "member": number,
                "role": role.value,
                "declared": int(declared is not None),
                "conflicted_bidders": len(declared or ()),
            },
        )
    if t.opened:
        yield from _opened(t)


def _opened(t: Tender) -> Iterator[tuple[str, Row]]:
    """Bids, scores, awards and contracts: nothing of them before the bids are opened."""
    tender, currency = str(t.id), t.estimated_value.currency
    for b in t.bids.values():
        bid = {"bid_id": str(b.bid_id), "bidder_id": str(b.bidder_id), "lot_code": b.lot_code}
        price = {"price": float(b.price.amount), "currency": currency}
        yield ("bids", {"tender_id": tender, **bid, **price})
    number = {member: n for n, member in enumerate(t.panel, start=1)}
    scores: list[tuple[Any, str, int | None, Any]] = [
        (k[0], k[1], number[k[2]], v) for k, v in t.scores.items()
    ]
    scores += [(k[0], k[1], None, v) for k, v in t.moderated.items()]
    for bid_id, criterion, member, score in scores:
        yield (
            "bid_scores",
            {
                "tender_id": tender,
                "bid_id": str(bid_id),
                "criterion_code": criterion,
                "member": member,
                "score": float(score),
            },
        )
    yield from _awards(t)


def _awards(t: Tender) -> Iterator[tuple[str, Row]]:
    tender = str(t.id)
    for lot, a in t.awards.items():
        terms = a.terms
        yield (
            "awards",
            {
                "tender_id": tender,
                "lot_code": lot,
                "award_id": str(a.award_id),
                "bid_id": str(a.bid_id),
                "decided_on": terms.decided_on.isoformat(),
                "standstill_days": terms.standstill_days,
                "followed_ranking": int(bool(a.ranking) and a.ranking[0].bid_id == a.bid_id),
                "departure_reason": terms.departure_reason,
                "legal_basis": "\n".join(terms.record.legal_basis),
                "main_considerations": "\n".join(terms.record.main_considerations),
            },
        )
        for r in a.ranking:
            place = {"place": r.place, "bid_id": str(r.bid_id), "total": float(r.total)}
            yield ("award_ranking", {"award_id": str(a.award_id), **place})
    for lot, c in t.contracts.items():
        ct = c.terms
        yield (
            "contracts",
            {
                "tender_id": tender,
                "lot_code": lot,
                "contract_id": str(c.contract_id),
                "bid_id": str(c.bid_id),
                "project_id": str(Project.create_id(c.bid_id)),
                "value": float(ct.value.amount),
                "currency": ct.value.currency,
                "starts_on": ct.starts_on.isoformat(),
                "ends_on": ct.ends_on.isoformat(),
                "signed_on": ct.signed_on.isoformat(),
            },
        )


#: The co-commissioning aggregates and their rows (merged into the dataset's).
COMMISSIONING_ROWS: dict[type, Any] = {ServiceNeed: _need, Tender: _tender}
