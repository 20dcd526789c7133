"""Process summary: state, budget, counts per stage and (after the vote) tallies, as of any time.

Why the rows look the way they do: every published figure must be reproducible as it stood
on a past date, so nothing is updated in place except the vote tallies.

* ``<g>_process``: one full row per change of the process (history rows, ``valid_from`` =
  the event's timestamp and position); "as of T" is the last row at or before T.
* ``<g>_facts``: one row per counted fact (idea submitted, assessed feasible, decision now
  rejected, project completed, ...) with the subject it is about; a count as of T is over the
  latest fact per subject at or before T, so re-assessments and corrected decisions move a
  subject between columns instead of counting it twice.
* ``<g>_ballot_runs``: the counted ballots as runs (one row per batch and process, with
  every ballot's position and timestamp; :mod:`projections.ballot_runs`), so the number of
  ballots cast is exact as of any T. Version 2: version 1 had one row per ballot.
* ``<g>_tallies``: running totals per proposal. They are stored during the vote but
  :func:`process_summary` returns them only once the ballot is closed as of the asked time.
  Because the read model counts no ballot recorded after ``BallotClosed`` (DOMAIN.md: "no
  later ballot is counted"), the totals are final from the close on and need no history.
* ``<g>_subjects``: which process a proposal, decision or project belongs to, since most of
  their events do not repeat the process id.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, ClassVar
from uuid import UUID

from eventsourcing.persistence import Mapper, Notification, Tracking
from eventsourcing.utils import get_topic

from coprod.adapters.config import StoreSettings, settings_from_env
from coprod.domain.ballot import Ballot, ballot_counts
from coprod.domain.decision import Decision
from coprod.domain.errors import InvalidInput, NotFound, NotYetRecorded
from coprod.domain.phases import Phase
from coprod.domain.process import Process, ProcessKind
from coprod.domain.project import Project
from coprod.domain.proposal import Proposal
from coprod.domain.values import Money
from coprod.domain.voting import VoteMethod
from projections.ballot_runs import (
    RUN_COLUMNS,
    RUN_DICTIONARY,
    BallotRuns,
    counts_as_of,
    run_table_ddl,
)
from projections.kernel.readmodel import Item, ReadModel
from projections.store import DB_ERRORS, Connection, read_generation
from projections.stored_ballot import BALLOT_CAST, StoredBallot, from_us, stored_ballot, to_us

#: "As of now": later than any event timestamp.
_FOREVER = 2**62

_PROCESS_COLUMNS = (
    "process_id",
    "notification_id",
    "ts_us",
    "name",
    "kind",
    "phase",
    "currency",
    "pot",
    "budget_base",
    "eligible",
    "vote_method",
    "ballot_state",
    "ballot_options",
)
_FACT_COLUMNS = ("notification_id", "process_id", "subject_id", "kind", "state", "ts_us")


class ProcessSummaryModel(ReadModel):
    """Per process: state, budget, counts per stage, ballots and (hidden) tallies."""

    name = "process_summary"
    version = 2
    table_suffixes = ("process", "facts", "ballot_runs", "tallies", "subjects")
    dictionary: ClassVar[dict[str, dict[str, str]]] = {
        "process": {
            "process_id": "The process (UUID as 32 hex digits).",
            "notification_id": "Log position of the event that produced this version of the "
            "row; the row with the highest one at or before a time is the process as of then.",
            "ts_us": "When that event was recorded: microseconds since 1970-01-01 UTC.",
            "name": "The process's name, as opened.",
            "kind": "pb_cycle or coproduction_programme.",
            "phase": "The phase the process was in: ideas, development, review, vote, "
            "decision, delivery, evaluation or closed.",
            "currency": "ISO 4217 code of every amount of the process.",
            "pot": "F: funds residents decide on (exact decimal text, in `currency`); empty "
            "until a budget is set.",
            "budget_base": "B: the budget the pot is a share of (exact decimal text); empty "
            "when not declared.",
            "eligible": "E: eligible population (for turnout); empty until set.",
            "vote_method": "How ballots express preferences (approval, k_approval, knapsack, "
            "cumulative, ranked, scoring); empty until rules are set.",
            "ballot_state": "not_opened, open or closed.",
            "ballot_options": "Number of proposals on the ballot paper (0 before it opens).",
        },
        "facts": {
            "notification_id": "Log position of the event that recorded the fact.",
            "process_id": "The process the subject belongs to (32 hex digits).",
            "subject_id": "The idea/proposal, decision or project the fact is about.",
            "kind": "What the fact counts: idea, idea_end, proposal, assessment, shortlist, "
            "decision or project; a subject's latest fact per kind as of T is what counts.",
            "state": "The subject's state for that kind (e.g. submitted, merged, withdrawn, "
            "developed, feasible, unfeasible, shortlisted, not_shortlisted, a decision "
            "outcome, reopened, revoked, funded, completed, cancelled).",
            "ts_us": "When the event was recorded: microseconds since 1970-01-01 UTC.",
        },
        "ballot_runs": {
            "process_id": "The process voted in (32 hex digits); a run holds no voter and "
            "no choices.",
            **RUN_DICTIONARY,
        },
        "tallies": {
            "process_id": "The process voted in (32 hex digits); exports hold only processes "
            "whose ballot is closed, so no live result leaks during a vote.",
            "proposal_id": "The proposal on the ballot paper (32 hex digits).",
            "measure": "approvals, points, supporters (ballots giving it points) or rank.",
            "position": "For rank: the place on the ballot (1 = first choice); 0 otherwise.",
            "value": "Number of ballots (approvals, supporters, rank) or sum of points.",
        },
        "subjects": {
            "subject_id": "An idea/proposal, decision or project (32 hex digits).",
            "process_id": "The process it belongs to.",
            "kind": "proposal, decision or project.",
        },
    }
    topics: ClassVar[frozenset[str]] = frozenset(
        get_topic(cls)
        for cls in (
            Process.Opened,
            Process.BudgetSet,
            Process.EligiblePopulationSet,
            Process.RulesSet,
            Process.PhaseAdvanced,
            Process.BallotOpened,
            Process.BallotClosed,
            Proposal.IdeaSubmitted,
            Proposal.MergedInto,
            Proposal.Withdrawn,
            Proposal.DevelopedIntoProposal,
            Proposal.FeasibilityAssessed,
            Proposal.Shortlisted,
            Proposal.NotShortlisted,
            Decision.DecisionMade,
            Decision.DecisionCorrected,
            Decision.DecisionReopened,
            Decision.DecisionRevoked,
            Project.ProjectFunded,
            Project.ProjectCompleted,
            Project.ProjectCancelled,
            Ballot.BallotCast,
        )
    )

    def __init__(self) -> None:
        self._process: dict[str, list[Any]] = {}
        self._subject: dict[str, str] = {}
        self._handlers: dict[type, Callable[[Any, Tracking, _Batch], None]] = {
            Process.Opened: self._opened,
            Process.BudgetSet: self._budget,
            Process.EligiblePopulationSet: self._eligible,
            Process.RulesSet: self._rules,
            Process.PhaseAdvanced: self._phase,
            Process.BallotOpened: self._ballot_opened,
            Process.BallotClosed: self._ballot_closed,
            Proposal.IdeaSubmitted: self._idea,
            Proposal.MergedInto: self._fact("idea_end", "merged"),
            Proposal.Withdrawn: self._fact("idea_end", "withdrawn"),
            Proposal.DevelopedIntoProposal: self._fact("proposal", "developed"),
            Proposal.FeasibilityAssessed: self._assessed,
            Proposal.Shortlisted: self._fact("shortlist", "shortlisted"),
            Proposal.NotShortlisted: self._fact("shortlist", "not_shortlisted"),
            Decision.DecisionMade: self._decided,
            Decision.DecisionCorrected: self._corrected,
            Decision.DecisionReopened: self._fact("decision", "reopened"),
            Decision.DecisionRevoked: self._fact("decision", "revoked"),
            Project.ProjectFunded: self._funded,
            Project.ProjectCompleted: self._fact("project", "completed"),
            Project.ProjectCancelled: self._fact("project", "cancelled"),
            StoredBallot: self._ballot,
            # The library's mapper path (the stock projection, or a layout the fast path
            # declined) hands over the domain event itself.
            Ballot.BallotCast: lambda e, t, b: self._ballot(StoredBallot.of(e), t, b),
        }

    def reset(self) -> None:
        self._process.clear()
        self._subject.clear()

    def create_statements(self, prefix: str) -> list[str]:
        return [
            f"CREATE TABLE IF NOT EXISTS {prefix}_process (process_id TEXT NOT NULL, "
            "notification_id BIGINT NOT NULL, ts_us BIGINT NOT NULL, name TEXT NOT NULL, "
            "kind TEXT NOT NULL, phase TEXT NOT NULL, currency TEXT NOT NULL, pot TEXT, "
            "budget_base TEXT, eligible BIGINT, vote_method TEXT, ballot_state TEXT NOT NULL, "
            "ballot_options INTEGER NOT NULL, PRIMARY KEY (process_id, notification_id))",
            f"CREATE TABLE IF NOT EXISTS {prefix}_facts (notification_id BIGINT PRIMARY KEY, "
            "process_id TEXT NOT NULL, subject_id TEXT NOT NULL, kind TEXT NOT NULL, "
            "state TEXT NOT NULL, ts_us BIGINT NOT NULL)",
            f"CREATE INDEX IF NOT EXISTS {prefix}_facts_by_process "
            f"ON {prefix}_facts (process_id, ts_us)",
            *run_table_ddl(f"{prefix}_ballot_runs", ("process_id",)),
            f"CREATE TABLE IF NOT EXISTS {prefix}_tallies (process_id TEXT NOT NULL, "
            "proposal_id TEXT NOT NULL, measure TEXT NOT NULL, position INTEGER NOT NULL, "
            "value BIGINT NOT NULL, PRIMARY KEY (process_id, proposal_id, measure, position))",
            f"CREATE TABLE IF NOT EXISTS {prefix}_subjects (subject_id TEXT PRIMARY KEY, "
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
        row: list[Any] = [e.name, e.kind.value, Phase.IDEAS.value, e.currency, None, None]
        row += [None, None, "not_opened", 0]
        self._process[e.originator_id.hex] = row
        b.process_row(e.originator_id.hex, t, e.timestamp, row)

    def _change(self, e: Any, t: Tracking, b: _Batch, **values: Any) -> None:
        pid = e.originator_id.hex
        row = b.process(pid)
        if row is None:
            return
        for field, value in values.items():
            row[_PROCESS_COLUMNS.index(field) - 3] = value
        b.process_row(pid, t, e.timestamp, row)

    def _budget(self, e: Process.BudgetSet, t: Tracking, b: _Batch) -> None:
        base = None if e.budget_base is None else str(e.budget_base.amount)
        self._change(e, t, b, pot=str(e.pot.amount), budget_base=base)

    def _eligible(self, e: Process.EligiblePopulationSet, t: Tracking, b: _Batch) -> None:
        self._change(e, t, b, eligible=e.eligible)

    def _rules(self, e: Process.RulesSet, t: Tracking, b: _Batch) -> None:
        self._change(e, t, b, vote_method=e.voting.method.value)

    def _phase(self, e: Process.PhaseAdvanced, t: Tracking, b: _Batch) -> None:
        self._change(e, t, b, phase=e.to_phase.value)

    def _ballot_opened(self, e: Process.BallotOpened, t: Tracking, b: _Batch) -> None:
        self._change(e, t, b, ballot_state="open", ballot_options=len(e.options))
        row = b.process(e.originator_id.hex)
        method = None if row is None else row[_PROCESS_COLUMNS.index("vote_method") - 3]
        for option in e.options:
            for measure in _measures(method):
                b.tally(
                    e.originator_id.hex,
                    option.proposal_id.hex,
                    measure,
                    1 if measure == "rank" else 0,
                    0,
                )

    def _ballot_closed(self, e: Process.BallotClosed, t: Tracking, b: _Batch) -> None:
        self._change(e, t, b, ballot_state="closed")

    # facts

    def _fact(self, kind: str, state: str) -> Callable[[Any, Tracking, _Batch], None]:
        def handle(e: Any, t: Tracking, b: _Batch) -> None:
            b.fact(e.originator_id.hex, t, e.timestamp, kind, state)

        return handle

    def _idea(self, e: Proposal.IdeaSubmitted, t: Tracking, b: _Batch) -> None:
        b.subject(e.originator_id.hex, e.process_id.hex, "proposal")
        b.fact(e.originator_id.hex, t, e.timestamp, "idea", "submitted")

    def _assessed(self, e: Proposal.FeasibilityAssessed, t: Tracking, b: _Batch) -> None:
        state = "feasible" if e.feasible else "unfeasible"
        b.fact(e.originator_id.hex, t, e.timestamp, "assessment", state)

    def _decided(self, e: Decision.DecisionMade, t: Tracking, b: _Batch) -> None:
        b.subject(e.originator_id.hex, e.process_id.hex, "decision")
        b.fact(e.originator_id.hex, t, e.timestamp, "decision", e.outcome.value)

    def _corrected(self, e: Decision.DecisionCorrected, t: Tracking, b: _Batch) -> None:
        b.fact(e.originator_id.hex, t, e.timestamp, "decision", e.outcome.value)

    def _funded(self, e: Project.ProjectFunded, t: Tracking, b: _Batch) -> None:
        b.subject(e.originator_id.hex, e.process_id.hex, "project")
        b.fact(e.originator_id.hex, t, e.timestamp, "project", "funded")

    # ballots

    def _ballot(self, f: StoredBallot, t: Tracking, b: _Batch) -> None:
        row = b.process(f.process_id)
        if row is None or not ballot_counts(row[_PROCESS_COLUMNS.index("ballot_state") - 3]):
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


def _measures(method: str | None) -> tuple[str, ...]:
    if method == VoteMethod.CUMULATIVE.value:
        return ("points", "supporters")
    if method == VoteMethod.RANKED.value:
        return ("rank",)
    return ("approvals",)


class _Batch:
    """The rows one batch adds, collected in memory and written with a few bulk statements."""

    def __init__(self, conn: Connection, prefix: str, model: ProcessSummaryModel) -> None:
        self.conn = conn
        self.prefix = prefix
        self.model = model
        self.process_rows: list[tuple[Any, ...]] = []
        self.facts: list[tuple[Any, ...]] = []
        self.subjects: list[tuple[str, str, str]] = []
        self.ballots = BallotRuns()
        self.tallies: Counter[tuple[str, str, str, int]] = Counter()
        self._zero: set[tuple[str, str, str, int]] = set()

    def process(self, pid: str) -> list[Any] | None:
        """The process's current row (cached; loaded from the table on a miss)."""
        row = self.model._process.get(pid)
        if row is None:
            found = self.conn.execute(
                f"SELECT {', '.join(_PROCESS_COLUMNS[3:])} FROM {self.prefix}_process "
                "WHERE process_id = ? ORDER BY notification_id DESC LIMIT 1",
                (pid,),
            )
            if not found:
                return None
            row = list(found[0])
            self.model._process[pid] = row
        return row

    def process_row(self, pid: str, t: Tracking, moment: datetime, row: list[Any]) -> None:
        self.process_rows.append((pid, t.notification_id, to_us(moment), *row))

    def subject(self, subject_id: str, process_id: str, kind: str) -> None:
        self.model._subject[subject_id] = process_id
        self.subjects.append((subject_id, process_id, kind))

    def fact(self, subject_id: str, t: Tracking, moment: datetime, kind: str, state: str) -> None:
        pid = self.model._subject.get(subject_id)
        if pid is None:
            found = self.conn.execute(
                f"SELECT process_id FROM {self.prefix}_subjects WHERE subject_id = ?",
                (subject_id,),
            )
            if not found:
                return  # an aggregate the summary never saw created: nothing to count
            pid = str(found[0][0])
            self.model._subject[subject_id] = pid
        self.facts.append((t.notification_id, pid, subject_id, kind, state, to_us(moment)))

    def tally(self, pid: str, proposal: str, measure: str, position: int, delta: int) -> None:
        key = (pid, proposal, measure, position)
        self.tallies[key] += delta
        self._zero.add(key)

    def write(self) -> None:
        p, conn = self.prefix, self.conn
        conn.insert_rows(f"{p}_process", _PROCESS_COLUMNS, self.process_rows)
        conn.insert_rows(f"{p}_subjects", ("subject_id", "process_id", "kind"), self.subjects)
        conn.insert_rows(f"{p}_facts", _FACT_COLUMNS, self.facts)
        conn.insert_rows(f"{p}_ballot_runs", ("process_id", *RUN_COLUMNS), self.ballots.rows())
        rows = [(*key, value) for key, value in self.tallies.items() if value or key in self._zero]
        conn.executemany(
            f"INSERT INTO {p}_tallies (process_id, proposal_id, measure, position, value) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (process_id, proposal_id, measure, position) "
            f"DO UPDATE SET value = {p}_tallies.value + excluded.value",
            rows,
        )


