"""Impact measures read model: the narrow, timestamped rows every DOMAIN.md §4 measure is made of.

Why the rows look the way they do: every measure must be reproducible as it stood at any past
time T, and the big inputs (100k ballots, many contribution logs) must aggregate in SQL.

* ``<g>_process``: one full row per change of a process (budget, E, areas, k, ballot state);
  "as of T" is the last row at or before T.
* ``<g>_ballot_runs``: the counted ballots as runs per demographic cell (area, age band,
  sex: nothing else of a ballot), one row per batch and cell with every ballot's position and
  timestamp (:mod:`projections.ballot_runs`), so a representation table as of T is one
  ``GROUP BY`` plus the few runs that straddle T. A ballot recorded after ``BallotClosed`` is
  not counted (as in the process summary). Version 2: version 1 had one row per ballot.
* ``<g>_contributions`` and ``<g>_contribution_status``: one row per logged contribution
  (hours in micro-hours so SQL sums stay exact) and one per verification or dispute; the
  status as of T is the latest status row at or before T.
* ``<g>_facts``: one row per other fact a measure needs (ideas, assessments, shortlisting,
  case file, decisions and their corrections, projects, milestones, spend and its
  corrections, match funding, commitments), with the fact's few fields as JSON. A process has
  hundreds of these, not 100k, so the report folds them in log order as of T.
* ``<g>_census`` and ``<g>_rates``: every loaded version of a council's census shares and
  volunteer rates; the version in force at T is the last one loaded at or before T.
* ``<g>_subjects``: which process a proposal, decision, project, commitment or contribution
  belongs to, since most of their events do not repeat the process id.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from eventsourcing.persistence import Mapper, Notification, Tracking
from eventsourcing.utils import get_topic

from coprod.domain.ballot import Ballot, ballot_counts
from coprod.domain.commitment import Commitment, Contribution
from coprod.domain.decision import Decision, missing_elements
from coprod.domain.parameters import CensusShares, VolunteerRates
from coprod.domain.phases import Phase
from coprod.domain.process import DEFAULT_DISCLOSURE_K, Process
from coprod.domain.project import Project
from coprod.domain.proposal import Proposal
from coprod.domain.values import Role
from projections.ballot_runs import RUN_COLUMNS, RUN_DICTIONARY, BallotRuns, run_table_ddl
from projections.kernel.readmodel import Item, ReadModel
from projections.store import Connection
from projections.stored_ballot import BALLOT_CAST, StoredBallot, stored_ballot, to_us

#: Hours are stored as integer micro-hours: exact sums in SQL on both backends.
MICRO = 1_000_000

PROCESS_COLUMNS = (
    "process_id",
    "notification_id",
    "ts_us",
    "council_id",
    "name",
    "currency",
    "pot",
    "budget_base",
    "eligible",
    "k",
    "areas",
    "ballot_state",
    "closed_us",
)
_FACT_COLUMNS = ("notification_id", "process_id", "subject_id", "kind", "ts_us", "data")
#: The key of a ballot run: the process and the demographic cell.
BALLOT_CELL = ("process_id", "area_code", "age_band", "sex")
_CONTRIBUTION_COLUMNS = (
    "contribution_id",
    "process_id",
    "notification_id",
    "ts_us",
    "project_id",
    "phase",
    "level",
    "hours_micro",
    "people",
    "seconds_to_log",
)
_STATUS_COLUMNS = ("notification_id", "process_id", "contribution_id", "ts_us", "status")
_CENSUS_COLUMNS = (
    "notification_id",
    "council_id",
    "dimension",
    "ts_us",
    "source",
    "reference_year",
    "shares",
    "quintiles",
)
_RATE_COLUMNS = (
    "notification_id",
    "council_id",
    "currency",
    "ts_us",
    "floor",
    "central",
    "upper",
    "source",
    "reference_year",
)


def _certified(e: Commitment.CommitmentMet) -> dict[str, Any]:
    """Whether an officer marked it met: only then does its in-kind value count (a group's
    own mark, possible before the policy of issue 11, certifies nothing)."""
    return {"verified": e.actor.role in (Role.COUNCIL_OFFICER, Role.SYSTEM)}


def _money(value: Any) -> str | None:
    return None if value is None else str(value.amount)


class ImpactModel(ReadModel):
    """Per process: the inputs of every impact measure, each row stamped for as-of reads."""

    name = "impact"
    #: Version 3 reads the phase schedule (the vote's end date, for vote-to-delivery) and
    #: marks in-kind value verified (an officer marked the commitment met).
    version = 3
    table_suffixes = (
        "process",
        "ballot_runs",
        "facts",
        "contributions",
        "contribution_status",
        "census",
        "rates",
        "subjects",
    )
    topics: ClassVar[frozenset[str]] = frozenset(
        get_topic(cls)
        for cls in (
            Process.Opened,
            Process.BudgetSet,
            Process.EligiblePopulationSet,
            Process.AreasDefined,
            Process.BallotOpened,
            Process.BallotClosed,
            Process.DisclosureThresholdSet,
            Process.PhasesScheduled,
            Process.MinimumHearingPeriodSet,
            Proposal.IdeaSubmitted,
            Proposal.MergedInto,
            Proposal.Withdrawn,
            Proposal.DevelopedIntoProposal,
            Proposal.FeasibilityAssessed,
            Proposal.Shortlisted,
            Proposal.NotShortlisted,
            Proposal.FactRecorded,
            Proposal.HearingSent,
            Proposal.HearingAnswered,
            Proposal.HearingExempted,
            Decision.DecisionMade,
            Decision.DecisionCorrected,
            Decision.DecisionReopened,
            Decision.DecisionRevoked,
            Project.ProjectFunded,
            Project.MilestoneScheduled,
            Project.MilestoneStarted,
            Project.MilestoneMet,
            Project.MilestoneDelayed,
            Project.MilestoneCancelled,
            Project.SpendRecorded,
            Project.SpendCorrected,
            Project.MatchFundingRecorded,
            Project.ProjectCompleted,
            Project.ProjectCancelled,
            Commitment.CommitmentMade,
            Commitment.CommitmentMet,
            Commitment.CommitmentLapsed,
            Contribution.ContributionLogged,
            Contribution.ContributionVerified,
            Contribution.ContributionDisputed,
            Ballot.BallotCast,
            CensusShares.CensusSharesLoaded,
            VolunteerRates.VolunteerRatesLoaded,
        )
    )
    dictionary: ClassVar[dict[str, dict[str, str]]] = {
        "process": {
            "process_id": "process id (uuid hex)",
            "notification_id": "log position of the event that produced this version of the row",
            "ts_us": "that event's time, microseconds since 1970 UTC; as of T = last row <= T",
            "council_id": "council that runs the process (uuid hex)",
            "name": "process name",
            "currency": "ISO 4217 currency of every amount of the process",
            "pot": "F available to residents (decimal text), Process.BudgetSet",
            "budget_base": "B, the budget the pot is a share of (decimal text), or null",
            "eligible": "E, people eligible to vote, Process.EligiblePopulationSet",
            "k": "disclosure threshold of published tables (default 5, never below 3)",
            "areas": "JSON [[code, name, population, need_weight], ...], Process.AreasDefined",
            "ballot_state": "not_opened | open | closed",
            "closed_us": "time the ballot closed (microseconds since 1970 UTC), or null",
        },
        "ballot_runs": {
            "process_id": "process id (uuid hex)",
            "area_code": "area stated on the run's ballots, or null (not stated)",
            "age_band": "coarse age band stated on the run's ballots, or null (not stated)",
            "sex": "sex stated on the run's ballots, or null (not stated)",
            **RUN_DICTIONARY,
        },
        "facts": {
            "notification_id": "log position of the event",
            "process_id": "process id (uuid hex)",
            "subject_id": "proposal, decision, project or commitment id (uuid hex)",
            "kind": "which fact: schedule and hearing_period (subject is the process), idea, "
            "idea_end, developed, assessed, shortlist, case_fact, "
            "hearing, answered, exempted, decision, funded, ms_scheduled, ms_started, ms_met, "
            "ms_delayed, ms_cancelled, spend, spend_corrected, match, completed, cancelled, "
            "commitment, commitment_met, commitment_lapsed",
            "ts_us": "time of the event (microseconds since 1970 UTC)",
            "data": "the fact's fields as JSON (amounts as decimal text, dates as ISO text)",
        },
        "contributions": {
            "contribution_id": "contribution id (uuid hex)",
            "process_id": "process id of the project worked on (uuid hex)",
            "notification_id": "log position of ContributionLogged",
            "ts_us": "time the work was logged (microseconds since 1970 UTC)",
            "project_id": "project worked on (uuid hex)",
            "phase": "co-production phase (co_commissioning, co_design, co_delivery, ...)",
            "level": "co-production level (individual, group, collective)",
            "hours_micro": "hours logged, in millionths of an hour (exact integer)",
            "people": "people count of the log (an aggregate, never a roster)",
            "seconds_to_log": "seconds the group spent logging it, or null",
        },
        "contribution_status": {
            "notification_id": "log position of ContributionVerified / ContributionDisputed",
            "process_id": "process id (uuid hex)",
            "contribution_id": "contribution id (uuid hex)",
            "ts_us": "time of the verification or dispute (microseconds since 1970 UTC)",
            "status": "verified | disputed (a log with no row is unverified)",
        },
        "census": {
            "notification_id": "log position of CensusSharesLoaded",
            "council_id": "council (uuid hex)",
            "dimension": "age_band | sex | area | deprivation_quintile",
            "ts_us": "time loaded; in force until the next load of the same dimension",
            "source": "where the shares come from (text or URL)",
            "reference_year": "year the census figures describe",
            "shares": "JSON [[group, share as decimal text], ...]",
            "quintiles": "JSON [[area_code, quintile], ...] (deprivation quintile only)",
        },
        "rates": {
            "notification_id": "log position of VolunteerRatesLoaded",
            "council_id": "council (uuid hex)",
            "currency": "ISO 4217 currency of the rates",
            "ts_us": "time loaded; in force until the next load of the same currency",
            "floor": "lower hourly rate (decimal text)",
            "central": "central hourly rate (decimal text)",
            "upper": "upper hourly rate (decimal text)",
            "source": "where the rates come from (text or URL)",
            "reference_year": "year the rates describe",
        },
        "subjects": {
            "subject_id": "proposal, decision, project, commitment or contribution id",
            "process_id": "the process it belongs to (uuid hex)",
            "kind": "proposal | decision | project | commitment | contribution",
        },
    }

    def __init__(self) -> None:
        self._process: dict[str, list[Any]] = {}
        self._subject: dict[str, str] = {}
        self._handlers: dict[type, Callable[[Any, Tracking, _Batch], None]] = {
            Process.Opened: self._opened,
            Process.BudgetSet: self._budget,
            Process.EligiblePopulationSet: self._eligible,
            Process.AreasDefined: self._areas,
            Process.BallotOpened: self._ballot_opened,
            Process.BallotClosed: self._ballot_closed,
            Process.DisclosureThresholdSet: self._threshold,
            Process.PhasesScheduled: self._scheduled,
            Process.MinimumHearingPeriodSet: self._hearing_period,
            Proposal.IdeaSubmitted: self._idea,
            Proposal.MergedInto: self._fact("idea_end", lambda e: {"state": "merged"}),
            Proposal.Withdrawn: self._fact("idea_end", lambda e: {"state": "withdrawn"}),
            Proposal.DevelopedIntoProposal: self._fact(
                "developed", lambda e: {"area": e.area_code, "category": e.category}
            ),
            Proposal.FeasibilityAssessed: self._fact(
                "assessed", lambda e: {"feasible": e.feasible, "reason": e.reason}
            ),
            Proposal.Shortlisted: self._fact("shortlist", lambda e: {"state": "shortlisted"}),
            Proposal.NotShortlisted: self._fact(
                "shortlist", lambda e: {"state": "not_shortlisted", "reason": e.reason}
            ),
            Proposal.FactRecorded: self._fact(
                "case_fact",
                lambda e: {
                    "fact": e.fact_id.hex,
                    "needs_hearing": e.adverse and e.essential and not e.known_to_party,
                },
            ),
            Proposal.HearingSent: self._fact(
                "hearing",
                lambda e: {
                    "hearing": e.hearing_id.hex,
                    "facts": [f.hex for f in e.fact_ids],
                    "deadline": e.deadline.isoformat(),
                    "sent_on": e.sent_on.isoformat(),
                },
            ),
            Proposal.HearingAnswered: self._fact(
                "answered",
                lambda e: {"hearing": e.hearing_id.hex, "on": e.answered_on.isoformat()},
            ),
            Proposal.HearingExempted: self._fact(
                "exempted", lambda e: {"facts": [f.hex for f in e.fact_ids]}
            ),
            Decision.DecisionMade: self._decided,
            Decision.DecisionCorrected: self._fact("decision", _decision_act("corrected")),
            Decision.DecisionReopened: self._fact(
                "decision", lambda e: {"act": "reopened", "outcome": None}
            ),
            Decision.DecisionRevoked: self._fact(
                "decision",
                lambda e: {
                    "act": "revoked",
                    "outcome": None,
                    "complete": not missing_elements(e.record),
                    "decided_on": e.decided_on.isoformat(),
                },
            ),
            Project.ProjectFunded: self._funded,
            Project.MilestoneScheduled: self._fact(
                "ms_scheduled", lambda e: {"code": e.code, "due_on": e.due_on.isoformat()}
            ),
            Project.MilestoneStarted: self._fact(
                "ms_started", lambda e: {"code": e.code, "on": e.started_on.isoformat()}
            ),
            Project.MilestoneMet: self._fact(
                "ms_met", lambda e: {"code": e.code, "on": e.met_on.isoformat()}
            ),
            Project.MilestoneDelayed: self._fact(
                "ms_delayed", lambda e: {"code": e.code, "due_on": e.new_due_on.isoformat()}
            ),
            Project.MilestoneCancelled: self._fact("ms_cancelled", lambda e: {"code": e.code}),
            Project.SpendRecorded: self._fact(
                "spend", lambda e: {"id": e.spend_id.hex, "amount": _money(e.amount)}
            ),
            Project.SpendCorrected: self._fact(
                "spend_corrected", lambda e: {"id": e.spend_id.hex, "amount": _money(e.amount)}
            ),
            Project.MatchFundingRecorded: self._fact(
                "match",
                lambda e: {
                    "id": e.funding_id.hex,
                    "amount": _money(e.amount),
                    "source": e.source,
                    "on": e.received_on.isoformat(),
                },
            ),
            Project.ProjectCompleted: self._fact(
                "completed", lambda e: {"on": e.completed_on.isoformat()}
            ),
            Project.ProjectCancelled: self._fact("cancelled", lambda e: {}),
            Commitment.CommitmentMade: self._commitment,
            Commitment.CommitmentMet: self._fact("commitment_met", _certified),
            Commitment.CommitmentLapsed: self._fact("commitment_lapsed", lambda e: {}),
            Contribution.ContributionLogged: self._logged,
            Contribution.ContributionVerified: self._status("verified"),
            Contribution.ContributionDisputed: self._status("disputed"),
            StoredBallot: self._ballot,
            # The library's mapper path (the stock projection, or a layout the fast path
            # declined) hands over the domain event itself.
            Ballot.BallotCast: lambda e, t, b: self._ballot(StoredBallot.of(e), t, b),
            CensusShares.CensusSharesLoaded: self._census,
            VolunteerRates.VolunteerRatesLoaded: self._rates,
        }

    def reset(self) -> None:
        self._process.clear()
        self._subject.clear()

    def create_statements(self, prefix: str) -> list[str]:
        p = prefix
        return [
            f"CREATE TABLE IF NOT EXISTS {p}_process (process_id TEXT NOT NULL, "
            "notification_id BIGINT NOT NULL, ts_us BIGINT NOT NULL, council_id TEXT NOT NULL, "
            "name TEXT NOT NULL, currency TEXT NOT NULL, pot TEXT, budget_base TEXT, "
            "eligible BIGINT, k INTEGER NOT NULL, areas TEXT NOT NULL, "
            "ballot_state TEXT NOT NULL, closed_us BIGINT, "
            "PRIMARY KEY (process_id, notification_id))",
            *run_table_ddl(f"{p}_ballot_runs", BALLOT_CELL),
            f"CREATE TABLE IF NOT EXISTS {p}_facts (notification_id BIGINT PRIMARY KEY, "
            "process_id TEXT NOT NULL, subject_id TEXT NOT NULL, kind TEXT NOT NULL, "
            "ts_us BIGINT NOT NULL, data TEXT NOT NULL)",
            f"CREATE INDEX IF NOT EXISTS {p}_facts_asof ON {p}_facts (process_id, ts_us)",
            f"CREATE TABLE IF NOT EXISTS {p}_contributions (contribution_id TEXT PRIMARY KEY, "
            "process_id TEXT NOT NULL, notification_id BIGINT NOT NULL, ts_us BIGINT NOT NULL, "
            "project_id TEXT NOT NULL, phase TEXT NOT NULL, level TEXT NOT NULL, "
            "hours_micro BIGINT NOT NULL, people BIGINT NOT NULL, seconds_to_log BIGINT)",
            f"CREATE INDEX IF NOT EXISTS {p}_contributions_asof "
            f"ON {p}_contributions (process_id, ts_us)",
            f"CREATE TABLE IF NOT EXISTS {p}_contribution_status "
            "(notification_id BIGINT PRIMARY KEY, process_id TEXT NOT NULL, "
            "contribution_id TEXT NOT NULL, ts_us BIGINT NOT NULL, status TEXT NOT NULL)",
            f"CREATE INDEX IF NOT EXISTS {p}_contribution_status_asof "
            f"ON {p}_contribution_status (process_id, ts_us)",
            f"CREATE TABLE IF NOT EXISTS {p}_census (notification_id BIGINT PRIMARY KEY, "
            "council_id TEXT NOT NULL, dimension TEXT NOT NULL, ts_us BIGINT NOT NULL, "
            "source TEXT NOT NULL, reference_year INTEGER NOT NULL, shares TEXT NOT NULL, "
            "quintiles TEXT NOT NULL)",
            f"CREATE INDEX IF NOT EXISTS {p}_census_asof ON {p}_census (council_id, ts_us)",
            f"CREATE TABLE IF NOT EXISTS {p}_rates (notification_id BIGINT PRIMARY KEY, "
            "council_id TEXT NOT NULL, currency TEXT NOT NULL, ts_us BIGINT NOT NULL, "
            "floor TEXT NOT NULL, central TEXT NOT NULL, upper TEXT NOT NULL, "
            "source TEXT NOT NULL, reference_year INTEGER NOT NULL)",
            f"CREATE INDEX IF NOT EXISTS {p}_rates_asof ON {p}_rates (council_id, ts_us)",
            f"CREATE TABLE IF NOT EXISTS {p}_subjects (subject_id TEXT PRIMARY KEY, "
            "process_id TEXT NOT NULL, kind TEXT NOT NULL)",
        ]

    # -- decoding ----------------------------------------------------------------------------------

    def decode(self, notification: Notification, mapper: Mapper[Any]) -> Any | None:
        """Ballots (almost all of a big log) are read by layout, once for every model."""
        if notification.topic == BALLOT_CAST:
            return stored_ballot(notification, mapper)
        return super().decode(notification, mapper)

    # -- applying ----------------------------------------------------------------------------------

    def apply(self, conn: Connection, prefix: str, items: Sequence[Item]) -> None:
        batch = _Batch(conn, prefix, self)
        handlers = self._handlers
        for event, tracking in items:
            handler = handlers.get(type(event))
            if handler is not None:
                handler(event, tracking, batch)
        batch.write()

    # process history

    def _opened(self, e: Process.Opened, t: Tracking, b: _Batch) -> None:
        row: list[Any] = [e.council_id.hex, e.name, e.currency, None, None, None]
        row += [DEFAULT_DISCLOSURE_K, "[]", "not_opened", None]
        self._process[e.originator_id.hex] = row
        b.process_row(e.originator_id.hex, t, to_us(e.timestamp), row)

    def _change(self, e: Any, t: Tracking, b: _Batch, **values: Any) -> None:
        pid = e.originator_id.hex
        row = b.process(pid)
        if row is None:
            return
        for field, value in values.items():
            row[PROCESS_COLUMNS.index(field) - 3] = value
        b.process_row(pid, t, to_us(e.timestamp), row)

    def _budget(self, e: Process.BudgetSet, t: Tracking, b: _Batch) -> None:
        self._change(e, t, b, pot=_money(e.pot), budget_base=_money(e.budget_base))

    def _eligible(self, e: Process.EligiblePopulationSet, t: Tracking, b: _Batch) -> None:
        self._change(e, t, b, eligible=e.eligible)

    def _areas(self, e: Process.AreasDefined, t: Tracking, b: _Batch) -> None:
        areas = [[a.code, a.name, a.population, a.need_weight] for a in e.areas]
        self._change(e, t, b, areas=json.dumps(areas))

    def _ballot_opened(self, e: Process.BallotOpened, t: Tracking, b: _Batch) -> None:
        self._change(e, t, b, ballot_state="open")

    def _ballot_closed(self, e: Process.BallotClosed, t: Tracking, b: _Batch) -> None:
        self._change(e, t, b, ballot_state="closed", closed_us=to_us(e.timestamp))

    def _threshold(self, e: Process.DisclosureThresholdSet, t: Tracking, b: _Batch) -> None:
        self._change(e, t, b, k=e.k)

    def _scheduled(self, e: Process.PhasesScheduled, t: Tracking, b: _Batch) -> None:
        """The planned vote end: the business date vote-to-delivery counts from."""
        vote_end = [p.ends_on.isoformat() for p in e.schedule if p.phase is Phase.VOTE]
        self._process_fact(e, t, b, "schedule", {"vote_end": vote_end[0] if vote_end else None})

    def _hearing_period(self, e: Process.MinimumHearingPeriodSet, t: Tracking, b: _Batch) -> None:
        """The process's minimum hearing period, so the report judges hearings as the law did."""
        self._process_fact(e, t, b, "hearing_period", {"days": e.days})

    def _process_fact(self, e: Any, t: Tracking, b: _Batch, kind: str, data: Any) -> None:
        pid = e.originator_id.hex
        if b.process(pid) is not None:
            row = (t.notification_id, pid, pid, kind, to_us(e.timestamp), json.dumps(data))
            b.facts.append(row)

    # facts

    def _fact(
        self, kind: str, data: Callable[[Any], dict[str, Any]]
    ) -> Callable[[Any, Tracking, _Batch], None]:
        def handle(e: Any, t: Tracking, b: _Batch) -> None:
            b.fact(e.originator_id.hex, t, to_us(e.timestamp), kind, data(e))

        return handle

    def _idea(self, e: Proposal.IdeaSubmitted, t: Tracking, b: _Batch) -> None:
        b.subject(e.originator_id.hex, e.process_id.hex, "proposal")
        data = {"submitter": e.actor.id.hex, "area": e.area_code, "category": e.category}
        b.fact(e.originator_id.hex, t, to_us(e.timestamp), "idea", data)

    def _decided(self, e: Decision.DecisionMade, t: Tracking, b: _Batch) -> None:
        b.subject(e.originator_id.hex, e.process_id.hex, "decision")
        data = _decision_act("made")(e)
        data["proposal"] = e.proposal_id.hex
        b.fact(e.originator_id.hex, t, to_us(e.timestamp), "decision", data)

    def _funded(self, e: Project.ProjectFunded, t: Tracking, b: _Batch) -> None:
        b.subject(e.originator_id.hex, e.process_id.hex, "project")
        data = {
            "proposal": e.proposal_id.hex,
            "decision": e.decision_id.hex,
            "approved": _money(e.approved),
            "title": e.title,
        }
        b.fact(e.originator_id.hex, t, to_us(e.timestamp), "funded", data)

    def _commitment(self, e: Commitment.CommitmentMade, t: Tracking, b: _Batch) -> None:
        pid = b.process_of(e.project_id.hex)
        if pid is None:
            return
        b.subject(e.originator_id.hex, pid, "commitment")
        in_kind = None if e.in_kind is None else _money(e.in_kind.fair_value)
        process = b.process(pid)
        if (
            e.in_kind is not None
            and process is not None
            and e.in_kind.fair_value.currency != (process[2])
        ):
            in_kind = None  # only value in the process's currency counts (never summed across)
        data = {"project": e.project_id.hex, "in_kind": in_kind}
        b.fact(e.originator_id.hex, t, to_us(e.timestamp), "commitment", data)

    # contributions

    def _logged(self, e: Contribution.ContributionLogged, t: Tracking, b: _Batch) -> None:
        pid = b.process_of(e.project_id.hex)
        if pid is None:
            return
        cid = e.originator_id.hex
        b.subject(cid, pid, "contribution")
        b.contributions.append(
            (
                cid,
                pid,
                t.notification_id,
                to_us(e.timestamp),
                e.project_id.hex,
                e.phase.value,
                e.level.value,
                int((e.hours * MICRO).to_integral_value()),
                e.people_count,
                e.seconds_to_log,
            )
        )

    def _status(self, status: str) -> Callable[[Any, Tracking, _Batch], None]:
        def handle(e: Any, t: Tracking, b: _Batch) -> None:
            cid = e.originator_id.hex
            pid = b.process_of(cid)
            if pid is not None:
                b.statuses.append((t.notification_id, pid, cid, to_us(e.timestamp), status))

        return handle

    # ballots

    def _ballot(self, f: StoredBallot, t: Tracking, b: _Batch) -> None:
        pid = f.process_id
        row = b.process(pid)
        if row is None or not ballot_counts(row[PROCESS_COLUMNS.index("ballot_state") - 3]):
            return  # recorded after the close (or for no known process): not counted
        b.ballots.add((pid, f.area_code, f.age_band, f.sex), t.notification_id, f.ts_us)

    # parameters

    def _census(self, e: CensusShares.CensusSharesLoaded, t: Tracking, b: _Batch) -> None:
        shares = [[s.group, str(s.share)] for s in e.shares]
        quintiles = [[a.area_code, a.quintile] for a in e.area_quintiles]
        b.census.append(
            (
                t.notification_id,
                e.council_id.hex,
                e.dimension.value,
                to_us(e.timestamp),
                e.source,
                e.reference_year,
                json.dumps(shares),
                json.dumps(quintiles),
            )
        )

    def _rates(self, e: VolunteerRates.VolunteerRatesLoaded, t: Tracking, b: _Batch) -> None:
        b.rates.append(
            (
                t.notification_id,
                e.council_id.hex,
                e.floor.currency,
                to_us(e.timestamp),
                str(e.floor.amount),
                str(e.central.amount),
                str(e.upper.amount),
                e.source,
                e.reference_year,
            )
        )


