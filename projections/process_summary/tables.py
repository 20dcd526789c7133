"""The process summary's tables: their columns, their DDL and their data dictionary.

See :mod:`projections.process_summary` for why the rows look the way they do.
"""

from __future__ import annotations

from projections.ballot_runs import RUN_DICTIONARY, run_table_ddl
from projections.kernel.batching import SubjectIndex
from projections.valid_time import PROCESS_TIME_COLUMNS

#: "As of now": later than any event timestamp.
FOREVER = 2**62

PROCESS_COLUMNS = (
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
    *PROCESS_TIME_COLUMNS,
)
FACT_COLUMNS = (
    "notification_id",
    "process_id",
    "subject_id",
    "kind",
    "state",
    "ts_us",
    "valid_us",
)


def column(name: str) -> int:
    """Where `name` sits in a cached process row (``PROCESS_COLUMNS[3:]``)."""
    return PROCESS_COLUMNS.index(name) - 3


#: The data dictionary evaluators get with every export (see ReadModel.dictionary).
DICTIONARY: dict[str, dict[str, str]] = {
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
        "backdate_begin": "While a past cycle is imported from Pabulib: the business time "
        "(microseconds since 1970 UTC) its undated facts are valid from (the end of the "
        "file's date_begin, then of its date_end once the ballot is closed); else empty.",
        "backdate_end": "While a past cycle is imported: the end of the file's date_end, "
        "when its ballot closed; else empty.",
        "valid_us": "Business time this version of the row is valid from (microseconds since "
        "1970 UTC): the process at business date D is the last row with valid_us <= D.",
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
        "valid_us": "When the fact became true: the end of its own date (a decision's "
        "decided_on) or its recording time, whichever is earlier (microseconds since 1970 "
        "UTC); an imported past cycle's undated facts take the file's ballot dates.",
    },
    "ballot_runs": {
        "process_id": "The process voted in (32 hex digits); a run holds no voter and no choices.",
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


def create_statements(prefix: str, subjects: SubjectIndex) -> list[str]:
    """DDL of one generation's tables (``CREATE ... IF NOT EXISTS``: safe to run again)."""
    return [
        f"CREATE TABLE IF NOT EXISTS {prefix}_process (process_id TEXT NOT NULL, "
        "notification_id BIGINT NOT NULL, ts_us BIGINT NOT NULL, name TEXT NOT NULL, "
        "kind TEXT NOT NULL, phase TEXT NOT NULL, currency TEXT NOT NULL, pot TEXT, "
        "budget_base TEXT, eligible BIGINT, vote_method TEXT, ballot_state TEXT NOT NULL, "
        "ballot_options INTEGER NOT NULL, backdate_begin BIGINT, backdate_end BIGINT, "
        "valid_us BIGINT NOT NULL, PRIMARY KEY (process_id, notification_id))",
        f"CREATE TABLE IF NOT EXISTS {prefix}_facts (notification_id BIGINT PRIMARY KEY, "
        "process_id TEXT NOT NULL, subject_id TEXT NOT NULL, kind TEXT NOT NULL, "
        "state TEXT NOT NULL, ts_us BIGINT NOT NULL, valid_us BIGINT NOT NULL)",
        f"CREATE INDEX IF NOT EXISTS {prefix}_facts_by_process "
        f"ON {prefix}_facts (process_id, ts_us)",
        *run_table_ddl(f"{prefix}_ballot_runs", ("process_id",)),
        f"CREATE TABLE IF NOT EXISTS {prefix}_tallies (process_id TEXT NOT NULL, "
        "proposal_id TEXT NOT NULL, measure TEXT NOT NULL, position INTEGER NOT NULL, "
        "value BIGINT NOT NULL, PRIMARY KEY (process_id, proposal_id, measure, position))",
        f"CREATE TABLE IF NOT EXISTS {prefix}_{subjects.suffix} (subject_id TEXT PRIMARY KEY, "
        "process_id TEXT NOT NULL, kind TEXT NOT NULL)",
    ]
