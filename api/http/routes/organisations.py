"""Organisations: councils and community groups, and who acts for them."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Response
from pydantic import Field

from api.http.deps import CoprodApp, ExpectedVersion, Officer, PublicReader, Writer
from api.http.fields import Code, Text
from api.http.routes.common import Body, CommandResult, View, etag, run_command
from coprod.application.commands import people as cmd
from coprod.domain.organisation import OrganisationKind
from coprod.domain.values import Role

router = APIRouter(prefix="/organisations", tags=["organisations"])


class RegisterOrganisation(Body):
    slug: Annotated[Code, Field(examples=["friends-of-the-park"])]
    kind: OrganisationKind
    display_name: Text


class AddMember(Body):
    person_id: UUID
    role: Role


class MemberView(View):
    person_id: UUID
    role: Role


class OrganisationView(View):
    """Members are listed only to the organisation's own members and council officers."""

    id: UUID
    version: int
    slug: str
    kind: OrganisationKind
    display_name: str
    members: list[MemberView] | None


@router.post("", status_code=201)
def register_organisation(
    body: RegisterOrganisation, who: Officer, app: CoprodApp, response: Response
) -> CommandResult:
    """Register a council or community group; the same slug twice is a 409."""
    command = cmd.RegisterOrganisation(
        slug=body.slug, kind=body.kind, display_name=body.display_name
    )
    return run_command(
        response, app.register_organisation, command, who.actor, created="organisations"
    )


@router.get("/{organisation_id}")
def get_organisation(
    organisation_id: UUID, who: PublicReader, app: CoprodApp, response: Response
) -> OrganisationView:
    """The organisation; its members only for itself and the council it works with."""
    o = app.get_organisation(organisation_id)
    response.headers["ETag"] = etag(o.version)
    listed = app.visible_members(None if who is None else who.actor, o)
    members = (
        None if listed is None else [MemberView(person_id=p, role=r) for p, r in listed.items()]
    )
    return OrganisationView(
        id=o.id,
        version=o.version,
        slug=o.slug,
        kind=o.kind,
        display_name=o.display_name,
        members=members,
    )


@router.post("/{organisation_id}/members")
def add_member(
    organisation_id: UUID,
    body: AddMember,
    who: Writer,
    app: CoprodApp,
    expected: ExpectedVersion,
    response: Response,
) -> CommandResult:
    """Add a registered person in a role the organisation can have."""
    command = cmd.AddMember(
        organisation_id=organisation_id,
        person_id=body.person_id,
        role=body.role,
        expected_version=expected,
    )
    return run_command(response, app.add_member, command, who.actor)


@router.delete("/{organisation_id}/members/{person_id}")
def remove_member(
    organisation_id: UUID,
    person_id: UUID,
    who: Writer,
    app: CoprodApp,
    expected: ExpectedVersion,
    response: Response,
) -> CommandResult:
    """Remove a person from the organisation."""
    command = cmd.RemoveMember(
        organisation_id=organisation_id, person_id=person_id, expected_version=expected
    )
    return run_command(response, app.remove_member, command, who.actor)
