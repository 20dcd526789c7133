"""The catalogue's table: its columns, its data dictionary and its DDL."""

from __future__ import annotations

#: One row per idea (its id is the proposal's), updated in place as the idea moves on.
CASE_COLUMNS = (
    "proposal_id",
    "process_id",
    "notification_id",
    "created_us",
    "updated_us",
    "title",
    "stage",
    "status",
    "area",
    "category",
    "cost",
    "currency",
    "project_id",
    "project_status",
    "approved",
)

#: The data dictionary evaluators get with every export.
DICTIONARY: dict[str, dict[str, str]] = {
    "cases": {
        "proposal_id": "The idea/proposal (32 hex digits).",
        "process_id": "Its process (32 hex digits).",
        "notification_id": "Log position of the last event that changed the row.",
        "created_us": "When the idea was submitted: microseconds since 1970-01-01 UTC.",
        "updated_us": "When the row last changed: microseconds since 1970-01-01 UTC.",
        "title": "The idea's current title.",
        "stage": "idea or proposal (developed and costed).",
        "status": "open, feasible, unfeasible, shortlisted, not_shortlisted, the outcome of "
        "the decision in force (funded_in_full, rejected...), decision_reopened, "
        "decision_revoked, withdrawn or merged.",
        "area": "The area code (ideas may have none until developed).",
        "category": "The category (ideas may have none until developed).",
        "cost": "The assessed cost, else the estimate, as decimal text; empty for an idea.",
        "currency": "ISO 4217 code of cost and approved.",
        "project_id": "The project it became (32 hex digits); empty if not funded.",
        "project_status": "in_delivery, completed or cancelled; empty if not funded.",
        "approved": "The amount the council approved for the project, as decimal text.",
    },
    "projects": {
        "project_id": "A funded project (32 hex digits).",
        "proposal_id": "The proposal it was funded from (32 hex digits).",
    },
}


def create_statements(prefix: str) -> list[str]:
    """The catalogue's table and the indexes its filters use."""
    return [
        f"CREATE TABLE IF NOT EXISTS {prefix}_cases (proposal_id TEXT PRIMARY KEY, "
        "process_id TEXT NOT NULL, notification_id BIGINT NOT NULL, created_us BIGINT NOT NULL, "
        "updated_us BIGINT NOT NULL, title TEXT NOT NULL, stage TEXT NOT NULL, "
        "status TEXT NOT NULL, area TEXT, category TEXT, cost TEXT, currency TEXT, "
        "project_id TEXT, project_status TEXT, approved TEXT)",
        f"CREATE INDEX IF NOT EXISTS {prefix}_cases_by_process "
        f"ON {prefix}_cases (process_id, title)",
        f"CREATE INDEX IF NOT EXISTS {prefix}_cases_by_project ON {prefix}_cases (project_id)",
    ]
