"""The events the impact model takes, each with its handler, and every other event it ignores.

Why declared here with :class:`projections.kernel.handlers.Handlers`: the model used to keep
a list of topics and a map from event class to method in step by hand. Each handler now *is*
the declaration, the topics are derived from it, and every other event class of the domain is
named in ``ignores`` so a new event cannot be passed over silently (a unit test insists).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from eventsourcing.persistence import Tracking

from coprod.domain.ballot import Ballot, ballot_counts
from coprod.domain.commitment import Commitment, Contribution
from coprod.domain.decision import Decision, missing_elements
from coprod.domain.organisation import Organisation, Person
from coprod.domain.outcome import Outcome
from coprod.domain.pabulib_source import PabulibSource
from coprod.domain.parameters import CensusShares, VolunteerRates
from coprod.domain.phases import Phase
from coprod.domain.process import DEFAULT_DISCLOSURE_K, Process
from coprod.domain.project import Project
from coprod.domain.proposal import Proposal
from coprod.domain.release import Release
from coprod.domain.values import Role
from projections.impact.batch import Batch
from projections.impact.tables import MICRO, STATE
from projections.kernel.handlers import Handlers
from projections.stored_ballot import StoredBallot, to_us

__all__ = ["handlers"]

#: The events the impact model takes; every other event of the domain is named here.
handlers: Handlers[Batch] = Handlers(
    ignores=(
        Organisation.OrganisationRegistered,
        Organisation.MemberAdded,
        Organisation.MemberRemoved,
        Person.PersonRegistered,
        Person.PersonalDataErased,
        Outcome.Computed,
        PabulibSource.FileImportStarted,
        PabulibSource.FileImportCompleted,
        CensusShares.CensusSharesOpened,
        VolunteerRates.VolunteerRatesOpened,
        Process.PhaseAdvanced,
        Process.RulesSet,
        Project.OutcomeIndicatorDefined,
        Project.OutcomeReported,
        Proposal.Absorbed,
        Proposal.DecisionApplied,
        Proposal.IdeaAmended,
        Release.ReleasePublished,
    )
)

#: Roles whose mark of a commitment as met certifies its in-kind value (DOMAIN.md §4). The
#: domain checks the same roles when an officer marks a commitment (commitment.py) but has
#: no name for the set: restated here.
_CERTIFYING = (Role.COUNCIL_OFFICER, Role.SYSTEM)


def _money(value: Any) -> str | None:
    return None if value is None else str(value.amount)


def _fact(*event_types: type, kind: str) -> Callable[[Callable[[Any], Any]], Any]:
    """Register a handler storing one fact of ``kind`` about the event's aggregate."""

    def register(data: Callable[[Any], Any]) -> Any:
        def handle(e: Any, t: Tracking, b: Batch) -> None:
            b.fact(e.originator_id.hex, t, to_us(e.timestamp), kind, data(e))

        handlers.on(*event_types)(handle)
        return data

    return register


# -- process history -------------------------------------------------------------------------


@handlers.on(Process.Opened)
def _opened(e: Process.Opened, t: Tracking, b: Batch) -> None:
    row: list[Any] = [e.council_id.hex, e.name, e.currency, None, None, None]
    row += [DEFAULT_DISCLOSURE_K, "[]", "not_opened", None]
    b.caches.process[e.originator_id.hex] = row
    b.process_row(e.originator_id.hex, t, to_us(e.timestamp), row)


def _change(e: Any, t: Tracking, b: Batch, **values: Any) -> None:
    pid = e.originator_id.hex
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
    _change(e, t, b, ballot_state="closed", closed_us=to_us(e.timestamp))


@handlers.on(Process.DisclosureThresholdSet)
def _threshold(e: Process.DisclosureThresholdSet, t: Tracking, b: Batch) -> None:
    _change(e, t, b, k=e.k)


def _process_fact(e: Any, t: Tracking, b: Batch, kind: str, data: Any) -> None:
    pid = e.originator_id.hex
    if b.process(pid) is not None:
        row = (t.notification_id, pid, pid, kind, to_us(e.timestamp), json.dumps(data))
        b.facts.append(row)


@handlers.on(Process.PhasesScheduled)
def _scheduled(e: Process.PhasesScheduled, t: Tracking, b: Batch) -> None:
    """The planned vote end: the business date vote-to-delivery counts from."""
    vote_end = [p.ends_on.isoformat() for p in e.schedule if p.phase is Phase.VOTE]
    _process_fact(e, t, b, "schedule", {"vote_end": vote_end[0] if vote_end else None})


