"""One authorisation policy for every door (HTTP, CLI, web pages): who may see and do what.

The functions here are pure: they take the :class:`~coprod.domain.values.Actor` a use case received
and facts about the loaded aggregates (whose council, who registered whom), and either return
or raise. ``NotAllowed`` (HTTP 403) means "you may see this but not do that"; ``NotVisible``
(HTTP 404, a :class:`~coprod.domain.errors.NotFound`) means "this is private to someone else", so an
id of another organisation's private object answers exactly as an unknown id.

The rules (issue 11, item 5):

* a council officer acts only on their own council's processes and projects, and on the
  groups that work with that council (registered by it);
* a commitment or contribution is private to its group, the officers of the council running
  its project, and that council's evaluators; only such an officer marks a commitment met
  (which is what verifies its in-kind value) or verifies a contribution;
* member lists are visible to the organisation itself and to the council it works with;
* a council officer invites people to sign in into their own council and into the groups
  it registered (:func:`may_invite`);
* API keys of an organisation are created, listed and revoked by its own officers only
  (:func:`may_manage_keys`): a key acts as its organisation, so no one else hands one out;
* a person's details are visible to the person and the organisation that registered them;
  those, and the officers of the council that organisation works with, may erase the
  details or add the person to a group; nobody can name a person hidden from them;
* an evaluator key reads the whole history of the council that issued it, and nothing of
  other councils; the live impact report and timelines with who acted are for that
  council's officers and evaluators (:func:`reads_full_history`), everyone else reads the
  public views;
* ballots are cast and releases published by an officer of the process's council; a
  resident casts their own ballot with a valid voting code of that process
  (:func:`may_cast_ballot`), and only such an officer makes the codes; a paper ballot
  counts once an officer other than the one who entered it checked it
  (:func:`may_check_paper_ballot`);
* the read models' quarantine list shows an officer the events of their own council and of
  the system's own facts (:func:`sees_quarantined`).

The system actor (imports, the demo, the server's own CLI) passes every check.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from uuid import UUID

from coprod.domain.errors import NotAllowed, NotVisible
from coprod.domain.organisation import OrganisationKind
from coprod.domain.values import Actor, Role

__all__ = [
    "UNKNOWN",
    "CouncilScope",
    "Registration",
    "council_officer_of",
    "group_work_scope",
    "may_cast_ballot",
    "may_change_idea",
    "may_check_paper_ballot",
    "may_confirm_milestone",
    "may_erase_person",
    "may_invite",
    "may_load_parameters",
    "may_make_commitment",
    "may_manage_keys",
    "may_manage_members",
    "may_mark_commitment",
    "may_open_process",
    "may_verify_contribution",
    "members_visible",
    "needs_council",
    "officer_acts_for",
    "owner_of_first",
    "reads_full_history",
    "require_group_visible",
    "require_person_known",
    "require_person_visible",
    "sees_quarantined",
]


def _system(actor: Actor) -> bool:
    return actor.role is Role.SYSTEM


def needs_council(actor: Actor) -> bool:
    """Whether a check on a group's object needs the council of its project.

    Only officers and evaluators are judged by council; use cases skip loading the project
    and process for anyone else (one load per request, and none when it cannot matter).
    """
    return actor.role in (Role.COUNCIL_OFFICER, Role.EVALUATOR)


def council_officer_of(actor: Actor, council_id: UUID, what: str) -> None:
    """An officer acts only on what their own council runs (403 otherwise: it is public)."""
    if _system(actor):
        return
    if actor.role is not Role.COUNCIL_OFFICER:
        raise NotAllowed(f"only a council officer may do this; this key is {actor.role.value}")
    if actor.organisation_id != council_id:
        raise NotAllowed(
            f"{what} is run by another council; this key acts for organisation "
            f"{actor.organisation_id}"
        )


def officer_acts_for(actor: Actor, council_id: UUID, what: str) -> None:
    """A council officer acts only on what their own council runs (403: it is public).

    Other roles pass here: whether they may do the act at all is the domain's own rule
    (which names the act), applied right after by the aggregate.
    """
    if actor.role is Role.COUNCIL_OFFICER:
        council_officer_of(actor, council_id, what)


def may_cast_ballot(
    actor: Actor,
    council_id: UUID,
    what: str,
    *,
    code_valid: bool | None = None,
    invited: bool = False,
) -> None:
    """Who casts a ballot: an officer of the process's council (the council's own front end,
    paper ballots), a resident holding a voting code issued for this process, or a resident
    the council invited (``invited``: signed in through the council's invitation).

    The code is the resident's eligibility: ``code_valid`` says whether the code they gave
    was issued for this process (None: no code was given). An unknown code and a code of
    another process are refused alike, so a refusal says nothing about which codes exist.
    An invited resident is eligible in the processes of the council that invited them only;
    their ballot's pseudonym derives from who they are, so they cast one.
    """
    if actor.role is Role.RESIDENT and code_valid is not None:
        if not code_valid:
            raise NotAllowed(
                f"this voting code does not open the vote of {what}", rule="voting-code"
            )
        return
    if actor.role is Role.RESIDENT and invited:
        if actor.organisation_id != council_id:
            raise NotAllowed(
                f"another council invited this resident; they cannot vote in {what}",
                rule="invitation",
            )
        return
    council_officer_of(actor, council_id, what)


def may_check_paper_ballot(actor: Actor, council_id: UUID, what: str, entered_by: UUID) -> None:
    """A paper ballot counts once a second officer of the process's council checked it: the
    officer who typed it in may not confirm or discard their own entry (four eyes)."""
    council_officer_of(actor, council_id, what)
    if not _system(actor) and actor.id == entered_by:
        raise NotAllowed(
            "a second officer must check this paper ballot; whoever entered it cannot",
            rule="four-eyes",
        )


def may_load_parameters(actor: Actor, council_id: UUID) -> None:
    """Census shares and volunteer rates are a council's own: another council's officer is
    refused (403), since a load would change that council's impact figures. Other roles
    pass here; the domain refuses anyone but an officer, naming the act."""
    if actor.role is Role.COUNCIL_OFFICER and actor.organisation_id != council_id:
        raise NotAllowed(
            f"the reference parameters of council {council_id} are another council's; "
            f"this key acts for organisation {actor.organisation_id}"
        )


def reads_full_history(actor: Actor | None, council_id: UUID) -> bool:
    """Whether this caller reads a process's full history (the live impact report at any
    as-of, timelines with who acted): the officers and evaluators of the council running
    it, since an evaluator key is scoped to the council that issued it. Everyone else reads
    the public views (releases, timelines without actors); it is not a refusal."""
    if actor is None:
        return False
    if _system(actor):
        return True
    return (
        actor.role in (Role.COUNCIL_OFFICER, Role.EVALUATOR) and actor.organisation_id == council_id
    )


def may_change_idea(
    actor: Actor,
    proposal_id: UUID,
    submitted_by: UUID | None,
    submitter_id: UUID,
    council: UUID,
    process_id: UUID,
) -> None:
    """An idea is changed by its submitter, their organisation or an officer of the
    process's council; nobody else."""
    if _system(actor) or actor.id == submitter_id:
        return
    if actor.role is Role.COUNCIL_OFFICER:
        council_officer_of(actor, council, f"process {process_id}")
        return
    if actor.role is Role.COMMUNITY_MEMBER:
        if actor.organisation_id != submitted_by:
            raise NotAllowed(
                f"proposal {proposal_id} was submitted by another organisation; only it or an "
                "officer of the council may change it"
            )
        return
    raise NotAllowed(f"the {actor.role.value} role cannot change another's idea")


