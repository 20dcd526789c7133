"""Use cases for the ballot box: casting one ballot online, importing a batch of paper ballots."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.utils import get_topic

from coprod.adapters.privacy import PersonalDataStore
from coprod.adapters.recording import InTransaction, Transaction
from coprod.application import policy
from coprod.application.base import CoprodBase, Receipt
from coprod.application.commands import ballots as cmd
from coprod.domain.ballot import Ballot, MarkedBallot
from coprod.domain.errors import (
    AlreadyExists,
    CoprodError,
    DuplicateBallot,
    InvalidInput,
    PhaseError,
    RuleViolation,
)
from coprod.domain.process import Process
from coprod.domain.values import Actor


class BallotCommands(CoprodBase):
    """Casting ballots; each is checked against the rules the process declared before the vote."""

    #: The personal-data store (built by PeopleCommands), for pseudonymising a voter_ref.
    personal_data: PersonalDataStore

    def cast_ballot(self, command: cmd.CastBallot, actor: Actor) -> Receipt:
        """Cast one ballot; a second ballot from the same pseudonym is a DuplicateBallot.

        ``voter_pseudonym`` must be the HMAC-SHA256 hex digest of the voter under the
        process's secret (see :func:`coprod.domain.ballot.require_pseudonym`). Only an officer of
        the process's council (or the system) casts: the voting front end is the council's.
        """
        process = self._castable(actor, command.process_id)
        return self._cast(actor, process, command.marked())

    def cast_ballot_by_ref(self, command: cmd.CastBallotByRef, actor: Actor) -> Receipt:
        """Cast one ballot for a voter's verified reference, pseudonymised here and forgotten.

        The reference is pseudonymised only once the policy let the actor cast in this
        process, so a refused request never creates a process secret.
        """
        process = self._castable(actor, command.process_id)
        pseudonym = self.personal_data.pseudonymise(command.process_id, command.voter_ref)
        marked = MarkedBallot(
            pseudonym,
            command.choices,
            command.channel,
            command.area_code,
            command.age_band,
            command.sex,
        )
        return self._cast(actor, process, marked)

    def _castable(
        self, actor: Actor, process_id: UUID, *, code_valid: bool | None = None
    ) -> Process:
        """The process, once the policy let this actor cast in it (its council's officer, or
        a resident with a valid voting code: :func:`policy.may_cast_ballot`)."""
        process = self.load(Process, process_id)
        policy.may_cast_ballot(
            actor, process.council_id, f"process {process_id}", code_valid=code_valid
        )
        return process

    def _cast(self, actor: Actor, process: Process, marked: MarkedBallot) -> Receipt:
        ballot = Ballot.cast(actor, process, marked)
        try:
            return self.commit(ballot, within=ballot_still_open(process))
        except AlreadyExists:
            raise DuplicateBallot(
                f"this voter already has a counted ballot in process {process.id}; "
                "a second ballot is not counted"
            ) from None

    def cast_ballots(self, command: cmd.CastBallots, actor: Actor) -> int:
        """Import a batch all-or-nothing, so a failed paper import never leaves half a count.

        Every ballot is checked first; the first bad one refuses the whole batch and the
        error names its index (``ballots[i]``, counting from 0). Returns how many were cast.
        Only an officer of the process's council (or the system) imports.
        """
        process_id, ballots = command.process_id, command.ballots
        if not ballots:
            raise InvalidInput("ballots", "the batch is empty")
        process = self._castable(actor, process_id)
        cast: list[Ballot] = []
        seen: dict[str, int] = {}
        for index, item in enumerate(ballots):
            try:
                ballot = Ballot.cast(actor, process, item)
            except CoprodError as e:
                raise _at_index(index, e) from e
            if item.voter_pseudonym in seen:
                raise DuplicateBallot(
                    f"ballots[{index}]: this voter already has a ballot in this batch "
                    f"(ballots[{seen[item.voter_pseudonym]}]); nothing was imported"
                )
            if self.exists(ballot.id):
                raise DuplicateBallot(
                    f"ballots[{index}]: this voter already has a counted ballot in process "
                    f"{process_id}; nothing was imported"
                )
            seen[item.voter_pseudonym] = index
            cast.append(ballot)
        try:
            self.commit(*cast, within=ballot_still_open(process))
        except AlreadyExists:
            raise DuplicateBallot(
                "a voter in this batch cast a counted ballot meanwhile; nothing was imported"
            ) from None
        return len(cast)


#: Events after which a ballot loaded as open can no longer be cast.
_CLOSING_TOPICS = frozenset({get_topic(Process.BallotClosed)})


def ballot_still_open(process: Process) -> InTransaction:
    """A check that the ballot did not close between loading the process and recording.

    Casting checks the process it loaded; a close recorded meanwhile would otherwise let the
    ballot in after ``BallotClosed``. The check runs once the store has serialised writers
    (see :mod:`coprod.adapters.recording`), so a ballot is stored only if no close precedes it.
    """

    def check(transaction: Transaction) -> None:
        later = transaction.topics_after(process.id, process.version)
        if _CLOSING_TOPICS.intersection(later):
            raise PhaseError("the ballot is closed; this ballot was not recorded")

    return InTransaction(checks=(check,))


def _at_index(index: int, error: CoprodError) -> CoprodError:
    """The same refusal, saying which ballot of the batch it concerns."""
    if isinstance(error, InvalidInput):
        return InvalidInput(f"ballots[{index}].{error.field}", error.problem)
    if isinstance(error, RuleViolation):
        return type(error)(f"ballots[{index}]: {error}; nothing was imported", rule=error.rule)
    return error
