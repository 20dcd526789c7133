"""Web sessions: who a browser is signed in as, after it opened an invitation.

Why a table and not a signed cookie: "sign out everywhere" must end every session of a
person at once, on every server process, and a signed cookie cannot be taken back. The
cookie carries a random 256-bit session id; the table keeps its SHA-256 only, with the
principal's fields (actor, role, organisation), when the session was opened and last seen,
and when it was revoked. A session unused for :data:`IDLE_DAYS` days ends by itself.

Each sign-in opens a *new* session (a new id, so an id planted before sign-in is worth
nothing) in the same transaction that marks the invitation used.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from api.invitations import Invitation, InvitationState, InvitationStore, iso_utc
from api.keys import Principal, SqlTables, hash_secret
from coprod.domain.values import Role

__all__ = ["IDLE_DAYS", "SESSIONS_TABLE", "NewSession", "Session", "SessionStore"]

SESSIONS_TABLE = "coprod_web_sessions_v1"
#: A session nobody used for this long is over (the person opens a new invitation).
IDLE_DAYS = 30
#: "Last seen" is written at most this often per session, not on every request.
TOUCH_EVERY = timedelta(minutes=5)
_PREFIX = "cps_"
_DDL = (
    "session_hash TEXT PRIMARY KEY, session_id TEXT NOT NULL UNIQUE, actor_id TEXT NOT NULL, "
    "role TEXT NOT NULL, organisation_id TEXT NOT NULL, invitation_id TEXT, "
    "created_at TEXT NOT NULL, last_seen_at TEXT NOT NULL, revoked_at TEXT"
)
_COLUMNS = (
    "session_id, actor_id, role, organisation_id, invitation_id, created_at, last_seen_at, "
    "revoked_at"
)


@dataclass(frozen=True)
class Session:
    """A session as stored: never its id's secret."""

    session_id: UUID
    actor_id: UUID
    role: Role
    organisation_id: UUID
    invitation_id: UUID | None
    created_at: datetime
    last_seen_at: datetime
    revoked_at: datetime | None

    @property
    def principal(self) -> Principal:
        """Who the pages act as: the same principal an API key gives (its key id is the
        session's id), so use cases and the one policy see no difference."""
        return Principal(self.session_id, self.actor_id, self.role, self.organisation_id)


@dataclass(frozen=True)
class NewSession:
    """A session just opened and the secret for its cookie (not stored, not shown again)."""

    session: Session
    secret: str


