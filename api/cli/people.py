"""``coprod people erase ID``: erase a person's data on the server, for a subject-access request.

Wired into the main CLI by api/cli/main.py (``cli.add_typer(people_app, name="people")``). The
operator runs it on the server as the system, so it needs no key: the person's request has
reached the council by whatever channel (a letter, a desk); the erasure is recorded with the
system actor, like an import. The output is one line; a refusal is one line on stderr and
exit code 2 (unknown id, already erased, not an id).
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

import typer
from rich.console import Console

from coprod.adapters.config import settings_from_env
from coprod.application import SYSTEM_ACTOR, Coprod
from coprod.application.commands.people import ErasePerson
from coprod.domain.errors import CoprodError, InvalidInput, NotFound

people_app = typer.Typer(no_args_is_help=True, add_completion=False)
errors = Console(stderr=True)


@people_app.callback()
def people() -> None:
    """Personal data held about people (details are kept outside the event log)."""


@people_app.command("erase")
def erase(
    person: Annotated[str, typer.Argument(help="The person's id (a UUID), as the API shows it.")],
) -> None:
    """Erase a person's details and key (GDPR art. 17); the log keeps an opaque marker."""
    settings = settings_from_env()
    try:
        person_id = _uuid(person)
        with Coprod(settings) as app:
            receipt = app.erase_person(ErasePerson(person_id=person_id), SYSTEM_ACTOR)
    except CoprodError as e:
        where = f" in {settings.display}" if isinstance(e, NotFound) else ""
        errors.print(f"error: {e}{where}", soft_wrap=True, highlight=False, markup=False)
        raise typer.Exit(2) from None
    typer.echo(
        f"erased person {person_id} in {settings.display} "
        f"(version {receipt.version}, log position {receipt.position})"
    )


def _uuid(text: str) -> UUID:
    try:
        return UUID(text)
    except ValueError:
        raise InvalidInput("person", f"{text!r} is not an id (a UUID)") from None
