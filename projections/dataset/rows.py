"""One row per entity, from the aggregates as rebuilt from the log (and ballots from their
events, which are the bulk of a log and are written as they stream past)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

from coprod.domain.ballot import Ballot
from coprod.domain.commitment import Commitment, Contribution
from coprod.domain.decision import Decision
from coprod.domain.process import Process
from coprod.domain.project import Project
from coprod.domain.proposal import Proposal
from coprod.domain.values import Money
from projections.dataset.commissioning import COMMISSIONING_ROWS
from projections.stored_ballot import from_us, parse_stored_ballot

__all__ = ["AGGREGATE_ROWS", "ballot_rows", "stored_ballot_rows"]

Row = dict[str, Any]


def _id(value: UUID | None) -> str | None:
    return None if value is None else str(value)


def _code(value: Enum | None) -> str | None:
    return None if value is None else str(value.value)


def _amount(money: Money | None) -> float | None:
    return None if money is None else float(money.amount)


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _day(value: Any) -> str | None:
    return None if value is None else value.isoformat()


def _process(p: Process) -> Iterator[tuple[str, Row]]:
    yield (
        "processes",
        {
            "process_id": _id(p.id),
            "council_id": _id(p.council_id),
            "code": p.code,
            "name": p.name,
            "kind": _code(p.kind),
            "phase": _code(p.phase),
            "currency": p.currency,
            "pot": _amount(p.pot),
            "eligible": p.eligible,
            "opened_at": p.created_on,
        },
    )


def _proposal(p: Proposal) -> Iterator[tuple[str, Row]]:
    estimate = getattr(p, "cost_estimate", None)
    yield (
        "proposals",
        {
            "proposal_id": _id(p.id),
            "process_id": _id(p.process_id),
            "stage": p.stage,
            "status": p.status,
            "title": p.title,
            "description": p.description,
            "area_code": p.area_code,
            "category": p.category,
            "cost_estimate": _amount(estimate),
            "currency": None if estimate is None else estimate.currency,
            "merged_into": _id(getattr(p, "merged_into", None)),
            "submitted_at": p.created_on,
        },
    )


def _decision(d: Decision) -> Iterator[tuple[str, Row]]:
    record = d.record
    complaints = None if record is None else record.complaints
    yield (
        "decisions",
        {
            "decision_id": _id(d.id),
            "process_id": _id(d.process_id),
            "proposal_id": _id(d.proposal_id),
            "outcome": _code(d.outcome),
            "status": d.status,
            "amount": _amount(d.amount),
            "currency": None if d.amount is None else d.amount.currency,
            "decided_on": _day(d.decided_on),
            "legal_basis": "\n".join(record.legal_basis) if record else None,
            "main_considerations": "\n".join(record.main_considerations) if record else None,
            "facts_relied_on": " ".join(str(f) for f in record.facts_relied_on) if record else None,
            "complaints_body": complaints.body if complaints else None,
            "complaints_procedure": complaints.procedure if complaints else None,
            "complaints_deadline_days": complaints.deadline_days if complaints else None,
            "no_appeal_statement": record.no_appeal_statement if record else None,
        },
    )


def _project(p: Project) -> Iterator[tuple[str, Row]]:
    yield (
        "projects",
        {
            "project_id": _id(p.id),
            "process_id": _id(p.process_id),
            "proposal_id": _id(p.proposal_id),
            "decision_id": _id(p.decision_id),
            "title": p.title,
            "approved": _amount(p.approved),
            "currency": p.approved.currency,
            "status": _code(p.status),
            "completed_on": _day(getattr(p, "completed_on", None)),
        },
    )
    for m in p.milestones.values():
        yield (
            "milestones",
            {
                "project_id": _id(p.id),
                "code": m.code,
                "title": m.title,
                "status": _code(m.status),
                "scheduled_on": _day(m.scheduled_on),
                "original_due_on": _day(m.original_due_on),
                "due_on": _day(m.due_on),
                "met_on": _day(m.met_on),
                "delays": m.delays,
                "evidence_url": m.evidence_url,
                "confirmed_by_group": _id(m.confirmed_by_group),
            },
        )
    for s in p.spends.values():
        yield (
            "spend",
            {
                "project_id": _id(p.id),
                "spend_id": _id(s.spend_id),
                "amount": _amount(s.amount),
                "currency": s.amount.currency,
                "spent_on": _day(s.spent_on),
                "purpose": s.purpose,
            },
        )


def _commitment(c: Commitment) -> Iterator[tuple[str, Row]]:
    kind = c.in_kind
    yield (
        "commitments",
        {
            "commitment_id": _id(c.id),
            "organisation_id": _id(c.organisation_id),
            "project_id": _id(c.project_id),
            "phase": _code(c.phase),
            "level": _code(c.level),
            "pledged_hours": _number(c.pledged_hours),
            "in_kind": None if kind is None else kind.description,
            "in_kind_value": None if kind is None else _amount(kind.fair_value),
            "in_kind_currency": None if kind is None else kind.fair_value.currency,
            "status": c.status,
        },
    )


def _contribution(c: Contribution) -> Iterator[tuple[str, Row]]:
    yield (
        "contributions",
        {
            "contribution_id": _id(c.id),
            "commitment_id": _id(c.commitment_id),
            "organisation_id": _id(c.organisation_id),
            "project_id": _id(c.project_id),
            "hours": _number(c.hours),
            "people_count": c.people_count,
            "phase": _code(c.phase),
            "level": _code(c.level),
            "worked_on": _day(c.worked_on),
            "seconds_to_log": c.seconds_to_log,
            "status": c.status,
        },
    )


#: The aggregate kinds kept in memory while the log streams past, and their rows.
AGGREGATE_ROWS: dict[type, Any] = {
    Process: _process,
    Proposal: _proposal,
    Decision: _decision,
    Project: _project,
    Commitment: _commitment,
    Contribution: _contribution,
    **COMMISSIONING_ROWS,
}


def ballot_rows(event: Ballot.BallotCast) -> Iterator[tuple[str, Row]]:
    """A cast ballot's row and one row per proposal it marks, straight from its event."""
    ballot = str(event.originator_id)
    yield (
        "ballots",
        {
            "ballot_id": ballot,
            "process_id": _id(event.process_id),
            "voter_pseudonym": event.voter_pseudonym,
            "channel": _code(event.channel),
            "area_code": event.area_code,
            "age_band": _code(event.age_band),
            "sex": _code(event.sex),
            "cast_at": event.timestamp,
        },
    )
    choices = event.choices
    yield from _choice_rows(
        ballot,
        [str(p) for p in choices.approvals],
        [(str(p), n) for p, n in choices.points],
        [str(p) for p in choices.ranking],
    )