# -- reading ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProposalTally:
    """One proposal's result; only the measures of the process's vote method are set."""

    proposal_id: UUID
    approvals: int | None
    points: int | None
    supporters: int | None
    #: (position on the ballot, ballots that ranked it there), for ranked votes.
    rank_positions: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class ProcessSummary:
    """A process as the read model saw it at `as_of` (None: now); tallies only after the close."""

    process_id: UUID
    as_of: datetime | None
    name: str
    kind: ProcessKind
    phase: Phase
    currency: str
    pot: Money | None
    budget_base: Money | None
    eligible: int | None
    vote_method: str | None
    ballot_state: str
    ballot_options: int
    ideas_submitted: int
    ideas_merged: int
    ideas_withdrawn: int
    proposals: int
    assessed_feasible: int
    assessed_unfeasible: int
    shortlisted: int
    not_shortlisted: int
    ballots_cast: int
    #: Decisions by their status as of `as_of`: the outcome in force, or "reopened"/"revoked".
    decisions: tuple[tuple[str, int], ...]
    projects_funded: int
    projects_completed: int
    projects_cancelled: int
    #: None while the ballot is not closed: no live results leak during the vote.
    tallies: tuple[ProposalTally, ...] | None


def process_summary(
    process_id: UUID,
    as_of: datetime | None = None,
    *,
    settings: StoreSettings | None = None,
    conn: Connection | None = None,
) -> ProcessSummary:
    """The summary of one process now, or exactly as the read model had it at `as_of`.

    `as_of` must be timezone-aware (events are timestamped in UTC); a naive time would be
    ambiguous. Raises NotFound for a process the read model has not seen, NotYetRecorded
    (a NotFound naming the first recorded time) for one first recorded after `as_of`.
    """
    if as_of is not None and as_of.tzinfo is None:
        raise InvalidInput("as_of", "must be timezone-aware (e.g. 2026-05-01T12:00:00+00:00)")
    own = conn is None
    connection = conn or Connection(settings or settings_from_env())
    key = ProcessSummaryModel.key()
    try:
        for attempt in range(3):
            try:
                with connection.snapshot():
                    generation = read_generation(connection, key)
                    if generation is None:
                        raise NotFound("read model", f"{key} (run `coprod project --once`)")
                    prefix = ProcessSummaryModel.prefix(generation.active)
                    return _read(connection, prefix, process_id, as_of)
            except DB_ERRORS as e:
                # A rebuild dropped the generation between our registry read and the query.
                if attempt == 2 or not Connection.is_missing_table(e):
                    raise
        raise AssertionError("unreachable")
    finally:
        if own:
            connection.close()


