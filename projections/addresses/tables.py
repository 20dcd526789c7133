"""The addresses model's tables: their data dictionary and their DDL."""

from __future__ import annotations

SUFFIXES = ("organisations", "processes", "projects")

DICTIONARY: dict[str, dict[str, str]] = {
    "organisations": {
        "organisation_id": "An organisation (32 hex digits).",
        "slug": "Its short name, unique in the store.",
    },
    "processes": {
        "process_id": "A process (32 hex digits).",
        "council_id": "The council that runs it (32 hex digits).",
        "code": "The council's code for it, unique within the council.",
    },
    "projects": {
        "project_id": "A funded project (32 hex digits).",
        "process_id": "Its process (32 hex digits).",
        "title": "Its title when funded: its code is derived from it.",
        "funded_at": "The log position of its funding: clashing codes are numbered by it.",
    },
}


def create_statements(prefix: str) -> list[str]:
    """The three tables and the indexes a lookup by code reads."""
    return [
        f"CREATE TABLE IF NOT EXISTS {prefix}_organisations (organisation_id TEXT PRIMARY KEY, "
        "slug TEXT NOT NULL)",
        f"CREATE TABLE IF NOT EXISTS {prefix}_processes (process_id TEXT PRIMARY KEY, "
        "council_id TEXT NOT NULL, code TEXT NOT NULL)",
        f"CREATE INDEX IF NOT EXISTS {prefix}_processes_by_code ON {prefix}_processes (code)",
        f"CREATE TABLE IF NOT EXISTS {prefix}_projects (project_id TEXT PRIMARY KEY, "
        "process_id TEXT NOT NULL, title TEXT NOT NULL, funded_at BIGINT NOT NULL)",
        f"CREATE INDEX IF NOT EXISTS {prefix}_projects_by_process "
        f"ON {prefix}_projects (process_id, funded_at)",
    ]