def _choice_rows(
    ballot: str, approvals: list[str], points: list[tuple[str, int]], ranking: list[str]
) -> Iterator[tuple[str, Row]]:
    """One row per proposal a ballot marks: approved, given points, or ranked."""
    for proposal in approvals:
        yield (
            "ballot_choices",
            {"ballot_id": ballot, "proposal_id": proposal, "points": None, "rank": None},
        )
    for proposal, given in points:
        yield (
            "ballot_choices",
            {"ballot_id": ballot, "proposal_id": proposal, "points": given, "rank": None},
        )
    for rank, proposal in enumerate(ranking, start=1):
        yield (
            "ballot_choices",
            {"ballot_id": ballot, "proposal_id": proposal, "points": None, "rank": rank},
        )


_PSEUDONYM = re.compile(rb'"voter_pseudonym":"([0-9a-f]{64})"')
_CHANNEL = re.compile(rb'"channel":\{"_type_":"ballot_channel","_data_":"([a-z_]+)"\}')


def stored_ballot_rows(notification: Any, mapper: Any) -> list[tuple[str, Row]]:
    """The same rows as :func:`ballot_rows`, read from the stored JSON by its layout (the
    read models' fast path, :mod:`projections.stored_ballot`): ballots are most of a log and
    the mapper costs ~24 µs each. Anything unexpected goes through the mapper."""
    state = notification.state
    parsed = None
    if mapper.cipher is None and mapper.compressor is None:
        parsed = parse_stored_ballot(state)
    pseudonym = _PSEUDONYM.search(state) if parsed else None
    channel = _CHANNEL.search(state) if parsed else None
    if parsed is None or pseudonym is None or channel is None:
        return list(ballot_rows(mapper.to_domain_event(notification)))
    ballot = str(notification.originator_id)
    rows: list[tuple[str, Row]] = [
        (
            "ballots",
            {
                "ballot_id": ballot,
                "process_id": str(UUID(hex=parsed.process_id)),
                "voter_pseudonym": pseudonym.group(1).decode(),
                "channel": channel.group(1).decode(),
                "area_code": parsed.area_code,
                "age_band": parsed.age_band,
                "sex": parsed.sex,
                "cast_at": from_us(parsed.ts_us),
            },
        )
    ]
    rows.extend(
        _choice_rows(
            ballot,
            [str(UUID(hex=p)) for p in parsed.approvals],
            [(str(UUID(hex=p)), n) for p, n in parsed.points],
            [str(UUID(hex=p)) for p in parsed.ranking],
        )
    )
    return rows
