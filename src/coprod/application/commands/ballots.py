"""Commands on the ballot box: cast one ballot, cast one for a voter's reference, import a batch.

Handled by ``app.cast_ballot(CastBallot(...), actor)`` and its siblings; only an officer of
the process's council (or the system) casts, since the voting front end is the council's.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from coprod.application.commands import Command
from coprod.domain.ballot import AgeBand, BallotChannel, MarkedBallot, Sex
from coprod.domain.voting import BallotChoices

__all__ = [
    "CastBallot",
    "CastBallotAsInvited",
    "CastBallotByRef",
    "CastBallotWithCode",
    "CastBallots",
    "CreateVotingCodes",
]


@dataclass(frozen=True, kw_only=True)
class CastBallot(Command):
    """One ballot under a voter's pseudonym (the HMAC of the voter under the process secret)."""

    process_id: UUID
    voter_pseudonym: str
    choices: BallotChoices
    channel: BallotChannel
    area_code: str | None = None
    age_band: AgeBand | None = None
    sex: Sex | None = None

    def marked(self) -> MarkedBallot:
        """The ballot as the domain checks it."""
        return MarkedBallot(
            self.voter_pseudonym,
            self.choices,
            self.channel,
            self.area_code,
            self.age_band,
            self.sex,
        )


@dataclass(frozen=True, kw_only=True)
class CastBallotByRef(Command):
    """One ballot for a voter's verified reference, pseudonymised by the handler and forgotten."""

    process_id: UUID
    voter_ref: str
    choices: BallotChoices
    channel: BallotChannel
    area_code: str | None = None
    age_band: AgeBand | None = None
    sex: Sex | None = None


@dataclass(frozen=True, kw_only=True)
class CastBallots(Command):
    """A batch of ballots (paper, a Pabulib file), imported all or nothing."""

    process_id: UUID
    ballots: tuple[MarkedBallot, ...]


@dataclass(frozen=True, kw_only=True)
class CreateVotingCodes(Command):
    """Make `count` one-time voting codes for a process's vote (officer of its council)."""

    process_id: UUID
    count: int


@dataclass(frozen=True, kw_only=True)
class CastBallotWithCode(Command):
    """A resident's own ballot, cast with a one-time voting code of the process."""

    process_id: UUID
    code: str
    choices: BallotChoices
    area_code: str | None = None
    age_band: AgeBand | None = None
    sex: Sex | None = None


@dataclass(frozen=True, kw_only=True)
class CastBallotAsInvited(Command):
    """A signed-in resident's own ballot: the council's invitation is their eligibility."""

    process_id: UUID
    choices: BallotChoices
    area_code: str | None = None
    age_band: AgeBand | None = None
    sex: Sex | None = None


@dataclass(frozen=True, kw_only=True)
class EnterPaperBallot(Command):
    """An officer types in a paper ballot; it waits for a second officer's check."""

    process_id: UUID
    serial: str
    choices: BallotChoices
    area_code: str | None = None
    age_band: AgeBand | None = None
    sex: Sex | None = None


@dataclass(frozen=True, kw_only=True)
class ConfirmPaperBallot(Command):
    """A second officer confirms a pending paper ballot against the paper: it is cast."""

    paper_ballot_id: UUID


@dataclass(frozen=True, kw_only=True)
class DiscardPaperBallot(Command):
    """A second officer discards a pending paper ballot that does not match the paper."""

    paper_ballot_id: UUID
    reason: str