def _read(conn: Connection, p: str, process_id: UUID, as_of: datetime | None) -> ProcessSummary:
    pid = process_id.hex
    until = _FOREVER if as_of is None else to_us(as_of)
    rows = conn.execute(
        f"SELECT {', '.join(_PROCESS_COLUMNS[3:])} FROM {p}_process "
        "WHERE process_id = ? AND ts_us <= ? ORDER BY notification_id DESC LIMIT 1",
        (pid, until),
    )
    if not rows:
        raise _not_found(conn, p, process_id, as_of)
    name, kind, phase, currency, pot, base, eligible, method, state, options = rows[0]
    counts: Counter[tuple[str, str]] = Counter()
    for fact_kind, fact_state, n in conn.execute(
        "SELECT kind, state, COUNT(*) FROM (SELECT kind, state, ROW_NUMBER() OVER "
        "(PARTITION BY subject_id, kind ORDER BY notification_id DESC) AS rn "
        f"FROM {p}_facts WHERE process_id = ? AND ts_us <= ?) latest WHERE rn = 1 "
        "GROUP BY kind, state",
        (pid, until),
    ):
        counts[(str(fact_kind), str(fact_state))] = int(n)
    ballots = counts_as_of(conn, f"{p}_ballot_runs", (), pid, until)[()]
    tallies = _tallies(conn, p, pid) if state == "closed" else None
    return ProcessSummary(
        process_id=process_id,
        as_of=as_of,
        name=name,
        kind=ProcessKind(kind),
        phase=Phase(phase),
        currency=currency,
        pot=None if pot is None else Money(Decimal(pot), currency),
        budget_base=None if base is None else Money(Decimal(base), currency),
        eligible=None if eligible is None else int(eligible),
        vote_method=method,
        ballot_state=state,
        ballot_options=int(options),
        ideas_submitted=counts[("idea", "submitted")],
        ideas_merged=counts[("idea_end", "merged")],
        ideas_withdrawn=counts[("idea_end", "withdrawn")],
        proposals=counts[("proposal", "developed")],
        assessed_feasible=counts[("assessment", "feasible")],
        assessed_unfeasible=counts[("assessment", "unfeasible")],
        shortlisted=counts[("shortlist", "shortlisted")],
        not_shortlisted=counts[("shortlist", "not_shortlisted")],
        ballots_cast=ballots,
        decisions=tuple(sorted((s, n) for (k, s), n in counts.items() if k == "decision")),
        projects_funded=sum(n for (k, _), n in counts.items() if k == "project"),
        projects_completed=counts[("project", "completed")],
        projects_cancelled=counts[("project", "cancelled")],
        tallies=tallies,
    )


