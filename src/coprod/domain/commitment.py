"""Community commitments and the work logged against them (DOMAIN.md §3, community contribution).

A community group pledges hours and/or an in-kind asset to a project (a :class:`Commitment`),
then logs work as it happens (a :class:`Contribution`, one aggregate per log so many groups
and phones never contend on one stream). Logs carry aggregates only — hours and a head
count, never a roster — plus the co-production phase and level (Nabatchi, Sancino & Sicilia
2017). Volunteer *value* is not stored: rates are applied at projection time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import Enum
from uuid import UUID, uuid4

from eventsourcing.domain import event

from coprod.domain.aggregate import CoprodAggregate, keep_stored_topics, natural_id
from coprod.domain.errors import InvalidInput, RuleViolation
from coprod.domain.inputs import PEOPLE_COUNT_MAX, check_business_date, check_count, check_hours
from coprod.domain.stored import stored_as
from coprod.domain.values import Actor, Money, Role, require_positive, require_text

#: Hours one person can work in one day: the cap on a single log is this times people_count.
HOURS_PER_PERSON_DAY = Decimal(24)
_REASON_MAX = 2_000

_WRITER_ROLES = frozenset({Role.COUNCIL_OFFICER, Role.COMMUNITY_MEMBER, Role.SYSTEM})


@stored_as("coproduction_phase")
class CoproductionPhase(Enum):
    """Where in the service cycle the community took part (Nabatchi et al. 2017)."""

    CO_COMMISSIONING = "co_commissioning"
    CO_DESIGN = "co_design"
    CO_DELIVERY = "co_delivery"
    CO_ASSESSMENT = "co_assessment"


@stored_as("coproduction_level")
class CoproductionLevel(Enum):
    """Who benefits: one person, a group, or the whole community (Nabatchi et al. 2017)."""

    INDIVIDUAL = "individual"
    GROUP = "group"
    COLLECTIVE = "collective"


@stored_as("in_kind_asset")
@dataclass(frozen=True)
class InKindAsset:
    """A non-cash contribution (a hall, a van, materials) at a fair value, for in-kind totals."""

    description: str
    fair_value: Money

    def __post_init__(self) -> None:
        require_text("description", self.description, max_length=500)
        if self.description != self.description.strip():
            raise InvalidInput("description", "must not start or end with spaces")
        require_positive("fair_value", self.fair_value)


@dataclass(frozen=True, kw_only=True)
class Pledge:
    """What a group promises a project: hours, an in-kind asset, or both, at a phase and level.

    One value instead of seven positional arguments, so that every caller names what it gives.
    """

    organisation_id: UUID
    project_id: UUID
    phase: CoproductionPhase
    level: CoproductionLevel
    pledged_hours: Decimal | None = None
    in_kind: InKindAsset | None = None


@dataclass(frozen=True, kw_only=True)
class WorkLog:
    """One day's work by a group, as logged from a phone: hours and a head count, never names."""

    commitment_id: UUID
    organisation_id: UUID
    project_id: UUID
    hours: Decimal
    people_count: int
    phase: CoproductionPhase
    level: CoproductionLevel
    worked_on: date
    seconds_to_log: int | None = None
    client_id: UUID | None = None


def require_hours(field: str, hours: Decimal) -> Decimal:
    """Hours are exact decimals above zero; floats are refused, as for money."""
    return check_hours(field, hours)


def _require_group_side(actor: Actor, organisation_id: UUID, doing: str) -> None:
    """Officers act for anyone; a community member acts only for their own group."""
    if actor.role not in _WRITER_ROLES:
        raise RuleViolation(f"the {actor.role.value} role cannot {doing}", rule="permission")
    if actor.role is Role.COMMUNITY_MEMBER and actor.organisation_id != organisation_id:
        raise RuleViolation(
            f"a community member can {doing} only for their own group", rule="own-group"
        )


def _require_officer(actor: Actor, doing: str) -> None:
    if actor.role not in (Role.COUNCIL_OFFICER, Role.SYSTEM):
        raise RuleViolation(
            f"only a council officer may {doing}; you act as {actor.role.value}",
            rule="permission",
        )


