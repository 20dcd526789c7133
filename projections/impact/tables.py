"""The impact model's tables: their columns, their DDL and their data dictionary.

Why a module of its own: the report reads these tables by the same column names the model
writes, and the data dictionary is published; keeping them apart from the event handling
lets each be read (and changed) without wading through the other.
"""

from __future__ import annotations

from projections.ballot_runs import RUN_DICTIONARY, run_table_ddl
from projections.valid_time import PROCESS_TIME_COLUMNS

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
    "closed_valid_us",
    *PROCESS_TIME_COLUMNS,
)
FACT_COLUMNS = (
    "notification_id",
    "process_id",
    "subject_id",
    "kind",
    "ts_us",
    "data",
    "valid_us",
)
#: The key of a ballot run: the process and the demographic cell.
BALLOT_CELL = ("process_id", "area_code", "age_band", "sex")
CONTRIBUTION_COLUMNS = (
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
    "valid_us",
)
STATUS_COLUMNS = ("notification_id", "process_id", "contribution_id", "ts_us", "status")
CENSUS_COLUMNS = (
    "notification_id",
    "council_id",
    "dimension",
    "ts_us",
    "source",
    "reference_year",
    "shares",
    "quintiles",
)
RATE_COLUMNS = (
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
SUBJECT_COLUMNS = ("subject_id", "process_id", "kind")
#: Index of a column in the model's cached process row (the row minus its first three keys).
STATE = {name: i - 3 for i, name in enumerate(PROCESS_COLUMNS) if i >= 3}

TABLE_SUFFIXES = (
    "process",
    "ballot_runs",
    "facts",
    "contributions",
    "contribution_status",
    "census",
    "rates",
    "subjects",
)

#: What every column means (published with the data, see ``ReadModel.dictionary``).
DICTIONARY: dict[str, dict[str, str]] = {
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
        "backdate_begin": "while a past cycle is imported: the business time (end of the "
        "file's date_begin, microseconds since 1970 UTC) its undated facts are valid from; "
        "else null",
        "backdate_end": "while a past cycle is imported: the end of the file's date_end, the "
        "business time of the ballot's close; else null",
        "closed_valid_us": "business time of the ballot's close (its recording time, or the "
        "imported cycle's date_end); counted ballots are valid from it at the latest",
        "valid_us": "business time this version of the row is valid from (see projections/"
        "valid_time.py); valid at D = last row with valid_us <= D",
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
        "valid_us": "business time the fact is valid from: the end of its own date "
        "(decided_on, met_on, spent_on...) or its recording time, whichever is earlier",
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
        "valid_us": "business time: the end of the day worked (worked_on), or the time "
        "logged if earlier",
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


def create_statements(prefix: str) -> list[str]:
    """The tables and as-of indexes of one generation of the model (prefix ``<g>``)."""
    p = prefix
    return [
        f"CREATE TABLE IF NOT EXISTS {p}_process (process_id TEXT NOT NULL, "
        "notification_id BIGINT NOT NULL, ts_us BIGINT NOT NULL, council_id TEXT NOT NULL, "
        "name TEXT NOT NULL, currency TEXT NOT NULL, pot TEXT, budget_base TEXT, "
        "eligible BIGINT, k INTEGER NOT NULL, areas TEXT NOT NULL, "
        "ballot_state TEXT NOT NULL, closed_us BIGINT, backdate_begin BIGINT, "
        "backdate_end BIGINT, closed_valid_us BIGINT, valid_us BIGINT NOT NULL, "
        "PRIMARY KEY (process_id, notification_id))",
        *run_table_ddl(f"{p}_ballot_runs", BALLOT_CELL),
        f"CREATE TABLE IF NOT EXISTS {p}_facts (notification_id BIGINT PRIMARY KEY, "
        "process_id TEXT NOT NULL, subject_id TEXT NOT NULL, kind TEXT NOT NULL, "
        "ts_us BIGINT NOT NULL, data TEXT NOT NULL, valid_us BIGINT NOT NULL)",
        f"CREATE INDEX IF NOT EXISTS {p}_facts_asof ON {p}_facts (process_id, ts_us)",
        f"CREATE TABLE IF NOT EXISTS {p}_contributions (contribution_id TEXT PRIMARY KEY, "
        "process_id TEXT NOT NULL, notification_id BIGINT NOT NULL, ts_us BIGINT NOT NULL, "
        "project_id TEXT NOT NULL, phase TEXT NOT NULL, level TEXT NOT NULL, "
        "hours_micro BIGINT NOT NULL, people BIGINT NOT NULL, seconds_to_log BIGINT, "
        "valid_us BIGINT NOT NULL)",
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
