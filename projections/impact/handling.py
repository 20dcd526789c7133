"""The events the impact model takes, each with its handler, and every other event it ignores.

Why declared here with :class:`projections.kernel.handlers.Handlers`: the model used to keep
a list of topics and a map from event class to method in step by hand. Each handler now *is*
the declaration, the topics are derived from it, and every other event class of the domain is
named in ``ignores`` so a new event cannot be passed over silently (a unit test insists).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from eventsourcing.persistence import Tracking

from coprod.domain.ballot import Ballot, ballot_counts
from coprod.domain.commissioning import ServiceNeed
from coprod.domain.commitment import Commitment, Contribution
from coprod.domain.decision import Decision, missing_elements
from coprod.domain.organisation import Organisation, Person
from coprod.domain.outcome import Outcome
from coprod.domain.paper_ballot import PaperBallot
from coprod.domain.parameters import CensusShares, VolunteerRates
from coprod.domain.phases import Phase
from coprod.domain.process import DEFAULT_DISCLOSURE_K, Process
from coprod.domain.project import Project
from coprod.domain.proposal import Proposal
from coprod.domain.release import Release
from coprod.domain.tender import Tender
from coprod.domain.values import Role
from projections.impact import facts
from projections.impact.batch import Batch
from projections.impact.tables import MICRO, STATE
from projections.kernel.handlers import Handlers, events_of
from projections.stored_ballot import StoredBallot, to_us
from projections.valid_time import valid_since

__all__ = ["change_process", "handlers"]

#: The tender's events the report counts: the panel's composition, the contract's project.
_TENDER_FACTS = (Tender.TenderPublished, Tender.PanelMemberAppointed, Tender.ContractSigned)

#: The events the impact model takes; every other event of the domain is named here.
handlers: Handlers[Batch] = Handlers(
    ignores=(
        CensusShares.CensusSharesOpened,
        VolunteerRates.VolunteerRatesOpened,
        Process.PhaseAdvanced,
        Process.RulesSet,
        Project.OutcomeIndicatorDefined,
        Project.OutcomeReported,
        Proposal.Absorbed,
        Proposal.DecisionApplied,
        Proposal.IdeaAmended,
        *(e for e in events_of(Tender) if e not in _TENDER_FACTS),
    ),
    # Aggregates the impact figures take nothing from: their new events need no edit here.
    ignores_all_of=(
        Organisation,
        Person,
        Outcome,
        PaperBallot,
        Release,
    ),
)

#: Roles whose mark of a commitment as met certifies its in-kind value (DOMAIN.md §4). The
#: domain checks the same roles when an officer marks a commitment (commitment.py) but has
#: no name for the set: restated here.
_CERTIFYING = (Role.COUNCIL_OFFICER, Role.SYSTEM)


def _money(value: Any) -> str | None:
    return None if value is None else str(value.amount)


def _amount(value: Any) -> Decimal | None:
    return None if value is None else value.amount


def _fact(*event_types: type) -> Callable[[Callable[[Any], facts.Fact]], Any]:
    """Register a handler storing the typed fact ``data(event)`` about the event's aggregate."""

    def register(data: Callable[[Any], facts.Fact]) -> Any:
        def handle(e: Any, t: Tracking, b: Batch) -> None:
            b.fact(e.originator_id.hex, t, e, data(e))

        handlers.on(*event_types)(handle)
        return data

    return register


# -- process history -------------------------------------------------------------------------


@handlers.on(Process.Opened)
def _opened(e: Process.Opened, t: Tracking, b: Batch) -> None:
    row: list[Any] = [e.council_id.hex, e.name, e.currency, None, None, None]
    row += [DEFAULT_DISCLOSURE_K, "[]", "not_opened", None, None, None, None, None]
    b.caches.process[e.originator_id.hex] = row
    b.process_row(e.originator_id.hex, t, to_us(e.timestamp), row)


