"""The process summary's writer: the events it takes, each with its handler, and its batch.

Every domain event type is either handled here or named in ``ignores``
(tests/unit/test_read_models_take_every_event.py holds that), and the topics the runner
decodes for this model are derived from the handlers.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import Any, ClassVar

from eventsourcing.persistence import Mapper, Notification, Tracking

from coprod.domain.ballot import Ballot, ballot_counts
from coprod.domain.commissioning import ServiceNeed
from coprod.domain.commitment import Commitment, Contribution
from coprod.domain.decision import Decision
from coprod.domain.organisation import Organisation, Person
from coprod.domain.outcome import Outcome
from coprod.domain.pabulib_source import PabulibSource
from coprod.domain.paper_ballot import PaperBallot
from coprod.domain.parameters import CensusShares, VolunteerRates
from coprod.domain.phases import Phase
from coprod.domain.process import Process
from coprod.domain.project import Project
from coprod.domain.proposal import Proposal
from coprod.domain.release import Release
from coprod.domain.tender import Tender
from coprod.domain.voting import VoteMethod
from projections.ballot_runs import RUN_COLUMNS, BallotRuns
from projections.kernel.batching import RowBuffer, SubjectIndex
from projections.kernel.handlers import Handlers
from projections.kernel.readmodel import Item, ReadModel
from projections.process_summary.tables import (
    DICTIONARY,
    FACT_COLUMNS,
    PROCESS_COLUMNS,
    column,
    create_statements,
)
from projections.store import Connection
from projections.stored_ballot import BALLOT_CAST, StoredBallot, stored_ballot, to_us
from projections.valid_time import (
    backdate,
    business_date,
    import_period,
    valid_since,
)

__all__ = ["ProcessSummaryModel", "handlers"]

_TALLY_COLUMNS = ("process_id", "proposal_id", "measure", "position", "value")
_TALLY_UPSERT = (
    "ON CONFLICT (process_id, proposal_id, measure, position) "
    "DO UPDATE SET value = {table}.value + excluded.value"
)
_VOTE_METHOD = column("vote_method")
_BALLOT_STATE = column("ballot_state")
_BACKDATE_BEGIN = column("backdate_begin")
_BACKDATE_END = column("backdate_end")
_VALID = column("valid_us")

#: The events the summary takes; the rest of the log it deliberately passes over.
handlers: Handlers[_Batch] = Handlers(
    ignores=(
        Process.AreasDefined,
        Process.PhasesScheduled,
        Process.DisclosureThresholdSet,
        Process.MinimumHearingPeriodSet,
        Proposal.IdeaAmended,
        Proposal.Absorbed,
        Proposal.FactRecorded,
        Proposal.HearingSent,
        Proposal.HearingAnswered,
        Proposal.HearingExempted,
        Proposal.DecisionApplied,
        Project.MilestoneScheduled,
        Project.MilestoneStarted,
        Project.MilestoneMet,
        Project.MilestoneDelayed,
        Project.MilestoneCancelled,
        Project.SpendRecorded,
        Project.SpendCorrected,
        Project.MatchFundingRecorded,
        Project.OutcomeIndicatorDefined,
        Project.OutcomeReported,
    ),
    # Aggregates the summary takes nothing from: their new events need no edit here.
    ignores_all_of=(
        Commitment,
        Contribution,
        Organisation,
        Person,
        Outcome,
        PaperBallot,
        CensusShares,
        VolunteerRates,
        Release,
        ServiceNeed,
        Tender,
    ),
)


class _Batch:
    """The rows one batch adds, collected in memory and written with a few bulk statements."""

    def __init__(self, conn: Connection, prefix: str, model: ProcessSummaryModel) -> None:
        self.conn = conn
        self.prefix = prefix
        self.model = model
        self.process_rows = RowBuffer("process", PROCESS_COLUMNS)
        self.facts = RowBuffer("facts", FACT_COLUMNS)
        self.subjects = model.subjects.buffer()
        self.ballots = BallotRuns()
        self.tallies: Counter[tuple[str, str, str, int]] = Counter()
        self._zero: set[tuple[str, str, str, int]] = set()

    def process(self, pid: str) -> list[Any] | None:
        """The process's current row (cached; loaded from the table on a miss)."""
        row = self.model.processes.get(pid)
        if row is None:
            found = self.conn.execute(
                f"SELECT {', '.join(PROCESS_COLUMNS[3:])} FROM {self.prefix}_process "
                "WHERE process_id = ? ORDER BY notification_id DESC LIMIT 1",
                (pid,),
            )
            if not found:
                return None
            row = list(found[0])
            self.model.processes[pid] = row
        return row

    def process_row(self, pid: str, t: Tracking, moment: datetime, row: list[Any]) -> None:
        ts_us = to_us(moment)
        row[_VALID] = valid_since(ts_us, None, row[_BACKDATE_BEGIN])
        self.process_rows.add(pid, t.notification_id, ts_us, *row)

    def backdate(self, pid: str, valid_us: int) -> None:
        """A past cycle's import began (see :func:`projections.valid_time.backdate`)."""
        p, rows, facts = self.prefix, self.process_rows, self.facts
        buffered = [
            (f"{p}_process", rows.rows, rows.columns),
            (f"{p}_facts", facts.rows, facts.columns),
        ]
        backdate(self.conn, buffered, pid, valid_us)

    def subject(self, subject_id: str, process_id: str, kind: str) -> None:
        self.model.subjects.add(self.subjects, subject_id, process_id, kind)

    def fact(self, subject_id: str, t: Tracking, e: Any, kind: str, state: str) -> None:
        """A counted fact about `subject_id`, valid from its business date (if the event
        states one) or recording time (:mod:`projections.valid_time`)."""
        found = self.model.subjects.lookup(self.conn, self.prefix, subject_id)
        if found is None:
            return  # an aggregate the summary never saw created: nothing to count
        pid, ts_us = str(found[0]), to_us(e.timestamp)
        process = self.process(pid)
        backdated = None if process is None else process[_BACKDATE_BEGIN]
        valid_us = valid_since(ts_us, business_date(e), backdated)
        self.facts.add(t.notification_id, pid, subject_id, kind, state, ts_us, valid_us)

    def tally(self, pid: str, proposal: str, measure: str, position: int) -> None:
        """Show the proposal's measure (at 0) from the ballot's opening on."""
        key = (pid, proposal, measure, position)
        self.tallies[key] += 0
        self._zero.add(key)

    def write(self) -> None:
        p, conn = self.prefix, self.conn
        self.process_rows.flush(conn, p)
        self.subjects.flush(conn, p)
        self.facts.flush(conn, p)
        conn.insert_rows(f"{p}_ballot_runs", ("process_id", *RUN_COLUMNS), self.ballots.rows())
        tallies = RowBuffer("tallies", _TALLY_COLUMNS)
        tallies.rows = [(*k, v) for k, v in self.tallies.items() if v or k in self._zero]
        # Running totals: added to what earlier batches counted.
        tallies.flush(conn, p, upsert=_TALLY_UPSERT)


