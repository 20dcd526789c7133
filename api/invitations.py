"""Invitations: a single-use, expiring link that signs a person in with nothing to remember.

Why a link and not a password: a volunteer who logs two hours a month will not keep a
password, and an officer cannot reset one over the phone. An officer invites a person in
one role for one organisation; the link carries a random 256-bit token that only its holder
knows. The table keeps the token's SHA-256 only (as :mod:`api.keys` does for API keys), so a
copy of the database opens no session. The token is unguessable, so it needs no signature
over it: what a signature would add (an expiry, single use) the table enforces, and unlike a
signature it can be revoked. Redeeming it (:meth:`api.sessions.SessionStore.sign_in`) marks it
used in the same transaction that opens the session, so a second use fails.

The table lives in the events' own database (SQLite or PostgreSQL) through
:class:`api.keys.SqlTables`: one thing to back up, nothing to configure.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import Enum
from typing import Any
from uuid import UUID, uuid4

from api.keys import SqlTables, hash_secret
from coprod.application import Coprod, policy
from coprod.application.policy import Registration
from coprod.domain.errors import InvalidInput
from coprod.domain.organisation import Organisation, OrganisationKind, Person
from coprod.domain.values import Actor, Role

__all__ = [
    "DEFAULT_DAYS",
    "INVITATIONS_TABLE",
    "INVITE_ROLES",
    "MAX_DAYS",
    "Invitation",
    "InvitationState",
    "InvitationStore",
    "NewInvitation",
    "invitation_path",
    "invitation_url",
    "iso_utc",
]

INVITATIONS_TABLE = "coprod_invitations_v1"
#: How long an invitation stays open unless the officer says otherwise.
DEFAULT_DAYS = 7
#: The longest an invitation may stay open: a forgotten link should not work for ever.
MAX_DAYS = 90
#: Who can be invited (DOMAIN.md §2); the public needs no sign-in.
INVITE_ROLES = (Role.COUNCIL_OFFICER, Role.COMMUNITY_MEMBER, Role.RESIDENT, Role.EVALUATOR)
#: The roles an invitation may carry, by the kind of organisation it is for: a resident
#: takes part in their council's processes, so is invited by (and for) the council.
ROLES_OF_KIND: dict[OrganisationKind, frozenset[Role]] = {
    OrganisationKind.COUNCIL: frozenset({Role.COUNCIL_OFFICER, Role.EVALUATOR, Role.RESIDENT}),
    OrganisationKind.COMMUNITY_GROUP: frozenset({Role.COMMUNITY_MEMBER}),
}
_PREFIX = "cpi_"
_DDL = (
    "invitation_id TEXT PRIMARY KEY, token_hash TEXT NOT NULL UNIQUE, actor_id TEXT NOT NULL, "
    "role TEXT NOT NULL, organisation_id TEXT NOT NULL, invited_by TEXT, "
    "created_at TEXT NOT NULL, expires_at TEXT NOT NULL, used_at TEXT"
)
_COLUMNS = (
    "invitation_id, actor_id, role, organisation_id, invited_by, created_at, expires_at, used_at"
)


class InvitationState(Enum):
    """What opening a link finds: one that signs in, or why it no longer does."""

    OPEN = "open"
    USED = "used"
    EXPIRED = "expired"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Invitation:
    """An invitation as stored: who it signs in as, never its token."""

    invitation_id: UUID
    actor_id: UUID
    role: Role
    organisation_id: UUID
    invited_by: UUID | None
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None

    def state(self, now: datetime) -> InvitationState:
        if self.used_at is not None:
            return InvitationState.USED
        if now >= self.expires_at:
            return InvitationState.EXPIRED
        return InvitationState.OPEN


@dataclass(frozen=True)
class NewInvitation:
    """A fresh invitation and its token, which is not stored and cannot be shown again."""

    invitation: Invitation
    token: str

    @property
    def path(self) -> str:
        return invitation_path(self.token)


def invitation_path(token: str) -> str:
    """The address of the page that opens an invitation, relative to the site."""
    return f"/invite/{token}"


def invitation_url(base_url: str, token: str) -> str:
    """The full link to send: the site's public address (``--base-url``) and the path."""
    return base_url.rstrip("/") + invitation_path(token)


def utc_now() -> datetime:
    return datetime.now(UTC)


