"""Who may invite a person to sign in (coprod.application.policy.may_invite)."""

from __future__ import annotations

import uuid

import pytest

from coprod.application.policy import Registration, may_invite
from coprod.domain.errors import NotAllowed
from coprod.domain.values import Actor, Role

COUNCIL = uuid.uuid4()
OTHER_COUNCIL = uuid.uuid4()
GROUP = uuid.uuid4()
#: The group was registered by COUNCIL.
BY_COUNCIL = Registration(COUNCIL, COUNCIL)


def test_an_officer_invites_into_their_council_and_its_groups() -> None:
    officer = Actor(uuid.uuid4(), Role.COUNCIL_OFFICER, COUNCIL)
    may_invite(officer, COUNCIL, "nordby", Registration(None, None))
    may_invite(officer, GROUP, "park-friends", BY_COUNCIL)


def test_another_councils_officer_is_refused() -> None:
    stranger = Actor(uuid.uuid4(), Role.COUNCIL_OFFICER, OTHER_COUNCIL)
    with pytest.raises(NotAllowed, match="park-friends"):
        may_invite(stranger, GROUP, "park-friends", BY_COUNCIL)
    with pytest.raises(NotAllowed):
        may_invite(stranger, COUNCIL, "nordby", Registration(None, None))


@pytest.mark.parametrize(
    "role", [Role.COMMUNITY_MEMBER, Role.EVALUATOR, Role.RESIDENT, Role.PUBLIC]
)
def test_only_officers_invite_even_into_their_own_organisation(role: Role) -> None:
    own = GROUP if role is Role.COMMUNITY_MEMBER else COUNCIL
    with pytest.raises(NotAllowed, match="only a council officer"):
        may_invite(Actor(uuid.uuid4(), role, own), own, "own", BY_COUNCIL)


def test_the_system_invites_anyone() -> None:
    may_invite(Actor(uuid.uuid4(), Role.SYSTEM, None), GROUP, "park-friends", BY_COUNCIL)
