"""A paper ballot on its way into the box: typed in by one officer, checked by a second.

Why two people: a paper ballot is counted from what an officer types, and a typing error
or a made-up ballot would count silently. The first officer enters what the paper says
(:class:`PaperBallot.Entered`, pending); a second officer, checking it against the paper,
confirms it (:class:`PaperBallot.Confirmed`), and only then is the ballot cast, in the same
transaction. Or the second officer discards it with a reason (the first re-enters it).

The paper ballot's serial number (printed on each paper) names it: the id derives from
(process, serial), so the same paper cannot be entered twice, and the counted ballot's
pseudonym derives from the serial, so it cannot be counted twice either.
"""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import event

from coprod.domain.aggregate import CoprodAggregate, natural_id
from coprod.domain.ballot import AgeBand, Sex
from coprod.domain.errors import PhaseError
from coprod.domain.values import Actor, require_text
from coprod.domain.voting import BallotChoices

__all__ = ["PaperBallot"]


class PaperBallot(CoprodAggregate):
    """One paper ballot as typed in, pending until a second officer confirms it."""

    class Entered(CoprodAggregate.Created):
        """An officer typed in a paper ballot; it does not count until checked."""

        process_id: UUID
        serial: str
        choices: BallotChoices
        area_code: str | None
        age_band: AgeBand | None
        sex: Sex | None

    class Confirmed(CoprodAggregate.Event):
        """A second officer checked the entry against the paper; the ballot was cast."""

        ballot_id: UUID

    class Discarded(CoprodAggregate.Event):
        """A second officer found the entry does not match the paper; it never counts."""

        reason: str

    @staticmethod
    def create_id(process_id: UUID, serial: str) -> UUID:
        return natural_id("paper-ballot", process_id, serial)

    @event(Entered)
    def __init__(
        self,
        actor: Actor,
        process_id: UUID,
        serial: str,
        choices: BallotChoices,
        area_code: str | None,
        age_band: AgeBand | None,
        sex: Sex | None,
    ) -> None:
        self.process_id = process_id
        self.serial = require_text("serial", serial, max_length=40)
        self.choices = choices
        self.area_code = area_code
        self.age_band = age_band
        self.sex = sex
        self.entered_by = actor.id
        self.state = "pending"
        self.ballot_id: UUID | None = None

    def confirm(self, actor: Actor, ballot_id: UUID) -> None:
        self._pending("confirm")
        self._confirm(actor=actor, ballot_id=ballot_id)

    @event(Confirmed)
    def _confirm(self, actor: Actor, ballot_id: UUID) -> None:
        self.state = "confirmed"
        self.ballot_id = ballot_id

    def discard(self, actor: Actor, reason: str) -> None:
        self._pending("discard")
        self._discard(actor=actor, reason=require_text("reason", reason, max_length=500))

    @event(Discarded)
    def _discard(self, actor: Actor, reason: str) -> None:
        self.state = "discarded"

    def _pending(self, doing: str) -> None:
        if self.state != "pending":
            raise PhaseError(f"paper ballot {self.serial} is {self.state}; cannot {doing} it")