class InvitationStore:
    """Create and look up invitations; redeeming one is the session store's (one transaction).

    ``now`` is the clock the store judges expiry by (tests move it forward).
    """

    def __init__(
        self,
        app: Coprod,
        tables: SqlTables | None = None,
        *,
        now: Callable[[], datetime] = utc_now,
    ) -> None:
        self.app = app
        self.tables = tables or SqlTables(app)
        self.table = self.tables.name(INVITATIONS_TABLE)
        self.now = now

    def cursor(self) -> Any:
        """A committed transaction on the invitation table (created on first use)."""
        return self.tables.cursor(INVITATIONS_TABLE, _DDL)

    def create(
        self,
        organisation_id: UUID,
        role: Role,
        actor_id: UUID | None = None,
        *,
        days: int = DEFAULT_DAYS,
        invited_by: Actor | None = None,
    ) -> NewInvitation:
        """An invitation to an existing organisation in a role that fits it.

        ``actor_id`` is the person the session acts as (a person registered with
        ``coprod people``, so their logged work is theirs); without one, a fresh actor id.
        ``invited_by`` is the officer inviting (the web console); who may invite is the one
        policy's (:func:`coprod.application.policy.may_invite`). The CLI passes None: it runs
        as the server's operator, like every other ``coprod`` command.
        """
        check_invitation(self.app, organisation_id, role, actor_id, days, invited_by)
        token = _PREFIX + secrets.token_urlsafe(32)
        created = self.now()
        invitation = Invitation(
            invitation_id=uuid4(),
            actor_id=actor_id or uuid4(),
            role=role,
            organisation_id=organisation_id,
            invited_by=None if invited_by is None else invited_by.id,
            created_at=created,
            expires_at=created + timedelta(days=days),
            used_at=None,
        )
        p = self.tables.p
        with self.cursor() as c:
            c.execute(
                f"INSERT INTO {self.table} (token_hash, {_COLUMNS}) "
                f"VALUES ({p}, {p}, {p}, {p}, {p}, {p}, {p}, {p}, {p})",
                (hash_secret(token), *_row(invitation)),
            )
        return NewInvitation(invitation, token)

    def find(self, token: str) -> Invitation | None:
        """The invitation a token opens, used or not; None for a token never issued."""
        if not token.startswith(_PREFIX) or len(token) > 100:
            return None
        p = self.tables.p
        with self.cursor() as c:
            c.execute(
                f"SELECT {_COLUMNS} FROM {self.table} WHERE token_hash = {p}",
                (hash_secret(token),),
            )
            row = c.fetchone()
        return None if row is None else invitation_of(row)

    def state(self, token: str) -> tuple[InvitationState, Invitation | None]:
        """Whether a token would sign in now, and the invitation it names."""
        invitation = self.find(token)
        if invitation is None:
            return InvitationState.UNKNOWN, None
        return invitation.state(self.now()), invitation

    def redeem(self, cursor: Any, token: str) -> Invitation | InvitationState:
        """Mark the token's invitation used in the caller's transaction, if it is open.

        The update names only an unused, unexpired row, so of two concurrent redemptions
        exactly one gets the row back; the other is told why the link no longer works.
        """
        p = self.tables.p
        hashed = hash_secret(token) if token.startswith(_PREFIX) and len(token) <= 100 else ""
        now = self.now()
        cursor.execute(
            f"UPDATE {self.table} SET used_at = {p} WHERE token_hash = {p} AND used_at IS NULL "
            f"AND expires_at > {p} RETURNING {_COLUMNS}",
            (iso_utc(now), hashed, iso_utc(now)),
        )
        row = cursor.fetchone()
        if row is not None:
            return invitation_of(row)
        cursor.execute(f"SELECT {_COLUMNS} FROM {self.table} WHERE token_hash = {p}", (hashed,))
        row = cursor.fetchone()
        if row is None:
            return InvitationState.UNKNOWN
        state = invitation_of(row).state(now)
        return InvitationState.UNKNOWN if state is InvitationState.OPEN else state


def check_invitation(
    app: Coprod,
    organisation_id: UUID,
    role: Role,
    actor_id: UUID | None,
    days: int,
    by: Actor | None = None,
) -> Organisation:
    """Refuse an invitation that could not sign anyone in usefully, naming the field, or
    that `by` may not make (the policy's word; a person hidden from them is a 404)."""
    if role not in INVITE_ROLES:
        names = ", ".join(r.value for r in INVITE_ROLES)
        raise InvalidInput("role", f"{role.value!r} cannot be invited (only {names})")
    if not 1 <= days <= MAX_DAYS:
        raise InvalidInput("days", f"an invitation is open for 1 to {MAX_DAYS} days, not {days}")
    organisation = app.load(Organisation, organisation_id)
    if by is not None:
        registration = Registration(organisation.registered_by, None)
        policy.may_invite(by, organisation_id, organisation.slug, registration)
    allowed = ROLES_OF_KIND[organisation.kind]
    if role not in allowed:
        names = ", ".join(sorted(r.value for r in allowed))
        raise InvalidInput(
            "role", f"a {organisation.kind.value} invites only as {names}, not {role.value}"
        )
    if actor_id is not None:  # a person id must name a registered person the inviter knows
        person = app.load(Person, actor_id)
        if by is not None:
            policy.require_person_known(by, actor_id, app.registration(person.registered_by))
    return organisation


def iso_utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _row(invitation: Invitation) -> tuple[str | None, ...]:
    return (
        str(invitation.invitation_id),
        str(invitation.actor_id),
        invitation.role.value,
        str(invitation.organisation_id),
        None if invitation.invited_by is None else str(invitation.invited_by),
        iso_utc(invitation.created_at),
        iso_utc(invitation.expires_at),
        None,
    )


def invitation_of(row: Any) -> Invitation:
    """An invitation from its table row (either database's row type)."""
    return Invitation(
        invitation_id=UUID(row["invitation_id"]),
        actor_id=UUID(row["actor_id"]),
        role=Role(row["role"]),
        organisation_id=UUID(row["organisation_id"]),
        invited_by=None if row["invited_by"] is None else UUID(row["invited_by"]),
        created_at=datetime.fromisoformat(row["created_at"]),
        expires_at=datetime.fromisoformat(row["expires_at"]),
        used_at=None if row["used_at"] is None else datetime.fromisoformat(row["used_at"]),
    )
