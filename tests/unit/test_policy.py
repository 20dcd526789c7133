"""The authorisation policy on its own, without HTTP: each rule of issue 11, item 5."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from uuid import UUID

import pytest

from coprod.application import policy
from coprod.application.policy import CouncilScope, Registration
from coprod.domain.errors import NotAllowed, NotFound, NotVisible, RuleViolation
from coprod.domain.organisation import OrganisationKind
from coprod.domain.values import Actor, Role

A, B = uuid.uuid4(), uuid.uuid4()  # two councils
G, H = uuid.uuid4(), uuid.uuid4()  # G works with A, H with B
OFFICER_A = Actor(uuid.uuid4(), Role.COUNCIL_OFFICER, A)
OFFICER_B = Actor(uuid.uuid4(), Role.COUNCIL_OFFICER, B)
MEMBER_G = Actor(uuid.uuid4(), Role.COMMUNITY_MEMBER, G)
MEMBER_H = Actor(uuid.uuid4(), Role.COMMUNITY_MEMBER, H)
EVALUATOR_A = Actor(uuid.uuid4(), Role.EVALUATOR, A)
EVALUATOR_B = Actor(uuid.uuid4(), Role.EVALUATOR, B)
SYSTEM = Actor(uuid.uuid4(), Role.SYSTEM)
ITEM = uuid.uuid4()


def test_an_officer_acts_only_on_their_own_councils_process() -> None:
    policy.council_officer_of(OFFICER_A, A, "process P")
    policy.council_officer_of(SYSTEM, A, "process P")
    with pytest.raises(NotAllowed, match="process P is run by another council"):
        policy.council_officer_of(OFFICER_B, A, "process P")
    with pytest.raises(NotAllowed, match="only a council officer"):
        policy.council_officer_of(MEMBER_G, A, "process P")


def test_a_groups_object_is_for_the_group_and_its_projects_council() -> None:
    for actor in (MEMBER_G, OFFICER_A, EVALUATOR_A, SYSTEM):
        policy.require_group_visible(actor, "commitment", ITEM, G, A)
    for actor in (MEMBER_H, OFFICER_B, EVALUATOR_B):
        with pytest.raises(NotVisible, match="no commitment with id") as err:
            policy.require_group_visible(actor, "commitment", ITEM, G, A)
        assert isinstance(err.value, NotFound)  # the API answers it as an unknown id
    assert not policy.needs_council(MEMBER_G)
    assert policy.needs_council(OFFICER_A)
    assert policy.needs_council(EVALUATOR_A)


def test_commitments_are_made_for_ones_own_group_or_on_ones_own_councils_project() -> None:
    policy.may_make_commitment(MEMBER_G, G, ITEM, None)
    policy.may_make_commitment(OFFICER_A, G, ITEM, A)
    with pytest.raises(NotAllowed, match="only for their own group") as err:
        policy.may_make_commitment(MEMBER_H, G, ITEM, None)
    assert err.value.rule == "own-group"
    # The measured bug: council B's officer pledging council A's group on A's project.
    with pytest.raises(NotAllowed, match="is run by another council"):
        policy.may_make_commitment(OFFICER_B, G, ITEM, A)
    with pytest.raises(NotAllowed, match="evaluator role cannot"):
        policy.may_make_commitment(EVALUATOR_A, G, ITEM, A)


def test_only_the_councils_officer_marks_a_commitment_met() -> None:
    policy.may_mark_commitment(OFFICER_A, ITEM, G, A, met=True)
    with pytest.raises(NotAllowed, match="a group cannot certify its own pledge") as err:
        policy.may_mark_commitment(MEMBER_G, ITEM, G, None, met=True)
    assert isinstance(err.value, RuleViolation)
    assert err.value.rule == "permission"
    policy.may_mark_commitment(MEMBER_G, ITEM, G, None, met=False)  # lapsing is the group's too
    with pytest.raises(NotVisible):
        policy.may_mark_commitment(OFFICER_B, ITEM, G, A, met=True)
    with pytest.raises(NotAllowed, match="read-only"):
        policy.may_mark_commitment(EVALUATOR_A, ITEM, G, A, met=False)


def test_contributions_are_verified_on_the_councils_own_projects() -> None:
    policy.may_verify_contribution(OFFICER_A, ITEM, G, A)
    with pytest.raises(NotVisible, match="no contribution"):
        policy.may_verify_contribution(OFFICER_B, ITEM, G, A)


G_BY_A = Registration(by=A, council=A)  # group G, registered by council A


def test_member_lists_are_for_the_group_and_the_council_it_works_with() -> None:
    assert policy.members_visible(MEMBER_G, G, G_BY_A)
    assert policy.members_visible(OFFICER_A, G, G_BY_A)
    assert policy.members_visible(SYSTEM, G, G_BY_A)
    for actor in (OFFICER_B, MEMBER_H, EVALUATOR_B, None):
        assert not policy.members_visible(actor, G, G_BY_A), actor
    # A council's own list: its own keys only.
    assert policy.members_visible(EVALUATOR_A, A, Registration(None, None))
    assert not policy.members_visible(OFFICER_B, A, Registration(None, None))


def test_members_are_managed_by_the_group_and_its_council() -> None:
    policy.may_manage_members(MEMBER_G, G, "g", G_BY_A)
    policy.may_manage_members(OFFICER_A, G, "g", G_BY_A)
    for actor in (OFFICER_B, MEMBER_H):
        with pytest.raises(NotAllowed, match="may not manage the members of g"):
            policy.may_manage_members(actor, G, "g", G_BY_A)


BY_G = Registration(by=G, council=A)  # a person registered by group G (which works with A)
BY_A = Registration(by=A, council=A)  # a person registered by council A's officer


def test_details_are_for_the_person_and_their_registrar() -> None:
    person = uuid.uuid4()
    policy.require_person_visible(MEMBER_G, person, BY_G)
    policy.require_person_visible(Actor(person, Role.RESIDENT), person, BY_G)
    for actor in (OFFICER_A, OFFICER_B, MEMBER_H, EVALUATOR_A):
        with pytest.raises(NotVisible, match="no person with id"):
            policy.require_person_visible(actor, person, BY_G)


def test_a_group_cannot_name_a_person_hidden_from_it() -> None:
    person = uuid.uuid4()
    with pytest.raises(NotVisible):  # not an existence oracle: the same as an unknown id
        policy.require_person_known(MEMBER_G, person, BY_A)
    policy.require_person_known(MEMBER_G, person, BY_G)
    policy.require_person_known(OFFICER_A, person, BY_G)  # the council it works with
    with pytest.raises(NotVisible):
        policy.require_person_known(OFFICER_B, person, BY_G)


def test_erasure_by_the_registrar_its_council_and_the_person() -> None:
    person = uuid.uuid4()
    for actor in (MEMBER_G, OFFICER_A, Actor(person, Role.RESIDENT), SYSTEM):
        policy.may_erase_person(actor, person, BY_G)
    for actor in (OFFICER_B, MEMBER_H, Actor(uuid.uuid4(), Role.RESIDENT)):
        with pytest.raises(NotVisible):
            policy.may_erase_person(actor, person, BY_G)
    with pytest.raises(NotAllowed, match="evaluator role is read-only"):
        policy.may_erase_person(EVALUATOR_A, person, BY_G)


# -- the evaluator's council scope --------------------------------------------------------------


@dataclass
class Event:
    """Just the attributes the scope reads, as the log's events carry them."""

    originator_id: UUID
    originator_version: int
    actor: Actor
    timestamp: datetime = field(default_factory=lambda: datetime.now(UTC))


