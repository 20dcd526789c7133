"""A service need defined with residents, and the co-design sessions that shape it.

The first steps of co-commissioning (DOMAIN.md §3): the council and residents define what
service is needed (:class:`ServiceNeed.ServiceNeedDefined`), then design it together in
sessions (:class:`ServiceNeed.CoDesignSessionHeld`), before a tender
(:mod:`coprod.domain.tender`) asks providers to bid for it. Who took part is recorded as counts
per group, never as names, so co-design participation can be published as a
disclosure-controlled measure.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from eventsourcing.domain import event

from coprod.domain.aggregate import CoprodAggregate, keep_stored_topics, natural_id
from coprod.domain.commissioning_terms import Participation, require_participation
from coprod.domain.dates import latest_today
from coprod.domain.errors import AlreadyExists, DateBeforeCase, InvalidInput
from coprod.domain.inputs import check_business_date
from coprod.domain.organisation import require_slug
from coprod.domain.values import Actor, require_text

__all__ = ["CoDesignSession", "NeedDefinition", "ServiceNeed", "SessionRecord"]

_OUTPUTS_MAX = 20


@dataclass(frozen=True)
class NeedDefinition:
    """What defining a need says (one value, so the use case and the door pass it whole)."""

    code: str
    title: str
    description: str
    participants: tuple[Participation, ...]
    defined_on: date


@dataclass(frozen=True)
class SessionRecord:
    """What a co-design session produced: its code, date, participants and outputs."""

    code: str
    held_on: date
    participants: tuple[Participation, ...]
    outputs: tuple[str, ...]


class CoDesignSession:
    """A co-design session as the aggregate keeps it (read by the read models and tests)."""

    def __init__(
        self,
        code: str,
        held_on: date,
        participants: tuple[Participation, ...],
        outputs: tuple[str, ...] = (),
    ):
        self.code = code
        self.held_on = held_on
        self.participants = participants
        self.outputs = outputs


class ServiceNeed(CoprodAggregate):
    """A service need of one process's council, defined with residents, and its co-design."""

    class ServiceNeedDefined(CoprodAggregate.Created):
        """The council and residents defined a service need; who took part, by group, in counts."""

        process_id: UUID
        council_id: UUID
        code: str
        title: str
        description: str
        participants: tuple[Participation, ...]
        defined_on: date

    class CoDesignSessionHeld(CoprodAggregate.Event):
        """A co-design session was held: its date, who took part by group, and what it produced."""

        session_code: str
        held_on: date
        participants: tuple[Participation, ...]
        outputs: tuple[str, ...]

    @staticmethod
    def create_id(process_id: UUID, code: str) -> UUID:
        return natural_id("service-need", process_id, code)

    @event(ServiceNeedDefined)
    def __init__(
        self,
        actor: Actor,
        process_id: UUID,
        council_id: UUID,
        code: str,
        title: str,
        description: str,
        participants: tuple[Participation, ...],
        defined_on: date,
    ) -> None:
        self.process_id = process_id
        self.council_id = council_id
        self.code = code
        self.title = title
        self.description = description
        self.participants = participants
        self.defined_on = defined_on
        self.sessions: dict[str, CoDesignSession] = {}

    @classmethod
    def define(
        cls, actor: Actor, process_id: UUID, council_id: UUID, need: NeedDefinition
    ) -> ServiceNeed:
        """Record a need; it must have been defined with residents (or service users)."""
        return cls(
            actor=actor,
            process_id=process_id,
            council_id=council_id,
            code=require_slug(need.code),
            title=require_text("title", need.title, max_length=200),
            description=require_text("description", need.description, max_length=10_000),
            participants=require_participation(need.participants, residents_needed=True),
            defined_on=check_business_date("defined_on", need.defined_on, latest=latest_today()),
        )

    def hold_session(self, actor: Actor, session: SessionRecord) -> None:
        """Record a co-design session; a session code once, and not before the need was defined."""
        require_slug(session.code)
        if session.code in self.sessions:
            raise AlreadyExists("co-design session", f"{self.code}/{session.code}")
        held_on = check_business_date("held_on", session.held_on, latest=latest_today())
        if held_on < self.defined_on:
            raise DateBeforeCase(
                f"held_on {held_on.isoformat()} is before the need was defined "
                f"({self.defined_on.isoformat()})"
            )
        if not session.outputs or len(session.outputs) > _OUTPUTS_MAX:
            raise InvalidInput("outputs", f"name between 1 and {_OUTPUTS_MAX} outputs")
        self._hold_session(
            actor=actor,
            session_code=session.code,
            held_on=held_on,
            participants=require_participation(session.participants, residents_needed=False),
            outputs=tuple(
                require_text(f"outputs[{i}]", text, max_length=2_000)
                for i, text in enumerate(session.outputs)
            ),
        )

    @event(CoDesignSessionHeld)
    def _hold_session(
        self,
        actor: Actor,
        session_code: str,
        held_on: date,
        participants: tuple[Participation, ...],
        outputs: tuple[str, ...],
    ) -> None:
        self.sessions[session_code] = CoDesignSession(session_code, held_on, participants, outputs)


keep_stored_topics("coprod.commissioning", ServiceNeed)