# -- process history -------------------------------------------------------------------------------


@handlers.on(Process.Opened)
def _opened(e: Process.Opened, t: Tracking, b: _Batch) -> None:
    row: list[Any] = [e.name, e.kind.value, Phase.IDEAS.value, e.currency, None, None]
    row += [None, None, "not_opened", 0, None, None, None]
    b.model.processes[e.originator_id.hex] = row
    b.process_row(e.originator_id.hex, t, e.timestamp, row)


def _change(e: Any, t: Tracking, b: _Batch, **values: Any) -> None:
    _change_process(e.originator_id.hex, e, t, b, **values)


def _change_process(pid: str, e: Any, t: Tracking, b: _Batch, **values: Any) -> None:
    """A new version of process `pid`'s row, with `values` changed."""
    row = b.process(pid)
    if row is None:
        return
    for field, value in values.items():
        row[column(field)] = value
    b.process_row(pid, t, e.timestamp, row)


@handlers.on(Process.BudgetSet)
def _budget(e: Process.BudgetSet, t: Tracking, b: _Batch) -> None:
    base = None if e.budget_base is None else str(e.budget_base.amount)
    _change(e, t, b, pot=str(e.pot.amount), budget_base=base)


@handlers.on(Process.EligiblePopulationSet)
def _eligible(e: Process.EligiblePopulationSet, t: Tracking, b: _Batch) -> None:
    _change(e, t, b, eligible=e.eligible)


