"""Use cases for paper ballots: one officer enters, a second officer checks, then it counts.

See :mod:`coprod.domain.paper_ballot` for why. Entering checks the ballot against the declared
rules at once (a typing error is refused while the paper is in hand); confirming casts it as
a :class:`~coprod.domain.ballot.Ballot` on the paper channel, under the pseudonym of its serial
number, in the same transaction as the confirmation and with the same "ballot still open"
check as every other ballot.
"""

from __future__ import annotations

from uuid import UUID

from coprod.application import policy
from coprod.application.ballots import BallotCommands, ballot_still_open
from coprod.application.base import Receipt
from coprod.application.commands import ballots as cmd
from coprod.domain.ballot import Ballot, BallotChannel, MarkedBallot
from coprod.domain.errors import AlreadyExists, DuplicateBallot
from coprod.domain.paper_ballot import PaperBallot
from coprod.domain.process import Process
from coprod.domain.values import Actor

__all__ = ["PaperBallotCommands"]


class PaperBallotCommands(BallotCommands):
    """Entering, confirming and discarding paper ballots (officers of the process's council)."""

    def enter_paper_ballot(self, command: cmd.EnterPaperBallot, actor: Actor) -> Receipt:
        """Record a typed-in paper ballot as pending; the same serial twice is a duplicate."""
        process = self._castable(actor, command.process_id)
        paper = PaperBallot(
            actor=actor,
            process_id=process.id,
            serial=command.serial,
            choices=command.choices,
            area_code=command.area_code,
            age_band=command.age_band,
            sex=command.sex,
        )
        Ballot.cast(actor, process, self._marked(paper, "0" * 64))  # the rules, checked now
        try:
            return self.commit(paper)
        except AlreadyExists:
            raise DuplicateBallot(
                f"paper ballot {paper.serial} was already entered in process {process.id}"
            ) from None

    def confirm_paper_ballot(self, command: cmd.ConfirmPaperBallot, actor: Actor) -> Receipt:
        """A second officer's check: the paper ballot is cast and counts from now."""
        paper, process = self._to_check(command.paper_ballot_id, actor)
        pseudonym = self.personal_data.pseudonymise(process.id, f"paper:{paper.serial}")
        ballot = Ballot.cast(actor, process, self._marked(paper, pseudonym))
        paper.confirm(actor, ballot.id)
        try:
            return self.commit(paper, ballot, within=ballot_still_open(process))
        except AlreadyExists:
            raise DuplicateBallot(
                f"paper ballot {paper.serial} is already counted in process {process.id}"
            ) from None

    def discard_paper_ballot(self, command: cmd.DiscardPaperBallot, actor: Actor) -> Receipt:
        """A second officer's check found a mismatch: the entry never counts."""
        paper, _process = self._to_check(command.paper_ballot_id, actor)
        paper.discard(actor, command.reason)
        return self.commit(paper)

    def _to_check(self, paper_ballot_id: UUID, actor: Actor) -> tuple[PaperBallot, Process]:
        paper = self.load(PaperBallot, paper_ballot_id)
        process = self.load(Process, paper.process_id)
        policy.may_check_paper_ballot(
            actor, process.council_id, f"process {process.id}", paper.entered_by
        )
        return paper, process

    @staticmethod
    def _marked(paper: PaperBallot, pseudonym: str) -> MarkedBallot:
        return MarkedBallot(
            pseudonym,
            paper.choices,
            BallotChannel.PAPER,
            paper.area_code,
            paper.age_band,
            paper.sex,
        )
