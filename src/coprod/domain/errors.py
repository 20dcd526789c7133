"""Domain errors: every refusal the write side can give, each naming the rule it enforces.

Callers (the CLI, the HTTP API) map these classes to exit codes and status codes, so the
hierarchy is the contract::

    CoprodError
    ├── InvalidInput            a value is malformed (negative money, empty title, bad currency)
    ├── NotFound                an id names nothing of the expected kind
    │   ├── NotYetRecorded      ... at the time asked for; it was recorded later
    │   └── NotVisible          it exists, but is hidden from this actor (answers as absent)
    ├── RuleViolation           a well-formed command breaks a rule of DOMAIN.md §5
    │   ├── NotAllowed          the actor may see it but may not do this (authorisation policy)
    │   ├── PhaseError          the process is in the wrong phase for this command
    │   ├── BallotRejected      a ballot breaks the declared voting rules
    │   ├── DecisionRecordIncomplete   an adverse decision lacks its legal record
    │   ├── HearingRequired     an adverse decision relies on facts the party was not heard on
    │   │   └── HearingPending  ... on a hearing sent but neither answered nor past its deadline
    │   └── DateRuleViolation   a business date breaks the order of the case
    │       ├── HearingPeriodTooShort   the deadline is under the minimum hearing period
    │       ├── AnswerBeforeHearing     an answer dated before the hearing was sent
    │       ├── DateBeforeCase          a hearing or decision dated before what it relies on
    │       └── DateInFuture            a business date that has not happened anywhere yet
    ├── Conflict                the write would clash with what is already stored
    │   ├── AlreadyExists       repeating a create for the same natural key
    │   ├── DuplicateBallot     a second ballot from the same voter pseudonym
    │   └── StaleVersion        the writer's view of the aggregate is out of date
    └── StoreUnavailable        the store cannot take the write now (lock timeout, down)
"""

from __future__ import annotations

from datetime import datetime, time


class CoprodError(Exception):
    """Base of all refusals; the message is written for the person who sent the command."""


class InvalidInput(CoprodError):
    """A field value is malformed; the message names the field, ``rule`` the check it failed."""

    def __init__(self, field: str, problem: str, *, rule: str | None = None) -> None:
        self.field = field
        self.problem = problem
        self.rule = rule
        super().__init__(f"{field}: {problem}")


class NotFound(CoprodError):
    """No aggregate of the expected kind has this id."""

    def __init__(self, kind: str, ident: object) -> None:
        self.kind = kind
        self.ident = ident
        super().__init__(f"no {kind} with id {ident}")


class NotYetRecorded(NotFound):
    """The id is known, but was first recorded after the as-of time asked for.

    Said apart from "no such id", with the first recorded time, so a reader who asked too
    early knows which time to ask for instead of doubting the id.
    """

    def __init__(self, kind: str, ident: object, as_of: datetime, first: datetime) -> None:
        self.kind = kind
        self.ident = ident
        self.as_of = as_of
        self.first = first
        CoprodError.__init__(
            self,
            f"{kind} {ident} did not exist yet at {as_of.isoformat()}: "
            f"it was first recorded at {first.isoformat()}",
        )


class NotYetValid(NotFound):
    """The id is known, but nothing of it was true yet at the business date asked for.

    The valid-at twin of :class:`NotYetRecorded`: it names the first business time, so a
    reader who asked too early knows which date to ask for.
    """

    def __init__(self, kind: str, ident: object, valid_at: object, first: datetime) -> None:
        self.kind = kind
        self.ident = ident
        self.first = first
        shown = valid_at.isoformat() if hasattr(valid_at, "isoformat") else str(valid_at)
        # A fact dated a day is valid from that day's end: said as the day it is dated.
        since = first.date().isoformat() if first.time() == time.max else first.isoformat()
        CoprodError.__init__(
            self,
            f"{kind} {ident} was not in existence yet at {shown}: "
            f"its first fact is valid from {since}",
        )


class NotVisible(NotFound):
    """The object exists but is private to another organisation: it answers as if absent.

    A subclass of NotFound so every caller treats it exactly like a missing id, and nobody
    learns whether the id exists (no existence oracle).
    """


class RuleViolation(CoprodError):
    """The command is well formed but breaks a rule; `rule` names it for the audit trail."""

    rule: str = "rule"

    def __init__(self, message: str, *, rule: str | None = None) -> None:
        if rule is not None:
            self.rule = rule
        super().__init__(message)


class NotAllowed(RuleViolation):
    """The authorisation policy refuses this actor this act (coprod.application.policy).

    A rule violation like the domain's own permission rules, so callers that catch those
    catch these too; the HTTP API answers 403 for both.
    """

    rule = "permission"


class PhaseError(RuleViolation):
    """The process phase does not allow this command (e.g. a ballot outside the vote phase)."""

    rule = "phase"


class BallotRejected(RuleViolation):
    """A ballot breaks the declared voting rules; it is refused, never truncated."""

    rule = "ballot"


class DecisionRecordIncomplete(RuleViolation):
    """An adverse decision lacks legal basis, considerations, facts or complaints guidance."""

    rule = "decision-record"


class HearingRequired(RuleViolation):
    """An adverse decision relies on an adverse, essential fact unknown to the party."""

    rule = "party-hearing"


class HearingPending(HearingRequired):
    """A hearing on a relied-on fact is neither answered nor past its deadline: wait for it."""

    rule = "hearing-pending"


class DateRuleViolation(RuleViolation):
    """A business date of the case breaks the order the law assumes; the request must change."""

    rule = "date-order"


class HearingPeriodTooShort(DateRuleViolation):
    """The hearing's deadline leaves the party less than the process's minimum period."""

    rule = "hearing-period"


class AnswerBeforeHearing(DateRuleViolation):
    """A hearing answer cannot be dated before the hearing was sent."""

    rule = "answer-before-hearing"


class DateBeforeCase(DateRuleViolation):
    """A hearing or decision dated before the facts or hearings it relies on were on file."""

    rule = "date-before-case"


class DateInFuture(DateRuleViolation):
    """A business date after today everywhere on Earth: it has not happened yet."""

    rule = "date-in-future"


class Conflict(CoprodError):
    """The write clashes with stored state; nothing was written."""


class AlreadyExists(Conflict):
    """A create was repeated for a natural key that already has an aggregate."""

    def __init__(self, kind: str, ident: object) -> None:
        self.kind = kind
        self.ident = ident
        super().__init__(f"{kind} {ident} already exists")


class DuplicateBallot(Conflict):
    """This voter pseudonym already has a counted ballot in this vote."""


class StaleVersion(Conflict):
    """Another write reached the aggregate first; reload and retry."""

    def __init__(self, kind: str, ident: object, expected: int | None, actual: int | None) -> None:
        self.kind = kind
        self.ident = ident
        self.expected = expected
        self.actual = actual
        if expected is None:
            detail = "another writer saved it first"
        else:
            detail = f"you expected version {expected}, it is at version {actual}"
        super().__init__(f"conflict on {kind} {ident}: {detail}; reload and retry")


class StoreUnavailable(CoprodError):
    """The store is down or a lock could not be taken in time; retry later."""
