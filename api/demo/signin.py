"""Sign-in links for the demo: its council officer, and a volunteer of a group with commitments.

Why: someone trying ``coprod serve --demo`` should see the officer's console and a group's
phone pages without making an invitation first. The people are the demo's own (registered
through the people use cases), found in the store from the seed's fixed slugs, so links can
be printed again on every start, also when the demo was seeded before.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from api.demo.data import GROUPS
from api.invitations import InvitationStore, NewInvitation, invitation_url
from coprod.application import Coprod
from coprod.domain.organisation import Organisation
from coprod.domain.values import Role

__all__ = ["DemoInvitation", "demo_invitations"]


@dataclass(frozen=True)
class DemoInvitation:
    """One printed link: whom it signs in as, and the invitation."""

    who: str
    organisation_name: str
    new: NewInvitation

    def url(self, base_url: str) -> str:
        return invitation_url(base_url, self.new.token)


def _member(app: Coprod, organisation_id: UUID, role: Role) -> UUID | None:
    members = app.load(Organisation, organisation_id).members
    return next((person for person, held in members.items() if held is role), None)


def demo_invitations(app: Coprod, seed: int, store: InvitationStore) -> list[DemoInvitation]:
    """Fresh invitations for the demo officer and the first group's contact (whose group
    commits to the demo's first project), or none when this seed's demo is not in the store."""
    council = Organisation.create_id(slug=f"demo-council-{seed}")
    group = Organisation.create_id(slug=f"{GROUPS[0][0]}-{seed}")
    if not app.exists(council) or not app.exists(group):
        return []
    made = []
    for who, organisation_id, role in (
        ("officer", council, Role.COUNCIL_OFFICER),
        ("volunteer", group, Role.COMMUNITY_MEMBER),
    ):
        person = _member(app, organisation_id, role)
        if person is None:
            continue
        name = app.load(Organisation, organisation_id).display_name
        made.append(DemoInvitation(who, name, store.create(organisation_id, role, person)))
    return made