@handlers.on(Process.RulesSet)
def _rules(e: Process.RulesSet, t: Tracking, b: _Batch) -> None:
    _change(e, t, b, vote_method=e.voting.method.value)


@handlers.on(Process.PhaseAdvanced)
def _phase(e: Process.PhaseAdvanced, t: Tracking, b: _Batch) -> None:
    _change(e, t, b, phase=e.to_phase.value)


@handlers.on(Process.BallotOpened)
def _ballot_opened(e: Process.BallotOpened, t: Tracking, b: _Batch) -> None:
    _change(e, t, b, ballot_state="open", ballot_options=len(e.options))
    row = b.process(e.originator_id.hex)
    method = None if row is None else row[_VOTE_METHOD]
    for option in e.options:
        for measure in _measures(method):
            position = 1 if measure == "rank" else 0
            b.tally(e.originator_id.hex, option.proposal_id.hex, measure, position)


@handlers.on(Process.BallotClosed)
def _ballot_closed(e: Process.BallotClosed, t: Tracking, b: _Batch) -> None:
    row = b.process(e.originator_id.hex)
    end = None if row is None else row[_BACKDATE_END]
    # An imported cycle's clock moves on to date_end: the close, and what follows, is valid then.
    clock = {} if end is None else {"backdate_begin": end}
    _change(e, t, b, ballot_state="closed", **clock)


@handlers.on(PabulibSource.FileImportStarted)
def _import_started(e: PabulibSource.FileImportStarted, t: Tracking, b: _Batch) -> None:
    """A past cycle is being imported: its undated facts take the file's ballot dates."""
    pid = e.process_id.hex
    b.subject(e.originator_id.hex, pid, "source")
    period = import_period(e.identity)
    if period is not None:
        begin, end = period
        _change_process(pid, e, t, b, backdate_begin=begin, backdate_end=end)
        b.backdate(pid, begin)


@handlers.on(PabulibSource.FileImportCompleted)
def _import_completed(e: PabulibSource.FileImportCompleted, t: Tracking, b: _Batch) -> None:
    """The past cycle is in: what is recorded from now on is valid when it is recorded."""
    found = b.model.subjects.lookup(b.conn, b.prefix, e.originator_id.hex)
    if found is not None:
        _change_process(str(found[0]), e, t, b, backdate_begin=None, backdate_end=None)


def _measures(method: str | None) -> tuple[str, ...]:
    if method == VoteMethod.CUMULATIVE.value:
        return ("points", "supporters")
    if method == VoteMethod.RANKED.value:
        return ("rank",)
    return ("approvals",)


# -- facts -----------------------------------------------------------------------------------------


def _fact(kind: str, state: str, *event_types: type) -> None:
    """Handle `event_types` as one counted fact of `kind` in `state` about the aggregate."""

    def handle(e: Any, t: Tracking, b: _Batch) -> None:
        b.fact(e.originator_id.hex, t, e, kind, state)

    handlers.on(*event_types)(handle)


_fact("idea_end", "merged", Proposal.MergedInto)
_fact("idea_end", "withdrawn", Proposal.Withdrawn)
_fact("proposal", "developed", Proposal.DevelopedIntoProposal)
_fact("shortlist", "shortlisted", Proposal.Shortlisted)
_fact("shortlist", "not_shortlisted", Proposal.NotShortlisted)
_fact("decision", "reopened", Decision.DecisionReopened)
_fact("decision", "revoked", Decision.DecisionRevoked)
_fact("project", "completed", Project.ProjectCompleted)
_fact("project", "cancelled", Project.ProjectCancelled)


