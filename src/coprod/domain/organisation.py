"""Organisations (councils, community groups) and people, with no personal data in the log.

An organisation's public name is not personal data, so it is recorded. A person is only an
opaque id in the log: their details live in the deletable personal-data store
(:mod:`coprod.adapters.privacy`), and erasure leaves a marker event so every history still replays.
"""

from __future__ import annotations

import re
from enum import Enum
from uuid import UUID

from eventsourcing.domain import event

from coprod.domain.aggregate import CoprodAggregate, keep_stored_topics, natural_id
from coprod.domain.errors import InvalidInput, RuleViolation
from coprod.domain.stored import stored_as
from coprod.domain.values import Actor, Role, require_text

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_FIELD_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_SLUG_MAX = 63
_FIELD_NAME_MAX = 40

#: Roles that may administer organisations and people.
_ADMIN_ROLES = frozenset({Role.COUNCIL_OFFICER, Role.SYSTEM})
#: Read-only roles (DOMAIN.md §2) never write.
_READ_ONLY_ROLES = frozenset({Role.EVALUATOR, Role.PUBLIC})


@stored_as("organisation_kind")
class OrganisationKind(Enum):
    """A council runs processes; a community group co-produces and logs contributions."""

    COUNCIL = "council"
    COMMUNITY_GROUP = "community_group"


#: Which roles a member of each kind of organisation can hold.
MEMBER_ROLES: dict[OrganisationKind, frozenset[Role]] = {
    OrganisationKind.COUNCIL: frozenset({Role.COUNCIL_OFFICER, Role.EVALUATOR}),
    OrganisationKind.COMMUNITY_GROUP: frozenset({Role.COMMUNITY_MEMBER}),
}


def require_slug(slug: str) -> str:
    """Refuse a slug that would not make a stable, URL-safe natural key."""
    if not isinstance(slug, str) or not _SLUG.match(slug):
        raise InvalidInput(
            "slug", f"{slug!r} must be lowercase letters, digits and single inner hyphens"
        )
    if len(slug) > _SLUG_MAX:
        raise InvalidInput("slug", f"is {len(slug)} characters long; the limit is {_SLUG_MAX}")
    return slug


def require_field_names(fields: tuple[str, ...]) -> tuple[str, ...]:
    """Detail field names go into the log, so they must be schema words, never data."""
    for name in fields:
        if not isinstance(name, str) or len(name) > _FIELD_NAME_MAX or not _FIELD_NAME.match(name):
            raise InvalidInput(
                "details",
                f"field name {name!r} must be a lowercase identifier of at most "
                f"{_FIELD_NAME_MAX} characters (e.g. name, email)",
            )
    if len(set(fields)) != len(fields):
        raise InvalidInput("details", "field names must be unique")
    return fields


def require_admin(actor: Actor, doing: str) -> None:
    if actor.role not in _ADMIN_ROLES:
        raise RuleViolation(
            f"only a council officer may {doing}; you act as {actor.role.value}", rule="permission"
        )