def may_open_process(actor: Actor, council_id: UUID) -> None:
    """An officer opens processes for their own council only."""
    if actor.role is Role.COUNCIL_OFFICER and actor.organisation_id != council_id:
        raise NotAllowed(
            f"an officer opens processes only for their own council; this key acts for "
            f"organisation {actor.organisation_id}, not {council_id}"
        )


def require_group_visible(
    actor: Actor, kind: str, ident: UUID, group_id: UUID, council_id: UUID | None
) -> None:
    """A group's commitment or contribution: its group, and its project's council's officers
    and evaluators; hidden (404) from everyone else.

    ``council_id`` is the council running the project; it may be None when
    :func:`needs_council` says the actor's role does not depend on it.
    """
    if _system(actor):
        return
    if actor.role is Role.COMMUNITY_MEMBER and actor.organisation_id == group_id:
        return
    if needs_council(actor) and council_id is not None and actor.organisation_id == council_id:
        return
    raise NotVisible(kind, ident)


def may_make_commitment(
    actor: Actor, group_id: UUID, project_id: UUID, council_id: UUID | None
) -> None:
    """A member pledges for their own group; an officer records a pledge only on a project of
    their own council (the group then takes part in it)."""
    if _system(actor):
        return
    if actor.role is Role.COMMUNITY_MEMBER:
        if actor.organisation_id != group_id:
            raise NotAllowed(
                "a community member makes commitments only for their own group", rule="own-group"
            )
        return
    if actor.role is Role.COUNCIL_OFFICER and council_id is not None:
        council_officer_of(actor, council_id, f"project {project_id}")
        return
    raise NotAllowed(f"the {actor.role.value} role cannot make a commitment")