class Commitment(CoprodAggregate):
    """What a community group pledged to a project: hours, an in-kind asset, or both.

    Both may be pledged at once (forty hours *and* the use of a van are one promise to one
    project); at least one is required, since a pledge of nothing cannot be met or lapse.
    """

    class CommitmentMade(CoprodAggregate.Created):
        """A community group pledged hours and/or an in-kind asset to a project."""

        organisation_id: UUID
        project_id: UUID
        phase: CoproductionPhase
        level: CoproductionLevel
        pledged_hours: Decimal | None
        in_kind: InKindAsset | None

    class CommitmentMet(CoprodAggregate.Event):
        """The pledge was fulfilled."""

    class CommitmentLapsed(CoprodAggregate.Event):
        """The pledge will not be fulfilled, for the stated reason."""

        reason: str

    @event(CommitmentMade)
    def __init__(
        self,
        actor: Actor,
        organisation_id: UUID,
        project_id: UUID,
        phase: CoproductionPhase,
        level: CoproductionLevel,
        pledged_hours: Decimal | None,
        in_kind: InKindAsset | None,
    ) -> None:
        self.organisation_id = organisation_id
        self.project_id = project_id
        self.phase = phase
        self.level = level
        self.pledged_hours = pledged_hours
        self.in_kind = in_kind
        self.status = "open"
        self.lapse_reason: str | None = None

    @classmethod
    def make(cls, actor: Actor, pledge: Pledge) -> Commitment:
        """Make a commitment for a group; its member or a council officer records it."""
        _require_group_side(actor, pledge.organisation_id, "make a commitment")
        if pledge.pledged_hours is None and pledge.in_kind is None:
            raise InvalidInput("pledged_hours", "pledge hours, an in-kind asset, or both")
        if pledge.pledged_hours is not None:
            require_hours("pledged_hours", pledge.pledged_hours)
        if pledge.in_kind is not None and not isinstance(pledge.in_kind, InKindAsset):
            kind = type(pledge.in_kind).__name__
            raise InvalidInput("in_kind", f"must be an InKindAsset, not {kind}")
        _require_enums(pledge.phase, pledge.level)
        return cls(
            actor=actor,
            organisation_id=pledge.organisation_id,
            project_id=pledge.project_id,
            phase=pledge.phase,
            level=pledge.level,
            pledged_hours=pledge.pledged_hours,
            in_kind=pledge.in_kind,
        )

    def mark_met(self, actor: Actor) -> None:
        """Certify the pledge fulfilled: an officer's act, as it makes in-kind value count."""
        _require_officer(actor, "mark a commitment met")
        self._require_open("mark it met")
        self._mark_met(actor=actor)

    @event(CommitmentMet)
    def _mark_met(self, actor: Actor) -> None:
        self.status = "met"

    def mark_lapsed(self, actor: Actor, reason: str) -> None:
        _require_group_side(actor, self.organisation_id, "mark a commitment lapsed")
        self._require_open("mark it lapsed")
        text = require_text("reason", reason, max_length=_REASON_MAX)
        self._mark_lapsed(actor=actor, reason=text)

    @event(CommitmentLapsed)
    def _mark_lapsed(self, actor: Actor, reason: str) -> None:
        self.status = "lapsed"
        self.lapse_reason = reason

    def check_accepts_log(self, actor: Actor, organisation_id: UUID, project_id: UUID) -> None:
        """A group logs only against its own, not-lapsed commitment to that same project.

        A met commitment still accepts logs: work done before it was marked met is often
        logged late, and refusing it would push the burden back onto the volunteers.
        """
        if organisation_id != self.organisation_id:
            raise RuleViolation(
                f"commitment {self.id} belongs to another organisation", rule="own-commitment"
            )
        _require_group_side(actor, organisation_id, "log a contribution")
        if project_id != self.project_id:
            raise RuleViolation(
                f"commitment {self.id} is for project {self.project_id}, not {project_id}",
                rule="commitment-project",
            )
        if self.status == "lapsed":
            raise RuleViolation(
                f"commitment {self.id} has lapsed; it accepts no more work",
                rule="commitment-lapsed",
            )

    def _require_open(self, doing: str) -> None:
        if self.status != "open":
            raise RuleViolation(
                f"the commitment is already {self.status}; cannot {doing}", rule="commitment-closed"
            )


def _require_enums(phase: CoproductionPhase, level: CoproductionLevel) -> None:
    if not isinstance(phase, CoproductionPhase):
        raise InvalidInput(
            "phase", f"{phase!r} is not one of {[p.value for p in CoproductionPhase]}"
        )
    if not isinstance(level, CoproductionLevel):
        raise InvalidInput(
            "level", f"{level!r} is not one of {[v.value for v in CoproductionLevel]}"
        )