def _not_found(conn: Connection, p: str, process_id: UUID, as_of: datetime | None) -> NotFound:
    """No such process, or (with an as-of) not yet: then say when it was first recorded.

    As the impact report and the timelines do, so a reader who asked too early learns
    which time to ask for instead of doubting the id.
    """
    first = conn.execute(
        f"SELECT MIN(ts_us) FROM {p}_process WHERE process_id = ?", (process_id.hex,)
    )
    if as_of is None or not first or first[0][0] is None:
        return NotFound("process", process_id)
    return NotYetRecorded("process", process_id, as_of, from_us(int(first[0][0])))


def _tallies(conn: Connection, p: str, pid: str) -> tuple[ProposalTally, ...]:
    by_proposal: dict[str, dict[str, Any]] = {}
    for proposal, measure, position, value in conn.execute(
        f"SELECT proposal_id, measure, position, value FROM {p}_tallies WHERE process_id = ? "
        "ORDER BY proposal_id, measure, position",
        (pid,),
    ):
        entry = by_proposal.setdefault(str(proposal), {"rank": []})
        if measure == "rank":
            entry["rank"].append((int(position), int(value)))
        else:
            entry[str(measure)] = int(value)
    result = [
        ProposalTally(
            proposal_id=UUID(hex=proposal),
            approvals=e.get("approvals"),
            points=e.get("points"),
            supporters=e.get("supporters"),
            rank_positions=tuple(e["rank"]),
        )
        for proposal, e in by_proposal.items()
    ]
    result.sort(key=lambda t: (-(t.approvals or t.points or 0), str(t.proposal_id)))
    return tuple(result)
