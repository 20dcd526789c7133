"""``coprod invite ROLE --organisation ORG``: a sign-in link for one person, with its QR code.

The operator's way to invite (the web console's is ``/console/invitations``): it prints the
link and a QR code in the terminal to read off the screen or a printout, writes the QR code as
an SVG with ``--qr``, and sends the link by e-mail with ``--email`` when a mail server is
configured (:mod:`api.web.mail`). The address is used for that message only, never stored.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated
from uuid import UUID

import segno
import typer
from rich.console import Console

from api.cli.files import check_output, replaced_atomically
from api.invitations import DEFAULT_DAYS, INVITE_ROLES, MAX_DAYS, InvitationStore, invitation_url
from api.web.i18n import language
from api.web.mail import InvitationMail, MailNotSent, check_email, send_invitation, smtp_from_env
from api.web.qr import qr_svg
from api.web.session import ROLE_NAMES
from coprod.adapters.config import settings_from_env
from coprod.application import Coprod
from coprod.domain.errors import InvalidInput
from coprod.domain.organisation import Organisation
from coprod.domain.values import Role

__all__ = ["DEFAULT_BASE_URL", "invite", "organisation_ref"]

console = Console()
#: Where the links point when ``COPROD_BASE_URL`` does not say.
DEFAULT_BASE_URL = "http://127.0.0.1:8000"
_ROLE_NAMES = ", ".join(r.value for r in INVITE_ROLES)


def organisation_ref(app: Coprod, ref: str) -> UUID:
    """An organisation by id or slug (404 if there is none)."""
    try:
        organisation_id = UUID(ref)
    except ValueError:
        organisation_id = Organisation.create_id(slug=ref)
    app.load(Organisation, organisation_id)
    return organisation_id


def _role(text: str) -> Role:
    try:
        role = Role(text)
    except ValueError:
        raise InvalidInput("role", f"{text!r} is not one of {_ROLE_NAMES}") from None
    return role


def invite(
    role: Annotated[str, typer.Argument(help=f"One of: {_ROLE_NAMES}.")],
    organisation: Annotated[str, typer.Option(help="The organisation's id or slug.")],
    person: Annotated[
        str | None,
        typer.Option(help="A registered person's id (a group member): the session acts as them."),
    ] = None,
    days: Annotated[
        int, typer.Option(min=1, max=MAX_DAYS, help="How many days the link works.")
    ] = DEFAULT_DAYS,
    qr: Annotated[
        Path | None, typer.Option(help="Also write the QR code to this SVG file.")
    ] = None,
    email: Annotated[
        str | None,
        typer.Option(
            help="Send the link to this address, in Danish and English (needs COPROD_SMTP_HOST; "
            "the address is not stored)."
        ),
    ] = None,
) -> None:
    """Invite one person: a single-use sign-in link, printed with its QR code.

    The link starts with the site's public address, a deployment setting like the database
    URL: ``COPROD_BASE_URL`` (default :data:`DEFAULT_BASE_URL`).
    """
    address = None if email is None else check_email(email)
    smtp = smtp_from_env()
    if address is not None and smtp is None:
        raise InvalidInput("email", "no mail server is configured: set COPROD_SMTP_HOST and _FROM")
    target = None if qr is None else check_output(qr, "qr")
    base = os.environ.get("COPROD_BASE_URL") or DEFAULT_BASE_URL
    mail = _create(role, organisation, person, base, days)
    print(mail.url, flush=True)  # plain, so it can be piped
    segno.make(mail.url, error="m").terminal(out=sys.stdout, compact=True)
    if target is not None:
        with replaced_atomically(target, "qr") as handle:
            handle.write(qr_svg(mail.url))
        console.print(f"wrote the QR code to {target}")
    if address is not None and smtp is not None:
        try:
            send_invitation(smtp, address, mail, (language("da"), language("en")))
        except MailNotSent as e:
            console.print(f"[yellow]{e}; give the person the link above.[/yellow]")
            raise typer.Exit(1) from None
        console.print("sent the link by e-mail (the address is not kept)")


def _create(
    role: str, organisation: str, person: str | None, base: str, days: int
) -> InvitationMail:
    """Make the invitation in the configured store; what its message says."""
    invited_role = _role(role)
    person_id = None
    if person is not None:
        try:
            person_id = UUID(person)
        except ValueError:
            raise InvalidInput("person", f"{person!r} is not a UUID") from None
    with Coprod(settings_from_env()) as app:
        organisation_id = organisation_ref(app, organisation)
        name = app.load(Organisation, organisation_id).display_name
        new = InvitationStore(app).create(organisation_id, invited_role, person_id, days=days)
    console.print(f"Invitation for a {invited_role.value} of {name}, valid for {days} days:")
    url = invitation_url(base, new.token)
    return InvitationMail(url, ROLE_NAMES[invited_role], name, new.invitation.expires_at)
