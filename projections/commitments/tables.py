"""The commitments model's tables: their data dictionary and their DDL."""

from __future__ import annotations

#: Table suffixes, in the order they are created.
SUFFIXES = ("processes", "projects", "commitments", "contributions")

DICTIONARY: dict[str, dict[str, str]] = {
    "processes": {
        "process_id": "A process (32 hex digits).",
        "council_id": "The council that runs it (32 hex digits): whose officers see the pledges.",
    },
    "projects": {
        "project_id": "A funded project (32 hex digits).",
        "process_id": "Its process (32 hex digits).",
        "title": "Its title.",
    },
    "commitments": {
        "commitment_id": "A group's pledge to a project (32 hex digits).",
        "organisation_id": "The community group that pledged (32 hex digits).",
        "project_id": "The project (32 hex digits).",
        "phase": "The co-production phase the work is in (DOMAIN.md §3).",
        "level": "The co-production level (DOMAIN.md §3).",
        "pledged_hours": "Hours pledged, as decimal text; empty for an in-kind pledge only.",
        "in_kind": "The in-kind asset pledged, described; empty if none.",
        "status": "open, met or lapsed.",
        "made_us": "When it was made: microseconds since 1970-01-01 UTC.",
    },
    "contributions": {
        "contribution_id": "One log of work (32 hex digits).",
        "commitment_id": "The commitment it was logged against (32 hex digits).",
        "hours": "Hours logged, as decimal text.",
        "people_count": "How many people worked (never who).",
        "worked_on": "The day worked (ISO date).",
        "status": "logged (waiting for verification), verified or disputed.",
        "logged_us": "When it was logged: microseconds since 1970-01-01 UTC.",
    },
}


def create_statements(prefix: str) -> list[str]:
    """The three tables and the indexes a group's page reads by."""
    return [
        f"CREATE TABLE IF NOT EXISTS {prefix}_processes (process_id TEXT PRIMARY KEY, "
        "council_id TEXT NOT NULL)",
        f"CREATE TABLE IF NOT EXISTS {prefix}_projects (project_id TEXT PRIMARY KEY, "
        "process_id TEXT NOT NULL, title TEXT NOT NULL)",
        f"CREATE TABLE IF NOT EXISTS {prefix}_commitments (commitment_id TEXT PRIMARY KEY, "
        "organisation_id TEXT NOT NULL, project_id TEXT NOT NULL, phase TEXT NOT NULL, "
        "level TEXT NOT NULL, pledged_hours TEXT, in_kind TEXT, status TEXT NOT NULL, "
        "made_us BIGINT NOT NULL)",
        f"CREATE INDEX IF NOT EXISTS {prefix}_commitments_by_group "
        f"ON {prefix}_commitments (organisation_id, made_us)",
        f"CREATE TABLE IF NOT EXISTS {prefix}_contributions (contribution_id TEXT PRIMARY KEY, "
        "commitment_id TEXT NOT NULL, hours TEXT NOT NULL, people_count INTEGER NOT NULL, "
        "worked_on TEXT NOT NULL, status TEXT NOT NULL, logged_us BIGINT NOT NULL)",
        f"CREATE INDEX IF NOT EXISTS {prefix}_contributions_by_commitment "
        f"ON {prefix}_contributions (commitment_id, worked_on)",
        f"CREATE INDEX IF NOT EXISTS {prefix}_contributions_by_status "
        f"ON {prefix}_contributions (status, commitment_id)",
    ]
