"""Commands on organisations, their members and people.

Handled by ``app.register_person(RegisterPerson(details=...), actor)`` and its siblings;
``expected_version`` is the version of the organisation or person acted on. A person's
details travel in the command only as far as the personal-data store: never into an event.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from uuid import UUID

from coprod.application.commands import Command
from coprod.domain.organisation import OrganisationKind
from coprod.domain.values import Role

__all__ = ["AddMember", "ErasePerson", "RegisterOrganisation", "RegisterPerson", "RemoveMember"]


@dataclass(frozen=True, kw_only=True)
class RegisterOrganisation(Command):
    """A council, community group or other body, under a unique slug."""

    slug: str
    kind: OrganisationKind
    display_name: str


@dataclass(frozen=True, kw_only=True)
class AddMember(Command):
    """Add a registered person to an organisation in a role that fits it."""

    organisation_id: UUID
    person_id: UUID
    role: Role
    expected_version: int | None = None


@dataclass(frozen=True, kw_only=True)
class RemoveMember(Command):
    """Take a person out of an organisation."""

    organisation_id: UUID
    person_id: UUID
    expected_version: int | None = None


@dataclass(frozen=True, kw_only=True)
class RegisterPerson(Command):
    """A new person; the details go to the deletable personal-data store only."""

    details: Mapping[str, str]


@dataclass(frozen=True, kw_only=True)
class ErasePerson(Command):
    """GDPR erasure of a person's details and key, leaving a marker event."""

    person_id: UUID
    expected_version: int | None = None
