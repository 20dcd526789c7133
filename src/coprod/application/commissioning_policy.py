"""The authorisation rules of co-commissioning, beside :mod:`coprod.application.policy`.

The same kind of pure functions as the main policy (split off only to keep each module
readable): they take the acting :class:`~coprod.domain.values.Actor` and facts about the
tender, and return or raise :class:`~coprod.domain.errors.NotAllowed` (HTTP 403).

* a need, its sessions, the tender, the panel, opening, moderation, award and contract are
  an officer's acts, for their own council only (:func:`~coprod.application.policy.council_officer_of`);
* a panel member declares conflicts and scores as themself: nobody, not even an officer,
  scores in another member's name (:func:`may_act_as_member`);
* a bid comes from a member of the bidding organisation, or from an officer of the council
  recording a bid received on paper (:func:`may_submit_bid`).
"""

from __future__ import annotations

from uuid import UUID

from coprod.application.policy import council_officer_of
from coprod.domain.errors import NotAllowed
from coprod.domain.values import Actor, Role

__all__ = ["may_act_as_member", "may_submit_bid"]


def may_act_as_member(actor: Actor, member_id: UUID, what: str) -> UUID:
    """The member a declaration or a score is made as: always the actor themself."""
    if actor.role is Role.SYSTEM:
        return member_id
    if actor.role in (Role.EVALUATOR, Role.PUBLIC):
        raise NotAllowed(f"the {actor.role.value} role is read-only")
    if actor.id != member_id:
        raise NotAllowed(f"{what} is made by the panel member themself, not on their behalf")
    return member_id


def may_submit_bid(actor: Actor, bidder_id: UUID, council_id: UUID, what: str) -> None:
    """A bidder's own member, or an officer of the council recording a paper bid."""
    if actor.role is Role.SYSTEM:
        return
    if actor.role is Role.COUNCIL_OFFICER:
        council_officer_of(actor, council_id, what)
        return
    if actor.role in (Role.EVALUATOR, Role.PUBLIC) or actor.organisation_id != bidder_id:
        raise NotAllowed(f"a bid is submitted by a member of the bidding organisation {bidder_id}")
