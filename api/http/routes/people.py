"""People: register someone (details go to the deletable store) and erase them on request."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Response

from api.http.deps import CoprodApp, CurrentPrincipal, ExpectedVersion, Writer
from api.http.fields import PersonDetails
from api.http.routes.common import Body, CommandResult, View, etag, run_command
from coprod.application.commands import people as cmd

router = APIRouter(prefix="/people", tags=["people"])


class RegisterPerson(Body):
    details: PersonDetails


class PersonView(View):
    id: UUID
    version: int
    erased: bool
    details: dict[str, str]


@router.post("", status_code=201)
def register_person(
    body: RegisterPerson, who: Writer, app: CoprodApp, response: Response
) -> CommandResult:
    """Register a person; only an opaque id enters the log."""
    command = cmd.RegisterPerson(details=body.details)
    return run_command(response, app.register_person, command, who.actor, created="people")


@router.get("/{person_id}")
def get_person(
    person_id: UUID, who: CurrentPrincipal, app: CoprodApp, response: Response
) -> PersonView:
    """A person's details, for the person and the organisation that registered them."""
    person = app.visible_person(who.actor, person_id)
    response.headers["ETag"] = etag(person.version)
    return PersonView(
        id=person.id,
        version=person.version,
        erased=person.erased,
        details=app.person_details(person_id, person),
    )


@router.post("/{person_id}/erase")
def erase_person(
    person_id: UUID, who: Writer, app: CoprodApp, expected: ExpectedVersion, response: Response
) -> CommandResult:
    """Erase a person's data (GDPR art. 17): by them, the organisation that registered them,
    or an officer of the council that organisation works with."""
    command = cmd.ErasePerson(person_id=person_id, expected_version=expected)
    return run_command(response, app.erase_person, command, who.actor)
