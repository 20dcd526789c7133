"""``/console/members``: who is in a council's community groups, and adding and removing them.

A council officer sees the groups their council registered; a group's own member sees their
group. Which member lists are shown and who may change them is the one policy's
(:func:`coprod.application.policy.members_visible`, :func:`~coprod.application.policy.may_manage_members`),
and the changes go through the same use cases as ``POST/DELETE /organisations/{id}/members``:
``register_person`` (the name goes to the personal-data store, never into an event),
``add_member`` and ``remove_member``. A refused value is shown next to its field in the
reader's language, and nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from api.keys import Principal
from api.reads import ReadStore
from api.web.csrf import CsrfChecked
from api.web.deps import App, ReadModels
from api.web.i18n import N_
from api.web.render import render
from api.web.session import ROLE_NAMES, SignedIn
from coprod.application import Coprod, policy
from coprod.application.commands.people import AddMember, RegisterPerson, RemoveMember
from coprod.application.policy import Registration
from coprod.domain.errors import InvalidInput, NotAllowed, NotFound, RuleViolation
from coprod.domain.organisation import Organisation
from coprod.domain.values import Role
from projections.organisations import GroupRow, groups_of

__all__ = ["router"]

router = APIRouter()

FIELD_ERRORS = {
    "missing": N_("Give the new member's name, or the id of a person registered in coprod."),
    "both": N_("Give either a name or a person id, not both."),
    "name": N_("Give a name of at most 200 characters."),
    "person": N_("There is no registered person you can see with this id."),
    "already": N_("This person is already a member of the group."),
    "not_member": N_("This person is not a member of the group (any more)."),
}


@dataclass
class Form:
    """The add form one group's section re-shows after a refusal, with its errors."""

    group: str = ""
    name: str = ""
    person: str = ""
    errors: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Member:
    person_id: UUID
    role_name: str
    name: str | None


@dataclass(frozen=True)
class Group:
    """One group as the page shows it to this reader."""

    organisation: GroupRow
    members: list[Member] | None
    manage: bool
    invite: bool


def _may_see_page(principal: Principal) -> bool:
    return principal.role in (Role.COUNCIL_OFFICER, Role.COMMUNITY_MEMBER)


def _refused(request: Request) -> HTMLResponse:
    return render(request, "console_refused.html", {}, status_code=403)


def _allowed(check: Any, *args: Any) -> bool:
    try:
        check(*args)
    except NotAllowed:
        return False
    return True


def _groups(app: Coprod, reads: ReadStore, principal: Principal) -> list[Group]:
    """The groups this reader works with, each with what the policy lets them see and do.

    From the organisations read model: one read for the council's groups and their members,
    never a scan of the log per view."""
    actor = principal.actor
    with reads.connection() as conn:
        if principal.role is Role.COUNCIL_OFFICER:
            found = groups_of(conn, registrar=principal.organisation_id)
        else:
            found = groups_of(conn, organisation=principal.organisation_id)
    groups = []
    for org in found:
        manage = _allowed(
            policy.may_manage_members,
            actor,
            org.id,
            org.slug,
            Registration(org.registered_by, None),
        )
        invite = _allowed(
            policy.may_invite, actor, org.id, org.slug, Registration(org.registered_by, None)
        )
        members = None
        if policy.members_visible(actor, org.id, Registration(org.registered_by, org.council)):
            members = [
                Member(pid, ROLE_NAMES[role], _name(app, principal, pid))
                for pid, role in org.members.items()
            ]
        groups.append(Group(org, members, manage, invite))
    return groups


def _name(app: Coprod, principal: Principal, person_id: UUID) -> str | None:
    """The person's name if this reader may see their details (their registrar), else None."""
    try:
        person = app.visible_person(principal.actor, person_id)
    except NotFound:
        return None
    return app.person_details(person_id, person).get("name")


def _page(
    request: Request, seen: Seen, principal: Principal, form: Form, **extra: Any
) -> HTMLResponse:
    if seen.position is not None:
        seen.reads.wait_for(seen.position)  # the page shows the change just made
    context = {"groups": _groups(seen.app, seen.reads, principal), "form": form, **extra}
    status = 400 if form.errors else 200
    return render(request, "console_members.html", context, status_code=status)


@dataclass(frozen=True)
class Seen:
    """What a page reads with, and the log position it must include (after a change)."""

    app: Coprod
    reads: ReadStore
    position: int | None = None


