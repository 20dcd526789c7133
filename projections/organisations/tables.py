"""The organisations model's tables: their data dictionary and their DDL."""

from __future__ import annotations

#: Table suffixes, in the order they are created.
SUFFIXES = ("organisations", "members")

DICTIONARY: dict[str, dict[str, str]] = {
    "organisations": {
        "organisation_id": "An organisation (32 hex digits).",
        "slug": "Its short name, unique in the store.",
        "kind": "council, community_group, ... (coprod.domain.organisation.OrganisationKind).",
        "display_name": "The name it is shown by.",
        "registered_by": "The organisation that registered it (32 hex digits; empty: the system).",
    },
    "members": {
        "organisation_id": "An organisation (32 hex digits).",
        "person_id": "A person who is a member of it now (32 hex digits); no name.",
        "role": "Their role in it (coprod.domain.values.Role).",
    },
}


def create_statements(prefix: str) -> list[str]:
    """The two tables, and the index a council's groups are read by."""
    return [
        f"CREATE TABLE IF NOT EXISTS {prefix}_organisations (organisation_id TEXT PRIMARY KEY, "
        "slug TEXT NOT NULL, kind TEXT NOT NULL, display_name TEXT NOT NULL, "
        "registered_by TEXT)",
        f"CREATE INDEX IF NOT EXISTS {prefix}_organisations_by_registrar "
        f"ON {prefix}_organisations (registered_by)",
        f"CREATE TABLE IF NOT EXISTS {prefix}_members (organisation_id TEXT NOT NULL, "
        "person_id TEXT NOT NULL, role TEXT NOT NULL, PRIMARY KEY (organisation_id, person_id))",
    ]
