"""``/console/invitations``: an officer invites a person and gets the link and its QR code.

Who may invite whom is the one policy's (:func:`coprod.application.policy.may_invite`, applied
by :meth:`api.invitations.InvitationStore.create` with the officer's actor); this page only
turns its refusals into messages next to the fields, in the officer's language. With a mail
server configured (:mod:`api.web.mail`) and an address given, the link is also sent; the
address is used for that message and never stored.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool

from api.invitations import DEFAULT_DAYS, MAX_DAYS, NewInvitation, invitation_url
from api.keys import Principal
from api.web.csrf import CsrfChecked
from api.web.deps import App, Lang
from api.web.i18n import N_, Language
from api.web.mail import InvitationMail, MailNotSent, check_email, send_invitation, smtp_from_env
from api.web.qr import qr_svg
from api.web.render import render
from api.web.session import ROLE_NAMES, SignedIn, invitations_of
from coprod.application import Coprod, policy
from coprod.application.policy import Registration
from coprod.domain.errors import InvalidInput, NotAllowed, NotFound
from coprod.domain.organisation import Organisation
from coprod.domain.values import Role

__all__ = ["router"]

router = APIRouter()

#: The roles offered on the form; a community member is invited into a group.
FORM_ROLES = (Role.COMMUNITY_MEMBER, Role.RESIDENT, Role.COUNCIL_OFFICER, Role.EVALUATOR)
#: What each refused field says, in the officer's language.
FIELD_ERRORS = {
    "role": N_("Choose one of the roles offered."),
    "group": N_(
        "There is no community group with this address (its short name, like park-friends)."
    ),
    "group_denied": N_(
        "Your council did not register this group, so you cannot invite its members."
    ),
    "person": N_(
        "There is no registered person you can see with this id. Leave it empty to invite someone new."
    ),
    "days": N_("Choose between 1 and 90 days."),
    "email": N_("This is not an e-mail address."),
    "email_off": N_(
        "No mail server is configured: give the person the link or the QR code instead."
    ),
}


@dataclass
class Form:
    """What the officer typed (re-shown after a refusal) and what was wrong with it."""

    role: str = Role.COMMUNITY_MEMBER.value
    group: str = ""
    person: str = ""
    days: str = str(DEFAULT_DAYS)
    email: str = ""
    errors: dict[str, str] = field(default_factory=dict)


def _page(request: Request, form: Form, **extra: Any) -> HTMLResponse:
    status = 400 if form.errors else 200
    roles = [(r.value, ROLE_NAMES[r]) for r in FORM_ROLES]
    context = {
        "form": form,
        "roles": roles,
        "role_names": ROLE_NAMES,
        "max_days": MAX_DAYS,
        **extra,
    }
    return render(request, "console_invitations.html", context, status_code=status)


def _refused(request: Request) -> HTMLResponse:
    return render(request, "console_refused.html", {}, status_code=403)


def _may_invite_at_all(principal: Principal) -> bool:
    """Whether this person may invite anyone: into their own organisation, at least."""
    try:
        policy.may_invite(principal.actor, principal.organisation_id, "", Registration(None, None))
    except NotAllowed:
        return False
    return True


@router.get("/console/invitations", response_class=HTMLResponse)
def invitation_form(request: Request, principal: SignedIn) -> HTMLResponse:
    """The form: role, group, person, how long, and an optional e-mail address.

    ``?group=&person=`` prefill it (the members page links each member here)."""
    if not _may_invite_at_all(principal):
        return _refused(request)
    query = request.query_params
    group, person = query.get("group", "")[:100], query.get("person", "")[:100]
    return _page(request, Form(group=group, person=person))


@router.post("/console/invitations", response_class=HTMLResponse)
async def create_invitation(
    request: Request, principal: SignedIn, app: App, lang: Lang, _: CsrfChecked
) -> HTMLResponse:
    """Make the invitation; show its link and QR code, and send it if asked and possible."""
    if not _may_invite_at_all(principal):
        return _refused(request)
    data = await request.form()
    text = {k: str(data.get(k, "")).strip() for k in ("role", "group", "person", "days", "email")}
    form = Form(text["role"], text["group"], text["person"], text["days"], text["email"])
    made = await run_in_threadpool(_create, request, app, principal, form)
    if made is None:
        return _page(request, form)
    base = os.environ.get("COPROD_BASE_URL") or str(request.base_url)
    url = invitation_url(base, made.token)
    sent = await run_in_threadpool(_send, app, form, url, lang, made)
    return _page(request, Form(), made=made, url=url, qr=Markup(qr_svg(url)), sent=sent)


def _create(
    request: Request, app: Coprod, principal: Principal, form: Form
) -> NewInvitation | None:
    """The invitation the form asks for, or None with the form's errors filled in."""
    errors = form.errors
    role = next((r for r in FORM_ROLES if r.value == form.role), None)
    if role is None:
        errors["role"] = FIELD_ERRORS["role"]
    organisation_id: UUID | None = principal.organisation_id
    if role is Role.COMMUNITY_MEMBER:
        organisation_id = Organisation.create_id(slug=form.group.lower()) if form.group else None
        if organisation_id is None or not app.exists(organisation_id):
            errors["group"] = FIELD_ERRORS["group"]
    person_id = _uuid_or_none(form.person)
    if form.person and person_id is None:
        errors["person"] = FIELD_ERRORS["person"]
    days = int(form.days) if form.days.isdigit() else 0
    if not 1 <= days <= MAX_DAYS:
        errors["days"] = FIELD_ERRORS["days"]
    if form.email:
        try:
            check_email(form.email)
        except InvalidInput:
            errors["email"] = FIELD_ERRORS["email"]
        else:
            if smtp_from_env() is None:
                errors["email"] = FIELD_ERRORS["email_off"]
    if errors or role is None or organisation_id is None:
        return None
    try:
        return invitations_of(request).create(
            organisation_id, role, person_id, days=days, invited_by=principal.actor
        )
    except NotAllowed:
        errors["group" if role is Role.COMMUNITY_MEMBER else "role"] = FIELD_ERRORS["group_denied"]
    except NotFound:
        errors["person"] = FIELD_ERRORS["person"]
    except InvalidInput as e:
        errors[e.field if e.field in FIELD_ERRORS else "role"] = FIELD_ERRORS.get(
            e.field, FIELD_ERRORS["role"]
        )
    return None


def _send(app: Coprod, form: Form, url: str, lang: Language, made: NewInvitation) -> str | None:
    """ "sent", "failed", or None when no address was given (the address is then forgotten)."""
    smtp = smtp_from_env()
    if not form.email or smtp is None:
        return None
    invitation = made.invitation
    mail = InvitationMail(
        url,
        ROLE_NAMES[invitation.role],
        app.load(Organisation, invitation.organisation_id).display_name,
        invitation.expires_at,
    )
    try:
        send_invitation(smtp, form.email, mail, (lang,))
    except MailNotSent:
        return "failed"
    return "sent"


def _uuid_or_none(text: str) -> UUID | None:
    try:
        return UUID(text) if text else None
    except ValueError:
        return None
