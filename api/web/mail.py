"""Sending an invitation by e-mail, when the council's mail server is configured.

Why e-mail is optional: a small council may have no mail relay coprod can use, and an officer
can hand a link over just as well (shown on the console page, printed by ``coprod invite``,
also as a QR code). With ``COPROD_SMTP_HOST`` and ``COPROD_SMTP_FROM`` set (and, as needed,
``COPROD_SMTP_PORT``, ``COPROD_SMTP_USER``, ``COPROD_SMTP_PASSWORD``, ``COPROD_SMTP_STARTTLS``)
the link is sent with :mod:`smtplib`.

The address is personal data: it is used for this one message and never stored, in an
event or anywhere else.
"""

from __future__ import annotations

import os
import re
import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage

from api.web.i18n import N_, Language
from coprod.domain.errors import InvalidInput

__all__ = [
    "InvitationMail",
    "MailNotSent",
    "SmtpSettings",
    "check_email",
    "send_invitation",
    "smtp_from_env",
]

_TRUE = {"1", "true", "yes", "on"}
#: Enough of an address to hand to the mail server, which has the last word.
_EMAIL = re.compile(r"^[^@\s<>\"',;]{1,64}@[^@\s<>\"',;]{1,253}\.[^@\s<>\"',;.]{2,63}$")
SUBJECT = N_("Your invitation to coprod")
BODY = N_(
    "You are invited to take part as %(role)s for %(organisation)s.\n\n"
    "Open this link to sign in. It works once, until %(date)s, and there is no password to "
    "remember:\n\n%(url)s\n\n"
    "If you did not expect this message, you can ignore it."
)


class MailNotSent(Exception):
    """The mail server could not be reached or refused the message; the link is still good."""


@dataclass(frozen=True)
class SmtpSettings:
    """Where and as whom to send; the password is never printed (see ``__repr__``)."""

    host: str
    port: int
    sender: str
    user: str | None = None
    password: str | None = None
    starttls: bool = False

    def __repr__(self) -> str:
        return f"SmtpSettings(host={self.host!r}, port={self.port}, sender={self.sender!r})"


def smtp_from_env(env: Mapping[str, str] | None = None) -> SmtpSettings | None:
    """The mail settings from the environment; None when no mail server is configured."""
    env = os.environ if env is None else env
    host = env.get("COPROD_SMTP_HOST", "").strip()
    sender = env.get("COPROD_SMTP_FROM", "").strip()
    if not host or not sender:
        return None
    starttls = env.get("COPROD_SMTP_STARTTLS", "").strip().lower() in _TRUE
    port_text = env.get("COPROD_SMTP_PORT", "").strip() or ("587" if starttls else "25")
    try:
        port = int(port_text)
    except ValueError:
        raise InvalidInput("COPROD_SMTP_PORT", f"{port_text!r} is not a port number") from None
    return SmtpSettings(
        host=host,
        port=port,
        sender=sender,
        user=env.get("COPROD_SMTP_USER") or None,
        password=env.get("COPROD_SMTP_PASSWORD") or None,
        starttls=starttls,
    )


def check_email(value: str) -> str:
    """An address that looks deliverable, or a refusal naming the field."""
    address = value.strip()
    if len(address) > 254 or not _EMAIL.match(address):
        raise InvalidInput("email", "is not an e-mail address (like name@example.dk)")
    return address


@dataclass(frozen=True)
class InvitationMail:
    """What the message says: the link, whom it signs in as, and until when."""

    url: str
    role_name: str
    organisation_name: str
    expires_at: datetime


def send_invitation(
    settings: SmtpSettings, to: str, mail: InvitationMail, langs: tuple[Language, ...]
) -> None:
    """Send the invitation link to `to`, its text in each of `langs` in turn (the console
    sends it in the officer's language, ``coprod invite`` in Danish and English, since the
    command line does not know the reader's); raises :class:`MailNotSent`."""
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = check_email(to)
    message["Subject"] = " / ".join(dict.fromkeys(lang.gettext(SUBJECT) for lang in langs))
    message["Content-Language"] = ", ".join(lang.code for lang in langs)
    message.set_content("\n\n---\n\n".join(_body(mail, lang) for lang in langs))
    try:
        with smtplib.SMTP(settings.host, settings.port, timeout=15) as smtp:
            if settings.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.user:
                smtp.login(settings.user, settings.password or "")
            smtp.send_message(message)
    except (smtplib.SMTPException, OSError) as e:
        raise MailNotSent(f"the invitation was not sent: {e}") from e


def _body(mail: InvitationMail, lang: Language) -> str:
    return lang.gettext(BODY) % {
        "role": lang.gettext(mail.role_name),
        "organisation": mail.organisation_name,
        "date": lang.date(mail.expires_at.date()),
        "url": mail.url,
    }
