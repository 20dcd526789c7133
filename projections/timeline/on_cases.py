"""The timeline's handlers for a proposal's story up to the decision: the ballot, the count,
the idea and its development, the case file (facts, hearings) and the decision."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Tracking

from coprod.domain.decision import Decision, DecisionRecord
from coprod.domain.outcome import Outcome
from coprod.domain.process import Process
from coprod.domain.proposal import Proposal
from coprod.domain.values import Money
from projections.stored_ballot import to_us
from projections.timeline.batch import TimelineBatch
from projections.timeline.events import handlers
from projections.timeline.summaries import Summary, summary
from projections.timeline.values import as_text, record_fields


@handlers.on(Process.BallotOpened)
def _ballot_opened(e: Process.BallotOpened, t: Tracking, b: TimelineBatch) -> None:
    pid = e.originator_id.hex
    options = tuple(o.proposal_id.hex for o in e.options)
    b.options(pid, options)
    for option in e.options:
        chain = b.chain(option.proposal_id.hex)
        if chain is None:
            continue
        b.row(
            chain,
            e,
            t,
            "ballot",
            summary("ballot_opened", count=len(options), cost=as_text(option.cost)),
            links=[("ballot_of", "process", pid)],
            changes=[("ballot_cost", None, as_text(option.cost))],
        )


@handlers.on(Process.BallotClosed)
def _ballot_closed(e: Process.BallotClosed, t: Tracking, b: TimelineBatch) -> None:
    pid = e.originator_id.hex
    end = b.get(pid, "", "backdate_end")
    if end is not None:  # an imported cycle's clock moves on to its date_end
        b.set(pid, "", "backdate_begin", end)
    for proposal in b.ballot_options(pid):
        chain = b.chain(proposal)
        if chain is not None:
            b.row(
                chain,
                e,
                t,
                "ballot",
                summary("ballot_closed"),
                links=[("ballot_of", "process", pid)],
            )


@handlers.on(Outcome.Computed)
def _outcome(e: Outcome.Computed, t: Tracking, b: TimelineBatch) -> None:
    winners = {w.hex for w in e.winners}
    for proposal_id, score in e.tally:
        chain = b.chain(proposal_id.hex)
        if chain is None:
            continue
        selected = proposal_id.hex in winners
        b.row(
            chain,
            e,
            t,
            "outcome_count",
            summary(
                "outcome_counted" if e.applied == e.rule else "outcome_counted_applied",
                rule=e.rule,
                applied=e.applied,
                score=score,
                selected="selected" if selected else "not selected",
                ballots=e.ballots,
                position=e.counted_up_to,
                sha256=e.ballots_sha256[:12],
            ),
            changes=[
                ("rule", None, e.rule),
                ("score", None, str(score)),
                ("selected", None, as_text(selected)),
            ],
            links=[("counted_in", "process", e.process_id.hex)],
        )


@handlers.on(Proposal.IdeaSubmitted)
def _idea(e: Proposal.IdeaSubmitted, t: Tracking, b: TimelineBatch) -> None:
    sid = e.originator_id.hex
    b.subject(sid, sid, "idea", e.process_id.hex, e.timestamp)
    values = {
        "title": e.title,
        "description": e.description,
        "area_code": e.area_code,
        "category": e.category,
    }
    b.row(
        sid,
        e,
        t,
        "idea",
        summary("idea_submitted", title=e.title),
        changes=b.changes(sid, "", values),
        links=[("submitted_to", "process", e.process_id.hex)],
    )


@handlers.on(Proposal.IdeaAmended)
def _amended(e: Proposal.IdeaAmended, t: Tracking, b: TimelineBatch) -> None:
    sid = e.originator_id.hex
    values = {k: v for k, v in (("title", e.title), ("description", e.description)) if v}
    b.row(
        sid,
        e,
        t,
        "idea",
        summary("idea_amended", fields=list(values)),
        changes=b.changes(sid, "", values),
    )


@handlers.on(Proposal.MergedInto)
def _merged(e: Proposal.MergedInto, t: Tracking, b: TimelineBatch) -> None:
    sid, target = e.originator_id.hex, e.target_id.hex
    b.merges.append((t.notification_id, to_us(e.timestamp), sid, target))
    b.row(
        sid,
        e,
        t,
        "idea",
        summary("merged_into", target=str(UUID(hex=target))),
        changes=b.changes(sid, "", {"status": "merged"}),
        links=[("merged_into", "idea", target)],
    )


@handlers.on(Proposal.Absorbed)
def _absorbed(e: Proposal.Absorbed, t: Tracking, b: TimelineBatch) -> None:
    sid, source = e.originator_id.hex, e.source_id.hex
    b.row(
        sid,
        e,
        t,
        "idea",
        summary("absorbed", source=str(UUID(hex=source))),
        links=[("merged_from", "idea", source)],
    )


@handlers.on(Proposal.Withdrawn)
def _withdrawn(e: Proposal.Withdrawn, t: Tracking, b: TimelineBatch) -> None:
    sid = e.originator_id.hex
    b.row(
        sid,
        e,
        t,
        "idea",
        summary("withdrawn"),
        reason=e.reason,
        changes=b.changes(sid, "", {"status": "withdrawn"}),
    )


@handlers.on(Proposal.DevelopedIntoProposal)
def _developed(e: Proposal.DevelopedIntoProposal, t: Tracking, b: TimelineBatch) -> None:
    sid = e.originator_id.hex
    earlier = b.get(sid, "", "_row:proposal")
    values = {
        "stage": "proposal",
        "cost_estimate": e.cost_estimate,
        "area_code": e.area_code,
        "category": e.category,
        "co_producers": e.co_producers or None,
    }
    b.row(
        sid,
        e,
        t,
        "proposal",
        summary(
            "revised" if earlier else "developed",
            cost=as_text(e.cost_estimate),
            area=e.area_code,
            category=e.category,
        ),
        changes=b.changes(sid, "", values),
        links=[("co_producer", "organisation", o.hex) for o in e.co_producers],
        corrects=None if earlier is None else int(earlier),
    )
    b.set(sid, "", "_row:proposal", str(t.notification_id))


@handlers.on(Proposal.FeasibilityAssessed)
def _assessed(e: Proposal.FeasibilityAssessed, t: Tracking, b: TimelineBatch) -> None:
    sid = e.originator_id.hex
    earlier = b.get(sid, "", "_row:assessment")
    values = {"feasible": e.feasible, "assessed_cost": e.assessed_cost}
    verdict = "feasible" if e.feasible else "unfeasible"
    code = ("reassessed" if earlier else "assessed") + ("" if e.assessed_cost is None else "_cost")
    b.row(
        sid,
        e,
        t,
        "assessment",
        summary(code, verdict=verdict, cost=as_text(e.assessed_cost)),
        reason=e.reason or None,
        changes=b.changes(sid, "", values),
        corrects=None if earlier is None else int(earlier),
    )
    b.set(sid, "", "_row:assessment", str(t.notification_id))


@handlers.on(Proposal.Shortlisted)
def _shortlisted(e: Proposal.Shortlisted, t: Tracking, b: TimelineBatch) -> None:
    sid = e.originator_id.hex
    b.row(
        sid,
        e,
        t,
        "shortlist",
        summary("shortlisted"),
        changes=b.changes(sid, "", {"shortlisted": True}),
    )


@handlers.on(Proposal.NotShortlisted)
def _not_shortlisted(e: Proposal.NotShortlisted, t: Tracking, b: TimelineBatch) -> None:
    sid = e.originator_id.hex
    b.row(
        sid,
        e,
        t,
        "shortlist",
        summary("not_shortlisted"),
        reason=e.reason,
        changes=b.changes(sid, "", {"shortlisted": False}),
    )


@handlers.on(Proposal.FactRecorded)
def _fact(e: Proposal.FactRecorded, t: Tracking, b: TimelineBatch) -> None:
    sid = e.originator_id.hex
    flags = [n for n, v in (("adverse", e.adverse), ("essential", e.essential)) if v]
    flags.append("known to the party" if e.known_to_party else "unknown to the party")
    b.row(
        sid,
        e,
        t,
        "case_file",
        summary("fact_recorded", flags=flags, summary=e.summary),
        item=e.fact_id.hex,
    )


@handlers.on(Proposal.HearingSent)
def _hearing_sent(e: Proposal.HearingSent, t: Tracking, b: TimelineBatch) -> None:
    sid = e.originator_id.hex
    b.row(
        sid,
        e,
        t,
        "case_file",
        summary("hearing_sent", count=len(e.fact_ids), due_on=e.deadline),
        item=e.hearing_id.hex,
        links=[("on_fact", "fact", f.hex) for f in e.fact_ids],
    )


@handlers.on(Proposal.HearingAnswered)
def _hearing_answered(e: Proposal.HearingAnswered, t: Tracking, b: TimelineBatch) -> None:
    sid = e.originator_id.hex
    b.row(
        sid,
        e,
        t,
        "case_file",
        summary("hearing_answered", answered_on=e.answered_on, document=e.response_ref),
        item=e.hearing_id.hex,
    )


@handlers.on(Proposal.HearingExempted)
def _hearing_exempted(e: Proposal.HearingExempted, t: Tracking, b: TimelineBatch) -> None:
    sid = e.originator_id.hex
    b.row(
        sid,
        e,
        t,
        "case_file",
        summary("hearing_exempted", count=len(e.fact_ids)),
        reason=e.justification,
        links=[("on_fact", "fact", f.hex) for f in e.fact_ids],
    )


def _decision_values(
    outcome: Any, amount: Money | None, record: DecisionRecord | None, on: date
) -> dict[str, Any]:
    return {
        "outcome": outcome,
        "amount": amount,
        "decided_on": on,
        "status": "in_force",
        **record_fields(record),
    }


@handlers.on(Decision.DecisionMade)
def _decided(e: Decision.DecisionMade, t: Tracking, b: TimelineBatch) -> None:
    did, chain = e.originator_id.hex, e.proposal_id.hex
    b.subject(did, chain, "decision", e.process_id.hex, e.timestamp)
    b.row(
        chain,
        e,
        t,
        "decision",
        summary(
            "decision_made" if e.amount is None else "decision_made_amount",
            outcome=e.outcome.value,
            amount=as_text(e.amount),
            decided_on=e.decided_on,
        ),
        changes=b.changes(did, "", _decision_values(e.outcome, e.amount, e.record, e.decided_on)),
        links=[("decides", "idea", chain)],
    )
    b.set(did, "", "_row:decision", str(t.notification_id))


def _decision_act(
    e: Any, t: Tracking, b: TimelineBatch, line: Summary, values: dict[str, Any]
) -> None:
    did = e.originator_id.hex
    chain = b.chain(did)
    if chain is None:
        return
    original = b.get(did, "", "_row:decision")
    b.row(
        chain,
        e,
        t,
        "decision",
        line,
        reason=e.reason,
        changes=[
            ("original_outcome", None, e.original_outcome.value),
            *b.changes(did, "", values),
        ],
        links=[("decides", "idea", chain)],
        corrects=None if original is None else int(original),
    )


@handlers.on(Decision.DecisionCorrected)
def _decision_corrected(e: Decision.DecisionCorrected, t: Tracking, b: TimelineBatch) -> None:
    was = b.get(e.originator_id.hex, "", "outcome") or e.original_outcome.value
    _decision_act(
        e,
        t,
        b,
        summary(
            "decision_corrected" if e.amount is None else "decision_corrected_amount",
            was=was,
            outcome=e.outcome.value,
            amount=as_text(e.amount),
            decided_on=e.decided_on,
            original=e.original_outcome.value,
        ),
        _decision_values(e.outcome, e.amount, e.record, e.decided_on),
    )


@handlers.on(Decision.DecisionReopened)
def _decision_reopened(e: Decision.DecisionReopened, t: Tracking, b: TimelineBatch) -> None:
    _decision_act(e, t, b, summary("decision_reopened"), {"status": "reopened"})


@handlers.on(Decision.DecisionRevoked)
def _decision_revoked(e: Decision.DecisionRevoked, t: Tracking, b: TimelineBatch) -> None:
    values = {"status": "revoked", "decided_on": e.decided_on, **record_fields(e.record)}
    line = summary("decision_revoked", decided_on=e.decided_on)
    _decision_act(e, t, b, line, values)