def may_mark_commitment(
    actor: Actor, commitment_id: UUID, group_id: UUID, council_id: UUID | None, *, met: bool
) -> None:
    """Met: only an officer of the project's council (it certifies the pledge, in-kind value
    included). Lapsed: the group itself or such an officer. Others' commitments stay hidden."""
    if actor.role is Role.EVALUATOR:
        raise NotAllowed("the evaluator role is read-only")
    require_group_visible(actor, "commitment", commitment_id, group_id, council_id)
    if met and actor.role is Role.COMMUNITY_MEMBER:
        raise NotAllowed(
            "only an officer of the process's council may mark a commitment met; a group "
            "cannot certify its own pledge"
        )


def may_verify_contribution(
    actor: Actor, contribution_id: UUID, group_id: UUID, council_id: UUID | None
) -> None:
    """Only an officer of the project's council verifies or disputes logged work: others'
    logs stay hidden here, and the domain refuses every role but an officer's."""
    require_group_visible(actor, "contribution", contribution_id, group_id, council_id)


def group_work_scope(actor: Actor, group_id: UUID) -> UUID | None:
    """Which of a group's commitments and logs a list may show this caller: all of them
    (None) to the group itself and the system; to an officer or evaluator, those on their
    own council's projects (the council's id), as for a single one (:func:`require_group_visible`);
    to anyone else none: the list is hidden (404), as another group's commitment is."""
    if _system(actor) or (
        actor.role is Role.COMMUNITY_MEMBER and actor.organisation_id == group_id
    ):
        return None
    if needs_council(actor) and actor.organisation_id is not None:
        return actor.organisation_id
    raise NotVisible("organisation's commitments", group_id)


def may_confirm_milestone(
    actor: Actor, commitment_id: UUID, group_id: UUID, council_id: UUID | None, *, lapsed: bool
) -> None:
    """A milestone is confirmed by a group that pledged to the project (DOMAIN.md §2: groups
    confirm milestones) through its own commitment, or by an officer of the project's
    council; others' commitments stay hidden, a lapsed pledge confirms nothing, and the
    evaluator's key is read-only."""
    if actor.role is Role.EVALUATOR:
        raise NotAllowed("the evaluator role is read-only")
    require_group_visible(actor, "commitment", commitment_id, group_id, council_id)
    if lapsed and actor.role is Role.COMMUNITY_MEMBER:
        raise NotAllowed(
            f"commitment {commitment_id} has lapsed: the group no longer takes part in the "
            "project, so it cannot confirm its milestones"
        )


@dataclass(frozen=True)
class Registration:
    """Who registered an organisation or a person, and the council that registrar works with.

    ``by`` is the registering organisation (None for the system); ``council`` is that
    organisation if it is a council, else the council that registered the group.
    """

    by: UUID | None
    council: UUID | None


def members_visible(actor: Actor | None, organisation_id: UUID, registration: Registration) -> bool:
    """A member list is for the organisation itself and the council it works with."""
    if actor is None:
        return False
    if _system(actor) or actor.organisation_id == organisation_id:
        return True
    return actor.role is Role.COUNCIL_OFFICER and actor.organisation_id in (
        registration.by,
        registration.council,
    )


def may_manage_members(
    actor: Actor, organisation_id: UUID, slug: str, registration: Registration
) -> None:
    """An organisation manages itself; a council's officers, the groups that work with it.

    Organisations are public, so another council's group is a 403, not a hidden 404.
    """
    if _system(actor) or actor.organisation_id == organisation_id:
        return
    if actor.role is Role.COUNCIL_OFFICER and actor.organisation_id == registration.by:
        return
    raise NotAllowed(f"this key may not manage the members of {slug}")


def may_invite(actor: Actor, organisation_id: UUID, slug: str, registration: Registration) -> None:
    """Who may invite a person to sign in for an organisation: a council officer, into their
    own council (officers, evaluators, residents) and into the groups their council
    registered (members); exactly those whose members they manage. Anyone else is refused
    (403): an invitation hands out a session, so a group cannot widen itself.
    """
    if _system(actor):
        return
    if actor.role is not Role.COUNCIL_OFFICER:
        raise NotAllowed(f"only a council officer may invite people; this is {actor.role.value}")
    may_manage_members(actor, organisation_id, slug, registration)


def may_manage_keys(actor: Actor, organisation_id: UUID) -> None:
    """Who may create, list and revoke an organisation's API keys: a council officer of
    that very organisation (and the system, for the server's own CLI). A key acts as its
    organisation with no person behind it, so nobody else may hand one out (403)."""
    if _system(actor):
        return
    if actor.role is not Role.COUNCIL_OFFICER:
        raise NotAllowed(f"only a council officer may manage API keys; this is {actor.role.value}")
    if actor.organisation_id != organisation_id:
        raise NotAllowed(
            f"the API keys of organisation {organisation_id} are another organisation's; "
            f"this session acts for {actor.organisation_id}"
        )