def _decision_act(act: str) -> Callable[[Any], dict[str, Any]]:
    """A made or corrected decision: outcome, amount, record completeness, facts relied on."""

    def data(e: Any) -> dict[str, Any]:
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

    return data


class _Batch:
    """The rows one batch adds, collected in memory and written with a few bulk statements."""

    def __init__(self, conn: Connection, prefix: str, model: ImpactModel) -> None:
        self.conn = conn
        self.prefix = prefix
        self.model = model
        self.process_rows: list[tuple[Any, ...]] = []
        self.facts: list[tuple[Any, ...]] = []
        self.subjects: list[tuple[str, str, str]] = []
        self.ballots = BallotRuns()
        self.contributions: list[tuple[Any, ...]] = []
        self.statuses: list[tuple[Any, ...]] = []
        self.census: list[tuple[Any, ...]] = []
        self.rates: list[tuple[Any, ...]] = []

    def process(self, pid: str) -> list[Any] | None:
        """The process's current row (cached; loaded from the table on a miss)."""
        row = self.model._process.get(pid)
        if row is None:
            found = self.conn.execute(
                f"SELECT {', '.join(PROCESS_COLUMNS[3:])} FROM {self.prefix}_process "
                "WHERE process_id = ? ORDER BY notification_id DESC LIMIT 1",
                (pid,),
            )
            if not found:
                return None
            row = list(found[0])
            self.model._process[pid] = row
        return row

    def process_row(self, pid: str, t: Tracking, ts_us: int, row: list[Any]) -> None:
        self.process_rows.append((pid, t.notification_id, ts_us, *row))

    def subject(self, subject_id: str, process_id: str, kind: str) -> None:
        self.model._subject[subject_id] = process_id
        self.subjects.append((subject_id, process_id, kind))

    def process_of(self, subject_id: str) -> str | None:
        pid = self.model._subject.get(subject_id)
        if pid is None:
            found = self.conn.execute(
                f"SELECT process_id FROM {self.prefix}_subjects WHERE subject_id = ?",
                (subject_id,),
            )
            if not found:
                return None  # an aggregate this model never saw created: nothing to count
            pid = str(found[0][0])
            self.model._subject[subject_id] = pid
        return pid

    def fact(self, subject_id: str, t: Tracking, ts_us: int, kind: str, data: Any) -> None:
        pid = self.process_of(subject_id)
        if pid is not None:
            row = (t.notification_id, pid, subject_id, kind, ts_us, json.dumps(data))
            self.facts.append(row)

    def write(self) -> None:
        p, conn = self.prefix, self.conn
        conn.insert_rows(f"{p}_process", PROCESS_COLUMNS, self.process_rows)
        conn.insert_rows(f"{p}_subjects", ("subject_id", "process_id", "kind"), self.subjects)
        conn.insert_rows(f"{p}_facts", _FACT_COLUMNS, self.facts)
        conn.insert_rows(f"{p}_ballot_runs", (*BALLOT_CELL, *RUN_COLUMNS), self.ballots.rows())
        conn.insert_rows(f"{p}_contributions", _CONTRIBUTION_COLUMNS, self.contributions)
        conn.insert_rows(f"{p}_contribution_status", _STATUS_COLUMNS, self.statuses)
        conn.insert_rows(f"{p}_census", _CENSUS_COLUMNS, self.census)
        conn.insert_rows(f"{p}_rates", _RATE_COLUMNS, self.rates)