@handlers.on(Proposal.IdeaSubmitted)
def _idea(e: Proposal.IdeaSubmitted, t: Tracking, b: _Batch) -> None:
    b.subject(e.originator_id.hex, e.process_id.hex, "proposal")
    b.fact(e.originator_id.hex, t, e, "idea", "submitted")


@handlers.on(Proposal.FeasibilityAssessed)
def _assessed(e: Proposal.FeasibilityAssessed, t: Tracking, b: _Batch) -> None:
    state = "feasible" if e.feasible else "unfeasible"
    b.fact(e.originator_id.hex, t, e, "assessment", state)


@handlers.on(Decision.DecisionMade)
def _decided(e: Decision.DecisionMade, t: Tracking, b: _Batch) -> None:
    b.subject(e.originator_id.hex, e.process_id.hex, "decision")
    b.fact(e.originator_id.hex, t, e, "decision", e.outcome.value)


@handlers.on(Decision.DecisionCorrected)
def _corrected(e: Decision.DecisionCorrected, t: Tracking, b: _Batch) -> None:
    b.fact(e.originator_id.hex, t, e, "decision", e.outcome.value)


@handlers.on(Project.ProjectFunded)
def _funded(e: Project.ProjectFunded, t: Tracking, b: _Batch) -> None:
    b.subject(e.originator_id.hex, e.process_id.hex, "project")
    b.fact(e.originator_id.hex, t, e, "project", "funded")


# -- ballots ---------------------------------------------------------------------------------------


@handlers.on(Ballot.BallotCast, record=StoredBallot)
def _ballot(e: StoredBallot | Ballot.BallotCast, t: Tracking, b: _Batch) -> None:
    # The runner hands the ballot as read by layout; the library's mapper path (the stock
    # projection, or a layout the fast path declined) hands over the domain event itself.
    f = e if type(e) is StoredBallot else StoredBallot.of(e)  # type: ignore[arg-type]
    row = b.process(f.process_id)
    if row is None or not ballot_counts(row[_BALLOT_STATE]):
        return  # recorded after the close (or for no known process): not counted
    b.ballots.add((f.process_id,), t.notification_id, f.ts_us)
    tallies = b.tallies
    for proposal in f.approvals:
        tallies[(f.process_id, proposal, "approvals", 0)] += 1
    for proposal, points in f.points:
        tallies[(f.process_id, proposal, "points", 0)] += points
        tallies[(f.process_id, proposal, "supporters", 0)] += 1
    for position, proposal in enumerate(f.ranking, start=1):
        tallies[(f.process_id, proposal, "rank", position)] += 1


# -- the model (after the handlers: its topics are derived from them) ------------------------------


class ProcessSummaryModel(ReadModel):
    """Per process: state, budget, counts per stage, ballots and (hidden) tallies."""

    name = "process_summary"
    #: Version 3 stamps rows with their business time (``valid_us``) for valid-at reads.
    version = 3
    table_suffixes = ("process", "facts", "ballot_runs", "tallies", "subjects")
    dictionary: ClassVar[dict[str, dict[str, str]]] = DICTIONARY
    handlers: ClassVar[Handlers[_Batch]] = handlers
    topics: ClassVar[frozenset[str]] = handlers.topics()

    def __init__(self) -> None:
        self.processes: dict[str, list[Any]] = {}
        self.subjects = SubjectIndex()

    def reset(self) -> None:
        self.processes.clear()
        self.subjects.reset()

    def create_statements(self, prefix: str) -> list[str]:
        return create_statements(prefix, self.subjects)

    def decode(self, notification: Notification, mapper: Mapper[Any]) -> Any | None:
        """Ballots (almost all of a big log) are read by layout, once for every model."""
        if notification.topic == BALLOT_CAST:
            return stored_ballot(notification, mapper)
        return super().decode(notification, mapper)

    def apply(self, conn: Connection, prefix: str, items: Sequence[Item]) -> None:
        batch = _Batch(conn, prefix, self)
        handlers.apply_all(items, batch)
        batch.write()