class Organisation(CoprodAggregate):
    """A council or a community group, and who acts for it."""

    class OrganisationRegistered(CoprodAggregate.Created):
        """An organisation was registered; its id derives from its slug."""

        slug: str
        kind: OrganisationKind
        display_name: str

    class MemberAdded(CoprodAggregate.Event):
        """A person now acts for the organisation in the given role."""

        person_id: UUID
        role: Role

    class MemberRemoved(CoprodAggregate.Event):
        """A person no longer acts for the organisation."""

        person_id: UUID

    @staticmethod
    def create_id(slug: str) -> UUID:
        return natural_id("organisation", slug)

    @event(OrganisationRegistered)
    def __init__(self, actor: Actor, slug: str, kind: OrganisationKind, display_name: str) -> None:
        self.slug = slug
        self.kind = kind
        self.display_name = display_name
        self.members: dict[UUID, Role] = {}
        #: Who registered it: a group's council is the one it works with (application.policy).
        self.registered_by: UUID | None = actor.organisation_id

    @classmethod
    def register(
        cls, actor: Actor, slug: str, kind: OrganisationKind, display_name: str
    ) -> Organisation:
        """Register an organisation; a council officer does it, once per slug."""
        require_admin(actor, "register an organisation")
        require_slug(slug)
        if not isinstance(kind, OrganisationKind):
            raise InvalidInput(
                "kind", f"{kind!r} is not one of {[k.value for k in OrganisationKind]}"
            )
        name = require_text("display_name", display_name, max_length=200)
        return cls(actor=actor, slug=slug, kind=kind, display_name=name)

    def add_member(self, actor: Actor, person_id: UUID, role: Role) -> None:
        """Add a member in a role that fits the organisation (officers to councils, ...)."""
        self._require_manager(actor, "add members")
        if person_id in self.members:
            raise RuleViolation(
                f"person {person_id} is already a member of {self.slug} "
                f"as {self.members[person_id].value}; remove them first to change the role",
                rule="already-member",
            )
        allowed = MEMBER_ROLES[self.kind]
        if role not in allowed:
            names = ", ".join(sorted(r.value for r in allowed))
            raise InvalidInput(
                "role", f"a {self.kind.value} cannot have a {role.value} member (only {names})"
            )
        self._add_member(actor=actor, person_id=person_id, role=role)

    @event(MemberAdded)
    def _add_member(self, actor: Actor, person_id: UUID, role: Role) -> None:
        self.members[person_id] = role

    def remove_member(self, actor: Actor, person_id: UUID) -> None:
        self._require_manager(actor, "remove members")
        if person_id not in self.members:
            raise RuleViolation(
                f"person {person_id} is not a member of {self.slug}", rule="not-a-member"
            )
        self._remove_member(actor=actor, person_id=person_id)

    @event(MemberRemoved)
    def _remove_member(self, actor: Actor, person_id: UUID) -> None:
        del self.members[person_id]

    def _require_manager(self, actor: Actor, doing: str) -> None:
        # A council officer manages any organisation; a group's own member manages the group.
        if actor.role in _ADMIN_ROLES:
            return
        if actor.role is Role.COMMUNITY_MEMBER and actor.organisation_id == self.id:
            return
        raise RuleViolation(
            f"only a council officer or a member of {self.slug} may {doing}", rule="permission"
        )


class Person(CoprodAggregate):
    """A person as the log knows them: an opaque id, and whether their data was erased.

    The names of the detail fields (``name``, ``email``) are recorded so that an erased
    person still shows every field, as "[removed]"; the values never enter the log.
    """

    class PersonRegistered(CoprodAggregate.Created):
        """A person became known to coprod; their details are kept outside the log."""

        person_id: UUID
        detail_fields: tuple[str, ...]

    class PersonalDataErased(CoprodAggregate.Event):
        """The person's details and key were destroyed; they now show as "[removed]"."""

    @staticmethod
    def create_id(person_id: UUID) -> UUID:
        return person_id

    @event(PersonRegistered)
    def __init__(self, actor: Actor, person_id: UUID, detail_fields: tuple[str, ...]) -> None:
        self.detail_fields = detail_fields
        self.erased = False
        #: The organisation that registered the person: it may see and erase the details.
        self.registered_by: UUID | None = actor.organisation_id

    @classmethod
    def register(cls, actor: Actor, person_id: UUID, detail_fields: tuple[str, ...] = ()) -> Person:
        """Register a person under a given id; evaluators and the public cannot."""
        if actor.role in _READ_ONLY_ROLES:
            raise RuleViolation(
                f"the {actor.role.value} role cannot register people", rule="permission"
            )
        fields = require_field_names(tuple(detail_fields))
        return cls(actor=actor, person_id=person_id, detail_fields=fields)

    def erase(self, actor: Actor) -> None:
        """Erase on the person's own request or by a writer; only once.

        Which organisation's writers may erase whom (the registering organisation and the
        council it works with) is the application's policy (coprod.application.policy).
        """
        if actor.id != self.id and actor.role not in _ADMIN_ROLES | {Role.COMMUNITY_MEMBER}:
            raise RuleViolation(
                f"the {actor.role.value} role cannot erase personal data", rule="permission"
            )
        if self.erased:
            raise RuleViolation(
                f"the personal data of person {self.id} was already erased", rule="already-erased"
            )
        self._erase(actor=actor)

    @event(PersonalDataErased)
    def _erase(self, actor: Actor) -> None:
        self.erased = True


keep_stored_topics("coprod.organisation", Organisation, Person)
