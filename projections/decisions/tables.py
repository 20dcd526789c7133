"""The decisions model's tables: their data dictionary and their DDL."""

from __future__ import annotations

#: Table suffixes, in the order they are created.
SUFFIXES = ("proposals", "decisions")

DICTIONARY: dict[str, dict[str, str]] = {
    "proposals": {
        "proposal_id": "An idea or proposal (32 hex digits).",
        "title": "Its current title.",
    },
    "decisions": {
        "decision_id": "A council decision (32 hex digits).",
        "process_id": "The process it belongs to (32 hex digits).",
        "proposal_id": "The proposal decided on (32 hex digits).",
        "outcome": "The decision's current outcome (funded_in_full, rejected, ...).",
        "status": "made, corrected, reopened or revoked.",
        "amount": "The amount granted, as decimal text; empty if none.",
        "currency": "The amount's ISO 4217 currency; empty if none.",
        "decided_on": "The day of the act now in force (ISO date).",
        "legal_basis": "The legal bases the record cites, one a line; empty if none.",
        "made_us": "When the first act was recorded: microseconds since 1970-01-01 UTC.",
    },
}


def create_statements(prefix: str) -> list[str]:
    """The two tables and the index a process's list reads by."""
    return [
        f"CREATE TABLE IF NOT EXISTS {prefix}_proposals (proposal_id TEXT PRIMARY KEY, "
        "title TEXT NOT NULL)",
        f"CREATE TABLE IF NOT EXISTS {prefix}_decisions (decision_id TEXT PRIMARY KEY, "
        "process_id TEXT NOT NULL, proposal_id TEXT NOT NULL, outcome TEXT NOT NULL, "
        "status TEXT NOT NULL, amount TEXT, currency TEXT, decided_on TEXT NOT NULL, "
        "legal_basis TEXT, made_us BIGINT NOT NULL)",
        f"CREATE INDEX IF NOT EXISTS {prefix}_decisions_by_process "
        f"ON {prefix}_decisions (process_id, decided_on, decision_id)",
    ]