@dataclass
class Opened(Event):
    council_id: UUID = A


@dataclass
class OfProcess(Event):
    process_id: UUID = A


@dataclass
class OfProject(Event):
    project_id: UUID = A


@dataclass
class Registered(Event):
    slug: str = "x"
    kind: OrganisationKind = OrganisationKind.COMMUNITY_GROUP


def history() -> tuple[list[Event], dict[str, UUID]]:
    ids = {name: uuid.uuid4() for name in ("pa", "pb", "ia", "ib", "ja", "jb", "ca", "cb", "xa")}
    ids |= {"pers_g": uuid.uuid4(), "pers_h": uuid.uuid4(), "rates": uuid.uuid4()}
    log: list[Event] = [
        Registered(A, 1, SYSTEM, slug="a", kind=OrganisationKind.COUNCIL),
        Registered(B, 1, SYSTEM, slug="b", kind=OrganisationKind.COUNCIL),
        Registered(G, 1, OFFICER_A),
        Registered(H, 1, OFFICER_B),
        Opened(ids["pa"], 1, OFFICER_A, council_id=A),
        Opened(ids["pb"], 1, OFFICER_B, council_id=B),
        OfProcess(ids["ia"], 1, MEMBER_G, process_id=ids["pa"]),
        OfProcess(ids["ib"], 1, MEMBER_H, process_id=ids["pb"]),
        OfProcess(ids["ja"], 1, OFFICER_A, process_id=ids["pa"]),
        OfProcess(ids["jb"], 1, OFFICER_B, process_id=ids["pb"]),
        OfProject(ids["ca"], 1, MEMBER_G, project_id=ids["ja"]),
        OfProject(ids["cb"], 1, MEMBER_H, project_id=ids["jb"]),
        Event(ids["pers_g"], 1, MEMBER_G),  # a person registered by G
        Event(ids["pers_h"], 1, MEMBER_H),
        Event(ids["rates"], 1, SYSTEM),  # a fact of the system: shared
        Event(ids["ca"], 2, OFFICER_A),  # later events follow their aggregate
        Event(ids["cb"], 2, OFFICER_B),
        Event(ids["xa"], 3, OFFICER_A),  # first event never seen: left out
    ]
    return log, ids