@handlers.on(Process.MinimumHearingPeriodSet)
def _hearing_period(e: Process.MinimumHearingPeriodSet, t: Tracking, b: Batch) -> None:
    """The process's minimum hearing period, so the report judges hearings as the law did."""
    _process_fact(e, t, b, "hearing_period", {"days": e.days})


# -- proposals -------------------------------------------------------------------------------


@handlers.on(Proposal.IdeaSubmitted)
def _idea(e: Proposal.IdeaSubmitted, t: Tracking, b: Batch) -> None:
    b.subject(e.originator_id.hex, e.process_id.hex, "proposal")
    data = {"submitter": e.actor.id.hex, "area": e.area_code, "category": e.category}
    b.fact(e.originator_id.hex, t, to_us(e.timestamp), "idea", data)


@_fact(Proposal.MergedInto, kind="idea_end")
def _merged(e: Proposal.MergedInto) -> Any:
    return {"state": "merged"}


@_fact(Proposal.Withdrawn, kind="idea_end")
def _withdrawn(e: Proposal.Withdrawn) -> Any:
    return {"state": "withdrawn"}


@_fact(Proposal.DevelopedIntoProposal, kind="developed")
def _developed(e: Proposal.DevelopedIntoProposal) -> Any:
    return {"area": e.area_code, "category": e.category}


@_fact(Proposal.FeasibilityAssessed, kind="assessed")
def _assessed(e: Proposal.FeasibilityAssessed) -> Any:
    return {"feasible": e.feasible, "reason": e.reason}


@_fact(Proposal.Shortlisted, kind="shortlist")
def _shortlisted(e: Proposal.Shortlisted) -> Any:
    return {"state": "shortlisted"}


@_fact(Proposal.NotShortlisted, kind="shortlist")
def _not_shortlisted(e: Proposal.NotShortlisted) -> Any:
    return {"state": "not_shortlisted", "reason": e.reason}


@_fact(Proposal.FactRecorded, kind="case_fact")
def _case_fact(e: Proposal.FactRecorded) -> Any:
    """An adverse, essential fact the party does not know needs a hearing (restated from the
    domain's case-file rule, which has no function of its own to import)."""
    return {
        "fact": e.fact_id.hex,
        "needs_hearing": e.adverse and e.essential and not e.known_to_party,
    }


@_fact(Proposal.HearingSent, kind="hearing")
def _hearing(e: Proposal.HearingSent) -> Any:
    return {
        "hearing": e.hearing_id.hex,
        "facts": [f.hex for f in e.fact_ids],
        "deadline": e.deadline.isoformat(),
        "sent_on": e.sent_on.isoformat(),
    }


@_fact(Proposal.HearingAnswered, kind="answered")
def _answered(e: Proposal.HearingAnswered) -> Any:
    return {"hearing": e.hearing_id.hex, "on": e.answered_on.isoformat()}


@_fact(Proposal.HearingExempted, kind="exempted")
def _exempted(e: Proposal.HearingExempted) -> Any:
    return {"facts": [f.hex for f in e.fact_ids]}


# -- decisions -------------------------------------------------------------------------------


def _decision_act(act: str, e: Any) -> dict[str, Any]:
    """A made or corrected decision: outcome, amount, record completeness, facts relied on."""
    record = e.record
    return {
        "act": act,
        "outcome": e.outcome.value,
        "amount": _money(e.amount),
        "adverse": e.outcome.adverse,
        "complete": not missing_elements(record),
        "facts": [] if record is None else [f.hex for f in record.facts_relied_on],
        "decided_on": e.decided_on.isoformat(),
    }


@handlers.on(Decision.DecisionMade)
def _decided(e: Decision.DecisionMade, t: Tracking, b: Batch) -> None:
    b.subject(e.originator_id.hex, e.process_id.hex, "decision")
    data = _decision_act("made", e)
    data["proposal"] = e.proposal_id.hex
    b.fact(e.originator_id.hex, t, to_us(e.timestamp), "decision", data)


@_fact(Decision.DecisionCorrected, kind="decision")
def _corrected(e: Decision.DecisionCorrected) -> Any:
    return _decision_act("corrected", e)


@_fact(Decision.DecisionReopened, kind="decision")
def _reopened(e: Decision.DecisionReopened) -> Any:
    return {"act": "reopened", "outcome": None}


@_fact(Decision.DecisionRevoked, kind="decision")
def _revoked(e: Decision.DecisionRevoked) -> Any:
    return {
        "act": "revoked",
        "outcome": None,
        "complete": not missing_elements(e.record),
        "decided_on": e.decided_on.isoformat(),
    }