class SessionStore:
    """Open sessions from invitations, find the session of a cookie, and end sessions."""

    def __init__(
        self,
        invitations: InvitationStore,
        tables: SqlTables | None = None,
        *,
        idle_days: int = IDLE_DAYS,
    ) -> None:
        self.invitations = invitations
        self.tables = tables or invitations.tables
        self.table = self.tables.name(SESSIONS_TABLE)
        self.idle = timedelta(days=idle_days)
        self._ready = False

    def now(self) -> datetime:
        """The invitations' clock, so a test that moves one moves both."""
        return self.invitations.now()

    def _cursor(self) -> Any:
        return self.tables.cursor(SESSIONS_TABLE, _DDL)

    def sign_in(self, token: str, replacing: str | None = None) -> NewSession | InvitationState:
        """Redeem an invitation and open a session for it, in one transaction.

        ``replacing`` is the cookie the browser came with, if any: that session ends, so
        one browser holds one session. Returns why not, if the invitation is not open.
        """
        if not self._ready:
            with self._cursor():  # both tables exist before the one transaction uses them
                pass
            self._ready = True
        with self.invitations.cursor() as c:
            redeemed = self.invitations.redeem(c, token)
            if not isinstance(redeemed, Invitation):
                return redeemed
            new = self._open(c, redeemed)
            if replacing:
                self._revoke_where(c, "session_hash", hash_secret(replacing))
        return new

    def _open(self, cursor: Any, invitation: Invitation) -> NewSession:
        now = self.now()
        session = Session(
            session_id=uuid4(),
            actor_id=invitation.actor_id,
            role=invitation.role,
            organisation_id=invitation.organisation_id,
            invitation_id=invitation.invitation_id,
            created_at=now,
            last_seen_at=now,
            revoked_at=None,
        )
        secret = _PREFIX + secrets.token_urlsafe(32)
        p = self.tables.p
        cursor.execute(
            f"INSERT INTO {self.table} (session_hash, {_COLUMNS}) "
            f"VALUES ({p}, {p}, {p}, {p}, {p}, {p}, {p}, {p}, {p})",
            (hash_secret(secret), *_row(session)),
        )
        return NewSession(session, secret)

    def find(self, secret: str) -> Session | None:
        """The live session of a cookie: None if unknown, revoked or idle too long.

        Seeing a session counts as using it; "last seen" is written at most every
        :data:`TOUCH_EVERY`, so a busy page costs one read, not a write per request.
        """
        if not secret.startswith(_PREFIX) or len(secret) > 100:
            return None
        hashed = hash_secret(secret)
        p = self.tables.p
        with self._cursor() as c:
            c.execute(
                f"SELECT {_COLUMNS} FROM {self.table} "
                f"WHERE session_hash = {p} AND revoked_at IS NULL",
                (hashed,),
            )
            row = c.fetchone()
        if row is None:
            return None
        session = _session(row)
        now = self.now()
        if now - session.last_seen_at >= self.idle:
            return None
        if now - session.last_seen_at >= TOUCH_EVERY:
            with self._cursor() as c:
                c.execute(
                    f"UPDATE {self.table} SET last_seen_at = {p} WHERE session_hash = {p}",
                    (iso_utc(now), hashed),
                )
        return session

    def sign_out(self, secret: str) -> None:
        """End the session of this cookie (signing out twice is no error)."""
        with self._cursor() as c:
            self._revoke_where(c, "session_hash", hash_secret(secret))

    def sign_out_everywhere(self, actor_id: UUID) -> int:
        """End every live session of a person, on every device; returns how many ended."""
        with self._cursor() as c:
            return self._revoke_where(c, "actor_id", str(actor_id))

    def _revoke_where(self, cursor: Any, column: str, value: str) -> int:
        """Revoke in one write statement, counted by RETURNING (no read first: on SQLite a
        read snapshot cannot become a write once another connection has written)."""
        p = self.tables.p
        cursor.execute(
            f"UPDATE {self.table} SET revoked_at = {p} WHERE {column} = {p} AND revoked_at IS NULL "
            "RETURNING session_hash",
            (iso_utc(self.now()), value),
        )
        return len(cursor.fetchall())

    def of_actor(self, actor_id: UUID) -> list[Session]:
        """A person's live sessions, oldest first (for the account page and the tests)."""
        p = self.tables.p
        with self._cursor() as c:
            c.execute(
                f"SELECT {_COLUMNS} FROM {self.table} WHERE actor_id = {p} "
                "AND revoked_at IS NULL ORDER BY created_at, session_id",
                (str(actor_id),),
            )
            rows = c.fetchall()
        now = self.now()
        return [s for s in map(_session, rows) if now - s.last_seen_at < self.idle]


def _row(session: Session) -> tuple[str | None, ...]:
    return (
        str(session.session_id),
        str(session.actor_id),
        session.role.value,
        str(session.organisation_id),
        None if session.invitation_id is None else str(session.invitation_id),
        iso_utc(session.created_at),
        iso_utc(session.last_seen_at),
        None,
    )


def _session(row: Any) -> Session:
    return Session(
        session_id=UUID(row["session_id"]),
        actor_id=UUID(row["actor_id"]),
        role=Role(row["role"]),
        organisation_id=UUID(row["organisation_id"]),
        invitation_id=None if row["invitation_id"] is None else UUID(row["invitation_id"]),
        created_at=datetime.fromisoformat(row["created_at"]),
        last_seen_at=datetime.fromisoformat(row["last_seen_at"]),
        revoked_at=None if row["revoked_at"] is None else datetime.fromisoformat(row["revoked_at"]),
    )