@router.get("/console/members", response_class=HTMLResponse)
async def members_page(
    request: Request, principal: SignedIn, app: App, reads: ReadModels
) -> HTMLResponse:
    """The groups, their members, and the forms to add and remove them."""
    if not _may_see_page(principal):
        return _refused(request)
    return await run_in_threadpool(_page, request, Seen(app, reads), principal, Form())


def _manageable(app: Coprod, principal: Principal, slug: str) -> Organisation | None:
    """The group named by the form if this reader may manage its members, else None."""
    try:
        org = app.get_organisation(Organisation.create_id(slug=slug.lower()))
    except (NotFound, InvalidInput):
        return None
    registration = Registration(org.registered_by, None)
    if not _allowed(policy.may_manage_members, principal.actor, org.id, org.slug, registration):
        return None
    return org


@router.post("/console/members/add", response_class=HTMLResponse)
async def add_member(
    request: Request, principal: SignedIn, app: App, reads: ReadModels, _: CsrfChecked
) -> HTMLResponse:
    """Register a new person by name and add them, or add a registered person by id."""
    if not _may_see_page(principal):
        return _refused(request)
    data = await request.form()
    text = {k: str(data.get(k, "")).strip() for k in ("group", "name", "person")}
    form = Form(text["group"], text["name"], text["person"])
    org = await run_in_threadpool(_manageable, app, principal, form.group)
    if org is None:
        return _refused(request)
    added = await run_in_threadpool(_add, app, principal, org, form)
    if added is None:
        return await run_in_threadpool(_page, request, Seen(app, reads), principal, form)
    done = {"added": added, "in_group": org.display_name}
    seen = Seen(app, reads, app.recorder.max_notification_id())
    return await run_in_threadpool(_page, request, seen, principal, Form(), **done)


def _add(app: Coprod, principal: Principal, org: Organisation, form: Form) -> str | None:
    """Add the member the form asks for; what to call them, or None with the errors set."""
    errors, actor = form.errors, principal.actor
    if not form.name and not form.person:
        errors["name"] = FIELD_ERRORS["missing"]
    elif form.name and form.person:
        errors["person"] = FIELD_ERRORS["both"]
    elif form.name and len(form.name) > 200:
        errors["name"] = FIELD_ERRORS["name"]
    person_id = None
    if form.person and not errors:
        try:
            person_id = UUID(form.person)
            registration = app.registration(app.get_person(person_id).registered_by)
            policy.require_person_known(actor, person_id, registration)
        except (ValueError, NotFound):
            errors["person"] = FIELD_ERRORS["person"]
        else:
            if person_id in org.members:
                errors["person"] = FIELD_ERRORS["already"]
    if errors:
        return None
    if person_id is None:
        try:
            receipt = app.register_person(RegisterPerson(details={"name": form.name}), actor)
        except InvalidInput:
            errors["name"] = FIELD_ERRORS["name"]
            return None
        person_id = receipt.aggregate_id
    command = AddMember(organisation_id=org.id, person_id=person_id, role=Role.COMMUNITY_MEMBER)
    try:
        app.add_member(command, actor)
    except RuleViolation:
        errors["person"] = FIELD_ERRORS["already"]
        return None
    return form.name or str(person_id)


@router.post("/console/members/remove", response_class=HTMLResponse)
async def remove_member(
    request: Request, principal: SignedIn, app: App, reads: ReadModels, _: CsrfChecked
) -> HTMLResponse:
    """Take a member out of a group (their person and logged work stay)."""
    if not _may_see_page(principal):
        return _refused(request)
    data = await request.form()
    group, person = str(data.get("group", "")).strip(), str(data.get("person", "")).strip()
    org = await run_in_threadpool(_manageable, app, principal, group)
    if org is None:
        return _refused(request)
    form = Form(group)
    try:
        person_id = UUID(person)
        command = RemoveMember(organisation_id=org.id, person_id=person_id)
        await run_in_threadpool(app.remove_member, command, principal.actor)
    except (ValueError, RuleViolation):
        form.errors["remove"] = FIELD_ERRORS["not_member"]
        return await run_in_threadpool(_page, request, Seen(app, reads), principal, form)
    done = {"removed": True, "in_group": org.display_name}
    seen = Seen(app, reads, app.recorder.max_notification_id())
    return await run_in_threadpool(_page, request, seen, principal, Form(), **done)
