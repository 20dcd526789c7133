"""The ballot box: one counted ballot per voter pseudonym per process, never an identity.

A ballot stores what was marked, how it arrived and optional coarse demographics (DOMAIN.md
§6); the voter is an HMAC pseudonym computed elsewhere with a per-process secret, so the
ballot box cannot be joined back to the voter roll. The id derives from (process,
pseudonym): a second ballot by the same voter clashes on save instead of being counted twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from uuid import UUID

from eventsourcing.domain import event

from coprod.domain.aggregate import CoprodAggregate, keep_stored_topics, natural_id
from coprod.domain.errors import InvalidInput
from coprod.domain.process import Process
from coprod.domain.stored import stored_as
from coprod.domain.values import Actor, require_text
from coprod.domain.voting import BallotChoices

#: An HMAC-SHA256 digest in lowercase hex: exactly what the pseudonymiser produces.
_PSEUDONYM = re.compile(r"^[0-9a-f]{64}$")


@stored_as("ballot_channel")
class BallotChannel(Enum):
    """How the ballot reached the box; turnout is reported per channel."""

    ONLINE = "online"
    PAPER = "paper"
    IN_PERSON = "in_person"


@stored_as("ballot_age_band")
class AgeBand(Enum):
    """Coarse age bands only, so a ballot cannot single anyone out (DOMAIN.md §6)."""

    UNDER_16 = "under-16"
    AGE_16_24 = "16-24"
    AGE_25_34 = "25-34"
    AGE_35_44 = "35-44"
    AGE_45_54 = "45-54"
    AGE_55_64 = "55-64"
    AGE_65_74 = "65-74"
    AGE_75_PLUS = "75+"


@stored_as("ballot_sex")
class Sex(Enum):
    """Coarse, optional, self-declared; used only for the representation ratio."""

    FEMALE = "female"
    MALE = "male"
    OTHER = "other"


def require_pseudonym(voter_pseudonym: str) -> str:
    """Refuse anything but an HMAC-SHA256 hex digest, so a raw identity never lands in the box.

    The check is on shape only: 64 lowercase hex characters. An e-mail, a CPR number or a
    name fails it, which is the point.
    """
    if not isinstance(voter_pseudonym, str) or not voter_pseudonym:
        raise InvalidInput("voter_pseudonym", "must not be empty")
    if not _PSEUDONYM.match(voter_pseudonym):
        raise InvalidInput(
            "voter_pseudonym",
            "must be an HMAC-SHA256 hex digest (64 lowercase hex characters), never an identity",
        )
    return voter_pseudonym


@dataclass(frozen=True)
class MarkedBallot:
    """One voter's marked ballot as handed in, before it is checked and cast.

    The same value serves a ballot cast online, a batch of paper ballots and a Pabulib vote;
    it is never stored as such (the stored event is :class:`Ballot.BallotCast`).
    """

    voter_pseudonym: str
    choices: BallotChoices
    channel: BallotChannel = BallotChannel.PAPER
    area_code: str | None = None
    age_band: AgeBand | None = None
    sex: Sex | None = None


class Ballot(CoprodAggregate):
    """One counted ballot in one process's vote."""

    class BallotCast(CoprodAggregate.Created):
        """A voter (pseudonym only) cast a ballot that the declared rules accept; it counts."""

        process_id: UUID
        voter_pseudonym: str
        choices: BallotChoices
        channel: BallotChannel
        area_code: str | None
        age_band: AgeBand | None
        sex: Sex | None

    @staticmethod
    def create_id(process_id: UUID, voter_pseudonym: str) -> UUID:
        return natural_id("ballot", process_id, voter_pseudonym)

    @event(BallotCast)
    def __init__(
        self,
        actor: Actor,
        process_id: UUID,
        voter_pseudonym: str,
        choices: BallotChoices,
        channel: BallotChannel,
        area_code: str | None,
        age_band: AgeBand | None,
        sex: Sex | None,
    ) -> None:
        self.process_id = process_id
        self.voter_pseudonym = voter_pseudonym
        self.choices = choices
        self.channel = channel
        self.area_code = area_code
        self.age_band = age_band
        self.sex = sex

    @classmethod
    def cast(cls, actor: Actor, process: Process, marked: MarkedBallot) -> Ballot:
        """Check the ballot against what the process declared, then cast it.

        Refuses a closed ballot (PhaseError), a rule break (BallotRejected), a malformed
        pseudonym and an area the process does not have (InvalidInput). The one-per-voter
        rule is enforced by the id when the ballot is saved.
        """
        require_pseudonym(marked.voter_pseudonym)
        channel, age_band, sex = marked.channel, marked.age_band, marked.sex
        if not isinstance(channel, BallotChannel):
            raise InvalidInput("channel", f"{channel!r} is not one of {_values(BallotChannel)}")
        if age_band is not None and not isinstance(age_band, AgeBand):
            raise InvalidInput("age_band", f"{age_band!r} is not one of {_values(AgeBand)}")
        if sex is not None and not isinstance(sex, Sex):
            raise InvalidInput("sex", f"{sex!r} is not one of {_values(Sex)}")
        area_code = marked.area_code
        if area_code is not None:
            area_code = require_text("area_code", area_code, max_length=40)
            codes = [a.code for a in process.areas]
            if codes and area_code not in codes:
                raise InvalidInput(
                    "area_code",
                    f"{area_code!r} is not an area of this process ({', '.join(codes)})",
                )
        process.check_ballot(marked.choices)
        return cls(
            actor=actor,
            process_id=process.id,
            voter_pseudonym=marked.voter_pseudonym,
            choices=marked.choices,
            channel=channel,
            area_code=area_code,
            age_band=age_band,
            sex=sex,
        )


def ballot_counts(ballot_state_when_recorded: str | None) -> bool:
    """The one rule of which stored ballots count: those recorded while the ballot was open.

    The write side refuses a cast once the ballot has closed (see
    ``coprod.application.ballots.ballot_still_open``); the outcome, the process summary and
    the impact figures all decide with this function, so they can never count differently.
    ``None`` is a ballot for a process the reader has not seen: not counted.
    """
    return ballot_state_when_recorded == "open"


def _values(enum_cls: type[Enum]) -> str:
    return ", ".join(m.value for m in enum_cls)


keep_stored_topics("coprod.ballot", Ballot)