def test_an_evaluator_key_reads_its_councils_history_and_nothing_else() -> None:
    log, ids = history()
    # One scope per key walks the whole log in order, learning each aggregate's council.
    scopes = {council: CouncilScope(council) for council in (A, B)}
    seen = {c: [e.originator_id for e in log if scopes[c].includes(e)] for c in (A, B)}
    a_side = [A, G, ids["pa"], ids["ia"], ids["ja"], ids["ca"], ids["pers_g"], ids["rates"]]
    assert seen[A] == [*a_side, ids["ca"]]
    b_side = [B, H, ids["pb"], ids["ib"], ids["jb"], ids["cb"], ids["pers_h"], ids["rates"]]
    assert seen[B] == [*b_side, ids["cb"]]
    assert not set(seen[A]) & (set(b_side) - {ids["rates"]})


def test_the_full_history_of_a_process_is_read_by_its_councils_officers_and_evaluators() -> None:
    """The live impact report and timelines with actors: council A's process here."""
    for reader in (OFFICER_A, EVALUATOR_A, SYSTEM):
        assert policy.reads_full_history(reader, A), reader
    for reader in (OFFICER_B, EVALUATOR_B, MEMBER_G, MEMBER_H, None):
        assert not policy.reads_full_history(reader, A), reader
    assert not policy.reads_full_history(Actor(uuid.uuid4(), Role.PUBLIC, A), A)


def test_an_idea_is_changed_by_its_submitters_organisation_or_its_council() -> None:
    idea, process, submitter = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    for actor in (MEMBER_G, OFFICER_A, SYSTEM, Actor(submitter, Role.RESIDENT)):
        policy.may_change_idea(actor, idea, G, submitter, A, process)
    with pytest.raises(NotAllowed, match="submitted by another organisation"):
        policy.may_change_idea(MEMBER_H, idea, G, submitter, A, process)
    with pytest.raises(NotAllowed, match=f"process {process} is run by another council"):
        policy.may_change_idea(OFFICER_B, idea, G, submitter, A, process)
    for actor in (EVALUATOR_A, Actor(uuid.uuid4(), Role.RESIDENT)):
        with pytest.raises(NotAllowed, match="cannot change another's idea"):
            policy.may_change_idea(actor, idea, G, submitter, A, process)


def test_officers_act_for_their_own_council_and_others_are_left_to_the_domain() -> None:
    policy.officer_acts_for(OFFICER_A, A, "process P")
    policy.officer_acts_for(MEMBER_G, A, "process P")  # the aggregate refuses with its own rule
    with pytest.raises(NotAllowed, match="process P is run by another council"):
        policy.officer_acts_for(OFFICER_B, A, "process P")


def test_an_officer_opens_processes_for_their_own_council_only() -> None:
    policy.may_open_process(OFFICER_A, A)
    policy.may_open_process(SYSTEM, B)
    with pytest.raises(NotAllowed, match="only for their own council"):
        policy.may_open_process(OFFICER_A, B)


def test_an_invited_resident_votes_only_in_the_inviting_councils_processes() -> None:
    resident_a = Actor(uuid.uuid4(), Role.RESIDENT, A)
    policy.may_cast_ballot(resident_a, A, "process P", invited=True)
    with pytest.raises(NotAllowed, match="another council invited") as refused:
        policy.may_cast_ballot(resident_a, B, "process P", invited=True)
    assert refused.value.rule == "invitation"
    # without the invitation path a resident (say, with a resident's API key) casts nothing
    with pytest.raises(NotAllowed, match="only a council officer"):
        policy.may_cast_ballot(resident_a, A, "process P")
    # "invited" makes no one else a voter: a group member is refused as before
    with pytest.raises(NotAllowed):
        policy.may_cast_ballot(MEMBER_G, A, "process P", invited=True)