class Contribution(CoprodAggregate):
    """One log of community work: hours and head count for one day, then verified or disputed."""

    class ContributionLogged(CoprodAggregate.Created):
        """A group logged work against its commitment: hours, head count, phase, level, day."""

        commitment_id: UUID
        organisation_id: UUID
        project_id: UUID
        hours: Decimal
        people_count: int
        phase: CoproductionPhase
        level: CoproductionLevel
        worked_on: date
        seconds_to_log: int | None
        client_id: UUID | None

    class ContributionVerified(CoprodAggregate.Event):
        """A council officer confirmed the logged work."""

    class ContributionDisputed(CoprodAggregate.Event):
        """A council officer questioned the logged work, for the stated reason."""

        reason: str

    @staticmethod
    def create_id(client_id: UUID | None = None) -> UUID:
        """From the phone's own id for the log when given, so a retried send is a repeat."""
        return uuid4() if client_id is None else natural_id("contribution", client_id)

    @event(ContributionLogged)
    def __init__(
        self,
        actor: Actor,
        commitment_id: UUID,
        organisation_id: UUID,
        project_id: UUID,
        hours: Decimal,
        people_count: int,
        phase: CoproductionPhase,
        level: CoproductionLevel,
        worked_on: date,
        seconds_to_log: int | None,
        client_id: UUID | None,
    ) -> None:
        self.commitment_id = commitment_id
        self.organisation_id = organisation_id
        self.project_id = project_id
        self.hours = hours
        self.people_count = people_count
        self.phase = phase
        self.level = level
        self.worked_on = worked_on
        self.seconds_to_log = seconds_to_log
        self.client_id = client_id
        self.status = "logged"
        self.dispute_reason: str | None = None

    @classmethod
    def log(cls, actor: Actor, work: WorkLog, *, today: date) -> Contribution:
        """Log one day's work; ``today`` is injected so the future-date rule is testable."""
        _require_group_side(actor, work.organisation_id, "log a contribution")
        check_count("people_count", work.people_count, minimum=1, maximum=PEOPLE_COUNT_MAX)
        require_hours("hours", work.hours)
        cap = HOURS_PER_PERSON_DAY * work.people_count
        if work.hours > cap:
            raise InvalidInput(
                "hours",
                f"{work.hours} hours by {work.people_count} people in one day is more than "
                f"{cap} ({HOURS_PER_PERSON_DAY} per person)",
            )
        _require_enums(work.phase, work.level)
        check_business_date("worked_on", work.worked_on)
        if work.worked_on > today:
            raise InvalidInput("worked_on", f"{work.worked_on} is in the future (today is {today})")
        if work.seconds_to_log is not None:
            check_count("seconds_to_log", work.seconds_to_log)
        return cls(
            actor=actor,
            commitment_id=work.commitment_id,
            organisation_id=work.organisation_id,
            project_id=work.project_id,
            hours=work.hours,
            people_count=work.people_count,
            phase=work.phase,
            level=work.level,
            worked_on=work.worked_on,
            seconds_to_log=work.seconds_to_log,
            client_id=work.client_id,
        )

    def verify(self, actor: Actor) -> None:
        """Confirm the work; a disputed log can be verified once the dispute is resolved."""
        _require_officer(actor, "verify a contribution")
        if self.status == "verified":
            raise RuleViolation("the contribution is already verified", rule="already-verified")
        self._verify(actor=actor)

    @event(ContributionVerified)
    def _verify(self, actor: Actor) -> None:
        self.status = "verified"
        self.dispute_reason = None

    def dispute(self, actor: Actor, reason: str) -> None:
        """Question the work with a reason; a verified log can still be disputed later."""
        _require_officer(actor, "dispute a contribution")
        if self.status == "disputed":
            raise RuleViolation("the contribution is already disputed", rule="already-disputed")
        text = require_text("reason", reason, max_length=_REASON_MAX)
        self._dispute(actor=actor, reason=text)

    @event(ContributionDisputed)
    def _dispute(self, actor: Actor, reason: str) -> None:
        self.status = "disputed"
        self.dispute_reason = reason


keep_stored_topics("coprod.commitment", Commitment, Contribution)