def _change(e: Any, t: Tracking, b: Batch, **values: Any) -> None:
    change_process(e.originator_id.hex, e, t, b, **values)


def change_process(pid: str, e: Any, t: Tracking, b: Batch, **values: Any) -> None:
    """A new version of process `pid`'s row, with `values` changed."""
    row = b.process(pid)
    if row is None:
        return
    for name, value in values.items():
        row[STATE[name]] = value
    b.process_row(pid, t, to_us(e.timestamp), row)


@handlers.on(Process.BudgetSet)
def _budget(e: Process.BudgetSet, t: Tracking, b: Batch) -> None:
    _change(e, t, b, pot=_money(e.pot), budget_base=_money(e.budget_base))


@handlers.on(Process.EligiblePopulationSet)
def _eligible(e: Process.EligiblePopulationSet, t: Tracking, b: Batch) -> None:
    _change(e, t, b, eligible=e.eligible)


@handlers.on(Process.AreasDefined)
def _areas(e: Process.AreasDefined, t: Tracking, b: Batch) -> None:
    areas = [[a.code, a.name, a.population, a.need_weight] for a in e.areas]
    _change(e, t, b, areas=json.dumps(areas))


@handlers.on(Process.BallotOpened)
def _ballot_opened(e: Process.BallotOpened, t: Tracking, b: Batch) -> None:
    _change(e, t, b, ballot_state="open")


@handlers.on(Process.BallotClosed)
def _ballot_closed(e: Process.BallotClosed, t: Tracking, b: Batch) -> None:
    row = b.process(e.originator_id.hex)
    ts_us = to_us(e.timestamp)
    end = None if row is None else row[STATE["backdate_end"]]
    # An imported cycle's clock moves on to date_end: what follows the close is valid then.
    clock = {} if end is None else {"backdate_begin": end}
    business = valid_since(ts_us, None, end)
    _change(e, t, b, ballot_state="closed", closed_us=ts_us, closed_valid_us=business, **clock)


@handlers.on(Process.DisclosureThresholdSet)
def _threshold(e: Process.DisclosureThresholdSet, t: Tracking, b: Batch) -> None:
    _change(e, t, b, k=e.k)


def _process_fact(e: Any, t: Tracking, b: Batch, fact: facts.Fact) -> None:
    pid = e.originator_id.hex
    if b.process(pid) is not None:
        b.process_fact(pid, pid, t, e, fact)


@handlers.on(Process.PhasesScheduled)
def _scheduled(e: Process.PhasesScheduled, t: Tracking, b: Batch) -> None:
    """The planned vote end: the business date vote-to-delivery counts from."""
    vote_end = [p.ends_on for p in e.schedule if p.phase is Phase.VOTE]
    _process_fact(e, t, b, facts.Schedule(vote_end[0] if vote_end else None))


@handlers.on(Process.MinimumHearingPeriodSet)
def _hearing_period(e: Process.MinimumHearingPeriodSet, t: Tracking, b: Batch) -> None:
    """The process's minimum hearing period, so the report judges hearings as the law did."""
    _process_fact(e, t, b, facts.HearingPeriod(e.days))


# -- proposals -------------------------------------------------------------------------------


@handlers.on(Proposal.IdeaSubmitted)
def _idea(e: Proposal.IdeaSubmitted, t: Tracking, b: Batch) -> None:
    b.subject(e.originator_id.hex, e.process_id.hex, "proposal")
    fact = facts.IdeaFact(e.actor.id.hex, e.area_code, e.category)
    b.fact(e.originator_id.hex, t, e, fact)


@_fact(Proposal.MergedInto)
def _merged(e: Proposal.MergedInto) -> Any:
    return facts.IdeaEnd("merged")


@_fact(Proposal.Withdrawn)
def _withdrawn(e: Proposal.Withdrawn) -> Any:
    return facts.IdeaEnd("withdrawn")


