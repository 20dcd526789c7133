"""The queues' tables: their data dictionary and their DDL."""

from __future__ import annotations

#: Table suffixes, in the order they are created.
SUFFIXES = ("processes", "proposals", "projects", "contributions", "hearings", "paper_ballots")

DICTIONARY: dict[str, dict[str, str]] = {
    "processes": {
        "process_id": "A process (32 hex digits).",
        "council_id": "The council that runs it (32 hex digits).",
        "name": "The process's name when opened.",
        "phase": "Its current phase (ideas ... closed).",
    },
    "proposals": {
        "proposal_id": "An idea or proposal (32 hex digits).",
        "process_id": "Its process (32 hex digits).",
        "title": "Its current title.",
        "stage": "idea or proposal.",
        "status": "As in the catalogue: open, feasible, unfeasible, shortlisted, the decision's "
        "outcome, decision_reopened, withdrawn, merged...",
        "updated_us": "When the row last changed: microseconds since 1970-01-01 UTC.",
    },
    "projects": {
        "project_id": "A funded project (32 hex digits).",
        "process_id": "Its process (32 hex digits).",
        "title": "Its title.",
    },
    "contributions": {
        "contribution_id": "One log of community work (32 hex digits).",
        "project_id": "The project worked on (32 hex digits).",
        "organisation_id": "The community group that logged it (32 hex digits).",
        "hours": "Hours logged, as decimal text.",
        "people_count": "How many people worked.",
        "worked_on": "The day worked (ISO date).",
        "status": "logged (waiting for verification), verified or disputed.",
    },
    "hearings": {
        "hearing_id": "A party hearing (32 hex digits).",
        "proposal_id": "The proposal it is about (32 hex digits).",
        "sent_on": "When it was sent (ISO date).",
        "deadline": "The party's deadline to answer (ISO date).",
        "answered_on": "When the party answered (ISO date); empty while unanswered.",
    },
    "paper_ballots": {
        "paper_ballot_id": "A paper ballot as typed in (32 hex digits).",
        "process_id": "Its process (32 hex digits).",
        "serial": "The number printed on the paper.",
        "entered_by": "The officer who typed it in (32 hex digits): not the one who checks it.",
        "entered_us": "When it was typed in: microseconds since 1970-01-01 UTC.",
        "state": "pending (waiting for a second officer), confirmed (counted) or discarded.",
    },
}


def create_statements(prefix: str) -> list[str]:
    """The six tables and the indexes the queues read by."""
    return [
        f"CREATE TABLE IF NOT EXISTS {prefix}_processes (process_id TEXT PRIMARY KEY, "
        "council_id TEXT NOT NULL, name TEXT NOT NULL, phase TEXT NOT NULL)",
        f"CREATE INDEX IF NOT EXISTS {prefix}_processes_by_council "
        f"ON {prefix}_processes (council_id)",
        f"CREATE TABLE IF NOT EXISTS {prefix}_proposals (proposal_id TEXT PRIMARY KEY, "
        "process_id TEXT NOT NULL, title TEXT NOT NULL, stage TEXT NOT NULL, "
        "status TEXT NOT NULL, updated_us BIGINT NOT NULL)",
        f"CREATE INDEX IF NOT EXISTS {prefix}_proposals_by_status "
        f"ON {prefix}_proposals (process_id, stage, status)",
        f"CREATE TABLE IF NOT EXISTS {prefix}_projects (project_id TEXT PRIMARY KEY, "
        "process_id TEXT NOT NULL, title TEXT NOT NULL)",
        f"CREATE TABLE IF NOT EXISTS {prefix}_contributions (contribution_id TEXT PRIMARY KEY, "
        "project_id TEXT NOT NULL, organisation_id TEXT NOT NULL, hours TEXT NOT NULL, "
        "people_count INTEGER NOT NULL, worked_on TEXT NOT NULL, status TEXT NOT NULL)",
        f"CREATE INDEX IF NOT EXISTS {prefix}_contributions_by_status "
        f"ON {prefix}_contributions (status, project_id)",
        f"CREATE TABLE IF NOT EXISTS {prefix}_hearings (hearing_id TEXT PRIMARY KEY, "
        "proposal_id TEXT NOT NULL, sent_on TEXT NOT NULL, deadline TEXT NOT NULL, "
        "answered_on TEXT)",
        f"CREATE INDEX IF NOT EXISTS {prefix}_hearings_open "
        f"ON {prefix}_hearings (answered_on, proposal_id)",
        f"CREATE TABLE IF NOT EXISTS {prefix}_paper_ballots (paper_ballot_id TEXT PRIMARY KEY, "
        "process_id TEXT NOT NULL, serial TEXT NOT NULL, entered_by TEXT NOT NULL, "
        "entered_us BIGINT NOT NULL, state TEXT NOT NULL)",
        f"CREATE INDEX IF NOT EXISTS {prefix}_paper_ballots_by_state "
        f"ON {prefix}_paper_ballots (process_id, state, entered_us)",
    ]
