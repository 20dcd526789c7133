"""``/console/keys``: an officer lists, creates and revokes their council's API keys.

Who may hold and hand out which key is decided in one place for every door:
:meth:`api.keys.KeyStore.create` and :meth:`~api.keys.KeyStore.revoke` apply
:func:`coprod.application.policy.may_manage_keys` to the signed-in officer's actor, as
``coprod keys`` does for the system. The page lists keys without their secrets; a new key's
secret is shown once, on the page that answers its creation, and is never stored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from api.keys import ApiKey, KeyStore, NewKey, Principal
from api.web.csrf import CsrfChecked
from api.web.i18n import N_
from api.web.render import render
from api.web.session import ROLE_NAMES, SignedIn
from coprod.application import policy
from coprod.domain.errors import InvalidInput, NotAllowed, NotFound
from coprod.domain.values import Role

__all__ = ["router"]

router = APIRouter()

#: The roles a council's key can carry, offered on the form.
FORM_ROLES = (Role.COUNCIL_OFFICER, Role.EVALUATOR, Role.PUBLIC)
LABEL_MAX = 100
FIELD_ERRORS = {
    "role": N_("Choose one of the roles offered."),
    "label": N_("Give the key a name of at most 100 characters, such as the system that uses it."),
    "key": N_("There is no key of your council with this id."),
}


@dataclass
class Form:
    """What the officer typed (re-shown after a refusal) and what was wrong with it."""

    role: str = Role.EVALUATOR.value
    label: str = ""
    errors: dict[str, str] = field(default_factory=dict)


def keys_of(request: Request) -> KeyStore:
    store: KeyStore = request.app.state.keys
    return store


def _may_manage(principal: Principal) -> bool:
    try:
        policy.may_manage_keys(principal.actor, principal.organisation_id)
    except NotAllowed:
        return False
    return True


def _page(request: Request, principal: Principal, form: Form, **extra: Any) -> HTMLResponse:
    keys: list[ApiKey] = keys_of(request).list(
        include_revoked=True, organisation_id=principal.organisation_id
    )
    context = {
        "form": form,
        "keys": keys,
        "roles": [(r.value, ROLE_NAMES[r]) for r in FORM_ROLES],
        "role_names": ROLE_NAMES,
        "label_max": LABEL_MAX,
        **extra,
    }
    status = 400 if form.errors or extra.get("revoke_error") else 200
    return render(request, "console_keys.html", context, status_code=status)


def _refused(request: Request) -> HTMLResponse:
    return render(request, "console_refused.html", {}, status_code=403)


@router.get("/console/keys", response_class=HTMLResponse)
async def keys_page(request: Request, principal: SignedIn) -> HTMLResponse:
    """The council's keys (never their secrets) and the form for a new one."""
    if not _may_manage(principal):
        return _refused(request)
    return await run_in_threadpool(_page, request, principal, Form())


@router.post("/console/keys", response_class=HTMLResponse)
async def create_key(request: Request, principal: SignedIn, _: CsrfChecked) -> HTMLResponse:
    """Make a key for the officer's council; its secret is shown on this answer only."""
    if not _may_manage(principal):
        return _refused(request)
    data = await request.form()
    form = Form(str(data.get("role", "")).strip(), str(data.get("label", "")).strip())
    made = await run_in_threadpool(_create, request, principal, form)
    if made is None:
        return await run_in_threadpool(_page, request, principal, form)
    return await run_in_threadpool(_page, request, principal, Form(), made=made)


def _create(request: Request, principal: Principal, form: Form) -> NewKey | None:
    role = next((r for r in FORM_ROLES if r.value == form.role), None)
    if role is None:
        form.errors["role"] = FIELD_ERRORS["role"]
    if not form.label or len(form.label) > LABEL_MAX:
        form.errors["label"] = FIELD_ERRORS["label"]
    if form.errors or role is None:
        return None
    try:
        return keys_of(request).create(
            principal.organisation_id, role, label=form.label, by=principal.actor
        )
    except InvalidInput as e:
        name = e.field if e.field in ("role", "label") else "role"
        form.errors[name] = FIELD_ERRORS[name]
    return None


@router.post("/console/keys/revoke", response_class=HTMLResponse)
async def revoke_key(request: Request, principal: SignedIn, _: CsrfChecked) -> HTMLResponse:
    """Revoke one of the council's keys; it stops authenticating at once."""
    if not _may_manage(principal):
        return _refused(request)
    data = await request.form()
    text = str(data.get("key", "")).strip()
    revoked = await run_in_threadpool(_revoke, request, principal, text)
    if revoked is None:
        return await run_in_threadpool(
            _page, request, principal, Form(), revoke_error=FIELD_ERRORS["key"]
        )
    return await run_in_threadpool(_page, request, principal, Form(), revoked=revoked)


def _revoke(request: Request, principal: Principal, text: str) -> ApiKey | None:
    try:
        key_id = UUID(text)
    except ValueError:
        return None
    try:
        return keys_of(request).revoke(key_id, by=principal.actor)
    except (NotFound, NotAllowed):
        return None