@_fact(Proposal.DevelopedIntoProposal)
def _developed(e: Proposal.DevelopedIntoProposal) -> Any:
    return facts.Developed(e.area_code, e.category)


@_fact(Proposal.FeasibilityAssessed)
def _assessed(e: Proposal.FeasibilityAssessed) -> Any:
    return facts.Assessed(e.feasible, e.reason)


@_fact(Proposal.Shortlisted)
def _shortlisted(e: Proposal.Shortlisted) -> Any:
    return facts.Shortlisted()


@_fact(Proposal.NotShortlisted)
def _not_shortlisted(e: Proposal.NotShortlisted) -> Any:
    return facts.NotShortlisted("not_shortlisted", e.reason)


@_fact(Proposal.FactRecorded)
def _case_fact(e: Proposal.FactRecorded) -> Any:
    """An adverse, essential fact the party does not know needs a hearing (restated from the
    domain's case-file rule, which has no function of its own to import)."""
    return facts.CaseFact(e.fact_id.hex, e.adverse and e.essential and not e.known_to_party)


@_fact(Proposal.HearingSent)
def _hearing(e: Proposal.HearingSent) -> Any:
    ids = tuple(f.hex for f in e.fact_ids)
    return facts.HearingFact(e.hearing_id.hex, ids, e.deadline, e.sent_on)


@_fact(Proposal.HearingAnswered)
def _answered(e: Proposal.HearingAnswered) -> Any:
    return facts.Answered(e.hearing_id.hex, e.answered_on)


@_fact(Proposal.HearingExempted)
def _exempted(e: Proposal.HearingExempted) -> Any:
    return facts.Exempted(tuple(f.hex for f in e.fact_ids))


# -- decisions -------------------------------------------------------------------------------


def _decision_act(e: Any) -> dict[str, Any]:
    """A made or corrected decision: outcome, amount, record completeness, facts relied on."""
    record = e.record
    return {
        "outcome": e.outcome.value,
        "amount": _amount(e.amount),
        "adverse": e.outcome.adverse,
        "complete": not missing_elements(record),
        "facts": () if record is None else tuple(f.hex for f in record.facts_relied_on),
        "decided_on": e.decided_on,
    }


@handlers.on(Decision.DecisionMade)
def _decided(e: Decision.DecisionMade, t: Tracking, b: Batch) -> None:
    b.subject(e.originator_id.hex, e.process_id.hex, "decision")
    fact = facts.DecisionMade("made", **_decision_act(e), proposal=e.proposal_id.hex)
    b.fact(e.originator_id.hex, t, e, fact)


@_fact(Decision.DecisionCorrected)
def _corrected(e: Decision.DecisionCorrected) -> Any:
    return facts.DecisionActed("corrected", **_decision_act(e))


@_fact(Decision.DecisionReopened)
def _reopened(e: Decision.DecisionReopened) -> Any:
    return facts.DecisionReopened()


@_fact(Decision.DecisionRevoked)
def _revoked(e: Decision.DecisionRevoked) -> Any:
    return facts.DecisionRevoked("revoked", None, not missing_elements(e.record), e.decided_on)


# -- projects --------------------------------------------------------------------------------


@handlers.on(Project.ProjectFunded)
def _funded(e: Project.ProjectFunded, t: Tracking, b: Batch) -> None:
    b.subject(e.originator_id.hex, e.process_id.hex, "project")
    ids = (e.proposal_id.hex, e.decision_id.hex)
    fact = facts.Funded(*ids, _amount(e.approved), e.title)
    b.fact(e.originator_id.hex, t, e, fact)


@_fact(Project.MilestoneScheduled)
def _ms_scheduled(e: Project.MilestoneScheduled) -> Any:
    return facts.MilestoneDue(e.code, e.due_on)


@_fact(Project.MilestoneStarted)
def _ms_started(e: Project.MilestoneStarted) -> Any:
    return facts.MilestoneStarted(e.code, e.started_on)


