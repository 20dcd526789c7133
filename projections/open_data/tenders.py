"""OCDS 1.1 releases of co-commissioned services: tender, award, contract, implementation.

Co-commissioning is what OCDS was made for: one contracting process per tender (``ocid`` =
the publisher's prefix and the tender's id), its stages tagged as reached. The tender gives
its lots as items, its weighted criteria as the award criteria's details and its bid period;
once the bids are opened, the bidders are tenderers; each awarded lot is an award to its
supplier at the bid's price, and each contract carries the delivering project's milestones
and spend as its implementation. Sealed bids stay out until opened; panel members, scores
and people never appear.
"""

from __future__ import annotations

from typing import Any

from coprod.domain.commissioning_terms import CriterionKind
from coprod.domain.organisation import Organisation
from coprod.domain.project import Project
from coprod.domain.tender import Tender
from coprod.domain.values import Money
from projections.open_data.common import amount, date_time, drop_empty, ocds_milestone, org_id
from projections.open_data.snapshot import ProcessSnapshot

__all__ = ["tender_release"]


def _value(money: Money) -> dict[str, Any]:
    return {"amount": amount(money.amount), "currency": money.currency}


def _ref(organisation: Organisation | None, prefix: str, fallback: str) -> dict[str, str]:
    if organisation is None:
        return {"id": f"{prefix}-{fallback}", "name": fallback}
    return {"id": org_id(organisation, prefix), "name": organisation.display_name}


def tender_release(snapshot: ProcessSnapshot, tender: Tender, prefix: str) -> dict[str, Any]:
    """One release of a tender's contracting process, as of the snapshot."""
    ocid = f"{prefix}-{tender.id}"
    council = _ref(snapshot.council, prefix, "council")
    bidders = {b.bidder_id for b in tender.bids.values()} if tender.opened else set()
    winners = {tender.bids[a.bid_id].bidder_id for a in tender.awards.values()}
    parties = [{**council, "roles": ["buyer", "procuringEntity", "payer"]}]
    for bidder in sorted(bidders, key=str):
        roles = ["tenderer", "supplier", "payee"] if bidder in winners else ["tenderer"]
        ref = _ref(snapshot.organisations.get(bidder), prefix, str(bidder))
        parties.append({**ref, "roles": roles})
    tags = (
        ["tender"]
        + (["award"] if tender.awards else [])
        + (["contract"] if tender.contracts else [])
    )
    need = snapshot.needs.get(tender.need_id)
    return drop_empty(
        {
            "ocid": ocid,
            "id": f"{ocid}-{snapshot.position}",
            "date": date_time(tender.modified_on),
            "tag": tags,
            "initiationType": "tender",
            "parties": parties,
            "buyer": council,
            "planning": drop_empty({"rationale": need.description if need else ""}),
            "tender": _tender(snapshot, tender, council, prefix),
            "awards": _awards(snapshot, tender, prefix),
            "contracts": _contracts(snapshot, tender, council, prefix),
        }
    )


def _tender(
    snapshot: ProcessSnapshot, tender: Tender, council: dict[str, str], prefix: str
) -> dict[str, Any]:
    criteria = "; ".join(
        f"{c.title} {c.weight}%"
        + (" (price, lowest-price formula)" if c.kind is CriterionKind.PRICE else "")
        for c in tender.criteria
    )
    complete = bool(tender.lots) and set(tender.awards) >= set(tender.lots)
    tenderers = [
        _ref(snapshot.organisations.get(b), prefix, str(b))
        for b in sorted({bid.bidder_id for bid in tender.bids.values()}, key=str)
    ]
    opened = tender.opened
    return drop_empty(
        {
            "id": str(tender.id),
            "title": tender.title,
            "status": "complete" if complete else "active",
            "items": [{"id": lot.code, "description": lot.title} for lot in tender.lots.values()],
            "value": _value(tender.estimated_value),
            "procurementMethod": "open",
            "procurementMethodDetails": (
                "Co-commissioned with residents: bids scored by a panel of residents and "
                "officers who declared their conflicts of interest"
            ),
            "mainProcurementCategory": "services",
            "awardCriteria": "ratedCriteria",
            "awardCriteriaDetails": criteria,
            "tenderPeriod": {
                "startDate": date_time(tender.created_on),
                "endDate": date_time(tender.deadline),
            },
            "procuringEntity": council,
            "numberOfTenderers": len(tenderers) if opened else None,
            "tenderers": tenderers if opened else [],
        }
    )


def _awards(snapshot: ProcessSnapshot, tender: Tender, prefix: str) -> list[dict[str, Any]]:
    awards = []
    for lot, award in sorted(tender.awards.items()):
        bid = tender.bids[award.bid_id]
        supplier = _ref(snapshot.organisations.get(bid.bidder_id), prefix, str(bid.bidder_id))
        reasons = " ".join(award.terms.record.main_considerations)
        if award.terms.departure_reason:
            reasons = f"{reasons} Departure from the ranking: {award.terms.departure_reason}"
        awards.append(
            drop_empty(
                {
                    "id": str(award.award_id),
                    "title": f"{tender.title}: {tender.lots[lot].title}",
                    "description": reasons,
                    "status": "active",
                    "date": date_time(award.terms.decided_on),
                    "value": _value(bid.price),
                    "suppliers": [supplier],
                    "items": [{"id": lot, "description": tender.lots[lot].title}],
                }
            )
        )
    return awards


def _contracts(
    snapshot: ProcessSnapshot, tender: Tender, council: dict[str, str], prefix: str
) -> list[dict[str, Any]]:
    contracts = []
    projects = {p.id: p for p in snapshot.projects}
    for lot, contract in sorted(tender.contracts.items()):
        award, terms = tender.awards[lot], contract.terms
        bid = tender.bids[contract.bid_id]
        payee = _ref(snapshot.organisations.get(bid.bidder_id), prefix, str(bid.bidder_id))
        project = projects.get(Project.create_id(contract.bid_id))
        contracts.append(
            drop_empty(
                {
                    "id": str(contract.contract_id),
                    "awardID": str(award.award_id),
                    "title": f"{tender.title}: {tender.lots[lot].title}",
                    "status": "active",
                    "period": {
                        "startDate": date_time(terms.starts_on),
                        "endDate": date_time(terms.ends_on),
                    },
                    "value": _value(terms.value),
                    "dateSigned": date_time(terms.signed_on),
                    "implementation": _implementation(project, council, payee),
                }
            )
        )
    return contracts


def _implementation(
    project: Project | None, payer: dict[str, str], payee: dict[str, str]
) -> dict[str, Any]:
    if project is None:
        return {}
    transactions = [
        {
            "id": str(spend_id),
            "date": date_time(spend.spent_on),
            "value": _value(spend.amount),
            "payer": payer,
            "payee": payee,
        }
        for spend_id, spend in project.spends.items()
        if spend.amount.is_positive
    ]
    milestones = [ocds_milestone(m) for m in project.milestones.values()]
    return drop_empty({"milestones": milestones, "transactions": transactions})
