"""Whose council an aggregate is, looked up by id: the quarantine list's scope per officer."""

from __future__ import annotations

import uuid

from eventsourcing.persistence import StoredEvent

from coprod.application import SYSTEM_ACTOR, Coprod, policy
from coprod.application.attribution import CouncilLookup
from coprod.application.commands.people import RegisterOrganisation, RegisterPerson
from coprod.application.commands.processes import OpenProcess
from coprod.application.commands.proposals import SubmitIdea
from coprod.domain.organisation import OrganisationKind
from coprod.domain.values import Actor, Role

COUNCIL = OrganisationKind.COUNCIL
GROUP = OrganisationKind.COMMUNITY_GROUP


def test_an_aggregate_is_its_councils_through_process_and_registrar(app: Coprod) -> None:
    a = app.register_organisation(
        RegisterOrganisation(slug="council-a", kind=COUNCIL, display_name="A"), SYSTEM_ACTOR
    ).aggregate_id
    b = app.register_organisation(
        RegisterOrganisation(slug="council-b", kind=COUNCIL, display_name="B"), SYSTEM_ACTOR
    ).aggregate_id
    officer_a = Actor(uuid.uuid4(), Role.COUNCIL_OFFICER, a)
    officer_b = Actor(uuid.uuid4(), Role.COUNCIL_OFFICER, b)
    process = app.open_process(
        OpenProcess(council_id=a, code="pb-a", name="PB A", currency="DKK"), officer_a
    ).aggregate_id
    group = app.register_organisation(
        RegisterOrganisation(slug="lake", kind=GROUP, display_name="Lake"), officer_a
    ).aggregate_id
    member = Actor(uuid.uuid4(), Role.COMMUNITY_MEMBER, group)
    idea = app.submit_idea(
        SubmitIdea(process_id=process, title="Lamps", description="Lamps on the path"), member
    ).aggregate_id
    person = app.register_person(RegisterPerson(details={"name": "Bo"}), member).aggregate_id
    lookup = CouncilLookup(app)
    for aggregate in (a, process, group, idea, person):
        assert lookup.owner(aggregate) == a, aggregate
    assert lookup.owner(b) == b
    assert lookup.owner(uuid.uuid4()) is policy.UNKNOWN  # nothing stored under it
    # An event whose state does not decode names no council.
    broken = uuid.uuid4()
    topic = "coprod.proposal:Proposal.IdeaSubmitted"
    app.recorder.insert_events([StoredEvent(broken, 1, topic, b"\xff not json")])
    assert lookup.owner(broken) is policy.UNKNOWN

    ids = [str(x) for x in (process, idea, b, broken)] + ["not-an-id"]
    assert lookup.visible_to(officer_a, ids) == {str(process), str(idea)}
    assert lookup.visible_to(officer_b, ids) == {str(b)}
    assert lookup.visible_to(SYSTEM_ACTOR, ids) == set(ids)
    assert lookup.visible_to(Actor(uuid.uuid4(), Role.EVALUATOR, a), ids) == set()


def test_the_systems_own_facts_are_listed_for_every_officer_and_unknowns_for_none() -> None:
    a, b = uuid.uuid4(), uuid.uuid4()
    officer_a = Actor(uuid.uuid4(), Role.COUNCIL_OFFICER, a)
    assert policy.sees_quarantined(officer_a, a)
    assert not policy.sees_quarantined(officer_a, b)
    assert policy.sees_quarantined(officer_a, None)  # no council: shared, as in exports
    assert not policy.sees_quarantined(officer_a, policy.UNKNOWN)
    assert policy.sees_quarantined(SYSTEM_ACTOR, policy.UNKNOWN)
    for role in (Role.EVALUATOR, Role.COMMUNITY_MEMBER, Role.PUBLIC):
        assert not policy.sees_quarantined(Actor(uuid.uuid4(), role, a), a), role