@_fact(Project.MilestoneMet)
def _ms_met(e: Project.MilestoneMet) -> Any:
    return facts.MilestoneMet(e.code, e.met_on)


@_fact(Project.MilestoneDelayed)
def _ms_delayed(e: Project.MilestoneDelayed) -> Any:
    return facts.MilestoneDelayed(e.code, e.new_due_on)


@_fact(Project.MilestoneCancelled)
def _ms_cancelled(e: Project.MilestoneCancelled) -> Any:
    return facts.MilestoneCancelled(e.code)


@_fact(Project.SpendRecorded)
def _spend(e: Project.SpendRecorded) -> Any:
    return facts.Spend(e.spend_id.hex, _amount(e.amount))


@_fact(Project.SpendCorrected)
def _spend_corrected(e: Project.SpendCorrected) -> Any:
    return facts.SpendCorrected(e.spend_id.hex, _amount(e.amount))


@_fact(Project.MatchFundingRecorded)
def _match(e: Project.MatchFundingRecorded) -> Any:
    return facts.Match(e.funding_id.hex, _amount(e.amount), e.source, e.received_on)


@_fact(Project.ProjectCompleted)
def _completed(e: Project.ProjectCompleted) -> Any:
    return facts.Completed(e.completed_on)


@_fact(Project.ProjectCancelled)
def _cancelled(e: Project.ProjectCancelled) -> Any:
    return facts.Cancelled()


# -- commitments and contributions -----------------------------------------------------------


@handlers.on(Commitment.CommitmentMade)
def _commitment(e: Commitment.CommitmentMade, t: Tracking, b: Batch) -> None:
    pid = b.process_of(e.project_id.hex)
    if pid is None:
        return
    b.subject(e.originator_id.hex, pid, "commitment")
    in_kind = None if e.in_kind is None else _amount(e.in_kind.fair_value)
    process = b.process(pid)
    if (
        e.in_kind is not None
        and process is not None
        and e.in_kind.fair_value.currency != process[STATE["currency"]]
    ):
        in_kind = None  # only value in the process's currency counts (never summed across)
    fact = facts.CommitmentFact(e.project_id.hex, in_kind)
    b.fact(e.originator_id.hex, t, e, fact)


@_fact(Commitment.CommitmentMet)
def _certified(e: Commitment.CommitmentMet) -> Any:
    """Whether an officer marked it met: only then does its in-kind value count (a group's
    own mark, possible before the policy of issue 11, certifies nothing)."""
    return facts.CommitmentMet(e.actor.role in _CERTIFYING)


@_fact(Commitment.CommitmentLapsed)
def _lapsed(e: Commitment.CommitmentLapsed) -> Any:
    return facts.CommitmentLapsed()


@handlers.on(Contribution.ContributionLogged)
def _logged(e: Contribution.ContributionLogged, t: Tracking, b: Batch) -> None:
    pid = b.process_of(e.project_id.hex)
    if pid is None:
        return
    cid = e.originator_id.hex
    b.subject(cid, pid, "contribution")
    hours = int((e.hours * MICRO).to_integral_value())
    ts_us = to_us(e.timestamp)
    row: tuple[Any, ...] = (cid, pid, t.notification_id, ts_us, e.project_id.hex)
    row += (e.phase.value, e.level.value, hours, e.people_count, e.seconds_to_log)
    row += (b.valid(pid, ts_us, e.worked_on),)
    b.contributions.append(row)


def _status(e: Any, t: Tracking, b: Batch, status: str) -> None:
    cid = e.originator_id.hex
    pid = b.process_of(cid)
    if pid is not None:
        b.statuses.append((t.notification_id, pid, cid, to_us(e.timestamp), status))


@handlers.on(Contribution.ContributionVerified)
def _verified(e: Contribution.ContributionVerified, t: Tracking, b: Batch) -> None:
    _status(e, t, b, "verified")


