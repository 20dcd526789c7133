"""Reading organisations: the community groups a council registered, or one group, with
their members and who registered them (what the one policy decides with)."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from coprod.domain.organisation import OrganisationKind
from coprod.domain.values import Role
from projections.kernel.positions import ActiveGeneration
from projections.kernel.reading import read_active
from projections.organisations.model import OrganisationsModel
from projections.store import Connection

__all__ = ["GroupRow", "groups_of"]


@dataclass(frozen=True)
class GroupRow:
    """A community group, its members now, and its registrar and that registrar's council."""

    id: UUID
    slug: str
    display_name: str
    registered_by: UUID | None
    #: The council the registrar works with: itself if a council, else whoever registered it.
    council: UUID | None
    members: dict[UUID, Role]


def _uuid(text: str | None) -> UUID | None:
    return None if not text else UUID(hex=text)


def groups_of(
    conn: Connection, *, registrar: UUID | None = None, organisation: UUID | None = None
) -> list[GroupRow]:
    """The community groups `registrar` registered, or the group `organisation`, by name."""

    def read(active: ActiveGeneration) -> list[GroupRow]:
        p = active.prefix
        where, key = (
            ("o.registered_by = ?", registrar)
            if registrar
            else ("o.organisation_id = ?", organisation)
        )
        assert key is not None, "name a registrar or an organisation"
        rows = conn.execute(
            "SELECT o.organisation_id, o.slug, o.display_name, o.registered_by, r.kind, "
            f"r.registered_by FROM {p}_organisations o "
            f"LEFT JOIN {p}_organisations r ON r.organisation_id = o.registered_by "
            f"WHERE {where} AND o.kind = ?",
            [key.hex, OrganisationKind.COMMUNITY_GROUP.value],
        )
        members: dict[str, dict[UUID, Role]] = {r[0]: {} for r in rows}
        if members:
            marks = ", ".join("?" for _ in members)
            for org, person, role in conn.execute(
                f"SELECT organisation_id, person_id, role FROM {p}_members "
                f"WHERE organisation_id IN ({marks}) ORDER BY person_id",
                list(members),
            ):
                members[org][UUID(hex=person)] = Role(role)
        groups = [
            GroupRow(
                UUID(hex=r[0]),
                r[1],
                r[2],
                _uuid(r[3]),
                _uuid(r[3]) if r[4] == OrganisationKind.COUNCIL.value else _uuid(r[5]),
                members[r[0]],
            )
            for r in rows
        ]
        return sorted(groups, key=lambda g: (g.display_name.casefold(), g.slug))

    return read_active(conn, OrganisationsModel, read)
