"""The organisations read model, on both stores: a council's groups with their members now
(added, removed, added again), and whose council each registrar is; another council's groups
and councils themselves are not listed."""

from __future__ import annotations

import uuid

from coprod.adapters.config import parse_database_url
from coprod.application import Coprod
from coprod.application.base import SYSTEM_ACTOR
from coprod.application.commands.people import (
    AddMember,
    RegisterOrganisation,
    RegisterPerson,
    RemoveMember,
)
from coprod.domain.organisation import OrganisationKind
from coprod.domain.values import Actor, Role
from projections.organisations import groups_of
from projections.registry import Projector
from projections.store import Connection


def _org(app: Coprod, slug: str, kind: OrganisationKind, by: Actor) -> uuid.UUID:
    command = RegisterOrganisation(slug=slug, kind=kind, display_name=slug.title())
    return app.register_organisation(command, by).aggregate_id


def test_a_councils_groups_and_their_members_now(store_app: Coprod, store_url: str) -> None:
    council = _org(store_app, "nordby", OrganisationKind.COUNCIL, SYSTEM_ACTOR)
    other = _org(store_app, "sydby", OrganisationKind.COUNCIL, SYSTEM_ACTOR)
    officer = Actor(uuid.uuid4(), Role.COUNCIL_OFFICER, council)
    stranger = Actor(uuid.uuid4(), Role.COUNCIL_OFFICER, other)
    park = _org(store_app, "park-friends", OrganisationKind.COMMUNITY_GROUP, officer)
    allotment = _org(store_app, "allotments", OrganisationKind.COMMUNITY_GROUP, officer)
    _org(store_app, "sydby-choir", OrganisationKind.COMMUNITY_GROUP, stranger)
    people = [
        store_app.register_person(RegisterPerson(details={"name": n}), officer).aggregate_id
        for n in ("Ib", "Ea", "Bo")
    ]
    for person in people:
        store_app.add_member(
            AddMember(organisation_id=park, person_id=person, role=Role.COMMUNITY_MEMBER), officer
        )
    store_app.remove_member(RemoveMember(organisation_id=park, person_id=people[1]), officer)
    store_app.remove_member(RemoveMember(organisation_id=park, person_id=people[2]), officer)
    store_app.add_member(
        AddMember(organisation_id=park, person_id=people[2], role=Role.COMMUNITY_MEMBER), officer
    )
    with Projector(store_app, models=["organisations"]) as projector:
        projector.catch_up()

    with Connection(parse_database_url(store_url)) as conn:
        groups = groups_of(conn, registrar=council)
        one = groups_of(conn, organisation=park)
        none = groups_of(conn, organisation=council)  # a council is no community group
    assert [g.slug for g in groups] == ["allotments", "park-friends"]  # by name
    assert [g.id for g in groups] == [allotment, park]
    friends = groups[1]
    assert friends.members == {people[0]: Role.COMMUNITY_MEMBER, people[2]: Role.COMMUNITY_MEMBER}
    assert friends.registered_by == council
    assert friends.council == council
    assert groups[0].members == {}
    assert one == [friends]
    assert none == []