def _writer_of_registrar(actor: Actor, registration: Registration) -> bool:
    return (
        actor.role in (Role.COUNCIL_OFFICER, Role.COMMUNITY_MEMBER)
        and actor.organisation_id is not None
        and actor.organisation_id == registration.by
    )


def require_person_visible(actor: Actor, person_id: UUID, registration: Registration) -> None:
    """A person's details: for the person and the organisation that registered them (the one
    with a reason to process them); anyone else gets 404, as for an unknown id."""
    if _system(actor) or actor.id == person_id or _writer_of_registrar(actor, registration):
        return
    raise NotVisible("person", person_id)


def require_person_known(actor: Actor, person_id: UUID, registration: Registration) -> None:
    """Who may name a person in a command (add them to a group, erase them): those who see
    them, and an officer of the council their registrar works with, who sees the group's
    member list. Anyone else gets 404, so no command is an existence oracle."""
    if actor.role is Role.COUNCIL_OFFICER and actor.organisation_id == registration.council:
        return
    require_person_visible(actor, person_id, registration)


def may_erase_person(actor: Actor, person_id: UUID, registration: Registration) -> None:
    """Erasure: the person, the organisation that registered them, and an officer of the
    council that organisation works with; read-only roles never; anyone else sees nothing."""
    if actor.role in (Role.EVALUATOR, Role.PUBLIC):
        raise NotAllowed(f"the {actor.role.value} role is read-only")
    require_person_known(actor, person_id, registration)


#: Marks an aggregate whose council cannot be told (its first event unseen or undecodable).
UNKNOWN: object = object()


def owner_of_first(event: object, owner: Callable[[UUID], object]) -> object:
    """Whose history an aggregate is, from its first event: a council id, None for the
    system's own facts, or :data:`UNKNOWN`.

    A process, census or rates table names its ``council_id``; an idea, ballot, decision or
    project is its process's (``owner(process_id)``); a commitment or contribution its
    project's; a council is its own; another organisation or a person is the registering
    organisation's (a group belongs to the council that registered it). An event naming no
    actor is misshapen (every event names one): UNKNOWN, never the system's.
    """
    for name in ("council_id", "process_id", "project_id"):
        value = getattr(event, name, None)
        if isinstance(value, UUID):
            return value if name == "council_id" else owner(value)
    if hasattr(event, "slug") and getattr(event, "kind", None) is OrganisationKind.COUNCIL:
        return getattr(event, "originator_id", None)  # a council is its own
    actor = getattr(event, "actor", None)
    if not isinstance(actor, Actor):
        return UNKNOWN  # every event names its actor: this one is misshapen
    registrar = actor.organisation_id
    if registrar is None:
        return None
    found = owner(registrar)
    return registrar if found is UNKNOWN else found


def sees_quarantined(actor: Actor, owner: object) -> bool:
    """Whether an officer's quarantine list shows an event of an aggregate owned by `owner`.

    The list names events and their error, and an error message may echo a value, so it
    follows the evaluator's reach (:class:`CouncilScope`): the officer's own council's
    events, and the system's own facts (no council), which every council shares. An event
    whose council cannot be told (its aggregate's first event does not decode, or is not
    stored) is shown to no officer: it could be any council's, and guessing would show it
    to the wrong one. The server's operator sees every entry (``coprod project --status``),
    and /health counts them all, so none goes unnoticed.
    """
    if _system(actor):
        return True
    if actor.role is not Role.COUNCIL_OFFICER or owner is UNKNOWN:
        return False
    return owner is None or owner == actor.organisation_id


class CouncilScope:
    """Which events of the log belong to one council's history: an evaluator key's reach.

    Fed the events in log order (as an export reads them), it learns from each aggregate's
    first event whose it is (:func:`owner_of_first`). Facts of the system itself (no
    council) are shared by everyone; an aggregate whose first event was never seen is left
    out.
    """

    def __init__(self, council_id: UUID | None) -> None:
        self.council_id = council_id
        self._owner: dict[UUID, object] = {}

    def includes(self, event: object) -> bool:
        """Whether this event is part of the council's history (call in log order)."""
        originator = getattr(event, "originator_id", None)
        if not isinstance(originator, UUID):
            return False
        if getattr(event, "originator_version", None) == 1:
            self._owner[originator] = owner_of_first(event, self._known)
        owner = self._owner.get(originator, UNKNOWN)
        return owner is None or owner == self.council_id

    def _known(self, aggregate_id: UUID) -> object:
        return self._owner.get(aggregate_id, UNKNOWN)