# -- projects --------------------------------------------------------------------------------


@handlers.on(Project.ProjectFunded)
def _funded(e: Project.ProjectFunded, t: Tracking, b: Batch) -> None:
    b.subject(e.originator_id.hex, e.process_id.hex, "project")
    data = {
        "proposal": e.proposal_id.hex,
        "decision": e.decision_id.hex,
        "approved": _money(e.approved),
        "title": e.title,
    }
    b.fact(e.originator_id.hex, t, to_us(e.timestamp), "funded", data)


@_fact(Project.MilestoneScheduled, kind="ms_scheduled")
def _ms_scheduled(e: Project.MilestoneScheduled) -> Any:
    return {"code": e.code, "due_on": e.due_on.isoformat()}


@_fact(Project.MilestoneStarted, kind="ms_started")
def _ms_started(e: Project.MilestoneStarted) -> Any:
    return {"code": e.code, "on": e.started_on.isoformat()}


@_fact(Project.MilestoneMet, kind="ms_met")
def _ms_met(e: Project.MilestoneMet) -> Any:
    return {"code": e.code, "on": e.met_on.isoformat()}


@_fact(Project.MilestoneDelayed, kind="ms_delayed")
def _ms_delayed(e: Project.MilestoneDelayed) -> Any:
    return {"code": e.code, "due_on": e.new_due_on.isoformat()}


@_fact(Project.MilestoneCancelled, kind="ms_cancelled")
def _ms_cancelled(e: Project.MilestoneCancelled) -> Any:
    return {"code": e.code}


@_fact(Project.SpendRecorded, kind="spend")
def _spend(e: Project.SpendRecorded) -> Any:
    return {"id": e.spend_id.hex, "amount": _money(e.amount)}


@_fact(Project.SpendCorrected, kind="spend_corrected")
def _spend_corrected(e: Project.SpendCorrected) -> Any:
    return {"id": e.spend_id.hex, "amount": _money(e.amount)}


@_fact(Project.MatchFundingRecorded, kind="match")
def _match(e: Project.MatchFundingRecorded) -> Any:
    return {
        "id": e.funding_id.hex,
        "amount": _money(e.amount),
        "source": e.source,
        "on": e.received_on.isoformat(),
    }


@_fact(Project.ProjectCompleted, kind="completed")
def _completed(e: Project.ProjectCompleted) -> Any:
    return {"on": e.completed_on.isoformat()}


@_fact(Project.ProjectCancelled, kind="cancelled")
def _cancelled(e: Project.ProjectCancelled) -> Any:
    return {}


# -- commitments and contributions -----------------------------------------------------------


@handlers.on(Commitment.CommitmentMade)
def _commitment(e: Commitment.CommitmentMade, t: Tracking, b: Batch) -> None:
    pid = b.process_of(e.project_id.hex)
    if pid is None:
        return
    b.subject(e.originator_id.hex, pid, "commitment")
    in_kind = None if e.in_kind is None else _money(e.in_kind.fair_value)
    process = b.process(pid)
    if (
        e.in_kind is not None
        and process is not None
        and e.in_kind.fair_value.currency != process[STATE["currency"]]
    ):
        in_kind = None  # only value in the process's currency counts (never summed across)
    data = {"project": e.project_id.hex, "in_kind": in_kind}
    b.fact(e.originator_id.hex, t, to_us(e.timestamp), "commitment", data)


@_fact(Commitment.CommitmentMet, kind="commitment_met")
def _certified(e: Commitment.CommitmentMet) -> Any:
    """Whether an officer marked it met: only then does its in-kind value count (a group's
    own mark, possible before the policy of issue 11, certifies nothing)."""
    return {"verified": e.actor.role in _CERTIFYING}


@_fact(Commitment.CommitmentLapsed, kind="commitment_lapsed")
def _lapsed(e: Commitment.CommitmentLapsed) -> Any:
    return {}


@handlers.on(Contribution.ContributionLogged)
def _logged(e: Contribution.ContributionLogged, t: Tracking, b: Batch) -> None:
    pid = b.process_of(e.project_id.hex)
    if pid is None:
        return
    cid = e.originator_id.hex
    b.subject(cid, pid, "contribution")
    hours = int((e.hours * MICRO).to_integral_value())
    row: tuple[Any, ...] = (cid, pid, t.notification_id, to_us(e.timestamp), e.project_id.hex)
    row += (e.phase.value, e.level.value, hours, e.people_count, e.seconds_to_log)
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