@handlers.on(Contribution.ContributionDisputed)
def _disputed(e: Contribution.ContributionDisputed, t: Tracking, b: Batch) -> None:
    _status(e, t, b, "disputed")


# -- ballots and parameters ------------------------------------------------------------------


@handlers.on(Ballot.BallotCast, record=StoredBallot)
def _ballot(f: StoredBallot | Ballot.BallotCast, t: Tracking, b: Batch) -> None:
    """A ballot, read by layout (:class:`StoredBallot`) or, on the library's mapper path (the
    stock projection, or a layout the fast path declined), as the domain event itself."""
    if type(f) is not StoredBallot:
        f = StoredBallot.of(f)  # type: ignore[arg-type]
    pid = f.process_id
    row = b.process(pid)
    if row is None or not ballot_counts(row[STATE["ballot_state"]]):
        return  # recorded after the close (or for no known process): not counted
    b.ballots.add((pid, f.area_code, f.age_band, f.sex), t.notification_id, f.ts_us)


@handlers.on(CensusShares.CensusSharesLoaded)
def _census(e: CensusShares.CensusSharesLoaded, t: Tracking, b: Batch) -> None:
    shares = [[s.group, str(s.share)] for s in e.shares]
    quintiles = [[a.area_code, a.quintile] for a in e.area_quintiles]
    row: tuple[Any, ...] = (
        t.notification_id,
        e.council_id.hex,
        e.dimension.value,
        to_us(e.timestamp),
    )
    row += (e.source, e.reference_year, json.dumps(shares), json.dumps(quintiles))
    b.census.append(row)


@handlers.on(VolunteerRates.VolunteerRatesLoaded)
def _rates(e: VolunteerRates.VolunteerRatesLoaded, t: Tracking, b: Batch) -> None:
    row: tuple[Any, ...] = (
        t.notification_id,
        e.council_id.hex,
        e.floor.currency,
        to_us(e.timestamp),
    )
    row += (str(e.floor.amount), str(e.central.amount), str(e.upper.amount))
    row += (e.source, e.reference_year)
    b.rates.append(row)


# -- co-commissioning ------------------------------------------------------------------------


@handlers.on(ServiceNeed.ServiceNeedDefined)
def _need(e: ServiceNeed.ServiceNeedDefined, t: Tracking, b: Batch) -> None:
    b.subject(e.originator_id.hex, e.process_id.hex, "need")
    people = {p.group.value: p.count for p in e.participants}
    fact = facts.CoDesign(e.title, "", e.defined_on, people)
    b.fact(e.originator_id.hex, t, e, fact)


@handlers.on(ServiceNeed.CoDesignSessionHeld)
def _session(e: ServiceNeed.CoDesignSessionHeld, t: Tracking, b: Batch) -> None:
    people = {p.group.value: p.count for p in e.participants}
    fact = facts.CoDesign("", e.session_code, e.held_on, people)
    b.fact(e.originator_id.hex, t, e, fact)


@handlers.on(Tender.TenderPublished)
def _tender(e: Tender.TenderPublished, t: Tracking, b: Batch) -> None:
    b.subject(e.originator_id.hex, e.process_id.hex, "tender")
    b.fact(e.originator_id.hex, t, e, facts.TenderFact(e.title))


@handlers.on(Tender.PanelMemberAppointed)
def _panel_member(e: Tender.PanelMemberAppointed, t: Tracking, b: Batch) -> None:
    fact = facts.PanelMember(e.role.value)
    b.fact(e.originator_id.hex, t, e, fact)


@handlers.on(Tender.ContractSigned)
def _contract(e: Tender.ContractSigned, t: Tracking, b: Batch) -> None:
    project = Project.create_id(e.bid_id).hex  # funded in the same transaction, just before
    fact = facts.Commissioned(e.originator_id.hex, e.contract_id.hex)
    b.fact(project, t, e, fact)
